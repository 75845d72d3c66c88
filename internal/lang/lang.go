// Package lang holds Qasid's seven languages as data: their tags and names,
// text direction, date and dateline rules, number formatting, URL slugs,
// text normalisation and the UI message catalogs.
//
// Everything a page needs to know about a language comes from here, so that
// no other package switches on a language code. The package imports nothing
// from Qasid itself.
package lang

// Language describes one of the languages Qasid publishes in. Values are
// plain data and safe to copy and compare.
type Language struct {
	Code        string // "en","ur","zh","ar","ru","fr","es": the URL segment and storage code
	Tag         string // BCP 47 for lang=, hreflang and ninjs: en, ur, zh-Hans, ar, ru, fr, es
	Name        string // the language's name in itself, for language menus
	EnglishName string
	Dir         string // "ltr" or "rtl"
	OGLocale    string // Open Graph og:locale, which uses an underscore
	NewsLang    string // Google News news:language, which accepts only zh-cn/zh-tw for Chinese
}

// languages is the fixed, read-only list in the order menus show it: English
// first as the agency's working language, then the others as the desk ranks
// them. All returns a copy so callers cannot change it.
var languages = [...]Language{
	{Code: "en", Tag: "en", Name: "English", EnglishName: "English", Dir: "ltr", OGLocale: "en_GB", NewsLang: "en"},
	{Code: "ur", Tag: "ur", Name: "اردو", EnglishName: "Urdu", Dir: "rtl", OGLocale: "ur_PK", NewsLang: "ur"},
	{Code: "zh", Tag: "zh-Hans", Name: "中文", EnglishName: "Chinese", Dir: "ltr", OGLocale: "zh_CN", NewsLang: "zh-cn"},
	{Code: "ar", Tag: "ar", Name: "العربية", EnglishName: "Arabic", Dir: "rtl", OGLocale: "ar_AR", NewsLang: "ar"},
	{Code: "ru", Tag: "ru", Name: "Русский", EnglishName: "Russian", Dir: "ltr", OGLocale: "ru_RU", NewsLang: "ru"},
	{Code: "fr", Tag: "fr", Name: "Français", EnglishName: "French", Dir: "ltr", OGLocale: "fr_FR", NewsLang: "fr"},
	{Code: "es", Tag: "es", Name: "Español", EnglishName: "Spanish", Dir: "ltr", OGLocale: "es_ES", NewsLang: "es"},
}

// All returns the seven languages in their fixed order: en, ur, zh, ar, ru, fr, es.
func All() []Language {
	out := make([]Language, len(languages))
	copy(out, languages[:])
	return out
}

// Codes returns the language codes in the same order as All.
func Codes() []string {
	out := make([]string, len(languages))
	for i, l := range languages {
		out[i] = l.Code
	}
	return out
}

// Get returns the language with the given code. Codes are matched exactly
// (lower case), because they come from URLs and the database, where a
// second spelling would make a second address for the same page.
func Get(code string) (Language, bool) {
	for _, l := range languages {
		if l.Code == code {
			return l, true
		}
	}
	return Language{}, false
}

// Default returns English, the language used when nothing better is known.
func Default() Language {
	return languages[0]
}

// RTL reports whether the language is written right to left.
func (l Language) RTL() bool {
	return l.Dir == "rtl"
}

// String returns the code, so a Language prints usefully in logs.
func (l Language) String() string {
	return l.Code
}
