package segment

import (
	"slices"
	"strings"
	"testing"
)

// seg is a segment without its index, which tests check separately.
type seg struct {
	kind  Kind
	block int
	text  string
}

func segsOf(d Doc) []seg {
	out := make([]seg, len(d.Segments))
	for i, s := range d.Segments {
		out[i] = seg{s.Kind, s.Block, s.Text}
	}
	return out
}

func TestSplit(t *testing.T) {
	tests := []struct {
		name, lang, headline, place, body string
		want                              []seg
	}{
		{
			name: "headline and place", lang: "en",
			headline: "  Floods close schools ", place: "LAHORE",
			body: "Rain fell all night. Roads are shut.",
			want: []seg{
				{KindHeadline, -1, "Floods close schools"},
				{KindPlace, -1, "LAHORE"},
				{KindSentence, 0, "Rain fell all night."},
				{KindSentence, 0, "Roads are shut."},
			},
		},
		{
			name: "no headline or place", lang: "en", body: "Only text.",
			want: []seg{{KindSentence, 0, "Only text."}},
		},
		{
			name: "headings of every level", lang: "en",
			body: "# Top\n\n## Second ##\n\n### Third\n\n#### Fourth\n\n###### Sixth\n\n####### not a heading\n\n#hashtag",
			want: []seg{
				{KindH2, 0, "Top"},
				{KindH2, 1, "Second"},
				{KindH3, 2, "Third"},
				{KindH4, 3, "Fourth"},
				{KindH4, 4, "Sixth"},
				{KindSentence, 5, "####### not a heading"},
				{KindSentence, 6, "#hashtag"},
			},
		},
		{
			name: "heading interrupts a paragraph and empty heading is dropped", lang: "en",
			body: "First line.\n## Mid\nLast line.\n##\n",
			want: []seg{
				{KindSentence, 0, "First line."},
				{KindH2, 1, "Mid"},
				{KindSentence, 2, "Last line."},
			},
		},
		{
			name: "run-in", lang: "en",
			body: "**Background** The dam was built in 1962. It leaks.\n\n**All bold, no run-in.**\n\n** spaced** is not one either.",
			want: []seg{
				{KindRunIn, 0, "Background"},
				{KindSentence, 0, "The dam was built in 1962."},
				{KindSentence, 0, "It leaks."},
				{KindSentence, 1, "**All bold, no run-in.**"},
				{KindSentence, 2, "** spaced** is not one either."},
			},
		},
		{
			name: "also tokens", lang: "en",
			body: "Before.\n\n[[also:12]]\n[[also:۱۳]] [[also:14]]\n\nSee [[also:15]] for more.\n\n[[also:16]]\nand text after it.",
			want: []seg{
				{KindSentence, 0, "Before."},
				{KindAlso, 1, "[[also:12]]"},
				{KindAlso, 2, "[[also:۱۳]] [[also:14]]"},
				{KindSentence, 3, "See [[also:15]] for more."},
				{KindSentence, 4, "[[also:16]] and text after it."},
			},
		},
		{
			name: "lists", lang: "en",
			body: "Key points:\n- First point. It has two sentences.\n- Second\n  continues here\n\n1. One\n2. Two\n\n* Star\n+ Plus",
			want: []seg{
				{KindSentence, 0, "Key points:"},
				{KindItem, 1, "First point."},
				{KindItem, 1, "It has two sentences."},
				{KindItem, 2, "Second continues here"},
				{KindItem, 3, "One"},
				{KindItem, 4, "Two"},
				{KindItem, 5, "Star"},
				{KindItem, 6, "Plus"},
			},
		},
		{
			name: "ordered number other than 1 does not interrupt a paragraph", lang: "en",
			body: "The plan was agreed in\n2024. Work starts soon.",
			want: []seg{
				{KindSentence, 0, "The plan was agreed in 2024."},
				{KindSentence, 0, "Work starts soon."},
			},
		},
		{
			name: "quote and rule", lang: "en",
			body: "> We will stay.\n> Nobody leaves.\n\n---\n\nAfter.",
			want: []seg{
				{KindSentence, 0, "We will stay."},
				{KindSentence, 0, "Nobody leaves."},
				{KindSentence, 2, "After."},
			},
		},
		{
			name: "CRLF and blank lines with spaces", lang: "en",
			body: "One.\r\n   \r\nTwo.\rThree.",
			want: []seg{
				{KindSentence, 0, "One."},
				{KindSentence, 1, "Two."},
				{KindSentence, 1, "Three."},
			},
		},
		{
			name: "chinese lines join without a space", lang: "zh",
			headline: "洪水", body: "河水昨夜\n上涨。学校停课。",
			want: []seg{
				{KindHeadline, -1, "洪水"},
				{KindSentence, 0, "河水昨夜上涨。"},
				{KindSentence, 0, "学校停课。"},
			},
		},
		{
			name: "urdu run-in and heading", lang: "ur",
			headline: "سیلاب", place: "لاہور",
			body: "## پس منظر\n\n**تاریخ** یہ بند 1962 میں بنا۔ اب یہ رستا ہے۔",
			want: []seg{
				{KindHeadline, -1, "سیلاب"},
				{KindPlace, -1, "لاہور"},
				{KindH2, 0, "پس منظر"},
				{KindRunIn, 1, "تاریخ"},
				{KindSentence, 1, "یہ بند 1962 میں بنا۔"},
				{KindSentence, 1, "اب یہ رستا ہے۔"},
			},
		},
		{name: "empty body", lang: "en", body: "\n\n  \n", want: []seg{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := Split(tt.lang, tt.headline, tt.place, tt.body)
			if got := segsOf(d); !slices.Equal(got, tt.want) {
				t.Errorf("segments\n got %+v\nwant %+v", got, tt.want)
			}
			for i, s := range d.Segments {
				if s.Index != i {
					t.Errorf("segment %d has Index %d", i, s.Index)
				}
			}
			if d.Lang != tt.lang {
				t.Errorf("Lang = %q, want %q", d.Lang, tt.lang)
			}
		})
	}
}

func TestAssemble(t *testing.T) {
	tests := []struct {
		name, srcLang, headline, place, body string
		lang                                 string
		targets                              []string
		wantHeadline, wantPlace, wantBody    string
	}{
		{
			name: "headline, place, paragraph", srcLang: "en",
			headline: "Floods close schools", place: "LAHORE",
			body: "Rain fell all night.\nRoads are shut.",
			lang: "ur", targets: []string{"سیلاب سے اسکول بند", "لاہور", "رات بھر بارش ہوئی۔", "سڑکیں بند ہیں۔"},
			wantHeadline: "سیلاب سے اسکول بند", wantPlace: "لاہور",
			wantBody: "رات بھر بارش ہوئی۔ سڑکیں بند ہیں۔",
		},
		{
			name: "headings keep their level", srcLang: "en",
			body: "# Top\n\n### Detail ###\n\nText.",
			lang: "fr", targets: []string{"Haut", "Détail", "Texte."},
			wantBody: "# Haut\n\n### Détail\n\nTexte.",
		},
		{
			name: "heading ending in a hash keeps it", srcLang: "en",
			body: "## Code",
			lang: "en", targets: []string{"Learning C#"},
			wantBody: "## Learning C# #",
		},
		{
			name: "run-in stays a run-in", srcLang: "en",
			body: "**Background** The dam is old. It leaks.",
			lang: "es", targets: []string{"Antecedentes", "La presa es vieja.", "Tiene fugas."},
			wantBody: "**Antecedentes** La presa es vieja. Tiene fugas.",
		},
		{
			name: "run-in without the rest, and rest without the run-in", srcLang: "en",
			body: "**A** one.\n\n**B** two.",
			lang: "ru", targets: []string{"А", "", "", "два."},
			wantBody: "**А**\n\nдва.",
		},
		{
			name: "also tokens are copied whatever the target says", srcLang: "en",
			body: "Before.\n\n[[also:12]]\n\nAfter.",
			lang: "ar", targets: []string{"قبل.", "[[also:99]]", "بعد."},
			wantBody: "قبل.\n\n[[also:12]]\n\nبعد.",
		},
		{
			name: "lists keep markers and tightness", srcLang: "en",
			body: "- One. More.\n- Two\n\n  3) Three",
			lang: "fr", targets: []string{"Un.", "Plus.", "Deux", "Trois"},
			wantBody: "- Un. Plus.\n- Deux\n\n  3) Trois",
		},
		{
			name: "an empty item is left out and the list stays tight", srcLang: "en",
			body: "- One\n- Two\n- Three",
			lang: "fr", targets: []string{"Un", "", "Trois"},
			wantBody: "- Un\n- Trois",
		},
		{
			name: "missing targets leave blocks out", srcLang: "en",
			headline: "Head", body: "## Heading\n\nOne. Two.\n\nThree.",
			lang: "fr", targets: []string{"Titre", "", "", "Deux."},
			wantHeadline: "Titre",
			wantBody:     "Deux.",
		},
		{
			name: "chinese sentences join without a space", srcLang: "en",
			body: "The river rose. Schools shut. It is 9 a.m. now.",
			lang: "zh", targets: []string{"河水上涨。", "学校停课。", "Now it is 9 a.m."},
			wantBody: "河水上涨。学校停课。 Now it is 9 a.m.",
		},
		{
			name: "line breaks in a target become spaces", srcLang: "en",
			headline: "Head", body: "One.",
			lang: "fr", targets: []string{"Titre\nlong", "Un.\n\n# Deux."},
			wantHeadline: "Titre long",
			wantBody:     "Un. # Deux.",
		},
		{
			name: "a target that looks like a block is escaped", srcLang: "en",
			body: "One.\n\nTwo.\n\nThree.\n\nFour.",
			lang: "fr", targets: []string{"# un", "- deux", "3. trois", "[[also:4]]"},
			wantBody: "\\# un\n\n\\- deux\n\n3\\. trois\n\n\\[[also:4]]",
		},
		{
			name: "quote and rule", srcLang: "en",
			body: "> We stay.\n\n***\n\nEnd.",
			lang: "es", targets: []string{"Nos quedamos.", "Fin."},
			wantBody: "> Nos quedamos.\n\n***\n\nFin.",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := Split(tt.srcLang, tt.headline, tt.place, tt.body)
			h, p, b := d.Assemble(tt.lang, tt.targets)
			if h != tt.wantHeadline || p != tt.wantPlace || b != tt.wantBody {
				t.Errorf("Assemble\n got %q %q %q\nwant %q %q %q", h, p, b, tt.wantHeadline, tt.wantPlace, tt.wantBody)
			}
		})
	}
}

// The zero Doc and a Doc with no targets assemble to nothing.
func TestAssembleEmpty(t *testing.T) {
	var zero Doc
	if h, p, b := zero.Assemble("en", nil); h != "" || p != "" || b != "" {
		t.Errorf("zero Doc assembled to %q %q %q", h, p, b)
	}
	d := Split("en", "Head", "Place", "Text.\n\n---\n\n[[also:3]]")
	if h, p, b := d.Assemble("fr", nil); h != "" || p != "" || b != "---\n\n[[also:3]]" {
		t.Errorf("no targets assembled to %q %q %q, want only the copied blocks", h, p, b)
	}
}

// Assembling the source's own texts gives back a body that splits the same.
func TestRoundTrip(t *testing.T) {
	bodies := map[string]string{
		"en": "## The flood\n\n**Background** Mr. Khan said the U.S. Army helped. Growth was 4.2 percent.\n\n" +
			"- First point.\n- Second point. With more.\n\n[[also:7]]\n\n> A quote.\n\n---\n\n1. One\n2. Two",
		"zh": "## 背景\n\n河水昨夜上涨。学校停课！\nWhy? 因为下雨。\n\n- 第一点。\n- 第二点。",
		"ur": "**پس منظر** دریا کا پانی بڑھ گیا۔ کیا امداد آئی؟\n\n[[also:۱۲]]",
		"ar": "### التفاصيل\n\nهل وصلت المساعدات؟ ليس بعد. التقى د. أحمد بالصحفيين.",
		"ru": "Встреча прошла в г. Москва.\nДоклад сделал А. С. Петров.",
		"fr": "Elle a dit : « Nous reviendrons. » Puis M. Dupont a parlé.",
		"es": "¿Quién ganó? El Sr. García, con 1.000 votos.",
	}
	for code, body := range bodies {
		t.Run(code, func(t *testing.T) {
			d := Split(code, "Head", "Place", body)
			h, p, b := d.Assemble(code, d.Texts())
			again := Split(code, h, p, b)
			if !slices.Equal(segsOf(again), segsOf(d)) {
				t.Errorf("round trip changed segments\nbody  %q\nfirst %+v\nagain %+v", b, segsOf(d), segsOf(again))
			}
			if strings.Contains(body, "\n\n") && !strings.Contains(b, "\n\n") {
				t.Errorf("assembled body lost its blocks: %q", b)
			}
		})
	}
}
