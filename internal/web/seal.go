package web

import (
	"strconv"

	"github.com/artnet-panel/artnet-panel/internal/seal"
)

// SecretKeySize is the size of Server.SecretKey (AES-256).
const SecretKeySize = seal.KeySize

// errNoKey: no --web-secret-key, so no TOTP secret can be sealed.
var errNoKey = seal.ErrNoKey

// sealTOTP seals a customer's TOTP secret under the server's key, the
// customer id as additional data (a sealed secret cannot be moved to
// another customer).
func (s *Server) sealTOTP(customerID int64, secret string) (string, error) {
	return seal.Seal(s.SecretKey, []byte(secret), []byte(strconv.FormatInt(customerID, 10)))
}

// openTOTP returns the secret sealTOTP sealed for the customer.
func (s *Server) openTOTP(customerID int64, sealed string) (string, error) {
	plain, err := seal.Open(s.SecretKey, sealed, []byte(strconv.FormatInt(customerID, 10)))
	return string(plain), err
}
