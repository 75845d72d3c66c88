// Package demo loads the demonstration agency: its settings, sections and a
// dozen stories written for Qasid in all seven languages. Loading is
// idempotent: a second run adds nothing.
package demo

import "github.com/qasid/qasid/internal/story"

// Agency is the demo agency, Indus Meridian News Agency, an invention.
func Agency() story.Agency {
	return story.Agency{
		TimeZone: "Asia/Karachi",
		Text: map[string]story.AgencyText{
			"en": {Name: "Indus Meridian News Agency", Tagline: "News from Pakistan and the world, in seven languages", Credit: "IMN"},
			"ur": {Name: "انڈس میریڈین نیوز ایجنسی", Tagline: "پاکستان اور دنیا کی خبریں، سات زبانوں میں", Credit: "آئی ایم این"},
			"zh": {Name: "印度河子午线通讯社", Tagline: "以七种语言报道巴基斯坦和世界新闻", Credit: "IMN"},
			"ar": {Name: "وكالة إندس ميريديان للأنباء", Tagline: "أخبار باكستان والعالم بسبع لغات", Credit: "آي إم إن"},
			"ru": {Name: "Информационное агентство «Инд Меридиан»", Tagline: "Новости Пакистана и мира на семи языках", Credit: "IMN"},
			"fr": {Name: "Agence de presse Indus Meridian", Tagline: "L’actualité du Pakistan et du monde en sept langues", Credit: "IMN"},
			"es": {Name: "Agencia de Noticias Indus Meridian", Tagline: "Noticias de Pakistán y del mundo en siete idiomas", Credit: "IMN"},
		},
	}
}

// Sections are the demo agency's desks, in the order its pages show them.
func Sections() []story.Section {
	names := func(en, ur, zh, ar, ru, fr, es string) map[string]string {
		return map[string]string{"en": en, "ur": ur, "zh": zh, "ar": ar, "ru": ru, "fr": fr, "es": es}
	}
	return []story.Section{
		{Key: "national", Position: 1, Names: names("Pakistan", "پاکستان", "巴基斯坦", "باكستان", "Пакистан", "Pakistan", "Pakistán")},
		{Key: "world", Position: 2, Names: names("World", "دنیا", "国际", "العالم", "В мире", "Monde", "Mundo")},
		{Key: "business", Position: 3, Names: names("Business", "کاروبار", "财经", "اقتصاد", "Экономика", "Économie", "Economía")},
		{Key: "sport", Position: 4, Names: names("Sport", "کھیل", "体育", "رياضة", "Спорт", "Sport", "Deportes")},
		{Key: "science", Position: 5, Names: names("Science", "سائنس", "科技", "علوم", "Наука", "Sciences", "Ciencia")},
		{Key: "culture", Position: 6, Names: names("Culture", "ثقافت", "文化", "ثقافة", "Культура", "Culture", "Cultura")},
	}
}
