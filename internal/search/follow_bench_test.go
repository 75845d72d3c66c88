//go:build unix

package search_test

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/qasid/qasid/internal/cputime"
	"github.com/qasid/qasid/internal/search"
	"github.com/qasid/qasid/internal/store"
	"github.com/qasid/qasid/internal/store/storetest"
	"github.com/qasid/qasid/internal/story"
)

// corpusDir finds shared/corpus by walking up from the working directory;
// "" when it is not there (the corpus is never part of the repository).
func corpusDir() string {
	dir, err := os.Getwd()
	if err != nil {
		return ""
	}
	for {
		p := filepath.Join(dir, "shared", "corpus")
		if st, err := os.Stat(p); err == nil && st.IsDir() {
			return p
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

// loadCorpus publishes up to perLang articles of each language of the
// real news corpus into db, each in a family of its own, and returns how
// many it published.
func loadCorpus(b *testing.B, db store.Store, perLang int) int {
	b.Helper()
	dir := corpusDir()
	if dir == "" {
		b.Skip("shared/corpus not found")
	}
	ctx := context.Background()
	at := time.Date(2025, 1, 1, 9, 0, 0, 0, time.UTC)
	n := 0
	for _, code := range []string{"en", "ur", "zh", "ar", "ru", "fr", "es"} {
		f, err := os.Open(filepath.Join(dir, code+".jsonl"))
		if err != nil {
			b.Skip(err)
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 1<<20), 4<<20)
		for i := 0; i < perLang && sc.Scan(); {
			var a struct{ Headline, Body string }
			if err := json.Unmarshal(sc.Bytes(), &a); err != nil || a.Headline == "" || len(a.Body) > story.MaxBody {
				continue
			}
			fam, err := db.CreateFamily(ctx, "")
			if err != nil {
				b.Fatal(err)
			}
			s := story.Story{FamilyID: fam, Lang: code, Headline: truncate(a.Headline, story.MaxHeadline), Body: a.Body,
				Section: "world", Status: story.StatusDraft}
			if err := db.CreateStory(ctx, &s); err != nil {
				continue // a headline or body the store refuses
			}
			if _, err := db.PublishStory(ctx, s.ID, store.Publish{At: at.Add(time.Duration(n) * time.Minute)}); err != nil {
				b.Fatal(err)
			}
			i++
			n++
		}
		f.Close()
	}
	return n
}

func truncate(s string, runes int) string {
	r := []rune(s)
	if len(r) > runes {
		return string(r[:runes])
	}
	return s
}

// BenchmarkReindexCorpus rebuilds an on-disk index from real articles in
// all seven languages (QASID_BENCH_PER_LANG of each, 300 by default).
func BenchmarkReindexCorpus(b *testing.B) {
	per := 300
	if v := os.Getenv("QASID_BENCH_PER_LANG"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			b.Fatalf("QASID_BENCH_PER_LANG=%q", v)
		}
		per = n
	}
	db := storetest.SQLite(b)
	stories := loadCorpus(b, db, per)
	ix, err := search.Open(filepath.Join(b.TempDir(), "search"))
	if err != nil {
		b.Fatal(err)
	}
	defer ix.Close()
	f, err := search.NewFollower(search.FollowerOptions{Store: db, Index: ix})
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	start, cpu := time.Now(), cputime.Process()
	for b.Loop() {
		if _, err := f.Reindex(context.Background(), nil); err != nil {
			b.Fatal(err)
		}
	}
	// On a shared machine the wall clock says more about the neighbours
	// than about the code: the CPU time the process spent is reported too.
	b.ReportMetric(float64(stories*b.N)/time.Since(start).Seconds(), "stories/s")
	b.ReportMetric(float64(stories*b.N)/(cputime.Process()-cpu).Seconds(), "stories/cpu-s")
	b.ReportMetric(float64(stories), "stories")
}

// BenchmarkFollowBatch applies a batch of edits to stories already in the
// index: the follower's steady state.
func BenchmarkFollowBatch(b *testing.B) {
	db := storetest.SQLite(b)
	stories := loadCorpus(b, db, 50)
	ix, err := search.OpenMemory()
	if err != nil {
		b.Fatal(err)
	}
	defer ix.Close()
	f, err := search.NewFollower(search.FollowerOptions{Store: db, Index: ix})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	if _, err := f.FollowOnce(ctx); err != nil {
		b.Fatal(err)
	}
	list, err := db.DeskStories(ctx, store.DeskQuery{Limit: 200})
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	rebuilt := 0
	var spent time.Duration
	for b.Loop() {
		b.StopTimer()
		for _, s := range list[:min(len(list), 100)] {
			s.Summary = "Edited at " + time.Now().String()
			if err := db.UpdateStory(ctx, &s); err != nil {
				b.Fatal(err)
			}
		}
		b.StartTimer()
		start := time.Now()
		n, err := f.FollowOnce(ctx)
		if err != nil {
			b.Fatal(err)
		}
		spent += time.Since(start)
		rebuilt += n
	}
	b.ReportMetric(float64(rebuilt)/spent.Seconds(), "stories/s")
	b.ReportMetric(float64(stories), "stories")
}
