package store

// DeliveryStore keeps webhook deliveries: queued in the same transaction
// as the publish they announce, leased by one worker at a time, retried.
type DeliveryStore interface {
}
