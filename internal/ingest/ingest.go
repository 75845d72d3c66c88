// Package ingest reads other agencies' stories: JSON Lines (the corpus
// format), RSS 2.0, Atom, ninjs and NewsML-G2. It turns each into an Item,
// reports every malformed item with its position and goes on with the
// rest, and recognises duplicates and near-duplicates.
package ingest

import "time"

// Item is one story from outside, as read, before it becomes a Qasid story.
type Item struct {
	GUID      string // the source's own id: JSONL id, RSS guid, Atom id, ninjs uri, NewsML guid; never empty
	URL       string // the story's address at the source, if any
	Lang      string // one of lang.Codes; items in other languages are errors
	Headline  string
	Summary   string
	Body      string // plain text, paragraphs separated by "\n"
	Byline    string
	Section   string // the source's section or topic, lower case; "" if none
	Tags      []string
	Published time.Time // zero if the source gives none
	Source    string    // who sent it: the feed's or file's name, or the item's own source field
	// FamilyKey links translations of one story (the corpus's id without
	// its ":<lang>" suffix; a ninjs/NewsML family id); "" if none.
	FamilyKey string
}
