package store

// SubscriberStore keeps the wire's subscribers: organisations with API
// keys (stored as hashes), entitlements and webhook endpoints.
type SubscriberStore interface {
}
