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
	"sync"
	"time"

	"github.com/qasid/qasid/internal/lang"
)

// espeakVoices are the espeak-ng voices for Qasid's languages. English is
// British, as the agency writes. Chinese must be cmn-latn-pinyin: the
// default cmn voice reads digits and some text in English.
var espeakVoices = map[string]string{
	"en": "en-gb",
	"ur": "ur",
	"zh": "cmn-latn-pinyin",
	"ar": "ar",
	"ru": "ru",
	"fr": "fr-fr",
	"es": "es",
}

// ESpeakVoice names the espeak-ng voice that reads language code.
func ESpeakVoice(code string) (string, bool) {
	v, ok := espeakVoices[code]
	return v, ok
}

// espeakSpeed is the reading pace in words per minute: a little under
// espeak-ng's 175, near the 150-160 of radio news.
const espeakSpeed = 160

// Pauses around the parts of a script, which is how a listener hears
// where the headline ends and a new section begins.
const (
	pauseAfterHeadline  = "900ms"
	pauseAfterDateline  = "500ms"
	pauseBeforeHeading  = "800ms"
	pauseAfterHeading   = "600ms"
	pauseAfterParagraph = "400ms"
)

// ESpeak is the built-in engine: the espeak-ng program, run once per
// rendering with the script on its standard input as SSML.
type ESpeak struct {
	path string
}

// NewESpeak uses the espeak-ng program at path, or the one on PATH when
// path is "". Whether it is installed is Available's question, not this.
func NewESpeak(path string) *ESpeak {
	if path == "" {
		path = "espeak-ng"
	}
	return &ESpeak{path: path}
}

func (e *ESpeak) Name() string { return "espeak-ng" }

// Available checks that the program runs and has a voice for every
// language.
func (e *ESpeak) Available(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	path, err := exec.LookPath(e.path)
	if err != nil {
		return fmt.Errorf("%w: espeak-ng is not installed (%v); on Debian: apt-get install espeak-ng", ErrUnavailable, err)
	}
	// The list of voices is about 10 kB; the cap only guards against a
	// program that is not espeak-ng.
	out, stderr := limitedBuffer{max: 1 << 20}, limitedBuffer{}
	cmd := exec.CommandContext(ctx, path, "--voices")
	cmd.Stdout, cmd.Stderr = &out, &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%w: %s --voices: %v %s", ErrUnavailable, path, err, stderr.String())
	}
	have := map[string]bool{}
	for _, line := range strings.Split(out.String(), "\n") {
		if f := strings.Fields(line); len(f) >= 2 {
			have[strings.ToLower(f[1])] = true
		}
	}
	var missing []string
	for _, code := range lang.Codes() {
		if v := espeakVoices[code]; !have[v] {
			missing = append(missing, code+" ("+v+")")
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("%w: espeak-ng has no voice for %s", ErrUnavailable, strings.Join(missing, ", "))
	}
	return nil
}

// Synthesize runs espeak-ng on the script and streams its WAV output.
func (e *ESpeak) Synthesize(ctx context.Context, code string, script Script) (io.ReadCloser, error) {
	voice, ok := espeakVoices[code]
	if !ok {
		return nil, fmt.Errorf("speech: espeak-ng: no voice for language %q", code)
	}
	// -m: the input is SSML; -b 1: it is UTF-8; --stdin: read all of it,
	// not line by line. The text goes on standard input, never in the
	// arguments, where it could be taken for an option.
	cmd := exec.CommandContext(ctx, e.path, "-m", "-b", "1", "-v", voice, "-s", strconv.Itoa(espeakSpeed), "--stdin", "--stdout")
	cmd.Stdin = strings.NewReader(SSML(script))
	return startStream(cmd, "espeak-ng")
}

// SSML writes a script as the SSML espeak-ng reads: pauses around the
// headline and headings, headings a little slower, text escaped. There is
// no xml:lang, which would make espeak-ng pick its own voice for the
// language instead of the one asked for.
func SSML(script Script) string {
	var b strings.Builder
	b.WriteString("<speak>\n")
	for _, bl := range script.Blocks {
		text := escapeXML(bl.Text)
		switch bl.Kind {
		case KindHeadline:
			b.WriteString("<p>" + text + "</p><break time=\"" + pauseAfterHeadline + "\"/>\n")
		case KindDateline:
			b.WriteString("<p>" + text + "</p><break time=\"" + pauseAfterDateline + "\"/>\n")
		case KindHeading:
			b.WriteString("<break time=\"" + pauseBeforeHeading + "\"/><p><prosody rate=\"90%\">" + text +
				"</prosody></p><break time=\"" + pauseAfterHeading + "\"/>\n")
		default:
			b.WriteString("<p>" + text + "</p><break time=\"" + pauseAfterParagraph + "\"/>\n")
		}
	}
	b.WriteString("</speak>\n")
	return b.String()
}

func escapeXML(s string) string {
	var b bytes.Buffer
	for _, r := range s {
		switch {
		case r == '<':
			b.WriteString("&lt;")
		case r == '>':
			b.WriteString("&gt;")
		case r == '&':
			b.WriteString("&amp;")
		case r == '"':
			b.WriteString("&quot;")
		case !xmlChar(r):
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// stream is the standard output of a running program. Reading it to the
// end waits for the program and reports its failure as the read error;
// closing it early stops the program.
type stream struct {
	cmd    *exec.Cmd
	out    io.ReadCloser
	stderr *limitedBuffer
	name   string

	once sync.Once
	err  error
}

// startStream starts cmd with its standard output as the stream.
func startStream(cmd *exec.Cmd, name string) (*stream, error) {
	s := &stream{cmd: cmd, stderr: &limitedBuffer{}, name: name}
	cmd.Stderr = s.stderr
	// A program that ignores its kill must not hold the caller forever.
	cmd.WaitDelay = 5 * time.Second
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, fmt.Errorf("speech: %s: %w", name, err)
	}
	s.out = out
	if err := cmd.Start(); err != nil {
		if errors.Is(err, exec.ErrNotFound) || errors.Is(err, fs.ErrNotExist) || errors.Is(err, fs.ErrPermission) {
			return nil, fmt.Errorf("%w: %s: %v", ErrUnavailable, name, err)
		}
		return nil, fmt.Errorf("speech: start %s: %w", name, err)
	}
	return s, nil
}

func (s *stream) Read(p []byte) (int, error) {
	n, err := s.out.Read(p)
	if err == io.EOF {
		if werr := s.wait(); werr != nil {
			return n, werr
		}
	}
	return n, err
}

func (s *stream) wait() error {
	s.once.Do(func() {
		if err := s.cmd.Wait(); err != nil {
			s.err = fmt.Errorf("speech: %s: %w: %s", s.name, err, strings.TrimSpace(s.stderr.String()))
		}
	})
	return s.err
}

// Close stops the program if it still runs and reports how it ended.
// After a complete read the program has ended and the kill finds nothing.
func (s *stream) Close() error {
	// Closing the pipe makes a program that is still writing fail, and
	// the kill ends one that is not.
	s.out.Close()
	_ = s.cmd.Process.Kill()
	return s.wait()
}

// limitedBuffer keeps the first few kilobytes written to it: enough of a
// program's error output to say what went wrong.
type limitedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
	max int // 0 means maxStderr
}

const maxStderr = 4 << 10

func (l *limitedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	limit := l.max
	if limit == 0 {
		limit = maxStderr
	}
	if room := limit - l.buf.Len(); room > 0 {
		l.buf.Write(p[:min(len(p), room)])
	}
	return len(p), nil
}

func (l *limitedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}
