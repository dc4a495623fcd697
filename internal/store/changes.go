package store

import "context"

// Kinds of the change log (Change.Kind). Each kind names what its Key is.
const (
	// ChangeDNS: Key is a zone whose served form changed, as zonesync's
	// ZoneChanged takes it (a customer zone's Domain or a reverse zone's
	// Name). Written by ZoneCreate, ZoneDelete, ZoneRecordsReplace,
	// SecondaryTransferStore, SecondaryCheckFailed when it marks the zone
	// expired, SecondaryCheckOK when it clears the expired flag, and
	// PTRReplace (the reverse zone p.Zone).
	ChangeDNS = "dns"
	// ChangeCredentials: Key is a customer id in decimal whose API
	// credentials changed. Written by CustomerSetAPIKey and
	// CustomerSetAPIAccess.
	ChangeCredentials = "credentials"
	// ChangeService: Key is a service id in decimal whose stored row
	// changed. Written by ServiceDetailsUpdate; every store method that
	// changes an existing service row must write it (creating one need
	// not: missing services are not cached).
	ChangeService = "service"
	// ChangeServiceList: Key is a customer id in decimal whose list of
	// services changed (a service added or removed, so positions in the
	// list moved). Written by ServiceCreate.
	ChangeServiceList = "service-list"
	// ChangeDriver: Key is a device driver kind ("firewall", "bgp") whose
	// desired state changed. Written with every raise of the kind's
	// generation (driver_generations).
	ChangeDriver = "driver"
)

// ChangeStore is the part of Store for the change log: one row per
// committed change that other nodes must hear of, written in the
// transaction of the change. Every node follows the log
// (internal/changefeed), so a change made through one node reaches all of
// them; with PostgreSQL a NOTIFY on the channel ChangesChannel wakes them
// at once, the log stays the source of truth.
//
// Ids grow in commit order: the rows of a transaction are inserted when it
// commits, under a lock held until the commit is visible (PostgreSQL: a
// transaction-scoped advisory lock; SQLite serialises writers anyway), so
// a reader that has seen id N will never later see a new row below N. Ids
// are never reused; ids of rolled-back transactions are skipped.
type ChangeStore interface {
	// ChangeLog records a change of kind (ChangeDNS, ...) of key. Called
	// on a transaction's store (InTx) the row is written when the
	// transaction commits and dropped when it rolls back; on the store
	// itself it is written at once in its own transaction. A transaction
	// logging the same kind and key twice writes one row.
	ChangeLog(ctx context.Context, kind, key string) error
	// ChangesSince returns at most limit changes (limit <= 0: all) with an
	// id greater than afterID, ordered by id.
	ChangesSince(ctx context.Context, afterID int64, limit int) ([]Change, error)
	// ChangesLast returns the highest id in the log, 0 when it is empty.
	ChangesLast(ctx context.Context) (int64, error)
	// ChangesPrune deletes the changes made before the Unix time before
	// (seconds).
	ChangesPrune(ctx context.Context, before int64) error
	// OnCommit registers fn to be called with the changes of every
	// transaction that logged some, right after it commits and before the
	// store call that committed it returns (ID is 0: the hook runs before
	// anyone reads the log). It is how this node's caches show a write to
	// the very next read: the mechanism that commits invalidates them, not
	// each caller. fn runs on the committing goroutine, concurrently with
	// other commits: it must be quick and safe for concurrent use. Call
	// OnCommit before the store is used.
	OnCommit(fn func(ctx context.Context, changes []Change))
}

// ChangesChannel is the PostgreSQL NOTIFY channel of the change log; the
// payload is the highest id the committing transaction wrote.
const ChangesChannel = "artnet_changes"

// Change is one entry of the change log.
type Change struct {
	ID   int64
	Kind string // ChangeDNS, ChangeCredentials, ChangeDriver
	Key  string
	// At is the Unix time of the commit in milliseconds (the writer's
	// clock).
	At int64
}
