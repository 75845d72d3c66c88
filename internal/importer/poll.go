package importer

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/qasid/qasid/internal/ingest"
	"github.com/qasid/qasid/internal/lang"
	"github.com/qasid/qasid/internal/store"
)

// UserAgent is how the poller names itself to the feeds it reads.
const UserAgent = "Qasid/1 (news agency feed reader)"

// PollOptions configure the feed poller. The zero value is usable.
type PollOptions struct {
	// Client makes the requests; nil means a client with Timeout that
	// follows at most 5 redirects, to http and https only.
	Client *http.Client
	// Timeout bounds one poll, connection to last byte; 0 means 30 s.
	Timeout time.Duration
	// MaxBytes bounds a feed's body; 0 means 10 MiB. A larger one is an
	// error recorded on the feed, not read.
	MaxBytes int64
	// MaxItems bounds the items one poll reads; 0 means 1000.
	MaxItems int
	// Owner names this node in leases; "" means host name, process id and
	// a random part, different for every Service.
	Owner string
	// Batch is how many due feeds one tick leases; 0 means 10.
	Batch int
	// MaxBackoff bounds how far failures push a feed's next poll back;
	// 0 means 24 hours.
	MaxBackoff time.Duration
	// UserAgent replaces UserAgent when set.
	UserAgent string
}

func (o PollOptions) withDefaults() (PollOptions, error) {
	if o.Timeout <= 0 {
		o.Timeout = 30 * time.Second
	}
	if o.MaxBytes <= 0 {
		o.MaxBytes = 10 << 20
	}
	if o.MaxItems <= 0 {
		o.MaxItems = 1000
	}
	if o.Batch <= 0 {
		o.Batch = 10
	}
	if o.MaxBackoff <= 0 {
		o.MaxBackoff = 24 * time.Hour
	}
	if o.UserAgent == "" {
		o.UserAgent = UserAgent
	}
	if o.Owner == "" {
		host, _ := os.Hostname()
		b := make([]byte, 4)
		if _, err := rand.Read(b); err != nil {
			return o, fmt.Errorf("importer: poller id: %w", err)
		}
		o.Owner = fmt.Sprintf("%s-%d-%s", clipText(host, 100), os.Getpid(), hex.EncodeToString(b))
	}
	if o.Client == nil {
		o.Client = &http.Client{
			Timeout: o.Timeout,
			CheckRedirect: func(req *http.Request, via []*http.Request) error {
				if len(via) >= 5 {
					return errors.New("more than 5 redirects")
				}
				if req.URL.Scheme != "http" && req.URL.Scheme != "https" {
					return fmt.Errorf("redirect to a %s URL", req.URL.Scheme)
				}
				return nil
			},
		}
	}
	return o, nil
}

// leaseFor is how long a poller holds a feed: longer than any poll can
// take, so that a lease runs out only when its poller died.
func (o PollOptions) leaseFor() time.Duration { return 2*o.Timeout + time.Minute }

// NewFeed is a feed as an admin enters it.
type NewFeed struct {
	URL     string
	Name    string // "" means the URL's host
	Lang    string // the language of items that do not say; "" for none
	Section string // "" for none
	Every   time.Duration
}

// DefaultEvery is how often a feed is polled unless told otherwise.
const DefaultEvery = 15 * time.Minute

// AddFeed checks a feed and adds it, due at once. Callers check who may.
func (s *Service) AddFeed(ctx context.Context, n NewFeed) (store.Feed, error) {
	f, err := s.checkFeed(ctx, n)
	if err != nil {
		return store.Feed{}, err
	}
	if err := s.st.CreateFeed(ctx, &f); err != nil {
		if errors.Is(err, store.ErrConflict) {
			return store.Feed{}, fmt.Errorf("%w: a feed with this URL is already polled", ErrInvalid)
		}
		return store.Feed{}, fmt.Errorf("importer: add feed: %w", err)
	}
	s.log.InfoContext(ctx, "importer: feed added", "feed_id", f.ID)
	return f, nil
}

// RemoveFeed stops polling a feed; its items stay.
func (s *Service) RemoveFeed(ctx context.Context, id int64) error {
	if err := s.st.DeleteFeed(ctx, id); err != nil {
		return fmt.Errorf("importer: remove feed %d: %w", id, err)
	}
	s.log.InfoContext(ctx, "importer: feed removed", "feed_id", id)
	return nil
}

// Feeds lists the feeds.
func (s *Service) Feeds(ctx context.Context) ([]store.Feed, error) {
	fs, err := s.st.Feeds(ctx)
	if err != nil {
		return nil, fmt.Errorf("importer: feeds: %w", err)
	}
	return fs, nil
}

func (s *Service) checkFeed(ctx context.Context, n NewFeed) (store.Feed, error) {
	raw := strings.TrimSpace(n.URL)
	u, err := CheckFeedURL(raw)
	if err != nil {
		return store.Feed{}, err
	}
	var probs []string
	name := strings.TrimSpace(n.Name)
	if name == "" {
		name = u.Hostname()
	}
	if !plain(name) || utf8.RuneCountInString(name) > store.MaxFeedName {
		probs = append(probs, fmt.Sprintf("the name must be one line of at most %d characters", store.MaxFeedName))
	}
	code := strings.TrimSpace(n.Lang)
	if _, ok := lang.Get(code); code != "" && !ok {
		probs = append(probs, fmt.Sprintf("language %q is not one of %s", clipText(code, 20), strings.Join(lang.Codes(), ", ")))
	}
	section := strings.TrimSpace(n.Section)
	if section != "" {
		secs, err := s.st.Sections(ctx)
		if err != nil {
			return store.Feed{}, fmt.Errorf("importer: add feed: %w", err)
		}
		found := false
		for _, sec := range secs {
			found = found || sec.Key == section
		}
		if !found {
			probs = append(probs, fmt.Sprintf("section %q is not one of the agency's", clipText(section, 40)))
		}
	}
	every := n.Every
	if every == 0 {
		every = DefaultEvery
	}
	if every < store.MinFeedEvery || every > store.MaxFeedEvery {
		probs = append(probs, fmt.Sprintf("the interval must be from %v to %v", store.MinFeedEvery, store.MaxFeedEvery))
	}
	if len(probs) > 0 {
		return store.Feed{}, fmt.Errorf("%w: %s", ErrInvalid, strings.Join(probs, "; "))
	}
	return store.Feed{URL: u.String(), Name: name, Lang: code, Section: section, Every: every.Truncate(time.Second),
		NextPollAt: s.clock()}, nil
}

// CheckFeedURL accepts an absolute http or https URL with a host, without
// credentials (they would sit in the database and in logs in clear) and
// within the store's length.
func CheckFeedURL(raw string) (*url.URL, error) {
	if raw == "" {
		return nil, fmt.Errorf("%w: the feed URL is required", ErrInvalid)
	}
	if len(raw) > store.MaxFeedURL || !utf8.ValidString(raw) || !plain(raw) || strings.ContainsAny(raw, " \t") {
		return nil, fmt.Errorf("%w: the feed URL must be one line without spaces of at most %d characters", ErrInvalid, store.MaxFeedURL)
	}
	u, err := url.Parse(raw)
	switch {
	case err != nil:
		return nil, fmt.Errorf("%w: the feed URL cannot be read", ErrInvalid)
	case u.Scheme != "http" && u.Scheme != "https", u.Host == "", u.Hostname() == "":
		return nil, fmt.Errorf("%w: the feed URL must be an absolute http or https URL", ErrInvalid)
	case u.User != nil:
		return nil, fmt.Errorf("%w: the feed URL must not carry a user name or password", ErrInvalid)
	}
	u.Fragment, u.RawFragment = "", ""
	return u, nil
}

// plain reports text without control characters.
func plain(s string) bool {
	return utf8.ValidString(s) && !strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 || (r >= 0x7f && r < 0xa0) })
}

func clipText(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}

// PollResult is what one tick did.
type PollResult struct {
	Polled, Failed, NotModified, New int
}

// PollDue leases the feeds that are due and polls each. A feed another
// node is polling is not due here: the lease makes each poll happen once
// across nodes. Failures are recorded on their feeds, not returned; the
// error is for the store failing.
func (s *Service) PollDue(ctx context.Context) (PollResult, error) {
	var res PollResult
	feeds, err := s.st.LeaseDueFeeds(ctx, s.clock(), s.poll.Owner, s.poll.leaseFor(), s.poll.Batch)
	if err != nil {
		return res, fmt.Errorf("importer: poll: %w", err)
	}
	var errs []error
	for _, f := range feeds {
		out, err := s.pollFeed(ctx, f)
		res.Polled++
		res.New += out.New
		switch {
		case out.Err != "":
			res.Failed++
		case out.notModified:
			res.NotModified++
		}
		if err != nil {
			errs = append(errs, err)
		}
	}
	return res, errors.Join(errs...)
}

// Run polls due feeds every interval until ctx ends.
func (s *Service) Run(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if res, err := s.PollDue(ctx); err != nil && ctx.Err() == nil {
			s.log.ErrorContext(ctx, "importer: poll feeds", "err", err)
		} else if res.Polled > 0 {
			s.log.InfoContext(ctx, "importer: polled feeds", "polled", res.Polled, "failed", res.Failed, "new", res.New)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

type pollOutcome struct {
	store.FeedPoll
	notModified bool
}

// pollFeed polls one leased feed and records the outcome on it.
func (s *Service) pollFeed(ctx context.Context, f store.Feed) (pollOutcome, error) {
	out := pollOutcome{FeedPoll: store.FeedPoll{ID: f.ID, Owner: s.poll.Owner, ETag: f.ETag, LastModified: f.LastModified}}
	etag, modified, items, notModified, err := s.fetch(ctx, f)
	out.notModified = notModified
	if err == nil && !notModified {
		out.ETag, out.LastModified = etag, modified
		out.New, err = s.storeFeedItems(ctx, f, items)
	}
	now := s.clock()
	out.At, out.NextPollAt = now, now.Add(f.Every)
	if err != nil {
		out.Err = err.Error()
		out.NextPollAt = now.Add(s.backoff(f))
		s.log.WarnContext(ctx, "importer: poll failed", "feed_id", f.ID, "failures", f.Failures+1, "err", err)
	}
	// A cancelled poll (shutdown) still frees its feed.
	if ferr := s.st.FinishFeedPoll(context.WithoutCancel(ctx), out.FeedPoll); ferr != nil {
		return out, fmt.Errorf("importer: feed %d: %w", f.ID, ferr)
	}
	return out, nil
}

// backoff is how long a feed that failed again waits: its interval,
// doubled for each failure in a row, at most MaxBackoff.
func (s *Service) backoff(f store.Feed) time.Duration {
	d := f.Every
	for i := 0; i < f.Failures+1 && d < s.poll.MaxBackoff; i++ {
		d *= 2
	}
	return min(d, s.poll.MaxBackoff)
}

// fetch is one conditional GET of a feed, read and parsed. A 304 gives
// notModified and nothing else.
func (s *Service) fetch(ctx context.Context, f store.Feed) (etag, modified string, items []ingest.Item, notModified bool, err error) {
	ctx, cancel := context.WithTimeout(ctx, s.poll.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, f.URL, nil)
	if err != nil {
		return "", "", nil, false, fmt.Errorf("request: %w", err)
	}
	req.Header.Set("User-Agent", s.poll.UserAgent)
	req.Header.Set("Accept", "application/rss+xml, application/atom+xml, application/xml;q=0.9, application/json;q=0.8, */*;q=0.5")
	if f.ETag != "" {
		req.Header.Set("If-None-Match", f.ETag)
	}
	if f.LastModified != "" {
		req.Header.Set("If-Modified-Since", f.LastModified)
	}
	resp, err := s.poll.Client.Do(req)
	if err != nil {
		return "", "", nil, false, fmt.Errorf("fetch: %w", scrub(err))
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusNotModified {
		return "", "", nil, true, nil
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return "", "", nil, false, fmt.Errorf("the feed answered HTTP %d %s", resp.StatusCode, http.StatusText(resp.StatusCode))
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, s.poll.MaxBytes+1))
	if err != nil {
		return "", "", nil, false, fmt.Errorf("read: %w", scrub(err))
	}
	if int64(len(body)) > s.poll.MaxBytes {
		return "", "", nil, false, fmt.Errorf("the feed is larger than %d bytes", s.poll.MaxBytes)
	}
	name := req.URL.Path
	format, r, err := ingest.Sniff(name, bytes.NewReader(body))
	if err != nil {
		return "", "", nil, false, err
	}
	var bad []ingest.ItemError
	_, err = ingest.Read(ctx, r, format, ingest.Options{
		Lang: f.Lang, Source: f.Name, MaxItems: s.poll.MaxItems, MaxDocument: s.poll.MaxBytes,
		Bad: func(e ingest.ItemError) { bad = append(bad, e) },
	}, func(it ingest.Item) error {
		items = append(items, it)
		return nil
	})
	if len(bad) > 0 {
		s.log.WarnContext(ctx, "importer: feed items refused", "feed_id", f.ID, "refused", len(bad), "first", bad[0].Error())
	}
	if err != nil {
		return "", "", nil, false, err
	}
	return validator(resp.Header.Get("ETag")), validator(resp.Header.Get("Last-Modified")), items, false, nil
}

// validator keeps a validator header the store can hold; a hostile one is
// dropped, which costs only a full fetch next time.
func validator(v string) string {
	if len(v) > 1000 || !plain(v) {
		return ""
	}
	return v
}

// scrub keeps the feed's URL, which an admin may not want in logs in full,
// out of a network error's text, which repeats it.
func scrub(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// storeFeedItems stores a feed's items as incoming items: its name is
// their source, its language and section their defaults. No story is made.
func (s *Service) storeFeedItems(ctx context.Context, f store.Feed, items []ingest.Item) (int, error) {
	var sum Summary
	b := &batch{s: s, sum: &sum, feedID: f.ID}
	var queue []pending
	for i, it := range items {
		it.Source = f.Name
		if it.Section == "" {
			it.Section = f.Section
		}
		if p, ok := b.add(fmt.Sprintf("item %d", i+1), it); ok {
			queue = append(queue, p)
		}
	}
	if _, err := b.flush(ctx, queue); err != nil {
		return 0, err
	}
	return b.stored, nil
}
