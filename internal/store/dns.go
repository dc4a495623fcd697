package store

import "errors"

// ErrStale is returned by ZoneRecordsReplace when the zone's serial is not
// the one the caller read: another change was committed in between, and
// nothing was written.
var ErrStale = errors.New("store: stale serial")

// Zone types, spelled as the API spells them.
const (
	ZoneTypePrimary   = "primary"
	ZoneTypeSecondary = "secoundary"
)

// Zone is a DNS zone hosted on the panel's name servers.
//
// Domain is the zone's apex in the one form the store knows: lower case,
// internationalised labels as A-labels (punycode, "xn--..."), without the
// trailing dot ("example.com", "xn--przykad-rjb.pl") — the form the API
// shows. Domains are unique across all customers.
type Zone struct {
	ID         int64
	CustomerID int64
	Domain     string
	Type       string // ZoneTypePrimary or ZoneTypeSecondary
	// MasterNameserver is the host name or IP address a secondary zone is
	// transferred from; "" for primary zones.
	MasterNameserver string
	// Serial is the SOA serial of a primary zone (an unsigned 32-bit value
	// in practice); for a secondary zone the serial last transferred, 0
	// before the first transfer.
	Serial int64
	// CreatedAt and UpdatedAt are Unix seconds: when the zone was added and
	// when its records last changed (the creation time until then).
	CreatedAt int64
	UpdatedAt int64
	// RefreshedAt is, for a secondary zone, the Unix time of the last
	// successful transfer from the master; 0 = never.
	RefreshedAt int64
}

// ZoneRecord is one record of a zone, kept as the customer gave it (see
// package panel for the meaning of Data1..Data4 by type). Name is relative
// ("www"), "@" (the apex), fully qualified with a trailing dot, or empty
// (the previous record's name).
type ZoneRecord struct {
	Name  string
	TTL   int64
	Type  string
	Data1 string
	Data2 string
	Data3 string
	Data4 string
}

// ZoneWithRecords is a zone and its records in order (ZonesAll).
type ZoneWithRecords struct {
	Zone
	Records []ZoneRecord
}

// ZoneRecordsReplaceParams are the arguments of ZoneRecordsReplace.
type ZoneRecordsReplaceParams struct {
	CustomerID int64
	ZoneID     int64
	// ExpectSerial is the serial the caller read; the replacement happens
	// only while the zone still has it.
	ExpectSerial int64
	// NewSerial is the zone's serial after the replacement.
	NewSerial int64
	// Records replace the zone's records; their order is kept.
	Records []ZoneRecord
	// UpdatedAt (Unix seconds) becomes the zone's UpdatedAt.
	UpdatedAt int64
}
