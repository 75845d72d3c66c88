package lang

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"slices"
	"sort"
	"strings"

	"golang.org/x/text/feature/plural"
	"golang.org/x/text/language"
)

// catalogFiles holds one JSON file per language, named by code, and may
// hold folders for parts of the product (catalog/search/ur.json), each with
// one file per language. A language's messages are the union of its files;
// a key in two files is an error. Folders let each part keep its own words
// without everyone editing one large file.
//
//go:embed catalog
var catalogFiles embed.FS

// referenceCode names the catalog every other one is checked against.
const referenceCode = "en"

// pluralCategories maps the CLDR category names used as JSON keys to
// x/text's forms, and back for error messages.
var pluralCategories = map[string]plural.Form{
	"zero": plural.Zero, "one": plural.One, "two": plural.Two,
	"few": plural.Few, "many": plural.Many, "other": plural.Other,
}

// entry is one catalog message: a plain text, or a plural message with one
// text per CLDR category.
type entry struct {
	text  string
	forms map[plural.Form]string // nil for a plain message
}

// langMessages is one language's parsed catalog.
type langMessages struct {
	lang     Language
	tag      language.Tag
	messages map[string]entry
}

// Catalog holds the UI messages of all seven languages. Once LoadCatalog
// has returned one, every language has every key of the English catalog,
// with the same placeholders and the plural categories it needs, so a
// lookup of a known key cannot miss. It is read-only and safe for
// concurrent use.
//
// Messages are plain text; the template that prints them escapes them.
type Catalog struct {
	langs map[string]*langMessages
}

// LoadCatalog parses and checks the embedded catalogs. It fails, naming
// every problem it finds, on bad JSON, a duplicated key, a key missing
// from or added to a language (compared with en.json), a placeholder the
// English message does not have, a plural message whose categories are not
// exactly the ones its language needs, or an empty message.
func LoadCatalog() (*Catalog, error) {
	sub, err := fs.Sub(catalogFiles, "catalog")
	if err != nil {
		return nil, fmt.Errorf("lang: load catalog: %w", err)
	}
	return loadCatalog(sub)
}

// loadCatalog reads <code>.json for each language from fsys. It is separate
// from LoadCatalog so that tests can feed it broken catalogs.
func loadCatalog(fsys fs.FS) (*Catalog, error) {
	c := &Catalog{langs: make(map[string]*langMessages, len(languages))}
	var errs []error
	for _, l := range languages {
		name := l.Code + ".json"
		tag, err := language.Parse(l.Tag)
		if err != nil {
			errs = append(errs, fmt.Errorf("lang: catalog %s: tag %q: %w", name, l.Tag, err))
			continue
		}
		msgs, err := readCatalogFiles(fsys, name)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		c.langs[l.Code] = &langMessages{lang: l, tag: tag, messages: msgs}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}

	ref := c.langs[referenceCode]
	for _, l := range languages {
		for _, err := range checkLanguage(c.langs[l.Code], ref) {
			errs = append(errs, fmt.Errorf("lang: catalog %s.json: %w", l.Code, err))
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return c, nil
}

// readCatalogFiles reads name at the top of fsys and in each folder below
// it, merging them; a folder without the file is an error, so that a
// part's words cannot be missing for one language.
func readCatalogFiles(fsys fs.FS, name string) (map[string]entry, error) {
	paths := []string{name}
	dirs, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, fmt.Errorf("lang: catalog: %w", err)
	}
	for _, d := range dirs {
		if d.IsDir() {
			paths = append(paths, d.Name()+"/"+name)
		}
	}
	msgs := map[string]entry{}
	var errs []error
	for _, p := range paths {
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			errs = append(errs, fmt.Errorf("lang: catalog %s: %w", p, err))
			continue
		}
		part, err := parseCatalog(data)
		if err != nil {
			errs = append(errs, fmt.Errorf("lang: catalog %s: %w", p, err))
			continue
		}
		for k, v := range part {
			if _, dup := msgs[k]; dup {
				errs = append(errs, fmt.Errorf("lang: catalog %s: key %q is also in another file", p, k))
				continue
			}
			msgs[k] = v
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return msgs, nil
}

// parseCatalog decodes one catalog file. It walks the JSON tokens itself
// rather than decoding into a map, because a map would silently keep the
// last of two entries with the same key, hiding a translator's mistake.
func parseCatalog(data []byte) (map[string]entry, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := expectDelim(dec, '{'); err != nil {
		return nil, err
	}
	msgs := make(map[string]entry)
	for dec.More() {
		key, err := stringToken(dec)
		if err != nil {
			return nil, err
		}
		if _, dup := msgs[key]; dup {
			return nil, fmt.Errorf("key %q appears twice", key)
		}
		tok, err := dec.Token()
		if err != nil {
			return nil, fmt.Errorf("key %q: %w", key, err)
		}
		switch v := tok.(type) {
		case string:
			msgs[key] = entry{text: v}
		case json.Delim:
			if v != '{' {
				return nil, fmt.Errorf("key %q: want a string or an object of plural forms, got %v", key, v)
			}
			forms, err := parseForms(dec)
			if err != nil {
				return nil, fmt.Errorf("key %q: %w", key, err)
			}
			msgs[key] = entry{forms: forms}
		default:
			return nil, fmt.Errorf("key %q: want a string or an object of plural forms, got %v", key, tok)
		}
	}
	if err := expectDelim(dec, '}'); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("unexpected data after the catalog object")
	}
	return msgs, nil
}

// parseForms reads the rest of a plural object whose '{' has been read.
func parseForms(dec *json.Decoder) (map[plural.Form]string, error) {
	forms := make(map[plural.Form]string)
	for dec.More() {
		name, err := stringToken(dec)
		if err != nil {
			return nil, err
		}
		form, ok := pluralCategories[name]
		if !ok {
			return nil, fmt.Errorf("unknown plural category %q", name)
		}
		if _, dup := forms[form]; dup {
			return nil, fmt.Errorf("plural category %q appears twice", name)
		}
		text, err := stringToken(dec)
		if err != nil {
			return nil, fmt.Errorf("plural category %q: %w", name, err)
		}
		forms[form] = text
	}
	if err := expectDelim(dec, '}'); err != nil {
		return nil, err
	}
	return forms, nil
}

func expectDelim(dec *json.Decoder, want json.Delim) error {
	tok, err := dec.Token()
	if err != nil {
		return fmt.Errorf("bad JSON: %w", err)
	}
	if d, ok := tok.(json.Delim); !ok || d != want {
		return fmt.Errorf("bad JSON: want %q, got %v", want, tok)
	}
	return nil
}

func stringToken(dec *json.Decoder) (string, error) {
	tok, err := dec.Token()
	if err != nil {
		return "", fmt.Errorf("bad JSON: %w", err)
	}
	s, ok := tok.(string)
	if !ok {
		return "", fmt.Errorf("want a string, got %v", tok)
	}
	return s, nil
}

// checkLanguage compares one language's catalog with the reference and
// returns every problem found, sorted by key so the report is stable.
func checkLanguage(lm, ref *langMessages) []error {
	var errs []error
	needed := requiredForms(lm.tag)
	for _, key := range sortedKeys(lm.messages) {
		m := lm.messages[key]
		if !validKey(key) {
			errs = append(errs, fmt.Errorf("key %q: want area.element in snake case", key))
		}
		refMsg, known := ref.messages[key]
		if !known {
			errs = append(errs, fmt.Errorf("key %q is not in %s.json", key, referenceCode))
			continue
		}
		if (m.forms == nil) != (refMsg.forms == nil) {
			errs = append(errs, fmt.Errorf("key %q: plural in one catalog and plain in the other", key))
			continue
		}
		errs = append(errs, checkMessage(key, m, refMsg, needed)...)
	}
	for _, key := range sortedKeys(ref.messages) {
		if _, ok := lm.messages[key]; !ok {
			errs = append(errs, fmt.Errorf("key %q is missing", key))
		}
	}
	return errs
}

// checkMessage checks one entry's texts, plural categories and
// placeholders against the reference entry.
func checkMessage(key string, m, ref entry, needed []plural.Form) []error {
	var errs []error
	refNames, _ := placeholderSet(ref)
	if m.forms == nil {
		names, err := placeholders(m.text)
		if err != nil {
			return []error{fmt.Errorf("key %q: %w", key, err)}
		}
		if strings.TrimSpace(m.text) == "" {
			errs = append(errs, fmt.Errorf("key %q: empty message", key))
		}
		if !slices.Equal(names, refNames) {
			errs = append(errs, fmt.Errorf("key %q: placeholders %v, want %v", key, names, refNames))
		}
		return errs
	}

	if got := sortedForms(m.forms); !slices.Equal(got, needed) {
		errs = append(errs, fmt.Errorf("key %q: plural categories %v, want %v", key, formNames(got), formNames(needed)))
	}
	// A plural form may leave a placeholder out (Arabic writes "خبران",
	// "two stories", without the number) but may not invent one, and the
	// forms together must use every placeholder the reference uses.
	union, err := placeholderSet(m)
	if err != nil {
		return append(errs, fmt.Errorf("key %q: %w", key, err))
	}
	for _, name := range union {
		if !slices.Contains(refNames, name) {
			errs = append(errs, fmt.Errorf("key %q: unknown placeholder {%s}", key, name))
		}
	}
	for _, name := range refNames {
		if !slices.Contains(union, name) {
			errs = append(errs, fmt.Errorf("key %q: no form uses placeholder {%s}", key, name))
		}
	}
	for form, text := range m.forms {
		if strings.TrimSpace(text) == "" {
			errs = append(errs, fmt.Errorf("key %q: empty %s form", key, formName(form)))
		}
	}
	return errs
}

// placeholderSet returns the sorted placeholder names used anywhere in m.
func placeholderSet(m entry) ([]string, error) {
	if m.forms == nil {
		return placeholders(m.text)
	}
	var all []string
	for _, text := range m.forms {
		names, err := placeholders(text)
		if err != nil {
			return nil, err
		}
		all = append(all, names...)
	}
	slices.Sort(all)
	return slices.Compact(all), nil
}

// placeholders returns the sorted, distinct {name} placeholders in text.
// A brace that does not open a well-formed placeholder is an error, so a
// typo such as "{nmae" or "{ name }" is caught when the catalog loads.
func placeholders(text string) ([]string, error) {
	var names []string
	for i := 0; i < len(text); i++ {
		switch text[i] {
		case '}':
			return nil, fmt.Errorf("stray '}' in %q", text)
		case '{':
			end := strings.IndexByte(text[i:], '}')
			if end < 0 {
				return nil, fmt.Errorf("unclosed '{' in %q", text)
			}
			name := text[i+1 : i+end]
			if !validName(name) {
				return nil, fmt.Errorf("bad placeholder {%s} in %q", name, text)
			}
			names = append(names, name)
			i += end
		}
	}
	slices.Sort(names)
	return slices.Compact(names), nil
}

// validName reports whether s is a snake-case identifier.
func validName(s string) bool {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

// validKey reports whether key has the form area.element in snake case.
func validKey(key string) bool {
	area, element, ok := strings.Cut(key, ".")
	return ok && validName(area) && validName(element)
}

// requiredForms returns the plural categories a language needs for whole
// numbers, as x/text's CLDR rules report them, in CLDR order. Every CLDR
// rule for whole numbers depends on the last two digits or on small
// values, so 0 to 1000 and one million find them all; "other" is always
// required, because CLDR falls back to it (Russian uses it only for
// fractions, and a fraction may one day be counted).
func requiredForms(tag language.Tag) []plural.Form {
	seen := map[plural.Form]bool{plural.Other: true}
	for i := 0; i <= 1000; i++ {
		seen[plural.Cardinal.MatchPlural(tag, i, 0, 0, 0, 0)] = true
	}
	seen[plural.Cardinal.MatchPlural(tag, 1000000, 0, 0, 0, 0)] = true
	forms := make([]plural.Form, 0, len(seen))
	for f := range seen {
		forms = append(forms, f)
	}
	sortForms(forms)
	return forms
}

func sortedForms(m map[plural.Form]string) []plural.Form {
	forms := make([]plural.Form, 0, len(m))
	for f := range m {
		forms = append(forms, f)
	}
	sortForms(forms)
	return forms
}

// sortForms puts forms in CLDR's order, zero one two few many other, which
// is how translators read them; x/text numbers "other" first.
func sortForms(forms []plural.Form) {
	rank := func(f plural.Form) int {
		if f == plural.Other {
			return int(plural.Many) + 1
		}
		return int(f)
	}
	slices.SortFunc(forms, func(a, b plural.Form) int { return rank(a) - rank(b) })
}

func formName(f plural.Form) string {
	for name, form := range pluralCategories {
		if form == f {
			return name
		}
	}
	return fmt.Sprintf("form(%d)", f)
}

func formNames(forms []plural.Form) []string {
	names := make([]string, len(forms))
	for i, f := range forms {
		names[i] = formName(f)
	}
	return names
}

func sortedKeys(m map[string]entry) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// lookup returns the catalog of code, falling back to the reference
// language for a code that is not one of ours.
func (c *Catalog) lookup(code string) *langMessages {
	if lm, ok := c.langs[code]; ok {
		return lm
	}
	return c.langs[referenceCode]
}

// T returns the message for key in the language code, with each {name}
// placeholder replaced by its value; args are name, value pairs:
// T("ur", "story.by", "name", "Ali"). An unknown code falls back to
// English. An unknown key returns the key itself, so a mistake shows on the
// page instead of an empty string. A placeholder without a value is left as
// written; values are inserted as they are, never expanded again. For a
// plural message T returns the "other" form; use N to count.
func (c *Catalog) T(code, key string, args ...string) string {
	if c == nil {
		return key
	}
	m, ok := c.lookup(code).messages[key]
	if !ok {
		return key
	}
	if m.forms != nil {
		return expand(m.forms[plural.Other], "", "", args)
	}
	return expand(m.text, "", "", args)
}

// N returns the plural message for key chosen by n under the language's
// CLDR rules, with {count} replaced by n formatted by FormatInt and the
// other placeholders by args, as in T. On a plain message it behaves like
// T with {count} filled in.
func (c *Catalog) N(code, key string, n int, args ...string) string {
	if c == nil {
		return key
	}
	lm := c.lookup(code)
	m, ok := lm.messages[key]
	if !ok {
		return key
	}
	count := lm.lang.FormatInt(n)
	if m.forms == nil {
		return expand(m.text, "count", count, args)
	}
	text, ok := m.forms[pluralForm(lm.tag, n)]
	if !ok {
		text = m.forms[plural.Other]
	}
	return expand(text, "count", count, args)
}

// Has reports whether key is in the catalog, so that callers (template
// checks at start-up) can find a misspelt key before a reader does.
func (c *Catalog) Has(key string) bool {
	if c == nil {
		return false
	}
	_, ok := c.langs[referenceCode].messages[key]
	return ok
}

// pluralForm returns the cardinal plural category of the whole number n.
// Plural rules look at the absolute value; math.MinInt has none, and any
// number that large takes the same form as its neighbour.
func pluralForm(tag language.Tag, n int) plural.Form {
	if n == math.MinInt {
		n = math.MaxInt
	}
	if n < 0 {
		n = -n
	}
	return plural.Cardinal.MatchPlural(tag, n, 0, 0, 0, 0)
}

// expand replaces {name} placeholders in text in one pass, so a value that
// itself contains braces is never expanded. The fixed name/value pair (for
// {count}) wins over args; args are name, value pairs, and an odd last
// argument is ignored.
func expand(text, fixedName, fixedValue string, args []string) string {
	if !strings.Contains(text, "{") {
		return text
	}
	var b strings.Builder
	b.Grow(len(text))
	for {
		open := strings.IndexByte(text, '{')
		if open < 0 {
			break
		}
		closing := strings.IndexByte(text[open:], '}')
		if closing < 0 {
			break
		}
		name := text[open+1 : open+closing]
		b.WriteString(text[:open])
		if v, ok := argValue(name, fixedName, fixedValue, args); ok {
			b.WriteString(v)
		} else {
			b.WriteString(text[open : open+closing+1])
		}
		text = text[open+closing+1:]
	}
	b.WriteString(text)
	return b.String()
}

func argValue(name, fixedName, fixedValue string, args []string) (string, bool) {
	if fixedName != "" && name == fixedName {
		return fixedValue, true
	}
	for i := 0; i+1 < len(args); i += 2 {
		if args[i] == name {
			return args[i+1], true
		}
	}
	return "", false
}
