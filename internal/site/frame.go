package site

import (
	"context"
	"html/template"
	"strconv"
	"time"

	"github.com/qasid/qasid/internal/lang"
)

// frameParts are the parts of the layout that every page of one language
// and current section shares (layout.html's frame_* templates): the feed,
// font and style links in the head, the masthead, the search form, the
// section menu and the footer. They are rendered once and kept with the
// memo, so a page's own template runs only its own actions.
type frameParts struct {
	Links, Masthead, Search, Sections, Footer template.HTML
}

// frameState is the frame as read at one change log position: the agency
// and sections, and a page base for each language and current section
// asked for so far.
type frameState struct {
	frameSource
	seq   int64 // the log's end it was read at
	bases map[frameKey]page
}

type frameKey struct{ lang, current string }

// framePage is the template set the frame parts are rendered from: every
// set holds the layout.
const framePage = "home"

// frame builds the parts of a page every page shares. next maps a language
// code to where the switcher leads in that language.
func (s *Site) frame(ctx context.Context, l lang.Language, current string, next func(code string) string) (page, error) {
	fs, err := s.source(ctx)
	if err != nil {
		return page{}, err
	}
	m := &s.memo
	k := frameKey{l.Code, current}
	m.mu.Lock()
	p, ok := fs.bases[k]
	m.mu.Unlock()
	if !ok {
		if p, err = s.base(l, fs.frameSource, current); err != nil {
			return page{}, err
		}
		m.mu.Lock()
		fs.bases[k] = p
		m.mu.Unlock()
	}
	// The base's slices are shared by every page made from it and read only.
	p.Languages = languageMenu(l, next)
	p.seq = fs.seq
	return p, nil
}

// source is the frame as read at the change log's end, remembered with
// the memo: the agency, the sections and the page bases made so far.
func (s *Site) source(ctx context.Context) (*frameState, error) {
	seq, err := s.store.LastSeq(ctx)
	if err != nil {
		return nil, err
	}
	m := &s.memo
	current := m.lock(seq, s.now())
	fs := m.frame
	m.mu.Unlock()
	if fs != nil && current {
		return fs, nil
	}
	src, err := s.loadFrame(ctx)
	if err != nil {
		return nil, err
	}
	fs = &frameState{frameSource: src, seq: seq, bases: map[frameKey]page{}}
	m.mu.Lock()
	if m.seq == seq {
		if m.frame == nil {
			m.frame = fs
		}
		fs = m.frame
	}
	m.mu.Unlock()
	return fs, nil
}

// base is what every page in language l with the current section shares,
// made from src: the agency's text in l, the section menu, the fonts to
// preload, and the frame parts rendered.
func (s *Site) base(l lang.Language, src frameSource, current string) (page, error) {
	a, secs := src.agency, src.sections
	p := page{cat: s.cat, Lang: l, Agency: a.Text[l.Code], Current: current, CSS: s.assets.URL("site.css"),
		zone: src.zone, sections: secs, agency: a}
	if p.zone == nil {
		p.zone = time.UTC // an error page's empty agency
	}
	p.Year = strconv.Itoa(s.now().In(p.zone).Year())
	for _, sec := range secs {
		p.Sections = append(p.Sections, navLink{Code: sec.Key, Name: sectionName(sec, l.Code),
			URL: "/" + l.Code + "/" + sec.Key + "/", Current: sec.Key == current})
	}
	switch l.Code {
	case "ur":
		p.Preload = []string{s.assets.URL("fonts/NotoNastaliqUrdu-Regular.woff2")}
	case "ar":
		p.Preload = []string{s.assets.URL("fonts/NotoNaskhArabic-Regular.woff2")}
	}
	for _, part := range []struct {
		name string
		to   *template.HTML
	}{
		{"frame_links", &p.Frame.Links},
		{"frame_masthead", &p.Frame.Masthead},
		{"frame_search", &p.Frame.Search},
		{"frame_sections", &p.Frame.Sections},
		{"frame_footer", &p.Frame.Footer},
	} {
		var err error
		if *part.to, err = s.tpl.Fragment(framePage, part.name, p); err != nil {
			return page{}, err
		}
	}
	return p, nil
}
