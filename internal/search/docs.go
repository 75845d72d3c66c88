package search

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/qasid/qasid/internal/lang"
	"github.com/qasid/qasid/internal/store"
	"github.com/qasid/qasid/internal/story"
)

// BodyText is the text of a story body as the index keeps it: the words
// of its headings, paragraphs, list items and quotes, without Markdown and
// without [[also:ID]] tokens, whose headlines belong to another story (and
// depend on the output's language). The story package's own text walk is
// used so that search matches exactly the words a reader sees on the page.
func BodyText(src string) string {
	if src == "" || plainMarkdown(src) {
		return src
	}
	return story.PlainText(src)
}

// plainMarkdown reports whether Markdown reads src as exactly its own
// text: paragraphs of one line each, separated by one blank line, none
// opening a block (a heading, list, quote, code, HTML), with no character
// that can start inline markup (escapes, entities, code, emphasis, links,
// [[also:ID]] tokens, autolinks, HTML) and no white space but single
// spaces between words. So are most bodies an import makes, and parsing
// them was a tenth of the cost of indexing one (TestPlainMarkdown checks
// the rule against story.PlainText).
func plainMarkdown(src string) bool {
	if !utf8.ValidString(src) {
		return false
	}
	for p := range strings.SplitSeq(src, "\n\n") {
		if p == "" || !plainParagraph(p) {
			return false
		}
	}
	return true
}

func plainParagraph(p string) bool {
	switch p[0] {
	case '#', '>', '-', '+', '*', '=', '~', '`', '<', '|', '_', ':':
		return false
	}
	if n := strings.IndexFunc(p, func(r rune) bool { return r < '0' || r > '9' }); n != 0 {
		// "1." and "1)" open an ordered list.
		if n < 0 || p[n] == '.' || p[n] == ')' {
			return false
		}
	}
	space := true // no white space at the start
	for _, r := range p {
		switch {
		case r == ' ':
			if space {
				return false
			}
			space = true
			continue
		case r < ' ' || r == 0x7F || r == utf8.RuneError:
			return false
		case r < utf8.RuneSelf:
			if strings.ContainsRune("\\`*_[]<&", r) {
				return false
			}
		case unicode.IsSpace(r):
			return false
		}
		space = false
	}
	return !space
}

// StoryDocs builds the index documents of one story as it stands at now,
// from the working copy w and, when readers may see the story, its
// published version pub (nil when it is not public):
//
//   - a public story gets a "p" document from the published version, which
//     is also the desk's document when nobody has changed the working copy
//     since;
//   - a story whose working copy differs from what readers see, or that
//     readers cannot see at all (a draft, submitted, scheduled, under
//     embargo, killed), gets a "w" document for the desk.
//
// So a story has one or two documents, never none.
func StoryDocs(w story.Story, pub *story.Story) []Doc {
	if pub == nil {
		return []Doc{doc(w, true, w.UpdatedAt)}
	}
	first := pub.PublishedAt
	if first.IsZero() {
		first = pub.UpdatedAt
	}
	p := doc(*pub, false, first)
	p.Public = true
	if sameContent(w, *pub) {
		p.Desk = true
		return []Doc{p}
	}
	return []Doc{p, doc(w, true, w.UpdatedAt)}
}

// doc turns one state of a story into a document. A working copy is what
// the desk finds; whether a published version is also the desk's
// document is for the caller to say.
func doc(s story.Story, working bool, at time.Time) Doc {
	return Doc{
		StoryID:  s.ID,
		FamilyID: s.FamilyID,
		Lang:     s.Lang,
		Headline: s.Headline,
		Summary:  s.Summary,
		Body:     BodyText(s.Body),
		Byline:   s.Byline,
		Place:    s.Dateline.Place,
		Section:  s.Section,
		Tags:     slices.Clone(s.Tags),
		Status:   string(s.Status),
		AuthorID: s.AuthorID,
		Time:     at.UTC(),
		Working:  working,
		Desk:     working,
	}
}

// sameContent reports whether the working copy w still says what the
// published version pub says, in every field the index keeps: then one
// document serves readers and the desk alike.
func sameContent(w, pub story.Story) bool {
	return w.Status == story.StatusPublished &&
		w.Headline == pub.Headline && w.Summary == pub.Summary && w.Body == pub.Body &&
		w.Byline == pub.Byline && w.Section == pub.Section && w.Dateline.Place == pub.Dateline.Place &&
		slices.Equal(w.Tags, pub.Tags)
}

// docsFor builds the documents of stories already read from the store
// (their working copies), reading the published versions of those readers
// may see at now in one query. Only a story that is published and out of
// embargo can be public, so drafts and killed stories are not asked for.
//
// A story in a language the index has no analyser for cannot be indexed;
// it is listed in skipped, so that the caller removes whatever the index
// held of it rather than fail the whole batch on it for ever.
func docsFor(ctx context.Context, st store.Store, stories []story.Story, now time.Time) (docs []Doc, skipped []int64, err error) {
	var public []int64
	for _, w := range stories {
		if w.Public(now) {
			public = append(public, w.ID)
		}
	}
	pubs, err := st.PublicStoriesByID(ctx, public, now)
	if err != nil {
		return nil, nil, fmt.Errorf("search: published versions: %w", err)
	}
	docs = make([]Doc, 0, len(stories)+len(stories)/8)
	for _, w := range stories {
		if _, ok := lang.Get(w.Lang); !ok || w.ID <= 0 {
			skipped = append(skipped, w.ID)
			continue
		}
		// A public story missing from pubs was killed or embargoed
		// between the two reads: the next change of the story brings the
		// index up to date.
		var pub *story.Story
		if p, ok := pubs[w.ID]; ok {
			pub = &p
		}
		docs = append(docs, StoryDocs(w, pub)...)
	}
	return docs, skipped, nil
}

// Docs builds the index documents of the stories with the given ids as
// they stand at now, and lists those that no longer exist (or cannot be
// indexed), whose documents must go.
func Docs(ctx context.Context, st store.Store, ids []int64, now time.Time) (docs []Doc, gone []int64, err error) {
	if len(ids) == 0 {
		return nil, nil, nil
	}
	found, err := st.Stories(ctx, ids)
	if err != nil {
		return nil, nil, fmt.Errorf("search: documents: %w", err)
	}
	list := make([]story.Story, 0, len(found))
	seen := make(map[int64]bool, len(ids))
	for _, id := range ids {
		if seen[id] {
			continue
		}
		seen[id] = true
		if s, ok := found[id]; ok {
			list = append(list, s)
		} else {
			gone = append(gone, id)
		}
	}
	docs, skipped, err := docsFor(ctx, st, list, now)
	if err != nil {
		return nil, nil, err
	}
	return docs, append(gone, skipped...), nil
}
