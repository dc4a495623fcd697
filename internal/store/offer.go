package store

import "context"

// OfferStore is the part of Store for the ready-to-run ("express")
// dedicated servers, their reservations and sales, proforma invoices with
// their yearly numbering, single-purpose access tokens and the panel's
// settings. Times are Unix seconds given by the caller (the panel's clock),
// so a reservation lapses at reserved_until whatever cleared it.
type OfferStore interface {
	// ExpressServerPut inserts or replaces the server s.ID (operator use).
	ExpressServerPut(ctx context.Context, s ExpressServer) error
	// ExpressServersAll returns every server, sold or not, by id.
	ExpressServersAll(ctx context.Context) ([]ExpressServer, error)
	// ExpressServerGet returns the server id, or ErrNotFound.
	ExpressServerGet(ctx context.Context, id int64) (ExpressServer, error)
	// ExpressReserve reserves the server for the customer until until,
	// only when it is in stock and not reserved (or its reservation lapsed
	// at now). Returns ErrNotFound otherwise (a missing, sold or reserved
	// server, the customer's own reservation included); nothing changes.
	ExpressReserve(ctx context.Context, serverID, customerID, until, now int64) error
	// ExpressReservationCancel removes the customer's reservation of the
	// server if it has not lapsed at now. Returns ErrNotFound otherwise.
	ExpressReservationCancel(ctx context.Context, serverID, customerID, now int64) error
	// ExpressReservationsExpire clears every reservation lapsed at now and
	// returns how many it cleared.
	ExpressReservationsExpire(ctx context.Context, now int64) (int64, error)
	// ExpressSell marks the server sold to the customer at now, in one
	// conditional update: only when it is in stock and not reserved by
	// another customer (a reservation lapsed at now does not count). Of
	// concurrent calls for one server exactly one succeeds; the others get
	// ErrNotFound (also for a missing server) and change nothing.
	ExpressSell(ctx context.Context, serverID, customerID, now int64) error
	// ExpressSoldService records the service a sold server became.
	ExpressSoldService(ctx context.Context, serverID, serviceID int64) error

	// CustomerLock locks the customer's row until the transaction ends
	// (PostgreSQL; SQLite serialises writers anyway), so that checks of
	// the customer's own rows (count, then write) do not race. Returns
	// ErrNotFound.
	CustomerLock(ctx context.Context, customerID int64) error

	// SettingGet returns the value of a panel setting, or ErrNotFound.
	SettingGet(ctx context.Context, key string) (string, error)
	// SettingPut sets a panel setting.
	SettingPut(ctx context.Context, key, value string) error

	// InvoiceNextNumber hands out the next number of the year's series
	// (1, 2, …). Called in the transaction that writes the invoice, the
	// series has no gaps: a rolled-back transaction returns its number.
	// Concurrent transactions wait for each other.
	InvoiceNextNumber(ctx context.Context, year int) (int64, error)
	// InvoiceCreate inserts inv, assigning inv.ID. ErrConflict when the
	// number exists.
	InvoiceCreate(ctx context.Context, inv *Invoice) error
	// InvoiceGet returns the customer's invoice of that number, or
	// ErrNotFound.
	InvoiceGet(ctx context.Context, customerID int64, number string) (Invoice, error)
	// InvoiceList returns the customer's invoices, newest first. Limit 0
	// means no limit.
	InvoiceList(ctx context.Context, customerID int64, limit, offset int) ([]Invoice, error)
	// InvoicesAll returns every invoice, by id (operator use).
	InvoicesAll(ctx context.Context) ([]Invoice, error)

	// AccessTokenCreate stores a token's hash.
	AccessTokenCreate(ctx context.Context, t AccessToken) error
	// AccessTokenGet returns the token of that hash (whatever its expiry),
	// or ErrNotFound.
	AccessTokenGet(ctx context.Context, hash []byte) (AccessToken, error)
}

// ExpressServer is a ready-to-run dedicated server of the offer. Prices
// are net, in minor units, for PaymentPeriod months.
type ExpressServer struct {
	ID            int64
	Hardware      []byte // JSON of hardware_configuration
	RegularPrice  int64
	ResellerPrice int64
	Currency      string
	PaymentPeriod int
	ReservedBy    int64 // 0: none
	ReservedUntil int64
	SoldTo        int64 // 0: in stock
	SoldServiceID int64
	SoldAt        int64 // 0: in stock
}

// Reserved reports whether the server is reserved at now.
func (s ExpressServer) Reserved(now int64) bool {
	return s.ReservedBy != 0 && s.ReservedUntil > now
}

// Invoice is a (proforma) invoice. Amounts are in minor units; Seller,
// Buyer and Lines are JSON written by the panel.
type Invoice struct {
	ID         int64
	CustomerID int64
	Number     string
	Kind       string // "proforma"
	ServiceID  int64
	IssuedAt   int64
	SaleAt     int64
	DueAt      int64
	Currency   string
	Net        int64
	VAT        int64
	Gross      int64
	Seller     []byte
	Buyer      []byte
	Lines      []byte
}

// AccessToken is a single-purpose credential; only its SHA-256 is stored.
type AccessToken struct {
	Hash       []byte
	Purpose    string // e.g. "server-management"
	CustomerID int64
	ServiceID  int64
	ExpiresAt  int64
}
