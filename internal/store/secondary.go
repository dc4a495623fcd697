package store

import "context"

// SecondaryStore is the part of Store for secondary zones transferred from a master.
//
// A secondary zone is a Zone of type ZoneTypeSecondary. What was transferred
// from its master (the records, the SOA timers, the state of the checks)
// is kept beside it; the zone's own row follows the transfers: Zone.Serial
// is the serial last transferred and Zone.RefreshedAt the time of that
// transfer, so /dns/list and /dns/details-secoundary agree with what is
// served. Deleting the zone deletes all of it.
//
// These methods are for the transfer worker and the DNS server (operator
// side): they are global, like ZonesAll and ZoneByDomain, and take no
// customer id. Times are Unix seconds, like everywhere in the store.
//
// A secondary zone that was never checked has no transfer state: it is due
// at once (NextCheck 0) and SecondaryZoneContent reports it with no records.
type SecondaryStore interface {
	// SecondaryZonesDue returns at most limit secondary zones (limit <= 0:
	// all) whose next check is due at now (NextCheck <= now; a zone never
	// checked is due), the most overdue first (NextCheck, then id). A
	// worker passes a time ahead of the clock to learn when to wake up.
	SecondaryZonesDue(ctx context.Context, now int64, limit int) ([]SecondaryState, error)
	// SecondaryTransferStore replaces the transferred content of the zone
	// t.ZoneID with t, atomically: the records, the SOA timers, the
	// zone's Serial (= t.Serial), RefreshedAt and UpdatedAt (= t.At),
	// CheckedAt (= t.At) and NextCheck (= t.Next); the failure count, the
	// last error and the expired flag are cleared. It is a compare-and-swap
	// on the zone's (Serial, RefreshedAt): it happens only while they still
	// equal (t.ExpectSerial, t.ExpectRefreshedAt), else ErrStale and
	// nothing changes (another worker stored a transfer in between).
	// ErrNotFound: no such secondary zone. A record containing a line
	// break is an error.
	SecondaryTransferStore(ctx context.Context, t SecondaryTransfer) error
	// SecondaryCheckOK records a successful check that found the
	// transferred content current (the master's serial is not newer): the
	// zone was in contact with its master at at (CheckedAt = at, which
	// restarts the expire timer), its next check is next; the failure
	// count, the last error and the expired flag are cleared. ErrNotFound:
	// no such secondary zone.
	SecondaryCheckOK(ctx context.Context, zoneID, at, next int64) error
	// SecondaryCheckFailed records a failed check at at (reason: for the
	// operator) and the next check at next. When the zone has transferred
	// content (Transferred) and its master has not been reached for Expire seconds
	// (at >= CheckedAt + Expire) the zone is marked expired, and stays so
	// until a check succeeds. It returns whether the zone is expired now.
	// ErrNotFound: no such secondary zone.
	SecondaryCheckFailed(ctx context.Context, zoneID, at, next int64, reason string) (expired bool, err error)
	// SecondaryZoneState returns the state of the secondary zone without
	// its records, or ErrNotFound (no such zone, or a primary one).
	SecondaryZoneState(ctx context.Context, zoneID int64) (SecondaryState, error)
	// SecondaryZoneContent returns the state and the transferred records
	// of the secondary zone, or ErrNotFound (no such zone, or a primary
	// one). Before the first transfer Records is nil; an expired zone keeps
	// its records, and must not be answered for (Expired).
	SecondaryZoneContent(ctx context.Context, zoneID int64) (SecondaryContent, error)
}

// SecondaryState is a secondary zone and the state of its transfers.
type SecondaryState struct {
	// Zone is the zone's row: Serial is the serial last transferred and
	// RefreshedAt the time of that transfer (0: never).
	Zone
	// Refresh, Retry and Expire are the timers (seconds) taken from the
	// master's SOA at the last transfer, as the transfer worker uses them
	// (it may bound them); 0 before the first transfer.
	Refresh int64
	Retry   int64
	Expire  int64
	// CheckedAt is the last time the master was reached and the content
	// found current (a transfer or a check of an unchanged serial); 0:
	// never. The zone expires Expire seconds after it.
	CheckedAt int64
	// NextCheck is when the zone is to be checked next; 0: at once.
	NextCheck int64
	// Failures counts the failed checks since the last successful one;
	// FailedAt is the time of the last of them and LastError its reason.
	Failures  int64
	FailedAt  int64
	LastError string
	// Transferred reports whether the zone has transferred content (its
	// records are stored).
	Transferred bool
	// Expired is set when the master could not be reached for Expire
	// seconds: the zone is not to be answered for any more.
	Expired bool
}

// SecondaryContent is a secondary zone's state and transferred records.
type SecondaryContent struct {
	SecondaryState
	// Records are the zone's records in presentation format (one record a
	// line, fully qualified owner names, as miekg/dns prints them), the SOA
	// first, in the order of the transfer; nil before the first transfer.
	Records []string
}

// SecondaryTransfer is the argument of SecondaryTransferStore: one
// complete zone transferred from the master.
type SecondaryTransfer struct {
	ZoneID int64
	// ExpectSerial and ExpectRefreshedAt are the zone's Serial and
	// RefreshedAt as the caller read them before the transfer.
	ExpectSerial      int64
	ExpectRefreshedAt int64
	// Serial is the transferred SOA serial (0..2³²-1).
	Serial int64
	// Records are the transferred records in presentation format, the SOA
	// first (see SecondaryContent.Records); no line may contain '\n'.
	Records []string
	// Refresh, Retry and Expire are the timers of the transferred SOA (as
	// the caller uses them), in seconds.
	Refresh int64
	Retry   int64
	Expire  int64
	// At is the time of the transfer (must not be 0); Next the next check.
	At   int64
	Next int64
}
