package store

// DomainStore is the part of Store for domain delegations and service details updates.
type DomainStore interface{}
