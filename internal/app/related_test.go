package app_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/qasid/qasid/internal/related"
	"github.com/qasid/qasid/internal/store"
)

// TestRelatedCommand: after an import, qasid related works out a stored
// list for every story and moves the follower to the log's end; run again
// it has nothing to do; and it refuses a folder with no agency.
func TestRelatedCommand(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	if code, _, errOut := runIn(t, "", "related", "--data", dir); code == 0 || !strings.Contains(errOut, "no Qasid data") {
		t.Errorf("related on an empty folder: exit %d %q", code, errOut)
	}
	in := filepath.Join(t.TempDir(), "wire.jsonl")
	// Eight dam stories, alike in their subject and different enough in
	// their words not to be taken for near-duplicates.
	dams := []struct{ place, detail string }{
		{"Tarbela", "Turbines on the fourth extension were stopped while divers checked the intake tunnels."},
		{"Mangla", "The raised embankment held, and farmers downstream asked for more canal water in spring."},
		{"Diamer", "Contractors poured concrete for the diversion tunnel through a cold and windy week."},
		{"Mohmand", "Villagers who lost orchards to the lake were promised new land near Peshawar."},
		{"Dasu", "A landslide blocked the Karakoram Highway for a day and delayed cement lorries."},
		{"Kurram", "Irrigation officials counted silt in the basin and ordered dredging before winter."},
		{"Nai Gaj", "Desert streams filled the basin for the first time since work began years ago."},
		{"Sukkur", "Gates of the old barrage were repaired by welders working through the night shift."},
	}
	var lines []string
	for i, d := range dams {
		lines = append(lines, fmt.Sprintf(`{"id":"dam:%d:en","lang":"en","headline":"%s dam report","body":"Engineers inspected the %s dam, its reservoir and spillway after the monsoon floods. %s","source":"Test"}`,
			i, d.place, d.place, d.detail))
	}
	// Other news, so that the dams' shared words are telling.
	for i, h := range []string{"Cricket team wins in Lahore", "Textile exports rise again", "Book fair opens in Karachi",
		"Electric buses for Islamabad", "Smog closes schools early", "Port handles more containers",
		"Squash open draws players", "Mosque tiles restored"} {
		lines = append(lines, fmt.Sprintf(`{"id":"other:%d:en","lang":"en","headline":%q,"body":"Story %d of the day: %s, the desk reports.","source":"Test"}`,
			i, h, i, strings.ToLower(h)))
	}
	if err := os.WriteFile(in, []byte(strings.Join(lines, "\n")), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, out, errOut := runIn(t, "", "import", "--publish", "--data", dir, in); code != 0 || !strings.Contains(out, "imported 16") {
		t.Fatalf("import: exit %d %q %q", code, out, errOut)
	}
	code, out, errOut := runIn(t, "", "related", "--data", dir)
	if code != 0 || !strings.Contains(out, "related lists up to date") {
		t.Fatalf("related: exit %d %q %q", code, out, errOut)
	}

	ctx := context.Background()
	db, err := store.OpenSQLite(ctx, filepath.Join(dir, "qasid.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	last, err := db.LastSeq(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if seq, err := db.FollowerSeq(ctx, related.FollowerName); err != nil || seq != last {
		t.Errorf("related follower at %d (%v), want the log's end %d", seq, err, last)
	}
	sts, err := db.PublishedStories(ctx, store.ListQuery{Lang: "en", Limit: 50})
	if err != nil || len(sts) != 16 {
		t.Fatalf("%d public stories (%v), want 16", len(sts), err)
	}
	// Which stories a list holds is the related package's to test; here,
	// that each story has one, of its version, and that they found the
	// other dams.
	found := 0
	for _, st := range sts {
		l, ok, err := db.RelatedList(ctx, st.ID)
		if err != nil || !ok || l.Version != st.Version {
			t.Errorf("list of %d (%s): %+v ok %v err %v; want one of version %d", st.ID, st.Headline, l, ok, err, st.Version)
		}
		found += len(l.IDs)
	}
	if found < len(dams) {
		t.Errorf("the lists hold %d stories in all; the dams should find each other", found)
	}
	if code, out, errOut := runIn(t, "", "related", "--data", dir); code != 0 || strings.Contains(out, "related lists") {
		t.Errorf("related again: exit %d %q %q; want nothing to do", code, out, errOut)
	}
}
