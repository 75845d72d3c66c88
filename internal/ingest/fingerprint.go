package ingest

import (
	"math/bits"
	"unicode"
)

// Shingle sizes: a feature is this many consecutive words, or this many
// consecutive Han characters (Chinese has no spaces; a character is about
// two thirds of a word). Measured on the corpus: single words make
// different stories on one topic look alike; longer shingles make small
// edits look large.
const (
	wordShingle = 2
	hanShingle  = 3
)

// Fingerprint is a 64-bit fingerprint of text for near-duplicate search:
// texts that share most of their shingles get fingerprints a few bits
// apart, unrelated texts differ in about half of their bits.
//
// Features are shingles of consecutive words (of Han characters in
// Chinese) of the normalised text: NFKC, lower case, every digit 0,
// Arabic-script letter variants folded to one form and vowel marks
// dropped, punctuation ignored. So re-sent copies with changed
// punctuation, digits in another script, or Urdu typed with Arabic letter
// forms fingerprint the same.
//
// Each bit is the lowest bit of the minimum of one of 64 hash functions
// over the shingle set (one-bit MinHash, Li and König 2010): two texts
// whose shingle sets have Jaccard similarity J differ in each bit with
// probability (1-J)/2. A SimHash of the same shingles (Charikar, the
// classic choice) was measured too and rejected: its bits flip with the
// angle between the texts, about three times as often for small edits,
// so that at NearDuplicate it missed half the stories with three words
// changed, where this misses one in twenty-five (see
// TestFingerprintCorpus).
//
// Fingerprint the body: a headline alone is too short to say much. An
// empty text, or one without letters or digits, gets 0.
func Fingerprint(text string) uint64 {
	var mins [64]uint64
	for i := range mins {
		mins[i] = ^uint64(0)
	}
	var seeds [64]uint64
	for i := range seeds {
		seeds[i] = mix(uint64(i+1) * 0x9E3779B97F4A7C15)
	}
	empty := true
	shingles(text, wordShingle, hanShingle, func(h uint64) {
		empty = false
		// By index: ranging over the array's values would copy it for
		// every shingle.
		for i := range seeds {
			if v := mix(h ^ seeds[i]); v < mins[i] {
				mins[i] = v
			}
		}
	})
	if empty {
		return 0
	}
	var fp uint64
	for i, m := range mins {
		// The minimum's high bits are biased towards 0; a fresh mix
		// makes its lowest bit a fair coin.
		fp |= (mix(m) & 1) << i
	}
	return fp
}

// NearDuplicate is the largest Distance at which two fingerprints are taken
// for the same story. On 250-400-word corpus articles it finds every copy
// with a word changed, about 96% of copies with three words changed and
// about 80% with a 10-25-word sentence inserted; no two corpus articles
// sharing less than half of their shingles come within it (figures from
// TestFingerprintCorpus). Treat a match as "probably the same story" to
// show an editor or link, not as proof to drop an item silently.
const NearDuplicate = 3

// Distance is the number of bits in which two fingerprints differ.
func Distance(a, b uint64) int { return bits.OnesCount64(a ^ b) }

// Bands splits a fingerprint into four 16-bit bands. Two fingerprints
// within NearDuplicate (3) bits of each other differ in at most three
// bands, so they share at least one: a store that indexes the four bands
// finds every near-duplicate candidate with four indexed equality lookups
// (band i of the new item against column i), then checks Distance on those
// few. Unrelated fingerprints share a given band with probability 1/65536.
func Bands(fp uint64) [4]uint16 {
	return [4]uint16{uint16(fp), uint16(fp >> 16), uint16(fp >> 32), uint16(fp >> 48)}
}

// shingles calls fn with the hash of every shingle of the normalised text:
// k consecutive tokens, where a token is a word, or one Han character.
// Inside a run of Han characters the shingle is hanShingle characters;
// elsewhere it is wordShingle tokens. A text with fewer tokens than a
// shingle gives one shingle of all of them; an empty text gives none.
// Shingle sizes are at most 8.
func shingles(text string, wordShingle, hanShingle int, fn func(uint64)) {
	var window [8]uint64 // ring of the last token hashes
	tokens, han, features := 0, 0, 0
	shingle := func(k int) uint64 {
		h := uint64(k)
		for i := k; i > 0; i-- {
			h = mix(h ^ window[(tokens-i)&7])
		}
		return h
	}
	emit := func(tok uint64, isHan bool) {
		window[tokens&7] = tok
		tokens++
		if isHan {
			han++
		} else {
			han = 0
		}
		k := wordShingle
		if isHan && han >= hanShingle {
			k = hanShingle
		}
		if tokens >= k {
			features++
			fn(shingle(k))
		}
	}
	word, inWord := uint64(fnvOffset), false // FNV-1a of the word being read
	flush := func() {
		if inWord {
			emit(mix(word), false)
			word, inWord = fnvOffset, false
		}
	}
	for _, r := range nfkc(text) {
		r = foldRune(r)
		switch {
		case r < 0:
			// dropped: marks, tatweel, joiners
		case isHan(r):
			flush()
			emit(mix(uint64(r)*fnvPrime^0x9E3779B97F4A7C15), true)
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			inWord = true
			word = (word ^ uint64(r)) * fnvPrime
		default:
			flush()
		}
	}
	flush()
	if features == 0 && tokens > 0 {
		fn(shingle(min(tokens, 8)))
	}
}

const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

// mix is SplitMix64's finaliser: FNV alone leaves the high bits of short
// inputs poorly mixed, and SimHash needs every bit to be a fair coin.
func mix(h uint64) uint64 {
	h ^= h >> 30
	h *= 0xBF58476D1CE4E5B9
	h ^= h >> 27
	h *= 0x94D049BB133111EB
	h ^= h >> 31
	return h
}

// isHan reports the characters of scripts written without spaces between
// words, which make one token each.
func isHan(r rune) bool {
	return r >= 0x2E80 && (unicode.Is(unicode.Han, r) || unicode.Is(unicode.Hiragana, r) || unicode.Is(unicode.Katakana, r))
}

// foldRune maps a rune of NFKC text to the form fingerprints compare, or
// -1 to drop it.
func foldRune(r rune) rune {
	// The letters of most texts, without the Unicode tables: basic
	// Cyrillic, Arabic and Urdu letters that have no other form (those
	// that do are mapped first, below), CJK ideographs. TestFoldRune
	// checks every rune against the tables.
	switch {
	case 0x430 <= r && r <= 0x45F, 0x4E00 <= r && r <= 0x9FFF:
		return r
	case 0x410 <= r && r <= 0x42F:
		return r + 0x20
	case 0x621 <= r && r <= 0x63A, 0x641 <= r && r <= 0x64A, 0x679 <= r && r <= 0x6D3:
		if !letterVariant(r) {
			return r
		}
	}
	return foldRuneTables(r)
}

// letterVariant reports the Arabic-script letters foldRuneTables writes
// as another.
func letterVariant(r rune) bool {
	switch r {
	case 'أ', 'إ', 'آ', 'ٱ', 'ى', 'ی', 'ې', 'ئ', 'ة', 'ۃ', 'ہ', 'ھ', 'ۂ', 'ۀ', 'ک', 'ؤ':
		return true
	}
	return false
}

// foldRuneTables is foldRune with the Unicode tables, for any rune.
func foldRuneTables(r rune) rune {
	if r < 0x80 {
		switch {
		case 'A' <= r && r <= 'Z':
			return r + 'a' - 'A'
		case '0' <= r && r <= '9':
			return '0'
		}
		return r
	}
	switch r {
	// Arabic-script letters written in several forms: alef with hamza or
	// madda, alef wasla; alef maqsura, Farsi and Urdu yeh; teh marbuta;
	// Urdu heh goal and doachashmee; kaf and keheh; waw and yeh with hamza.
	case 'أ', 'إ', 'آ', 'ٱ':
		return 'ا'
	case 'ى', 'ی', 'ې', 'ئ':
		return 'ي'
	case 'ة', 'ۃ', 'ہ', 'ھ', 'ۂ', 'ۀ':
		return 'ه'
	case 'ک':
		return 'ك'
	case 'ؤ':
		return 'و'
	case '\u0640': // tatweel, the stretching stroke
		return -1
	}
	switch {
	case unicode.IsDigit(r):
		return '0'
	case unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Cf, r):
		// Vowel marks (harakat), combining accents NFKC did not compose,
		// zero-width joiners and direction marks.
		return -1
	}
	return unicode.ToLower(r)
}
