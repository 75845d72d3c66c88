package store

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/qasid/qasid/internal/audit"
	"github.com/qasid/qasid/internal/auth"
	"github.com/qasid/qasid/internal/story"
)

func mediaContract() []contractTest {
	return []contractTest{
		{"images", testImages},
		{"image placement", testImagePlacement},
		{"image texts", testImageTexts},
		{"lead images", testLeadImages},
		{"remove image", testRemoveImage},
		{"concurrent image placement", testConcurrentPlacement},
		{"image changes on the change log", testImageChanges},
	}
}

// sha is a valid-looking SHA-256 made from n.
func sha(n int) string { return fmt.Sprintf("%064x", n) }

// newImage keeps an image with two renditions.
func newImage(t *testing.T, db *DB, n int) Image {
	t.Helper()
	img := Image{SHA256: sha(n), OriginalKey: fmt.Sprintf("images/%d/original.jpg", n), MIME: "image/jpeg",
		Width: 1200, Height: 800, Bytes: 123456,
		Renditions: []Rendition{
			{Width: 800, Height: 533, Key: fmt.Sprintf("images/%d/800.jpg", n), MIME: "image/jpeg", Bytes: 50000},
			{Width: 400, Height: 267, Key: fmt.Sprintf("images/%d/400.jpg", n), MIME: "image/jpeg", Bytes: 20000},
		}}
	if err := db.CreateImage(t.Context(), &img, audit.Entry{}); err != nil {
		t.Fatalf("create image %d: %v", n, err)
	}
	return img
}

func place(t *testing.T, db *DB, fam, img int64) FamilyImage {
	t.Helper()
	fi, err := db.PlaceImage(t.Context(), Placement{FamilyID: fam, ImageID: img}, audit.Entry{})
	if err != nil {
		t.Fatalf("place image %d in family %d: %v", img, fam, err)
	}
	return fi
}

func testImages(t *testing.T, db *DB, _ func(t *testing.T) *DB) {
	ctx := t.Context()
	u := auth.User{Email: "photo@example.com", Roles: []auth.Role{auth.RoleReporter}}
	if err := db.CreateUser(ctx, &u, audit.Entry{}); err != nil {
		t.Fatal(err)
	}
	img := Image{SHA256: sha(1), OriginalKey: "images/a/original.jpg", MIME: "image/jpeg", Width: 3000, Height: 2000,
		Bytes: 4 << 20, UploadedBy: u.ID, Renditions: []Rendition{
			{Width: 1600, Height: 1067, Key: "images/a/1600.jpg", MIME: "image/jpeg", Bytes: 300000},
			{Width: 400, Height: 267, Key: "images/a/400.jpg", MIME: "image/jpeg", Bytes: 30000},
			{Width: 800, Height: 533, Key: "images/a/800.jpg", MIME: "image/jpeg", Bytes: 90000},
		}}
	e := audit.Entry{At: at(1), ActorID: u.ID, Actor: u.Email, Action: "image.upload"}
	if err := db.CreateImage(ctx, &img, e); err != nil {
		t.Fatal(err)
	}
	if img.ID == 0 || img.CreatedAt.IsZero() {
		t.Fatalf("created %+v: want an id and a time", img)
	}
	for _, get := range []func() (Image, error){
		func() (Image, error) { return db.Image(ctx, img.ID) },
		func() (Image, error) { return db.ImageBySHA256(ctx, strings.ToUpper(sha(1))) },
	} {
		got, err := get()
		if err != nil {
			t.Fatal(err)
		}
		if got.SHA256 != img.SHA256 || got.OriginalKey != img.OriginalKey || got.Width != 3000 || got.Height != 2000 ||
			got.Bytes != 4<<20 || got.UploadedBy != u.ID || !got.CreatedAt.Equal(img.CreatedAt) {
			t.Errorf("read back %+v, want %+v", got, img)
		}
		var widths []int
		for _, r := range got.Renditions {
			widths = append(widths, r.Width)
		}
		if fmt.Sprint(widths) != "[400 800 1600]" || got.Renditions[1].Key != "images/a/800.jpg" || got.Renditions[1].Bytes != 90000 {
			t.Errorf("renditions %+v: want narrowest first with their keys and sizes", got.Renditions)
		}
	}
	list, err := db.Audit(ctx, audit.Query{UserID: u.ID})
	if err != nil || len(list) != 1 || list[0].Action != "image.upload" || list[0].Detail != fmt.Sprintf("image %d", img.ID) {
		t.Errorf("audit %+v, %v: want one image.upload naming the image", list, err)
	}

	// The same file again is the same image.
	again := img
	again.ID = 0
	wantErr(t, "same sha256", db.CreateImage(ctx, &again, audit.Entry{}), ErrConflict)

	for _, tc := range []struct {
		name string
		edit func(*Image)
		want error
	}{
		{"short hash", func(i *Image) { i.SHA256 = "abc" }, story.ErrInvalid},
		{"upper-case hash", func(i *Image) { i.SHA256 = fmt.Sprintf("%064X", 0xabc) }, story.ErrInvalid},
		{"gif", func(i *Image) { i.MIME = "image/gif" }, story.ErrInvalid},
		{"no width", func(i *Image) { i.Width = 0 }, story.ErrInvalid},
		{"no key", func(i *Image) { i.OriginalKey = "" }, story.ErrInvalid},
		{"NUL in key", func(i *Image) { i.OriginalKey = "a\x00b" }, story.ErrInvalid},
		{"two renditions of one width", func(i *Image) {
			i.Renditions = []Rendition{{Width: 400, Height: 1, Key: "k", MIME: "image/jpeg", Bytes: 1}, {Width: 400, Height: 1, Key: "l", MIME: "image/jpeg", Bytes: 1}}
		}, story.ErrInvalid},
		{"unknown uploader", func(i *Image) { i.UploadedBy = 999999 }, ErrNotFound},
	} {
		bad := Image{SHA256: sha(9), OriginalKey: "k", MIME: "image/png", Width: 1, Height: 1, Bytes: 1}
		tc.edit(&bad)
		wantErr(t, tc.name, db.CreateImage(ctx, &bad, audit.Entry{}), tc.want)
	}
	if _, err := db.ImageBySHA256(ctx, sha(9)); !errors.Is(err, ErrNotFound) {
		t.Errorf("a refused image was kept: %v", err)
	}
	_, err = db.Image(ctx, 424242)
	wantErr(t, "unknown image", err, ErrNotFound)
}

func testImagePlacement(t *testing.T, db *DB, _ func(t *testing.T) *DB) {
	ctx := t.Context()
	fam, other := family(t, db), family(t, db)
	a, b, c := newImage(t, db, 1), newImage(t, db, 2), newImage(t, db, 3)
	first := place(t, db, fam, a.ID)
	if !first.Lead || first.Position != 1 || first.Image.ID != a.ID || len(first.Image.Renditions) != 2 || len(first.Texts) != 0 {
		t.Errorf("first placement %+v: want the lead at position 1 with renditions and no texts", first)
	}
	second := place(t, db, fam, b.ID)
	if second.Lead || second.Position != 2 {
		t.Errorf("second placement %+v: want position 2, not the lead", second)
	}
	place(t, db, fam, c.ID)
	// The same photo may serve another family, where it is that family's lead.
	if o := place(t, db, other, b.ID); !o.Lead || o.Position != 1 {
		t.Errorf("placement in another family %+v: want its own lead at 1", o)
	}

	_, err := db.PlaceImage(ctx, Placement{FamilyID: fam, ImageID: b.ID}, audit.Entry{})
	wantErr(t, "placing twice", err, ErrConflict)
	_, err = db.PlaceImage(ctx, Placement{FamilyID: 999999, ImageID: a.ID}, audit.Entry{})
	wantErr(t, "unknown family", err, ErrNotFound)
	_, err = db.PlaceImage(ctx, Placement{FamilyID: fam, ImageID: 999999}, audit.Entry{})
	wantErr(t, "unknown image", err, ErrNotFound)
	_, err = db.PlaceImage(ctx, Placement{FamilyID: other, ImageID: a.ID, AddedBy: 999999}, audit.Entry{})
	wantErr(t, "unknown user", err, ErrNotFound)
	_, err = db.PlaceImage(ctx, Placement{FamilyID: -1, ImageID: a.ID}, audit.Entry{})
	wantErr(t, "negative family", err, story.ErrInvalid)

	list, err := db.FamilyImages(ctx, fam)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, fi := range list {
		got = append(got, fmt.Sprintf("%d@%d lead=%v", fi.Image.ID, fi.Position, fi.Lead))
	}
	want := []string{fmt.Sprintf("%d@1 lead=true", a.ID), fmt.Sprintf("%d@2 lead=false", b.ID), fmt.Sprintf("%d@3 lead=false", c.ID)}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("family images %v, want %v", got, want)
	}
	if none, err := db.FamilyImages(ctx, 999999); err != nil || len(none) != 0 {
		t.Errorf("images of an unknown family: %v, %v; want none", none, err)
	}
	_, err = db.FamilyImage(ctx, other, a.ID)
	wantErr(t, "image not in family", err, ErrNotFound)
}

func testImageTexts(t *testing.T, db *DB, _ func(t *testing.T) *DB) {
	ctx := t.Context()
	fam, other := family(t, db), family(t, db)
	img := newImage(t, db, 1)
	place(t, db, fam, img.ID)
	place(t, db, other, img.ID)
	en := ImageText{Caption: "Buses charge at the depot.", Credit: "Photo: S. Qureshi / IMN", Alt: "Three green buses under a shed"}
	ur := ImageText{Caption: "ڈپو میں بسیں چارج ہو رہی ہیں۔", Alt: "شیڈ کے نیچے تین سبز بسیں"}
	e := audit.Entry{Action: "image.text", Actor: "editor@example.com"}
	for code, tx := range map[string]ImageText{"en": en, "ur": ur} {
		if err := db.SetImageText(ctx, fam, img.ID, code, tx, e); err != nil {
			t.Fatal(err)
		}
	}
	fi, err := db.FamilyImage(ctx, fam, img.ID)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Text("en") != en || fi.Text("ur") != ur || !fi.Text("zh").IsZero() || len(fi.Texts) != 2 {
		t.Errorf("texts %+v: want en and ur as set", fi.Texts)
	}
	// Texts belong to the image's use in one family.
	if o, err := db.FamilyImage(ctx, other, img.ID); err != nil || len(o.Texts) != 0 {
		t.Errorf("texts in the other family %+v, %v: want none", o.Texts, err)
	}
	en2 := ImageText{Caption: "Buses charge overnight.", Alt: en.Alt}
	if err := db.SetImageText(ctx, fam, img.ID, "en", en2, e); err != nil {
		t.Fatal(err)
	}
	if err := db.SetImageText(ctx, fam, img.ID, "ur", ImageText{}, e); err != nil {
		t.Fatal(err)
	}
	fi, _ = db.FamilyImage(ctx, fam, img.ID)
	if fi.Text("en") != en2 || len(fi.Texts) != 1 {
		t.Errorf("after update and clear: %+v", fi.Texts)
	}

	for _, tc := range []struct {
		name     string
		fam, img int64
		code     string
		tx       ImageText
		want     error
	}{
		{"NUL", fam, img.ID, "en", ImageText{Alt: "a\x00b"}, story.ErrInvalid},
		{"bad UTF-8", fam, img.ID, "en", ImageText{Caption: "\xff"}, story.ErrInvalid},
		{"long alt", fam, img.ID, "en", ImageText{Alt: strings.Repeat("ع", maxImageAlt+1)}, story.ErrInvalid},
		{"no language", fam, img.ID, "", en, story.ErrInvalid},
		{"image not in family", family(t, db), img.ID, "en", en, ErrNotFound},
		{"unknown family", 999999, img.ID, "en", en, ErrNotFound},
	} {
		wantErr(t, tc.name, db.SetImageText(ctx, tc.fam, tc.img, tc.code, tc.tx, audit.Entry{}), tc.want)
	}
	fi, _ = db.FamilyImage(ctx, fam, img.ID)
	if fi.Text("en") != en2 {
		t.Errorf("a refused change altered the text: %+v", fi.Text("en"))
	}
	if n := countAudit(t, db, "image.text"); n != 4 {
		t.Errorf("%d image.text audit entries, want 4 (one per accepted change)", n)
	}
}

func countAudit(t *testing.T, db *DB, action audit.Action) int {
	t.Helper()
	list, err := db.Audit(t.Context(), audit.Query{Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range list {
		if e.Action == action {
			n++
		}
	}
	return n
}

func testLeadImages(t *testing.T, db *DB, _ func(t *testing.T) *DB) {
	ctx := t.Context()
	f1, f2, empty := family(t, db), family(t, db), family(t, db)
	a, b, c := newImage(t, db, 1), newImage(t, db, 2), newImage(t, db, 3)
	place(t, db, f1, a.ID)
	place(t, db, f1, b.ID)
	place(t, db, f2, c.ID)
	if err := db.SetImageText(ctx, f1, b.ID, "fr", ImageText{Alt: "Deux bus"}, audit.Entry{}); err != nil {
		t.Fatal(err)
	}
	if err := db.SetLeadImage(ctx, f1, b.ID, audit.Entry{Action: "image.lead"}); err != nil {
		t.Fatal(err)
	}
	// Setting the lead again changes nothing.
	if err := db.SetLeadImage(ctx, f1, b.ID, audit.Entry{}); err != nil {
		t.Fatal(err)
	}
	list, _ := db.FamilyImages(ctx, f1)
	leads := 0
	for _, fi := range list {
		if fi.Lead {
			leads++
			if fi.Image.ID != b.ID {
				t.Errorf("lead is image %d, want %d", fi.Image.ID, b.ID)
			}
		}
	}
	if leads != 1 {
		t.Errorf("%d leads in the family, want 1", leads)
	}
	wantErr(t, "lead not in family", db.SetLeadImage(ctx, f2, a.ID, audit.Entry{}), ErrNotFound)
	wantErr(t, "lead of unknown family", db.SetLeadImage(ctx, 999999, a.ID, audit.Entry{}), ErrNotFound)

	got, err := db.LeadImages(ctx, []int64{f1, f2, empty, f1, 999999})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[f1].Image.ID != b.ID || got[f2].Image.ID != c.ID || got[f1].Text("fr").Alt != "Deux bus" ||
		len(got[f2].Image.Renditions) != 2 {
		t.Errorf("lead images %+v: want b (with its text) for f1 and c for f2, nothing for the others", got)
	}
	if none, err := db.LeadImages(ctx, nil); err != nil || len(none) != 0 {
		t.Errorf("lead images of no families: %v, %v", none, err)
	}
}

func testRemoveImage(t *testing.T, db *DB, _ func(t *testing.T) *DB) {
	ctx := t.Context()
	fam := family(t, db)
	a, b, c := newImage(t, db, 1), newImage(t, db, 2), newImage(t, db, 3)
	for _, img := range []Image{a, b, c} {
		place(t, db, fam, img.ID)
	}
	if err := db.SetImageText(ctx, fam, a.ID, "en", ImageText{Alt: "First"}, audit.Entry{}); err != nil {
		t.Fatal(err)
	}
	order := func() string {
		list, err := db.FamilyImages(ctx, fam)
		if err != nil {
			t.Fatal(err)
		}
		var s []string
		for _, fi := range list {
			mark := ""
			if fi.Lead {
				mark = "*"
			}
			s = append(s, fmt.Sprintf("%d@%d%s", fi.Image.ID, fi.Position, mark))
		}
		return strings.Join(s, " ")
	}
	// Removing the lead closes the gap and makes the first left the lead.
	if err := db.RemoveImage(ctx, fam, a.ID, audit.Entry{Action: "image.remove"}); err != nil {
		t.Fatal(err)
	}
	if got, want := order(), fmt.Sprintf("%d@1* %d@2", b.ID, c.ID); got != want {
		t.Errorf("after removing the lead: %s, want %s", got, want)
	}
	if _, err := db.Image(ctx, a.ID); err != nil {
		t.Errorf("the image itself went with its place: %v", err)
	}
	wantErr(t, "removing twice", db.RemoveImage(ctx, fam, a.ID, audit.Entry{}), ErrNotFound)
	// Put back, it comes last, without its old texts.
	back := place(t, db, fam, a.ID)
	if back.Position != 3 || back.Lead || len(back.Texts) != 0 {
		t.Errorf("placed again: %+v; want last, not lead, no texts", back)
	}
	if err := db.RemoveImage(ctx, fam, b.ID, audit.Entry{}); err != nil {
		t.Fatal(err)
	}
	if got, want := order(), fmt.Sprintf("%d@1* %d@2", c.ID, a.ID); got != want {
		t.Errorf("after removing the middle one: %s, want %s", got, want)
	}
	if err := db.RemoveImage(ctx, fam, a.ID, audit.Entry{}); err != nil {
		t.Fatal(err)
	}
	if got, want := order(), fmt.Sprintf("%d@1*", c.ID); got != want {
		t.Errorf("after removing the last one: %s, want %s", got, want)
	}
	if n := countAudit(t, db, "image.remove"); n != 1 {
		t.Errorf("%d image.remove entries, want 1", n)
	}
}

// testConcurrentPlacement places images into one family from many
// goroutines: every one gets its own position and exactly one is the lead.
func testConcurrentPlacement(t *testing.T, db *DB, _ func(t *testing.T) *DB) {
	ctx := t.Context()
	fam := family(t, db)
	const n = 8
	imgs := make([]Image, n)
	for i := range imgs {
		imgs[i] = newImage(t, db, i+1)
	}
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range imgs {
		wg.Go(func() {
			_, errs[i] = db.PlaceImage(ctx, Placement{FamilyID: fam, ImageID: imgs[i].ID}, audit.Entry{})
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("placement %d: %v", i, err)
		}
	}
	list, err := db.FamilyImages(ctx, fam)
	if err != nil {
		t.Fatal(err)
	}
	leads := 0
	for i, fi := range list {
		if fi.Position != i+1 {
			t.Errorf("image %d at position %d, want %d", fi.Image.ID, fi.Position, i+1)
		}
		if fi.Lead {
			leads++
		}
	}
	if len(list) != n || leads != 1 {
		t.Errorf("%d images with %d leads, want %d with 1", len(list), leads, n)
	}
}

// testImageChanges: a change to a family's photos appends a media change
// for each member readers may have seen, in its transaction, and none for
// a draft; a refused change appends nothing.
func testImageChanges(t *testing.T, db *DB, _ func(t *testing.T) *DB) {
	ctx := t.Context()
	fam := family(t, db)
	en := publish(t, db, draft(t, db, fam, "en").ID, at(0))
	draft(t, db, fam, "ur") // never published
	img := newImage(t, db, 7)
	mediaChanges := func(after int64) []story.Change {
		t.Helper()
		chs, err := db.Changes(ctx, after, 100)
		if err != nil {
			t.Fatal(err)
		}
		var out []story.Change
		for _, ch := range chs {
			if ch.Kind == story.ChangeMedia {
				out = append(out, ch)
			}
		}
		return out
	}
	for _, step := range []struct {
		name string
		do   func() error
	}{
		{"place", func() error {
			_, err := db.PlaceImage(ctx, Placement{FamilyID: fam, ImageID: img.ID}, audit.Entry{})
			return err
		}},
		{"text", func() error { return db.SetImageText(ctx, fam, img.ID, "en", ImageText{Alt: "A bus"}, audit.Entry{}) }},
		{"lead", func() error { return db.SetLeadImage(ctx, fam, img.ID, audit.Entry{}) }},
		{"remove", func() error { return db.RemoveImage(ctx, fam, img.ID, audit.Entry{}) }},
	} {
		last, _ := db.LastSeq(ctx)
		if err := step.do(); err != nil {
			t.Fatalf("%s: %v", step.name, err)
		}
		got := mediaChanges(last)
		if len(got) != 1 || got[0].StoryID != en.ID || got[0].FamilyID != fam || got[0].Lang != "en" {
			t.Errorf("%s appended %+v, want one media change for the published English member", step.name, got)
		}
	}
	last, _ := db.LastSeq(ctx)
	if err := db.SetLeadImage(ctx, fam, img.ID, audit.Entry{}); err == nil {
		t.Fatal("lead of a removed image accepted")
	}
	if now, _ := db.LastSeq(ctx); now != last {
		t.Error("a refused change appended to the change log")
	}
}
