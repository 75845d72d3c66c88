package ingest

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestJSONL(t *testing.T) {
	res := readFile(t, "items.jsonl", Options{Source: "Fallback"})
	if res.err != nil || res.stats.Bad != 0 || len(res.items) != 7 {
		t.Fatalf("%d items, err %v%s", len(res.items), res.err, errorsOf(res.stats))
	}
	byID := map[string]Item{}
	for _, it := range res.items {
		byID[it.GUID] = it
	}
	noon := func(s string) time.Time { return mustTime(t, s+"T12:00:00Z") }
	tests := []struct {
		id    string
		check func(it Item) bool
	}{
		{"qasid-test:1001:en", func(it Item) bool {
			return it.Lang == "en" && it.FamilyKey == "qasid-test:1001" && it.Section == "business" && it.Source == "Test Wire" &&
				it.Published.Equal(noon("2025-11-04")) && it.URL == "https://wire.example.com/en/1001" &&
				// The empty line between paragraphs is gone.
				it.Body == "Karachi's main port cleared a backlog of 4,000 containers on Tuesday, officials said.\nThe port authority added two night shifts last month.\nTraders welcomed the move."
		}},
		{"qasid-test:1001:ur", func(it Item) bool {
			return it.Lang == "ur" && it.FamilyKey == "qasid-test:1001" && it.Published.IsZero() && strings.Count(it.Body, "\n") == 1
		}},
		// "zh-CN" is Chinese, and the id's ":zh" still names the family.
		{"qasid-test:1001:zh", func(it Item) bool {
			return it.Lang == "zh" && it.FamilyKey == "qasid-test:1001" && it.Section == "" && it.Headline == "卡拉奇港清理创纪录的集装箱积压"
		}},
		// An Arabic item without a headline gets its first sentence; an
		// empty source field falls back to the option.
		{"qasid-test:2002:ar", func(it Item) bool {
			return it.Headline == "افتتحت وزارة الصحة اليوم مستشفى جديدا في جدة بسعة ثلاثمئة سرير" && it.Source == "Fallback" && it.URL == ""
		}},
		{"qasid-test:3003:ru", func(it Item) bool {
			return it.Section == "регион" && it.Published.Equal(mustTime(t, "2024-07-01T06:30:00Z"))
		}},
		// An ftp link is dropped, repeated tags are one.
		{"qasid-test:4004:fr", func(it Item) bool {
			return it.Lang == "fr" && it.URL == "" && len(it.Tags) == 2 && it.Tags[0] == "météo" && it.Published.IsZero()
		}},
		// 30 February is no date: zero, the item still comes.
		{"qasid-test:5005:es", func(it Item) bool {
			return it.Published.IsZero() && it.Summary == "Una hora más los sábados." && it.Byline == "Redacción"
		}},
	}
	for _, tc := range tests {
		it, ok := byID[tc.id]
		if !ok {
			t.Errorf("%s missing", tc.id)
			continue
		}
		if !tc.check(it) {
			t.Errorf("%s: %+v", tc.id, it)
		}
	}
}

func TestJSONLMalformed(t *testing.T) {
	good := func(id string) string {
		return `{"id":"` + id + `","lang":"en","headline":"Good ` + id + `","body":"Fine."}`
	}
	tests := []struct {
		name  string
		input string
		items int
		pos   string // the error's position
		err   error
	}{
		{"broken line in the middle", good("a") + "\n" + `{"id":"b","lang":"en",` + "\n" + good("c") + "\n", 2, "line 2", ErrMalformed},
		{"invalid UTF-8", good("a") + "\n" + `{"id":"b","lang":"en","headline":"bad ` + "\xff\xfe" + `"}` + "\n" + good("c"), 2, "line 2", ErrEncoding},
		{"lone surrogate escape is not invalid UTF-8 but replaced", good("a") + "\n" + `{"id":"b","lang":"en","headline":"x\ud800y"}`, 2, "", nil},
		{"unknown language", good("a") + "\n" + `{"id":"b","lang":"tlh","headline":"Qapla'"}`, 1, "line 2", ErrLanguage},
		{"Traditional Chinese", `{"id":"b","lang":"zh-TW","headline":"台灣新聞"}`, 0, "line 1", ErrLanguage},
		{"no id", `{"lang":"en","headline":"Anonymous"}` + "\n" + good("c"), 1, "line 1", ErrNoGUID},
		{"no headline, no body", `{"id":"b","lang":"en","headline":"","body":"  "}`, 0, "line 1", ErrNoHeadline},
		{"not an object", good("a") + "\n[1,2,3]\n\"text\"\n" + good("c"), 2, "line 2", ErrMalformed},
		{"wrong type", `{"id":"b","lang":"en","headline":["a"]}` + "\n" + good("c"), 1, "line 1", ErrMalformed},
		{"deeply nested", `{"id":"b","lang":"en","headline":"x","x":` + strings.Repeat("[", 100000) + strings.Repeat("]", 100000) + "}\n" + good("c"), 1, "line 1", ErrMalformed},
		{"CRLF and BOM and blank lines", "\uFEFF" + good("a") + "\r\n\r\n   \r\n" + good("c") + "\r\n", 2, "", nil},
		{"last line without newline", good("a") + "\n" + good("c"), 2, "", nil},
		{"trailing garbage after the object", good("a") + " xyz\n" + good("c"), 1, "line 1", ErrMalformed},
		{"null fields", `{"id":"b","lang":"en","headline":"h","body":null,"published":null,"section":null,"url":null}`, 1, "", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := read(t, JSONL, tc.input, Options{})
			if res.err != nil {
				t.Fatalf("fatal error %v: a bad line must not stop the rest", res.err)
			}
			if len(res.items) != tc.items {
				t.Errorf("%d items, want %d%s", len(res.items), tc.items, errorsOf(res.stats))
			}
			if tc.err == nil {
				if res.stats.Bad != 0 {
					t.Errorf("unexpected errors:%s", errorsOf(res.stats))
				}
				return
			}
			if res.stats.Bad == 0 {
				t.Fatal("no error reported")
			}
			e := res.stats.Errors[0]
			if e.Pos != tc.pos || !errors.Is(e, tc.err) {
				t.Errorf("first error %q, want %s at %s", e.Error(), tc.err, tc.pos)
			}
		})
	}
}

// TestJSONLLongLine reads a 10 MB line between two good ones: the line is
// refused, the others are read, and the reader holds at most MaxLine of it.
func TestJSONLLongLine(t *testing.T) {
	huge := `{"id":"huge","lang":"en","headline":"h","body":"` + strings.Repeat("x", 10<<20) + `"}`
	in := `{"id":"a","lang":"en","headline":"A"}` + "\n" + huge + "\n" + `{"id":"c","lang":"en","headline":"C"}` + "\n"
	res := read(t, JSONL, in, Options{})
	if res.err != nil || len(res.items) != 2 || res.stats.Bad != 1 {
		t.Fatalf("%d items, err %v%s", len(res.items), res.err, errorsOf(res.stats))
	}
	if e := res.stats.Errors[0]; e.Pos != "line 2" || !errors.Is(e, ErrTooLarge) {
		t.Errorf("error %v", e)
	}

	// A line within MaxLine whose body is over MaxBody: refused with a
	// message that says so.
	big := `{"id":"big","lang":"en","headline":"h","body":"` + strings.Repeat("y", 2<<20) + `"}`
	res = read(t, JSONL, big, Options{MaxLine: 3 << 20})
	if len(res.items) != 0 || res.stats.Bad != 1 || !errors.Is(res.stats.Errors[0], ErrTooLarge) ||
		!strings.Contains(res.stats.Errors[0].Error(), "body is 2097152 bytes, over the limit of 1048576") {
		t.Errorf("%d items, errors:%s", len(res.items), errorsOf(res.stats))
	}
}

// TestLineReader checks the line reader at the edges of its buffer and
// limit.
func TestLineReader(t *testing.T) {
	for _, n := range []int{0, 1, lineBufSize - 1, lineBufSize, lineBufSize + 1, 3 * lineBufSize} {
		line := strings.Repeat("a", n)
		for _, max := range []int{n - 1, n, n + 1} {
			if max < 1 {
				continue
			}
			lr := newLineReader(strings.NewReader(line+"\r\nz"), max)
			l, err := lr.next()
			if err != nil {
				t.Fatal(err)
			}
			if want := n > max; l.tooLong != want || (!want && string(l.b) != line) {
				t.Errorf("line of %d bytes, max %d: tooLong %v, %d bytes", n, max, l.tooLong, len(l.b))
			}
			l, err = lr.next()
			if err != nil || string(l.b) != "z" || lr.n != 2 {
				t.Errorf("line of %d bytes, max %d: the next line is %q, %v (n %d)", n, max, l.b, err, lr.n)
			}
			if _, err := lr.next(); err == nil {
				t.Error("no EOF after the last line")
			}
		}
	}
}
