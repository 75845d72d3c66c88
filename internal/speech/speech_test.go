package speech

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/qasid/qasid/internal/lang"
	"github.com/qasid/qasid/internal/speech/speechtest"
	"github.com/qasid/qasid/internal/story"
)

func TestBuildScript(t *testing.T) {
	sc, err := Build("en", speechtest.Version("en", 1, 1), time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	want := []Block{
		{KindHeadline, "Late rains lift wheat harvest by four point two per cent"},
		{KindDateline, "Lahore, the second of July, two thousand and twenty-four"},
		{KindParagraph, "Pakistan's wheat harvest rose by four point two per cent this year, the agriculture ministry said on Tuesday, as late rains helped farmers in Punjab."},
		{KindHeading, "Prices"},
		{KindParagraph, "Flour prices fell twelve per cent in June, the statistics bureau said."},
		{KindParagraph, "Officials expect exports of one million two hundred and thirty-four thousand tonnes in two thousand and twenty-five."},
	}
	if len(sc.Blocks) != len(want) {
		t.Fatalf("%d blocks, want %d: %+v", len(sc.Blocks), len(want), sc.Blocks)
	}
	for i := range want {
		if sc.Blocks[i] != want[i] {
			t.Errorf("block %d = %+v, want %+v", i, sc.Blocks[i], want[i])
		}
	}
	// Every language: the heading is found, nothing of the link or the
	// reference is read, no digit is left.
	for _, code := range lang.Codes() {
		sc, err := Build(code, speechtest.Version(code, 1, 1), time.UTC)
		if err != nil {
			t.Fatal(err)
		}
		kinds := ""
		for _, b := range sc.Blocks {
			kinds += string(b.Kind[0])
			checkSpeakable(t, code, b.Text)
			if strings.Contains(b.Text, "example.org") || strings.Contains(b.Text, "also") || strings.Contains(b.Text, "[") {
				t.Errorf("%s: %q reads markup", code, b.Text)
			}
		}
		if kinds != "hdphpp" {
			t.Errorf("%s: blocks %q, want headline, dateline, paragraph, heading, paragraph, paragraph", code, kinds)
		}
	}
	if _, err := Build("xx", story.Version{}, nil); err == nil {
		t.Error("an unknown language built a script")
	}
}

func TestBuildDatelines(t *testing.T) {
	pub := time.Date(2024, time.December, 31, 22, 0, 0, 0, time.UTC) // already 1 January in Karachi
	karachi, _ := time.LoadLocation("Asia/Karachi")
	for _, c := range []struct {
		name string
		v    story.Version
		want string
	}{
		{"no dateline", story.Version{Headline: "H"}, ""},
		{"place, day of publication in the agency's zone", story.Version{Headline: "H", Dateline: story.Dateline{Place: "Karachi"}, PublishedAt: pub},
			"Karachi, the first of January, two thousand and twenty-five"},
		{"date alone", story.Version{Headline: "H", Dateline: story.Dateline{Date: story.Date{Year: 2023, Month: 3, Day: 21}}},
			"the twenty-first of March, two thousand and twenty-three"},
	} {
		sc, _ := Build("en", c.v, karachi)
		got := ""
		for _, b := range sc.Blocks {
			if b.Kind == KindDateline {
				got = b.Text
			}
		}
		if got != c.want {
			t.Errorf("%s: dateline %q, want %q", c.name, got, c.want)
		}
	}
}

func TestBuildLimit(t *testing.T) {
	v := story.Version{Headline: "H", Body: strings.Repeat(strings.Repeat("word ", 200)+"\n\n", 200)}
	sc, err := Build("en", v, nil)
	if err != nil {
		t.Fatal(err)
	}
	if n := sc.Runes(); n > MaxScriptRunes || n < MaxScriptRunes-1000 {
		t.Errorf("script of %d runes, want it cut at %d", n, MaxScriptRunes)
	}
}

func TestSSML(t *testing.T) {
	got := SSML(Script{Blocks: []Block{{KindHeadline, "Tom & Jerry <b>"}, {KindHeading, "Part \"one\""}, {KindParagraph, "x\x01y"}}})
	for _, want := range []string{"<p>Tom &amp; Jerry &lt;b&gt;</p><break time=\"900ms\"/>",
		"<break time=\"800ms\"/><p><prosody rate=\"90%\">Part &quot;one&quot;</prosody></p><break time=\"600ms\"/>",
		"<p>xy</p>"} {
		if !strings.Contains(got, want) {
			t.Errorf("SSML lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "xml:lang") {
		t.Error("SSML names a language, which makes espeak-ng pick another voice")
	}
}

// TestRenderEveryLanguage speaks the test story in each language with
// espeak-ng and encodes it with opusenc: the result is Ogg Opus and lasts
// about as long as the script's length at the language's rate.
func TestRenderEveryLanguage(t *testing.T) {
	speechtest.Installed(t)
	ctx := t.Context()
	e, o := NewESpeak(""), NewOpus("", 0)
	if err := e.Available(ctx); err != nil {
		t.Fatal(err)
	}
	if err := o.Available(ctx); err != nil {
		t.Fatal(err)
	}
	for _, code := range lang.Codes() {
		t.Run(code, func(t *testing.T) {
			sc, err := Build(code, speechtest.Version(code, 1, 1), time.UTC)
			if err != nil {
				t.Fatal(err)
			}
			wav, err := e.Synthesize(ctx, code, sc)
			if err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			enc, err := o.Encode(ctx, wav)
			if cerr := wav.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				t.Fatal(err)
			}
			checkOggOpus(t, enc.Data)
			if ok, expect := speechtest.Plausible(code, sc.Runes(), enc.Duration); !ok {
				t.Errorf("%d characters spoken in %v, want about %v", sc.Runes(), enc.Duration, expect)
			}
			t.Logf("%s: %d characters, %v of audio (%.1f characters/s), %d bytes of Opus (%.1f kb/s), rendered in %v",
				code, sc.Runes(), enc.Duration.Round(time.Millisecond), float64(sc.Runes())/enc.Duration.Seconds(),
				len(enc.Data), float64(len(enc.Data))*8/1000/enc.Duration.Seconds(), time.Since(start).Round(time.Millisecond))
		})
	}
}

// checkOggOpus checks the start of an Ogg Opus file: the Ogg page
// signature and the OpusHead identification header in the first page.
func checkOggOpus(t *testing.T, b []byte) {
	t.Helper()
	if len(b) < 64 || !bytes.HasPrefix(b, []byte("OggS")) || !bytes.Contains(b[:64], []byte("OpusHead")) {
		t.Fatalf("not Ogg Opus: % x", b[:min(len(b), 64)])
	}
}

func TestMissingPrograms(t *testing.T) {
	ctx := t.Context()
	e := NewESpeak("/nonexistent/espeak-ng")
	if err := e.Available(ctx); !errors.Is(err, ErrUnavailable) {
		t.Errorf("missing espeak-ng: Available = %v, want ErrUnavailable", err)
	}
	if _, err := e.Synthesize(ctx, "en", Script{Blocks: []Block{{KindParagraph, "hello"}}}); !errors.Is(err, ErrUnavailable) {
		t.Errorf("missing espeak-ng: Synthesize = %v, want ErrUnavailable", err)
	}
	o := NewOpus("/nonexistent/opusenc", 0)
	if err := o.Available(ctx); !errors.Is(err, ErrUnavailable) {
		t.Errorf("missing opusenc: Available = %v, want ErrUnavailable", err)
	}
	if _, err := o.Encode(ctx, bytes.NewReader(sine(1, 16000))); !errors.Is(err, ErrUnavailable) {
		t.Errorf("missing opusenc: Encode = %v, want ErrUnavailable", err)
	}
}

func TestESpeakUnknownLanguage(t *testing.T) {
	if _, err := NewESpeak("").Synthesize(t.Context(), "de", Script{}); err == nil {
		t.Error("German was spoken with no voice for it")
	}
}

// sine is seconds of a 440 Hz tone as 16-bit mono WAV.
func sine(seconds float64, rate int) []byte {
	n := int(seconds * float64(rate))
	pcm := make([]byte, 2*n)
	for i := range n {
		v := int16(8000 * math.Sin(2*math.Pi*440*float64(i)/float64(rate)))
		binary.LittleEndian.PutUint16(pcm[2*i:], uint16(v))
	}
	return append(WAVHeader(rate, 1, 16, uint32(len(pcm))), pcm...)
}

func TestEncodeDuration(t *testing.T) {
	speechtest.Installed(t)
	for _, c := range []struct {
		name string
		wav  []byte
		want time.Duration
	}{
		{"known length", sine(2.5, 16000), 2500 * time.Millisecond},
		// espeak-ng's pipe header: the length is unknown, the data runs to
		// the end.
		{"streamed", func() []byte {
			b := sine(1.25, 22050)
			binary.LittleEndian.PutUint32(b[40:], 0x7ffff000)
			return b
		}(), 1250 * time.Millisecond},
		// A chunk after the data is not audio.
		{"trailing chunk", append(sine(1, 16000), []byte("LIST\x04\x00\x00\x00abcd")...), time.Second},
	} {
		enc, err := NewOpus("", 0).Encode(t.Context(), bytes.NewReader(c.wav))
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		checkOggOpus(t, enc.Data)
		if d := enc.Duration - c.want; d < -time.Millisecond || d > time.Millisecond {
			t.Errorf("%s: duration %v, want %v", c.name, enc.Duration, c.want)
		}
		if enc.MIME != "audio/ogg; codecs=opus" || enc.Ext != "opus" {
			t.Errorf("%s: %q .%s", c.name, enc.MIME, enc.Ext)
		}
	}
	if _, err := NewOpus("", 0).Encode(t.Context(), bytes.NewReader(WAVHeader(16000, 1, 16, 0x7ffff000))); !errors.Is(err, ErrBadWAV) {
		t.Errorf("no samples: %v, want ErrBadWAV", err)
	}
}

func TestReadWAVHeader(t *testing.T) {
	good := sine(0.01, 8000)
	f, n, err := readWAVHeader(bytes.NewReader(good))
	if err != nil || f != (wavFormat{Rate: 8000, Channels: 1, Bits: 16}) || n != 160 {
		t.Fatalf("good header: %+v %d %v", f, n, err)
	}
	patch := func(off int, v uint32, size int) []byte {
		b := bytes.Clone(good)
		if size == 2 {
			binary.LittleEndian.PutUint16(b[off:], uint16(v))
		} else {
			binary.LittleEndian.PutUint32(b[off:], v)
		}
		return b
	}
	for name, b := range map[string][]byte{
		"empty":          nil,
		"short":          good[:20],
		"not RIFF":       append([]byte("RIFX"), good[4:]...),
		"float samples":  patch(20, 3, 2),
		"six channels":   patch(22, 6, 2),
		"no channels":    patch(22, 0, 2),
		"rate 1 Hz":      patch(24, 1, 4),
		"12 bits":        patch(34, 12, 2),
		"huge fmt chunk": patch(16, 1<<30, 4),
		"data first":     append(append([]byte("RIFF\x00\x00\x00\x00WAVE"), good[36:44]...), good[12:36]...),
		"huge chunk":     append(append([]byte("RIFF\x00\x00\x00\x00WAVEjunk"), 0xff, 0xff, 0xff, 0x7f), good[12:]...),
		"endless chunks": append([]byte("RIFF\x00\x00\x00\x00WAVE"), bytes.Repeat([]byte("junk\x00\x00\x00\x00"), 100)...),
	} {
		if _, _, err := readWAVHeader(bytes.NewReader(b)); !errors.Is(err, ErrBadWAV) {
			t.Errorf("%s: %v, want ErrBadWAV", name, err)
		}
	}
}

func FuzzReadWAVHeader(f *testing.F) {
	f.Add(sine(0.01, 8000))
	f.Add(WAVHeader(22050, 1, 16, 0x7ffff000))
	f.Add(append([]byte("RIFF\x00\x00\x00\x00WAVEjunk\x03\x00\x00\x00abc\x00"), WAVHeader(8000, 2, 8, 4)[12:]...))
	f.Fuzz(func(t *testing.T, b []byte) {
		fm, n, err := readWAVHeader(bytes.NewReader(b))
		if err != nil {
			return
		}
		if fm.bytesPerSecond() <= 0 || n < -1 {
			t.Fatalf("accepted %+v with %d bytes", fm, n)
		}
	})
}

func FuzzBuild(f *testing.F) {
	for _, code := range lang.Codes() {
		s := speechtest.Stories[code]
		f.Add(code, s.Headline, s.Place, s.Body)
	}
	f.Add("en", "", "", "# 1\n\n- 2\n- 3\n\n> 4%\n\n```\n5\n```\n\n[[also:9]] 6 [x](http://a/7)")
	f.Add("ar", "٪١٢", "\u202b", "<b>٣٫٥</b>")
	f.Fuzz(func(t *testing.T, code, headline, place, body string) {
		if _, ok := lang.Get(code); !ok {
			code = "en"
		}
		v := story.Version{Headline: headline, Body: body, Dateline: story.Dateline{Place: place, Date: speechtest.Day}}
		sc, err := Build(code, v, time.UTC)
		if err != nil {
			t.Fatal(err)
		}
		for _, b := range sc.Blocks {
			if b.Text == "" {
				t.Fatal("empty block")
			}
			checkSpeakable(t, code, b.Text)
		}
		if ssml := SSML(sc); !utf8Valid(ssml) {
			t.Fatal("invalid SSML text")
		}
	})
}

func utf8Valid(s string) bool { return strings.ToValidUTF8(s, "") == s }

// TestHTTPProvider posts a script to a fake engine and encodes its WAV.
func TestHTTPProvider(t *testing.T) {
	var got httpRequest
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet {
			return
		}
		body, _ := io.ReadAll(r.Body)
		if err := jsonUnmarshal(body, &got); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		switch got.Blocks[0].Text {
		case "fail":
			http.Error(w, "engine down", http.StatusServiceUnavailable)
		case "html":
			w.Header().Set("Content-Type", "text/html")
			w.Write([]byte("<html>"))
		default:
			w.Header().Set("Content-Type", "audio/wav")
			w.Write(sine(0.5, 16000))
		}
	}))
	defer srv.Close()
	h, err := NewHTTP("Test engine", srv.URL, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	if err := h.Available(ctx); err != nil {
		t.Errorf("available: %v", err)
	}
	r, err := h.Synthesize(ctx, "ur", Script{Blocks: []Block{{KindHeadline, "سرخی"}}})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(r)
	r.Close()
	if got.Lang != "ur" || got.Blocks[0].Kind != KindHeadline || got.Blocks[0].Text != "سرخی" {
		t.Errorf("engine got %+v", got)
	}
	if f, n, err := readWAVHeader(bytes.NewReader(b)); err != nil || f.duration(n) != 500*time.Millisecond {
		t.Errorf("answer: %v, %d bytes, %v", f, n, err)
	}
	for _, text := range []string{"fail", "html"} {
		if _, err := h.Synthesize(ctx, "en", Script{Blocks: []Block{{KindParagraph, text}}}); err == nil {
			t.Errorf("%s: no error", text)
		}
	}
	for _, bad := range []string{"", "ftp://x", "/relative", "http://"} {
		if _, err := NewHTTP("", bad, nil); err == nil {
			t.Errorf("engine URL %q accepted", bad)
		}
	}
	srv.Close()
	if err := h.Available(ctx); !errors.Is(err, ErrUnavailable) {
		t.Errorf("stopped engine: %v, want ErrUnavailable", err)
	}
}

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }
