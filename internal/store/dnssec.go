package store

import "context"

// DNSSEC states of a zone (DNSSECZone.State). A zone without a DNSSEC row
// is unsigned ("off" in the API).
const (
	// DNSSECSigning: the zone is signed with its keys.
	DNSSECSigning = "signing"
	// DNSSECDisabling: DNSSEC is being turned off in the safe order: the
	// DS set is taken off the registry first, the zone stays signed until
	// the parent's DS TTL has run out (UnsignAt), then the row and its
	// keys are deleted and the zone is served unsigned.
	DNSSECDisabling = "disabling"
)

// DNSSEC key roles (DNSSECKey.Role).
const (
	DNSSECRoleKSK = "ksk" // key-signing key: signs the DNSKEY set, its DS is at the parent
	DNSSECRoleZSK = "zsk" // zone-signing key: signs the rest of the zone
	DNSSECRoleCSK = "csk" // combined: both
)

// DNSSECZone is the DNSSEC state of one primary zone.
type DNSSECZone struct {
	ZoneID int64
	// CustomerID and Domain are the zone's (read from dns_zones; ignored
	// on writes except that writes are scoped by CustomerID).
	CustomerID int64
	Domain     string
	State      string // DNSSECSigning or DNSSECDisabling
	Algorithm  uint8  // DNSSEC algorithm number (13 ECDSAP256SHA256, 15 ED25519)
	// DSSent is the DS set the registry last accepted (presentation form),
	// DSSyncedAt when the registry's set last became the wanted one.
	DSSent     []string
	DSSyncedAt int64
	// UnsignAt is when a disabling zone goes unsigned (0: not yet known:
	// the DS is still to be removed).
	UnsignAt int64
	// NextAt is when the lifecycle loop acts on the zone next (0: nothing
	// scheduled).
	NextAt int64
	// Version is raised by every DNSSECSave: the compare-and-swap token.
	Version   int64
	CreatedAt int64
	UpdatedAt int64
}

// DNSSECKey is one key of a signed zone. Times are Unix seconds, 0: not
// set. A key is in the zone's DNSKEY set from PublishAt until RemoveAt,
// signs from ActiveAt until RetireAt; the DS of a KSK or CSK is wanted at
// the parent from DSAt until RemoveAt.
type DNSSECKey struct {
	ID        int64
	ZoneID    int64
	Role      string // DNSSECRoleKSK, DNSSECRoleZSK or DNSSECRoleCSK
	Algorithm uint8
	Flags     uint16
	KeyTag    uint16
	PublicKey string // base64, as in the DNSKEY record
	// PrivateSealed is the private key sealed with the operator's key;
	// never shown, never logged.
	PrivateSealed string
	CreatedAt     int64
	PublishAt     int64
	ActiveAt      int64
	RetireAt      int64
	RemoveAt      int64
	DSAt          int64
}

// DNSSECStore is the part of Store for DNSSEC (migration 00019). Every
// write logs a ChangeDNS of the zone's domain in its transaction, so every
// node's zone builder re-signs the zone.
type DNSSECStore interface {
	// DNSSECEnable creates the DNSSEC row of the customer's zone z.ZoneID
	// with keys (their ZoneID is set, their IDs assigned and written
	// back). Returns ErrNotFound when the zone is not the customer's,
	// ErrConflict when the zone already has a DNSSEC row. z.Version
	// becomes 1.
	DNSSECEnable(ctx context.Context, z *DNSSECZone, keys []DNSSECKey) error
	// DNSSECGet returns the DNSSEC row of the customer's zone, or
	// ErrNotFound (no such zone of the customer, or the zone is unsigned).
	DNSSECGet(ctx context.Context, customerID, zoneID int64) (DNSSECZone, error)
	// DNSSECKeys returns the keys of a signed zone ordered by id (nil for
	// none; the caller has read the zone through a scoped method or is the
	// zone builder).
	DNSSECKeys(ctx context.Context, zoneID int64) ([]DNSSECKey, error)
	// DNSSECByDomain returns the DNSSEC row and keys of the zone of domain
	// (the stored form), or ErrNotFound (the zone builder's read).
	DNSSECByDomain(ctx context.Context, domain string) (DNSSECZone, []DNSSECKey, error)
	// DNSSECZones returns every DNSSEC row ordered by zone id (the
	// lifecycle loop's read).
	DNSSECZones(ctx context.Context) ([]DNSSECZone, error)
	// DNSSECSave writes z's State, Algorithm, DSSent, DSSyncedAt,
	// UnsignAt, NextAt and UpdatedAt only while the stored version is
	// z.Version and the zone is z.CustomerID's, and raises z.Version.
	// Returns ErrNotFound (no such row of the customer), ErrStale (another
	// write came first; nothing changed).
	DNSSECSave(ctx context.Context, z *DNSSECZone) error
	// DNSSECKeyAdd inserts k (k.ZoneID must have a DNSSEC row, else
	// ErrNotFound), assigning k.ID.
	DNSSECKeyAdd(ctx context.Context, k *DNSSECKey) error
	// DNSSECKeySave writes k's lifecycle times (PublishAt, ActiveAt,
	// RetireAt, RemoveAt, DSAt). Returns ErrNotFound.
	DNSSECKeySave(ctx context.Context, k DNSSECKey) error
	// DNSSECKeyDelete removes the zone's key. Returns ErrNotFound.
	DNSSECKeyDelete(ctx context.Context, zoneID, keyID int64) error
	// DNSSECZoneTouch sets the serial and UpdatedAt of the customer's
	// zone while its serial is expectSerial, without touching its
	// records: a change of keys is a change of the zone (the signer reads
	// the keys' states at the zone's last change; see internal/dnssec).
	// Returns ErrNotFound, ErrStale.
	DNSSECZoneTouch(ctx context.Context, customerID, zoneID, expectSerial, newSerial, updatedAt int64) error
	// DNSSECDelete removes the DNSSEC row of the customer's zone and its
	// keys while its version is version (the zone is served unsigned).
	// Returns ErrNotFound, ErrStale.
	DNSSECDelete(ctx context.Context, customerID, zoneID, version int64) error
}
