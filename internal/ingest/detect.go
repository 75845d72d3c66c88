package ingest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path/filepath"

	"golang.org/x/net/html/charset"
)

// DetectSize is how many leading bytes Detect wants to see: enough for an
// XML declaration, a doctype and comments before the root element, and
// for the first keys of a JSON item.
const DetectSize = 8 << 10

// Detect finds the format of an input from its first bytes (head; give it
// DetectSize bytes, or all of a shorter input), with the file name's
// extension as a hint where the content alone cannot tell: a JSON object
// whose keys are neither the corpus's nor ninjs's. The content wins over
// the name: a ".xml" file holding RSS is RSS.
//
//   - "<" ... root <rss> or <rdf:RDF>: RSS; <feed>: Atom; <newsItem> or
//     <newsMessage>: NewsML;
//   - "[": ninjs (an array of items);
//   - "{": the corpus format if the object has "id" and "lang", ninjs if it
//     has ninjs's own keys ("uri", "headlines", "body_html", "versionCreated",
//     ...).
//
// Anything else is ErrUnknownFormat, with a message saying what was seen.
func Detect(name string, head []byte) (Format, error) {
	head = bytes.TrimPrefix(head, []byte("\uFEFF"))
	if bytes.HasPrefix(head, []byte{0xFF, 0xFE}) || bytes.HasPrefix(head, []byte{0xFE, 0xFF}) {
		return "", fmt.Errorf("ingest: %w: the input is UTF-16; convert it to UTF-8", ErrUnknownFormat)
	}
	trimmed := bytes.TrimLeft(head, " \t\r\n")
	hint := extensionHint(name)
	if len(trimmed) == 0 {
		if len(head) == 0 {
			return "", fmt.Errorf("ingest: %w: the input is empty", ErrUnknownFormat)
		}
		return "", fmt.Errorf("ingest: %w: the input is only white space", ErrUnknownFormat)
	}
	switch trimmed[0] {
	case '<':
		return detectXML(trimmed)
	case '[':
		return NINJS, nil
	case '{':
		corpus, ninjs := jsonKeys(trimmed)
		switch {
		case ninjs > corpus:
			return NINJS, nil
		case corpus > 0 && corpus >= ninjs:
			return JSONL, nil
		case hint == JSONL || hint == NINJS:
			return hint, nil
		}
		return "", fmt.Errorf("ingest: %w: a JSON object with neither the corpus's keys (id, lang) nor ninjs's (uri, headlines, bodies)", ErrUnknownFormat)
	}
	return "", fmt.Errorf("ingest: %w: the input starts with %q, not XML or JSON", ErrUnknownFormat, clip(string(bytes.ToValidUTF8(trimmed[:min(len(trimmed), 16)], []byte("?"))), 16))
}

// Sniff reads the head of r, detects its format and returns a reader that
// gives all of r again, head included.
func Sniff(name string, r io.Reader) (Format, io.Reader, error) {
	br := bufio.NewReaderSize(r, DetectSize)
	head, err := br.Peek(DetectSize)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return "", br, fmt.Errorf("ingest: read %s: %w", name, err)
	}
	f, err := Detect(name, head)
	return f, br, err
}

// extensionHint maps a file name's extension to the format it usually
// holds.
func extensionHint(name string) Format {
	switch lowerASCII(filepath.Ext(name)) {
	case ".jsonl", ".ndjson":
		return JSONL
	case ".json", ".ninjs":
		return NINJS
	case ".rss":
		return RSS
	case ".atom":
		return Atom
	}
	return ""
}

// detectXML names the format by the root element. The decoder is
// lenient and converts declared encodings, so that windows-1256 feeds are
// recognised.
func detectXML(head []byte) (Format, error) {
	dec := xml.NewDecoder(bytes.NewReader(head))
	dec.Strict = false
	dec.CharsetReader = charset.NewReaderLabel
	for {
		tok, err := dec.Token()
		if err != nil {
			return "", fmt.Errorf("ingest: %w: XML without a root element in its first %d bytes", ErrUnknownFormat, len(head))
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		switch se.Name.Local {
		case "rss", "RDF":
			return RSS, nil
		case "feed":
			return Atom, nil
		case "newsItem", "newsMessage":
			return NewsML, nil
		}
		return "", fmt.Errorf("ingest: %w: XML with root <%s>, not rss, feed, newsItem or newsMessage", ErrUnknownFormat, clip(se.Name.Local, 40))
	}
}

// jsonKeys counts the corpus's and ninjs's keys among the top-level keys of
// the first JSON object in head, which may be cut anywhere.
func jsonKeys(head []byte) (corpus, ninjs int) {
	dec := json.NewDecoder(bytes.NewReader(head))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return 0, 0
	}
	depth, wantKey := 1, true
	for depth > 0 {
		tok, err := dec.Token()
		if err != nil {
			break
		}
		switch v := tok.(type) {
		case json.Delim:
			switch v {
			case '{', '[':
				depth++
			default:
				depth--
				if depth == 1 {
					wantKey = true
				}
			}
			continue
		case string:
			if depth == 1 && wantKey {
				switch v {
				case "id", "lang":
					corpus++
				case "uri", "guid", "headlines", "bodies", "body_text", "body_html", "versioncreated",
					"versionCreated", "firstcreated", "firstCreated", "altids", "altIds", "standard",
					"pubstatus", "pubStatus", "descriptions", "renditions", "language":
					ninjs++
				}
				wantKey = false
				continue
			}
		}
		if depth == 1 {
			wantKey = true
		}
	}
	return corpus, ninjs
}

// String returns the format's name, as ParseFormat reads it.
func (f Format) String() string { return string(f) }
