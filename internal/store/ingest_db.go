package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/qasid/qasid/internal/story"
)

// Limits on what an item row holds. Items are outside text, looser than a
// story (a headline may be empty, a section is the source's own word), but
// bounded so that a hostile feed cannot grow the database without end; the
// keys stay well under PostgreSQL's limit on an index entry.
const (
	MaxItemSource   = 200  // characters
	MaxItemGUID     = 1000 // bytes
	MaxItemURL      = 2000 // bytes
	MaxItemHeadline = 2000 // characters
	MaxItemSummary  = 10000
	MaxItemByline   = 1000
	MaxItemSection  = 200
	MaxItemTags     = 100
	MaxItemTag      = 200
	maxItemBands    = 64
	defaultItems    = 50
	maxItems        = 200
	defaultNear     = 100
	maxNear         = 100000
	// maxNearBands bounds one NearItems call: an importer asks once for a
	// whole batch's bands, well under either database's placeholder limit.
	maxNearBands = 5000
)

// itemColumns are read by scanItem, in this order.
const itemColumns = `id, source, guid, url, lang, headline, summary, body, byline, section, tags,
	family_key, published, received_at, simhash, feed_id, duplicate_of, story_id, state`

// CheckItem reports what keeps it from being stored, naming every problem,
// as story.ErrInvalid. AddItems refuses a batch with such an item; an
// importer checks each item first and reports the bad ones on their own.
func CheckItem(it IngestItem) error {
	var probs []string
	text := func(name, v string, max int, required bool) {
		switch {
		case !utf8.ValidString(v):
			probs = append(probs, name+" is not valid UTF-8")
		case required && strings.TrimSpace(v) == "":
			probs = append(probs, name+" is required")
		case utf8.RuneCountInString(v) > max:
			probs = append(probs, fmt.Sprintf("%s is longer than %d characters", name, max))
		case strings.IndexByte(v, 0) >= 0:
			probs = append(probs, name+" contains a NUL byte")
		}
	}
	bytesLen := func(name, v string, max int) {
		if len(v) > max {
			probs = append(probs, fmt.Sprintf("%s is longer than %d bytes", name, max))
		}
	}
	text("source", it.Source, MaxItemSource, true)
	text("guid", it.GUID, MaxItemGUID, true)
	bytesLen("guid", it.GUID, MaxItemGUID)
	text("url", it.URL, MaxItemURL, false)
	bytesLen("url", it.URL, MaxItemURL)
	text("language", it.Lang, maxLang, true)
	text("headline", it.Headline, MaxItemHeadline, false)
	text("summary", it.Summary, MaxItemSummary, false)
	text("byline", it.Byline, MaxItemByline, false)
	text("section", it.Section, MaxItemSection, false)
	text("family key", it.FamilyKey, maxFamilyKey, false)
	bytesLen("family key", it.FamilyKey, maxFamilyKey)
	if len(it.Body) > story.MaxBody {
		probs = append(probs, fmt.Sprintf("body is larger than %d bytes", story.MaxBody))
	} else {
		text("body", it.Body, story.MaxBody, false)
	}
	if len(it.Tags) > MaxItemTags {
		probs = append(probs, fmt.Sprintf("more than %d tags", MaxItemTags))
	}
	for i, t := range it.Tags {
		text(fmt.Sprintf("tag %d", i+1), t, MaxItemTag, false)
	}
	if len(it.Bands) > maxItemBands {
		probs = append(probs, fmt.Sprintf("more than %d SimHash bands", maxItemBands))
	}
	if it.State != "" && !it.State.Valid() {
		probs = append(probs, fmt.Sprintf("state %q is unknown", it.State))
	}
	if it.ID != 0 || it.StoryID != 0 || it.State == ItemUsed {
		probs = append(probs, "a new item has no id and no story yet")
	}
	if it.DuplicateOf < 0 || it.FeedID < 0 {
		probs = append(probs, "duplicate-of and feed ids may not be negative")
	}
	if len(probs) > 0 {
		return fmt.Errorf("%w: %s", story.ErrInvalid, strings.Join(probs, "; "))
	}
	return nil
}

// AddItems stores new items. Each INSERT skips an item whose source and
// guid, or URL, is already there (ON CONFLICT DO NOTHING covers both
// unique rules), so that two importers racing over the same feed store
// it once; the existing item is then looked up to report it. Statements
// are prepared once per batch: this is the import's hot path.
func (db *DB) AddItems(ctx context.Context, items []IngestItem) ([]AddResult, error) {
	for i, it := range items {
		if err := CheckItem(it); err != nil {
			return nil, fmt.Errorf("store: add items: item %d: %w", i+1, err)
		}
	}
	now := storeTime(db.now())
	var out []AddResult
	err := db.write(ctx, func(c conn, tx *sql.Tx) error {
		out = make([]AddResult, len(items))
		insert, err := prepare(ctx, tx, c.d, `
			INSERT INTO ingest_items (source, guid, url, lang, headline, summary, body, byline, section, tags,
				family_key, published, received_at, simhash, feed_id, duplicate_of, state)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT DO NOTHING
			RETURNING id`)
		if err != nil {
			return err
		}
		defer insert.Close()
		existing, err := prepare(ctx, tx, c.d, `
			SELECT id FROM ingest_items WHERE (source = ? AND guid = ?) OR url = ? ORDER BY id LIMIT 1`)
		if err != nil {
			return err
		}
		defer existing.Close()
		band, err := prepare(ctx, tx, c.d, `
			INSERT INTO ingest_bands (lang, band, item_id) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`)
		if err != nil {
			return err
		}
		defer band.Close()

		for i, it := range items {
			tags, err := encodeTags(it.Tags)
			if err != nil {
				return err
			}
			state := it.State
			if state == "" {
				state = ItemIncoming
				if it.DuplicateOf != 0 {
					state = ItemDuplicate
				}
			}
			received := it.ReceivedAt
			if received.IsZero() {
				received = now
			}
			var id int64
			err = insert.QueryRowContext(ctx, it.Source, it.GUID, nullText(it.URL), it.Lang, it.Headline, it.Summary,
				it.Body, it.Byline, it.Section, tags, it.FamilyKey, db.timeArg(it.Published), db.timeArg(received),
				int64(it.SimHash), nullID(it.FeedID), nullID(it.DuplicateOf), string(state)).Scan(&id)
			if errors.Is(err, sql.ErrNoRows) {
				if err := existing.QueryRowContext(ctx, it.Source, it.GUID, nullText(it.URL)).Scan(&id); err != nil {
					return fmt.Errorf("item %d: find the item it repeats: %w", i+1, err)
				}
				out[i] = AddResult{Status: AddDuplicate, ID: id}
				continue
			}
			if err != nil {
				return fmt.Errorf("item %d: %w", i+1, err)
			}
			for _, b := range it.Bands {
				if _, err := band.ExecContext(ctx, it.Lang, int64(b), id); err != nil {
					return fmt.Errorf("item %d: band: %w", i+1, err)
				}
			}
			out[i] = AddResult{Status: AddNew, ID: id}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: add items: %w", err)
	}
	return out, nil
}

// prepare prepares shared SQL for the dialect inside tx; the statement
// closes with the transaction at the latest.
func prepare(ctx context.Context, tx *sql.Tx, d dialect, query string) (*sql.Stmt, error) {
	st, err := tx.PrepareContext(ctx, d.rebind(query))
	if err != nil {
		return nil, fmt.Errorf("prepare: %w", err)
	}
	return st, nil
}

// nullText stores an empty optional text as NULL, which never collides
// with another under a unique rule.
func nullText(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// Item reads one item.
func (db *DB) Item(ctx context.Context, id int64) (IngestItem, error) {
	it, err := scanItem(db.read().queryRow(ctx, `SELECT `+itemColumns+` FROM ingest_items WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return IngestItem{}, fmt.Errorf("store: item %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return IngestItem{}, fmt.Errorf("store: item %d: %w", id, err)
	}
	return it, nil
}

// ItemByStory finds the item a story was made from: where an imported
// story came from, and under which id and address the source knows it.
func (db *DB) ItemByStory(ctx context.Context, storyID int64) (IngestItem, error) {
	it, err := scanItem(db.read().queryRow(ctx, `SELECT `+itemColumns+` FROM ingest_items WHERE story_id = ?`, storyID))
	if errors.Is(err, sql.ErrNoRows) {
		return IngestItem{}, fmt.Errorf("store: item of story %d: %w", storyID, ErrNotFound)
	}
	if err != nil {
		return IngestItem{}, fmt.Errorf("store: item of story %d: %w", storyID, err)
	}
	return it, nil
}

func (q ItemQuery) where() (string, []any) {
	var clauses []string
	var args []any
	if q.State != "" {
		clauses = append(clauses, "state = ?")
		args = append(args, string(q.State))
	}
	if q.Lang != "" {
		clauses = append(clauses, "lang = ?")
		args = append(args, q.Lang)
	}
	if q.Source != "" {
		clauses = append(clauses, "source = ?")
		args = append(args, q.Source)
	}
	if len(clauses) == 0 {
		return "", nil
	}
	return "WHERE " + strings.Join(clauses, " AND "), args
}

// Items lists items newest first: ids grow with arrival.
func (db *DB) Items(ctx context.Context, q ItemQuery) ([]IngestItem, error) {
	limit := q.Limit
	if limit <= 0 {
		limit = defaultItems
	}
	limit = min(limit, maxItems)
	where, args := q.where()
	rows, err := db.read().query(ctx, `
		SELECT `+itemColumns+` FROM ingest_items
		`+where+`
		ORDER BY id DESC
		LIMIT ? OFFSET ?`,
		append(args, limit, max(q.Offset, 0))...)
	if err != nil {
		return nil, fmt.Errorf("store: items: %w", err)
	}
	out, err := collect(rows, scanItem)
	if err != nil {
		return nil, fmt.Errorf("store: items: %w", err)
	}
	return out, nil
}

// CountItems counts what Items would list without paging.
func (db *DB) CountItems(ctx context.Context, q ItemQuery) (int, error) {
	where, args := q.where()
	var n int
	if err := db.read().queryRow(ctx, `SELECT COUNT(*) FROM ingest_items `+where, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: count items: %w", err)
	}
	return n, nil
}

// ItemSources lists the distinct sources.
func (db *DB) ItemSources(ctx context.Context) ([]string, error) {
	rows, err := db.read().query(ctx, `SELECT DISTINCT source FROM ingest_items ORDER BY source`)
	if err != nil {
		return nil, fmt.Errorf("store: item sources: %w", err)
	}
	out, err := collect(rows, func(r scanner) (string, error) {
		var s string
		err := r.Scan(&s)
		return s, err
	})
	if err != nil {
		return nil, fmt.Errorf("store: item sources: %w", err)
	}
	return out, nil
}

// NearItems finds the candidates by index on (lang, band).
func (db *DB) NearItems(ctx context.Context, lang string, bands []uint64, limit int) ([]NearItem, error) {
	if len(bands) == 0 {
		return nil, nil
	}
	if len(bands) > maxNearBands {
		return nil, fmt.Errorf("store: near items: %w: more than %d bands", story.ErrInvalid, maxNearBands)
	}
	if limit <= 0 {
		limit = defaultNear
	}
	limit = min(limit, maxNear)
	args := []any{lang}
	for _, b := range bands {
		args = append(args, int64(b))
	}
	rows, err := db.read().query(ctx, `
		SELECT i.id, i.simhash FROM ingest_items i
		WHERE i.id IN (SELECT item_id FROM ingest_bands WHERE lang = ? AND band IN (`+placeholders(len(bands))+`))
		ORDER BY i.id
		LIMIT ?`,
		append(args, limit)...)
	if err != nil {
		return nil, fmt.Errorf("store: near items: %w", err)
	}
	out, err := collect(rows, func(r scanner) (NearItem, error) {
		var n NearItem
		var h int64
		err := r.Scan(&n.ID, &h)
		n.SimHash = uint64(h)
		return n, err
	})
	if err != nil {
		return nil, fmt.Errorf("store: near items: %w", err)
	}
	return out, nil
}

// SetItemState is a compare-and-set on the item's state, so that two
// editors acting on one item at once cannot both take it.
func (db *DB) SetItemState(ctx context.Context, id int64, from, to ItemState, storyID int64) error {
	if !from.Valid() || !to.Valid() {
		return fmt.Errorf("store: set item %d state: %w: states %q and %q", id, story.ErrInvalid, from, to)
	}
	if storyID < 0 || (storyID != 0 && to != ItemUsed) {
		return fmt.Errorf("store: set item %d state: %w: only a used item names a story", id, story.ErrInvalid)
	}
	err := db.write(ctx, func(c conn, _ *sql.Tx) error {
		if storyID != 0 {
			var one int
			err := c.queryRow(ctx, `SELECT 1 FROM stories WHERE id = ?`, storyID).Scan(&one)
			if errors.Is(err, sql.ErrNoRows) {
				return fmt.Errorf("story %d: %w", storyID, ErrNotFound)
			}
			if err != nil {
				return err
			}
		}
		res, err := c.exec(ctx, `
			UPDATE ingest_items SET state = ?, story_id = ?
			WHERE id = ? AND state = ? AND story_id IS NULL`,
			string(to), nullID(storyID), id, string(from))
		if db.d.isUnique(err) {
			return fmt.Errorf("story %d was made from another item: %w", storyID, ErrConflict)
		}
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 1 {
			return err
		}
		var state string
		var linked sql.NullInt64
		err = c.queryRow(ctx, `SELECT state, story_id FROM ingest_items WHERE id = ?`, id).Scan(&state, &linked)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		if linked.Valid {
			return fmt.Errorf("%w: story %d was already made from it", ErrConflict, linked.Int64)
		}
		return fmt.Errorf("%w: it is %s, not %s", ErrConflict, state, from)
	})
	if err != nil {
		return fmt.Errorf("store: set item %d state: %w", id, err)
	}
	return nil
}

func scanItem(r scanner) (IngestItem, error) {
	var it IngestItem
	var url sql.NullString
	var tags, state string
	var hash int64
	var feed, dup, st sql.NullInt64
	err := r.Scan(&it.ID, &it.Source, &it.GUID, &url, &it.Lang, &it.Headline, &it.Summary, &it.Body, &it.Byline,
		&it.Section, &tags, &it.FamilyKey, scanTime{&it.Published}, scanTime{&it.ReceivedAt}, &hash,
		&feed, &dup, &st, &state)
	if err != nil {
		return IngestItem{}, err
	}
	it.URL, it.SimHash, it.State = url.String, uint64(hash), ItemState(state)
	it.FeedID, it.DuplicateOf, it.StoryID = feed.Int64, dup.Int64, st.Int64
	if it.Tags, err = decodeTags(tags); err != nil {
		return IngestItem{}, fmt.Errorf("item %d: %w", it.ID, err)
	}
	return it, nil
}

// checkImported checks a story to import as CreateStory and PublishStory
// would, before the batch writes anything.
func checkImported(s ImportedStory) error {
	st := s.Story
	st.FamilyID = 1 // set by the store; checkStory needs none
	if err := checkStory(&st); err != nil {
		return err
	}
	if st.Status != story.StatusDraft && st.Status != story.StatusPublished {
		return fmt.Errorf("%w: an imported story is draft or published, not %s", story.ErrInvalid, st.Status)
	}
	if st.TranslatedFromID != 0 || st.AuthorID < 0 {
		return fmt.Errorf("%w: an imported story is an original", story.ErrInvalid)
	}
	if len(s.FamilyKey) > maxFamilyKey || !utf8.ValidString(s.FamilyKey) || strings.IndexByte(s.FamilyKey, 0) >= 0 {
		return fmt.Errorf("%w: family key must be UTF-8 of at most %d bytes", story.ErrInvalid, maxFamilyKey)
	}
	if s.ItemID < 0 {
		return fmt.Errorf("%w: item id %d", story.ErrInvalid, s.ItemID)
	}
	return nil
}

// ImportStories is the fast path from items to stories: one transaction
// for the batch, each statement prepared once, families found by key in
// the batch before asking the database. A published story gets what
// CreateStory and PublishStory would give it (an edit change, version 1,
// a publish change, so the public_stories view and every change-log
// follower see it as any other), without a round trip per step.
func (db *DB) ImportStories(ctx context.Context, stories []ImportedStory) ([]ImportResult, error) {
	tags := make([]string, len(stories))
	anyPublished := false
	for i, s := range stories {
		if err := checkImported(s); err != nil {
			return nil, fmt.Errorf("store: import stories: story %d: %w", i+1, err)
		}
		var err error
		if tags[i], err = encodeTags(s.Story.Tags); err != nil {
			return nil, fmt.Errorf("store: import stories: story %d: %w", i+1, err)
		}
		anyPublished = anyPublished || s.Story.Status == story.StatusPublished
	}
	now := storeTime(db.now())
	var out []ImportResult
	err := db.write(ctx, func(c conn, tx *sql.Tx) error {
		out = make([]ImportResult, len(stories))
		// Changes are appended in commit order (see lockChanges): take the
		// lock once for the batch rather than once per story.
		if err := db.d.lockChanges(ctx, tx); err != nil {
			return err
		}
		// Every batch appends changes: other nodes hear of them at commit,
		// and this node's followers wake (see notify.go).
		if err := db.d.announce(ctx, tx); err != nil {
			return err
		}
		if c.appended != nil {
			*c.appended = true
		}
		var err error
		ps := make([]*sql.Stmt, 0, 7)
		defer func() {
			for _, st := range ps {
				st.Close()
			}
		}()
		stmt := func(q string) *sql.Stmt {
			if err != nil {
				return nil
			}
			var st *sql.Stmt
			st, err = prepare(ctx, tx, c.d, q)
			if st != nil {
				ps = append(ps, st)
			}
			return st
		}
		famInsert := stmt(`INSERT INTO families (key, created_at) VALUES (?, ?) ON CONFLICT (key) DO NOTHING RETURNING id`)
		famByKey := stmt(`SELECT id FROM families WHERE key = ?`)
		storyInsert := stmt(`
			INSERT INTO stories (family_id, lang, headline, slug, summary, byline,
				dateline_place, dateline_date, section, tags, body, version, status,
				created_at, updated_at, published_at, public_section)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (family_id, lang) DO NOTHING
			RETURNING id`)
		changeInsert := stmt(`INSERT INTO changes (kind, story_id, family_id, lang, version, at) VALUES (?, ?, ?, ?, ?, ?)`)
		itemLink := stmt(`UPDATE ingest_items SET state = ?, story_id = ? WHERE id = ? AND story_id IS NULL`)
		var versionInsert *sql.Stmt
		if anyPublished {
			versionInsert = stmt(`
				INSERT INTO story_versions (story_id, version, headline, summary, byline,
					dateline_place, dateline_date, section, tags, body, correction_note, killed, published_at,
					embargo_until)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '', ?, ?, NULL)`)
		}
		if err != nil {
			return err
		}

		families := make(map[string]int64)
		for i, s := range stories {
			fam, ok := families[s.FamilyKey]
			if !ok || s.FamilyKey == "" {
				err := famInsert.QueryRowContext(ctx, nullText(s.FamilyKey), db.timeArg(now)).Scan(&fam)
				if errors.Is(err, sql.ErrNoRows) {
					err = famByKey.QueryRowContext(ctx, s.FamilyKey).Scan(&fam)
				}
				if err != nil {
					return fmt.Errorf("story %d: family %q: %w", i+1, s.FamilyKey, err)
				}
				if s.FamilyKey != "" {
					families[s.FamilyKey] = fam
				}
			}
			out[i].FamilyID = fam

			st := s.Story
			version, published, publicSection := 0, any(nil), ""
			at := now
			if st.Status == story.StatusPublished {
				version, publicSection = 1, st.Section
				if !s.PublishedAt.IsZero() {
					at = storeTime(s.PublishedAt)
				}
				published = db.timeArg(at)
			}
			var id int64
			err := storyInsert.QueryRowContext(ctx, fam, st.Lang, st.Headline, st.Slug, st.Summary, st.Byline,
				st.Dateline.Place, st.Dateline.Date.String(), st.Section, tags[i], st.Body, version, string(st.Status),
				db.timeArg(now), db.timeArg(now), published, publicSection).Scan(&id)
			if errors.Is(err, sql.ErrNoRows) {
				out[i].Conflict = true
				continue
			}
			if err != nil {
				return fmt.Errorf("story %d: %w", i+1, err)
			}
			out[i].StoryID = id
			if _, err := changeInsert.ExecContext(ctx, string(story.ChangeEdit), id, fam, st.Lang, 0, db.timeArg(now)); err != nil {
				return fmt.Errorf("story %d: append change: %w", i+1, err)
			}
			if version == 1 {
				_, err := versionInsert.ExecContext(ctx, id, 1, st.Headline, st.Summary, st.Byline,
					st.Dateline.Place, st.Dateline.Date.String(), st.Section, tags[i], st.Body, false, db.timeArg(at))
				if err != nil {
					return fmt.Errorf("story %d: insert version: %w", i+1, err)
				}
				if _, err := changeInsert.ExecContext(ctx, string(story.ChangePublish), id, fam, st.Lang, 1, db.timeArg(at)); err != nil {
					return fmt.Errorf("story %d: append change: %w", i+1, err)
				}
			}
			if s.ItemID != 0 {
				res, err := itemLink.ExecContext(ctx, string(ItemUsed), id, s.ItemID)
				if err != nil {
					return fmt.Errorf("story %d: link item %d: %w", i+1, s.ItemID, err)
				}
				if n, err := res.RowsAffected(); err != nil || n != 1 {
					return errors.Join(err, fmt.Errorf("story %d: item %d is missing or already has a story: %w", i+1, s.ItemID, ErrConflict))
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: import stories: %w", err)
	}
	return out, nil
}
