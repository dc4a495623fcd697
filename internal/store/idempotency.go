package store

import "context"

// IdempotencyTTL is how long idempotency keys are kept (milliseconds):
// 24 hours.
const IdempotencyTTL = 24 * 60 * 60 * 1000

// Idempotency is one Idempotency-Key of a customer (the IETF httpapi
// draft): the request it was first sent with (command and fingerprint of
// the parameters), the request id of the attempt that holds it, and, once
// answered, the answer.
type Idempotency struct {
	CustomerID  int64
	Key         string
	Command     string
	Fingerprint string // SHA-256 (hex) of the parameters
	RequestID   string // the attempt running or answered (the audit journal's request id)
	CreatedAt   int64  // Unix milliseconds
	LockedUntil int64  // Unix milliseconds: the attempt's lease while not Done
	Done        bool
	Status      int    // HTTP status of the answer (Done)
	Body        []byte // the answer (Done)
}

// IdempotencyStore is the part of Store for Idempotency-Key.
type IdempotencyStore interface {
	// IdempotencyBegin inserts r unless the customer has the key
	// (created within IdempotencyTTL of r.CreatedAt: an older row is
	// replaced). It returns the row in force and whether it is r.
	IdempotencyBegin(ctx context.Context, r Idempotency) (Idempotency, bool, error)
	// IdempotencyTakeOver gives a pending row whose lease ended
	// (LockedUntil == oldLockedUntil) to a new attempt. false: someone
	// else changed it first.
	IdempotencyTakeOver(ctx context.Context, customerID int64, key string, oldLockedUntil int64, requestID string, lockedUntil int64) (bool, error)
	// IdempotencyFinish stores the answer of the attempt requestID.
	IdempotencyFinish(ctx context.Context, customerID int64, key, requestID string, status int, body []byte) error
	// IdempotencyRelease deletes the pending row of the attempt requestID
	// (it changed nothing and its answer must not be replayed).
	IdempotencyRelease(ctx context.Context, customerID int64, key, requestID string) error
	// IdempotencyGet returns the customer's row of key, or ErrNotFound.
	IdempotencyGet(ctx context.Context, customerID int64, key string) (Idempotency, error)
	// IdempotencyPrune deletes rows created before before (Unix ms).
	IdempotencyPrune(ctx context.Context, before int64) (int64, error)
}
