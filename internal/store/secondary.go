package store

// SecondaryStore is the part of Store for secondary zones transferred from a master.
type SecondaryStore interface{}
