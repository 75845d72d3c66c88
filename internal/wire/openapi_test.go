package wire_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/qasid/qasid/internal/store/storetest"
	"github.com/qasid/qasid/internal/wire"
)

// TestOpenAPI walks the served document against the real handler: every
// documented path and method answers with a valid key (neither 404 nor
// 405), every route the handler serves is documented, and the document
// holds together (parameters named in paths exist, every $ref resolves).
func TestOpenAPI(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t), envOptions{})
	_, key := e.subscriber(t, wire.NewSubscriber{Name: "All"})
	a := e.get(t, "", "/wire/v1/openapi.json")
	if a.status != 200 || !strings.HasPrefix(a.header.Get("Content-Type"), "application/json") {
		t.Fatalf("openapi.json: %d %v", a.status, a.header)
	}
	var doc struct {
		OpenAPI    string                                `json:"openapi"`
		Servers    []struct{ URL string }                `json:"servers"`
		Paths      map[string]map[string]json.RawMessage `json:"paths"`
		Components map[string]map[string]json.RawMessage `json:"components"`
	}
	if err := json.Unmarshal(a.body, &doc); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.1.") || len(doc.Servers) != 1 || doc.Servers[0].URL != baseURL {
		t.Errorf("openapi %q, servers %+v", doc.OpenAPI, doc.Servers)
	}
	if _, ok := doc.Components["securitySchemes"]["bearerKey"]; !ok {
		t.Error("no bearer security scheme")
	}
	if _, ok := doc.Components["schemas"]["Problem"]; !ok {
		t.Error("no problem schema")
	}

	id := storyIn(t, e.db, "en", "world")
	var documented []string
	for path, ops := range doc.Paths {
		for method, raw := range ops {
			documented = append(documented, strings.ToUpper(method)+" "+path)
			var op struct {
				Parameters []struct{ Name, In string }
				Responses  map[string]json.RawMessage
			}
			if err := json.Unmarshal(raw, &op); err != nil {
				t.Fatal(err)
			}
			for _, p := range op.Parameters {
				if p.In == "path" && !strings.Contains(path, "{"+p.Name+"}") {
					t.Errorf("%s %s: path parameter %s not in the path", method, path, p.Name)
				}
			}
			if _, ok := op.Responses["200"]; !ok {
				t.Errorf("%s %s documents no success", method, path)
			}
			url := strings.ReplaceAll(path, "{id}", fmt.Sprint(id))
			if strings.Contains(url, "{") {
				t.Errorf("%s: a path parameter this test cannot fill", path)
				continue
			}
			req, _ := http.NewRequest(strings.ToUpper(method), e.srv.URL+url, nil)
			req.Header.Set("Authorization", "Bearer "+key)
			res, err := e.srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode == 404 || res.StatusCode == 405 || res.StatusCode >= 500 {
				t.Errorf("documented %s %s answers %d", method, url, res.StatusCode)
			}
			if _, ok := op.Responses[fmt.Sprint(res.StatusCode)]; !ok {
				t.Errorf("%s %s answered %d, which it does not document", method, url, res.StatusCode)
			}
		}
	}
	var served []string
	for _, r := range wire.Routes() {
		served = append(served, r[0]+" "+r[1])
	}
	slices.Sort(documented)
	slices.Sort(served)
	if !slices.Equal(documented, served) {
		t.Errorf("documented %v, served %v", documented, served)
	}
	// Every route is live on the handler: the route list is what it serves.
	for _, r := range wire.Routes() {
		url := strings.ReplaceAll(r[1], "{id}", fmt.Sprint(id)) + requiredQuery[r[1]]
		if a := e.get(t, key, url); a.status != 200 {
			t.Errorf("route %s %s answers %d", r[0], url, a.status)
		}
	}

	// Every $ref points at something in the document.
	var whole any
	json.Unmarshal(a.body, &whole)
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			if r, ok := v["$ref"].(string); ok {
				parts := strings.Split(strings.TrimPrefix(r, "#/"), "/")
				var cur any = whole
				for _, p := range parts {
					m, _ := cur.(map[string]any)
					cur = m[p]
				}
				if cur == nil {
					t.Errorf("$ref %s resolves to nothing", r)
				}
			}
			for _, x := range v {
				walk(x)
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		}
	}
	walk(whole)
}
