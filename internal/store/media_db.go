package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/qasid/qasid/internal/audit"
	"github.com/qasid/qasid/internal/story"
)

// Bounds the store keeps on image rows whatever the caller checked: the
// photo desk's own rules (which languages, which characters) are the media
// service's.
const (
	maxImageKey     = 500
	maxImageCaption = 2000
	maxImageCredit  = 300
	maxImageAlt     = 1000
	maxLangCode     = 35
	// imagesChunk bounds the ids of one IN list (LeadImages), far below
	// either database's limit on parameters.
	imagesChunk = 500
)

const imageColumns = `i.id, i.sha256, i.original_key, i.mime, i.width, i.height, i.bytes, i.uploaded_by, i.created_at`

func scanImage(r scanner, extra ...any) (Image, error) {
	var img Image
	var by sql.NullInt64
	dest := append([]any{&img.ID, &img.SHA256, &img.OriginalKey, &img.MIME, &img.Width, &img.Height, &img.Bytes, &by,
		scanTime{&img.CreatedAt}}, extra...)
	if err := r.Scan(dest...); err != nil {
		return Image{}, err
	}
	img.UploadedBy = by.Int64
	return img, nil
}

// CreateImage keeps an image and its renditions.
func (db *DB) CreateImage(ctx context.Context, img *Image, a audit.Entry) error {
	if err := checkImage(*img); err != nil {
		return fmt.Errorf("store: create image: %w: %w", story.ErrInvalid, err)
	}
	now := storeTime(db.now())
	var id int64
	err := db.write(ctx, func(c conn, _ *sql.Tx) error {
		if img.UploadedBy != 0 {
			if err := userExists(ctx, c, img.UploadedBy); err != nil {
				return fmt.Errorf("user %d: %w", img.UploadedBy, err)
			}
		}
		err := c.queryRow(ctx, `
			INSERT INTO images (sha256, original_key, mime, width, height, bytes, uploaded_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)
			RETURNING id`,
			img.SHA256, img.OriginalKey, img.MIME, img.Width, img.Height, img.Bytes, nullID(img.UploadedBy),
			db.timeArg(now)).Scan(&id)
		if err != nil {
			return err
		}
		for _, r := range img.Renditions {
			_, err := c.exec(ctx, `
				INSERT INTO image_renditions (image_id, width, height, mime, blob_key, bytes)
				VALUES (?, ?, ?, ?, ?, ?)`,
				id, r.Width, r.Height, r.MIME, r.Key, r.Bytes)
			if err != nil {
				return err
			}
		}
		if a.Detail == "" {
			a.Detail = fmt.Sprintf("image %d", id)
		}
		return db.appendAudit(ctx, c, withDefaults(a, now, 0, 0))
	})
	if db.d.isUnique(err) {
		return fmt.Errorf("store: create image %s: %w", img.SHA256, ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("store: create image: %w", err)
	}
	img.ID, img.CreatedAt = id, now
	return nil
}

// checkImage refuses rows the schema would refuse too, with a message
// rather than a constraint name, and duplicate renditions, which would
// otherwise look like a duplicate image.
func checkImage(img Image) error {
	var probs []string
	if len(img.SHA256) != 64 || strings.Trim(img.SHA256, "0123456789abcdef") != "" {
		probs = append(probs, "sha256 must be 64 lower-case hex digits")
	}
	switch img.MIME {
	case "image/jpeg", "image/png", "image/webp":
	default:
		probs = append(probs, fmt.Sprintf("type %q is not an image type Qasid keeps", img.MIME))
	}
	if img.Width <= 0 || img.Height <= 0 || img.Bytes <= 0 {
		probs = append(probs, "width, height and size must be positive")
	}
	if !goodKey(img.OriginalKey) {
		probs = append(probs, "original key is empty, too long or not UTF-8")
	}
	if img.UploadedBy < 0 {
		probs = append(probs, "uploader id is negative")
	}
	seen := map[string]bool{}
	for _, r := range img.Renditions {
		k := fmt.Sprintf("%d %s", r.Width, r.MIME)
		if seen[k] {
			probs = append(probs, "two renditions of "+k)
		}
		seen[k] = true
		if r.Width <= 0 || r.Height <= 0 || r.Bytes <= 0 || r.MIME == "" || !goodKey(r.Key) {
			probs = append(probs, "a rendition lacks a size, type or key")
		}
	}
	if len(probs) > 0 {
		return errors.New(strings.Join(probs, "; "))
	}
	return nil
}

func goodKey(k string) bool {
	return k != "" && len(k) <= maxImageKey && utf8.ValidString(k) && strings.IndexByte(k, 0) < 0
}

// Image returns an image with its renditions.
func (db *DB) Image(ctx context.Context, id int64) (Image, error) {
	img, err := db.imageWhere(ctx, `i.id = ?`, id)
	if err != nil {
		return Image{}, fmt.Errorf("store: image %d: %w", id, err)
	}
	return img, nil
}

// ImageBySHA256 finds an image by the hash of its original.
func (db *DB) ImageBySHA256(ctx context.Context, sum string) (Image, error) {
	img, err := db.imageWhere(ctx, `i.sha256 = ?`, strings.ToLower(sum))
	if err != nil {
		return Image{}, fmt.Errorf("store: image %s: %w", sum, err)
	}
	return img, nil
}

func (db *DB) imageWhere(ctx context.Context, where string, arg any) (Image, error) {
	c := db.read()
	img, err := scanImage(c.queryRow(ctx, `SELECT `+imageColumns+` FROM images i WHERE `+where, arg))
	if errors.Is(err, sql.ErrNoRows) {
		return Image{}, ErrNotFound
	}
	if err != nil {
		return Image{}, err
	}
	rs, err := renditions(ctx, c, []int64{img.ID})
	if err != nil {
		return Image{}, err
	}
	img.Renditions = rs[img.ID]
	return img, nil
}

// renditions reads the renditions of images, narrowest first.
func renditions(ctx context.Context, c conn, ids []int64) (map[int64][]Rendition, error) {
	out := map[int64][]Rendition{}
	if len(ids) == 0 {
		return out, nil
	}
	rows, err := c.query(ctx, `
		SELECT image_id, width, height, mime, blob_key, bytes
		FROM image_renditions
		WHERE image_id IN (`+placeholders(len(ids))+`)
		ORDER BY image_id, width, mime`,
		int64Args(ids)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var r Rendition
		if err := rows.Scan(&id, &r.Width, &r.Height, &r.MIME, &r.Key, &r.Bytes); err != nil {
			return nil, err
		}
		out[id] = append(out[id], r)
	}
	return out, rows.Err()
}

func int64Args(ids []int64) []any {
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	return args
}

// lockFamily checks that a family exists and, where the database has row
// locks, holds its row until the transaction ends: changes to one
// family's images (positions, the lead) then take turns.
func (db *DB) lockFamily(ctx context.Context, c conn, familyID int64) error {
	var one int
	err := c.queryRow(ctx, `SELECT 1 FROM families WHERE id = ?`+db.d.forUpdate(), familyID).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("family %d: %w", familyID, ErrNotFound)
	}
	return err
}

// placement reads an image's position and lead mark in a family.
func placement(ctx context.Context, c conn, familyID, imageID int64) (pos int, lead bool, err error) {
	err = c.queryRow(ctx, `SELECT position, is_lead FROM family_images WHERE family_id = ? AND image_id = ?`,
		familyID, imageID).Scan(&pos, &lead)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, fmt.Errorf("image %d in family %d: %w", imageID, familyID, ErrNotFound)
	}
	return pos, lead, err
}

// PlaceImage adds an image to a family, last.
func (db *DB) PlaceImage(ctx context.Context, p Placement, a audit.Entry) (FamilyImage, error) {
	if p.FamilyID <= 0 || p.ImageID <= 0 || p.AddedBy < 0 {
		return FamilyImage{}, fmt.Errorf("store: place image: %w: ids must be positive", story.ErrInvalid)
	}
	now := storeTime(db.now())
	err := db.write(ctx, func(c conn, tx *sql.Tx) error {
		if err := db.lockFamily(ctx, c, p.FamilyID); err != nil {
			return err
		}
		var one int
		err := c.queryRow(ctx, `SELECT 1 FROM images WHERE id = ?`, p.ImageID).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("image %d: %w", p.ImageID, ErrNotFound)
		}
		if err != nil {
			return err
		}
		if p.AddedBy != 0 {
			if err := userExists(ctx, c, p.AddedBy); err != nil {
				return fmt.Errorf("user %d: %w", p.AddedBy, err)
			}
		}
		if _, _, err := placement(ctx, c, p.FamilyID, p.ImageID); err == nil {
			return fmt.Errorf("image %d is already in family %d: %w", p.ImageID, p.FamilyID, ErrConflict)
		} else if !errors.Is(err, ErrNotFound) {
			return err
		}
		var last, leads int
		err = c.queryRow(ctx, `
			SELECT COALESCE(MAX(position), 0), COUNT(CASE WHEN is_lead = TRUE THEN 1 END)
			FROM family_images WHERE family_id = ?`, p.FamilyID).Scan(&last, &leads)
		if err != nil {
			return err
		}
		_, err = c.exec(ctx, `
			INSERT INTO family_images (family_id, image_id, position, is_lead, added_by, added_at)
			VALUES (?, ?, ?, ?, ?, ?)`,
			p.FamilyID, p.ImageID, last+1, leads == 0, nullID(p.AddedBy), db.timeArg(now))
		if err != nil {
			return err
		}
		if err := db.announceFamily(ctx, c, tx, p.FamilyID, now); err != nil {
			return err
		}
		return db.appendAudit(ctx, c, withImageDetail(withDefaults(a, now, 0, 0), p.ImageID))
	})
	if err != nil {
		return FamilyImage{}, fmt.Errorf("store: place image %d in family %d: %w", p.ImageID, p.FamilyID, err)
	}
	return db.FamilyImage(ctx, p.FamilyID, p.ImageID)
}

// withImageDetail names the image in an audit entry that says nothing else.
func withImageDetail(a audit.Entry, imageID int64) audit.Entry {
	if a.Detail == "" {
		a.Detail = fmt.Sprintf("image %d", imageID)
	}
	return a
}

const familyImageColumns = `fi.family_id, fi.position, fi.is_lead, fi.added_by, fi.added_at`

// FamilyImages lists a family's images in position order. An unknown
// family has none.
func (db *DB) FamilyImages(ctx context.Context, familyID int64) ([]FamilyImage, error) {
	out, err := db.familyImages(ctx, `fi.family_id = ?`, familyID)
	if err != nil {
		return nil, fmt.Errorf("store: images of family %d: %w", familyID, err)
	}
	return out, nil
}

// FamilyImage is one image in its place in a family.
func (db *DB) FamilyImage(ctx context.Context, familyID, imageID int64) (FamilyImage, error) {
	out, err := db.familyImages(ctx, `fi.family_id = ? AND fi.image_id = ?`, familyID, imageID)
	if err == nil && len(out) == 0 {
		err = ErrNotFound
	}
	if err != nil {
		return FamilyImage{}, fmt.Errorf("store: image %d of family %d: %w", imageID, familyID, err)
	}
	return out[0], nil
}

// LeadImages returns each family's lead image.
func (db *DB) LeadImages(ctx context.Context, familyIDs []int64) (map[int64]FamilyImage, error) {
	out := map[int64]FamilyImage{}
	seen := map[int64]bool{}
	var uniq []int64
	for _, id := range familyIDs {
		if !seen[id] {
			seen[id] = true
			uniq = append(uniq, id)
		}
	}
	for len(uniq) > 0 {
		chunk := uniq[:min(len(uniq), imagesChunk)]
		uniq = uniq[len(chunk):]
		list, err := db.familyImages(ctx, `fi.is_lead = TRUE AND fi.family_id IN (`+placeholders(len(chunk))+`)`, int64Args(chunk)...)
		if err != nil {
			return nil, fmt.Errorf("store: lead images: %w", err)
		}
		for _, fi := range list {
			out[fi.FamilyID] = fi
		}
	}
	return out, nil
}

// familyImages reads placements matching where, with their images,
// renditions and texts: three queries whatever the number of images.
func (db *DB) familyImages(ctx context.Context, where string, args ...any) ([]FamilyImage, error) {
	c := db.read()
	rows, err := c.query(ctx, `
		SELECT `+imageColumns+`, `+familyImageColumns+`
		FROM family_images fi
		JOIN images i ON i.id = fi.image_id
		WHERE `+where+`
		ORDER BY fi.family_id, fi.position, fi.image_id`,
		args...)
	if err != nil {
		return nil, err
	}
	list, err := collect(rows, func(r scanner) (FamilyImage, error) {
		var fi FamilyImage
		var by sql.NullInt64
		img, err := scanImage(r, &fi.FamilyID, &fi.Position, &fi.Lead, &by, scanTime{&fi.AddedAt})
		fi.Image, fi.AddedBy = img, by.Int64
		return fi, err
	})
	if err != nil || len(list) == 0 {
		return list, err
	}
	var imageIDs, familyIDs []int64
	seenFam := map[int64]bool{}
	for _, fi := range list {
		imageIDs = append(imageIDs, fi.Image.ID)
		if !seenFam[fi.FamilyID] {
			seenFam[fi.FamilyID] = true
			familyIDs = append(familyIDs, fi.FamilyID)
		}
	}
	rs, err := renditions(ctx, c, imageIDs)
	if err != nil {
		return nil, err
	}
	texts, err := imageTexts(ctx, c, familyIDs)
	if err != nil {
		return nil, err
	}
	for i := range list {
		fi := &list[i]
		fi.Image.Renditions = rs[fi.Image.ID]
		fi.Texts = texts[[2]int64{fi.FamilyID, fi.Image.ID}]
		if fi.Texts == nil {
			fi.Texts = map[string]ImageText{}
		}
	}
	return list, nil
}

// imageTexts reads every text of the families' images, by family and image.
func imageTexts(ctx context.Context, c conn, familyIDs []int64) (map[[2]int64]map[string]ImageText, error) {
	rows, err := c.query(ctx, `
		SELECT family_id, image_id, lang, caption, credit, alt
		FROM family_image_texts
		WHERE family_id IN (`+placeholders(len(familyIDs))+`)`,
		int64Args(familyIDs)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[[2]int64]map[string]ImageText{}
	for rows.Next() {
		var fam, img int64
		var code string
		var t ImageText
		if err := rows.Scan(&fam, &img, &code, &t.Caption, &t.Credit, &t.Alt); err != nil {
			return nil, err
		}
		k := [2]int64{fam, img}
		if out[k] == nil {
			out[k] = map[string]ImageText{}
		}
		out[k][code] = t
	}
	return out, rows.Err()
}

// SetImageText sets one language's texts of an image in a family.
func (db *DB) SetImageText(ctx context.Context, familyID, imageID int64, lang string, t ImageText, a audit.Entry) error {
	if err := checkImageText(lang, t); err != nil {
		return fmt.Errorf("store: image %d text: %w: %w", imageID, story.ErrInvalid, err)
	}
	now := storeTime(db.now())
	err := db.write(ctx, func(c conn, tx *sql.Tx) error {
		if err := db.lockFamily(ctx, c, familyID); err != nil {
			return err
		}
		if _, _, err := placement(ctx, c, familyID, imageID); err != nil {
			return err
		}
		var err error
		if t.IsZero() {
			_, err = c.exec(ctx, `DELETE FROM family_image_texts WHERE family_id = ? AND image_id = ? AND lang = ?`,
				familyID, imageID, lang)
		} else {
			_, err = c.exec(ctx, `
				INSERT INTO family_image_texts (family_id, image_id, lang, caption, credit, alt)
				VALUES (?, ?, ?, ?, ?, ?)
				ON CONFLICT (family_id, image_id, lang) DO UPDATE SET
					caption = excluded.caption, credit = excluded.credit, alt = excluded.alt`,
				familyID, imageID, lang, t.Caption, t.Credit, t.Alt)
		}
		if err != nil {
			return err
		}
		if err := db.announceFamily(ctx, c, tx, familyID, now); err != nil {
			return err
		}
		return db.appendAudit(ctx, c, withImageDetail(withDefaults(a, now, 0, 0), imageID))
	})
	if err != nil {
		return fmt.Errorf("store: image %d text in %s: %w", imageID, lang, err)
	}
	return nil
}

func checkImageText(lang string, t ImageText) error {
	if lang == "" || len(lang) > maxLangCode {
		return fmt.Errorf("language code %q", lang)
	}
	for _, f := range []struct {
		name, v string
		max     int
	}{{"caption", t.Caption, maxImageCaption}, {"credit", t.Credit, maxImageCredit}, {"alt text", t.Alt, maxImageAlt}, {"language", lang, maxLangCode}} {
		if !utf8.ValidString(f.v) {
			return fmt.Errorf("%s is not valid UTF-8", f.name)
		}
		if utf8.RuneCountInString(f.v) > f.max {
			return fmt.Errorf("%s is longer than %d characters", f.name, f.max)
		}
	}
	return noNUL(map[string]string{"caption": t.Caption, "credit": t.Credit, "alt text": t.Alt, "language": lang})
}

// SetLeadImage makes an image its family's lead.
func (db *DB) SetLeadImage(ctx context.Context, familyID, imageID int64, a audit.Entry) error {
	now := storeTime(db.now())
	err := db.write(ctx, func(c conn, tx *sql.Tx) error {
		if err := db.lockFamily(ctx, c, familyID); err != nil {
			return err
		}
		if _, _, err := placement(ctx, c, familyID, imageID); err != nil {
			return err
		}
		// The old lead steps down first: the unique index allows one.
		_, err := c.exec(ctx, `UPDATE family_images SET is_lead = FALSE WHERE family_id = ? AND is_lead = TRUE AND image_id <> ?`,
			familyID, imageID)
		if err != nil {
			return err
		}
		if _, err := c.exec(ctx, `UPDATE family_images SET is_lead = TRUE WHERE family_id = ? AND image_id = ?`, familyID, imageID); err != nil {
			return err
		}
		if err := db.announceFamily(ctx, c, tx, familyID, now); err != nil {
			return err
		}
		return db.appendAudit(ctx, c, withImageDetail(withDefaults(a, now, 0, 0), imageID))
	})
	if err != nil {
		return fmt.Errorf("store: lead image %d of family %d: %w", imageID, familyID, err)
	}
	return nil
}

// RemoveImage takes an image out of a family.
func (db *DB) RemoveImage(ctx context.Context, familyID, imageID int64, a audit.Entry) error {
	now := storeTime(db.now())
	err := db.write(ctx, func(c conn, tx *sql.Tx) error {
		if err := db.lockFamily(ctx, c, familyID); err != nil {
			return err
		}
		pos, lead, err := placement(ctx, c, familyID, imageID)
		if err != nil {
			return err
		}
		if _, err := c.exec(ctx, `DELETE FROM family_image_texts WHERE family_id = ? AND image_id = ?`, familyID, imageID); err != nil {
			return err
		}
		if _, err := c.exec(ctx, `DELETE FROM family_images WHERE family_id = ? AND image_id = ?`, familyID, imageID); err != nil {
			return err
		}
		// Positions are not unique, so the ones after close the gap in one
		// statement, whatever order the rows change in.
		if _, err := c.exec(ctx, `UPDATE family_images SET position = position - 1 WHERE family_id = ? AND position > ?`, familyID, pos); err != nil {
			return err
		}
		if lead {
			if _, err := c.exec(ctx, `UPDATE family_images SET is_lead = TRUE WHERE family_id = ? AND position = 1`, familyID); err != nil {
				return err
			}
		}
		if err := db.announceFamily(ctx, c, tx, familyID, now); err != nil {
			return err
		}
		return db.appendAudit(ctx, c, withImageDetail(withDefaults(a, now, 0, 0), imageID))
	})
	if err != nil {
		return fmt.Errorf("store: remove image %d from family %d: %w", imageID, familyID, err)
	}
	return nil
}

// announceFamily appends a media change for every member of a family that
// readers may have seen (published at least once), so that each node's page
// cache drops the pages that show the family's photos.
func (db *DB) announceFamily(ctx context.Context, c conn, tx *sql.Tx, familyID int64, now time.Time) error {
	rows, err := c.query(ctx, `SELECT id, lang, version FROM stories WHERE family_id = ? AND version > 0 ORDER BY id`, familyID)
	if err != nil {
		return err
	}
	var members []story.Story
	for rows.Next() {
		st := story.Story{FamilyID: familyID}
		if err := rows.Scan(&st.ID, &st.Lang, &st.Version); err != nil {
			rows.Close()
			return err
		}
		members = append(members, st)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, st := range members {
		if _, err := db.appendChange(ctx, c, tx, story.ChangeMedia, st, now); err != nil {
			return err
		}
	}
	return nil
}
