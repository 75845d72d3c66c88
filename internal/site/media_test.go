package site_test

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/qasid/qasid/internal/audit"
	"github.com/qasid/qasid/internal/auth"
	"github.com/qasid/qasid/internal/blob"
	"github.com/qasid/qasid/internal/feed/feedtest"
	"github.com/qasid/qasid/internal/media"
	"github.com/qasid/qasid/internal/newsroom"
	"github.com/qasid/qasid/internal/render"
	"github.com/qasid/qasid/internal/site"
	"github.com/qasid/qasid/internal/store"
)

// photoFixture is the demo site with the photo desk, and the demo's
// electric-buses family carrying one photo with English and Urdu texts.
func photoFixture(t *testing.T) (*fixture, store.Image) {
	t.Helper()
	ctx := context.Background()
	f := newFixture(t)
	blobs, err := blob.NewDir(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	photos, err := media.New(media.Options{Store: f.db, Blobs: blobs, Limits: media.Limits{Widths: []int{100, 200}}})
	if err != nil {
		t.Fatal(err)
	}
	s, err := site.New(site.Options{Store: f.db, Catalog: f.cat, BaseURL: "https://news.example.org", Media: photos})
	if err != nil {
		t.Fatal(err)
	}
	f.srv = httptest.NewServer(s.Handler())
	t.Cleanup(f.srv.Close)

	ed := newsroom.Actor{User: auth.User{Email: "photo-editor@example.com", Roles: []auth.Role{auth.RoleEditor}}}
	if err := f.db.CreateUser(ctx, &ed.User, audit.Entry{}); err != nil {
		t.Fatal(err)
	}
	m := image.NewRGBA(image.Rect(0, 0, 300, 200))
	for i := range m.Pix {
		m.Pix[i] = uint8(i)
	}
	m.SetRGBA(0, 0, color.RGBA{255, 0, 0, 255})
	var b bytes.Buffer
	png.Encode(&b, m)
	en, ur := f.member(t, "03-islamabad-electric-buses", "en"), f.member(t, "03-islamabad-electric-buses", "ur")
	up, err := photos.Upload(ctx, ed, en.ID, &b)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		id int64
		t  store.ImageText
	}{
		{en.ID, store.ImageText{Caption: "Buses charge at the depot.", Credit: "Photo: S. Qureshi / IMN", Alt: "Green buses under a shed"}},
		{ur.ID, store.ImageText{Caption: "ڈپو میں بسیں چارج ہو رہی ہیں۔", Credit: "تصویر: ثنا قریشی", Alt: "شیڈ کے نیچے سبز بسیں"}},
	} {
		if err := photos.SetText(ctx, ed, tc.id, up.Image.ID, tc.t); err != nil {
			t.Fatal(err)
		}
	}
	return f, up.Image
}

// TestLeadPhoto: the story page shows the family's lead photo as a figure
// with srcset, sizes, width, height and alt, captioned in the page's own
// language and direction; Open Graph and JSON-LD name it; a language
// without texts gets the photo with an empty alt and no caption; a story
// without photos gets none of it.
func TestLeadPhoto(t *testing.T) {
	f, img := photoFixture(t)
	ref := media.Ref(img)
	en := f.get(t, render.StoryPath(f.member(t, "03-islamabad-electric-buses", "en")))
	for _, want := range []string{
		`<figure class="lead-photo" lang="en" dir="ltr">`,
		`<img src="/media/` + ref + `/200.jpg" srcset="/media/` + ref + `/100.jpg 100w, /media/` + ref + `/200.jpg 200w" sizes="(min-width: 44rem) 42rem, 100vw" width="200" height="133" alt="Green buses under a shed" loading="eager"`,
		`<figcaption>Buses charge at the depot. <span class="credit">Photo: S. Qureshi / IMN</span></figcaption>`,
		`<meta property="og:image" content="https://news.example.org/media/` + ref + `/200.jpg">`,
		`<meta property="og:image:width" content="200">`,
		`<meta property="og:image:alt" content="Green buses under a shed">`,
		`<meta name="twitter:card" content="summary_large_image">`,
	} {
		if !strings.Contains(en.body, want) {
			t.Errorf("English page lacks %q", want)
		}
	}
	var ld struct {
		Image struct {
			Type           string `json:"@type"`
			URL            string `json:"url"`
			Width, Height  int
			EncodingFormat string `json:"encodingFormat"`
			Caption        string `json:"caption"`
			CreditText     string `json:"creditText"`
		} `json:"image"`
	}
	m := regexp.MustCompile(`<script type="application/ld\+json">(.*?)</script>`).FindStringSubmatch(en.body)
	if m == nil {
		t.Fatal("no JSON-LD")
	}
	if err := json.Unmarshal([]byte(m[1]), &ld); err != nil {
		t.Fatal(err)
	}
	if ld.Image.Type != "ImageObject" || ld.Image.URL != "https://news.example.org/media/"+ref+"/200.jpg" || ld.Image.Width != 200 ||
		ld.Image.Height != 133 || ld.Image.EncodingFormat != "image/jpeg" || ld.Image.CreditText != "Photo: S. Qureshi / IMN" {
		t.Errorf("JSON-LD image %+v", ld.Image)
	}

	ur := f.get(t, render.StoryPath(f.member(t, "03-islamabad-electric-buses", "ur")))
	for _, want := range []string{`<figure class="lead-photo" lang="ur" dir="rtl">`, `alt="شیڈ کے نیچے سبز بسیں"`,
		`<figcaption>ڈپو میں بسیں چارج ہو رہی ہیں۔ <span class="credit">تصویر: ثنا قریشی</span></figcaption>`} {
		if !strings.Contains(ur.body, want) {
			t.Errorf("Urdu page lacks %q", want)
		}
	}
	zh := f.get(t, render.StoryPath(f.member(t, "03-islamabad-electric-buses", "zh")))
	if !strings.Contains(zh.body, `height="133" alt="" loading="eager"`) || strings.Contains(zh.body, "<figcaption>") {
		t.Errorf("Chinese page: want the photo with an empty alt and no caption")
	}
	other := f.get(t, render.StoryPath(f.member(t, "01-xi-astana-state-visit", "en")))
	if strings.Contains(other.body, "lead-photo") || strings.Contains(other.body, "og:image") {
		t.Error("a story without photos shows one")
	}
}

// TestRenditionServing: renditions are served with a year of immutable
// caching, answer HEAD, ranges and conditional requests, and any URL that
// does not name one exactly is not found.
func TestRenditionServing(t *testing.T) {
	f, img := photoFixture(t)
	path := media.Path(img, img.Renditions[0])
	r := f.get(t, path)
	if r.status != 200 || r.header.Get("Content-Type") != "image/jpeg" || r.header.Get("Cache-Control") != "public, max-age=31536000, immutable" ||
		r.header.Get("X-Content-Type-Options") != "nosniff" || r.header.Get("Content-Length") != strconv.FormatInt(img.Renditions[0].Bytes, 10) {
		t.Fatalf("rendition: %d %v", r.status, r.header)
	}
	if h := f.do(t, "HEAD", path, nil); h.status != 200 || h.body != "" {
		t.Errorf("HEAD: %d, %d bytes", h.status, len(h.body))
	}
	if p := f.do(t, "GET", path, map[string]string{"Range": "bytes=0-1"}); p.status != http.StatusPartialContent || p.body != "\xFF\xD8" {
		t.Errorf("range: %d %q", p.status, p.body)
	}
	if c := f.do(t, "GET", path, map[string]string{"If-None-Match": r.header.Get("ETag")}); c.status != http.StatusNotModified {
		t.Errorf("conditional: %d", c.status)
	}
	ref := media.Ref(img)
	for _, bad := range []string{
		"/media/" + ref + "/150.jpg",
		"/media/" + ref + "/100.webp",
		"/media/" + ref + "/100.png",
		"/media/" + strconv.FormatInt(img.ID, 10) + "-0000000000000000/100.jpg",
		"/media/" + strconv.FormatInt(img.ID+1, 10) + ref[strings.Index(ref, "-"):] + "/100.jpg",
		"/media/" + ref + "/original.png",
		"/media/" + ref,
		"/media/..%2f..%2fqasid.db/100.jpg",
	} {
		if r := f.get(t, bad); r.status != 404 {
			t.Errorf("%s: %d, want 404", bad, r.status)
		}
	}
}

// TestFeedEnclosures: the lead photo rides in the feeds as an enclosure
// with its size and type; Atom stays valid against RFC 4287's schema.
func TestFeedEnclosures(t *testing.T) {
	f, img := photoFixture(t)
	big := img.Renditions[len(img.Renditions)-1]
	want := "https://news.example.org" + media.Path(img, big)
	rss := f.get(t, "/feeds/ur.rss")
	var doc struct {
		Items []struct {
			Link      string `xml:"link"`
			Enclosure *struct {
				URL    string `xml:"url,attr"`
				Length int64  `xml:"length,attr"`
				Type   string `xml:"type,attr"`
			} `xml:"enclosure"`
		} `xml:"channel>item"`
	}
	if err := xml.Unmarshal([]byte(rss.body), &doc); err != nil {
		t.Fatal(err)
	}
	found := 0
	for _, it := range doc.Items {
		if it.Enclosure == nil {
			continue
		}
		found++
		if it.Enclosure.URL != want || it.Enclosure.Length != big.Bytes || it.Enclosure.Type != "image/jpeg" {
			t.Errorf("enclosure %+v, want %s (%d bytes)", it.Enclosure, want, big.Bytes)
		}
	}
	if found != 1 {
		t.Errorf("%d enclosures in the Urdu feed, want 1", found)
	}
	atom := f.get(t, "/feeds/en.atom")
	if !strings.Contains(atom.body, `rel="enclosure" type="image/jpeg" href="`+want+`" length="`+strconv.FormatInt(big.Bytes, 10)+`"`) {
		t.Errorf("Atom feed lacks the enclosure link")
	}
	feedtest.Atom(t, []byte(atom.body))
}
