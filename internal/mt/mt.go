// Package mt pre-translates segments through a machine translation
// service. It is off unless an agency configures one; the translation
// desk always prefers its memory and glossary to machine output.
package mt

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"
)

// LibreTranslate speaks the LibreTranslate HTTP API: POST /translate with
// a JSON body {q, source, target, format, api_key}, answered by
// {"translatedText": "..."} or, on failure, {"error": "..."}.
type LibreTranslate struct {
	endpoint string
	key      string
	client   *http.Client
}

// MaxText bounds one request, so a runaway segment cannot be sent whole.
const MaxText = 10_000

// NewLibreTranslate checks the server's base URL and returns a client.
func NewLibreTranslate(baseURL, key string, client *http.Client) (*LibreTranslate, error) {
	u, err := url.Parse(strings.TrimSpace(baseURL))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("mt: LibreTranslate URL %q: want http(s)://host[:port][/path]", baseURL)
	}
	if client == nil {
		client = &http.Client{Timeout: 20 * time.Second}
	}
	u.Path = strings.TrimSuffix(u.Path, "/") + "/translate"
	return &LibreTranslate{endpoint: u.String(), key: key, client: client}, nil
}

// Name is shown in the desk next to machine suggestions.
func (l *LibreTranslate) Name() string { return "LibreTranslate" }

// code maps our language codes to LibreTranslate's.
func code(c string) string {
	if c == "zh" {
		return "zh-Hans"
	}
	return c
}

// Translate sends one segment and returns the machine's translation.
func (l *LibreTranslate) Translate(ctx context.Context, text, from, to string) (string, error) {
	if strings.TrimSpace(text) == "" {
		return "", nil
	}
	if len(text) > MaxText || !utf8.ValidString(text) {
		return "", errors.New("mt: text is not valid UTF-8 or longer than 10,000 bytes")
	}
	body, err := json.Marshal(map[string]string{"q": text, "source": code(from), "target": code(to), "format": "text", "api_key": l.key})
	if err != nil {
		return "", fmt.Errorf("mt: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, l.endpoint, bytes.NewReader(body))
	if err != nil {
		return "", fmt.Errorf("mt: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	res, err := l.client.Do(req)
	if err != nil {
		return "", fmt.Errorf("mt: LibreTranslate: %w", err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(res.Body, 1<<20))
	if err != nil {
		return "", fmt.Errorf("mt: LibreTranslate: read answer: %w", err)
	}
	var out struct {
		TranslatedText *string `json:"translatedText"`
		Error          string  `json:"error"`
	}
	jerr := json.Unmarshal(raw, &out)
	if res.StatusCode != http.StatusOK {
		msg := out.Error
		if msg == "" {
			msg = http.StatusText(res.StatusCode)
		}
		return "", fmt.Errorf("mt: LibreTranslate answered %d: %s", res.StatusCode, msg)
	}
	if jerr != nil || out.TranslatedText == nil {
		return "", fmt.Errorf("mt: LibreTranslate answer has no translatedText")
	}
	return *out.TranslatedText, nil
}
