package search

import (
	"context"
	"testing"
	"time"
)

// Test stories written for these tests, a few per language.
func day(s string) time.Time {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return t
}

func fixtureDocs() []Doc {
	pub := func(d Doc) Doc { d.Public, d.Desk = true, true; return d }
	return []Doc{
		pub(Doc{StoryID: 1, FamilyID: 1, Lang: "en", Section: "world", Time: day("2024-07-02"), Tags: []string{"Floods", "Karachi"},
			Headline: "Floods close roads in Karachi",
			Body:     "Heavy rain flooded the streets of Karachi on Monday.\n\nThe prime minister promised relief for the families. Qasid"}),
		// Story 2: the published version, and a working copy an editor is
		// changing (only the desk sees it).
		{StoryID: 2, FamilyID: 2, Lang: "en", Section: "world", Time: day("2024-07-03"), Tags: []string{"floods"}, Public: true,
			Headline: "Prime minister visits flood relief camp",
			Body:     "The prime minister visited a relief camp on Tuesday and met families who lost their homes in the floods."},
		{StoryID: 2, FamilyID: 2, Lang: "en", Section: "world", Time: day("2024-07-05"), Working: true, Desk: true,
			Headline: "Prime minister visits flood relief camp (update)",
			Body:     "The prime minister visited a relief camp on Tuesday. Draft paragraph about the zebra crossing."},
		pub(Doc{StoryID: 3, FamilyID: 3, Lang: "en", Section: "sport", Time: day("2024-06-15"), Tags: []string{"cricket"},
			Headline: "Pakistan win the series",
			Body:     "Pakistan won the third match by six wickets in Karachi. Qasid"}),
		// Story 5 is under embargo: the desk sees it, readers do not.
		{StoryID: 5, FamilyID: 5, Lang: "en", Section: "business", Time: day("2024-07-04"), Desk: true,
			Headline: "Budget details", Body: "The budget will raise taxes on tobacco."},
		pub(Doc{StoryID: 6, FamilyID: 1, Lang: "ur", Section: "world", Time: day("2024-07-02"),
			Headline: "کراچی میں بارش سے سیلاب",
			Body:     "پیر کے روز کراچی میں شدید بارش ہوئی اور وزیر اعظم نے متاثرہ خاندانوں کے دورے کا اعلان کیا۔ Qasid"}),
		pub(Doc{StoryID: 7, FamilyID: 2, Lang: "ur", Section: "world", Time: day("2024-07-03"),
			Headline: "وزیر اعظم کا امدادی کیمپ کا دورہ",
			Body:     "وزیر اعظم نے امدادی کیمپ کا دورہ کیا اور بچوں میں کتابیں تقسیم کیں۔"}),
		pub(Doc{StoryID: 8, FamilyID: 1, Lang: "zh", Section: "world", Time: day("2024-07-02"),
			Headline: "北京暴雨",
			Body:     "北京周一下了暴雨，政府宣布救灾措施。Qasid"}),
		pub(Doc{StoryID: 9, FamilyID: 9, Lang: "zh", Section: "business", Time: day("2024-05-10"),
			Headline: "上海经济", Body: "上海经济增长加快。"}),
		pub(Doc{StoryID: 10, FamilyID: 1, Lang: "ar", Section: "world", Time: day("2024-07-02"),
			Headline: "فيضانات في كراتشي", Body: "غمرت الفيضانات شوارع كراتشي يوم الاثنين. Qasid"}),
		pub(Doc{StoryID: 11, FamilyID: 2, Lang: "ru", Section: "world", Time: day("2024-07-03"),
			Headline: "Премьер-министр в лагере", Body: "Премьер-министр совершил визит в лагерь беженцев."}),
		pub(Doc{StoryID: 12, FamilyID: 12, Lang: "ru", Section: "world", Time: day("2024-07-04"),
			Headline: "Туристы и документы", Body: "Правительство упростило выдачу документов. Виза стоит дешевле."}),
		pub(Doc{StoryID: 13, FamilyID: 13, Lang: "fr", Section: "politics", Time: day("2024-07-01"),
			Headline: "Réforme de l'État", Body: "Le gouvernement présente la réforme de l'État et des hôpitaux."}),
		pub(Doc{StoryID: 14, FamilyID: 14, Lang: "es", Section: "politics", Time: day("2024-07-01"),
			Headline: "Elecciones en México", Body: "Los niños de México celebran la acción del gobierno."}),
	}
}

func fixtureIndex(t testing.TB) *Index {
	t.Helper()
	return indexOf(t, fixtureDocs())
}

// indexOf is an index in memory holding docs, closed when t ends.
func indexOf(t testing.TB, docs []Doc) *Index {
	t.Helper()
	ix, err := OpenMemory()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	if err := ix.Apply(context.Background(), docs, nil, 1); err != nil {
		t.Fatal(err)
	}
	return ix
}

// ids lists the story ids of a result's hits, in order.
func ids(res Result) []int64 {
	out := []int64{}
	for _, h := range res.Hits {
		out = append(out, h.StoryID)
	}
	return out
}

func mustSearch(t testing.TB, ix *Index, r Request) Result {
	t.Helper()
	res, err := ix.Search(context.Background(), r)
	if err != nil {
		t.Fatalf("Search(%+v): %v", r, err)
	}
	return res
}
