package store

// SQLite has no row locks to skip: the single writer connection and BEGIN
// IMMEDIATE make each claim exclusive, so workers take turns instead.
func (sqliteDialect) skipLocked() string { return "" }
