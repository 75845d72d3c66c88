package site

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"github.com/qasid/qasid/internal/render"
	"net/http"
	"strings"
	"time"

	"github.com/qasid/qasid/internal/feed"
	"github.com/qasid/qasid/internal/lang"
	"github.com/qasid/qasid/internal/store"
	"github.com/qasid/qasid/internal/story"
	"github.com/qasid/qasid/internal/web"
)

// Feeds live under /feeds/: /feeds/{lang}.rss and .atom for a language,
// /feeds/{lang}/{section}.rss and .atom for one of its sections. Beside the
// pages (/en/feed.rss) they would share the page routes' shapes:
// "/{lang}/feed.rss" collides in the mux with "/lang/{code}" and
// "/assets/{file}", and "/{lang}/{section}/feed.rss" would sit inside the
// story route, the kind of overlap that breaks when a route is added. A
// prefix of their own, like /sitemaps/, keeps every route plain.

// feedItems is how many stories a feed carries.
const feedItems = 50

// feedFormat gives the encoder and media type for a feed file's extension.
func feedFormat(ext string) (encode func(feed.Feed) ([]byte, error), contentType string, ok bool) {
	switch ext {
	case "rss":
		return feed.RSS, "application/rss+xml; charset=utf-8", true
	case "atom":
		return feed.Atom, "application/atom+xml; charset=utf-8", true
	}
	return nil, "", false
}

// languageFeed serves GET /feeds/{file}, file being "en.rss" or "en.atom".
func (s *Site) languageFeed(w http.ResponseWriter, r *http.Request) error {
	code, ext, _ := strings.Cut(r.PathValue("file"), ".")
	return s.serveFeed(w, r, code, "", ext)
}

// sectionFeed serves GET /feeds/{lang}/{file}, file being "world.rss".
func (s *Site) sectionFeed(w http.ResponseWriter, r *http.Request) error {
	section, ext, _ := strings.Cut(r.PathValue("file"), ".")
	return s.serveFeed(w, r, r.PathValue("lang"), section, ext)
}

func (s *Site) serveFeed(w http.ResponseWriter, r *http.Request, code, section, ext string) error {
	l, ok := lang.Get(code)
	encode, contentType, known := feedFormat(ext)
	if !ok || !known {
		return web.NotFound(fmt.Errorf("no feed %q", r.URL.Path))
	}
	f, modified, err := s.buildFeed(r.Context(), l, section, ext)
	if err != nil {
		return err
	}
	body, err := encode(f)
	if err != nil {
		return fmt.Errorf("site: feed %s: %w", r.URL.Path, err)
	}
	serveXML(w, r, contentType, body, modified)
	return nil
}

// buildFeed gathers a feed's latest public stories; modified is the time
// for Last-Modified (see lastModified).
func (s *Site) buildFeed(ctx context.Context, l lang.Language, section, ext string) (feed.Feed, time.Time, error) {
	src, err := s.source(ctx)
	if err != nil {
		return feed.Feed{}, time.Time{}, err
	}
	a, secs := src.agency, src.sections
	name := agencyName(a, l.Code)
	f := feed.Feed{Title: name, Description: a.Text[l.Code].Tagline, Lang: l, Author: name,
		SiteURL: s.baseURL + "/" + l.Code + "/", SelfURL: s.baseURL + "/feeds/" + l.Code + "." + ext}
	if section != "" {
		sec, ok := findSection(secs, section)
		if !ok {
			return feed.Feed{}, time.Time{}, web.NotFound(fmt.Errorf("no section %q", section))
		}
		f.Title = sectionName(sec, l.Code) + " – " + name
		f.SiteURL += section + "/"
		f.SelfURL = s.baseURL + "/feeds/" + l.Code + "/" + section + "." + ext
	}
	now := s.now()
	list, err := s.store.PublishedStories(ctx, store.ListQuery{Now: now, Lang: l.Code, Section: section, Limit: feedItems})
	if err != nil {
		return feed.Feed{}, time.Time{}, err
	}
	zone, credit := src.zone, a.Text[l.Code].Credit
	photos, err := s.leadFigures(ctx, list) // media.go: each story's lead photo, for its enclosure
	if err != nil {
		return feed.Feed{}, time.Time{}, err
	}
	var shown time.Time // when the newest change to this list became visible
	for _, st := range list {
		mod, err := s.modified(ctx, st)
		if err != nil {
			return feed.Feed{}, time.Time{}, err
		}
		it := feed.Item{URL: s.baseURL + escapePath(render.StoryPath(st)), Title: st.Headline, Summary: st.Summary,
			Dateline: datelineText(l, st, credit, zone, now), Author: st.Byline,
			Published: st.PublishedAt, Updated: mod}
		if sec, ok := findSection(secs, st.Section); ok {
			it.Category = sectionName(sec, l.Code)
		}
		if fig := photos[st.ID]; fig != nil { // media.go
			it.Enclosure = &feed.Enclosure{URL: fig.URL, Length: fig.URLBytes, Type: fig.URLType}
		}
		f.Items = append(f.Items, it)
		shown = maxTime(shown, mod, st.EmbargoUntil)
	}
	f.Updated = feed.Newest(f.Items)
	modified, err := s.lastModified(ctx, shown, now)
	return f, modified, err
}

// modified is when a public story last changed for readers: its latest
// version's publication. The list queries give the first publication only,
// so a corrected story costs one more query.
func (s *Site) modified(ctx context.Context, st story.Story) (time.Time, error) {
	if st.Version <= 1 {
		return st.PublishedAt, nil
	}
	vs, err := s.store.StoryVersions(ctx, st.ID)
	if err != nil {
		return time.Time{}, fmt.Errorf("site: versions of %d: %w", st.ID, err)
	}
	if len(vs) == 0 {
		return st.PublishedAt, nil
	}
	return maxTime(st.PublishedAt, vs[len(vs)-1].PublishedAt), nil
}

// lastModified is the Last-Modified of a generated document: the newest of
// its own items and of the change log's last entry. The items alone would
// miss what removes an item (a kill) or brings back an older one (an
// embargo lifted), and a client that sends only If-Modified-Since would be
// told "not modified" wrongly; the ETag, a hash of the document, is exact.
func (s *Site) lastModified(ctx context.Context, items, now time.Time) (time.Time, error) {
	seq, err := s.store.LastSeq(ctx)
	if err != nil {
		return time.Time{}, err
	}
	var logged time.Time
	if seq > 0 {
		ch, err := s.store.Changes(ctx, seq-1, 1)
		if err != nil {
			return time.Time{}, err
		}
		if len(ch) > 0 {
			logged = ch[0].At
		}
	}
	t := maxTime(items, logged)
	if t.After(now) { // an entry stamped ahead (a scheduled time) must not date the document in the future
		t = now
	}
	return t, nil
}

// serveXML sends a generated document with an ETag (a hash of its bytes)
// and Last-Modified, answering conditional requests with 304 through
// http.ServeContent, which gives If-None-Match precedence over
// If-Modified-Since as RFC 9110 asks.
func serveXML(w http.ResponseWriter, r *http.Request, contentType string, body []byte, modified time.Time) {
	sum := sha256.Sum256(body)
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("ETag", `"`+hex.EncodeToString(sum[:16])+`"`)
	h.Set("Cache-Control", "public, max-age=300")
	h.Set("X-Content-Type-Options", "nosniff")
	http.ServeContent(w, r, "", modified, bytes.NewReader(body))
}

// agencyName is the agency's name in a language, else in English, so that
// a half-translated setup still names a publisher.
func agencyName(a story.Agency, code string) string {
	if n := a.Text[code].Name; n != "" {
		return n
	}
	if n := a.Text["en"].Name; n != "" {
		return n
	}
	return "Qasid"
}

func maxTime(ts ...time.Time) time.Time {
	var m time.Time
	for _, t := range ts {
		if t.After(m) {
			m = t
		}
	}
	return m
}
