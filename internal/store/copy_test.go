package store_test

import (
	"context"
	"errors"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/qasid/qasid/internal/audit"
	"github.com/qasid/qasid/internal/auth"
	"github.com/qasid/qasid/internal/demo"
	"github.com/qasid/qasid/internal/memory"
	"github.com/qasid/qasid/internal/store"
	"github.com/qasid/qasid/internal/store/storetest"
	"github.com/qasid/qasid/internal/story"
)

// TestCopySQLiteToPostgres moves the demo agency, a user, a subscriber
// and memory units to PostgreSQL and checks that every table has the same
// rows, that what readers see is the same, and that the copy goes on
// working (new ids do not collide with copied ones).
func TestCopySQLiteToPostgres(t *testing.T) {
	url := storetest.PostgresURL(t)
	ctx := context.Background()
	src, err := store.OpenSQLite(ctx, filepath.Join(t.TempDir(), "qasid.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	if _, err := demo.Load(ctx, src); err != nil {
		t.Fatal(err)
	}
	u := auth.User{Email: "editor@example.org", Name: "Editor", Roles: []auth.Role{auth.RoleEditor}, UILang: "ur"}
	if err := src.CreateUser(ctx, &u, audit.Entry{}); err != nil {
		t.Fatal(err)
	}
	if _, err := src.AddUnits(ctx, []memory.Unit{{SrcLang: "en", TgtLang: "ur", Source: "The summit opened.", Target: "اجلاس شروع ہوا۔"}}); err != nil {
		t.Fatal(err)
	}

	dst, err := store.OpenPostgres(ctx, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer dst.Close()
	res, err := store.CopySQLiteToPostgres(ctx, src, dst, nil)
	if err != nil {
		t.Fatal(err)
	}
	counts := map[string]int64{}
	for _, tc := range res.Tables {
		counts[tc.Table] = tc.Target
	}
	for _, table := range []string{"stories", "story_versions", "changes", "families", "users", "tm_units", "tm_grams"} {
		if counts[table] == 0 {
			t.Errorf("table %s: %d rows copied", table, counts[table])
		}
	}

	// Readers see the same stories, with the same versions.
	now := time.Now()
	for _, code := range []string{"en", "ur", "zh"} {
		a, err := src.PublishedStories(ctx, store.ListQuery{Now: now, Lang: code, Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		b, err := dst.PublishedStories(ctx, store.ListQuery{Now: now, Lang: code, Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		if len(a) == 0 || len(a) != len(b) {
			t.Fatalf("%s: %d stories in SQLite, %d in PostgreSQL", code, len(a), len(b))
		}
		for i := range a {
			if !reflect.DeepEqual(a[i], b[i]) {
				t.Errorf("%s story %d differs:\nsqlite   %+v\npostgres %+v", code, a[i].ID, a[i], b[i])
			}
		}
	}
	if got, err := dst.UserByEmail(ctx, u.Email); err != nil || got.ID != u.ID || got.UILang != "ur" {
		t.Errorf("user after copy: %+v, %v", got, err)
	}
	la, _ := src.LastSeq(ctx)
	lb, _ := dst.LastSeq(ctx)
	if la != lb || la == 0 {
		t.Errorf("change log ends at %d in SQLite, %d in PostgreSQL", la, lb)
	}

	// The copy goes on: a new family and story get fresh ids.
	fam, err := dst.CreateFamily(ctx, "")
	if err != nil {
		t.Fatalf("new family after copy: %v", err)
	}
	st := story.Story{FamilyID: fam, Lang: "en", Headline: "After the move", Section: "world", Status: story.StatusDraft}
	if err := dst.CreateStory(ctx, &st); err != nil {
		t.Fatalf("new story after copy: %v", err)
	}
	if seq, _ := dst.LastSeq(ctx); seq != lb+1 {
		t.Errorf("new change has seq %d, want %d", seq, lb+1)
	}

	// A second copy into a target with stories is refused, and changes nothing.
	if _, err := store.CopySQLiteToPostgres(ctx, src, dst, nil); !errors.Is(err, store.ErrConflict) {
		t.Errorf("copy into a used database: %v, want ErrConflict", err)
	}
	if _, err := dst.Story(ctx, st.ID); err != nil {
		t.Errorf("the refused copy touched the target: %v", err)
	}
}
