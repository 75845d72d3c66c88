package wire_test

import (
	"context"
	"fmt"
	"net/url"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/qasid/qasid/internal/store"
	"github.com/qasid/qasid/internal/store/storetest"
	"github.com/qasid/qasid/internal/story"
	"github.com/qasid/qasid/internal/wire"
)

// TestCursorUnderConcurrentPublishing follows the cursor with a small page
// while several editors publish, correct and kill through the newsroom,
// and checks that the consumer saw every version of every item exactly
// once: no gaps, no duplicates.
func TestCursorUnderConcurrentPublishing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		e := newEnv(t, db, envOptions{rate: 1e6, burst: 1e6})
		e.editor(t)
		_, key := e.subscriber(t, wire.NewSubscriber{Name: "Everything"})

		const publishers, storiesEach = 4, 6
		var (
			mu        sync.Mutex
			published = map[string]bool{} // uri + " v" + version
			done      atomic.Bool
			wg        sync.WaitGroup
		)
		record := func(st story.Story) {
			mu.Lock()
			defer mu.Unlock()
			published[fmt.Sprintf("%s/wire/v1/items/%d v%d", baseURL, st.ID, st.Version)] = true
		}
		// What the demo published before the consumer starts counts too.
		before, err := db.Changes(ctx, 0, 1000)
		if err != nil {
			t.Fatal(err)
		}
		for _, ch := range before {
			if ch.Kind == story.ChangePublish || ch.Kind == story.ChangeCorrect || ch.Kind == story.ChangeKill {
				record(story.Story{ID: ch.StoryID, Version: ch.Version})
			}
		}
		langs := []string{"en", "ur", "zh", "ar"}
		for p := range publishers {
			wg.Go(func() {
				for i := range storiesEach {
					st := newStory(0, langs[p], "world", fmt.Sprintf("Story %d of editor %d", i, p))
					st.Body = "A body."
					if err := e.news.Create(ctx, e.ed, &st); err != nil {
						t.Error(err)
						return
					}
					got, err := e.news.Publish(ctx, e.ed, st.ID, zeroTime)
					if err != nil {
						t.Error(err)
						return
					}
					record(got)
					if i%2 == 0 {
						if got, err = e.news.Correct(ctx, e.ed, st.ID, "A correction."); err != nil {
							t.Error(err)
							return
						}
						record(got)
					}
					if i%3 == 0 {
						if got, err = e.news.Kill(ctx, e.ed, st.ID, "Withdrawn."); err != nil {
							t.Error(err)
							return
						}
						record(got)
					}
				}
			})
		}
		go func() { wg.Wait(); done.Store(true) }()

		seen := map[string]int{}
		next := ""
		for pages := 0; ; pages++ {
			if pages > 10000 {
				t.Fatal("the consumer never caught up")
			}
			// Read done before the page: a page that ends the log after
			// every publisher finished has seen everything.
			finished := done.Load()
			p := decodePage(t, e.get(t, key, "/wire/v1/items?limit=3&since="+url.QueryEscape(next)))
			for _, it := range p.Items {
				seen[it.URI+" v"+it.Version]++
			}
			next = p.Next
			if finished && !p.More {
				break
			}
		}
		wg.Wait()
		for k, n := range seen {
			if n != 1 {
				t.Errorf("%s seen %d times", k, n)
			}
			if !published[k] {
				t.Errorf("%s seen but never published", k)
			}
		}
		for k := range published {
			if seen[k] == 0 {
				t.Errorf("%s published but never seen", k)
			}
		}
		if len(published) < 84+publishers*storiesEach {
			t.Errorf("only %d versions published", len(published))
		}
	})
}
