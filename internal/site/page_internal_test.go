package site

import (
	"strings"
	"testing"

	"github.com/qasid/qasid/internal/lang"
)

// TestLanguageMenu: one item a language, the current one marked, every
// destination carried as an escaped query value, whatever it holds.
func TestLanguageMenu(t *testing.T) {
	ur, _ := lang.Get("ur")
	hostile := `/x/"><script>alert(1)</script>&q='`
	got := string(languageMenu(ur, func(code string) string {
		if code == "fr" {
			return hostile
		}
		return "/" + code + "/"
	}))
	if n := strings.Count(got, "<li>"); n != len(lang.All()) {
		t.Errorf("%d items, want %d:\n%s", n, len(lang.All()), got)
	}
	if strings.Count(got, `aria-current="true"`) != 1 || !strings.Contains(got, `data-lang="ur" aria-current="true">اردو</a>`) {
		t.Errorf("the current language is not marked once, on Urdu:\n%s", got)
	}
	if strings.Contains(got, "<script>") || strings.Contains(got, `"><`) {
		t.Errorf("the destination broke out of its attribute:\n%s", got)
	}
	if !strings.Contains(got, `href="/lang/fr?next=%2Fx%2F%22%3E%3Cscript%3Ealert%281%29%3C%2Fscript%3E%26q%3D%27"`) {
		t.Errorf("the French destination is not the escaped query value:\n%s", got)
	}
	if !strings.Contains(got, `<li><a href="/lang/ar?next=%2Far%2F" lang="ar" dir="rtl" hreflang="ar" data-lang="ar">العربية</a></li>`) {
		t.Errorf("the Arabic item is not as the layout printed it:\n%s", got)
	}
}
