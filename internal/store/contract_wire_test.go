package store

// subscriberContract and deliveryContract are the wire's parts of the
// contract suite, run on both databases by runContract.
func subscriberContract() []contractTest { return nil }
