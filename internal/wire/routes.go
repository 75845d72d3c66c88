package wire

import (
	"net/http"
	"strings"

	"github.com/qasid/qasid/internal/lang"
)

// route is one endpoint of the API. The list in routes is the only one:
// Handler registers it and the OpenAPI document describes it, so the two
// cannot drift apart (openapi_test.go checks both ways against the live
// handler).
type route struct {
	Method string
	Path   string // a ServeMux pattern path, which is also the OpenAPI path template
	Auth   bool
	handle func(a *API) apiHandler
	op     map[string]any // the OpenAPI operation, without security and the shared error responses
}

// Routes lists the API's method and path pairs, for tests and the app.
func Routes() [][2]string {
	var out [][2]string
	for _, rt := range routes() {
		out = append(out, [2]string{rt.Method, rt.Path})
	}
	return out
}

func routes() []route {
	return []route{
		{
			Method: http.MethodGet, Path: "/wire/v1/items", Auth: true,
			handle: func(a *API) apiHandler { return a.items },
			op: map[string]any{
				"operationId": "listItems",
				"summary":     "Items after a cursor, oldest first",
				"description": "Every version (publication, correction, kill) of every story the key is entitled to, " +
					"each once, oldest first after the cursor. Start without `since`, then always pass the `next` " +
					"of the previous answer: a consumer that does so sees every version exactly once. A kill is an " +
					"item with pubStatus canceled.",
				"parameters": []any{
					param("lang", "Only items in this language (a code: en, ur, zh, ar, ru, fr, es).", map[string]any{"type": "string", "enum": langEnum()}),
					param("section", "Only items in this section (a section key, e.g. world).", map[string]any{"type": "string", "maxLength": 40}),
					param("since", "The `next` cursor of a previous answer; omit it to start at the beginning.", map[string]any{"type": "string", "maxLength": maxCursor}),
					param("limit", "At most this many items.", map[string]any{"type": "integer", "minimum": 1, "maximum": MaxLimit, "default": DefaultLimit}),
				},
				"responses": map[string]any{
					"200": map[string]any{
						"description": "A page of items.",
						"content":     map[string]any{"application/json": map[string]any{"schema": ref("schemas", "ItemPage")}},
					},
					"400": ref("responses", "BadRequest"),
				},
			},
		},
		{
			Method: http.MethodGet, Path: "/wire/v1/items/{id}", Auth: true,
			handle: func(a *API) apiHandler { return a.item },
			op: map[string]any{
				"operationId": "getItem",
				"summary":     "The latest version of one item",
				"description": "As ninjs 3.1 (Accept: application/json, or the id followed by .json) or as a NewsML-G2 " +
					"2.35 newsItem (Accept: application/vnd.iptc.g2.newsitem+xml or application/xml, or the id " +
					"followed by .xml). An item the key may not receive answers 404, as an unknown one does.",
				"parameters": []any{map[string]any{
					"name": "id", "in": "path", "required": true,
					"description": "The story id, optionally followed by .json or .xml.",
					"schema":      map[string]any{"type": "string", "pattern": `^[1-9][0-9]{0,17}(\.json|\.xml)?$`},
				}},
				"responses": map[string]any{
					"200": map[string]any{
						"description": "The item.",
						"content": map[string]any{
							"application/json":                     map[string]any{"schema": ref("schemas", "NinjsItem")},
							"application/vnd.iptc.g2.newsitem+xml": map[string]any{"schema": map[string]any{"type": "string"}},
						},
					},
					"400": ref("responses", "BadRequest"),
					"404": ref("responses", "NotFound"),
				},
			},
		},
		searchRoute(),
		{
			Method: http.MethodGet, Path: "/wire/v1/openapi.json",
			handle: func(a *API) apiHandler { return a.openAPI },
			op: map[string]any{
				"operationId": "getOpenAPI",
				"summary":     "This description of the API",
				"security":    []any{},
				"responses": map[string]any{
					"200": map[string]any{
						"description": "An OpenAPI 3.1 document.",
						"content":     map[string]any{"application/json": map[string]any{"schema": map[string]any{"type": "object"}}},
					},
				},
			},
		},
	}
}

func param(name, desc string, schema map[string]any) map[string]any {
	return map[string]any{"name": name, "in": "query", "required": false, "description": desc, "schema": schema}
}

func ref(kind, name string) map[string]any {
	return map[string]any{"$ref": "#/components/" + kind + "/" + name}
}

func langEnum() []any {
	var out []any
	for _, c := range lang.Codes() {
		out = append(out, c)
	}
	return out
}

// openAPI returns the API's OpenAPI 3.1 document as a value.
func openAPI(baseURL string) map[string]any {
	paths := map[string]any{}
	for _, rt := range routes() {
		op := map[string]any{}
		for k, v := range rt.op {
			op[k] = v
		}
		responses := map[string]any{}
		for k, v := range rt.op["responses"].(map[string]any) {
			responses[k] = v
		}
		if rt.Auth {
			responses["401"] = ref("responses", "Unauthorized")
			responses["429"] = ref("responses", "TooManyRequests")
		}
		responses["405"] = ref("responses", "MethodNotAllowed")
		responses["500"] = ref("responses", "ServerError")
		op["responses"] = responses
		item, _ := paths[rt.Path].(map[string]any)
		if item == nil {
			item = map[string]any{}
			paths[rt.Path] = item
		}
		item[strings.ToLower(rt.Method)] = op
	}
	problem := func(desc string, headers map[string]any) map[string]any {
		r := map[string]any{
			"description": desc,
			"content":     map[string]any{"application/problem+json": map[string]any{"schema": ref("schemas", "Problem")}},
		}
		if headers != nil {
			r["headers"] = headers
		}
		return r
	}
	return map[string]any{
		"openapi": "3.1.0",
		"info": map[string]any{
			"title":   "Qasid wire",
			"version": "1",
			"description": "The agency's wire for subscribers: every published story, correction and kill in the " +
				"languages and sections a key is entitled to, as ninjs 3.1 or NewsML-G2 2.35. Each key may make " +
				"20 requests a second on average (bursts of 40) on each server; more answer 429 with Retry-After.",
		},
		"servers":  []any{map[string]any{"url": strings.TrimRight(baseURL, "/")}},
		"security": []any{map[string]any{"bearerKey": []any{}}},
		"paths":    paths,
		"components": map[string]any{
			"securitySchemes": map[string]any{
				"bearerKey": map[string]any{
					"type": "http", "scheme": "bearer",
					"description": "A subscriber's API key (qsd_…), sent as Authorization: Bearer KEY.",
				},
			},
			"schemas": map[string]any{
				"Problem": map[string]any{
					"type":        "object",
					"description": "An RFC 9457 problem document.",
					"required":    []any{"type", "title", "status"},
					"properties": map[string]any{
						"type":   map[string]any{"type": "string", "format": "uri-reference"},
						"title":  map[string]any{"type": "string"},
						"status": map[string]any{"type": "integer", "minimum": 400, "maximum": 599},
						"detail": map[string]any{"type": "string"},
					},
				},
				"NinjsItem": map[string]any{
					"type":        "object",
					"description": "A ninjs 3.1 item: https://www.iptc.org/std/ninjs/ninjs-schema_3.1.json",
					"required":    []any{"uri"},
				},
				"ItemPage": map[string]any{
					"type":     "object",
					"required": []any{"items", "next", "more"},
					"properties": map[string]any{
						"items": map[string]any{"type": "array", "items": ref("schemas", "NinjsItem")},
						"next":  map[string]any{"type": "string", "description": "The cursor to pass as since next time."},
						"more":  map[string]any{"type": "boolean", "description": "Whether items may follow at once; when false, poll again later with next."},
					},
				},
			},
			"responses": map[string]any{
				"BadRequest":       problem("A query parameter or the id is not valid.", nil),
				"Unauthorized":     problem("The key is missing, wrong or revoked, or its subscriber is suspended.", nil),
				"NotFound":         problem("No such item for this key.", nil),
				"MethodNotAllowed": problem("The path does not answer this method.", nil),
				"ServerError":      problem("Something failed on the agency's side.", nil),
				"TooManyRequests": problem("The key's rate limit is spent.", map[string]any{
					"Retry-After": map[string]any{"description": "Seconds to wait.", "schema": map[string]any{"type": "integer"}},
				}),
			},
		},
	}
}
