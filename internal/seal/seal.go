// Package seal seals small secrets (console passwords, DNSSEC private
// keys, TOTP secrets) with AES-256-GCM under an operator key, for storage
// in the database. A sealed value is "v1$" + base64(nonce + ciphertext);
// the additional data binds it to its owner (an instance, a zone's key, a
// customer), so a sealed value moved to another row does not open.
package seal

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"strings"
)

// KeySize is the size of an operator key (AES-256).
const KeySize = 32

const prefix = "v1$"

var (
	// ErrNoKey: the key is not KeySize bytes (no operator key configured).
	ErrNoKey = errors.New("seal: no operator key configured")
	// ErrMalformed: the value is not one Seal made.
	ErrMalformed = errors.New("seal: malformed sealed value")
)

func aead(key []byte) (cipher.AEAD, error) {
	if len(key) != KeySize {
		return nil, ErrNoKey
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

// Seal seals plain under key with the additional data ad. Errors: ErrNoKey.
func Seal(key, plain, ad []byte) (string, error) {
	a, err := aead(key)
	if err != nil {
		return "", err
	}
	nonce := make([]byte, a.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", err
	}
	return prefix + base64.RawStdEncoding.EncodeToString(a.Seal(nonce, nonce, plain, ad)), nil
}

// Open returns what Seal sealed under key with the same additional data.
// Errors: ErrNoKey, ErrMalformed, or the AEAD's error for a wrong key or
// additional data.
func Open(key []byte, sealed string, ad []byte) ([]byte, error) {
	a, err := aead(key)
	if err != nil {
		return nil, err
	}
	raw, err := base64.RawStdEncoding.DecodeString(strings.TrimPrefix(sealed, prefix))
	if !strings.HasPrefix(sealed, prefix) || err != nil || len(raw) < a.NonceSize() {
		return nil, ErrMalformed
	}
	n := a.NonceSize()
	return a.Open(nil, raw[:n], raw[n:], ad)
}
