package site_test

import (
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/qasid/qasid/internal/speech"
	"github.com/qasid/qasid/internal/speech/speechtest"
	"github.com/qasid/qasid/internal/web/browsertest"
)

// playScript starts the page's voice-over and waits, up to 20 s, until
// it has played a little. It resolves to currentTime, or to an error's
// text. Muted, so that a test machine's speakers stay quiet.
const playScript = `(async () => {
	const a = document.querySelector(".voice-over audio");
	if (!a) return "no audio element";
	a.muted = true;
	try { await a.play(); } catch (e) { return "play: " + e; }
	const start = Date.now();
	while (a.currentTime === 0 && Date.now() - start < 20000) {
		if (a.error) return "media error " + a.error.code;
		await new Promise(r => setTimeout(r, 100));
	}
	return a.currentTime;
})()`

// TestVoiceOverInBrowser renders the English and Urdu voice-overs of a
// demo story with espeak-ng and opusenc, opens each page in Chromium and
// plays the audio until its currentTime moves. Gated on QASID_E2E=1.
func TestVoiceOverInBrowser(t *testing.T) {
	b := browsertest.New(t, "voice-over")
	speechtest.Installed(t)
	f := newAudioFixture(t, speech.NewESpeak(""), speech.NewOpus("", 0))
	en := f.member(t, "01-xi-astana-state-visit", "en")
	ur := f.member(t, "01-xi-astana-state-visit", "ur")
	f.render(t, en, ur)
	for _, c := range []struct {
		code, path string
	}{{"en", storyURL(en)}, {"ur", storyURL(ur)}} {
		b.Open(f.srv.URL+c.path, ".voice-over audio")
		// A click is the reader's gesture that lets a page start audio.
		b.Do(chromedp.Click(chromedp.CSS(".voice-over-label")))
		got := b.Eval(playScript)
		if pos, ok := got.(float64); !ok || pos <= 0 {
			t.Errorf("%s: the voice-over did not play: %v", c.code, got)
		}
		if d := b.Eval(`document.querySelector(".voice-over audio").duration`); d == nil || d.(float64) < 5 {
			t.Errorf("%s: the player reports a duration of %v s", c.code, d)
		}
		b.Shot("voice-over-" + c.code + ".png")
	}
}
