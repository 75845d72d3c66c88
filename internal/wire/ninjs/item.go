package ninjs

import (
	"errors"
	"fmt"
	"github.com/qasid/qasid/internal/render"
	"html/template"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/qasid/qasid/internal/lang"
	"github.com/qasid/qasid/internal/story"
)

// Input is everything an encoder needs for one version of one story. Both
// this package and newsml take it, so that ninjs and NewsML-G2 always say
// the same thing about a version.
type Input struct {
	Story   story.Story   // the member, as published (store.PublicStory) or its kill
	Version story.Version // the version being delivered (Killed for a kill)
	Family  []story.Story // the family's public members (store.PublicFamily), for translation associations
	Agency  story.Agency  // names, credit, time zone
	BaseURL string        // public origin for uri/href, e.g. https://news.example.org
	Body    template.HTML // the body rendered for the story's language (site's renderer), or the kill notice
	Embargo time.Time     // zero when none
	Audio   *Audio        // the version's voice-over, nil when it has none (yet)
	Images  []Image       // the family's photos, texts in the story's language (picture.go)
}

// ErrInput marks an Input that cannot be encoded: a caller's bug, not a
// subscriber's problem.
var ErrInput = errors.New("wire: invalid input")

// Item is one version of a story as the wire describes it, independent of
// the format: Describe derives it once and each encoder only writes it out.
// Text fields are cleaned of characters XML cannot hold.
type Item struct {
	StoryID  int64
	FamilyID int64
	Version  int
	URI      string // the stable ninjs uri, the same for every version
	GUID     string // the stable NewsML-G2 guid, urn:newsml:<host>:<yyyymmdd>:<id>
	BaseURL  string // the public origin without a trailing slash
	Host     string // its host name

	Lang     lang.Language
	Canceled bool // a kill: pubStatus canceled

	Headline       string
	Summary        string
	Byline         string
	Place          string // the dateline's place
	Dateline       string // the dateline as printed in the story's language, e.g. "Islamabad, 27 November (IMN) –"
	Slug           string
	Section        string
	Tags           []string
	CorrectionNote string

	FirstCreated   time.Time // first publication, in the agency's zone
	VersionCreated time.Time // this version's publication, in the agency's zone
	Embargo        time.Time // zero when none

	Body Fragment

	AgencyName      string
	Credit          string
	CopyrightHolder string
	CopyrightNotice string
	UsageTerms      string

	Subjects     []Subject
	Translations []Translation
	WebURL       string  // the public page; empty for a kill, whose page is gone
	Audio        *Audio  // the voice-over; nil for none and for a kill
	Pictures     []Image // the photos, lead first; none for a kill (picture.go)
}

// Subject is one subject of an item: its section in our own scheme, or an
// IPTC Media Topic the section maps to.
type Subject struct {
	QCode string // e.g. "qasid-section:world" or "medtop:15000000"
	URI   string
	Name  string
	Rel   string // "section", "about"
}

// Translation is another public member of the item's family.
type Translation struct {
	StoryID  int64
	URI      string
	Lang     lang.Language
	Headline string
	Version  int
}

// SectionScheme is the alias of our own subject scheme for sections, which
// NewsML-G2 declares in a catalog; SectionSchemeURI gives its URI.
const SectionScheme = "qasid-section"

// SectionSchemeURI is the URI our section codes expand to: a section key
// appended to it names the section.
func SectionSchemeURI(baseURL string) string {
	return strings.TrimRight(baseURL, "/") + "/wire/v1/sections/"
}

// URI returns the stable uri of a story on the wire: every version of the
// story shares it, and a higher version replaces a lower one.
func URI(baseURL string, storyID int64) string {
	return strings.TrimRight(baseURL, "/") + "/wire/v1/items/" + strconv.FormatInt(storyID, 10)
}

// Describe checks in and derives the item both encoders write.
func Describe(in Input) (Item, error) {
	base, err := url.Parse(strings.TrimRight(in.BaseURL, "/"))
	if err != nil || (base.Scheme != "http" && base.Scheme != "https") || base.Hostname() == "" {
		return Item{}, fmt.Errorf("%w: base URL %q is not an absolute http(s) URL", ErrInput, in.BaseURL)
	}
	st, v := in.Story, in.Version
	if st.ID <= 0 {
		return Item{}, fmt.Errorf("%w: story has no id", ErrInput)
	}
	if v.Version < 1 {
		return Item{}, fmt.Errorf("%w: story %d: no published version", ErrInput, st.ID)
	}
	if v.StoryID != 0 && v.StoryID != st.ID {
		return Item{}, fmt.Errorf("%w: version of story %d given for story %d", ErrInput, v.StoryID, st.ID)
	}
	l, ok := lang.Get(st.Lang)
	if !ok {
		return Item{}, fmt.Errorf("%w: story %d: unknown language %q", ErrInput, st.ID, st.Lang)
	}

	zone := agencyZone(in.Agency)
	first := st.PublishedAt
	if first.IsZero() || first.After(v.PublishedAt) && !v.PublishedAt.IsZero() {
		first = v.PublishedAt
	}
	created := v.PublishedAt
	if created.IsZero() {
		created = first
	}
	if first.IsZero() {
		return Item{}, fmt.Errorf("%w: story %d: no publication time", ErrInput, st.ID)
	}
	first, created = first.In(zone), created.In(zone)

	origin := base.Scheme + "://" + base.Host + strings.TrimRight(base.Path, "/")
	name, credit := agencyText(in.Agency, l.Code, base.Hostname())
	it := Item{
		StoryID:  st.ID,
		FamilyID: st.FamilyID,
		Version:  v.Version,
		URI:      URI(origin, st.ID),
		GUID:     "urn:newsml:" + strings.ToLower(base.Hostname()) + ":" + first.Format("20060102") + ":" + strconv.FormatInt(st.ID, 10),
		BaseURL:  origin,
		Host:     base.Hostname(),
		Lang:     l,
		Canceled: v.Killed || st.Status == story.StatusKilled,

		Headline:       CleanText(v.Headline),
		Summary:        CleanText(v.Summary),
		Byline:         CleanText(v.Byline),
		Place:          CleanText(v.Dateline.Place),
		Slug:           CleanText(st.Slug),
		Section:        CleanText(v.Section),
		CorrectionNote: CleanText(v.CorrectionNote),

		FirstCreated:   first,
		VersionCreated: created,

		AgencyName:      name,
		Credit:          credit,
		CopyrightHolder: name,
		CopyrightNotice: "© " + strconv.Itoa(first.Year()) + " " + name,
		UsageTerms:      "Licensed to subscribers of " + name + " under their agreement. Not for further distribution.",
	}
	for _, t := range v.Tags {
		if t = strings.TrimSpace(CleanText(t)); t != "" {
			it.Tags = append(it.Tags, t)
		}
	}
	if !in.Embargo.IsZero() && !it.Canceled {
		// A kill is never embargoed: subscribers must withdraw at once.
		it.Embargo = in.Embargo.In(zone)
	}
	it.Dateline = CleanText(dateline(l, v.Dateline, credit, first))

	body := string(in.Body)
	if it.Canceled {
		if strings.TrimSpace(body) == "" {
			body = "<p>" + template.HTMLEscapeString(v.Body) + "</p>"
		}
	} else {
		body = withDateline(body, it.Dateline)
	}
	it.Body = CleanBody(body, base)

	if it.Section != "" {
		// Section keys are lower-case ASCII, but a code must hold no
		// space or colon whatever a caller passes: escape it as a path.
		code := url.PathEscape(it.Section)
		it.Subjects = append(it.Subjects, Subject{
			QCode: SectionScheme + ":" + code,
			URI:   SectionSchemeURI(origin) + code,
			Name:  it.Section,
			Rel:   "section",
		})
		if code, label, ok := mediaTopic(it.Section); ok {
			it.Subjects = append(it.Subjects, Subject{
				QCode: "medtop:" + code,
				URI:   "http://cv.iptc.org/newscodes/mediatopic/" + code,
				Name:  label,
				Rel:   "about",
			})
		}
	}

	for _, m := range in.Family {
		ml, ok := lang.Get(m.Lang)
		if m.ID == st.ID || !ok || m.Status != story.StatusPublished {
			continue
		}
		it.Translations = append(it.Translations, Translation{
			StoryID:  m.ID,
			URI:      URI(origin, m.ID),
			Lang:     ml,
			Headline: CleanText(m.Headline),
			Version:  m.Version,
		})
	}
	sort.Slice(it.Translations, func(i, j int) bool { return it.Translations[i].StoryID < it.Translations[j].StoryID })

	if !it.Canceled {
		it.WebURL = origin + (&url.URL{Path: render.StoryPath(st)}).EscapedPath()
	}
	it.Audio = describeAudio(in.Audio, it.Canceled)
	it.Pictures = describePictures(in.Images, it.Canceled)
	return it, nil
}

// agencyZone is the agency's home time zone, or UTC when it names none we
// know: times stay right either way, only their offset changes.
func agencyZone(a story.Agency) *time.Location {
	if a.TimeZone == "" {
		return time.UTC
	}
	loc, err := time.LoadLocation(a.TimeZone)
	if err != nil {
		return time.UTC
	}
	return loc
}

// agencyText finds the agency's name and credit in the story's language,
// falling back to English, then any language, then the public host name, so
// that rights information is never empty.
func agencyText(a story.Agency, code, host string) (name, credit string) {
	pick := func(t story.AgencyText) {
		if name == "" {
			name = strings.TrimSpace(CleanText(t.Name))
		}
		if credit == "" {
			credit = strings.TrimSpace(CleanText(t.Credit))
		}
	}
	pick(a.Text[code])
	pick(a.Text["en"])
	codes := make([]string, 0, len(a.Text))
	for c := range a.Text {
		codes = append(codes, c)
	}
	sort.Strings(codes)
	for _, c := range codes {
		pick(a.Text[c])
	}
	if name == "" {
		name = host
	}
	return name, credit
}

// dateline prints the dateline the way the public page does: the place and
// the civil date of the dateline (or of first publication when it has
// none), with the agency's credit.
func dateline(l lang.Language, d story.Dateline, credit string, first time.Time) string {
	if d.Date.IsZero() && strings.TrimSpace(d.Place) == "" {
		return ""
	}
	day := first
	if !d.Date.IsZero() {
		day = time.Date(d.Date.Year, d.Date.Month, d.Date.Day, 12, 0, 0, 0, time.UTC)
	}
	return l.FormatDateline(d.Place, day, credit)
}

// mediaTopic maps the section keys agencies commonly use to IPTC Media
// Topics (top level, with IPTC's English labels). A section not listed
// keeps only its own code: "national" or "world" say where, not what.
func mediaTopic(section string) (code, label string, ok bool) {
	switch section {
	case "culture", "arts", "entertainment":
		return "01000000", "arts, culture, entertainment and media", true
	case "crime", "justice":
		return "02000000", "crime, law and justice", true
	case "business", "economy", "finance":
		return "04000000", "economy, business and finance", true
	case "education":
		return "05000000", "education", true
	case "environment", "climate":
		return "06000000", "environment", true
	case "health":
		return "07000000", "health", true
	case "politics":
		return "11000000", "politics and government", true
	case "religion":
		return "12000000", "religion", true
	case "science", "technology", "tech":
		return "13000000", "science and technology", true
	case "sport", "sports":
		return "15000000", "sport", true
	case "weather":
		return "17000000", "weather", true
	}
	return "", "", false
}

// withDateline opens the body with the dateline, as agencies print it and
// as the public page shows it (the same markup: a span of class
// "dateline"), unless the caller's body already carries one. ninjs has no
// dateline property, so the body is where subscribers find it.
func withDateline(body, dateline string) string {
	if dateline == "" || strings.Contains(body, `class="dateline"`) {
		return body
	}
	span := `<span class="dateline">` + template.HTMLEscapeString(dateline) + `</span> `
	if strings.HasPrefix(body, "<p>") {
		return "<p>" + span + body[len("<p>"):]
	}
	return `<p class="dateline-only">` + span + `</p>` + body
}
