package wire

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/qasid/qasid/internal/store"
	"github.com/qasid/qasid/internal/story"
	"github.com/qasid/qasid/internal/wire/ninjs"
)

// Page sizes of the pull API.
const (
	DefaultLimit = 50
	MaxLimit     = 500
	// scanBatch is how many change-log entries are read at a time, and
	// maxScan how many one request reads at most: a subscriber entitled to
	// one rare section must not make a request walk the whole log. A page
	// that stops there says more, and its cursor skips what was read.
	scanBatch = 200
	maxScan   = 5000
)

// Query selects items of the pull API. Empty Lang and Section do not
// filter; After is a change-log position (0 for the start).
type Query struct {
	Lang, Section string
	After         int64
	Limit         int
}

// Page is one answer of the pull API: ninjs items, the position after the
// last change read, and whether the log holds more.
type Page struct {
	Items []json.RawMessage
	Next  int64
	More  bool
}

// Items returns the versions sub may receive after q.After, oldest first,
// each as one ninjs item. The change log's seq is assigned in commit order
// (see store.appendChange), so a change with a seq at or below Next is
// committed and visible once Next is: a consumer that always asks from
// Next sees every version once, also while stories are being published.
func (s *Service) Items(ctx context.Context, sub store.Subscriber, q Query) (Page, error) {
	if q.Limit < 1 || q.Limit > MaxLimit {
		return Page{}, fmt.Errorf("%w: limit must be 1 to %d", ErrInvalid, MaxLimit)
	}
	page := Page{Items: []json.RawMessage{}, Next: q.After}
	var agency *story.Agency
	for scanned := 0; scanned < maxScan; {
		changes, err := s.st.Changes(ctx, page.Next, min(scanBatch, maxScan-scanned))
		if err != nil {
			return Page{}, fmt.Errorf("wire: items: %w", err)
		}
		if len(changes) == 0 {
			return page, nil
		}
		scanned += len(changes)
		for _, ch := range changes {
			if !delivered(ch.Kind) || !langMatches(sub, q, ch.Lang) {
				page.Next = ch.Seq
				continue
			}
			v, err := s.st.StoryVersion(ctx, ch.StoryID, ch.Version)
			if err != nil {
				return Page{}, fmt.Errorf("wire: items: %w", err)
			}
			if !sub.Entitled(ch.Lang, v.Section) || (q.Section != "" && v.Section != q.Section) {
				page.Next = ch.Seq
				continue
			}
			if agency == nil {
				a, err := s.st.Agency(ctx)
				if err != nil {
					return Page{}, fmt.Errorf("wire: items: %w", err)
				}
				agency = &a
			}
			in, err := s.input(ctx, ch.StoryID, ch.Version, agency)
			if err != nil {
				return Page{}, fmt.Errorf("wire: items: change %d: %w", ch.Seq, err)
			}
			item, err := ninjs.Encode(in)
			if err != nil {
				return Page{}, fmt.Errorf("wire: items: change %d: %w", ch.Seq, err)
			}
			page.Items = append(page.Items, item)
			page.Next = ch.Seq
			if len(page.Items) == q.Limit {
				last, err := s.st.LastSeq(ctx)
				if err != nil {
					return Page{}, fmt.Errorf("wire: items: %w", err)
				}
				page.More = last > page.Next
				return page, nil
			}
		}
	}
	page.More = true // stopped at maxScan, with the log not yet read to its end
	return page, nil
}

func langMatches(sub store.Subscriber, q Query, code string) bool {
	if q.Lang != "" && code != q.Lang {
		return false
	}
	return len(sub.Languages) == 0 || containsString(sub.Languages, code)
}

func containsString(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// The cursor is opaque to consumers, base64url of "v1:<seq>", so that its
// form can change (a new version prefix) without breaking them.
const cursorVersion = "v1:"

// maxCursor bounds what ParseCursor reads: a seq has at most 19 digits.
const maxCursor = 64

// FormatCursor writes a change-log position as a cursor.
func FormatCursor(seq int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte(cursorVersion + strconv.FormatInt(seq, 10)))
}

// ParseCursor reads a cursor; the empty cursor is the start of the log.
func ParseCursor(c string) (int64, error) {
	if c == "" {
		return 0, nil
	}
	if len(c) > maxCursor {
		return 0, fmt.Errorf("%w: the cursor is too long", ErrInvalid)
	}
	// Padding is tolerated: some clients add it back.
	raw, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(c, "="))
	if err != nil {
		return 0, fmt.Errorf("%w: the cursor is not one this API gave", ErrInvalid)
	}
	digits, ok := strings.CutPrefix(string(raw), cursorVersion)
	if !ok || digits == "" || len(digits) > 19 || strings.TrimLeft(digits, "0123456789") != "" ||
		(len(digits) > 1 && digits[0] == '0') {
		return 0, fmt.Errorf("%w: the cursor is not one this API gave", ErrInvalid)
	}
	seq, err := strconv.ParseInt(digits, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%w: the cursor is not one this API gave", ErrInvalid)
	}
	return seq, nil
}
