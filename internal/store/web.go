package store

import "context"

// WebLogin is what the web panel's sign-in needs of a customer: the
// password hash (argon2id in its PHC text form, "" = no password set) and
// the second factor (TOTPSecret as the web panel stores it; TOTPEnabled
// once the customer confirmed a code).
type WebLogin struct {
	CustomerID   int64
	PasswordHash string
	TOTPSecret   string
	TOTPEnabled  bool
}

// WebSession is one signed-in browser. The cookie carries a random token;
// the store keeps only its SHA-256 (TokenHash). Times are Unix
// milliseconds: SeenAt is the last request (idle expiry), ExpiresAt the
// absolute end.
type WebSession struct {
	ID         int64
	CustomerID int64
	TokenHash  []byte
	CreatedAt  int64
	SeenAt     int64
	ExpiresAt  int64
	Client     string // the client's address at sign-in
	UserAgent  string // the browser's User-Agent at sign-in (trimmed)
	// Pending: the password was right and the second factor is still to
	// be given; such a session signs nothing in.
	Pending bool
}

// WebStore is the part of Store for the web panel (internal/web): logins,
// recovery codes, sessions and password-reset tokens. Every method that
// names a customer acts on that customer's rows only. There is no cache:
// every node reads the database, so a session revoked on one node is gone
// on every node.
type WebStore interface {
	// WebLoginGet returns the customer's login; a customer without a row
	// has an empty one. Returns ErrNotFound if there is no such customer.
	WebLoginGet(ctx context.Context, customerID int64) (WebLogin, error)
	// WebCustomersByEmail returns the ids of the customers whose e-mail
	// address is email (compared case-insensitively), by id.
	WebCustomersByEmail(ctx context.Context, email string) ([]int64, error)
	// WebPasswordSet replaces the customer's password hash. Returns
	// ErrNotFound if there is no such customer.
	WebPasswordSet(ctx context.Context, customerID int64, hash string) error
	// WebTOTPSet sets the second factor: secret ("" with enabled false
	// turns it off) and replaces the recovery codes by codeHashes.
	// Returns ErrNotFound if there is no such customer.
	WebTOTPSet(ctx context.Context, customerID int64, secret string, enabled bool, codeHashes [][]byte) error
	// WebTOTPUse records that a code of time step (30-second periods
	// since the Unix epoch) was accepted, and reports false when a code of
	// that step or a later one was accepted already (a code works once).
	WebTOTPUse(ctx context.Context, customerID, step int64) (bool, error)
	// WebRecoveryUse deletes the customer's recovery code of that hash and
	// reports whether there was one (each code works once).
	WebRecoveryUse(ctx context.Context, customerID int64, codeHash []byte) (bool, error)
	// WebRecoveryCount returns how many unused recovery codes are left.
	WebRecoveryCount(ctx context.Context, customerID int64) (int, error)

	// WebSessionCreate inserts s and writes its new id back. Returns
	// ErrNotFound if there is no such customer.
	WebSessionCreate(ctx context.Context, s *WebSession) error
	// WebSessionGet returns the session of that token hash, or
	// ErrNotFound.
	WebSessionGet(ctx context.Context, tokenHash []byte) (WebSession, error)
	// WebSessionTouch sets the SeenAt of the customer's session id.
	WebSessionTouch(ctx context.Context, customerID, id, seenAt int64) error
	// WebSessionList returns the customer's sessions by id.
	WebSessionList(ctx context.Context, customerID int64) ([]WebSession, error)
	// WebSessionDelete deletes the customer's session. Returns
	// ErrNotFound if the customer has no session of that id.
	WebSessionDelete(ctx context.Context, customerID, id int64) error
	// WebSessionDeleteOthers deletes every session of the customer but
	// keep (0: all of them).
	WebSessionDeleteOthers(ctx context.Context, customerID, keep int64) error
	// WebSessionPrune deletes the sessions whose absolute end is at or
	// before now or that were last seen at or before idleBefore.
	WebSessionPrune(ctx context.Context, now, idleBefore int64) error

	// WebResetCreate stores a password-reset token's hash for the
	// customer, valid until expiresAt (Unix milliseconds). Returns
	// ErrNotFound if there is no such customer.
	WebResetCreate(ctx context.Context, customerID int64, tokenHash []byte, expiresAt int64) error
	// WebResetUse deletes the token and returns its customer when it had
	// not expired at now; ErrNotFound otherwise (unknown, used, expired).
	WebResetUse(ctx context.Context, tokenHash []byte, now int64) (int64, error)
}
