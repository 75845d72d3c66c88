package site

import (
	"context"
	"fmt"
	"github.com/qasid/qasid/internal/render"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/qasid/qasid/internal/feed"
	"github.com/qasid/qasid/internal/lang"
	"github.com/qasid/qasid/internal/store"
	"github.com/qasid/qasid/internal/story"
	"github.com/qasid/qasid/internal/web"
)

// Sitemaps: /sitemap.xml is an index of /sitemaps/{lang}.xml (then
// /sitemaps/{lang}-2.xml, -3, ... when a language has more stories than
// one file holds) and of /sitemaps/news.xml, the Google News sitemap.
//
// A file holds sitemapSize stories, far below the protocol's 50,000: each
// story lists up to eight hreflang alternates whose percent-encoded
// Unicode slugs run to hundreds of bytes, so 50,000 of them would pass the
// 50 MB limit, and a smaller file is also fewer store queries per request.
const sitemapSize = 5_000

const contentTypeXML = "application/xml; charset=utf-8"

// sitemapIndex serves GET /sitemap.xml. It lists only sitemaps that have
// URLs, because a <urlset> without any is not valid.
func (s *Site) sitemapIndex(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	now := s.now()
	var maps []feed.Sitemap
	for _, l := range lang.All() {
		n, err := s.countPublished(ctx, store.ListQuery{Now: now, Lang: l.Code})
		if err != nil {
			return err
		}
		for page := 1; page <= (n+s.sitemapSize-1)/s.sitemapSize; page++ {
			maps = append(maps, feed.Sitemap{Loc: s.baseURL + sitemapPath(l.Code, page)})
		}
	}
	recent, err := s.store.PublishedStories(ctx, store.ListQuery{Now: now, Limit: 1, NoBody: true})
	if err != nil {
		return err
	}
	if len(recent) > 0 && recent[0].PublishedAt.After(now.Add(-feed.NewsWindow)) {
		maps = append(maps, feed.Sitemap{Loc: s.baseURL + "/sitemaps/news.xml"})
	}
	body, err := feed.EncodeIndex(maps)
	if err != nil {
		return fmt.Errorf("site: sitemap index: %w", err)
	}
	modified, err := s.lastModified(ctx, time.Time{}, now)
	if err != nil {
		return err
	}
	serveXML(w, r, contentTypeXML, body, modified)
	return nil
}

// sitemapPath is where a language's sitemap page lives; page 1 has no number.
func sitemapPath(code string, page int) string {
	if page == 1 {
		return "/sitemaps/" + code + ".xml"
	}
	return "/sitemaps/" + code + "-" + strconv.Itoa(page) + ".xml"
}

// sitemap serves GET /sitemaps/{file}: news.xml, or a language's page.
func (s *Site) sitemap(w http.ResponseWriter, r *http.Request) error {
	name, ok := strings.CutSuffix(r.PathValue("file"), ".xml")
	if !ok {
		return web.NotFound(fmt.Errorf("no sitemap %q", r.URL.Path))
	}
	var (
		urls []feed.URL
		err  error
	)
	if name == "news" {
		urls, err = s.newsURLs(r.Context())
	} else {
		code, page, err2 := parseSitemapName(name)
		if err2 != nil {
			return err2
		}
		urls, err = s.languageURLs(r.Context(), code, page)
	}
	if err != nil {
		return err
	}
	body, err := feed.Encode(urls)
	if err != nil {
		return fmt.Errorf("site: sitemap %s: %w", r.URL.Path, err)
	}
	var newest time.Time
	for _, u := range urls {
		newest = maxTime(newest, u.LastMod)
	}
	modified, err := s.lastModified(r.Context(), newest, s.now())
	if err != nil {
		return err
	}
	serveXML(w, r, contentTypeXML, body, modified)
	return nil
}

// parseSitemapName reads "en" or "en-2". Page 1 has one name only, "en":
// "en-1" and "en-02" are not found, so no page has two addresses.
func parseSitemapName(name string) (code string, page int, err error) {
	code, num, paged := strings.Cut(name, "-")
	if _, ok := lang.Get(code); !ok {
		return "", 0, web.NotFound(fmt.Errorf("no sitemap for language %q", code))
	}
	if !paged {
		return code, 1, nil
	}
	page, err = strconv.Atoi(num)
	if err != nil || page < 2 || strconv.Itoa(page) != num || page > 1_000_000 {
		return "", 0, web.NotFound(fmt.Errorf("no sitemap page %q", num))
	}
	return code, page, nil
}

// languageURLs lists one page of a language's public stories, newest
// first, each with its family's hreflang alternates. A page past the last
// is not found; the first always exists, if empty.
func (s *Site) languageURLs(ctx context.Context, code string, page int) ([]feed.URL, error) {
	now := s.now()
	offset := (page - 1) * s.sitemapSize
	var urls []feed.URL
	for len(urls) < s.sitemapSize {
		want := min(200, s.sitemapSize-len(urls)) // the store pages at 200 at most
		list, err := s.store.PublishedStories(ctx, store.ListQuery{Now: now, Lang: code, Limit: want, Offset: offset + len(urls), NoBody: true})
		if err != nil {
			return nil, err
		}
		// The families of the whole batch in one read, not one per story.
		fams := make([]int64, len(list))
		for i, st := range list {
			fams[i] = st.FamilyID
		}
		families, err := s.store.PublicFamilies(ctx, fams, now)
		if err != nil {
			return nil, err
		}
		for _, st := range list {
			u, err := s.storyURL(ctx, st, families[st.FamilyID])
			if err != nil {
				return nil, err
			}
			urls = append(urls, u)
		}
		if len(list) < want {
			break
		}
	}
	if len(urls) == 0 && page > 1 {
		return nil, web.NotFound(fmt.Errorf("sitemap %s page %d is past the end", code, page))
	}
	return urls, nil
}

// storyURL is a story's sitemap entry with the alternates of its family's
// public members.
func (s *Site) storyURL(ctx context.Context, st story.Story, family []story.Story) (feed.URL, error) {
	mod, err := s.modified(ctx, st)
	if err != nil {
		return feed.URL{}, err
	}
	return feed.URL{Loc: s.baseURL + escapePath(render.StoryPath(st)), LastMod: mod, Alternates: s.familyLinks(family)}, nil
}

// newsURLs lists the stories first published in the last two days, newest
// first, at most 1,000, for Google News.
func (s *Site) newsURLs(ctx context.Context) ([]feed.URL, error) {
	src, err := s.source(ctx)
	if err != nil {
		return nil, err
	}
	a := src.agency
	now := s.now()
	since := now.Add(-feed.NewsWindow)
	var urls []feed.URL
	for offset := 0; len(urls) < feed.MaxNewsURLs; offset += 200 {
		list, err := s.store.PublishedStories(ctx, store.ListQuery{Now: now, Limit: 200, Offset: offset, NoBody: true})
		if err != nil {
			return nil, err
		}
		for _, st := range list {
			if !st.PublishedAt.After(since) || len(urls) == feed.MaxNewsURLs {
				return urls, nil // newest first: the rest are older
			}
			l, _ := lang.Get(st.Lang)
			mod, err := s.modified(ctx, st)
			if err != nil {
				return nil, err
			}
			urls = append(urls, feed.URL{Loc: s.baseURL + escapePath(render.StoryPath(st)), LastMod: mod,
				News: &feed.News{Name: agencyName(a, l.Code), Language: l.NewsLang, Published: st.PublishedAt, Title: st.Headline}})
		}
		if len(list) < 200 {
			break
		}
	}
	return urls, nil
}

// familyLinks are the hreflang alternates of every public member of a
// family, in the languages' order, and x-default for the original. Every
// member gets the same set, so the links are reciprocal by construction.
func (s *Site) familyLinks(family []story.Story) []feed.Alternate {
	if len(family) == 0 {
		return nil
	}
	var out []feed.Alternate
	for _, l := range lang.All() {
		for _, m := range family {
			if m.Lang == l.Code {
				out = append(out, feed.Alternate{Hreflang: l.Tag, Href: s.baseURL + escapePath(render.StoryPath(m))})
			}
		}
	}
	return append(out, feed.Alternate{Hreflang: "x-default", Href: s.baseURL + escapePath(render.StoryPath(familyDefault(family)))})
}

// familyDefault is the member x-default points at: the original (the one
// not translated from another) when it is public, else the earliest member.
func familyDefault(family []story.Story) story.Story {
	best := family[0]
	for _, m := range family[1:] {
		switch {
		case m.TranslatedFromID == 0 && best.TranslatedFromID != 0:
			best = m
		case (m.TranslatedFromID == 0) == (best.TranslatedFromID == 0) && m.ID < best.ID:
			best = m
		}
	}
	return best
}
