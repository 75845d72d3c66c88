package speech

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os/exec"
	"strconv"
	"strings"
	"time"
)

// Opus encodes WAV as Opus in Ogg with opusenc (Debian's opus-tools): mono
// speech at 24 kb/s, which browsers play natively and which is a
// fifteenth of the WAV's size.
type Opus struct {
	path    string
	bitrate int
}

// Limits on one encoding.
const (
	// maxAudio bounds the PCM an encoder takes: a script at
	// MaxScriptRunes is about two hours at any pace.
	maxAudio = 3 * time.Hour
	// maxEncoded bounds the encoder's output; three hours at 32 kb/s is
	// 43 MB.
	maxEncoded = 64 << 20
)

// NewOpus uses the opusenc program at path ("" for the one on PATH) at
// kbps kilobits per second (0 for 24; 16 to 64 accepted).
func NewOpus(path string, kbps int) *Opus {
	if path == "" {
		path = "opusenc"
	}
	if kbps == 0 {
		kbps = 24
	}
	kbps = min(max(kbps, 16), 64)
	return &Opus{path: path, bitrate: kbps}
}

func (o *Opus) Name() string { return "opusenc" }

// Available checks that opusenc runs.
func (o *Opus) Available(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	path, err := exec.LookPath(o.path)
	if err != nil {
		return fmt.Errorf("%w: opusenc is not installed (%v); on Debian: apt-get install opus-tools", ErrUnavailable, err)
	}
	var stderr limitedBuffer
	cmd := exec.CommandContext(ctx, path, "--version")
	cmd.Stdout, cmd.Stderr = io.Discard, &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%w: %s --version: %v %s", ErrUnavailable, path, err, stderr.String())
	}
	return nil
}

// Encode streams the PCM of wav through opusenc. The duration is the
// PCM's length: the data the header announces, or all of it when the
// header does not know (espeak-ng's, written to a pipe).
func (o *Opus) Encode(ctx context.Context, wav io.Reader) (Encoded, error) {
	f, n, err := readWAVHeader(wav)
	if err != nil {
		return Encoded{}, err
	}
	pcm := wav
	if n >= 0 {
		pcm = io.LimitReader(wav, n)
	}
	counted := &countingReader{r: pcm, limit: f.bytesPerSecond() * int64(maxAudio/time.Second)}
	args := []string{"--quiet", "--raw", "--raw-rate", strconv.Itoa(f.Rate), "--raw-chan", strconv.Itoa(f.Channels),
		"--raw-bits", strconv.Itoa(f.Bits), "--bitrate", strconv.Itoa(o.bitrate), "--speech",
		// Complexity 5 takes half the CPU time of the default 10 for a
		// file 2% larger: renderings share the machine with the site.
		"--comp", "5"}
	if f.Channels > 1 {
		args = append(args, "--downmix-mono")
	}
	args = append(args, "-", "-")
	cmd := exec.CommandContext(ctx, o.path, args...)
	cmd.WaitDelay = 5 * time.Second
	var out cappedBuffer
	var stderr limitedBuffer
	cmd.Stdin, cmd.Stdout, cmd.Stderr = counted, &out, &stderr
	if err := cmd.Run(); err != nil {
		switch {
		case errors.Is(err, exec.ErrNotFound) || errors.Is(err, fs.ErrNotExist) || errors.Is(err, fs.ErrPermission):
			return Encoded{}, fmt.Errorf("%w: opusenc: %v", ErrUnavailable, err)
		case errors.Is(err, errTooLong):
			return Encoded{}, fmt.Errorf("speech: opusenc: audio longer than %v", maxAudio)
		}
		return Encoded{}, fmt.Errorf("speech: opusenc: %w: %s", err, strings.TrimSpace(stderr.String()))
	}
	if out.over {
		return Encoded{}, fmt.Errorf("speech: opusenc: output larger than %d bytes", maxEncoded)
	}
	if counted.n == 0 {
		return Encoded{}, fmt.Errorf("%w: no audio data", ErrBadWAV)
	}
	data := out.buf.Bytes()
	if !bytes.HasPrefix(data, []byte("OggS")) {
		return Encoded{}, errors.New("speech: opusenc wrote no Ogg stream")
	}
	return Encoded{Data: data, MIME: "audio/ogg; codecs=opus", Ext: "opus", Duration: f.duration(counted.n)}, nil
}

// cappedBuffer keeps at most maxEncoded bytes and notes being over.
type cappedBuffer struct {
	buf  bytes.Buffer
	over bool
}

func (c *cappedBuffer) Write(p []byte) (int, error) {
	if c.buf.Len()+len(p) > maxEncoded {
		c.over = true
		return 0, errors.New("output too large")
	}
	return c.buf.Write(p)
}
