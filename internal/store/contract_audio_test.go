package store

func audioContract() []contractTest { return nil }
