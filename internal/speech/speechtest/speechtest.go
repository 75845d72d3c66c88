// Package speechtest holds what tests of speech and voice-over share: a
// short story in each of Qasid's languages, the speaking rates measured
// for espeak-ng, and a check that the programs are installed.
package speechtest

import (
	"encoding/binary"
	"math"
	"os/exec"
	"testing"
	"time"

	"github.com/qasid/qasid/internal/story"
)

// Story is a short story in one language: two paragraphs and a heading
// around numbers of every kind the script must spell out, a reference and
// a link that must not be read.
type Story struct {
	Headline string
	Place    string
	Body     string
}

// Day is the dateline's date of every story here.
var Day = story.Date{Year: 2024, Month: time.July, Day: 2}

// Stories are the same wheat-harvest story in each language, written for
// these tests.
var Stories = map[string]Story{
	"en": {
		Headline: "Late rains lift wheat harvest by 4.2%",
		Place:    "Lahore",
		Body: "Pakistan's wheat harvest rose by 4.2% this year, the agriculture ministry said on Tuesday, as late rains helped farmers in Punjab.\n\n" +
			"## Prices\n\nFlour prices fell 12% in June, the [statistics bureau](https://example.org/report) said.\n\n[[also:1]]\n\n" +
			"Officials expect exports of 1,234,000 tonnes in 2025.",
	},
	"ur": {
		Headline: "بارشوں سے گندم کی پیداوار میں 4.2 فیصد اضافہ",
		Place:    "لاہور",
		Body: "وزارتِ زراعت نے منگل کو بتایا کہ اس سال گندم کی پیداوار میں 4.2 فیصد اضافہ ہوا ہے، کیونکہ دیر سے ہونے والی بارشوں نے پنجاب کے کسانوں کی مدد کی۔\n\n" +
			"## قیمتیں\n\nادارۂ شماریات کے مطابق جون میں آٹے کی قیمت 12% کم ہوئی۔\n\n[[also:1]]\n\n" +
			"حکام کو 2025 میں 1,234,000 ٹن برآمدات کی توقع ہے۔",
	},
	"zh": {
		Headline: "降雨助推小麦产量增长4.2%",
		Place:    "拉合尔",
		Body: "农业部周二表示，今年巴基斯坦小麦产量增长了4.2%，晚来的降雨帮助了旁遮普省的农民。\n\n" +
			"## 价格\n\n[统计局](https://example.org/report)称，6月份面粉价格下降了12%。\n\n[[also:1]]\n\n" +
			"官员预计2025年出口量将达到1,234,000吨。",
	},
	"ar": {
		Headline: "الأمطار ترفع محصول القمح بنسبة 4.2%",
		Place:    "لاهور",
		Body: "قالت وزارة الزراعة يوم الثلاثاء إن محصول القمح في باكستان ارتفع هذا العام بنسبة 4.2%، بعدما ساعدت الأمطار المتأخرة المزارعين في إقليم البنجاب.\n\n" +
			"## الأسعار\n\nوقال [مكتب الإحصاء](https://example.org/report) إن أسعار الدقيق انخفضت بنسبة 12% في يونيو.\n\n[[also:1]]\n\n" +
			"ويتوقع المسؤولون أن تبلغ الصادرات 1,234,000 طن في عام 2025.",
	},
	"ru": {
		Headline: "Поздние дожди увеличили урожай пшеницы на 4,2%",
		Place:    "Лахор",
		Body: "Урожай пшеницы в Пакистане в этом году вырос на 4,2%, сообщило во вторник министерство сельского хозяйства: поздние дожди помогли фермерам Пенджаба.\n\n" +
			"## Цены\n\nПо данным [статистического бюро](https://example.org/report), в июне мука подешевела на 12%.\n\n[[also:1]]\n\n" +
			"Чиновники ожидают, что экспорт в 2025 году составит 1 234 000 тонн.",
	},
	"fr": {
		Headline: "Les pluies tardives font progresser la récolte de blé de 4,2 %",
		Place:    "Lahore",
		Body: "La récolte de blé du Pakistan a progressé de 4,2 % cette année, a indiqué mardi le ministère de l'Agriculture, les pluies tardives ayant aidé les agriculteurs du Pendjab.\n\n" +
			"## Les prix\n\nLe prix de la farine a baissé de 12 % en juin, selon [l'office des statistiques](https://example.org/report).\n\n[[also:1]]\n\n" +
			"Les autorités prévoient des exportations de 1 234 000 tonnes en 2025.",
	},
	"es": {
		Headline: "Las lluvias tardías elevan un 4,2 % la cosecha de trigo",
		Place:    "Lahore",
		Body: "La cosecha de trigo de Pakistán creció un 4,2 % este año, informó el martes el Ministerio de Agricultura, gracias a las lluvias tardías que ayudaron a los agricultores del Punyab.\n\n" +
			"## Precios\n\nEl precio de la harina bajó un 12 % en junio, según [la oficina de estadística](https://example.org/report).\n\n[[also:1]]\n\n" +
			"Las autoridades prevén exportaciones de 1.234.000 toneladas en 2025.",
	},
}

// Version is a story of Stories as a published version.
func Version(code string, storyID int64, version int) story.Version {
	s := Stories[code]
	return story.Version{StoryID: storyID, Version: version, Headline: s.Headline, Body: s.Body,
		Dateline: story.Dateline{Place: s.Place, Date: Day}, Section: "business",
		PublishedAt: time.Date(2024, time.July, 2, 9, 30, 0, 0, time.UTC)}
}

// Installed skips the test unless espeak-ng and opusenc are on PATH. CI
// installs both (Debian espeak-ng and opus-tools), so there they run.
func Installed(t testing.TB) {
	t.Helper()
	for _, p := range []string{"espeak-ng", "opusenc"} {
		if _, err := exec.LookPath(p); err != nil {
			t.Skipf("%s not installed (Debian: apt-get install espeak-ng opus-tools)", p)
		}
	}
}

// Rates are espeak-ng's measured speaking rates for Qasid's scripts, in
// characters of script per second of audio (pauses included), at 160
// words a minute with Debian 12's espeak-ng 1.51, measured on Stories.
// Chinese counts characters, each a syllable.
var Rates = map[string]float64{"en": 13.8, "ur": 10.8, "zh": 3.3, "ar": 9.3, "ru": 14.2, "fr": 18.0, "es": 14.6}

// Plausible reports whether d is a believable length for speaking runes
// characters of script in language code: between 0.3 and 3 times what
// the measured rate gives.
func Plausible(code string, runes int, d time.Duration) (bool, time.Duration) {
	expect := time.Duration(float64(runes) / Rates[code] * float64(time.Second))
	return d >= expect*3/10 && d <= expect*3, expect
}

// WAV is d of a quiet 440 Hz tone as 16 kHz 16-bit mono WAV: what a fake
// engine answers.
func WAV(d time.Duration) []byte {
	const rate = 16000
	n := int(d.Seconds() * rate)
	b := make([]byte, 44+2*n)
	copy(b[0:], "RIFF")
	binary.LittleEndian.PutUint32(b[4:], uint32(36+2*n))
	copy(b[8:], "WAVEfmt ")
	binary.LittleEndian.PutUint32(b[16:], 16)
	binary.LittleEndian.PutUint16(b[20:], 1)
	binary.LittleEndian.PutUint16(b[22:], 1)
	binary.LittleEndian.PutUint32(b[24:], rate)
	binary.LittleEndian.PutUint32(b[28:], rate*2)
	binary.LittleEndian.PutUint16(b[32:], 2)
	binary.LittleEndian.PutUint16(b[34:], 16)
	copy(b[36:], "data")
	binary.LittleEndian.PutUint32(b[40:], uint32(2*n))
	for i := range n {
		v := int16(4000 * math.Sin(2*math.Pi*440*float64(i)/rate))
		binary.LittleEndian.PutUint16(b[44+2*i:], uint16(v))
	}
	return b
}
