package store

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/qasid/qasid/internal/story"
)

func audioContract() []contractTest {
	return []contractTest{
		{"audio: enqueue once, with the follower", testEnqueueAudio},
		{"audio: only stories first published since the rule's time", testEnqueueAudioRecent},
		{"audio: newer versions and kills supersede", testAudioSupersede},
		{"audio: claim and lease", testClaimAudio},
		{"audio: outcomes", testAudioOutcomes},
		{"audio: requeue", testRequeueAudio},
		{"audio: concurrent claims take each once", testConcurrentAudioClaims},
	}
}

// published creates and publishes an English story, then corrects it
// until it has the given number of versions.
func published(t *testing.T, db *DB, versions int) story.Story {
	t.Helper()
	st := publish(t, db, draft(t, db, family(t, db), "en").ID, at(0))
	for v := 2; v <= versions; v++ {
		st = publish(t, db, st.ID, at(v))
	}
	return st
}

func enqueueAudio(t *testing.T, db *DB, seq int64, jobs ...AudioJob) int {
	t.Helper()
	n, err := db.EnqueueAudio(t.Context(), "audio", seq, jobs)
	if err != nil {
		t.Fatalf("enqueue audio: %v", err)
	}
	return n
}

func claimAudio(t *testing.T, db *DB, owner string, now time.Time, limit int) []Audio {
	t.Helper()
	as, err := db.ClaimAudio(t.Context(), owner, now, time.Minute, limit)
	if err != nil {
		t.Fatalf("claim audio at %v: %v", now, err)
	}
	return as
}

func audioState(t *testing.T, db *DB, storyID int64, version int) AudioState {
	t.Helper()
	a, err := db.Audio(t.Context(), storyID, version)
	if err != nil {
		t.Fatalf("audio of %d v%d: %v", storyID, version, err)
	}
	return a.State
}

func testEnqueueAudio(t *testing.T, db *DB, reopen func(t *testing.T) *DB) {
	ctx := t.Context()
	st := published(t, db, 1)
	if n := enqueueAudio(t, db, 5, AudioJob{StoryID: st.ID, Version: 1, At: at(1)}); n != 1 {
		t.Fatalf("enqueued %d, want 1", n)
	}
	// The same change again (a crash before the position moved, or a
	// second node): nothing new, the first row stays.
	if n := enqueueAudio(t, db, 4, AudioJob{StoryID: st.ID, Version: 1, At: at(9)}); n != 0 {
		t.Errorf("enqueued the same version again: %d", n)
	}
	if seq, _ := db.FollowerSeq(ctx, "audio"); seq != 5 {
		t.Errorf("follower at %d, want 5 (never back)", seq)
	}
	db2 := reopen(t)
	if db2 == nil {
		t.FailNow()
	}
	a, err := db2.Audio(ctx, st.ID, 1)
	if err != nil {
		t.Fatal(err)
	}
	if a.State != AudioQueued || a.Attempts != 0 || a.Tries != 0 || !a.NextAttemptAt.Equal(storeTime(at(1))) ||
		!a.CreatedAt.Equal(storeTime(at(1))) || a.HasFile() || !a.LeaseUntil.IsZero() || a.LeaseOwner != "" || !a.FinishedAt.IsZero() {
		t.Errorf("queued rendering %+v", a)
	}
	_, err = db.Audio(ctx, st.ID, 2)
	wantErr(t, "no rendering", err, ErrNotFound)

	// A bad job fails the whole batch: nothing queued, follower unmoved.
	other := published(t, db, 1)
	for name, j := range map[string]AudioJob{
		"no story":   {Version: 1, At: at(1)},
		"no version": {StoryID: other.ID, At: at(1)},
		"no time":    {StoryID: other.ID, Version: 1},
	} {
		_, err := db.EnqueueAudio(ctx, "audio", 9, []AudioJob{{StoryID: other.ID, Version: 1, At: at(1)}, j})
		wantErr(t, name, err, story.ErrInvalid)
	}
	for name, f := range map[string]string{"no follower": "", "long follower": strings.Repeat("f", maxFollowerName+1), "NUL": "a\x00"} {
		_, err := db.EnqueueAudio(ctx, f, 9, nil)
		wantErr(t, name, err, story.ErrInvalid)
	}
	if _, err := db.Audio(ctx, other.ID, 1); err == nil {
		t.Error("a refused batch queued a rendering")
	}
	if seq, _ := db.FollowerSeq(ctx, "audio"); seq != 5 {
		t.Errorf("a refused batch moved the follower to %d", seq)
	}
	// A version of no story breaks the reference and queues nothing.
	if _, err := db.EnqueueAudio(ctx, "audio", 9, []AudioJob{{StoryID: 999999, Version: 1, At: at(1)}}); err == nil {
		t.Error("queued a rendering of a story that does not exist")
	}
	// An empty batch still moves the follower: changes that concern no
	// rendering (embargo lifts, translation links) are passed over.
	if n, err := db.EnqueueAudio(ctx, "audio", 20, nil); err != nil || n != 0 {
		t.Errorf("empty batch: %d, %v", n, err)
	}
	if seq, _ := db.FollowerSeq(ctx, "audio"); seq != 20 {
		t.Errorf("follower at %d after an empty batch, want 20", seq)
	}
}

func testAudioSupersede(t *testing.T, db *DB, _ func(t *testing.T) *DB) {
	st := published(t, db, 4)
	enqueueAudio(t, db, 1, AudioJob{StoryID: st.ID, Version: 1, At: at(1)}, AudioJob{StoryID: st.ID, Version: 2, At: at(2)})
	// Version 2 is being rendered when version 3 comes.
	running := claimAudio(t, db, "w", at(3), 10)
	if len(running) != 1 || running[0].Version != 2 {
		t.Fatalf("claimed %+v, want version 2 alone (1 was superseded)", running)
	}
	enqueueAudio(t, db, 2, AudioJob{StoryID: st.ID, Version: 3, At: at(3)})
	for v, want := range map[int]AudioState{1: AudioSuperseded, 2: AudioRunning, 3: AudioQueued} {
		if got := audioState(t, db, st.ID, v); got != want {
			t.Errorf("version %d %s, want %s", v, got, want)
		}
	}
	// A correction queued before an older version's entry was read (two
	// nodes racing) does not supersede the newer one.
	enqueueAudio(t, db, 3, AudioJob{StoryID: st.ID, Version: 1, At: at(3)})
	if got := audioState(t, db, st.ID, 3); got != AudioQueued {
		t.Errorf("version 3 %s after an older entry, want queued", got)
	}
	// A kill supersedes what waits, not what runs or is done.
	enqueueAudio(t, db, 4, AudioJob{StoryID: st.ID, Withdraw: true, At: at(4)})
	for v, want := range map[int]AudioState{1: AudioSuperseded, 2: AudioRunning, 3: AudioSuperseded} {
		if got := audioState(t, db, st.ID, v); got != want {
			t.Errorf("after the kill version %d %s, want %s", v, got, want)
		}
	}
	if got := claimAudio(t, db, "w", at(3).Add(30*time.Second), 10); len(got) != 0 {
		t.Errorf("claimed %+v after the kill", got)
	}
	list, err := db.StoryAudio(t.Context(), st.ID)
	if err != nil || len(list) != 3 || list[0].Version != 3 || list[2].Version != 1 {
		t.Errorf("story audio %+v, %v; want versions 3, 2, 1", list, err)
	}
}

func testClaimAudio(t *testing.T, db *DB, _ func(t *testing.T) *DB) {
	ctx := t.Context()
	a, b, c := published(t, db, 1), published(t, db, 1), published(t, db, 1)
	enqueueAudio(t, db, 3, AudioJob{StoryID: b.ID, Version: 1, At: at(1)}, AudioJob{StoryID: a.ID, Version: 1, At: at(0)},
		AudioJob{StoryID: c.ID, Version: 1, At: at(10)})
	if got := claimAudio(t, db, "w1", at(0).Add(-time.Second), 10); len(got) != 0 {
		t.Errorf("claimed %+v before anything was due", got)
	}
	got := claimAudio(t, db, "w1", at(5), 10)
	if len(got) != 2 || got[0].StoryID != b.ID || got[1].StoryID != a.ID {
		t.Fatalf("claimed %+v at minute 5, want b then a, the most recently due first", got)
	}
	for _, r := range got {
		if r.State != AudioRunning || r.Attempts != 1 || r.Tries != 1 || r.LeaseOwner != "w1" ||
			!r.LeaseUntil.Equal(storeTime(at(6))) || !r.StartedAt.Equal(storeTime(at(5))) {
			t.Errorf("claimed %+v, want running for w1 until minute 6 on attempt 1", r)
		}
	}
	if again := claimAudio(t, db, "w2", at(5).Add(59*time.Second), 10); len(again) != 0 {
		t.Errorf("claimed %+v again under a live lease", again)
	}
	// w1 died: its leases run out and w2 takes the most recently due.
	one := claimAudio(t, db, "w2", at(7), 1)
	if len(one) != 1 || one[0].ID != got[0].ID || one[0].Attempts != 2 || one[0].LeaseOwner != "w2" {
		t.Fatalf("claim of one at minute 7: %+v, want b's rendering on attempt 2 for w2", one)
	}
	if fresh := claimAudio(t, db, "w2", at(10), 1); len(fresh) != 1 || fresh[0].StoryID != c.ID {
		t.Errorf("claim of one at minute 10: %+v, want c, due then, before a's older retry", fresh)
	}
	// The worker whose lease ran out cannot record over the new one.
	done := AudioResult{ID: got[0].ID, Attempt: 1, State: AudioDone, At: at(10), BlobKey: "audio/1/1.opus", MIME: "audio/ogg", Bytes: 10}
	wantErr(t, "record with a lost lease", db.RecordAudio(ctx, done), ErrConflict)
	done.Attempt = 2
	if err := db.RecordAudio(ctx, done); err != nil {
		t.Errorf("record by the lease holder: %v", err)
	}
	for name, f := range map[string]func() error{
		"no lease":  func() error { _, err := db.ClaimAudio(ctx, "w", at(10), 0, 1); return err },
		"no owner":  func() error { _, err := db.ClaimAudio(ctx, "", at(10), time.Minute, 1); return err },
		"NUL owner": func() error { _, err := db.ClaimAudio(ctx, "w\x00", at(10), time.Minute, 1); return err },
	} {
		wantErr(t, name, f(), story.ErrInvalid)
	}
}

func testAudioOutcomes(t *testing.T, db *DB, _ func(t *testing.T) *DB) {
	ctx := t.Context()
	tests := []struct {
		name      string
		result    AudioResult
		claimable time.Time // a claim then takes it again; zero for never
	}{
		{"done", AudioResult{State: AudioDone, BlobKey: "audio/9/1.opus", MIME: "audio/ogg; codecs=opus", Bytes: 12345,
			Duration: 158_250 * time.Millisecond, Provider: "espeak-ng"}, time.Time{}},
		{"retry", AudioResult{State: AudioQueued, NextAttemptAt: at(30), Error: "espeak-ng: exit status 1"}, at(30)},
		{"failed", AudioResult{State: AudioFailed, Error: "opusenc: killed"}, time.Time{}},
		{"unavailable", AudioResult{State: AudioUnavailable, Error: "espeak-ng is not installed"}, time.Time{}},
		{"superseded", AudioResult{State: AudioSuperseded}, time.Time{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st := published(t, db, 1)
			enqueueAudio(t, db, 1, AudioJob{StoryID: st.ID, Version: 1, At: at(0)})
			var claimed Audio
			for _, a := range claimAudio(t, db, "w", at(1), maxAudioClaim) {
				if a.StoryID == st.ID {
					claimed = a
				}
			}
			if claimed.ID == 0 {
				t.Fatal("not claimed")
			}
			r := tc.result
			r.ID, r.Attempt, r.At = claimed.ID, claimed.Attempts, at(2)
			before, err := db.LastSeq(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if err := db.RecordAudio(ctx, r); err != nil {
				t.Fatal(err)
			}
			// Only a recording that is done changes the page: one audio
			// change for the story's version, in the same transaction.
			chs, err := db.Changes(ctx, before, 10)
			if err != nil {
				t.Fatal(err)
			}
			wantChanges := 0
			if tc.name == "done" {
				wantChanges = 1
			}
			if len(chs) != wantChanges || (wantChanges == 1 && (chs[0].Kind != story.ChangeAudio || chs[0].StoryID != st.ID ||
				chs[0].FamilyID != st.FamilyID || chs[0].Lang != st.Lang || chs[0].Version != 1)) {
				t.Errorf("after %s: changes %+v, want %d audio change of story %d version 1", tc.name, chs, wantChanges, st.ID)
			}
			got, err := db.Audio(ctx, st.ID, 1)
			if err != nil {
				t.Fatal(err)
			}
			if got.State != r.State || got.Error != r.Error || !got.LeaseUntil.IsZero() || got.LeaseOwner != "" || !got.FinishedAt.Equal(storeTime(at(2))) {
				t.Errorf("after %s: %+v", tc.name, got)
			}
			if tc.name == "done" && (got.BlobKey != r.BlobKey || got.MIME != r.MIME || got.Bytes != r.Bytes ||
				got.Duration != r.Duration || got.Provider != "espeak-ng" || !got.HasFile()) {
				t.Errorf("done rendering %+v", got)
			}
			if tc.name != "done" && got.HasFile() {
				t.Errorf("%s rendering has a file: %+v", tc.name, got)
			}
			if tc.name == "retry" && !got.NextAttemptAt.Equal(storeTime(at(30))) {
				t.Errorf("next attempt at %v, want minute 30", got.NextAttemptAt)
			}
			has := func(as []Audio) bool {
				for _, a := range as {
					if a.ID == claimed.ID {
						return true
					}
				}
				return false
			}
			if has(claimAudio(t, db, "w", at(29), maxAudioClaim)) {
				t.Errorf("%s rendering claimed at minute 29", tc.name)
			}
			if !tc.claimable.IsZero() && !has(claimAudio(t, db, "w", tc.claimable, maxAudioClaim)) {
				t.Errorf("%s rendering not claimed at %v", tc.name, tc.claimable)
			}
			// A second record of the same attempt finds no lease.
			wantErr(t, "record twice", db.RecordAudio(ctx, r), ErrConflict)
		})
	}
	for name, r := range map[string]AudioResult{
		"retry without time": {ID: 1, Attempt: 1, State: AudioQueued, At: at(1)},
		"not an outcome":     {ID: 1, Attempt: 1, State: AudioRunning, At: at(1)},
		"unknown state":      {ID: 1, Attempt: 1, State: "lost", At: at(1)},
		"no time":            {ID: 1, Attempt: 1, State: AudioFailed},
		"done without file":  {ID: 1, Attempt: 1, State: AudioDone, At: at(1), MIME: "audio/ogg", Bytes: 1},
		"done empty":         {ID: 1, Attempt: 1, State: AudioDone, At: at(1), BlobKey: "k", MIME: "audio/ogg"},
		"negative duration":  {ID: 1, Attempt: 1, State: AudioDone, At: at(1), BlobKey: "k", MIME: "audio/ogg", Bytes: 1, Duration: -1},
		"long error":         {ID: 1, Attempt: 1, State: AudioFailed, At: at(1), Error: strings.Repeat("e", maxAudioError+1)},
		"NUL in error":       {ID: 1, Attempt: 1, State: AudioFailed, At: at(1), Error: "a\x00"},
		"long key":           {ID: 1, Attempt: 1, State: AudioDone, At: at(1), BlobKey: strings.Repeat("k", maxAudioKey+1), MIME: "a", Bytes: 1},
		"bad UTF-8 provider": {ID: 1, Attempt: 1, State: AudioFailed, At: at(1), Provider: "\xff"},
	} {
		wantErr(t, name, db.RecordAudio(ctx, r), story.ErrInvalid)
	}
}

func testRequeueAudio(t *testing.T, db *DB, _ func(t *testing.T) *DB) {
	ctx := t.Context()
	st := published(t, db, 2)
	enqueueAudio(t, db, 1, AudioJob{StoryID: st.ID, Version: 2, At: at(0)})
	a := claimAudio(t, db, "w", at(1), 1)[0]
	_, err := db.RequeueAudio(ctx, st.ID, 2, at(1).Add(time.Second))
	wantErr(t, "requeue under a live lease", err, ErrConflict)
	done := AudioResult{ID: a.ID, Attempt: a.Attempts, State: AudioDone, At: at(2), BlobKey: "audio/k.opus", MIME: "audio/ogg", Bytes: 99, Duration: time.Second, Provider: "espeak-ng"}
	if err := db.RecordAudio(ctx, done); err != nil {
		t.Fatal(err)
	}
	got, err := db.RequeueAudio(ctx, st.ID, 2, at(100))
	if err != nil {
		t.Fatal(err)
	}
	// Queued again with its tries reset, and the file of the last success
	// kept for listeners until the new one is made.
	if got.State != AudioQueued || got.Tries != 0 || got.Attempts != 1 || !got.NextAttemptAt.Equal(storeTime(at(100))) ||
		got.BlobKey != "audio/k.opus" || got.Bytes != 99 || got.Duration != time.Second {
		t.Errorf("requeued %+v", got)
	}
	if again := claimAudio(t, db, "w", at(100), 1); len(again) != 1 || again[0].ID != a.ID || again[0].Attempts != 2 || again[0].Tries != 1 {
		t.Errorf("claim after requeue: %+v", again)
	}
	// A version never queued (published before voice-over existed) gets
	// its first rendering.
	first, err := db.RequeueAudio(ctx, st.ID, 1, at(101))
	if err != nil || first.State != AudioQueued || first.Version != 1 || first.HasFile() {
		t.Errorf("first requeue of version 1: %+v, %v", first, err)
	}
	_, err = db.RequeueAudio(ctx, st.ID, 3, at(101))
	wantErr(t, "requeue an unpublished version", err, ErrNotFound)
	_, err = db.RequeueAudio(ctx, 999999, 1, at(101))
	wantErr(t, "requeue an unknown story", err, ErrNotFound)
	_, err = db.RequeueAudio(ctx, st.ID, 0, at(101))
	wantErr(t, "requeue version 0", err, story.ErrInvalid)

	// Renderings that found no engine are queued again together.
	other := published(t, db, 1)
	enqueueAudio(t, db, 2, AudioJob{StoryID: other.ID, Version: 1, At: at(0)})
	var u Audio
	for _, c := range claimAudio(t, db, "w", at(200), maxAudioClaim) {
		r := AudioResult{ID: c.ID, Attempt: c.Attempts, State: AudioUnavailable, At: at(200), Error: "no engine"}
		if err := db.RecordAudio(ctx, r); err != nil {
			t.Fatal(err)
		}
		if c.StoryID == other.ID {
			u = c
		}
	}
	n, err := db.RequeueUnavailableAudio(ctx, at(300))
	if err != nil || n < 1 {
		t.Fatalf("requeue unavailable: %d, %v", n, err)
	}
	if got, _ := db.Audio(ctx, other.ID, 1); got.State != AudioQueued || !got.NextAttemptAt.Equal(storeTime(at(300))) || got.ID != u.ID {
		t.Errorf("after requeueing the unavailable: %+v", got)
	}
	if n, _ := db.RequeueUnavailableAudio(ctx, at(301)); n != 0 {
		t.Errorf("requeued %d twice", n)
	}
}

// Two stores on one database stand for two nodes; several workers on each
// claim until the queue is empty. Every rendering must be claimed exactly
// once: on PostgreSQL this is SKIP LOCKED at work.
func testConcurrentAudioClaims(t *testing.T, db *DB, reopen func(t *testing.T) *DB) {
	const n = 60
	var jobs []AudioJob
	for range n {
		jobs = append(jobs, AudioJob{StoryID: published(t, db, 1).ID, Version: 1, At: at(0)})
	}
	enqueueAudio(t, db, 1, jobs...)
	other := reopen(t)
	if other == nil {
		t.FailNow()
	}
	claimEachOnce(t, db, other, n, "renderings", func(node *DB, w int) ([]int64, error) {
		got, err := node.ClaimAudio(t.Context(), fmt.Sprintf("worker-%d", w), at(1), time.Hour, 2)
		ids := make([]int64, len(got))
		for i, a := range got {
			ids[i] = a.ID
		}
		return ids, err
	})
}

func testEnqueueAudioRecent(t *testing.T, db *DB, _ func(t *testing.T) *DB) {
	ctx := t.Context()
	// published(…, 2) was first published at at(0) and corrected at at(2).
	old := published(t, db, 2)
	recent := publish(t, db, draft(t, db, family(t, db), "en").ID, at(30))
	n := enqueueAudio(t, db, 7,
		AudioJob{StoryID: old.ID, Version: 2, At: at(31), FirstPublishedSince: at(10)},    // a fix to an old story
		AudioJob{StoryID: recent.ID, Version: 1, At: at(31), FirstPublishedSince: at(30)}, // new at the boundary
	)
	if n != 1 {
		t.Fatalf("enqueued %d, want 1 (only the recent story)", n)
	}
	if _, err := db.Audio(ctx, old.ID, 2); err == nil {
		t.Error("the old story's correction was queued")
	}
	if got := audioState(t, db, recent.ID, 1); got != AudioQueued {
		t.Errorf("recent story: %s, want queued", got)
	}
	if seq, _ := db.FollowerSeq(ctx, "audio"); seq != 7 {
		t.Errorf("follower at %d, want 7: a job left out is still passed", seq)
	}
	// The desk can still ask for the old one.
	if a, err := db.RequeueAudio(ctx, old.ID, 2, at(32)); err != nil || a.State != AudioQueued {
		t.Errorf("requeue old story: %+v, %v", a, err)
	}
	// A job for a story that does not exist is an error, not a silent skip.
	_, err := db.EnqueueAudio(ctx, "audio", 8, []AudioJob{{StoryID: 999999, Version: 1, At: at(31), FirstPublishedSince: at(0)}})
	wantErr(t, "no such story", err, ErrNotFound)
	// A draft never published has no first publication: nothing queued.
	d := draft(t, db, family(t, db), "en")
	if n := enqueueAudio(t, db, 9, AudioJob{StoryID: d.ID, Version: 1, At: at(31), FirstPublishedSince: at(0)}); n != 0 {
		t.Errorf("queued a story never published: %d", n)
	}
}
