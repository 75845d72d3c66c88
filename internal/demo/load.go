package demo

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strconv"
	"time"

	"github.com/qasid/qasid/internal/lang"
	"github.com/qasid/qasid/internal/store"
	"github.com/qasid/qasid/internal/story"
)

//go:embed stories
var storyFiles embed.FS

// original is the language every demo story was first written in; the
// other six are its translations.
const original = "en"

// Family is one demo story in every language, keyed by its folder name.
type Family struct {
	Key     string
	Members map[string]story.Story // by language code
}

// Stories parses every embedded demo story. Each must exist in all seven
// languages with the same section and date.
func Stories() ([]Family, error) {
	return parseStories(storyFiles, "stories")
}

func parseStories(fsys fs.FS, root string) ([]Family, error) {
	dirs, err := fs.ReadDir(fsys, root)
	if err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	var out []Family
	for _, d := range dirs {
		if !d.IsDir() {
			continue
		}
		fam := Family{Key: d.Name(), Members: map[string]story.Story{}}
		for _, code := range lang.Codes() {
			name := path.Join(root, d.Name(), code+".md")
			b, err := fs.ReadFile(fsys, name)
			if err != nil {
				return nil, fmt.Errorf("demo: story %s has no %s file: %w", d.Name(), code, err)
			}
			f, err := parseFile(name, d.Name(), code, string(b))
			if err != nil {
				return nil, err
			}
			fam.Members[code] = f.Story
		}
		en := fam.Members[original]
		for code, m := range fam.Members {
			if m.Section != en.Section || m.Dateline.Date != en.Dateline.Date {
				return nil, fmt.Errorf("demo: story %s: %s differs from %s in section or date", d.Name(), code, original)
			}
		}
		out = append(out, fam)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out, nil
}

// alsoKey finds the demo files' references by folder name, [[also:01-key]],
// which the loader turns into references by story id, [[also:123]].
var alsoKey = regexp.MustCompile(`\[\[also:([0-9]{2}-[a-z0-9-]+)\]\]`)

// Result counts what Load did.
type Result struct {
	Families, Created, Published int
}

// Load puts the demo agency into st. It is idempotent: families are found
// by their key ("demo:" + folder name), and a member left as a draft by an
// interrupted run is published by the next one.
func Load(ctx context.Context, st store.Store) (Result, error) {
	var res Result
	if err := st.SaveAgency(ctx, Agency()); err != nil {
		return res, fmt.Errorf("demo: %w", err)
	}
	for _, sec := range Sections() {
		if err := st.SaveSection(ctx, sec); err != nil {
			return res, fmt.Errorf("demo: %w", err)
		}
	}
	fams, err := Stories()
	if err != nil {
		return res, err
	}
	res.Families = len(fams)
	loc, err := time.LoadLocation(Agency().TimeZone)
	if err != nil {
		return res, fmt.Errorf("demo: %w", err)
	}

	// Pass 1: every family and member exists, as drafts where new.
	ids := map[string]int64{}             // family key -> the original's story id
	members := map[string][]story.Story{} // family key -> members as stored
	for _, fam := range fams {
		stored, n, err := ensureFamily(ctx, st, fam)
		if err != nil {
			return res, err
		}
		res.Created += n
		members[fam.Key] = stored
		for _, m := range stored {
			if m.Lang == original {
				ids[fam.Key] = m.ID
			}
		}
	}

	// Pass 2: resolve references and publish what is not yet published, at
	// 09:00 agency time on the dateline's day, the original first.
	for _, fam := range fams {
		for i, m := range members[fam.Key] {
			if m.Status != story.StatusDraft {
				continue
			}
			var missing error
			m.Body = alsoKey.ReplaceAllStringFunc(m.Body, func(tok string) string {
				key := alsoKey.FindStringSubmatch(tok)[1]
				id, ok := ids[key]
				if !ok {
					missing = fmt.Errorf("demo: story %s refers to unknown story %s", fam.Key, key)
					return tok
				}
				return "[[also:" + strconv.FormatInt(id, 10) + "]]"
			})
			if missing != nil {
				return res, missing
			}
			if err := st.UpdateStory(ctx, &m); err != nil {
				return res, fmt.Errorf("demo: %s/%s: %w", fam.Key, m.Lang, err)
			}
			d := m.Dateline.Date
			at := time.Date(d.Year, d.Month, d.Day, 9, i, 0, 0, loc)
			if _, err := st.PublishStory(ctx, m.ID, store.Publish{At: at}); err != nil {
				return res, fmt.Errorf("demo: publish %s/%s: %w", fam.Key, m.Lang, err)
			}
			res.Published++
		}
	}
	return res, nil
}

// ensureFamily creates the family and whichever members it lacks, and
// returns all members in language order (the original first).
func ensureFamily(ctx context.Context, st store.Store, fam Family) ([]story.Story, int, error) {
	key := "demo:" + fam.Key
	fid, err := st.FamilyByKey(ctx, key)
	if errors.Is(err, store.ErrNotFound) {
		fid, err = st.CreateFamily(ctx, key)
	}
	if err != nil {
		return nil, 0, fmt.Errorf("demo: family %s: %w", fam.Key, err)
	}
	existing, err := st.Family(ctx, fid)
	if err != nil {
		return nil, 0, fmt.Errorf("demo: family %s: %w", fam.Key, err)
	}
	have := map[string]story.Story{}
	for _, m := range existing {
		have[m.Lang] = m
	}
	created := 0
	var out []story.Story
	for _, code := range lang.Codes() { // en comes first, so translations can point at it
		if m, ok := have[code]; ok {
			out = append(out, m)
			continue
		}
		m := fam.Members[code]
		m.FamilyID = fid
		m.Slug = lang.Slug(code, m.Headline)
		if code != original {
			m.TranslatedFromID = have[original].ID
			m.TranslatedFromVersion = 1
		}
		if err := st.CreateStory(ctx, &m); err != nil {
			return nil, 0, fmt.Errorf("demo: create %s/%s: %w", fam.Key, code, err)
		}
		have[code] = m
		out = append(out, m)
		created++
	}
	return out, created, nil
}
