package desk

import (
	"regexp"
	"strings"
	"testing"
)

func TestDiffHTML(t *testing.T) {
	tests := []struct{ name, a, b, want string }{
		{"english words", "Trade grew 32 percent.", "Trade grew 30 percent.", "Trade grew <del>32</del><ins>30</ins> percent."},
		{"urdu words", "پچاس ہزار کتابیں", "ساٹھ ہزار کتابیں", "<del>پچاس</del><ins>ساٹھ</ins> ہزار کتابیں"},
		{"chinese characters", "双边贸易增长百分之三十二。", "双边贸易增长百分之三十。", "双边贸易增长百分之三十<del>二</del>。"},
		{"escaping", "a <b> c", "a <i> c", "a &lt;<del>b</del><ins>i</ins>&gt; c"},
		{"same", "no change", "no change", "no change"},
		{"from nothing", "", "new text", "<ins>new text</ins>"},
	}
	for _, tt := range tests {
		if got := string(diffHTML(tt.a, tt.b)); got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.name, got, tt.want)
		}
	}
	// Many distinct words still give a diff that rebuilds both texts.
	var sb strings.Builder
	for i := 0; i < 3000; i++ {
		sb.WriteString("w")
		sb.WriteString(strings.Repeat("x", i%50))
		sb.WriteString(string(rune('a' + i%26)))
		sb.WriteByte(' ')
	}
	a := sb.String()
	b := a + "tail"
	got := string(diffHTML(a, b))
	del := regexp.MustCompile(`<del>[^<]*</del>`)
	ins := regexp.MustCompile(`<ins>[^<]*</ins>`)
	tags := strings.NewReplacer("<ins>", "", "</ins>", "", "<del>", "", "</del>", "")
	if old := tags.Replace(ins.ReplaceAllString(got, "")); old != a {
		t.Error("the diff without insertions is not the old text")
	}
	if nu := tags.Replace(del.ReplaceAllString(got, "")); nu != b {
		t.Error("the diff without deletions is not the new text")
	}
	if !strings.HasSuffix(got, "<ins>tail</ins>") {
		t.Errorf("long text diff ends %q", got[max(0, len(got)-40):])
	}
}
