package store

import "context"

// RevDNSStore is the part of Store for reverse DNS (PTR records per subnetwork subclass).
//
// A customer's subnetworks are not stored here: they live in the details of
// the customer's services, and package panel derives the subclasses from
// them. The store keeps, per customer, subnetwork and subclass, the PTR
// records and the serial the customer edits against (PTRSubclass), and per
// reverse zone ("124.123.123.in-addr.arpa", "0.0.0.0.8.7.6.5.4.3.2.1.1.0.a.2.ip6.arpa")
// the SOA serial the DNS server serves (ReverseZone).
type RevDNSStore interface {
	// PTRSubclassGet returns the state of the customer's subclass of a
	// subnetwork, or ErrNotFound when it has never been written (its serial
	// is then 0 and it has no records).
	PTRSubclassGet(ctx context.Context, customerID, subnetworkID int64, subclass string) (PTRSubclass, error)
	// PTRList returns the PTR records of the customer's subclass of a
	// subnetwork ordered by Address (byte order); nil when there are none
	// (or the subclass has never been written).
	PTRList(ctx context.Context, customerID, subnetworkID int64, subclass string) ([]PTRRecord, error)
	// PTRReplace replaces all PTR records of the customer's subclass and
	// sets its serial to p.NewSerial, atomically and only if the serial
	// still equals p.ExpectSerial (compare-and-swap: of concurrent calls
	// with the same ExpectSerial exactly one succeeds; a subclass never
	// written has serial 0). In the same transaction the serial of the
	// reverse zone p.Zone becomes max(its serial + 1, p.NewSerial) (the zone
	// is created with p.NewSerial), so that it grows with every change of
	// any subclass in it. Returns ErrStale when the serial differs (nothing
	// changes then), ErrNotFound when there is no such customer and
	// ErrConflict when an address is given twice.
	PTRReplace(ctx context.Context, p PTRReplaceParams) error
	// PTRsAll returns every reverse zone with its serial and every PTR
	// record in it, of every customer, read in one consistent snapshot
	// (DNS server use). Zones are ordered by Name, records by Address, then
	// customer and subnetwork id (byte order of the text). A zone whose
	// records were all deleted is returned without records.
	PTRsAll(ctx context.Context) ([]ReverseZone, error)
	// ReverseZoneGet returns one reverse zone (name without the trailing
	// dot, lower case) with its serial and PTR records ordered as in
	// PTRsAll, or ErrNotFound when no record was ever written in it.
	ReverseZoneGet(ctx context.Context, zone string) (ReverseZone, error)
}

// PTRRecord is one PTR record: the address in canonical text form
// (netip.Addr.String: "123.123.124.5", "2a01:1234:5678::1") and the host
// name it points to (lower case, A-labels, without the trailing dot).
type PTRRecord struct {
	Address string
	PTR     string
}

// PTR is a PTR record with its owner (PTRsAll, ReverseZoneGet).
type PTR struct {
	CustomerID   int64
	SubnetworkID int64
	Subclass     string
	PTRRecord
}

// PTRSubclass is the stored state of a customer's subclass of a subnetwork.
type PTRSubclass struct {
	CustomerID   int64
	SubnetworkID int64
	// Subclass is the subclass name (a dns_subclasses element).
	Subclass string
	// Zone is the reverse zone the subclass's addresses are served in.
	Zone string
	// Serial is the serial the customer edits against (/rev-dns/details).
	Serial int64
	// UpdatedAt is the Unix time of the last change.
	UpdatedAt int64
}

// ReverseZone is a reverse DNS zone with the PTR records of all customers
// in it.
type ReverseZone struct {
	// Name is the zone's name without the trailing dot, lower case.
	Name string
	// Serial is the SOA serial of the zone: it grows with every change of
	// any subclass in the zone.
	Serial int64
	// UpdatedAt is the Unix time of the last change.
	UpdatedAt int64
	PTRs      []PTR
}

// PTRReplaceParams are the arguments of PTRReplace.
type PTRReplaceParams struct {
	CustomerID   int64
	SubnetworkID int64
	Subclass     string
	// Zone is the reverse zone of the subclass (stored with it).
	Zone string
	// ExpectSerial is the serial the caller read (0 for a subclass never
	// written); the replacement happens only while the subclass still has
	// it.
	ExpectSerial int64
	// NewSerial is the subclass's serial after the replacement.
	NewSerial int64
	// UpdatedAt (Unix seconds) becomes the subclass's and the zone's
	// UpdatedAt.
	UpdatedAt int64
	// Records replace the subclass's records.
	Records []PTRRecord
}
