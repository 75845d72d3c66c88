package store

// RelatedStore keeps the editors' choices about related stories: stories
// pinned to, or excluded from, a story's related list.
type RelatedStore interface{}
