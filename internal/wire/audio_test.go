package wire_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/qasid/qasid/internal/store"
	"github.com/qasid/qasid/internal/store/storetest"
	"github.com/qasid/qasid/internal/wire/ninjs"
)

// TestItemAudio: a version whose voice-over is rendered carries it into
// its wire item, as an absolute address the site serves; a version
// without one carries none.
func TestItemAudio(t *testing.T) {
	db := storetest.SQLite(t)
	e := newEnv(t, db, envOptions{})
	ctx := context.Background()
	list, err := db.PublishedStories(ctx, store.ListQuery{Lang: "ur", Limit: 2})
	if err != nil || len(list) < 2 {
		t.Fatalf("published Urdu stories: %d, %v", len(list), err)
	}
	with, without := list[0], list[1]
	if _, err := db.RequeueAudio(ctx, with.ID, with.Version, time.Now()); err != nil {
		t.Fatal(err)
	}
	claimed, err := db.ClaimAudio(ctx, "test", time.Now(), time.Minute, 1)
	if err != nil || len(claimed) != 1 {
		t.Fatalf("claim: %v, %v", claimed, err)
	}
	if err := db.RecordAudio(ctx, store.AudioResult{ID: claimed[0].ID, Attempt: claimed[0].Attempts, State: store.AudioDone,
		At: time.Now(), BlobKey: "audio/x/1.opus", MIME: "audio/ogg; codecs=opus", Bytes: 4096, Duration: 90 * time.Second}); err != nil {
		t.Fatal(err)
	}
	in, err := e.svc.Input(ctx, with.ID, with.Version)
	if err != nil {
		t.Fatal(err)
	}
	want := ninjs.Audio{Href: baseURL + "/audio/" + itoa(with.ID) + "/" + itoa(int64(with.Version)) + ".opus",
		MIME: "audio/ogg; codecs=opus", Bytes: 4096, Duration: 90 * time.Second}
	if in.Audio == nil || *in.Audio != want {
		t.Errorf("item audio %+v, want %+v", in.Audio, want)
	}
	if in, err := e.svc.Input(ctx, without.ID, without.Version); err != nil || in.Audio != nil {
		t.Errorf("a version without a voice-over: %+v, %v", in.Audio, err)
	}
}
func itoa(n int64) string { return strconv.FormatInt(n, 10) }
