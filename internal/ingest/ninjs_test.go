package ingest

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestNINJS3(t *testing.T) {
	res := readFile(t, "ninjs3-item.json", Options{})
	if res.err != nil || len(res.items) != 1 || res.stats.Bad != 0 {
		t.Fatalf("%d items, err %v%s", len(res.items), res.err, errorsOf(res.stats))
	}
	it := res.items[0]
	checks := []struct {
		name string
		ok   bool
	}{
		{"guid is the uri", it.GUID == "https://news.example.org/wire/v1/items/42"},
		{"url is the web rendition", it.URL == "https://news.example.org/ur/sport/42-squash-open"},
		{"language", it.Lang == "ur"},
		{"headline", it.Headline == "اسلام آباد میں اسکواش اوپن کا آغاز"},
		{"summary", it.Summary == "ملک بھر سے چونسٹھ کھلاڑی شریک ہیں۔"},
		{"body from HTML, dateline kept", it.Body == "اسلام آباد، 27 نومبر (مثال) – اسکواش اوپن کا آغاز آج ہوا۔\nفائنل اتوار کو کھیلا جائے گا۔"},
		{"byline", it.Byline == "کھیلوں کا ڈیسک"},
		{"section from the section subject", it.Section == "sport"},
		// The Media Topic's English label is not an Urdu tag.
		{"tags from keywords only", len(it.Tags) == 1 && it.Tags[0] == "اسکواش"},
		{"family qualified by host", it.FamilyKey == "news.example.org/family:7"},
		{"first created", it.Published.Equal(time.Date(2025, 11, 27, 4, 0, 0, 0, time.UTC))},
		{"version created", it.Updated.Equal(time.Date(2025, 11, 27, 7, 0, 0, 0, time.UTC))},
		{"version", it.Version == 2},
		{"not canceled", !it.Canceled},
	}
	for _, c := range checks {
		if !c.ok {
			t.Errorf("%s: %+v", c.name, it)
		}
	}
}

func TestNINJS2Array(t *testing.T) {
	res := readFile(t, "ninjs2-array.json", Options{})
	if res.err != nil || len(res.items) != 2 || res.stats.Bad != 2 {
		t.Fatalf("%d items, err %v%s", len(res.items), res.err, errorsOf(res.stats))
	}
	rail := res.items[0]
	if rail.Lang != "en" || rail.Headline != "Rail strike ends after pay deal" || rail.Version != 3 ||
		rail.Body != "Rail workers returned to work on Thursday & services resumed.\nThe union said the deal was “fair”." ||
		rail.Summary != "Services resume after three days." || rail.Byline != "Transport staff" ||
		strings.Join(rail.Tags, ",") != "transport,rail,strike" || rail.FamilyKey != "agency.example.com/f-7781" ||
		!rail.Published.Equal(time.Date(2019, 5, 2, 8, 0, 0, 0, time.UTC)) {
		t.Errorf("rail: %+v", rail)
	}
	if kill := res.items[1]; !kill.Canceled || kill.Lang != "es" {
		t.Errorf("a canceled item is delivered with Canceled set: %+v", kill)
	}
	// The picture is not text; Persian is not ours.
	if e := res.stats.Errors[0]; e.Pos != "item 2" || !errors.Is(e, ErrNotText) {
		t.Errorf("error %v", e)
	}
	if e := res.stats.Errors[1]; e.Pos != "item 3" || !errors.Is(e, ErrLanguage) || e.GUID != "http://agency.example.com/2019/item/7783" {
		t.Errorf("error %v", e)
	}
}

func TestNINJS1Lines(t *testing.T) {
	res := readFile(t, "ninjs1-lines.jsonl", Options{})
	if res.err != nil || len(res.items) != 2 || res.stats.Bad != 1 {
		t.Fatalf("%d items, err %v%s", len(res.items), res.err, errorsOf(res.stats))
	}
	metro := res.items[0]
	if metro.GUID != "urn:agency:ru:2016:1" || metro.Byline != "Отдел городских новостей" || metro.FamilyKey != "metro-2016" ||
		metro.URL != "https://ru.example.com/metro" || metro.Body != "Станция «Парк» открыта для пассажиров.\nОна стала 200-й в сети." ||
		!metro.Updated.Equal(time.Date(2016, 3, 1, 9, 0, 0, 0, time.UTC)) || !metro.Published.Equal(metro.Updated) {
		t.Errorf("metro: %+v", metro)
	}
	// The broken line in the middle is named; the one after it is read.
	if e := res.stats.Errors[0]; e.Pos != "line 2" || !errors.Is(e, ErrMalformed) {
		t.Errorf("error %v", e)
	}
	if res.items[1].GUID != "urn:agency:ru:2016:3" {
		t.Errorf("the line after the broken one: %+v", res.items[1])
	}
}

func TestNINJSMalformed(t *testing.T) {
	item := func(uri string) string {
		return `{"uri":"` + uri + `","language":"fr","headlines":[{"value":"Titre ` + uri + `"}],"body_text":"Texte."}`
	}
	tests := []struct {
		name  string
		input string
		items int
		bad   int
		fatal error
	}{
		{"one item, pretty", "{\n  \"uri\": \"u1\",\n  \"language\": \"fr\",\n  \"headline\": \"Titre\"\n}\n", 1, 0, nil},
		{"items one after the other, pretty", "{\n \"uri\": \"u1\", \"language\": \"fr\", \"headline\": \"A\"\n}\n{\n \"uri\": \"u2\", \"language\": \"fr\", \"headline\": \"B\"\n}", 2, 0, nil},
		{"array on one line", "[" + item("u1") + "," + item("u2") + "]", 2, 0, nil},
		{"lines", item("u1") + "\n\n" + item("u2") + "\n", 2, 0, nil},
		{"empty array", " [ ] ", 0, 0, nil},
		{"array with a non-object", "[" + item("u1") + `,"text",42,` + item("u2") + "]", 2, 2, nil},
		{"array with invalid UTF-8", "[" + item("u1") + `,{"uri":"u2","language":"fr","headline":"` + "\xff" + `"}]`, 1, 1, nil},
		{"array with a wrong type", "[" + item("u1") + `,{"uri":"u2","headlines":"not a list"}]`, 1, 1, nil},
		{"version as number and string", `[{"uri":"a","language":"fr","headline":"x","version":4},{"uri":"b","language":"fr","headline":"y","version":"x"}]`, 2, 0, nil},
		// A pretty-printed document cannot be resynchronised after a
		// syntax error: the items before it are read, then Read stops.
		{"truncated array", "[\n" + item("u1") + ",\n" + item("u2")[:30], 1, 0, ErrMalformed},
		{"broken array", "[\n" + item("u1") + ",\n{\"uri\": }]", 1, 0, ErrMalformed},
		{"stray close", "[" + item("u1") + "]]", 1, 0, ErrMalformed},
		{"scalar document", "\n42\n", 0, 0, ErrMalformed},
		{"deeply nested", "[" + strings.Repeat("[", 20000) + strings.Repeat("]", 20000) + "]", 0, 0, ErrMalformed},
		{"deeply nested line", `{"uri":"u0","x":` + strings.Repeat("[", 20000) + strings.Repeat("]", 20000) + "}\n" + item("u1"), 1, 1, nil},
		{"no uri", `{"language":"fr","headline":"Sans id"}`, 0, 1, nil},
		{"guid from altIds", `{"altIds":[{"role":"guid","value":"urn:x:9"}],"language":"fr","headline":"Avec id"}`, 1, 0, nil},
		{"too large", "[" + item("u1") + "," + item(strings.Repeat("u", 3000)) + "]", 0, 0, ErrTooLarge},
		{"too large, pretty", "[\n" + item("u1") + ",\n" + item(strings.Repeat("u", 3000)) + "\n]", 1, 0, ErrTooLarge},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			opt := Options{}
			if strings.HasPrefix(tc.name, "too large") {
				opt.MaxDocument = 2000
			}
			res := read(t, NINJS, tc.input, opt)
			if len(res.items) != tc.items || res.stats.Bad != tc.bad {
				t.Errorf("%d items and %d bad, want %d and %d%s", len(res.items), res.stats.Bad, tc.items, tc.bad, errorsOf(res.stats))
			}
			switch {
			case tc.fatal == nil && res.err != nil:
				t.Errorf("fatal error %v", res.err)
			case tc.fatal != nil && !errors.Is(res.err, tc.fatal):
				t.Errorf("error %v, want %v", res.err, tc.fatal)
			}
		})
	}
}
