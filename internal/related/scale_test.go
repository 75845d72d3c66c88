package related_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/qasid/qasid/internal/cputime"
	"github.com/qasid/qasid/internal/lang"
	"github.com/qasid/qasid/internal/related"
	"github.com/qasid/qasid/internal/site/sitetest"
	"github.com/qasid/qasid/internal/store"
	"github.com/qasid/qasid/internal/story"
)

// TestRelatedScale measures For on a real data folder (a SQLite store and
// its search index, as `qasid serve` keeps them), one story at a time, as
// a story page that is not cached yet asks for it. It asserts nothing
// about speed and runs only when asked:
//
//	QASID_BENCH_DATA=/path/to/data go test -run TestRelatedScale -v -timeout 30m ./internal/related
//
// The folder is opened for writing: the store migrates it, and Open
// empties an index of another mapping version (rebuild it with `qasid
// reindex`). Give it a copy. QASID_BENCH_PER_LANG stories of each language
// are measured (50 by default), spread over the archive, after as many
// others have warmed the process up, as a running server is
// (QASID_BENCH_WARM sets how many of each language warm it up; 0 measures
// a server just started).
// QASID_BENCH_CPUPROFILE names a file for a CPU profile of the measured
// calls; QASID_BENCH_TOP_OUT one to write each measured story's list to;
// QASID_BENCH_TOP_BASE one written earlier (by another version of the
// code), to report how much of its lists the new ones keep.
func TestRelatedScale(t *testing.T) {
	dir := sitetest.DataDir(t)
	perLang := 50
	if v := os.Getenv("QASID_BENCH_PER_LANG"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 {
			t.Fatalf("QASID_BENCH_PER_LANG=%q", v)
		}
		perLang = n
	}
	ctx := context.Background()
	data := sitetest.Open(t, dir, true)
	db, ix := data.Store, data.Index
	now := time.Now()

	warmPerLang := perLang
	if v := os.Getenv("QASID_BENCH_WARM"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			t.Fatalf("QASID_BENCH_WARM=%q", v)
		}
		warmPerLang = n
	}
	warm, measured := scaleStories(t, db, perLang, warmPerLang, now)
	svc := related.New(related.Options{Store: db, Index: ix})
	for _, st := range warm {
		if _, err := svc.For(ctx, st, now); err != nil {
			t.Fatal(err)
		}
	}

	lat := map[string][]time.Duration{}
	var all, cpus []time.Duration
	// The calls run on one locked thread, so that each one's own CPU time
	// can be read: on a shared machine it says more than the wall time.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	tops := map[int64][]int64{}
	short := 0
	stopProfile := func() {}
	if path := os.Getenv("QASID_BENCH_CPUPROFILE"); path != "" {
		stopProfile = startProfile(t, path)
	}
	cpu0 := cputime.Process()
	for _, st := range measured {
		t0, c0 := time.Now(), cputime.Thread()
		list, err := svc.For(ctx, st, now)
		d, c := time.Since(t0), cputime.Thread()-c0
		if err != nil {
			t.Fatal(err)
		}
		lat[st.Lang] = append(lat[st.Lang], d)
		all = append(all, d)
		cpus = append(cpus, c)
		tops[st.ID] = storyIDs(list)
		if len(list) < related.Limit {
			short++
		}
	}
	cpu := cputime.Process() - cpu0
	stopProfile()
	n, _ := ix.Count()
	t.Logf("machine: %s, GOMAXPROCS %d, %s/%s; index of %d documents", runtime.Version(), runtime.GOMAXPROCS(0), runtime.GOOS, runtime.GOARCH, n)
	for _, l := range lang.Codes() {
		t.Logf("%-3s %s", l, percentiles(lat[l]))
	}
	t.Logf("ALL %s; %d of %d lists shorter than %d", percentiles(all), short, len(measured), related.Limit)
	t.Logf("CPU of the calling thread: %s; of the process: %.2f ms a story",
		percentiles(cpus), float64(cpu)/float64(time.Millisecond)/float64(len(measured)))

	if out := os.Getenv("QASID_BENCH_TOP_OUT"); out != "" {
		if err := writeTops(out, tops); err != nil {
			t.Fatal(err)
		}
	}
	if in := os.Getenv("QASID_BENCH_TOP_BASE"); in != "" {
		before, err := readTops(in)
		if err != nil {
			t.Fatal(err)
		}
		reportOverlap(t, before, tops, measured)
	}
}

// startProfile writes a CPU profile of the measured part alone (go test's
// -cpuprofile would mostly show the setup's listing queries).
func startProfile(t *testing.T, path string) (stop func()) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		t.Fatal(err)
	}
	return func() {
		pprof.StopCPUProfile()
		if err := f.Close(); err != nil {
			t.Error(err)
		}
	}
}

// scaleStories picks, in every language, perLang public stories to
// measure and warmPerLang others to warm up with, spread evenly over the
// archive from newest to oldest.
func scaleStories(t *testing.T, db store.Store, perLang, warmPerLang int, now time.Time) (warm, measured []story.Story) {
	t.Helper()
	ctx := context.Background()
	n := perLang + warmPerLang
	for _, l := range lang.Codes() {
		q := store.ListQuery{Now: now, Lang: l}
		total, err := db.CountPublished(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		if total < n {
			t.Fatalf("%s: %d public stories, fewer than the %d needed", l, total, n)
		}
		next := 0 // the next measured story, by its place among the n
		for i := range n {
			q.Offset, q.Limit = i*(total/n), 1
			list, err := db.PublishedStories(ctx, q)
			if err != nil || len(list) != 1 {
				t.Fatalf("%s story at %d: %v", l, q.Offset, err)
			}
			if i == next*n/perLang {
				measured = append(measured, list[0])
				next++
			} else {
				warm = append(warm, list[0])
			}
		}
	}
	return warm, measured
}

// reportOverlap logs what share of the lists written before the new lists
// keep, in all and by language.
func reportOverlap(t *testing.T, before, after map[int64][]int64, measured []story.Story) {
	t.Helper()
	kept, total := map[string]int{}, map[string]int{}
	same := 0
	for _, st := range measured {
		b, ok := before[st.ID]
		if !ok {
			continue
		}
		a := after[st.ID]
		if slices.Equal(a, b) {
			same++
		}
		total[st.Lang] += len(b)
		for _, id := range b {
			if slices.Contains(a, id) {
				kept[st.Lang]++
			}
		}
	}
	var k, n int
	var parts []string
	for _, l := range lang.Codes() {
		k, n = k+kept[l], n+total[l]
		if total[l] > 0 {
			parts = append(parts, fmt.Sprintf("%s %.0f%%", l, 100*float64(kept[l])/float64(total[l])))
		}
	}
	if n == 0 {
		t.Logf("overlap: no story in common with the base file")
		return
	}
	t.Logf("overlap with the base lists: %.1f%% of their stories kept (%s); %d lists identical",
		100*float64(k)/float64(n), strings.Join(parts, ", "), same)
}

// writeTops writes one line per story: its id, then its list.
func writeTops(path string, tops map[int64][]int64) error {
	ids := make([]int64, 0, len(tops))
	for id := range tops {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	var b strings.Builder
	for _, id := range ids {
		b.WriteString(strconv.FormatInt(id, 10))
		for _, o := range tops[id] {
			b.WriteString(" " + strconv.FormatInt(o, 10))
		}
		b.WriteByte('\n')
	}
	return os.WriteFile(path, []byte(b.String()), 0o644)
}

func readTops(path string) (map[int64][]int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	out := map[int64][]int64{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var nums []int64
		for _, w := range strings.Fields(sc.Text()) {
			n, err := strconv.ParseInt(w, 10, 64)
			if err != nil {
				return nil, fmt.Errorf("%s: %q: %w", path, sc.Text(), err)
			}
			nums = append(nums, n)
		}
		if len(nums) > 0 {
			out[nums[0]] = nums[1:]
		}
	}
	return out, sc.Err()
}

func percentiles(ds []time.Duration) string {
	if len(ds) == 0 {
		return "none"
	}
	s := slices.Clone(ds)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	at := func(p float64) time.Duration { return s[min(len(s)-1, int(p*float64(len(s))))] }
	return fmt.Sprintf("n=%4d  p50 %6.2f ms  p95 %6.2f ms  p99 %6.2f ms  max %6.2f ms", len(s),
		ms(at(0.50)), ms(at(0.95)), ms(at(0.99)), ms(s[len(s)-1]))
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
