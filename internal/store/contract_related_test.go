package store

func relatedContract() []contractTest { return nil }
