package mt

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// fakeLibreTranslate answers as the LibreTranslate API documents: a JSON
// request to POST /translate, {"translatedText"} or {"error"} back. It
// "translates" by tagging the text with the target language.
func fakeLibreTranslate(t *testing.T, key string) *httptest.Server {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /translate", func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			Q      string `json:"q"`
			Source string `json:"source"`
			Target string `json:"target"`
			Format string `json:"format"`
			APIKey string `json:"api_key"`
		}
		dec := json.NewDecoder(r.Body)
		if r.Header.Get("Content-Type") != "application/json" || dec.Decode(&req) != nil {
			w.WriteHeader(http.StatusBadRequest)
			json.NewEncoder(w).Encode(map[string]string{"error": "Invalid request"})
			return
		}
		if req.APIKey != key {
			w.WriteHeader(http.StatusForbidden)
			json.NewEncoder(w).Encode(map[string]string{"error": "Invalid API key"})
			return
		}
		if req.Target == "xx" {
			w.WriteHeader(http.StatusBadRequest)
			json.NewEncoder(w).Encode(map[string]string{"error": "xx is not supported"})
			return
		}
		json.NewEncoder(w).Encode(map[string]string{"translatedText": "[" + req.Source + ">" + req.Target + "] " + req.Q})
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func TestLibreTranslate(t *testing.T) {
	srv := fakeLibreTranslate(t, "secret")
	lt, err := NewLibreTranslate(srv.URL+"/", "secret", nil)
	if err != nil {
		t.Fatal(err)
	}
	got, err := lt.Translate(context.Background(), "The port handled more containers.", "en", "zh")
	if err != nil || got != "[en>zh-Hans] The port handled more containers." {
		t.Fatalf("got %q, %v", got, err)
	}
	if got, err := lt.Translate(context.Background(), "  ", "en", "ur"); err != nil || got != "" {
		t.Errorf("blank text: %q %v", got, err)
	}
	bad, _ := NewLibreTranslate(srv.URL, "wrong", nil)
	if _, err := bad.Translate(context.Background(), "x", "en", "ur"); err == nil || !strings.Contains(err.Error(), "403: Invalid API key") {
		t.Errorf("wrong key: %v", err)
	}
	if _, err := lt.Translate(context.Background(), "x", "en", "xx"); err == nil || !strings.Contains(err.Error(), "not supported") {
		t.Errorf("unsupported language: %v", err)
	}
	if _, err := lt.Translate(context.Background(), strings.Repeat("a", MaxText+1), "en", "ur"); err == nil {
		t.Error("oversized text sent")
	}
	if _, err := lt.Translate(context.Background(), "\xff", "en", "ur"); err == nil {
		t.Error("invalid UTF-8 sent")
	}
	for _, u := range []string{"", "ftp://x", "not a url", "http://"} {
		if _, err := NewLibreTranslate(u, "", nil); err == nil {
			t.Errorf("URL %q accepted", u)
		}
	}
	// A server that answers something else than the API's shape.
	odd := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(`{"text":"x"}`)) }))
	defer odd.Close()
	lo, _ := NewLibreTranslate(odd.URL, "", nil)
	if _, err := lo.Translate(context.Background(), "x", "en", "ur"); err == nil || !strings.Contains(err.Error(), "no translatedText") {
		t.Errorf("odd answer: %v", err)
	}
	down, _ := NewLibreTranslate("http://127.0.0.1:1", "", nil)
	if _, err := down.Translate(context.Background(), "x", "en", "ur"); err == nil {
		t.Error("no error from a server that is not there")
	}
}
