package store

func mediaContract() []contractTest { return nil }
