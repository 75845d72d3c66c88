package store

// skipLocked lets the workers of several nodes claim at the same moment:
// each locks the rows it picks and passes over rows another has locked,
// rather than waiting for them and then finding them leased.
func (postgresDialect) skipLocked() string { return " FOR UPDATE SKIP LOCKED" }
