package segment

import (
	"slices"
	"testing"
)

func TestSentences(t *testing.T) {
	tests := []struct {
		lang, name, text string
		want             []string
	}{
		// English
		{"en", "two plain", "The river rose overnight. Schools stayed shut.",
			[]string{"The river rose overnight.", "Schools stayed shut."}},
		{"en", "titles", "Mr. Khan met Dr. Ali in Lahore. They spoke for an hour.",
			[]string{"Mr. Khan met Dr. Ali in Lahore.", "They spoke for an hour."}},
		{"en", "initialism", "The U.S. Senate voted on Tuesday. The bill failed.",
			[]string{"The U.S. Senate voted on Tuesday.", "The bill failed."}},
		{"en", "initial", "The report by J. Smith came out. Few read it.",
			[]string{"The report by J. Smith came out.", "Few read it."}},
		{"en", "numbers", "Growth slowed to 4.2 percent. Some 1,000 firms closed.",
			[]string{"Growth slowed to 4.2 percent.", "Some 1,000 firms closed."}},
		{"en", "quote after full stop", `She said "We will rebuild." Then she left.`,
			[]string{`She said "We will rebuild."`, "Then she left."}},
		{"en", "question in quotes then lower case", "“Why now?” he asked. Nobody answered.",
			[]string{"“Why now?” he asked.", "Nobody answered."}},
		{"en", "number sign", "He lives at No. 12 Harbour Road. It flooded.",
			[]string{"He lives at No. 12 Harbour Road.", "It flooded."}},
		{"en", "exclamation and question", "It worked! Did it last? No.",
			[]string{"It worked!", "Did it last?", "No."}},
		{"en", "p.m. ends a sentence", "The vote ended at 9 p.m. Counting began.",
			[]string{"The vote ended at 9 p.m.", "Counting began."}},
		{"en", "emphasis closes with its sentence", "*It is over.* The crowd cheered. **Loudly.**",
			[]string{"*It is over.*", "The crowd cheered.", "**Loudly.**"}},
		{"en", "link around a sentence end", "Read [the full report.](https://example.org/r) It is long.",
			[]string{"Read [the full report.](https://example.org/r)", "It is long."}},
		{"en", "spaces and empties", "  One.   \t Two.  ", []string{"One.", "Two."}},
		{"en", "empty", "   ", nil},

		// French
		{"fr", "monsieur", "M. Dupont est arrivé à Lyon. Il a parlé aux élus.",
			[]string{"M. Dupont est arrivé à Lyon.", "Il a parlé aux élus."}},
		{"fr", "guillemets with spaces", "Elle a déclaré : « Nous reviendrons. » Puis elle est partie.",
			[]string{"Elle a déclaré : « Nous reviendrons. »", "Puis elle est partie."}},
		{"fr", "guillemets with no-break space", "Il a dit : « C’est fini.\u00a0» La salle s’est tue.",
			[]string{"Il a dit : « C’est fini.\u00a0»", "La salle s’est tue."}},
		{"fr", "decimal comma and av. J.-C.", "Le taux atteint 3,5 %. La ville date de 52 av. J.-C. Elle a grandi.",
			[]string{"Le taux atteint 3,5 %.", "La ville date de 52 av. J.-C. Elle a grandi."}},
		{"fr", "question", "Qui paiera ? Personne ne le sait.",
			[]string{"Qui paiera ?", "Personne ne le sait."}},

		// Spanish
		{"es", "señor", "El Sr. García llegó a Madrid. Habló con la prensa.",
			[]string{"El Sr. García llegó a Madrid.", "Habló con la prensa."}},
		{"es", "inverted marks", "¿Quién ganó? ¡Nadie lo esperaba! El recuento sigue.",
			[]string{"¿Quién ganó?", "¡Nadie lo esperaba!", "El recuento sigue."}},
		{"es", "EE. UU. and numbers", "La Dra. Ruiz viajó a EE. UU. Allí vendió 1.000 libros.",
			[]string{"La Dra. Ruiz viajó a EE. UU. Allí vendió 1.000 libros."}},
		{"es", "decimal", "La inflación bajó al 4.2 por ciento. Fue una sorpresa.",
			[]string{"La inflación bajó al 4.2 por ciento.", "Fue una sorpresa."}},

		// Russian
		{"ru", "город", "Встреча прошла в г. Москва. Её перенесли дважды.",
			[]string{"Встреча прошла в г. Москва.", "Её перенесли дважды."}},
		{"ru", "т. е.", "Цены выросли, т. е. Жители платят больше. Так считают экономисты.",
			[]string{"Цены выросли, т. е. Жители платят больше.", "Так считают экономисты."}},
		{"ru", "initials", "Доклад сделал А. С. Петров. Зал слушал молча.",
			[]string{"Доклад сделал А. С. Петров.", "Зал слушал молча."}},
		{"ru", "numbers and question", "Рост составил 4.2 процента. Что дальше? Никто не знает.",
			[]string{"Рост составил 4.2 процента.", "Что дальше?", "Никто не знает."}},
		{"ru", "quote after full stop", "Он сказал: «Мы справимся.» Потом ушёл.",
			[]string{"Он сказал: «Мы справимся.»", "Потом ушёл."}},

		// Chinese
		{"zh", "full stops", "河水昨夜上涨。学校今天停课。",
			[]string{"河水昨夜上涨。", "学校今天停课。"}},
		{"zh", "exclamation and question", "救援队到了！灾民安全吗？大多数已经转移。",
			[]string{"救援队到了！", "灾民安全吗？", "大多数已经转移。"}},
		{"zh", "closing quote", "他说：“我们会重建。”随后离开了会场。",
			[]string{"他说：“我们会重建。”", "随后离开了会场。"}},
		{"zh", "numbers", "经济增长4.2%，约1,000家企业关闭。情况仍在变化。",
			[]string{"经济增长4.2%，约1,000家企业关闭。", "情况仍在变化。"}},

		// Urdu
		{"ur", "full stop", "دریا کا پانی رات بھر بڑھتا رہا۔ اسکول بند رہے۔",
			[]string{"دریا کا پانی رات بھر بڑھتا رہا۔", "اسکول بند رہے۔"}},
		{"ur", "question", "کیا امداد پہنچ گئی؟ ابھی نہیں۔ کل پہنچے گی۔",
			[]string{"کیا امداد پہنچ گئی؟", "ابھی نہیں۔", "کل پہنچے گی۔"}},
		{"ur", "numbers", "مہنگائی 4.2 فیصد رہی۔ تقریباً 1,000 دکانیں بند ہوئیں۔",
			[]string{"مہنگائی 4.2 فیصد رہی۔", "تقریباً 1,000 دکانیں بند ہوئیں۔"}},

		// Arabic
		{"ar", "question mark", "هل وصلت المساعدات؟ ليس بعد. ستصل غدا.",
			[]string{"هل وصلت المساعدات؟", "ليس بعد.", "ستصل غدا."}},
		{"ar", "doctor", "التقى د. أحمد بالصحفيين. وتحدث عن الفيضان.",
			[]string{"التقى د. أحمد بالصحفيين.", "وتحدث عن الفيضان."}},
		{"ar", "numbers", "ارتفع التضخم إلى 4.2 في المئة. وأغلق 1,000 متجر.",
			[]string{"ارتفع التضخم إلى 4.2 في المئة.", "وأغلق 1,000 متجر."}},

		// A language without rules of its own still gets initials.
		{"xx", "unknown language", "A. B. Jones wrote it. Done.",
			[]string{"A. B. Jones wrote it.", "Done."}},
	}
	for _, tt := range tests {
		t.Run(tt.lang+"/"+tt.name, func(t *testing.T) {
			got := Sentences(tt.lang, tt.text)
			if !slices.Equal(got, tt.want) {
				t.Errorf("Sentences(%q, %q)\n got %q\nwant %q", tt.lang, tt.text, got, tt.want)
			}
		})
	}
}

// Abbreviations belong to their language: "M." is a French title, but
// "Sr." only holds a Spanish sentence together.
func TestSentencesAbbreviationsPerLanguage(t *testing.T) {
	tests := []struct {
		lang, text string
		want       int
	}{
		{"es", "Habló el Sr. Pérez. Nadie respondió.", 2},
		{"ru", "Habló el Sr. Pérez. Nadie respondió.", 3},
		{"ru", "Он живёт в г. Казань. Там тепло.", 2},
		{"en", "Он живёт в г. Казань. Там тепло.", 3},
	}
	for _, tt := range tests {
		if got := Sentences(tt.lang, tt.text); len(got) != tt.want {
			t.Errorf("Sentences(%q, %q) = %q, want %d sentences", tt.lang, tt.text, got, tt.want)
		}
	}
}
