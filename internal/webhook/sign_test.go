package webhook

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/qasid/qasid/internal/store/storetest"
)

// The signature is the documented one, computed here independently of Sign.
func TestSignIsHMACOfTimestampDotBody(t *testing.T) {
	m := hmac.New(sha256.New, []byte("k"))
	m.Write([]byte("1700000000.{\"a\":1}"))
	want := "sha256=" + hex.EncodeToString(m.Sum(nil))
	if got := Sign("k", 1700000000, []byte(`{"a":1}`)); got != want {
		t.Errorf("Sign = %s, want %s", got, want)
	}
}

func signed(secret string, ts int64, body string) *http.Request {
	r, _ := http.NewRequest(http.MethodPost, "http://127.0.0.1/", nil)
	r.Header.Set(HeaderTimestamp, strconv.FormatInt(ts, 10))
	r.Header.Set(HeaderSignature, Sign(secret, ts, []byte(body)))
	return r
}

func TestVerify(t *testing.T) {
	now := time.Now().Unix()
	body := `{"uri":"x"}`
	tests := []struct {
		name string
		req  func() *http.Request
		body string
		skew time.Duration
		ok   bool
	}{
		{"good", func() *http.Request { return signed(secret, now, body) }, body, 5 * time.Minute, true},
		{"good, no skew check", func() *http.Request { return signed(secret, now-86400, body) }, body, 0, true},
		{"wrong secret", func() *http.Request { return signed("other", now, body) }, body, 5 * time.Minute, false},
		{"body changed", func() *http.Request { return signed(secret, now, body) }, body + " ", 5 * time.Minute, false},
		{"too old", func() *http.Request { return signed(secret, now-600, body) }, body, 5 * time.Minute, false},
		{"from the future", func() *http.Request { return signed(secret, now+600, body) }, body, 5 * time.Minute, false},
		{"timestamp changed", func() *http.Request {
			r := signed(secret, now, body)
			r.Header.Set(HeaderTimestamp, strconv.FormatInt(now+1, 10))
			return r
		}, body, 5 * time.Minute, false},
		{"no timestamp", func() *http.Request {
			r := signed(secret, now, body)
			r.Header.Del(HeaderTimestamp)
			return r
		}, body, 0, false},
		{"no signature", func() *http.Request {
			r := signed(secret, now, body)
			r.Header.Del(HeaderSignature)
			return r
		}, body, 0, false},
		{"other scheme", func() *http.Request {
			r := signed(secret, now, body)
			r.Header.Set(HeaderSignature, strings.Replace(r.Header.Get(HeaderSignature), "sha256=", "sha1=", 1))
			return r
		}, body, 0, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := Verify(secret, tc.req(), []byte(tc.body), tc.skew)
			if tc.ok != (err == nil) {
				t.Errorf("Verify = %v, want ok %v", err, tc.ok)
			}
			if err != nil && !errors.Is(err, ErrSignature) {
				t.Errorf("error %v is not ErrSignature", err)
			}
		})
	}
}

// Verify reads headers from anyone: it must never panic, and it must
// accept exactly what Sign produced.
func FuzzVerify(f *testing.F) {
	f.Add("1700000000", "sha256=00", []byte("{}"))
	f.Add("-1", "", []byte{})
	f.Add("99999999999999999999", "sha256=", []byte("x"))
	f.Fuzz(func(t *testing.T, ts, sig string, body []byte) {
		r, _ := http.NewRequest(http.MethodPost, "http://127.0.0.1/", nil)
		r.Header.Set(HeaderTimestamp, ts)
		r.Header.Set(HeaderSignature, sig)
		err := Verify(secret, r, body, time.Minute)
		if err == nil {
			sec, _ := strconv.ParseInt(ts, 10, 64)
			if sig != Sign(secret, sec, body) {
				t.Errorf("accepted a signature Sign did not make: %q %q", ts, sig)
			}
		}
	})
}

func TestBackoff(t *testing.T) {
	for _, tc := range []struct {
		attempt int
		ceil    time.Duration
	}{{1, 10 * time.Second}, {2, 20 * time.Second}, {3, 40 * time.Second}, {9, time.Hour}, {64, time.Hour}, {0, time.Hour}} {
		var most time.Duration
		for range 500 {
			d := backoff(tc.attempt)
			if d < time.Second || d > tc.ceil {
				t.Fatalf("backoff(%d) = %v, want 1s..%v", tc.attempt, d, tc.ceil)
			}
			most = max(most, d)
		}
		// Full jitter spreads over the whole range, not just near its top or bottom.
		if most < tc.ceil/2 {
			t.Errorf("backoff(%d) never above %v in 500 draws; ceiling %v", tc.attempt, most, tc.ceil)
		}
	}
}

func TestDeliveryIDIsAUUID(t *testing.T) {
	re := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	seen := map[string]bool{}
	for range 100 {
		id := newDeliveryID()
		if !re.MatchString(id) || seen[id] {
			t.Fatalf("delivery id %q: not a fresh version 4 UUID", id)
		}
		seen[id] = true
	}
}

func TestErrorText(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"plain", "plain"},
		{"a\x00b", "ab"},
		{"bad \xff utf8", "bad \uFFFD utf8"},
		{strings.Repeat("é", maxError), strings.Repeat("é", maxError/2)},
	} {
		if got := errorText(errors.New(tc.in)); got != tc.want {
			t.Errorf("errorText(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestNewRefusesABadBaseURL(t *testing.T) {
	for _, u := range []string{"", "news.example.org", "ftp://news.example.org", "https://"} {
		if _, err := New(Options{Store: storetest.SQLite(t), BaseURL: u}); err == nil {
			t.Errorf("New with base URL %q succeeded", u)
		}
	}
}
