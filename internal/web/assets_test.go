package web

import (
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
)

func TestAssetsFingerprintAndRewriteStylesheets(t *testing.T) {
	a, err := LoadAssets()
	if err != nil {
		t.Fatal(err)
	}
	css := a.URL("site.css")
	if !regexp.MustCompile(`^/assets/site\.[0-9a-f]{10}\.css$`).MatchString(css) {
		t.Fatalf("site.css URL %q is not fingerprinted", css)
	}
	for _, name := range []string{"fonts/NotoNastaliqUrdu-Regular.woff2", "fonts/NotoNaskhArabic-Regular.woff2", "fonts/OFL.txt"} {
		if a.URL(name) == "" {
			t.Errorf("no URL for %s", name)
		}
	}
	rec := httptest.NewRecorder()
	a.ServeHTTP(rec, httptest.NewRequest("GET", css, nil))
	body := rec.Body.String()
	if rec.Code != 200 || !strings.Contains(body, "url("+a.URL("fonts/NotoNastaliqUrdu-Regular.woff2")+")") {
		t.Fatalf("stylesheet %d does not refer to the fingerprinted font", rec.Code)
	}
	if strings.Contains(body, "url(fonts/") {
		t.Error("stylesheet still has an unfingerprinted url()")
	}
	// A conditional request for an unchanged file is answered 304.
	rec2 := httptest.NewRecorder()
	req := httptest.NewRequest("GET", css, nil)
	req.Header.Set("If-None-Match", rec.Header().Get("ETag"))
	a.ServeHTTP(rec2, req)
	if rec2.Code != http.StatusNotModified {
		t.Errorf("conditional GET: %d, want 304", rec2.Code)
	}
	for _, p := range []string{"/assets/site.css", "/assets/site.0000000000.css", "/assets/../go.mod"} {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest("GET", "/", nil)
		req.URL.Path = p
		a.ServeHTTP(rec, req)
		if rec.Code != http.StatusNotFound {
			t.Errorf("%s: %d, want 404", p, rec.Code)
		}
	}
}

func TestErrorStatus(t *testing.T) {
	if StatusOf(NotFound(nil)) != 404 || StatusOf(&Error{Status: 410}) != 410 || StatusOf(http.ErrHandlerTimeout) != 500 {
		t.Error("StatusOf does not map errors to their statuses")
	}
}
