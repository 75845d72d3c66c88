// Package search keeps Qasid's embedded full-text index (Bleve, scorch)
// with one analyser per language, answers queries for the public site, the
// desk and the wire, and suggests related stories.
//
// The index holds up to two documents per story: the published version
// readers may see ("p<id>") and, when it differs, the working copy editors
// are changing ("w<id>"). Public search looks only at documents marked
// Public; desk search only at those marked Desk (the story as it now stands
// in the newsroom). For most of an archive the two are the same document.
package search

import (
	"errors"
	"time"
)

// Doc is what the index keeps of one story in one state.
type Doc struct {
	StoryID  int64
	FamilyID int64
	Lang     string // one of lang.Codes; chooses the analyser
	Headline string
	Summary  string
	Body     string // plain text: Markdown and [[also:ID]] tokens removed
	Byline   string
	Place    string // the dateline's place
	Section  string
	Tags     []string
	Status   string    // story.Status of the story when indexed
	AuthorID int64     // the desk user who created it; 0 for imported stories
	Time     time.Time // first publication for a published version; last update for a working copy

	// Working is true for the working copy document ("w<id>"), false for
	// the published version ("p<id>").
	Working bool
	// Public: readers may find it (published, not killed, not under
	// embargo). Desk: it is the story as it now stands, what desk search
	// finds. A published version that nobody is editing is both.
	Public bool
	Desk   bool
}

// Scope says which documents a search looks at.
type Scope int

const (
	ScopePublic Scope = iota // what readers and subscribers may see
	ScopeDesk                // every story as it now stands in the newsroom
)

// Request is one search.
type Request struct {
	Query string // the user's text: words, "quoted phrases", -excluded words
	Scope Scope
	// Langs limits the search to these languages; empty means all. A
	// translator's desk search and a subscriber's entitlements set it.
	Langs []string
	// Sections limits to these sections (a subscriber's entitlements);
	// empty means all. Section is the user's own filter, within Sections.
	Sections []string
	Section  string
	// From and To bound Doc.Time, inclusive; zero means open.
	From, To time.Time
	// Offset and Limit page through hits; Limit 0 means 10, at most 100
	// (MaxLimit). An Offset beyond MaxOffset (10,000) is taken as
	// MaxOffset: deep pages cost the index as much as all pages before.
	Offset, Limit int
	Facets        bool // count hits by section, language and month
	Highlight     bool // fill Hit.Snippet
}

// Result is what a search found.
type Result struct {
	Total  uint64 // hits in all, not just this page
	Hits   []Hit
	Facets Facets
	Took   time.Duration
}

// Hit is one story found. Hits carry only what a result list shows; the
// caller loads the story itself from the store when it needs more.
type Hit struct {
	StoryID  int64
	FamilyID int64
	Lang     string
	Headline string
	Section  string
	Time     time.Time
	Score    float64 // relevance; only comparable within one result
	Working  bool    // the hit is a working copy (desk scope only)
	Snippet  []Span  // a highlighted passage, when asked for
}

// Span is a piece of a snippet; Mark is true for the words that matched.
// Templates escape Text and wrap marked spans in <mark>.
type Span struct {
	Text string
	Mark bool
}

// Facets count the hits of a search (all pages) by field, largest first.
type Facets struct {
	Sections []FacetCount
	Langs    []FacetCount
	Months   []FacetCount // Term is "2024-07"
}

// FacetCount is one value of a facet.
type FacetCount struct {
	Term  string
	Count int
}

// RelatedRequest asks for stories like one story, in its language.
type RelatedRequest struct {
	StoryID int64 // never returned itself
	Lang    string
	Tags    []string
	Text    string  // headline, summary and the start of the body
	Exclude []int64 // stories the editor excluded, or already shown
	Limit   int     // 0 means 5
}

// ErrQuery marks a query the user must change. The error is a
// *QueryError; its Code names the message to show.
var ErrQuery = errors.New("search: bad query")

// QueryError explains a bad query. Code is a stable name the HTTP layers
// turn into a message in the reader's language ("search.err_<code>" in the
// catalog): "too_long", "control", "quote", "empty", "only_excluded",
// "date_range".
type QueryError struct {
	Code   string
	Detail string // English detail for logs and the wire's problem JSON
}

func (e *QueryError) Error() string { return "search: bad query: " + e.Detail }
func (e *QueryError) Unwrap() error { return ErrQuery }
