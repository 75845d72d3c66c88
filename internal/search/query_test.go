package search

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestParse(t *testing.T) {
	w := func(s string) Term { return Term{Text: s} }
	p := func(s string) Term { return Term{Text: s, Phrase: true} }
	x := func(s string) Term { return Term{Text: s, Exclude: true} }
	xp := func(s string) Term { return Term{Text: s, Phrase: true, Exclude: true} }
	cases := []struct {
		in   string
		want []Term
		code string
	}{
		{"flood", []Term{w("flood")}, ""},
		{"  flood   relief ", []Term{w("flood"), w("relief")}, ""},
		{"flood\trelief\nfund\r\n", []Term{w("flood"), w("relief"), w("fund")}, ""},
		{`"prime minister" visit`, []Term{p("prime minister"), w("visit")}, ""},
		{`flood -rain`, []Term{w("flood"), x("rain")}, ""},
		{`flood -"heavy rain"`, []Term{w("flood"), xp("heavy rain")}, ""},
		{`flood - rain`, []Term{w("flood"), w("rain")}, ""},
		{`e-mail al-Assad`, []Term{w("e-mail"), w("al-Assad")}, ""},
		{`flood −rain`, []Term{w("flood"), x("rain")}, ""},
		{`«État de droit» réforme`, []Term{p("État de droit"), w("réforme")}, ""},
		{`“北京” 天气`, []Term{p("北京"), w("天气")}, ""},
		{`「北京」`, []Term{p("北京")}, ""},
		{`say"hello"`, []Term{w("say"), p("hello")}, ""},
		{`"" flood`, []Term{w("flood")}, ""},
		{`flood flood -rain -rain`, []Term{w("flood"), w("flood"), x("rain"), x("rain")}, ""},
		{`flood ... —`, []Term{w("flood")}, ""},
		{"دورہ پاکستان", []Term{w("دورہ"), w("پاکستان")}, ""},
		{"北京\u3000天气", []Term{w("北京"), w("天气")}, ""},
		{"a\u00a0b", []Term{w("a"), w("b")}, ""},
		{"", nil, "empty"},
		{"   \t\n", nil, "empty"},
		{"... !!! ---", nil, "empty"},
		{`""`, nil, "empty"},
		{"-flood", nil, "only_excluded"},
		{`-flood -"heavy rain"`, nil, "only_excluded"},
		{`"prime minister`, nil, "quote"},
		{`flood "`, nil, "quote"},
		{`«État`, nil, "quote"},
		{"flood\x00", nil, "control"},
		{"flood\x1b[31m", nil, "control"},
		{"flood\u0085", nil, "control"},
		{"flood\x7f", nil, "control"},
		{"flood\xff", nil, "control"},
		{strings.Repeat("a", 501), nil, "too_long"},
		{strings.Repeat("ب", 501), nil, "too_long"},
		{manyWords(65), nil, "too_long"},
		{manyWords(64), nil, ""},
		{strings.Repeat("a", 10000), nil, "too_long"},
	}
	for _, c := range cases {
		got, err := Parse(c.in)
		if c.code != "" {
			var qe *QueryError
			if !errors.As(err, &qe) || qe.Code != c.code || !errors.Is(err, ErrQuery) {
				t.Errorf("Parse(%.40q) = %v, %v; want code %q", c.in, got, err, c.code)
			}
			continue
		}
		if err != nil {
			t.Errorf("Parse(%.40q): %v", c.in, err)
			continue
		}
		if c.want == nil {
			continue
		}
		if !reflect.DeepEqual(got.Terms, c.want) {
			t.Errorf("Parse(%.40q) = %+v, want %+v", c.in, got.Terms, c.want)
		}
	}
	// 500 characters is allowed, however many bytes they take.
	if _, err := Parse(strings.Repeat("ب", 500)); err != nil {
		t.Errorf("500 Arabic letters: %v", err)
	}
}

func manyWords(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "w%d ", i)
	}
	return b.String()
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"flood", `"prime minister" -rain`, `-"a b"`, `«État»`, "دورہ\u200cپاکستان", "北京",
		`"unclosed`, "-", "--x", "\x00", "\xff\xfe", strings.Repeat("a ", 300), "“a” „b“",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q, err := Parse(s)
		if err != nil {
			var qe *QueryError
			if !errors.As(err, &qe) {
				t.Fatalf("Parse(%q): error %v is not a *QueryError", s, err)
			}
			switch qe.Code {
			case "too_long", "control", "quote", "empty", "only_excluded":
			default:
				t.Fatalf("Parse(%q): code %q", s, qe.Code)
			}
			return
		}
		positive := false
		for _, term := range q.Terms {
			if !utf8.ValidString(term.Text) || term.Text == "" || !hasWordChar(term.Text) {
				t.Fatalf("Parse(%q): bad term %+v", s, term)
			}
			if !term.Exclude {
				positive = true
			}
		}
		if !positive || len(q.Terms) > MaxQueryTerms || utf8.RuneCountInString(s) > MaxQueryChars {
			t.Fatalf("Parse(%q) = %+v accepted", s, q)
		}
	})
}
