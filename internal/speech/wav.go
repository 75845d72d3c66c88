package speech

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"time"
)

// WAV is read here rather than handed whole to the encoder for two
// reasons: the duration is the length of the PCM data, which only the
// header explains, and espeak-ng writing to a pipe cannot go back to fill
// in the lengths, so its header claims about 2 GB. The PCM that follows
// the header is passed on as a stream, never held in memory.

// ErrBadWAV marks a stream that is not WAV audio an encoder can take.
var ErrBadWAV = errors.New("speech: not usable WAV audio")

// wavFormat is the shape of the PCM samples.
type wavFormat struct {
	Rate     int // samples per second
	Channels int
	Bits     int // per sample: 8, 16 or 24
}

// bytesPerSecond is how much PCM one second takes.
func (f wavFormat) bytesPerSecond() int64 {
	return int64(f.Rate) * int64(f.Channels) * int64(f.Bits/8)
}

// duration is how long n bytes of PCM play.
func (f wavFormat) duration(n int64) time.Duration {
	bps := f.bytesPerSecond()
	if bps <= 0 {
		return 0
	}
	return time.Duration(n/bps)*time.Second + time.Duration(n%bps)*time.Second/time.Duration(bps)
}

// Limits on what a header may ask of the reader.
const (
	maxWAVChunks    = 64
	maxSkippedChunk = 1 << 20
)

// unknownLength is what a header's data length means when the writer
// streamed and could not know it: zero, or close to 2 or 4 GB.
func unknownLength(n uint32) bool { return n == 0 || n >= 0x7fff0000 }

// readWAVHeader reads a RIFF/WAVE header up to the start of the PCM data.
// It returns the format and the data's length in bytes, or -1 when the
// header does not know it (then the data runs to the end of the stream).
func readWAVHeader(r io.Reader) (wavFormat, int64, error) {
	var riff [12]byte
	if _, err := io.ReadFull(r, riff[:]); err != nil {
		return wavFormat{}, 0, fmt.Errorf("%w: short header: %v", ErrBadWAV, err)
	}
	if string(riff[0:4]) != "RIFF" || string(riff[8:12]) != "WAVE" {
		return wavFormat{}, 0, fmt.Errorf("%w: no RIFF/WAVE signature", ErrBadWAV)
	}
	var f wavFormat
	haveFmt := false
	for range maxWAVChunks {
		var hdr [8]byte
		if _, err := io.ReadFull(r, hdr[:]); err != nil {
			return wavFormat{}, 0, fmt.Errorf("%w: no data chunk: %v", ErrBadWAV, err)
		}
		id, size := string(hdr[0:4]), binary.LittleEndian.Uint32(hdr[4:8])
		switch id {
		case "fmt ":
			if size < 16 || size > 1024 {
				return wavFormat{}, 0, fmt.Errorf("%w: fmt chunk of %d bytes", ErrBadWAV, size)
			}
			b := make([]byte, size+size%2)
			if _, err := io.ReadFull(r, b); err != nil {
				return wavFormat{}, 0, fmt.Errorf("%w: short fmt chunk: %v", ErrBadWAV, err)
			}
			tag := binary.LittleEndian.Uint16(b[0:2])
			f = wavFormat{
				Channels: int(binary.LittleEndian.Uint16(b[2:4])),
				Rate:     int(binary.LittleEndian.Uint32(b[4:8])),
				Bits:     int(binary.LittleEndian.Uint16(b[14:16])),
			}
			// 1 is integer PCM; 0xFFFE (extensible) is checked no further,
			// since its sub-format is PCM for every engine that speaks.
			if tag != 1 && tag != 0xfffe {
				return wavFormat{}, 0, fmt.Errorf("%w: format %#x is not PCM", ErrBadWAV, tag)
			}
			if f.Channels < 1 || f.Channels > 2 || f.Rate < 8000 || f.Rate > 192000 || (f.Bits != 8 && f.Bits != 16 && f.Bits != 24) {
				return wavFormat{}, 0, fmt.Errorf("%w: %d channels at %d Hz, %d bits", ErrBadWAV, f.Channels, f.Rate, f.Bits)
			}
			haveFmt = true
		case "data":
			if !haveFmt {
				return wavFormat{}, 0, fmt.Errorf("%w: data before fmt", ErrBadWAV)
			}
			if unknownLength(size) {
				return f, -1, nil
			}
			return f, int64(size), nil
		default:
			if size > maxSkippedChunk {
				return wavFormat{}, 0, fmt.Errorf("%w: %q chunk of %d bytes", ErrBadWAV, id, size)
			}
			if _, err := io.CopyN(io.Discard, r, int64(size)+int64(size%2)); err != nil {
				return wavFormat{}, 0, fmt.Errorf("%w: short %q chunk: %v", ErrBadWAV, id, err)
			}
		}
	}
	return wavFormat{}, 0, fmt.Errorf("%w: more than %d chunks before the data", ErrBadWAV, maxWAVChunks)
}

// WAVHeader writes the 44-byte header of a PCM WAV file holding dataLen
// bytes of samples: for providers and tests that make WAV themselves.
func WAVHeader(rate, channels, bits int, dataLen uint32) []byte {
	b := make([]byte, 44)
	copy(b[0:], "RIFF")
	binary.LittleEndian.PutUint32(b[4:], 36+dataLen)
	copy(b[8:], "WAVEfmt ")
	binary.LittleEndian.PutUint32(b[16:], 16)
	binary.LittleEndian.PutUint16(b[20:], 1)
	binary.LittleEndian.PutUint16(b[22:], uint16(channels))
	binary.LittleEndian.PutUint32(b[24:], uint32(rate))
	binary.LittleEndian.PutUint32(b[28:], uint32(rate*channels*bits/8))
	binary.LittleEndian.PutUint16(b[32:], uint16(channels*bits/8))
	binary.LittleEndian.PutUint16(b[34:], uint16(bits))
	copy(b[36:], "data")
	binary.LittleEndian.PutUint32(b[40:], dataLen)
	return b
}

// countingReader counts what passes through it and fails once more than
// limit bytes did, so that a runaway engine cannot feed an encoder for
// hours.
type countingReader struct {
	r     io.Reader
	n     int64
	limit int64
}

var errTooLong = errors.New("speech: audio longer than the limit")

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	if c.n > c.limit {
		return n, errTooLong
	}
	return n, err
}
