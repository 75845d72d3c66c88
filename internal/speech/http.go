package speech

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"time"
)

// HTTP is a speech engine behind a web service, for an agency that runs a
// better voice than espeak-ng. Qasid POSTs the script as JSON,
//
//	{"lang": "ur", "blocks": [{"kind": "headline", "text": "..."}, ...]}
//
// and expects 200 with the speech as WAV (audio/wav). Kinds are headline,
// dateline, heading and paragraph; texts have their numbers spelled out.
type HTTP struct {
	name   string
	url    string
	client *http.Client
}

// httpTimeout bounds one synthesis, request to last byte: a long story
// takes a slow engine a while.
const httpTimeout = 10 * time.Minute

// NewHTTP returns a provider posting to endpoint (an absolute http or
// https URL), named name on the desk. A nil client gets a default one.
func NewHTTP(name, endpoint string, client *http.Client) (*HTTP, error) {
	u, err := url.Parse(endpoint)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("speech: engine URL %q is not an absolute http(s) URL", endpoint)
	}
	if client == nil {
		client = &http.Client{Timeout: httpTimeout}
	}
	if name == "" {
		name = u.Host
	}
	return &HTTP{name: name, url: endpoint, client: client}, nil
}

func (h *HTTP) Name() string { return h.name }

// Available checks that the service answers at all; what it answers to a
// GET does not matter.
func (h *HTTP) Available(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, h.url, nil)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrUnavailable, err)
	}
	resp, err := h.client.Do(req)
	if err != nil {
		return fmt.Errorf("%w: %s: %v", ErrUnavailable, h.name, err)
	}
	resp.Body.Close()
	return nil
}

type httpRequest struct {
	Lang   string  `json:"lang"`
	Blocks []Block `json:"blocks"`
}

// Synthesize posts the script and streams the WAV answer.
func (h *HTTP) Synthesize(ctx context.Context, code string, script Script) (io.ReadCloser, error) {
	body, err := json.Marshal(httpRequest{Lang: code, Blocks: script.Blocks})
	if err != nil {
		return nil, fmt.Errorf("speech: %s: %w", h.name, err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, h.url, bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("speech: %s: %w", h.name, err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "audio/wav")
	req.Header.Set("User-Agent", "Qasid-Speech/1")
	resp, err := h.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("speech: %s: %w", h.name, err)
	}
	if resp.StatusCode != http.StatusOK {
		snippet, _ := io.ReadAll(io.LimitReader(resp.Body, 256))
		resp.Body.Close()
		return nil, fmt.Errorf("speech: %s: %s: %s", h.name, resp.Status, bytes.TrimSpace(snippet))
	}
	switch mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type")); mt {
	case "audio/wav", "audio/x-wav", "audio/wave", "audio/vnd.wave":
	default:
		resp.Body.Close()
		return nil, fmt.Errorf("speech: %s: answered %q, want audio/wav", h.name, mt)
	}
	return resp.Body, nil
}
