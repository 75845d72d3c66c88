// Package importer brings other agencies' stories into Qasid: files of any
// format the ingest package reads, imported in bulk as stories (the
// `qasid import` command), and feeds polled on a schedule, whose items
// wait on the desk's incoming list until an editor starts a story from one.
//
// Either way every item is stored once: the same source and guid, or the
// same URL, is a duplicate and is not stored again; a near-duplicate (the
// same text lightly edited, found by SimHash among earlier items of its
// language) is stored, flagged with the item it repeats, and never made
// into a story by an import.
package importer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/qasid/qasid/internal/ingest"
	"github.com/qasid/qasid/internal/lang"
	"github.com/qasid/qasid/internal/newsroom"
	"github.com/qasid/qasid/internal/store"
	"github.com/qasid/qasid/internal/story"
	"github.com/qasid/qasid/internal/translate"
)

// ImportedSection is the section made for imported stories when the agency
// has neither the configured default nor "world".
const ImportedSection = "imported"

// ErrInvalid marks input the importer refuses (a feed URL that is not
// http or https, an unknown language); its message is for the user.
var ErrInvalid = errors.New("importer: invalid")

// Options configure a Service.
type Options struct {
	Store store.Store
	// Newsroom and Translate are what the desk's actions write through,
	// so that their permission rules and audit entries apply. Import and
	// the poller do not need them.
	Newsroom  *newsroom.Service
	Translate *translate.Service
	// Catalog names the section made for imported stories in each
	// language; nil names it by its key.
	Catalog *lang.Catalog
	Log     *slog.Logger
	Now     func() time.Time // nil means time.Now
	// DefaultSection is the section for items whose own section is not
	// one of the agency's; "" means "imported" or "world", whichever
	// exists, or a new "imported" section.
	DefaultSection string
	// Poll configures the feed poller.
	Poll PollOptions
}

// Service imports files and polls feeds. It is safe for concurrent use.
type Service struct {
	st      store.Store
	nr      *newsroom.Service
	tr      *translate.Service
	cat     *lang.Catalog
	log     *slog.Logger
	now     func() time.Time
	section string
	poll    PollOptions
}

// New returns a Service over o.Store.
func New(o Options) (*Service, error) {
	if o.Store == nil {
		return nil, errors.New("importer: a store is required")
	}
	s := &Service{st: o.Store, nr: o.Newsroom, tr: o.Translate, cat: o.Catalog, log: o.Log, now: o.Now,
		section: strings.TrimSpace(o.DefaultSection)}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.now == nil {
		s.now = time.Now
	}
	var err error
	if s.poll, err = o.Poll.withDefaults(); err != nil {
		return nil, err
	}
	return s, nil
}

func (s *Service) clock() time.Time { return s.now().UTC() }

// ImportOptions say how to import one input.
type ImportOptions struct {
	// Publish publishes the stories made; by default they are drafts.
	Publish bool
	// Source names the sender of items that do not name their own; ""
	// means the input's name.
	Source string
	// Lang is the language of items that do not say.
	Lang string
	// BatchSize is how many items are stored, and stories made, per
	// transaction; 0 means 500.
	BatchSize int
	// Progress, when set, is called after every batch with the counts so
	// far.
	Progress func(Summary)
	// Stored, when set, is called after every batch whose stories are
	// committed, in order, on the goroutine that writes: it sees what was
	// stored while the next batch is being read, and the import waits for
	// it (so a consumer that falls behind slows the import rather than
	// piling batches up in memory).
	Stored func(Stored)
}

// Stored is what one batch of an import stored: the stories made, as the
// store holds them (with their ids, families and publication times; the
// creation and update times, which the store's clock sets, are left
// zero), and the change log's last sequence number read after the batch
// was committed, so that every change the batch appended is at or before
// Seq.
type Stored struct {
	Stories []story.Story
	Seq     int64
}

// maxSummaryErrors is how many item errors and skips a Summary keeps; the
// rest are only counted.
const maxSummaryErrors = 100

// Summary counts what an import did with each item it read.
type Summary struct {
	Format         ingest.Format
	Read           int // good items read
	Imported       int // stories made
	Duplicates     int // items already stored (same source and guid, or same URL): nothing done
	NearDuplicates int // items stored and flagged as near-duplicates of an earlier one: no story
	Skipped        int // items stored, no story made: see Skips
	// Errors are the first items refused (by the reader or the store),
	// with their positions; ErrorCount counts them all.
	Errors     []ingest.ItemError
	ErrorCount int
	// Skips say why the first skipped items made no story.
	Skips []ingest.ItemError
}

func (sum *Summary) addError(e ingest.ItemError) {
	sum.ErrorCount++
	if len(sum.Errors) < maxSummaryErrors {
		sum.Errors = append(sum.Errors, e)
	}
}

func (sum *Summary) skip(e ingest.ItemError) {
	sum.Skipped++
	if len(sum.Skips) < maxSummaryErrors {
		sum.Skips = append(sum.Skips, e)
	}
}

// Import reads r (named name, for format detection and as the default
// source), stores its items, and makes a story of each new item that is
// not a near-duplicate, in batches. It returns an error only when it could
// not go on: the input is not a format it knows (nothing was read), the
// input broke off, or the store failed; the Summary then counts what was
// done before. Bad items are not errors: they are counted in the Summary.
func (s *Service) Import(ctx context.Context, r io.Reader, name string, o ImportOptions) (Summary, error) {
	var sum Summary
	format, rr, err := ingest.Sniff(name, r)
	if err != nil {
		return sum, fmt.Errorf("importer: %s: %w", name, err)
	}
	sum.Format = format
	secs, err := s.sections(ctx)
	if err != nil {
		return sum, err
	}
	size := o.BatchSize
	if size <= 0 {
		size = 500
	}
	source := strings.TrimSpace(o.Source)
	if source == "" {
		source = name
	}
	b := &batch{s: s, sum: &sum, secs: secs, publish: o.Publish}

	// Reading and writing overlap: while one batch is fingerprinted and
	// written, the reader parses the next. Batches are written in order,
	// one at a time, so that each finds the near-duplicates of the ones
	// before it in the database. What was read is written even when ctx
	// ends or the input breaks off: nothing read is lost.
	work := make(chan []pending, 1)
	done := make(chan struct{})
	var werr error
	var failed atomic.Bool
	go func() {
		defer close(done)
		for items := range work {
			if werr != nil {
				continue
			}
			wctx := context.WithoutCancel(ctx)
			made, err := b.flush(wctx, items)
			if err == nil && o.Stored != nil && len(made) > 0 {
				err = b.handOver(wctx, made, o.Stored)
			}
			if werr = err; werr != nil {
				failed.Store(true)
				continue
			}
			if o.Progress != nil {
				o.Progress(b.snapshot())
			}
		}
	}()
	var queue []pending
	n := 0
	_, err = ingest.Read(ctx, rr, format, ingest.Options{
		Lang:   o.Lang,
		Source: source,
		Bad:    func(e ingest.ItemError) { b.count(func(s *Summary) { s.addError(e) }) },
	}, func(it ingest.Item) error {
		if failed.Load() {
			return errStopped
		}
		n++
		b.count(func(s *Summary) { s.Read++ })
		if p, ok := b.add(fmt.Sprintf("item %d", n), it); ok {
			queue = append(queue, p)
		}
		if len(queue) >= size {
			work <- queue
			queue = nil
		}
		return nil
	})
	if len(queue) > 0 {
		work <- queue
	}
	close(work)
	<-done
	if errors.Is(err, errStopped) {
		err = nil
	}
	err = errors.Join(err, werr)
	sum = b.snapshot()
	if o.Progress != nil {
		o.Progress(sum)
	}
	if err != nil {
		return sum, fmt.Errorf("importer: %s: %w", name, err)
	}
	return sum, nil
}

// errStopped stops the reader after the writer failed; the writer's error
// is the one reported.
var errStopped = errors.New("importer: stopped")

// sectionMap is the agency's sections and the default for the rest.
type sectionMap struct {
	keys map[string]bool
	def  string
}

func (m sectionMap) of(section string) string {
	if m.keys[section] {
		return section
	}
	return m.def
}

// sections loads the agency's sections and settles the default: the
// configured one (which must exist), else "imported" or "world", else a
// new "imported" section, named in every language, placed last.
func (s *Service) sections(ctx context.Context) (sectionMap, error) {
	secs, err := s.st.Sections(ctx)
	if err != nil {
		return sectionMap{}, fmt.Errorf("importer: sections: %w", err)
	}
	m := sectionMap{keys: make(map[string]bool, len(secs))}
	last := 0
	for _, sec := range secs {
		m.keys[sec.Key] = true
		last = max(last, sec.Position)
	}
	if s.section != "" {
		if !m.keys[s.section] {
			return sectionMap{}, fmt.Errorf("%w: the default section %q is not one of the agency's", ErrInvalid, s.section)
		}
		m.def = s.section
		return m, nil
	}
	for _, key := range []string{ImportedSection, "world"} {
		if m.keys[key] {
			m.def = key
			return m, nil
		}
	}
	sec := story.Section{Key: ImportedSection, Position: last + 1, Names: map[string]string{}}
	for _, l := range lang.All() {
		name := ImportedSection
		if s.cat != nil {
			name = s.cat.T(l.Code, "ingest.section_imported")
		}
		sec.Names[l.Code] = name
	}
	if err := s.st.SaveSection(ctx, sec); err != nil {
		return sectionMap{}, fmt.Errorf("importer: create the %q section: %w", ImportedSection, err)
	}
	s.log.InfoContext(ctx, "importer: created a section for imported stories", "section", ImportedSection)
	m.keys[ImportedSection], m.def = true, ImportedSection
	return m, nil
}

// pending is an item read and not yet stored.
type pending struct {
	pos  string
	item store.IngestItem
	// nearIdx is the index in the batch of an earlier item this one nearly
	// repeats, or -1: its id is known only once that item is stored.
	nearIdx  int
	canceled bool
}

// batch collects items and stores them together: one transaction for the
// items, one for the stories made from them.
type batch struct {
	s       *Service
	sum     *Summary
	secs    sectionMap
	publish bool
	feedID  int64 // set for a feed's items, which wait on the desk: no story
	// stored counts the items flushes added, for the poller.
	stored int
	// mu guards *sum: the reader counts errors while the writer counts
	// what it stored.
	mu sync.Mutex
}

func (b *batch) count(f func(*Summary)) {
	b.mu.Lock()
	defer b.mu.Unlock()
	f(b.sum)
}

func (b *batch) snapshot() Summary {
	b.mu.Lock()
	defer b.mu.Unlock()
	s := *b.sum
	s.Errors, s.Skips = slices.Clone(s.Errors), slices.Clone(s.Skips)
	return s
}

// add screens an item for the store; a refused one is counted.
func (b *batch) add(pos string, it ingest.Item) (pending, bool) {
	si := itemOf(it, b.feedID)
	if err := store.CheckItem(si); err != nil {
		b.count(func(s *Summary) { s.addError(ingest.ItemError{Pos: pos, GUID: it.GUID, Err: err}) })
		return pending{}, false
	}
	return pending{pos: pos, item: si, nearIdx: -1, canceled: it.Canceled}, true
}

// itemOf is the store's row for an item, not yet fingerprinted.
func itemOf(it ingest.Item, feedID int64) store.IngestItem {
	return store.IngestItem{
		Source: it.Source, GUID: it.GUID, URL: it.URL, Lang: it.Lang, Headline: it.Headline,
		Summary: it.Summary, Body: it.Body, Byline: it.Byline, Section: it.Section, Tags: it.Tags,
		FamilyKey: it.FamilyKey, Published: it.Published, FeedID: feedID,
	}
}

// bandKeys are the fingerprint's four bands as the store indexes them: the
// band's number above its 16 bits, so that equal bits in different bands
// are different keys.
func bandKeys(fp uint64) []uint64 {
	bands := ingest.Bands(fp)
	out := make([]uint64, len(bands))
	for i, b := range bands {
		out[i] = uint64(i)<<16 | uint64(b)
	}
	return out
}

// handOver gives the stories a batch made to fn, with the change log
// position after them.
func (b *batch) handOver(ctx context.Context, made []story.Story, fn func(Stored)) error {
	seq, err := b.s.st.LastSeq(ctx)
	if err != nil {
		return fmt.Errorf("change log position: %w", err)
	}
	fn(Stored{Stories: made, Seq: seq})
	return nil
}

// flush stores the queued items and, for an import, makes the stories,
// which it returns as stored.
func (b *batch) flush(ctx context.Context, items []pending) ([]story.Story, error) {
	if len(items) == 0 {
		return nil, nil
	}
	if err := b.findNear(ctx, items); err != nil {
		return nil, err
	}
	// Items that nearly repeat one of this batch go in a second round,
	// once the one they repeat has its id.
	var first, second []int
	for i, p := range items {
		if p.nearIdx >= 0 {
			second = append(second, i)
		} else {
			first = append(first, i)
		}
	}
	results := make([]store.AddResult, len(items))
	for _, round := range [][]int{first, second} {
		if len(round) == 0 {
			continue
		}
		rows := make([]store.IngestItem, len(round))
		for j, i := range round {
			if k := items[i].nearIdx; k >= 0 {
				items[i].item.DuplicateOf = results[k].ID
			}
			rows[j] = items[i].item
		}
		res, err := b.s.st.AddItems(ctx, rows)
		if err != nil {
			return nil, fmt.Errorf("store items: %w", err)
		}
		for j, i := range round {
			results[i] = res[j]
		}
	}

	var toMake []store.ImportedStory
	var makeIdx []int
	for i, p := range items {
		r := results[i]
		switch {
		case r.Status == store.AddDuplicate:
			b.count(func(s *Summary) { s.Duplicates++ })
			continue
		case p.item.DuplicateOf != 0:
			b.stored++
			b.count(func(s *Summary) { s.NearDuplicates++ })
			continue
		}
		b.stored++
		if b.feedID != 0 {
			continue // a feed's items wait for an editor
		}
		if p.canceled {
			b.skip(p, errors.New("the source withdrew this item: stored, no story made"))
			continue
		}
		st, err := b.storyOf(p.item)
		if err != nil {
			b.skip(p, err)
			continue
		}
		toMake = append(toMake, store.ImportedStory{ItemID: r.ID, FamilyKey: p.item.FamilyKey, Story: st, PublishedAt: b.publishedAt(p.item)})
		makeIdx = append(makeIdx, i)
	}
	if len(toMake) == 0 {
		return nil, nil
	}
	res, err := b.s.st.ImportStories(ctx, toMake)
	if err != nil {
		return nil, fmt.Errorf("make stories: %w", err)
	}
	made := make([]story.Story, 0, len(res))
	for j, r := range res {
		p := items[makeIdx[j]]
		if r.Conflict {
			b.skip(p, fmt.Errorf("family %q already has a %s story: stored on the incoming list, no story made", p.item.FamilyKey, p.item.Lang))
			continue
		}
		b.count(func(s *Summary) { s.Imported++ })
		st := toMake[j].Story
		st.ID, st.FamilyID = r.StoryID, r.FamilyID
		if st.Status == story.StatusPublished {
			st.Version, st.PublishedAt = 1, toMake[j].PublishedAt
		}
		made = append(made, st)
	}
	return made, nil
}

// nearChunk is how many bands one NearItems call asks for.
const nearChunk = 2000

func (b *batch) skip(p pending, err error) {
	b.count(func(s *Summary) { s.skip(ingest.ItemError{Pos: p.pos, GUID: p.item.GUID, Err: err}) })
}

// findNear looks for an earlier item each item nearly repeats: among the
// stored items of its language that share a band (found by index, in one
// query per language and batch), then among the earlier items of this
// batch. The fingerprints are computed here, on every core: they are the
// import's costliest step after the database.
func (b *batch) findNear(ctx context.Context, items []pending) error {
	fingerprint(items)
	type bandKey struct {
		lang string
		band uint64
	}
	// Stored candidates, by language and band, oldest first.
	stored := make(map[bandKey][]store.NearItem)
	byLang := make(map[string][]uint64)
	for _, p := range items {
		if p.item.SimHash != 0 {
			byLang[p.item.Lang] = append(byLang[p.item.Lang], p.item.Bands...)
		}
	}
	for code, bands := range byLang {
		slices.Sort(bands)
		bands = slices.Compact(bands)
		for len(bands) > 0 {
			chunk := bands[:min(len(bands), nearChunk)]
			bands = bands[len(chunk):]
			cands, err := b.s.st.NearItems(ctx, code, chunk, 100000)
			if err != nil {
				return fmt.Errorf("near-duplicates: %w", err)
			}
			for _, c := range cands {
				for _, band := range bandKeys(c.SimHash) {
					k := bandKey{code, band}
					stored[k] = append(stored[k], c)
				}
			}
		}
	}
	local := make(map[bandKey][]int) // the batch's originals by band
	for i := range items {
		it := &items[i].item
		if it.SimHash == 0 {
			continue // no text to compare
		}
		var best int64
		for _, band := range it.Bands {
			for _, c := range stored[bandKey{it.Lang, band}] {
				if (best == 0 || c.ID < best) && ingest.Distance(c.SimHash, it.SimHash) <= ingest.NearDuplicate {
					best = c.ID
				}
			}
		}
		if it.DuplicateOf = best; best != 0 {
			continue
		}
	local:
		for _, band := range it.Bands {
			for _, k := range local[bandKey{it.Lang, band}] {
				if ingest.Distance(items[k].item.SimHash, it.SimHash) <= ingest.NearDuplicate {
					items[i].nearIdx = k
					break local
				}
			}
		}
		if items[i].nearIdx >= 0 {
			continue
		}
		// Only originals are indexed, so that what an item repeats is
		// stored in the first round.
		for _, band := range it.Bands {
			key := bandKey{it.Lang, band}
			if !slices.Contains(local[key], i) {
				local[key] = append(local[key], i)
			}
		}
	}
	return nil
}

// fingerprint sets each item's SimHash and bands, on every core.
func fingerprint(items []pending) {
	workers := min(runtime.GOMAXPROCS(0), 8, max(len(items)/16, 1))
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := w; i < len(items); i += workers {
				it := &items[i].item
				text := it.Body
				if strings.TrimSpace(text) == "" {
					text = it.Headline
				}
				it.SimHash = ingest.Fingerprint(text)
				it.Bands = bandKeys(it.SimHash)
			}
		})
	}
	wg.Wait()
}

// storyOf makes the story text for an item: the item's words, its body as
// Markdown that shows them as written, its section if the agency has it.
func (b *batch) storyOf(it store.IngestItem) (story.Story, error) {
	st := story.Story{
		Lang:     it.Lang,
		Headline: it.Headline,
		Slug:     lang.Slug(it.Lang, it.Headline),
		Summary:  it.Summary,
		Byline:   it.Byline,
		Section:  b.secs.of(it.Section),
		Tags:     it.Tags,
		Body:     storyBody(it.Body),
		Status:   story.StatusDraft,
	}
	if b.publish {
		st.Status = story.StatusPublished
	}
	if !it.Published.IsZero() {
		st.Dateline.Date = story.DateOf(it.Published.UTC())
	}
	if err := st.Validate(); err != nil {
		return story.Story{}, fmt.Errorf("%w (stored on the incoming list, no story made)", err)
	}
	return st, nil
}

// publishedAt is when an imported story counts as published: when the
// source published it, unless it gives no time or one in the future. It
// is cut to the microsecond, as both stores keep times, so that the
// stories handed to ImportOptions.Stored carry the time as stored.
func (b *batch) publishedAt(it store.IngestItem) time.Time {
	now := b.s.clock()
	if it.Published.IsZero() || it.Published.After(now) {
		return now.Truncate(time.Microsecond)
	}
	return it.Published.UTC().Truncate(time.Microsecond)
}
