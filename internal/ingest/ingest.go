// Package ingest reads other agencies' stories: JSON Lines (the corpus
// format), RSS 2.0, Atom, ninjs and NewsML-G2. It turns each into an Item,
// reports every malformed item with its position and goes on with the
// rest, and recognises duplicates and near-duplicates.
//
// # Reading
//
// Find the format from the content, then read:
//
//	f, err := os.Open(path)
//	...
//	format, r, err := ingest.Sniff(path, f) // peeks DetectSize bytes, r replays them
//	if err != nil {
//		return err // ErrUnknownFormat: say so to the user, nothing was read
//	}
//	stats, err := ingest.Read(ctx, r, format, ingest.Options{
//		Lang:   "ur",           // for feeds that name no language
//		Source: "Example Feed", // when the items name no source of their own
//		Bad: func(e ingest.ItemError) {
//			slog.Warn("import: item refused", "pos", e.Pos, "guid", e.GUID, "err", e.Err)
//		},
//	}, func(it ingest.Item) error {
//		return importer.Save(ctx, it) // an error here stops Read and is returned
//	})
//
// Read calls fn once for every good item, in input order, and Options.Bad
// (or, when Bad is nil, appends to Stats.Errors) once for every item it
// refuses; then it goes on with the next item. It returns an error only when
// it cannot go on: the input is unreadable, not the format at all, larger
// than the limits, cut short (a truncated XML document), or fn failed, or
// ctx was cancelled. Items delivered before such an error stay delivered:
// Stats counts them.
//
// JSON Lines (corpus and ninjs) are streamed line by line, so a file of
// any length costs the memory of one line (Options.MaxLine; a longer line
// is one refused item). XML formats and whole JSON documents are read in
// full, up to Options.MaxDocument bytes. A truncated document still gives
// the items that arrived whole (RSS, Atom and NewsML-G2 up to the last
// complete item, a ninjs array up to the cut) and then an ErrMalformed
// error saying it was cut.
//
// # Formats
//
// Where each Item field comes from:
//
//	        JSONL        RSS / Atom                 ninjs 1.x-3.x                      NewsML-G2
//	GUID    id           guid, else link / id       uri, guid, altIds guid             @guid
//	Lang    lang         dc:language, channel       language                           contentMeta/language, @xml:lang
//	                     language / feed xml:lang
//	Body    body (text)  content:encoded, else      bodies (role main), body_text,     inlineXML (XHTML), else
//	                     description / content      body_html                          inlineData (text, base64)
//	Summary summary      description when there     descriptions, description_text     description (drol:summary)
//	                     is content / summary
//	Section section      -                          subject with rel "section"         subject of a *section scheme
//	Tags    tags         category                   other subjects, keywords           other subjects, keyword
//	Family  id - ":lang" -                          altIds family, host-prefixed       altId of a *family type, ditto
//	URL     url          link (made absolute)       rendition "web" or text/html       itemMeta link text/html
//
// IPTC Media Topic subjects are not taken as tags: their labels are
// English whatever the item's language. A missing language falls back to
// Options.Lang, and Options.ForceLang makes Options.Lang win over what the
// input says. Items that are not text (ninjs type picture, NewsML
// ninat:picture, packageItem) are refused with ErrNotText.
//
// Corrections and kills: Version and Updated say which version of a GUID
// an item is (ninjs and NewsML-G2 carry them), and Canceled says the
// sender withdrew it. Store by GUID; a higher Version replaces a lower
// one; a Canceled item takes down what was imported under its GUID.
//
// # What an Item guarantees
//
// Every Item passed to fn has been checked and normalised the same way,
// whatever its format, so the importer can store it without looking again:
//   - GUID is non-empty (RSS items without a guid use their link) and at
//     most MaxGUID bytes;
//   - Lang is one of lang.Codes(): "en-GB", "eng", "zh-CN", "zh-Hans",
//     "ur-PK", "ara" and so on are mapped to ours; Traditional Chinese
//     (zh-Hant, zh-TW, zh-HK) and all other languages are refused;
//   - every text is valid UTF-8 (an item with invalid bytes is refused, not
//     repaired), in Unicode NFC, without control characters, trimmed;
//   - Headline is one line of at most story.MaxHeadline characters (a
//     longer one is cut at a word boundary and ends in "…"); an empty
//     headline is replaced by the body's first sentence, because real
//     Arabic feeds send items without one;
//   - Body is plain text, paragraphs separated by "\n", no empty
//     paragraphs, at most Options.MaxBody bytes (a larger item is refused,
//     never silently cut). HTML bodies (RSS, Atom, ninjs, NewsML-G2) are
//     turned into text: blocks become paragraphs, entities are decoded,
//     scripts, styles and other non-text elements are dropped;
//   - Summary, Byline, Section and Source are single lines within the
//     story package's limits; Section is lower case;
//   - Tags: at most story.MaxTags, each at most story.MaxTag characters,
//     without duplicates;
//   - URL is an absolute http(s) URL or "";
//   - Published and Updated are UTC or zero (unparseable or relative dates
//     such as "2 hours ago" give zero; they do not refuse the item).
//
// An ItemError's Err wraps one of ErrNoGUID, ErrNoHeadline, ErrLanguage,
// ErrEncoding, ErrTooLarge, ErrMalformed or ErrNotText, for callers that
// treat some of them differently (ErrNotText is a picture or video item
// in a mixed wire feed: usually not worth a warning).
//
// # Duplicates
//
// The same story comes back: re-sent by the same feed with a typo fixed, or
// sent by two feeds. The GUID finds exact re-sends; Fingerprint finds near
// ones. Store Fingerprint(Item.Body) with the item, and Bands of it in four
// indexed columns. A new item's candidates are the rows sharing any band
// (four indexed lookups); a candidate is a near-duplicate when Distance is
// at most NearDuplicate. A body without words fingerprints to 0: skip the
// search for it. fingerprint.go says what the threshold was measured on.
package ingest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/qasid/qasid/internal/lang"
	"github.com/qasid/qasid/internal/story"
)

// Item is one story from outside, as read, before it becomes a Qasid story.
type Item struct {
	GUID      string // the source's own id: JSONL id, RSS guid, Atom id, ninjs uri, NewsML guid; never empty
	URL       string // the story's address at the source, if any
	Lang      string // one of lang.Codes; items in other languages are errors
	Headline  string
	Summary   string
	Body      string // plain text, paragraphs separated by "\n"
	Byline    string
	Section   string // the source's section or topic, lower case; "" if none
	Tags      []string
	Published time.Time // zero if the source gives none
	Source    string    // who sent it: the feed's or file's name, or the item's own source field
	// FamilyKey links translations of one story (the corpus's id without
	// its ":<lang>" suffix; a ninjs/NewsML family id); "" if none.
	//
	// A ninjs or NewsML-G2 family id is only unique within its sender
	// ("family:4"), so it is prefixed with the host of the item's uri or
	// guid: "news.example.org/family:4". Keys from JSON Lines are used as
	// the file gives them.
	FamilyKey string

	// Updated is when this version was made (ninjs versionCreated, NewsML
	// versionCreated, Atom updated), UTC; zero if the source gives none.
	Updated time.Time
	// Version is the source's version number of the item (ninjs and
	// NewsML-G2 carry one); 0 when unknown. A re-sent GUID with a higher
	// version is a correction.
	Version int
	// Canceled is set when the source withdraws the item (ninjs pubStatus
	// "canceled", NewsML-G2 stat:canceled): the importer should take down
	// what it imported under this GUID rather than store this as a story.
	Canceled bool
}

// Format is an input format Read understands.
type Format string

// The formats. NINJS covers ninjs 1.x to 3.x, as one item, an array of
// items or JSON Lines of items; NewsML covers a NewsML-G2 newsItem or a
// newsMessage holding several.
const (
	JSONL  Format = "jsonl"
	RSS    Format = "rss"
	Atom   Format = "atom"
	NINJS  Format = "ninjs"
	NewsML Format = "newsml"
)

// Formats lists every Format, for help texts and flag validation.
func Formats() []Format { return []Format{JSONL, RSS, Atom, NINJS, NewsML} }

// ParseFormat reads a format name as a user types it ("jsonl", "RSS",
// "newsml"). "ndjson" and "newsml-g2" are accepted as other names.
func ParseFormat(s string) (Format, error) {
	switch f := Format(lowerASCII(s)); f {
	case JSONL, RSS, Atom, NINJS, NewsML:
		return f, nil
	case "ndjson":
		return JSONL, nil
	case "newsml-g2", "g2":
		return NewsML, nil
	}
	return "", fmt.Errorf("ingest: %w: %q (want one of jsonl, rss, atom, ninjs, newsml)", ErrUnknownFormat, s)
}

// Defaults for the zero values of Options.
const (
	// DefaultMaxLine bounds one JSON line: a body at story.MaxBody bytes of
	// Arabic escaped as \uXXXX takes three times its size, plus the rest.
	DefaultMaxLine = 4 << 20
	// DefaultMaxDocument bounds an XML document or whole JSON document.
	DefaultMaxDocument = 64 << 20
	// MaxGUID bounds an item's id: real ones are URLs or URNs.
	MaxGUID = 1000
	// maxKeptErrors is how many ItemErrors Stats keeps when Options.Bad is
	// nil; the rest are only counted.
	maxKeptErrors = 100
)

// Options tune a Read. The zero value is usable: items must then name their
// language, and the limits are the defaults.
type Options struct {
	// Lang is the language code for items that do not name one (feeds
	// without <language>, JSON lines without "lang"). "" means such items
	// are refused with ErrLanguage. It is mapped like an item's own
	// language ("ur-PK" is fine) and must be one of ours.
	Lang string
	// ForceLang makes Lang win over the language the input names. Some
	// feeds declare a wrong one (WordPress says en-US whatever a site
	// writes), and the editor who configured the feed knows better.
	ForceLang bool
	// Source names the sender, for items that do not name one themselves
	// (a JSON line's "source"). When it is "", a feed's title is used.
	Source string

	MaxBody     int   // bytes of an item's plain-text body; 0 means story.MaxBody
	MaxLine     int   // bytes of one JSON line; 0 means DefaultMaxLine
	MaxDocument int64 // bytes of an XML document or whole JSON document; 0 means DefaultMaxDocument
	// MaxItems stops Read with ErrTooManyItems when the input holds more
	// items (good or bad); 0 means no limit. Feed polling should set one.
	MaxItems int

	// Bad is called for every refused item. When nil, the first 100 are
	// kept in Stats.Errors.
	Bad func(ItemError)
}

// Stats counts what a Read did.
type Stats struct {
	Format Format
	Items  int         // items passed to fn
	Bad    int         // items refused
	Errors []ItemError // the first refused items, when Options.Bad is nil
}

// ItemError says why one item was refused and where it was.
type ItemError struct {
	Pos  string // "line 17", "item 3", "entry 2": where the item is in the input
	GUID string // the item's id when it could be read
	Err  error
}

func (e ItemError) Error() string {
	if e.GUID != "" {
		return fmt.Sprintf("%s (guid %q): %v", e.Pos, clip(e.GUID, 120), e.Err)
	}
	return e.Pos + ": " + e.Err.Error()
}

func (e ItemError) Unwrap() error { return e.Err }

// Errors. ErrUnknownFormat, ErrTooManyItems and a document-level ErrTooLarge
// or ErrMalformed stop Read; the others come in ItemErrors.
var (
	ErrUnknownFormat = errors.New("unknown format")
	ErrTooLarge      = errors.New("too large")
	ErrMalformed     = errors.New("malformed")
	ErrTooManyItems  = errors.New("too many items")

	ErrNoGUID     = errors.New("no id")
	ErrNoHeadline = errors.New("no headline")
	ErrLanguage   = errors.New("language not supported")
	ErrEncoding   = errors.New("invalid UTF-8")
	ErrNotText    = errors.New("not a text item")
)

// Read reads items of format f from r and calls fn with each good one; see
// the package documentation for what is checked, what is refused and when
// Read stops. fn's error stops Read and is returned wrapped (errors.Is
// finds it).
func Read(ctx context.Context, r io.Reader, f Format, opt Options, fn func(Item) error) (Stats, error) {
	run, err := newRun(ctx, f, opt, fn)
	if err != nil {
		return Stats{Format: f}, err
	}
	switch f {
	case JSONL:
		err = run.readJSONL(r)
	case NINJS:
		err = run.readNINJS(r)
	case RSS, Atom:
		err = run.readFeed(r)
	case NewsML:
		err = run.readNewsML(r)
	}
	if err != nil {
		err = fmt.Errorf("ingest: %s: %w", f, err)
	}
	return run.stats, err
}

// run is the state of one Read: options with defaults filled in, the
// counts, and the one path every item takes to fn.
type run struct {
	ctx   context.Context
	opt   Options
	fn    func(Item) error
	stats Stats
	seen  int // items met, good or bad, for MaxItems
}

func newRun(ctx context.Context, f Format, opt Options, fn func(Item) error) (*run, error) {
	switch f {
	case JSONL, RSS, Atom, NINJS, NewsML:
	default:
		return nil, fmt.Errorf("ingest: %w: %q", ErrUnknownFormat, string(f))
	}
	if fn == nil {
		return nil, errors.New("ingest: Read needs a function to call with each item")
	}
	if opt.ForceLang && opt.Lang == "" {
		return nil, errors.New("ingest: ForceLang needs a language in Options.Lang")
	}
	if opt.Lang != "" {
		code, err := langCode(opt.Lang)
		if err != nil {
			return nil, fmt.Errorf("ingest: default language: %w", err)
		}
		opt.Lang = code
	}
	if opt.MaxBody <= 0 {
		opt.MaxBody = story.MaxBody
	}
	if opt.MaxLine <= 0 {
		opt.MaxLine = DefaultMaxLine
	}
	if opt.MaxDocument <= 0 {
		opt.MaxDocument = DefaultMaxDocument
	}
	opt.Source = cleanLine(opt.Source, maxSource)
	return &run{ctx: ctx, opt: opt, fn: fn, stats: Stats{Format: f}}, nil
}

// next is called before each item: it stops on a cancelled context and at
// the item limit.
func (r *run) next() error {
	if err := r.ctx.Err(); err != nil {
		return err
	}
	if r.opt.MaxItems > 0 && r.seen >= r.opt.MaxItems {
		return fmt.Errorf("%w: more than %d", ErrTooManyItems, r.opt.MaxItems)
	}
	r.seen++
	return nil
}

// emit checks and normalises one raw item and hands it to fn, or reports
// why it cannot. Only fn's error is returned: a bad item is not fatal.
func (r *run) emit(pos string, raw rawItem) error {
	it, err := finish(raw, &r.opt)
	if err != nil {
		r.bad(pos, raw.guid, err)
		return nil
	}
	if err := r.fn(it); err != nil {
		return fmt.Errorf("%s (guid %q): %w", pos, clip(it.GUID, 120), err)
	}
	r.stats.Items++
	return nil
}

// bad reports a refused item.
func (r *run) bad(pos, guid string, err error) {
	e := ItemError{Pos: pos, GUID: cleanLine(guid, MaxGUID), Err: err}
	r.stats.Bad++
	if r.opt.Bad != nil {
		r.opt.Bad(e)
		return
	}
	if len(r.stats.Errors) < maxKeptErrors {
		r.stats.Errors = append(r.stats.Errors, e)
	}
}

// supported lists our language codes for error messages.
func supported() string {
	s := ""
	for i, c := range lang.Codes() {
		if i > 0 {
			s += ", "
		}
		s += c
	}
	return s
}
