package site

import (
	"context"
	"fmt"

	"github.com/qasid/qasid/internal/lang"
	"github.com/qasid/qasid/internal/render"
	"github.com/qasid/qasid/internal/store"
)

// PublicPaths lists every address of the public site that readers may ask
// for without a query: the homes, every page of every section, every
// public story, the feeds, the sitemaps, robots.txt and the assets. The
// static bake writes one file per path. The root is left out: it sends
// each reader to their own language, which a static server must be told
// to do itself.
func (s *Site) PublicPaths(ctx context.Context) ([]string, error) {
	now := s.now()
	secs, err := s.store.Sections(ctx)
	if err != nil {
		return nil, fmt.Errorf("site: public paths: %w", err)
	}
	paths := []string{"/robots.txt", "/sitemap.xml", "/sitemaps/news.xml"}
	paths = append(paths, s.assets.URLs()...)
	for _, l := range lang.All() {
		paths = append(paths, "/"+l.Code+"/", "/feeds/"+l.Code+".rss", "/feeds/"+l.Code+".atom")
		n, err := s.countPublished(ctx, store.ListQuery{Now: now, Lang: l.Code})
		if err != nil {
			return nil, fmt.Errorf("site: public paths: %w", err)
		}
		for page := 1; page <= max(1, (n+s.sitemapSize-1)/s.sitemapSize); page++ {
			paths = append(paths, sitemapPath(l.Code, page))
		}
		for _, sec := range secs {
			paths = append(paths, "/feeds/"+l.Code+"/"+sec.Key+".rss", "/feeds/"+l.Code+"/"+sec.Key+".atom")
			n, err := s.countPublished(ctx, store.ListQuery{Now: now, Lang: l.Code, Section: sec.Key})
			if err != nil {
				return nil, fmt.Errorf("site: public paths: %w", err)
			}
			for page := 1; page <= max(1, (n+sectionPerPage-1)/sectionPerPage); page++ {
				paths = append(paths, sectionPath(l.Code, sec.Key, page))
			}
		}
		list, err := s.store.PublishedStories(ctx, store.ListQuery{Now: now, Lang: l.Code, All: true, NoBody: true})
		if err != nil {
			return nil, fmt.Errorf("site: public paths: %w", err)
		}
		for _, st := range list {
			paths = append(paths, render.StoryPath(st))
		}
	}
	return paths, nil
}
