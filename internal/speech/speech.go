// Package speech turns a story version into spoken audio: it writes the
// script a listener hears (headline, dateline, headings and paragraphs,
// with numbers spelled out in the story's language), has a speech engine
// read it, and encodes the result compactly.
//
// Engines sit behind Provider, so that an agency can plug in a better one
// over HTTP (NewHTTP) instead of the built-in espeak-ng (NewESpeak); both
// hand back WAV. Encoders sit behind Encoder; the built-in one is opusenc
// (Opus in Ogg, about 24 kb/s for speech: a 158 s story is 7 MB of WAV and
// under 500 KB of Opus).
//
// Both outside programs are found at run time and may be missing: then
// Available says why, and the caller reports the feature as unavailable
// instead of failing.
package speech

import (
	"context"
	"errors"
	"io"
	"time"
)

// ErrUnavailable marks an engine or encoder that cannot run here (not
// installed, missing a voice, unreachable): retrying will not help until
// someone changes the installation.
var ErrUnavailable = errors.New("speech: unavailable")

// Provider is a speech engine.
type Provider interface {
	// Name identifies the engine in logs and on the desk, e.g. "espeak-ng".
	Name() string
	// Available reports whether the engine can speak every one of Qasid's
	// languages now; its error (an ErrUnavailable) says what is missing.
	Available(ctx context.Context) error
	// Synthesize reads script in language code and returns the speech as
	// a WAV stream (PCM). The caller must close it; closing reports the
	// engine's failure if the stream ended early because of one.
	Synthesize(ctx context.Context, code string, script Script) (io.ReadCloser, error)
}

// Encoder compresses WAV for listeners.
type Encoder interface {
	Name() string
	Available(ctx context.Context) error
	// Encode reads a whole WAV stream and returns the encoded audio.
	Encode(ctx context.Context, wav io.Reader) (Encoded, error)
}

// Encoded is one encoded rendering.
type Encoded struct {
	Data     []byte
	MIME     string // e.g. "audio/ogg; codecs=opus"
	Ext      string // file name extension, e.g. "opus"
	Duration time.Duration
}
