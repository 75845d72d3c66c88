// Package story is Qasid's domain model: stories, their families of
// translations, versions, datelines and the agency's own configuration.
// It does no I/O; the store persists these values and the site renders them.
package story

import (
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// Status is where a story stands in the editorial workflow.
type Status string

const (
	StatusDraft     Status = "draft"
	StatusSubmitted Status = "submitted"
	StatusPublished Status = "published"
	StatusKilled    Status = "killed"
)

// Valid reports whether s is one of the known statuses.
func (s Status) Valid() bool {
	switch s {
	case StatusDraft, StatusSubmitted, StatusPublished, StatusKilled:
		return true
	}
	return false
}

// moves lists the workflow's allowed transitions. A correction is a move
// from published to published (with a new version); a kill is final.
var moves = map[Status][]Status{
	StatusDraft:     {StatusSubmitted, StatusPublished},
	StatusSubmitted: {StatusDraft, StatusPublished},
	StatusPublished: {StatusPublished, StatusKilled},
	StatusKilled:    nil,
}

// CanMove reports whether a story may go from one status to another.
func CanMove(from, to Status) bool {
	for _, s := range moves[from] {
		if s == to {
			return true
		}
	}
	return false
}

// Story is one member of a family: the story in one language. Its fields
// are the working copy; published versions are frozen in Version values.
type Story struct {
	ID       int64
	FamilyID int64
	Lang     string // language code, one of lang.Codes
	Headline string
	Slug     string
	Summary  string // one or two sentences for lists, meta description and feeds
	Byline   string
	Dateline Dateline
	Section  string // section key, e.g. "world"
	Tags     []string
	Body     string // Markdown source with [[also:ID]] tokens; see BodyRenderer.Render
	Version  int    // the latest published version; 0 before the first publish
	Status   Status

	// TranslatedFrom names the source member and version this story was
	// translated from; zero for an original.
	TranslatedFromID      int64
	TranslatedFromVersion int

	AuthorID int64 // the desk user who created the story; 0 for imported and demo stories

	// PublishAt, when set on a draft or submitted story, is when the
	// scheduler publishes it. EmbargoUntil, when set on a published story,
	// keeps it off the public site, feeds and search until that time.
	PublishAt    time.Time
	EmbargoUntil time.Time

	CreatedAt   time.Time
	UpdatedAt   time.Time
	PublishedAt time.Time // first publication; zero until published
}

// Public reports whether readers may see the story at time now.
func (s *Story) Public(now time.Time) bool {
	return s.Status == StatusPublished && (s.EmbargoUntil.IsZero() || !s.EmbargoUntil.After(now))
}

// Dateline is where and on which day a story was filed. The agency credit
// that closes a printed dateline comes from the agency's settings.
type Dateline struct {
	Place string
	Date  Date
}

// Date is a civil date, free of time zones: a dateline names the day as the
// reporter saw it, not an instant.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// ParseDate reads a date written as YYYY-MM-DD.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		return Date{}, fmt.Errorf("story: date %q: want YYYY-MM-DD", s)
	}
	return DateOf(t), nil
}

// DateOf returns the civil date of t in t's location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{Year: y, Month: m, Day: d}
}

// IsZero reports whether d is unset.
func (d Date) IsZero() bool { return d.Year == 0 && d.Month == 0 && d.Day == 0 }

// String writes d as YYYY-MM-DD, or "" for the zero date.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day)
}

// Version is a frozen, published state of a story. Readers and the wire see
// versions; editors work on the story's working copy.
type Version struct {
	StoryID        int64
	Version        int
	Headline       string
	Summary        string
	Byline         string
	Dateline       Dateline
	Section        string
	Tags           []string
	Body           string
	CorrectionNote string // why this version replaced the one before; empty for version 1
	Killed         bool   // a kill notice, the final version
	PublishedAt    time.Time
}

// Limits on story fields, so that hostile or broken input cannot grow
// without bound.
const (
	MaxHeadline = 300
	MaxSummary  = 1000
	MaxByline   = 200
	MaxPlace    = 100
	MaxTags     = 30
	MaxTag      = 60
	MaxBody     = 1 << 20 // bytes: 1 MiB
)

// ErrInvalid marks a story that breaks a rule of the model.
var ErrInvalid = errors.New("invalid story")

// Validate checks the story's fields; the error names every broken rule.
// The language code is checked by the caller against lang, which story
// does not import.
func (s *Story) Validate() error {
	var probs []string
	check := func(name, v string, max int, required bool) {
		switch {
		case !utf8.ValidString(v):
			probs = append(probs, name+" is not valid UTF-8")
		case required && strings.TrimSpace(v) == "":
			probs = append(probs, name+" is required")
		case utf8.RuneCountInString(v) > max:
			probs = append(probs, fmt.Sprintf("%s is longer than %d characters", name, max))
		}
	}
	check("headline", s.Headline, MaxHeadline, true)
	check("summary", s.Summary, MaxSummary, false)
	check("byline", s.Byline, MaxByline, false)
	check("dateline place", s.Dateline.Place, MaxPlace, false)
	if len(s.Body) > MaxBody { // bytes, as the renderer counts them
		probs = append(probs, fmt.Sprintf("body is larger than %d bytes", MaxBody))
	} else {
		check("body", s.Body, MaxBody, false)
	}
	check("section", s.Section, 40, true)
	if s.Lang == "" {
		probs = append(probs, "language is required")
	}
	if !s.Status.Valid() {
		probs = append(probs, fmt.Sprintf("status %q is unknown", s.Status))
	}
	if len(s.Tags) > MaxTags {
		probs = append(probs, fmt.Sprintf("more than %d tags", MaxTags))
	}
	for _, t := range s.Tags {
		check("tag", t, MaxTag, true)
	}
	if len(probs) > 0 {
		return fmt.Errorf("%w: %s", ErrInvalid, strings.Join(probs, "; "))
	}
	return nil
}

// ChangeKind names what a change log entry records.
type ChangeKind string

const (
	ChangePublish     ChangeKind = "publish"
	ChangeCorrect     ChangeKind = "correct"
	ChangeKill        ChangeKind = "kill"
	ChangeEmbargoLift ChangeKind = "embargo_lift"
	ChangeTranslation ChangeKind = "translation_link"
	// ChangeEdit records that a story's working copy changed without a
	// publication: created, saved, submitted, returned, scheduled. Readers
	// see nothing new; the desk's search index does. Its Version is the
	// latest published version (0 before the first).
	ChangeEdit ChangeKind = "edit"
	// ChangeRelated records that editors pinned or excluded a related
	// story: the story's public page changes, nothing else does.
	ChangeRelated ChangeKind = "related"
	// ChangeMedia records that a family's photos changed (added, removed,
	// captioned, a new lead): one entry per member readers may have seen.
	ChangeMedia ChangeKind = "media"
	// ChangeAudio records that a story version's voice-over became
	// available: the story's page gains its player, nothing else changes.
	ChangeAudio ChangeKind = "audio"
)

// Change is one entry of the append-only change log. Seq only grows; every
// follower (wire cursor, webhooks, search, caches, other nodes) remembers
// the last Seq it has seen.
type Change struct {
	Seq      int64
	Kind     ChangeKind
	StoryID  int64
	FamilyID int64
	Lang     string
	Version  int
	At       time.Time
}

// Agency is the configuration of the agency that runs this Qasid: its name,
// tagline and credit in each language, and its home time zone.
type Agency struct {
	TimeZone string                // IANA name, e.g. "Asia/Karachi"; datelines and shown dates use it
	Text     map[string]AgencyText // by language code
}

// AgencyText is the agency's identity in one language.
type AgencyText struct {
	Name    string
	Tagline string
	Credit  string // the short code printed in datelines, e.g. "GNP"
}

// Section is a desk of the agency (world, business, ...), named in each language.
type Section struct {
	Key      string            // URL segment, lower-case ASCII, e.g. "world"
	Position int               // order on home pages and in navigation
	Names    map[string]string // by language code
}
