package store

// IngestStore keeps what other agencies sent: imported items (for
// duplicate checks and the desk's incoming list) and the feeds polled.
type IngestStore interface{}
