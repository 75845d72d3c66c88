package lang

import (
	"encoding/json"
	"io/fs"
	"slices"
	"sort"
	"strings"
	"testing"
	"testing/fstest"

	"golang.org/x/text/feature/plural"
	"golang.org/x/text/language"
)

func loadTestCatalog(t *testing.T) *Catalog {
	t.Helper()
	c, err := LoadCatalog()
	if err != nil {
		t.Fatalf("LoadCatalog: %v", err)
	}
	return c
}

// rawCatalog decodes an embedded file with encoding/json, independently of
// the loader, so the tests below do not trust the code they check.
func rawCatalog(t *testing.T, code string) map[string]any {
	t.Helper()
	paths := []string{"catalog/" + code + ".json"}
	dirs, err := catalogFiles.ReadDir("catalog")
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range dirs {
		if d.IsDir() {
			paths = append(paths, "catalog/"+d.Name()+"/"+code+".json")
		}
	}
	m := map[string]any{}
	for _, p := range paths {
		data, err := catalogFiles.ReadFile(p)
		if err != nil {
			t.Fatalf("read %s: %v", p, err)
		}
		var part map[string]any
		if err := json.Unmarshal(data, &part); err != nil {
			t.Fatalf("decode %s: %v", p, err)
		}
		for k, v := range part {
			m[k] = v
		}
	}
	return m
}

func keysOf(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func TestLoadCatalog(t *testing.T) {
	c := loadTestCatalog(t)
	if !c.Has("story.by") || c.Has("story.nope") {
		t.Errorf("Has: story.by %v, story.nope %v", c.Has("story.by"), c.Has("story.nope"))
	}
}

// TestCatalogFiles checks that the catalog folder and each folder in it
// hold one file per language and no other.
func TestCatalogFiles(t *testing.T) {
	want := Codes()
	sort.Strings(want)
	dirs := []string{"catalog"}
	top, err := fs.ReadDir(catalogFiles, "catalog")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range top {
		if e.IsDir() {
			dirs = append(dirs, "catalog/"+e.Name())
		}
	}
	for _, dir := range dirs {
		entries, err := fs.ReadDir(catalogFiles, dir)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, e := range entries {
			if !e.IsDir() {
				got = append(got, strings.TrimSuffix(e.Name(), ".json"))
			}
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s: files %v, want one per language %v", dir, got, want)
		}
	}
}

func TestCatalogHasEveryKey(t *testing.T) {
	en := rawCatalog(t, "en")
	enKeys := keysOf(en)
	if len(enKeys) < 38 {
		t.Fatalf("en.json has only %d keys", len(enKeys))
	}
	for _, code := range Codes() {
		got := keysOf(rawCatalog(t, code))
		for _, k := range enKeys {
			if _, found := slices.BinarySearch(got, k); !found {
				t.Errorf("%s.json is missing %q", code, k)
			}
		}
		for _, k := range got {
			if _, found := slices.BinarySearch(enKeys, k); !found {
				t.Errorf("%s.json has %q, which en.json lacks", code, k)
			}
		}
	}
}

// TestPluralCategories pins, by hand, the categories each language needs,
// as x/text (CLDR 32 in v0.44.0) reports them for whole numbers. If x/text
// moves to a newer CLDR that gives French or Spanish a "many" form, this
// test fails and the catalogs must gain that form.
func TestPluralCategories(t *testing.T) {
	want := map[string][]string{
		"en": {"one", "other"},
		"ur": {"one", "other"},
		"zh": {"other"},
		"ar": {"zero", "one", "two", "few", "many", "other"},
		"ru": {"one", "few", "many", "other"},
		"fr": {"one", "other"},
		"es": {"one", "other"},
	}
	for _, l := range All() {
		needed := requiredForms(language.MustParse(l.Tag))
		if got := formNames(needed); !sameSet(got, want[l.Code]) {
			t.Errorf("%s: x/text needs %v, test expects %v", l.Code, got, want[l.Code])
		}
		for key, v := range rawCatalog(t, l.Code) {
			forms, ok := v.(map[string]any)
			if !ok {
				continue
			}
			if got := keysOfAny(forms); !sameSet(got, want[l.Code]) {
				t.Errorf("%s %s: categories %v, want %v", l.Code, key, got, want[l.Code])
			}
		}
	}
}

func keysOfAny(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	return keys
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

// TestPlaceholdersMatchEnglish compares each message's placeholders with
// en.json's. Plain messages must use exactly the same ones; a plural form
// may leave one out, but together the forms must use them all.
func TestPlaceholdersMatchEnglish(t *testing.T) {
	en := rawCatalog(t, "en")
	for _, code := range Codes() {
		for key, v := range rawCatalog(t, code) {
			want := rawPlaceholders(t, en[key])
			if got := rawPlaceholders(t, v); !slices.Equal(got, want) {
				t.Errorf("%s %s: placeholders %v, want %v", code, key, got, want)
			}
		}
	}
}

func rawPlaceholders(t *testing.T, v any) []string {
	t.Helper()
	var texts []string
	switch v := v.(type) {
	case string:
		texts = []string{v}
	case map[string]any:
		for _, s := range v {
			texts = append(texts, s.(string))
		}
	}
	var names []string
	for _, text := range texts {
		for _, part := range strings.Split(text, "{")[1:] {
			name, _, ok := strings.Cut(part, "}")
			if !ok {
				t.Fatalf("unclosed placeholder in %q", text)
			}
			names = append(names, name)
		}
	}
	slices.Sort(names)
	return slices.Compact(names)
}

// TestCatalogText checks the letters and punctuation translators most often
// get wrong: Urdu written with Arabic yeh, kaf or heh (or Arabic with Urdu
// ones), Eastern digits, French colons without a no-break space, and text
// not in NFC.
func TestCatalogText(t *testing.T) {
	forbidden := map[string]string{
		"ur": "\u064a\u0643\u0647\u0660\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668\u0669",       // ي ك ه and Arabic-Indic digits
		"ar": "\u06cc\u06a9\u06c1\u06d2\u06f0\u06f1\u06f2\u06f3\u06f4\u06f5\u06f6\u06f7\u06f8\u06f9", // ی ک ہ ے and Urdu digits
	}
	for _, code := range Codes() {
		for key, v := range rawCatalog(t, code) {
			var texts []string
			switch v := v.(type) {
			case string:
				texts = []string{v}
			case map[string]any:
				for _, s := range v {
					texts = append(texts, s.(string))
				}
			}
			for _, text := range texts {
				if strings.ContainsAny(text, forbidden[code]) {
					t.Errorf("%s %s: %q contains letters or digits of another language", code, key, text)
				}
				if NormalizeText(text) != text {
					t.Errorf("%s %s: %q is not NFC", code, key, text)
				}
				if code == "fr" && (strings.Contains(text, " :") || strings.Contains(text, "':")) {
					t.Errorf("fr %s: %q has a colon without a no-break space", key, text)
				}
				if code == "fr" && strings.Contains(text, "'") {
					t.Errorf("fr %s: %q uses a straight apostrophe", key, text)
				}
			}
		}
	}
}

func TestT(t *testing.T) {
	c := loadTestCatalog(t)
	tests := []struct {
		name, code, key string
		args            []string
		want            string
	}{
		{"urdu byline", "ur", "story.by", []string{"name", "Ali"}, "تحریر: Ali"},
		{"english byline", "en", "story.by", []string{"name", "Ali"}, "By Ali"},
		{"two placeholders", "en", "pager.page", []string{"page", "2", "pages", "9"}, "Page 2 of 9"},
		{"urdu reorders them", "ur", "pager.page", []string{"page", "2", "pages", "9"}, "9 میں سے صفحہ 2"},
		{"chinese", "zh", "pager.page", []string{"pages", "9", "page", "2"}, "第2页，共9页"},
		{"french no-break space", "fr", "story.also_read", nil, "À lire aussi\u00a0:"},
		{"footer", "ru", "footer.rights", []string{"year", "2024", "agency", "GNP"}, "© 2024 GNP. Все права защищены."},
		{"plain message", "ar", "nav.home", nil, "الرئيسية"},
		{"unknown key returns the key", "en", "story.nope", nil, "story.nope"},
		{"unknown code falls back to english", "de", "nav.home", nil, "Home"},
		{"missing value leaves the placeholder", "en", "story.by", nil, "By {name}"},
		{"odd argument ignored", "en", "story.by", []string{"name"}, "By {name}"},
		{"value is not expanded again", "en", "story.by", []string{"name", "{date}", "date", "x"}, "By {date}"},
		{"plural key through T gives other", "en", "section.story_count", []string{"count", "7"}, "7 stories"},
	}
	for _, tt := range tests {
		if got := c.T(tt.code, tt.key, tt.args...); got != tt.want {
			t.Errorf("%s: T(%q, %q, %q) = %q, want %q", tt.name, tt.code, tt.key, tt.args, got, tt.want)
		}
	}
}

// TestTEveryKey asks every language for every key: none may come back as
// the key itself, keep an unfilled placeholder, or be empty.
func TestTEveryKey(t *testing.T) {
	c := loadTestCatalog(t)
	for _, code := range Codes() {
		for _, key := range keysOf(rawCatalog(t, "en")) {
			// Every placeholder any message names gets a value.
			var args []string
			names, err := placeholderSet(c.lookup(code).messages[key])
			if err != nil {
				t.Fatal(err)
			}
			for _, name := range names {
				args = append(args, name, "7")
			}
			got := c.T(code, key, args...)
			if got == key || got == "" || strings.ContainsAny(got, "{}") {
				t.Errorf("T(%q, %q) = %q", code, key, got)
			}
		}
	}
}

func TestN(t *testing.T) {
	c := loadTestCatalog(t)
	tests := []struct {
		code string
		n    int
		want string
	}{
		{"en", 0, "0 stories"},
		{"en", 1, "1 story"},
		{"en", 2, "2 stories"},
		{"en", 1234, "1,234 stories"},
		{"en", -1, "-1 story"},
		{"ur", 1, "1 خبر"},
		{"ur", 2, "2 خبریں"},
		{"zh", 1, "1条新闻"},
		{"zh", 25, "25条新闻"},
		{"ar", 0, "لا توجد أخبار"},
		{"ar", 1, "خبر واحد"},
		{"ar", 2, "خبران"},
		{"ar", 3, "3 أخبار"},
		{"ar", 10, "10 أخبار"},
		{"ar", 11, "11 خبرًا"},
		{"ar", 99, "99 خبرًا"},
		{"ar", 100, "100 خبر"},
		{"ar", 103, "103 أخبار"},
		{"ar", 1234, "1,234 خبرًا"},
		{"ru", 1, "1 материал"},
		{"ru", 2, "2 материала"},
		{"ru", 5, "5 материалов"},
		{"ru", 11, "11 материалов"},
		{"ru", 21, "21 материал"},
		{"ru", 22, "22 материала"},
		{"ru", 1000, "1\u00a0000 материалов"},
		{"fr", 0, "0 article"},
		{"fr", 1, "1 article"},
		{"fr", 2, "2 articles"},
		{"es", 1, "1 noticia"},
		{"es", 1500, "1500 noticias"},
		{"es", 15000, "15.000 noticias"},
	}
	for _, tt := range tests {
		if got := c.N(tt.code, "section.story_count", tt.n); got != tt.want {
			t.Errorf("N(%q, section.story_count, %d) = %q, want %q", tt.code, tt.n, got, tt.want)
		}
	}
	if got := c.N("en", "no.such_key", 3); got != "no.such_key" {
		t.Errorf("N on an unknown key = %q, want the key", got)
	}
	if got := c.N("en", "story.version", 3, "version", "2"); got != "Version 2" {
		t.Errorf("N on a plain message = %q, want %q", got, "Version 2")
	}
}

func TestPluralFormExtremes(t *testing.T) {
	ru := language.MustParse("ru")
	fr := language.MustParse("fr")
	tests := []struct {
		tag  language.Tag
		n    int
		want plural.Form
	}{
		{ru, -21, plural.One},
		{ru, -5, plural.Many},
		{ru, 1 << 40, plural.Many},   // ...776
		{ru, -(1 << 62), plural.Few}, // ...904
		// French "one" is i = 0 or 1: ten million and one must not be
		// reduced modulo ten million and taken for 1.
		{fr, 10_000_001, plural.Other},
		{fr, 1, plural.One},
	}
	for _, tt := range tests {
		if got := pluralForm(tt.tag, tt.n); got != tt.want {
			t.Errorf("pluralForm(%v, %d) = %v, want %v", tt.tag, tt.n, got, tt.want)
		}
	}
	// math.MinInt has no absolute value; it must not panic, and is many.
	if got := pluralForm(ru, -1<<63); got != plural.Many {
		t.Errorf("pluralForm(ru, MinInt) = %v, want many (as MaxInt, ...807)", got)
	}
}

func TestNilCatalog(t *testing.T) {
	var c *Catalog
	if got := c.T("en", "nav.home"); got != "nav.home" {
		t.Errorf("nil T = %q", got)
	}
	if got := c.N("en", "section.story_count", 2); got != "section.story_count" {
		t.Errorf("nil N = %q", got)
	}
	if c.Has("nav.home") {
		t.Error("nil Has = true")
	}
}

// TestLoadCatalogRejects breaks a copy of the real catalogs in one way per
// case and checks that loading fails with a message naming the problem.
func TestLoadCatalogRejects(t *testing.T) {
	tests := []struct {
		name      string
		code      string
		old, new  string // replace old by new in code's file; old must be present
		wantInErr string
	}{
		{"bad JSON", "fr", `"nav.home": "Accueil",`, `"nav.home": "Accueil"`, "fr.json"},
		{"missing key", "ru", `"story.tags": "Теги",`, ``, `"story.tags" is missing`},
		{"extra key", "es", `"story.tags": "Etiquetas",`, `"story.tags": "Etiquetas", "story.tagz": "x",`, `"story.tagz" is not in en.json`},
		{"unknown placeholder", "zh", `"作者：{name}"`, `"作者：{nam}"`, "placeholders [nam], want [name]"},
		{"dropped placeholder", "ar", `"بقلم {name}"`, `"بقلم"`, "placeholders [], want [name]"},
		{"bad placeholder syntax", "en", `"By {name}"`, `"By { name }"`, "bad placeholder"},
		{"unclosed brace", "ur", `"تحریر: {name}"`, `"تحریر: {name"`, "unclosed"},
		{"missing plural category", "ar", `"few": "{count} أخبار",`, ``, "plural categories [zero one two many other]"},
		{"extra plural category", "ur", `"one": "{count} خبر",`, `"one": "{count} خبر", "few": "{count} خبریں",`, "plural categories [one few other]"},
		{"unknown plural category", "en", `"one": "{count} story",`, `"single": "{count} story",`, `unknown plural category "single"`},
		{"plural becomes plain", "es", `"section.story_count": {
    "one": "{count} noticia",
    "other": "{count} noticias"
  },`, `"section.story_count": "{count} noticias",`, "plural in one catalog and plain"},
		{"plural form invents a placeholder", "ru", `"few": "{count} материала",`, `"few": "{count} {name} материала",`, "unknown placeholder {name}"},
		{"no form uses count", "fr", `"one": "{count} article",
    "other": "{count} articles"`, `"one": "un article",
    "other": "des articles"`, "no form uses placeholder {count}"},
		{"duplicate key", "es", `"nav.home": "Portada",`, `"nav.home": "Portada", "nav.home": "Inicio",`, `"nav.home" appears twice`},
		{"empty message", "zh", `"nav.home": "首页",`, `"nav.home": " ",`, "empty message"},
		{"bad key name", "en", `"nav.home": "Home",`, `"nav.home": "Home", "NavHome": "Home",`, "area.element"},
		{"number instead of text", "ru", `"nav.home": "Главная",`, `"nav.home": 7,`, "want a string or an object"},
		// An empty old appends new at the end of the file.
		{"trailing data", "fr", "", "{}", "after the catalog object"},
	}
	for _, tt := range tests {
		fsys := fstest.MapFS{}
		for _, code := range Codes() {
			data, err := catalogFiles.ReadFile("catalog/" + code + ".json")
			if err != nil {
				t.Fatal(err)
			}
			fsys[code+".json"] = &fstest.MapFile{Data: data}
		}
		orig := string(fsys[tt.code+".json"].Data)
		if !strings.Contains(orig, tt.old) {
			t.Fatalf("%s: %s.json does not contain %q; fix the test", tt.name, tt.code, tt.old)
		}
		changed := orig + tt.new
		if tt.old != "" {
			changed = strings.Replace(orig, tt.old, tt.new, 1)
		}
		fsys[tt.code+".json"] = &fstest.MapFile{Data: []byte(changed)}
		c, err := loadCatalog(fsys)
		if err == nil {
			t.Errorf("%s: loadCatalog succeeded, want an error", tt.name)
			continue
		}
		if c != nil {
			t.Errorf("%s: loadCatalog returned a catalog with its error", tt.name)
		}
		if !strings.Contains(err.Error(), tt.wantInErr) {
			t.Errorf("%s: error %q does not mention %q", tt.name, err, tt.wantInErr)
		}
		if !strings.HasPrefix(err.Error(), "lang: ") {
			t.Errorf("%s: error %q lacks the package prefix", tt.name, err)
		}
	}
}

func TestLoadCatalogMissingFile(t *testing.T) {
	fsys := fstest.MapFS{}
	for _, code := range Codes() {
		if code == "ur" {
			continue
		}
		data, _ := catalogFiles.ReadFile("catalog/" + code + ".json")
		fsys[code+".json"] = &fstest.MapFile{Data: data}
	}
	if _, err := loadCatalog(fsys); err == nil || !strings.Contains(err.Error(), "ur.json") {
		t.Errorf("loadCatalog without ur.json: err = %v, want one naming ur.json", err)
	}
}

func TestExpand(t *testing.T) {
	tests := []struct {
		text string
		args []string
		want string
	}{
		{"{a}{b}", []string{"a", "1", "b", "2"}, "12"},
		{"{a} and {a}", []string{"a", "x"}, "x and x"},
		{"no braces", []string{"a", "x"}, "no braces"},
		{"open { only", []string{"a", "x"}, "open { only"},
		{"{count} of {a}", []string{"count", "9", "a", "x"}, "5 of x"}, // the fixed count wins
	}
	for _, tt := range tests {
		if got := expand(tt.text, "count", "5", tt.args); got != tt.want {
			t.Errorf("expand(%q, %q) = %q, want %q", tt.text, tt.args, got, tt.want)
		}
	}
}
