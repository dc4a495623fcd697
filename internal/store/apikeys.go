package store

import "context"

// APIKey is a customer's sub-key (the api-keys extension): a second key
// with a public id, limited to a scope, optionally to some services,
// source prefixes and a lifetime. Only its SHA-256 hash is stored.
type APIKey struct {
	ID         int64 // public id (shown in api-keys/list and the journal)
	CustomerID int64
	Label      string
	Hash       []byte // SHA-256 of the key
	// Scope is the list of command patterns the key may call
	// ("dns/*", "fail-over-ip/switch", "read-only").
	Scope []string
	// ServiceIDs, when not empty, are the only service (or zone) ids the
	// key may name.
	ServiceIDs []int64
	// SourcePrefixes, when not empty, are the only client addresses
	// (prefixes in CIDR form) the key may be used from.
	SourcePrefixes []string
	ExpiresAt      int64 // Unix seconds; 0: never
	CreatedAt      int64 // Unix seconds
	LastUsedAt     int64 // Unix seconds; 0: never
}

// APIKeyStore is the part of Store for sub-keys. Every write logs a
// ChangeCredentials change of the customer in its transaction, so every
// node drops the customer's cached credentials (which include its
// sub-keys).
type APIKeyStore interface {
	// APIKeyCreate inserts k (k.ID is assigned and written back). Returns
	// ErrNotFound if there is no such customer.
	APIKeyCreate(ctx context.Context, k *APIKey) error
	// APIKeyList returns the customer's sub-keys by id (with their
	// hashes: authentication reads them through this method).
	APIKeyList(ctx context.Context, customerID int64) ([]APIKey, error)
	// APIKeyDelete removes the customer's sub-key. Returns ErrNotFound
	// (also for another customer's key).
	APIKeyDelete(ctx context.Context, customerID, id int64) error
	// APIKeyTouch sets the key's last use (Unix seconds) if it is later
	// than the stored one. It logs no change (caches do not hold it).
	APIKeyTouch(ctx context.Context, customerID, id, at int64) error
}
