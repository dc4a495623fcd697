// Package store defines the persistence interface of artnet-panel. The
// sqlite and postgres subpackages implement it and both pass the shared
// conformance suite in storetest.
//
// Every method that touches customer data takes the customer id and scopes
// its query by it: a row of another customer is reported as ErrNotFound,
// exactly like a row that does not exist.
package store

import (
	"context"
	"errors"
)

// ErrNotFound is returned when the requested row does not exist (or belongs
// to another customer).
var ErrNotFound = errors.New("store: not found")

// ErrConflict is returned when a row with the same unique key (an explicit
// id given on create, for instance) already exists.
var ErrConflict = errors.New("store: conflict")

// Customer is a customer account with its contact data and API credentials.
type Customer struct {
	ID                     int64
	Name                   string
	NIP                    string
	REGON                  string
	Street                 string
	Postcode               string
	City                   string
	CountryCode            string
	Tel                    string
	Fax                    string
	Email                  string
	EmailTech              string
	EmailInvoice           string
	CorrespondenceName     string
	CorrespondenceStreet   string
	CorrespondencePostcode string
	CorrespondenceCity     string
	Business               bool
	Language               string // "pl" or "en"
	Currency               string // ISO 4217, e.g. "PLN"
	APIKeyHash             []byte // SHA-256 of the API key; nil = no key
	APIAccess              bool
	Reseller               bool
}

// Credentials are a customer's API credentials.
type Credentials struct {
	APIKeyHash []byte // nil = no key
	APIAccess  bool
}

// Service is one service a customer buys. Details holds the module's
// service_details object (JSON, without "id"); its shape depends on Type.
type Service struct {
	ID                int64
	CustomerID        int64
	Type              string
	Name              string
	CustomDescription *string // nil = null
	ExpirationTime    int64   // Unix seconds
	PriceMinor        int64   // net price in minor units (grosze, cents)
	PriceBruttoMinor  int64   // gross price in minor units
	Currency          string
	PaymentPeriod     int // months
	ParentServiceID   int64
	IP                string
	Details           []byte // JSON object
}

// Email is a message the panel sent (or queued) to a customer.
type Email struct {
	ID         int64
	CustomerID int64
	Time       int64 // Unix seconds
	Address    string
	Subject    string
	Body       string
}

// ServiceFilter selects a customer's services. Zero values mean "any";
// Limit 0 means no limit. Results are ordered by id ascending.
type ServiceFilter struct {
	CustomerID      int64
	Type            string
	ParentServiceID int64
	// AfterID, when not 0, keeps only services with a greater id (keyset
	// paging); Offset then counts from there.
	AfterID int64
	Limit   int
	Offset  int
}

// Store is the persistence interface. All methods are safe for concurrent
// use. Methods called on the Store given to InTx's function run inside that
// transaction.
type Store interface {
	RevDNSStore      // revdns.go
	SecondaryStore   // secondary.go
	DomainStore      // domain.go
	FirewallStore    // firewall.go
	BGPStore         // bgp.go
	PowerStore       // power.go
	ChangeStore      // changes.go
	AuditStore       // audit.go
	LoginStore       // login.go
	CloudStore       // cloud.go
	OfferStore       // offer.go
	MailStore        // mail.go
	APIKeyStore      // apikeys.go
	IdempotencyStore // idempotency.go
	RateLimitStore   // ratelimit.go
	WebStore         // web.go
	// InTx runs fn in one transaction: committed when fn returns nil,
	// rolled back otherwise (fn's error is returned as is).
	InTx(ctx context.Context, fn func(tx Store) error) error

	// CustomerCreate inserts c. When c.ID is 0 a new id is assigned and
	// written back to c.ID. Returns ErrConflict if c.ID is taken.
	CustomerCreate(ctx context.Context, c *Customer) error
	// CustomerAuth returns what authentication needs of a customer (the
	// hot path of every request: one narrow row). Returns ErrNotFound.
	CustomerAuth(ctx context.Context, id int64) (Credentials, error)
	// CustomerGet returns ErrNotFound if there is no such customer.
	CustomerGet(ctx context.Context, id int64) (Customer, error)
	// CustomerUpdate replaces every field of the customer c.ID except the
	// credentials (APIKeyHash, APIAccess), which have their own methods.
	// Returns ErrNotFound.
	CustomerUpdate(ctx context.Context, c Customer) error
	// CustomerSetAPIKey replaces the key hash. Returns ErrNotFound.
	CustomerSetAPIKey(ctx context.Context, id int64, hash []byte) error
	// CustomerSetAPIAccess switches API access. Returns ErrNotFound.
	CustomerSetAPIAccess(ctx context.Context, id int64, enabled bool) error
	// CustomerList returns all customers ordered by id (operator use).
	CustomerList(ctx context.Context) ([]Customer, error)

	// ServiceCreate inserts s (s.CustomerID must exist). When s.ID is 0 a
	// new id is assigned and written back. Returns ErrConflict if s.ID is
	// taken.
	ServiceCreate(ctx context.Context, s *Service) error
	// ServiceGet returns the customer's service, or ErrNotFound.
	ServiceGet(ctx context.Context, customerID, id int64) (Service, error)
	// ServiceList returns the customer's services matching f, by id.
	ServiceList(ctx context.Context, f ServiceFilter) ([]Service, error)

	// EmailCreate inserts e, assigning e.ID when it is 0. Returns
	// ErrConflict if e.ID is taken.
	EmailCreate(ctx context.Context, e *Email) error
	// EmailGet returns the customer's e-mail, or ErrNotFound.
	EmailGet(ctx context.Context, customerID, id int64) (Email, error)
	// EmailList returns the customer's e-mails newest first (time, then id,
	// descending). Limit 0 means no limit.
	EmailList(ctx context.Context, customerID int64, limit, offset int) ([]Email, error)

	// ZoneCreate inserts z (z.CustomerID must exist, else ErrNotFound).
	// When z.ID is 0 a new id is assigned and written back. Returns
	// ErrConflict if z.ID is taken or a zone of z.Domain exists (for any
	// customer).
	ZoneCreate(ctx context.Context, z *Zone) error
	// ZoneGet returns the customer's zone, or ErrNotFound.
	ZoneGet(ctx context.Context, customerID, id int64) (Zone, error)
	// ZoneList returns the customer's zones ordered by id.
	ZoneList(ctx context.Context, customerID int64) ([]Zone, error)
	// ZoneDelete removes the customer's zone and its records. Returns
	// ErrNotFound.
	ZoneDelete(ctx context.Context, customerID, id int64) error
	// ZoneRecordsReplace replaces all records of the customer's zone and
	// sets its serial to p.NewSerial, atomically and only if the serial
	// still equals p.ExpectSerial (compare-and-swap: of concurrent calls
	// with the same ExpectSerial exactly one succeeds). Returns ErrNotFound
	// for a missing zone or one of another customer, ErrStale when the
	// serial differs; nothing changes then.
	ZoneRecordsReplace(ctx context.Context, p ZoneRecordsReplaceParams) error
	// ZoneRecords returns the records of the customer's zone in order (nil
	// for an empty zone), or ErrNotFound.
	ZoneRecords(ctx context.Context, customerID, zoneID int64) ([]ZoneRecord, error)
	// ZoneByDomain returns the zone of domain (in the stored form: lower
	// case, no trailing dot) whoever owns it, or ErrNotFound.
	ZoneByDomain(ctx context.Context, domain string) (Zone, error)
	// ZonesAll returns every zone of every customer with its records,
	// ordered by id, read in one consistent snapshot (operator and DNS
	// server use).
	ZonesAll(ctx context.Context) ([]ZoneWithRecords, error)
	// DomainAllowed reports whether the operator allowed the customer to
	// host domain or a parent domain of it (an allowance for "example.com"
	// covers "example.com" and "shop.example.com").
	DomainAllowed(ctx context.Context, customerID int64, domain string) (bool, error)
	// AllowanceAdd allows the customer to host zones for domain and its
	// subdomains (the stored form: lower case, no trailing dot). Adding an
	// existing allowance is not an error. Returns ErrNotFound if there is
	// no such customer.
	AllowanceAdd(ctx context.Context, customerID int64, domain string) error

	// Close releases the database.
	Close() error
}
