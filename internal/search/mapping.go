package search

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/single"
	"github.com/blevesearch/bleve/v2/document"
	"github.com/blevesearch/bleve/v2/mapping"
	index "github.com/blevesearch/bleve_index_api"
)

// mappingVersion names the fields and analysers below. Change it whenever
// either changes: Open empties an index written with another version, and
// the change log follower rebuilds it from position 0.
const mappingVersion = "4"

// Field names. Text fields carry the language in their name so that each
// language's words are kept and queried with that language's analyser;
// the same word in two languages is two different terms.
const (
	fieldLang    = "lang"    // keyword, stored (Hit, Related's filter)
	fieldSection = "section" // keyword, stored (Hit, filters)
	// fieldFacet holds a story's language, section and month as one
	// value, "ur\x1fworld\x1f2024-07" (facetValue), with doc values:
	// facets read one short value per hit, which on a search with tens of
	// thousands of hits costs a third of reading three.
	fieldFacet  = "facet"
	fieldVis    = "vis"    // keyword: "public" and/or "desk"
	fieldTime   = "time"   // date, stored, doc values (sort, range)
	fieldFamily = "family" // number, stored only
	fieldTags   = "tags"   // whole tags, folded (Related)

	visPublic = "public"
	visDesk   = "desk"

	// facetSep separates the parts of a fieldFacet value.
	facetSep = "\x1f"
)

// headlineField is the headline of a language: stored (hits show it) and
// indexed on its own, for the bonus a word in the headline earns.
func headlineField(lang string) string { return "h_" + lang }

// textField is everything a story says in a language: headline, summary
// and body, byline and place, as one value with term vectors for phrases.
// Every word of a query must be here. Not stored. (As one value a phrase
// may run from the end of the headline into the body; giving each part
// its own value would stop that but costs a fifth more indexing time,
// spent merging the parts' term lists.)
func textField(lang string) string { return "t_" + lang }

// fieldBody is the summary and body, stored only, for snippets (see
// BENCHMARKS.md for what storing it costs).
const fieldBody = "body"

// fieldZhChars holds every Chinese character of a Chinese story's text on
// its own, indexed only, for one-character queries (the text field has
// bigrams).
const fieldZhChars = "u_zh"

// Russian keeps an unstemmed copy of the text, because the Snowball
// stemmer cuts some words too far (визит "visit" → виз, as виза "visa"):
// a query looks in both, and exact forms score higher.
const fieldTextRuExact = "tx_ru"

// fieldSpec is one field as both the mapping and the indexed documents
// describe it, so that the two cannot disagree.
type fieldSpec struct {
	name     string
	kind     string // "text", "keyword", "datetime", "number"
	analyzer string // text fields only
	opts     index.FieldIndexingOptions
}

const (
	optIndex  = index.IndexField
	optStore  = index.StoreField
	optVector = index.IncludeTermVectors
	// Doc values (the sort key and the facets) are left uncompressed: a
	// search whose hits reach every part of the index would otherwise
	// decompress all of them, which took a fifth of the time of a search
	// for a common word at 100,000 stories. They are a few bytes a story.
	optDV = index.DocValues | index.SkipDVCompression
)

// fieldSpecs lists every field of the index.
func fieldSpecs() []fieldSpec {
	specs := []fieldSpec{
		{name: fieldLang, kind: "keyword", opts: optIndex | optStore},
		{name: fieldSection, kind: "keyword", opts: optIndex | optStore},
		{name: fieldFacet, kind: "keyword", opts: optIndex | optDV},
		{name: fieldVis, kind: "keyword", opts: optIndex},
		{name: fieldTime, kind: "datetime", opts: optIndex | optStore | optDV},
		{name: fieldFamily, kind: "number", opts: optStore},
		{name: fieldTags, kind: "text", analyzer: analyzerTag, opts: optIndex},
	}
	for _, l := range searchLangs {
		a := analyzerName(l)
		specs = append(specs,
			fieldSpec{name: headlineField(l), kind: "text", analyzer: a, opts: optIndex | optStore},
			fieldSpec{name: textField(l), kind: "text", analyzer: a, opts: optIndex | optVector},
		)
	}
	return append(specs,
		fieldSpec{name: fieldBody, kind: "text", analyzer: analyzerTag, opts: optStore},
		fieldSpec{name: fieldTextRuExact, kind: "text", analyzer: analyzerRuExact, opts: optIndex},
		fieldSpec{name: fieldZhChars, kind: "text", analyzer: analyzerZhChars, opts: optIndex},
	)
}

// newMapping is the index mapping: one static document mapping with the
// fields above, nothing dynamic, no composite "_all" field, BM25 scoring.
// Documents are built by buildDocument with the same specs; the mapping
// tells Bleve's own query code and a reopened index what the fields are.
func newMapping() *mapping.IndexMappingImpl {
	im := mapping.NewIndexMapping()
	im.ScoringModel = index.TFIDFScoring
	im.IndexDynamic = false
	im.StoreDynamic = false
	im.DocValuesDynamic = false
	im.DefaultAnalyzer = analyzerTag
	dm := mapping.NewDocumentStaticMapping()
	for _, s := range fieldSpecs() {
		var fm *mapping.FieldMapping
		switch s.kind {
		case "text":
			fm = mapping.NewTextFieldMapping()
			fm.Analyzer = s.analyzer
		case "keyword":
			fm = mapping.NewKeywordFieldMapping()
		case "datetime":
			fm = mapping.NewDateTimeFieldMapping()
		case "number":
			fm = mapping.NewNumericFieldMapping()
		}
		fm.Index = s.opts&optIndex != 0
		fm.Store = s.opts&optStore != 0
		fm.IncludeTermVectors = s.opts&optVector != 0
		fm.DocValues = s.opts&optDV != 0
		fm.IncludeInAll = false
		dm.AddFieldMappingsAt(s.name, fm)
	}
	im.DefaultMapping = dm
	return im
}

// analyzers holds one built analyser per name, for indexing, query
// analysis and snippets, and each language's stop words as index terms.
type analyzers struct {
	byName map[string]analysis.Analyzer
	stop   map[string]termSet // by language
}

func newAnalyzers() (analyzers, error) {
	as := analyzers{byName: map[string]analysis.Analyzer{}, stop: map[string]termSet{}}
	for _, name := range allAnalyzerNames() {
		a, err := newAnalyzer(name)
		if err != nil {
			return analyzers{}, err
		}
		as.byName[name] = a
	}
	as.byName["keyword"] = &analysis.DefaultAnalyzer{Tokenizer: single.NewSingleTokenTokenizer()}
	for l, list := range stopWordLists() {
		as.stop[l] = stopTerms(as.byName[analyzerName(l)], list)
	}
	return as, nil
}

// facetValue is a document's value of fieldFacet: its language, section
// and month ("" for none).
func facetValue(d Doc) string {
	month := ""
	if timeRepresentable(d.Time) {
		month = d.Time.UTC().Format("2006-01")
	}
	return d.Lang + facetSep + d.Section + facetSep + month
}

// docID is the index document id of a story's published version ("p")
// or working copy ("w").
func docID(storyID int64, working bool) string {
	if working {
		return "w" + strconv.FormatInt(storyID, 10)
	}
	return "p" + strconv.FormatInt(storyID, 10)
}

// parseDocID reverses docID.
func parseDocID(id string) (storyID int64, working bool, ok bool) {
	if len(id) < 2 || (id[0] != 'p' && id[0] != 'w') {
		return 0, false, false
	}
	n, err := strconv.ParseInt(id[1:], 10, 64)
	if err != nil {
		return 0, false, false
	}
	return n, id[0] == 'w', true
}

// timeRepresentable reports whether Bleve can index t (it keeps dates as
// int64 nanoseconds, about the years 1678 to 2262).
func timeRepresentable(t time.Time) bool {
	return !t.IsZero() && !t.Before(document.MinTimeRepresentable) && !t.After(document.MaxTimeRepresentable)
}

// bodyText is what a language's text field holds: summary, then body.
func bodyText(d Doc) string {
	switch {
	case d.Summary == "":
		return d.Body
	case d.Body == "":
		return d.Summary
	}
	return d.Summary + "\n\n" + d.Body
}

func joinNonEmpty(sep string, parts ...string) string {
	var out []string
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, sep)
}

// buildDocument turns a Doc into the Bleve document with the fields of
// fieldSpecs, analysed with our analysers.
// storeBody false leaves the stored body out (snippets then come from the
// headline only); only the benchmark uses it, to measure what storing
// costs.
func (as analyzers) buildDocument(d Doc, storeBody bool) (*document.Document, error) {
	if !knownLang(d.Lang) {
		return nil, fmt.Errorf("search: story %d: no analyser for language %q", d.StoryID, d.Lang)
	}
	if d.StoryID <= 0 {
		return nil, fmt.Errorf("search: story id %d is not positive", d.StoryID)
	}
	doc := document.NewDocument(docID(d.StoryID, d.Working))
	text := func(name, analyzer, value string, array uint64, opts index.FieldIndexingOptions) {
		if value == "" {
			return
		}
		doc.AddField(document.NewTextFieldCustom(name, []uint64{array}, []byte(value), opts, as.byName[analyzer]))
	}
	keyword := func(name, value string, opts index.FieldIndexingOptions) {
		if value == "" {
			return
		}
		doc.AddField(document.NewTextFieldCustom(name, nil, []byte(value), opts, as.byName["keyword"]))
	}
	a := analyzerName(d.Lang)
	body := bodyText(d)
	meta := strings.TrimSpace(d.Byline + "\n" + d.Place)
	text(headlineField(d.Lang), a, d.Headline, 0, optIndex|optStore)
	all := joinNonEmpty("\n", d.Headline, body, meta)
	text(textField(d.Lang), a, all, 0, optIndex|optVector)
	switch d.Lang {
	case "ru":
		text(fieldTextRuExact, analyzerRuExact, all, 0, optIndex)
	case "zh":
		text(fieldZhChars, analyzerZhChars, all, 0, optIndex)
	}
	if storeBody {
		text(fieldBody, "", body, 0, optStore)
	}
	keyword(fieldLang, d.Lang, optIndex|optStore)
	keyword(fieldSection, d.Section, optIndex|optStore)
	if d.Public {
		keyword(fieldVis, visPublic, optIndex)
	}
	if d.Desk {
		keyword(fieldVis, visDesk, optIndex)
	}
	for i, t := range d.Tags {
		text(fieldTags, analyzerTag, t, uint64(i), optIndex)
	}
	if timeRepresentable(d.Time) {
		t := d.Time.UTC()
		f, err := document.NewDateTimeFieldWithIndexingOptions(fieldTime, nil, t, time.RFC3339Nano, optIndex|optStore|optDV)
		if err != nil {
			return nil, fmt.Errorf("search: story %d: time: %w", d.StoryID, err)
		}
		doc.AddField(f)
	}
	keyword(fieldFacet, facetValue(d), optIndex|optDV)
	if d.FamilyID != 0 {
		doc.AddField(document.NewNumericFieldWithIndexingOptions(fieldFamily, nil, float64(d.FamilyID), optStore))
	}
	return doc, nil
}
