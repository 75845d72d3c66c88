package ninjs_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/qasid/qasid/internal/wire/ninjs"
	"github.com/qasid/qasid/internal/wire/ninjs/ninjstest"
)

type audioAssoc struct {
	Name, Rel, URI, Type, Version, Language string
	Renditions                              []struct {
		Name        string  `json:"name"`
		Href        string  `json:"href"`
		ContentType string  `json:"contentType"`
		SizeInBytes int64   `json:"sizeInBytes"`
		Duration    float64 `json:"duration"`
	} `json:"renditions"`
}

// audioOf returns the item's associations of type audio.
func audioOf(t *testing.T, b []byte) []audioAssoc {
	t.Helper()
	var got struct {
		Associations []audioAssoc `json:"associations"`
	}
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	var out []audioAssoc
	for _, a := range got.Associations {
		if a.Type == "audio" {
			out = append(out, a)
		}
	}
	return out
}

// TestAudioAssociation: a version's voice-over is an association of type
// audio whose rendition is the file, and the item still validates against
// ninjs 3.1, in every language; a kill, and a voice-over that would be
// broken, carry none.
func TestAudioAssociation(t *testing.T) {
	sch := compileSchema(t, true)
	seen := map[string]bool{}
	for _, c := range ninjstest.Demo(t) {
		if seen[c.In.Story.Lang+string(c.In.Story.Status)] {
			continue
		}
		seen[c.In.Story.Lang+string(c.In.Story.Status)] = true
		t.Run(c.Name, func(t *testing.T) {
			in := c.In
			href := ninjstest.BaseURL + "/audio/" + "7/2.opus"
			in.Audio = &ninjs.Audio{Href: href, MIME: "audio/ogg; codecs=opus", Bytes: 123456, Duration: 158250 * time.Millisecond}
			b, err := ninjs.Encode(in)
			if err != nil {
				t.Fatal(err)
			}
			validate(t, sch, b)
			got := audioOf(t, b)
			if in.Version.Killed {
				if len(got) != 0 {
					t.Errorf("a kill carries audio: %+v", got)
				}
				return
			}
			if len(got) != 1 {
				t.Fatalf("audio associations %+v, want one", got)
			}
			a := got[0]
			if a.URI != href || a.Name != "voice-over" || a.Language == "" || len(a.Renditions) != 1 {
				t.Fatalf("association %+v", a)
			}
			r := a.Renditions[0]
			if r.Href != href || r.ContentType != "audio/ogg" || r.SizeInBytes != 123456 || r.Duration != 158.25 {
				t.Errorf("rendition %+v", r)
			}
		})
	}
	in := ninjstest.Demo(t)[0].In
	for name, a := range map[string]*ninjs.Audio{
		"none":          nil,
		"relative href": {Href: "/audio/1/1.opus", MIME: "audio/ogg", Bytes: 1, Duration: time.Second},
		"javascript":    {Href: "javascript:alert(1)", MIME: "audio/ogg", Bytes: 1, Duration: time.Second},
		"no type":       {Href: "https://x.example/a.opus", Bytes: 1, Duration: time.Second},
		"empty file":    {Href: "https://x.example/a.opus", MIME: "audio/ogg", Duration: time.Second},
		"no duration":   {Href: "https://x.example/a.opus", MIME: "audio/ogg", Bytes: 1},
	} {
		in.Audio = a
		b, err := ninjs.Encode(in)
		if err != nil {
			t.Fatal(err)
		}
		validate(t, sch, b)
		if got := audioOf(t, b); len(got) != 0 {
			t.Errorf("%s: audio %+v", name, got)
		}
	}
}
