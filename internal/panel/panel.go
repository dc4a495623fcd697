// Package panel holds the business rules of the Artnet Customers Panel: one
// file per API module. It knows nothing of HTTP or SQL: it is called by the
// httpapi adapter with decoded parameters, and it reaches the database only
// through store.Store.
//
// Every method that takes a customer id acts only on that customer's data;
// another customer's object answers exactly like one that does not exist.
// Errors returned to callers are *apperr.Error values with documented codes;
// failures of the store are wrapped as internal-* codes that hide the cause.
package panel

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"time"

	"github.com/artnet-panel/artnet-panel/internal/apperr"
	"github.com/artnet-panel/artnet-panel/internal/store"
)

// Panel implements the API's modules on top of a store.
type Panel struct {
	Store store.Store
	// Now returns the current time; tests inject a fixed clock.
	Now func() time.Time
}

// New returns a Panel over s with the real clock.
func New(s store.Store) *Panel {
	return &Panel{Store: s, Now: time.Now}
}

// dummyHash is compared against when the customer does not exist, so that a
// failed login costs what a successful one does.
var dummyHash = sha256.Sum256([]byte("artnet-panel: no such customer"))

// Authenticate checks a customer id and API key and returns the customer's
// id. It returns authorization-failed when the customer does not exist, has
// API access disabled, has no key, or the key does not match. The key is
// compared by its SHA-256 hash in constant time.
func (p *Panel) Authenticate(ctx context.Context, id int64, apiKey string) (int64, error) {
	given := HashAPIKey(apiKey)
	c, err := p.Store.CustomerAuth(ctx, id)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return 0, apperr.Internal(apperr.CodeInternal, err)
	}
	want := dummyHash[:]
	if err == nil && len(c.APIKeyHash) == sha256.Size {
		want = c.APIKeyHash
	}
	match := subtle.ConstantTimeCompare(given, want) == 1
	if err != nil || !match || !c.APIAccess || apiKey == "" {
		return 0, apperr.New(apperr.CodeAuthorizationFailed)
	}
	return id, nil
}

// HashAPIKey returns the stored form of an API key (SHA-256). Keys are
// random with at least 238 bits of entropy, so a fast hash is enough.
func HashAPIKey(key string) []byte {
	h := sha256.Sum256([]byte(key))
	return h[:]
}

const keyAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

// APIKeyLength is the length of generated API keys.
const APIKeyLength = 40

// NewAPIKey returns a random API key of APIKeyLength alphanumerics.
func NewAPIKey() (string, error) {
	out := make([]byte, 0, APIKeyLength)
	buf := make([]byte, 64)
	for len(out) < APIKeyLength {
		if _, err := rand.Read(buf); err != nil {
			return "", err
		}
		for _, b := range buf {
			// 248 = 4*62: reject the top values to keep the choice uniform.
			if b < 248 && len(out) < APIKeyLength {
				out = append(out, keyAlphabet[int(b)%len(keyAlphabet)])
			}
		}
	}
	return string(out), nil
}

// now returns the panel's clock reading.
func (p *Panel) now() time.Time {
	if p.Now == nil {
		return time.Now()
	}
	return p.Now()
}
