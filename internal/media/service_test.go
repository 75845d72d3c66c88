package media

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/qasid/qasid/internal/audit"
	"github.com/qasid/qasid/internal/auth"
	"github.com/qasid/qasid/internal/blob"
	"github.com/qasid/qasid/internal/newsroom"
	"github.com/qasid/qasid/internal/store"
	"github.com/qasid/qasid/internal/store/storetest"
	"github.com/qasid/qasid/internal/story"
)

type env struct {
	t     *testing.T
	db    *store.DB
	root  string
	svc   *Service
	users map[auth.Role]newsroom.Actor
}

func newEnv(t *testing.T, db *store.DB) *env {
	root := t.TempDir()
	dir, err := blob.NewDir(root)
	if err != nil {
		t.Fatal(err)
	}
	// Small renditions keep the tests quick under the race detector.
	svc, err := New(Options{Store: db, Blobs: dir, Limits: Limits{Widths: []int{100, 200, 400}}})
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, db: db, root: root, svc: svc, users: map[auth.Role]newsroom.Actor{}}
	for _, r := range auth.Roles() {
		u := auth.User{Email: string(r) + "@example.com", Roles: []auth.Role{r}}
		if r == auth.RoleTranslator {
			u.Pairs = []auth.Pair{{From: "en", To: "ur"}}
		}
		if err := db.CreateUser(t.Context(), &u, audit.Entry{}); err != nil {
			t.Fatal(err)
		}
		e.users[r] = newsroom.Actor{User: u, IP: "192.0.2.7"}
	}
	return e
}

// draft makes a draft in code by the reporter, in family fam (a new one when 0).
func (e *env) draft(code string, fam int64) story.Story {
	e.t.Helper()
	ctx := e.t.Context()
	if fam == 0 {
		var err error
		if fam, err = e.db.CreateFamily(ctx, ""); err != nil {
			e.t.Fatal(err)
		}
	}
	st := story.Story{FamilyID: fam, Lang: code, Headline: "Buses " + code, Slug: "buses", Section: "world",
		Status: story.StatusDraft, AuthorID: e.users[auth.RoleReporter].User.ID}
	if err := e.db.CreateStory(ctx, &st); err != nil {
		e.t.Fatal(err)
	}
	return st
}

// files lists what the blob folder holds.
func (e *env) files() []string {
	var out []string
	filepath.WalkDir(e.root, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(e.root, p)
			out = append(out, filepath.ToSlash(rel))
		}
		return nil
	})
	return out
}

func TestUpload(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		e := newEnv(t, db)
		reporter := e.users[auth.RoleReporter]
		st := e.draft("en", 0)
		photo := withEXIF(jpegBytes(t, picture(600, 400)), exifApp1(6, binary.LittleEndian))
		up, err := e.svc.Upload(ctx, reporter, st.ID, bytes.NewReader(photo))
		if err != nil {
			t.Fatal(err)
		}
		img := up.Image
		if up.Known || up.Placed || !up.Lead || img.Width != 400 || img.Height != 600 || img.MIME != "image/jpeg" ||
			img.Bytes != int64(len(photo)) || img.UploadedBy != reporter.User.ID {
			t.Errorf("uploaded %+v: want a new upright 400×600 JPEG, the family's lead", up)
		}
		var widths []int
		for _, r := range img.Renditions {
			widths = append(widths, r.Width)
			f, n, err := blob.Store(mustDir(t, e.root)).Open(ctx, r.Key)
			if err != nil {
				t.Fatal(err)
			}
			data, _ := io.ReadAll(f)
			f.Close()
			if n != r.Bytes || bytes.Contains(data, []byte(secret)) || bytes.Contains(data, []byte("Exif")) {
				t.Errorf("rendition %s: %d bytes (row says %d), or metadata leaked", r.Key, n, r.Bytes)
			}
		}
		if len(widths) != 3 || widths[0] != 100 || widths[2] != 400 {
			t.Errorf("rendition widths %v", widths)
		}
		// The original is kept byte for byte, GPS and all, for the desk.
		f, _, err := e.svc.Original(ctx, reporter, st.ID, img.ID)
		if err != nil {
			t.Fatal(err)
		}
		orig, _ := io.ReadAll(f)
		f.Close()
		if !bytes.Equal(orig, photo) {
			t.Error("the original is not the file uploaded")
		}
		entries, _ := db.Audit(ctx, audit.Query{UserID: reporter.User.ID})
		var actions []string
		for _, a := range entries {
			actions = append(actions, string(a.Action))
			if a.Action == ActionAdd && (a.StoryID != st.ID || a.IP != "192.0.2.7") {
				t.Errorf("image.add entry %+v: want the story and the address", a)
			}
		}
		if strings.Join(actions, " ") != "image.add image.upload" {
			t.Errorf("audit %v, want image.upload then image.add", actions)
		}
		files := len(e.files())

		// The same file again: in the same story nothing changes; in
		// another story's family it is the same image, nothing decoded or
		// written again.
		again, err := e.svc.Upload(ctx, reporter, st.ID, bytes.NewReader(photo))
		if err != nil || !again.Placed || again.Image.ID != img.ID {
			t.Errorf("same file, same story: %+v, %v; want it found in place", again, err)
		}
		other := e.draft("fr", 0)
		elsewhere, err := e.svc.Upload(ctx, reporter, other.ID, bytes.NewReader(photo))
		if err != nil || !elsewhere.Known || elsewhere.Placed || elsewhere.Image.ID != img.ID {
			t.Errorf("same file, other story: %+v, %v; want the known image placed", elsewhere, err)
		}
		if len(e.files()) != files {
			t.Errorf("%d files after uploading the same file again, want %d", len(e.files()), files)
		}

		// A refused file changes nothing.
		_, err = e.svc.Upload(ctx, reporter, st.ID, strings.NewReader("%PDF-1.4 not a photo"))
		var me *Error
		if !errors.As(err, &me) || me.Code != "pdf" {
			t.Errorf("PDF upload: %v", err)
		}
		list, _ := e.svc.Images(ctx, reporter, st.ID)
		if len(list) != 1 || len(e.files()) != files {
			t.Errorf("after a refused upload: %d images, %d files", len(list), len(e.files()))
		}

		// Public renditions are found by id, hash and width, and only so.
		hash := img.SHA256[:16]
		r, _, rend, err := e.svc.Rendition(ctx, img.ID, hash, 200, "image/jpeg")
		if err != nil || rend.Width != 200 {
			t.Fatalf("rendition: %+v, %v", rend, err)
		}
		r.Close()
		for _, tc := range []struct {
			id    int64
			hash  string
			width int
			mime  string
		}{
			{img.ID, "0000000000000000", 200, "image/jpeg"},
			{img.ID, hash[:15], 200, "image/jpeg"},
			{img.ID, hash, 201, "image/jpeg"},
			{img.ID, hash, 200, "image/webp"},
			{img.ID + 100, hash, 200, "image/jpeg"},
		} {
			if _, _, _, err := e.svc.Rendition(ctx, tc.id, tc.hash, tc.width, tc.mime); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("rendition %+v: %v, want not found", tc, err)
			}
		}
	})
}

func mustDir(t *testing.T, root string) *blob.Dir {
	d, err := blob.NewDir(root)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// TestPermissions: reporters add photos to their own drafts, editors to any
// story, translators only write texts in their language; every refusal is
// newsroom.ErrForbidden and changes nothing.
func TestPermissions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		e := newEnv(t, db)
		en := e.draft("en", 0)
		ur := e.draft("ur", en.FamilyID)
		photo := pngBytes(t, picture(500, 300))
		editor, translator := e.users[auth.RoleEditor], e.users[auth.RoleTranslator]
		other := newsroom.Actor{User: auth.User{Email: "other@example.com", Roles: []auth.Role{auth.RoleReporter}}}
		if err := db.CreateUser(ctx, &other.User, audit.Entry{}); err != nil {
			t.Fatal(err)
		}
		forbidden := func(what string, err error) {
			t.Helper()
			if !errors.Is(err, newsroom.ErrForbidden) {
				t.Errorf("%s: %v, want forbidden", what, err)
			}
		}
		_, err := e.svc.Upload(ctx, other, en.ID, bytes.NewReader(photo))
		forbidden("another reporter's draft", err)
		_, err = e.svc.Upload(ctx, translator, ur.ID, bytes.NewReader(photo))
		forbidden("translator upload", err)
		up, err := e.svc.Upload(ctx, editor, en.ID, bytes.NewReader(photo))
		if err != nil {
			t.Fatal(err)
		}
		id := up.Image.ID
		forbidden("translator lead", e.svc.SetLead(ctx, translator, ur.ID, id))
		forbidden("translator remove", e.svc.Remove(ctx, translator, ur.ID, id))
		forbidden("translator texts in English", e.svc.SetText(ctx, translator, en.ID, id, store.ImageText{Alt: "x"}))
		forbidden("other reporter texts", e.svc.SetText(ctx, other, en.ID, id, store.ImageText{Alt: "x"}))
		// The translator describes the photo in Urdu, on the Urdu draft.
		if err := e.svc.SetText(ctx, translator, ur.ID, id, store.ImageText{Alt: " شیڈ کے نیچے بسیں ", Caption: "بسیں\r\nچارج ہو رہی ہیں"}); err != nil {
			t.Fatal(err)
		}
		fi, _ := db.FamilyImage(ctx, en.FamilyID, id)
		if got := fi.Text("ur"); got.Alt != "شیڈ کے نیچے بسیں" || got.Caption != "بسیں\nچارج ہو رہی ہیں" || !fi.Text("en").IsZero() {
			t.Errorf("texts %+v: want the Urdu ones trimmed, with one line break", fi.Texts)
		}
		for _, bad := range []store.ImageText{
			{Alt: "bell\x07"},
			{Credit: "two\nlines"},
			{Alt: strings.Repeat("a", MaxAlt+1)},
		} {
			if err := e.svc.SetText(ctx, editor, en.ID, id, bad); !errors.Is(err, story.ErrInvalid) {
				t.Errorf("text %q: %v, want invalid", bad, err)
			}
		}
		// Viewing and downloading need only the right to see the story.
		if _, err := e.svc.Images(ctx, translator, en.ID); err != nil {
			t.Errorf("translator viewing the source's images: %v", err)
		}
		if _, _, err := e.svc.Original(ctx, other, en.ID, id); err != nil {
			t.Errorf("a reporter viewing a colleague's draft's original: %v", err)
		}
		if _, _, err := e.svc.Original(ctx, editor, e.draft("es", 0).ID, id); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("an original through a story whose family lacks it: %v", err)
		}
		if err := e.svc.Remove(ctx, editor, en.ID, id); err != nil {
			t.Fatal(err)
		}
		if list, _ := e.svc.Images(ctx, editor, ur.ID); len(list) != 0 {
			t.Errorf("%d images after removal, want 0 in every language", len(list))
		}
	})
}

// TestConcurrentUploads sends one new file four times at once: one image,
// one placement, whoever wins.
func TestConcurrentUploads(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		e := newEnv(t, db)
		st := e.draft("en", 0)
		photo := jpegBytes(t, picture(900, 600))
		var wg sync.WaitGroup
		errs := make([]error, 4)
		for i := range errs {
			wg.Go(func() {
				_, errs[i] = e.svc.Upload(ctx, e.users[auth.RoleEditor], st.ID, bytes.NewReader(photo))
			})
		}
		wg.Wait()
		for _, err := range errs {
			if err != nil {
				t.Error(err)
			}
		}
		list, _ := e.svc.Images(ctx, e.users[auth.RoleEditor], st.ID)
		if len(list) != 1 || !list[0].Lead {
			t.Errorf("%d images, want 1 lead", len(list))
		}
	})
}

// TestUploadToS3 runs an upload with the files in a real S3-compatible
// bucket (QASID_TEST_S3, see blob.TestS3): the original comes back byte for
// byte and a rendition can seek, which range requests on /media/ need.
func TestUploadToS3(t *testing.T) {
	raw := os.Getenv("QASID_TEST_S3")
	if raw == "" {
		t.Skip("QASID_TEST_S3 not set: no S3-compatible server to test against")
	}
	ctx := t.Context()
	c, err := blob.ParseS3URL(raw)
	if err != nil {
		t.Fatal(err)
	}
	c.Prefix = strings.Trim(c.Prefix+"/media-test-"+strconv.FormatInt(time.Now().UnixNano(), 36), "/")
	c.AccessKey, c.SecretKey = os.Getenv("QASID_S3_ACCESS_KEY"), os.Getenv("QASID_S3_SECRET_KEY")
	s3, err := blob.NewS3(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	db := storetest.SQLite(t)
	e := newEnv(t, db)
	e.svc, err = New(Options{Store: db, Blobs: s3, Limits: Limits{Widths: []int{100, 200}}})
	if err != nil {
		t.Fatal(err)
	}
	st := e.draft("en", 0)
	photo := withEXIF(jpegBytes(t, picture(300, 200)), exifApp1(1, binary.BigEndian))
	up, err := e.svc.Upload(ctx, e.users[auth.RoleEditor], st.ID, bytes.NewReader(photo))
	if err != nil {
		t.Fatal(err)
	}
	f, _, err := e.svc.Original(ctx, e.users[auth.RoleEditor], st.ID, up.Image.ID)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(f)
	f.Close()
	if !bytes.Equal(got, photo) {
		t.Error("the original read back from S3 differs")
	}
	r, _, rend, err := e.svc.Rendition(ctx, up.Image.ID, up.Image.SHA256[:16], 200, "image/jpeg")
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	rs, ok := r.(io.ReadSeeker)
	if !ok {
		t.Fatalf("%T cannot seek", r)
	}
	if n, err := rs.Seek(0, io.SeekEnd); err != nil || n != rend.Bytes {
		t.Errorf("rendition size by seeking: %d, %v; want %d", n, err, rend.Bytes)
	}
}
