package web

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"strconv"
	"strings"
)

// SecretKeySize is the size of Server.SecretKey (AES-256).
const SecretKeySize = 32

// errNoKey: no --web-secret-key, so no TOTP secret can be sealed.
var errNoKey = errors.New("web: no secret key configured")

func (s *Server) aead() (cipher.AEAD, error) {
	if len(s.SecretKey) != SecretKeySize {
		return nil, errNoKey
	}
	block, err := aes.NewCipher(s.SecretKey)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

// sealTOTP seals a customer's TOTP secret with AES-256-GCM under the
// server's key, the customer id as additional data (a sealed secret cannot
// be moved to another customer): "v1$" + base64(nonce + ciphertext).
func (s *Server) sealTOTP(customerID int64, secret string) (string, error) {
	a, err := s.aead()
	if err != nil {
		return "", err
	}
	nonce := make([]byte, a.NonceSize())
	rand.Read(nonce)
	out := a.Seal(nonce, nonce, []byte(secret), []byte(strconv.FormatInt(customerID, 10)))
	return "v1$" + base64.RawStdEncoding.EncodeToString(out), nil
}

// openTOTP returns the secret sealTOTP sealed for the customer.
func (s *Server) openTOTP(customerID int64, sealed string) (string, error) {
	a, err := s.aead()
	if err != nil {
		return "", err
	}
	raw, err := base64.RawStdEncoding.DecodeString(strings.TrimPrefix(sealed, "v1$"))
	if !strings.HasPrefix(sealed, "v1$") || err != nil || len(raw) < a.NonceSize() {
		return "", errors.New("web: malformed sealed TOTP secret")
	}
	n := a.NonceSize()
	plain, err := a.Open(nil, raw[:n], raw[n:], []byte(strconv.FormatInt(customerID, 10)))
	return string(plain), err
}
