package ninjs

import (
	"math"
	"mime"
	"net/url"
	"strconv"
	"time"
)

// Audio is the voice-over of a version: a file every subscriber may fetch,
// the story read in its own language. ninjs carries it as an association
// of type audio, with the file as its rendition.
type Audio struct {
	Href     string // absolute http(s) URL of the file
	MIME     string // e.g. "audio/ogg; codecs=opus"
	Bytes    int64
	Duration time.Duration
}

// describeAudio checks the input's voice-over: a kill has none, and one
// without an absolute URL, a type or a size is left out rather than sent
// broken.
func describeAudio(a *Audio, canceled bool) *Audio {
	if a == nil || canceled || a.Bytes <= 0 || a.Duration <= 0 {
		return nil
	}
	u, err := url.Parse(a.Href)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil
	}
	mt, _, err := mime.ParseMediaType(a.MIME)
	if err != nil {
		return nil
	}
	return &Audio{Href: u.String(), MIME: mt, Bytes: a.Bytes, Duration: a.Duration}
}

// audioAssociations is the voice-over as ninjs associations: none, or one
// of type audio whose rendition is the file, its type without parameters
// ("audio/ogg"), its size in bytes and its duration in seconds.
func audioAssociations(it Item) []association {
	if it.Audio == nil {
		return nil
	}
	secs := math.Round(it.Audio.Duration.Seconds()*1000) / 1000
	return []association{{
		Name:     "voice-over",
		Rel:      "audio",
		URI:      it.Audio.Href,
		Type:     "audio",
		Version:  strconv.Itoa(it.Version),
		Language: it.Lang.Tag,
		Renditions: []rendition{{
			Name:        "audio",
			Href:        it.Audio.Href,
			ContentType: it.Audio.MIME,
			SizeInBytes: it.Audio.Bytes,
			Duration:    secs,
		}},
	}}
}
