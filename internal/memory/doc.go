// Package memory holds the translation desk's memory and glossary logic:
// the comparison form of a segment and its index keys, fuzzy match scoring
// as CAT tools compute it, TMX 1.4b import and export, glossary CSV import
// and export, and finding glossary terms in segments.
//
// The package does no I/O of its own: readers and writers are passed in, and
// storing units and terms is the store's business. It imports only
// internal/lang, the standard library and golang.org/x/text.
package memory
