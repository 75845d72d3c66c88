// Package feedtest checks feeds and sitemaps against the schemas kept in
// ../shared/schemas, for the tests of feed and of the site.
package feedtest

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// Schemas finds shared/schemas by walking up from the working directory:
// CI clones the repository elsewhere with shared/ beside it. A test is
// skipped, with the reason, when no such folder exists.
func Schemas(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		p := filepath.Join(dir, "shared", "schemas")
		if fi, err := os.Stat(p); err == nil && fi.IsDir() {
			return p
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Skip("feedtest: no shared/schemas above the working directory; schema checks skipped")
		}
		dir = parent
	}
}

// required reports whether a missing validator must fail the test rather
// than skip it: in CI and end-to-end runs the tools are installed.
func required() bool { return os.Getenv("QASID_E2E") == "1" || os.Getenv("CI") != "" }

// xmllint runs xmllint with args on doc and fails the test with its report
// when the document is not valid.
func xmllint(t testing.TB, doc []byte, args ...string) {
	t.Helper()
	bin, err := exec.LookPath("xmllint")
	if err != nil {
		if required() {
			t.Fatal("feedtest: xmllint is not installed (apt-get install libxml2-utils)")
		}
		t.Skip("feedtest: xmllint is not installed; schema checks skipped")
	}
	f := filepath.Join(t.TempDir(), "doc.xml")
	if err := os.WriteFile(f, doc, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, append(append([]string{"--noout", "--nonet"}, args...), f)...).CombinedOutput()
	if err != nil {
		t.Errorf("feedtest: not valid (%v):\n%s", err, out)
	}
}

// Atom checks an Atom document against RFC 4287's RELAX NG schema.
func Atom(t testing.TB, doc []byte) {
	t.Helper()
	xmllint(t, doc, "--relaxng", filepath.Join(Schemas(t), "atom", "atom.rng"))
}

// Sitemap checks a <urlset>, extensions (xhtml:link, news:news) included.
func Sitemap(t testing.TB, doc []byte) {
	t.Helper()
	xmllint(t, doc, "--schema", filepath.Join(Schemas(t), "sitemaps", "sitemap-with-extensions.xsd"))
}

// SitemapIndex checks a <sitemapindex>.
func SitemapIndex(t testing.TB, doc []byte) {
	t.Helper()
	xmllint(t, doc, "--schema", filepath.Join(Schemas(t), "sitemaps", "siteindex.xsd"))
}

// URLSet is a sitemap read back, with the xhtml alternates and the Google
// News block of each URL, for tests to assert on.
type URLSet struct {
	URLs []struct {
		Loc     string `xml:"loc"`
		LastMod string `xml:"lastmod"`
		Links   []struct {
			Rel      string `xml:"rel,attr"`
			Hreflang string `xml:"hreflang,attr"`
			Href     string `xml:"href,attr"`
		} `xml:"http://www.w3.org/1999/xhtml link"`
		News *struct {
			Name     string `xml:"publication>name"`
			Language string `xml:"publication>language"`
			Date     string `xml:"publication_date"`
			Title    string `xml:"title"`
		} `xml:"http://www.google.com/schemas/sitemap-news/0.9 news"`
	} `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 url"`
}
