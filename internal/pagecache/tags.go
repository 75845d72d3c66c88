package pagecache

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/qasid/qasid/internal/lang"
	"github.com/qasid/qasid/internal/store"
	"github.com/qasid/qasid/internal/story"
)

// Tags says whether the page at path (with its raw query) may be cached
// and which tags name what it shows. It follows the site's URL scheme
// (internal/site, render.StoryPath):
//
//	/{lang}/                       home:{lang}
//	/{lang}/{section}/             section:{lang}:{section}
//	/{lang}/{section}/page/{n}/    section:{lang}:{section}
//	/{lang}/{section}/{id}-{slug}  story:{id}
//	/feeds/{lang}.rss|.atom        feed:{lang}
//	/feeds/{lang}/{section}.rss…   feed:{lang}:{section}
//	/sitemap.xml                   sitemap
//	/sitemaps/{lang}[-N].xml       sitemap:{lang}
//	/sitemaps/news.xml             sitemap:news
//
// Everything else (the root, which depends on the reader's language;
// search; the desk; the wire; media; assets, which are immutable anyway) is
// not cached, nor is any address with a query: no public page has one, so
// a crawler cannot fill the cache with made-up addresses.
func Tags(path, rawQuery string) ([]string, bool) {
	if rawQuery != "" {
		return nil, false
	}
	switch {
	case path == "/sitemap.xml":
		return []string{"sitemap"}, true
	case strings.HasPrefix(path, "/sitemaps/"):
		name, ok := strings.CutSuffix(strings.TrimPrefix(path, "/sitemaps/"), ".xml")
		if !ok {
			return nil, false
		}
		if name == "news" {
			return []string{"sitemap:news"}, true
		}
		code, _, _ := strings.Cut(name, "-")
		if _, ok := lang.Get(code); !ok {
			return nil, false
		}
		return []string{"sitemap:" + code}, true
	case strings.HasPrefix(path, "/feeds/"):
		rest := strings.TrimPrefix(path, "/feeds/")
		code, file, nested := strings.Cut(rest, "/")
		if !nested {
			file, code = rest, ""
		}
		base, ok := strings.CutSuffix(file, ".rss")
		if !ok {
			if base, ok = strings.CutSuffix(file, ".atom"); !ok {
				return nil, false
			}
		}
		if !nested {
			if _, ok := lang.Get(base); !ok {
				return nil, false
			}
			return []string{"feed:" + base}, true
		}
		if _, ok := lang.Get(code); !ok || base == "" {
			return nil, false
		}
		return []string{"feed:" + code + ":" + base}, true
	}
	parts := strings.Split(strings.TrimPrefix(path, "/"), "/")
	if len(parts) < 2 {
		return nil, false
	}
	if _, ok := lang.Get(parts[0]); !ok {
		return nil, false
	}
	switch {
	case len(parts) == 2 && parts[1] == "": // /{lang}/
		return []string{"home:" + parts[0]}, true
	case len(parts) == 3 && parts[2] == "" && parts[1] != "" && parts[1] != "search": // /{lang}/{section}/
		return []string{"section:" + parts[0] + ":" + parts[1]}, true
	case len(parts) == 5 && parts[2] == "page" && parts[4] == "" && parts[1] != "search": // /{lang}/{section}/page/{n}/
		if n, err := strconv.Atoi(parts[3]); err != nil || n < 2 || strconv.Itoa(n) != parts[3] {
			return nil, false
		}
		return []string{"section:" + parts[0] + ":" + parts[1]}, true
	case len(parts) == 3 && parts[2] != "": // /{lang}/{section}/{id}-{slug}
		idText, _, _ := strings.Cut(parts[2], "-")
		id, err := strconv.ParseInt(idText, 10, 64)
		if err != nil || id < 1 {
			return nil, false
		}
		return []string{"story:" + strconv.FormatInt(id, 10)}, true
	}
	return nil, false
}

// ChangeTags are the tags a change of the log makes stale: the pages of
// every member of the story's family (each links to the others by
// headline) and every page that printed the family in an "Also Read" line
// (family:{id}, recorded while rendering); the feeds of the story's
// language and section; the sitemaps of every member's language (they
// carry reciprocal hreflang links); and the home and section pages (the
// sections of every member, and the story's section before a correction
// that moved it) in every language, because each language's pages list "from other
// languages" the stories not yet translated into it. An edit of a working
// copy changes nothing a reader sees.
func ChangeTags(ctx context.Context, st store.Store, ch story.Change) ([]string, error) {
	switch ch.Kind {
	case story.ChangeEdit:
		return nil, nil
	case story.ChangeRelated, story.ChangeAudio: // the story's own page shows the list, or plays the recording
		return []string{"story:" + strconv.FormatInt(ch.StoryID, 10)}, nil
	}
	members, err := st.Family(ctx, ch.FamilyID)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("pagecache: change %d: %w", ch.Seq, err)
	}
	tags := []string{"story:" + strconv.FormatInt(ch.StoryID, 10), "family:" + strconv.FormatInt(ch.FamilyID, 10),
		"feed:" + ch.Lang, "sitemap", "sitemap:" + ch.Lang, "sitemap:news"}
	for _, code := range lang.Codes() {
		tags = append(tags, "home:"+code)
	}
	sections := map[string]bool{}
	for _, m := range members {
		tags = append(tags, "story:"+strconv.FormatInt(m.ID, 10), "sitemap:"+m.Lang)
		// A member's section pages list the family "from other
		// languages" where it has no member: their lists change too.
		sections[m.Section] = true
	}
	// The sections the reader saw the story in: those of this version and
	// the one before it.
	for v := ch.Version; v >= max(1, ch.Version-1); v-- {
		ver, err := st.StoryVersion(ctx, ch.StoryID, v)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("pagecache: change %d: %w", ch.Seq, err)
		}
		sections[ver.Section] = true
	}
	for s := range sections {
		if s == "" {
			continue
		}
		tags = append(tags, "feed:"+ch.Lang+":"+s)
		for _, code := range lang.Codes() {
			tags = append(tags, "section:"+code+":"+s)
		}
	}
	return tags, nil
}

// Follow keeps the cache true to the change log from the position it is
// at when called (the cache starts empty, so nothing before matters),
// waking whenever the log grows on any node and at least every interval.
// A change whose tags cannot be read empties the whole cache: correct, if
// slower, rather than risk a stale page.
func (c *Cache) Follow(ctx context.Context, st store.Store, every time.Duration, log *slog.Logger) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if every <= 0 {
		every = 5 * time.Second
	}
	seq, err := st.LastSeq(ctx)
	if err != nil {
		log.ErrorContext(ctx, "pagecache: follow: start", "err", err)
	}
	c.Purge() // pages rendered before the position was read may be stale
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		changed := st.Changed()
		seq = c.FollowOnce(ctx, st, seq, log)
		select {
		case <-ctx.Done():
			return
		case <-changed:
		case <-t.C:
		}
	}
}

// FollowOnce applies the changes after seq and returns the new position.
func (c *Cache) FollowOnce(ctx context.Context, st store.Store, seq int64, log *slog.Logger) int64 {
	for {
		chs, err := st.Changes(ctx, seq, 500)
		if err != nil {
			if ctx.Err() == nil {
				log.ErrorContext(ctx, "pagecache: follow", "err", err)
				c.Purge()
			}
			return seq
		}
		if len(chs) == 0 {
			return seq
		}
		for _, ch := range chs {
			tags, err := ChangeTags(ctx, st, ch)
			if err != nil {
				log.WarnContext(ctx, "pagecache: follow: emptying the cache", "seq", ch.Seq, "err", err)
				c.Purge()
				continue
			}
			if len(tags) > 0 {
				c.Invalidate(tags...)
			}
		}
		seq = chs[len(chs)-1].Seq
	}
}
