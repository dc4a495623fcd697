package store

import "context"

// DNSChangeStore is the part of Store for the DNS change log.
//
// Every store write that changes what the DNS server serves appends a row
// naming the zone, in the transaction of the change: ZoneCreate,
// ZoneDelete, ZoneRecordsReplace, SecondaryTransferStore,
// SecondaryCheckFailed when it marks the zone expired, SecondaryCheckOK
// when it clears the expired flag, and PTRReplace (the reverse zone
// p.Zone). Every node serving DNS follows the log, so a change made
// through one node is served by all of them.
type DNSChangeStore interface {
	// DNSChangesSince returns at most limit changes (limit <= 0: all) with
	// an id greater than afterID, ordered by id.
	DNSChangesSince(ctx context.Context, afterID int64, limit int) ([]DNSChange, error)
	// DNSChangesLast returns the highest id in the log, 0 when it is empty.
	DNSChangesLast(ctx context.Context) (int64, error)
	// DNSChangesPrune deletes the changes made before the Unix time before.
	// Ids are never reused.
	DNSChangesPrune(ctx context.Context, before int64) error
}

// DNSChange is one entry of the DNS change log.
type DNSChange struct {
	ID int64
	// Domain is the zone changed, as zonesync's ZoneChanged takes it: a
	// customer zone's Domain or a reverse zone's Name.
	Domain string
	// At is the Unix time of the change.
	At int64
}
