package webhook

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// The headers of a delivery.
const (
	HeaderDelivery  = "X-Qasid-Delivery"  // the delivery's id, the same on every attempt
	HeaderEvent     = "X-Qasid-Event"     // publish, correct or kill
	HeaderTimestamp = "X-Qasid-Timestamp" // when the attempt was signed, in Unix seconds
	HeaderSignature = "X-Qasid-Signature" // "sha256=" + hex HMAC-SHA256 of "<timestamp>.<body>"
)

// ErrSignature is returned by Verify for a request that was not signed
// with the secret, or not recently.
var ErrSignature = errors.New("webhook: bad signature")

// Sign returns the X-Qasid-Signature value for body sent at timestamp (Unix
// seconds). The timestamp is signed with the body so that a captured
// request cannot be replayed later under a fresh timestamp.
func Sign(secret string, timestamp int64, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(strconv.FormatInt(timestamp, 10)))
	m.Write([]byte{'.'})
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// Verify checks a delivery as a receiver gets it: r's timestamp and
// signature headers against body (read from r by the caller) and secret.
// A timestamp further than maxSkew from the receiver's clock is refused,
// which bounds how long a captured request can be replayed; a maxSkew of 0
// or less skips that check. The comparison takes constant time.
func Verify(secret string, r *http.Request, body []byte, maxSkew time.Duration) error {
	ts := r.Header.Get(HeaderTimestamp)
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return fmt.Errorf("%w: timestamp %q is not Unix seconds", ErrSignature, ts)
	}
	if maxSkew > 0 {
		if d := time.Since(time.Unix(sec, 0)); d > maxSkew || d < -maxSkew {
			return fmt.Errorf("%w: timestamp %d is %v away from now", ErrSignature, sec, d.Round(time.Second))
		}
	}
	got := r.Header.Get(HeaderSignature)
	if !strings.HasPrefix(got, "sha256=") {
		return fmt.Errorf("%w: no sha256 signature", ErrSignature)
	}
	if !hmac.Equal([]byte(got), []byte(Sign(secret, sec, body))) {
		return fmt.Errorf("%w: signature does not match", ErrSignature)
	}
	return nil
}
