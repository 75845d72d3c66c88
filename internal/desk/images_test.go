package desk_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/png"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/qasid/qasid/internal/auth"
	"github.com/qasid/qasid/internal/blob"
	"github.com/qasid/qasid/internal/demo"
	"github.com/qasid/qasid/internal/desk"
	"github.com/qasid/qasid/internal/lang"
	"github.com/qasid/qasid/internal/media"
	"github.com/qasid/qasid/internal/newsroom"
	"github.com/qasid/qasid/internal/render"
	"github.com/qasid/qasid/internal/site"
	"github.com/qasid/qasid/internal/store"
	"github.com/qasid/qasid/internal/store/storetest"
	"github.com/qasid/qasid/internal/story"
	"github.com/qasid/qasid/internal/translate"
	"github.com/qasid/qasid/internal/webhook"
)

// photoLimit is the upload limit of the photo fixture: small, so that the
// "too large" case costs little.
const photoLimit = 256 << 10

// newPhotoFixture is newFixture with the photo desk wired into the desk and
// the site, keeping files in a temporary folder.
func newPhotoFixture(t testing.TB, db store.Store) *fixture {
	t.Helper()
	ctx := context.Background()
	if _, err := demo.Load(ctx, db); err != nil {
		t.Fatal(err)
	}
	cat, err := lang.LoadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	blobs, err := blob.NewDir(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	photos, err := media.New(media.Options{Store: db, Blobs: blobs, Limits: media.Limits{MaxBytes: photoLimit, Widths: []int{100, 200}}})
	if err != nil {
		t.Fatal(err)
	}
	svc := newsroom.New(newsroom.Options{Store: db})
	s, err := site.New(site.Options{Store: db, Catalog: cat, BaseURL: "https://news.example.org", Media: photos})
	if err != nil {
		t.Fatal(err)
	}
	tr := translate.New(translate.Options{Store: db, Newsroom: svc})
	hooks, err := webhook.New(webhook.Options{Store: db, BaseURL: "https://news.example.org"})
	if err != nil {
		t.Fatal(err)
	}
	d, err := desk.New(desk.Options{Service: svc, Store: db, Catalog: cat, Preview: s.Preview, PublicPath: render.StoryPath,
		Translate: tr, Webhooks: hooks, Media: photos})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/desk/", d.Handler())
	mux.Handle("/", s.Handler())
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	f := &fixture{srv: srv, db: db, svc: svc, tr: tr, hooks: hooks, users: map[auth.Role]auth.User{}}
	for _, u := range []auth.User{
		{Email: "editor@test.example", Roles: []auth.Role{auth.RoleEditor}, UILang: "en"},
		{Email: "reporter@test.example", Roles: []auth.Role{auth.RoleReporter}, UILang: "en"},
		{Email: "translator@test.example", Roles: []auth.Role{auth.RoleTranslator}, UILang: "ur", Pairs: []auth.Pair{{From: "en", To: "ur"}}},
	} {
		if err := svc.BootstrapUser(ctx, &u, password); err != nil {
			t.Fatal(err)
		}
		f.users[u.Roles[0]] = u
	}
	return f
}

// sendPhoto posts a file as the editor's upload form does.
func (c *client) sendPhoto(storyID int64, name, contentType string, data []byte) response {
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	h := make(map[string][]string)
	h["Content-Disposition"] = []string{`form-data; name="file"; filename="` + name + `"`}
	h["Content-Type"] = []string{contentType}
	part, _ := w.CreatePart(h)
	part.Write(data)
	w.Close()
	req, _ := http.NewRequest("POST", c.f.srv.URL+"/desk/stories/"+strconv.FormatInt(storyID, 10)+"/images", &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	return c.do(req)
}

func testPNG(t testing.TB, w, h int) []byte {
	m := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			m.SetRGBA(x, y, color.RGBA{uint8(x), uint8(y), 180, 255})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, m); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// bombPNG is a PNG header claiming 100,000 × 100,000 pixels.
func bombPNG() []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1A\n")
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], 100000)
	binary.BigEndian.PutUint32(ihdr[4:], 100000)
	ihdr[8], ihdr[9] = 8, 6
	binary.Write(&b, binary.BigEndian, uint32(13))
	c := append([]byte("IHDR"), ihdr...)
	b.Write(c)
	binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(c))
	return b.Bytes()
}

// rawKey is a media catalog key printed as it is: a key missing from the
// catalog, or misspelt in the template.
var rawKey = regexp.MustCompile(`[^/]media\.[a-z_]{3,}`)

var thumbRE = regexp.MustCompile(`<img src="(/media/[0-9]+-[0-9a-f]{16}/100\.jpg)" width="100" height="(\d+)"`)

// TestPhotoDesk walks the photo desk through HTTP: uploads decided by
// content (a PNG named .jpg is taken, a text file named .jpg refused with
// a clear message, as are a decompression bomb and an oversized file), the
// alt-text rule holding back publication, texts, the public page's figure,
// the renditions' caching, and the original for desk users only.
func TestPhotoDesk(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newPhotoFixture(t, db)
		ed := f.login(t, auth.RoleEditor)
		st := f.story(t, "en", story.StatusSubmitted)
		id := strconv.FormatInt(st.ID, 10)
		photo := testPNG(t, 300, 200)

		r := ed.sendPhoto(st.ID, "DSC_0042.jpg", "image/jpeg", photo)
		if r.status != http.StatusSeeOther || !strings.HasSuffix(r.header.Get("Location"), "?image=added#q_images") {
			t.Fatalf("upload of a PNG named .jpg: %d %s %s", r.status, r.header.Get("Location"), r.body)
		}
		page := ed.get("/desk/stories/" + id + "?image=added")
		for _, want := range []string{`id="q_images"`, "Photo added.", "1 photo has no alt text in English", `enctype="multipart/form-data"`} {
			if !strings.Contains(page.body, want) {
				t.Errorf("editor page lacks %q", want)
			}
		}
		m := thumbRE.FindStringSubmatch(page.body)
		if m == nil || m[2] != "67" {
			t.Fatalf("no 100 px thumbnail with its size in the panel:\n%s", page.body)
		}
		thumb := m[1]

		for _, tc := range []struct {
			name, file, ctype string
			data              []byte
			status            int
			says              string
		}{
			{"text named .jpg", "photo.jpg", "image/jpeg", []byte("Caption: the minister arrives.\n"), 422, "This file is a text file, not an image."},
			{"pdf", "photo.jpg", "image/jpeg", []byte("%PDF-1.7\n%âãÏÓ\n"), 422, "This file is a PDF, not an image."},
			{"decompression bomb", "huge.png", "image/png", bombPNG(), 422, "100000 × 100000 pixels; each side may be at most 12000"},
			{"truncated", "cut.png", "image/png", photo[:len(photo)/2], 422, "damaged or incomplete"},
			{"too large", "big.png", "image/png", append(append([]byte{}, photo...), make([]byte, photoLimit)...), 413, "larger than 0.25 MB"},
			{"empty", "empty.jpg", "image/jpeg", nil, 422, "The file is empty."},
		} {
			r := ed.sendPhoto(st.ID, tc.file, tc.ctype, tc.data)
			if r.status != tc.status || !strings.Contains(r.body, tc.says) {
				t.Errorf("%s: %d, want %d saying %q", tc.name, r.status, tc.status, tc.says)
			}
		}
		req, _ := http.NewRequest("POST", f.srv.URL+"/desk/stories/"+id+"/images", strings.NewReader("file=abc"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if r := ed.do(req); r.status != 422 || !strings.Contains(r.body, "multipart/form-data") {
			t.Errorf("a form without a file: %d", r.status)
		}
		list, _ := db.FamilyImages(context.Background(), st.FamilyID)
		if len(list) != 1 {
			t.Fatalf("%d images after refused uploads, want 1", len(list))
		}
		img := list[0].Image
		base := "/desk/stories/" + id + "/images/" + strconv.FormatInt(img.ID, 10)

		// The alt text is required to publish.
		r = ed.post("/desk/stories/"+id+"/publish", url.Values{})
		if r.status != 422 || !strings.Contains(r.body, "no alt text in English") {
			t.Fatalf("publish without alt text: %d", r.status)
		}
		r = ed.post(base+"/text", url.Values{"caption": {"Buses charge at the depot in Islamabad."},
			"credit": {"Photo: Sana Qureshi / IMN"}, "alt": {"Three green electric buses under a shed"}})
		if r.status != http.StatusSeeOther {
			t.Fatalf("save texts: %d %s", r.status, r.body)
		}
		if r := ed.post(base+"/text", url.Values{"alt": {"bell\x07"}}); r.status != 422 || !strings.Contains(r.body, "control character") {
			t.Errorf("alt text with a control character: %d", r.status)
		}
		if r := ed.post("/desk/stories/"+id+"/publish", url.Values{}); r.status != http.StatusSeeOther {
			t.Fatalf("publish with alt text: %d %s", r.status, r.body)
		}

		// The public page shows the lead photo as a figure, in the
		// story's language, and the rendition is served for a year.
		pub, _ := db.Story(context.Background(), st.ID)
		anon := f.client(t)
		sp := anon.get(render.StoryPath(pub))
		for _, want := range []string{
			`<figure class="lead-photo" lang="en" dir="ltr">`,
			`srcset="` + strings.Replace(thumb, "/100.jpg", "", 1) + `/100.jpg 100w, ` + strings.Replace(thumb, "/100.jpg", "", 1) + `/200.jpg 200w"`,
			`width="200" height="133" alt="Three green electric buses under a shed"`,
			`<figcaption>Buses charge at the depot in Islamabad. <span class="credit">Photo: Sana Qureshi / IMN</span></figcaption>`,
			`<meta property="og:image" content="https://news.example.org/media/`,
		} {
			if !strings.Contains(sp.body, want) {
				t.Errorf("story page lacks %q", want)
			}
		}
		rend := anon.get(thumb)
		if rend.status != 200 || rend.header.Get("Content-Type") != "image/jpeg" ||
			rend.header.Get("Cache-Control") != "public, max-age=31536000, immutable" || !strings.HasPrefix(rend.body, "\xFF\xD8") {
			t.Errorf("rendition: %d %v", rend.status, rend.header)
		}
		if r := anon.get(strings.Replace(thumb, thumb[len("/media/x-"):len("/media/x-")+4], "0000", 1)); r.status != 404 {
			t.Errorf("rendition with a wrong hash: %d", r.status)
		}

		// The original, GPS and all, is for desk users, as a download.
		orig := ed.get(base + "/original")
		if orig.status != 200 || orig.body != string(photo) || !strings.HasPrefix(orig.header.Get("Content-Disposition"), "attachment") ||
			orig.header.Get("Cache-Control") != "no-store" {
			t.Errorf("original: %d %v", orig.status, orig.header)
		}
		if r := anon.get(base + "/original"); r.status != http.StatusSeeOther {
			t.Errorf("original without signing in: %d", r.status)
		}

		// A translator sees the panel without the upload form, and may
		// not add photos even by posting.
		tr := f.login(t, auth.RoleTranslator)
		if r := tr.sendPhoto(st.ID, "x.png", "image/png", photo); r.status != http.StatusForbidden {
			t.Errorf("translator upload: %d", r.status)
		}

		// In Urdu, on an Urdu draft, the translator gets the panel in Urdu:
		// the text form in the story's language and direction, no upload.
		urStory := f.story(t, "ur", story.StatusDraft)
		if r := ed.sendPhoto(urStory.ID, "u.png", "image/png", testPNG(t, 150, 100)); r.status != http.StatusSeeOther {
			t.Fatalf("upload to the Urdu draft: %d", r.status)
		}
		up := tr.get("/desk/stories/" + strconv.FormatInt(urStory.ID, 10))
		for _, want := range []string{"تصاویر", "متبادل متن", `name="alt" rows="2" maxlength="1000" lang="ur" dir="rtl"`} {
			if !strings.Contains(up.body, want) {
				t.Errorf("translator's Urdu panel lacks %q", want)
			}
		}
		if strings.Contains(up.body, `enctype="multipart/form-data"`) || strings.Contains(up.body, "/remove") {
			t.Error("the translator is offered the upload or remove controls")
		}
		for _, body := range []string{page.body, up.body} {
			if m := rawKey.FindString(body); m != "" {
				t.Errorf("a catalog key shows untranslated: %q", m)
			}
		}

		// Lead and removal.
		second := testPNG(t, 120, 90)
		if r := ed.sendPhoto(st.ID, "b.png", "image/png", second); r.status != http.StatusSeeOther {
			t.Fatalf("second upload: %d", r.status)
		}
		if r := ed.sendPhoto(st.ID, "b.png", "image/png", second); !strings.HasSuffix(r.header.Get("Location"), "?image=placed#q_images") {
			t.Errorf("same file again: %s", r.header.Get("Location"))
		}
		list, _ = db.FamilyImages(context.Background(), st.FamilyID)
		b := "/desk/stories/" + id + "/images/" + strconv.FormatInt(list[1].Image.ID, 10)
		if r := ed.post(b+"/lead", nil); r.status != http.StatusSeeOther {
			t.Fatalf("lead: %d", r.status)
		}
		if r := ed.post(base+"/remove", nil); r.status != http.StatusSeeOther {
			t.Fatalf("remove: %d", r.status)
		}
		list, _ = db.FamilyImages(context.Background(), st.FamilyID)
		if len(list) != 1 || !list[0].Lead || list[0].Image.ID == img.ID {
			t.Errorf("after lead and remove: %+v", list)
		}
		if r := ed.post("/desk/stories/"+id+"/images/999999/lead", nil); r.status != 404 {
			t.Errorf("lead of an unknown image: %d", r.status)
		}
	})
}
