package desk_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/qasid/qasid/internal/auth"
	"github.com/qasid/qasid/internal/mt"
	"github.com/qasid/qasid/internal/newsroom"
	"github.com/qasid/qasid/internal/store/storetest"
	"github.com/qasid/qasid/internal/story"
)

// TestMachineSuggestions runs the workspace's machine button against a
// local server that answers as the LibreTranslate API does.
func TestMachineSuggestions(t *testing.T) {
	fake := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			Q      string `json:"q"`
			Source string `json:"source"`
			Target string `json:"target"`
		}
		if r.URL.Path != "/translate" || json.NewDecoder(r.Body).Decode(&req) != nil {
			w.WriteHeader(http.StatusBadRequest)
			json.NewEncoder(w).Encode(map[string]string{"error": "bad request"})
			return
		}
		json.NewEncoder(w).Encode(map[string]string{"translatedText": "MT(" + req.Source + ">" + req.Target + "): " + req.Q})
	}))
	defer fake.Close()
	lt, err := mt.NewLibreTranslate(fake.URL, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	f := newFixtureWith(t, storetest.SQLite(t), lt, lt.Name())
	ctx := context.Background()
	a := newsroom.Actor{User: f.users[auth.RoleEditor], IP: "127.0.0.1"}
	src := story.Story{Lang: "en", Section: "world", Headline: "Rain returns to the north", Body: "Farmers welcomed the first rain of the season.\n"}
	if err := f.svc.Create(ctx, a, &src); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Publish(ctx, a, src.ID, time.Time{}); err != nil {
		t.Fatal(err)
	}
	drafts, err := f.tr.Start(ctx, a, src.ID, []string{"zh"}, 0, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	tr := f.login(t, auth.RoleTranslator)
	path := "/desk/stories/" + strconv.FormatInt(drafts[0].ID, 10) + "/translate"
	ws := tr.get(path)
	if !strings.Contains(ws.body, `class="mt"`) || !strings.Contains(ws.body, "LibreTranslate") {
		t.Fatal("the workspace shows no machine button with a provider configured")
	}
	r := tr.post(path+"/mt?index=1", nil)
	if r.status != 200 || r.body != "MT(en>zh-Hans): Farmers welcomed the first rain of the season." {
		t.Errorf("machine suggestion: %d %q", r.status, r.body)
	}
	if r := tr.post(path+"/mt?index=x", nil); r.status != http.StatusUnprocessableEntity {
		t.Errorf("bad index: %d", r.status)
	}
}
