package panel

import (
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/artnet-panel/artnet-panel/internal/seal"
)

// Instance passwords (the cloud-instance module).
//
// An instance password guards the instance's key operations and opens its
// VNC console. It is stored twice, for two different needs:
//
//   - PasswordHash, PBKDF2-HMAC-SHA256 with a random 16-byte salt and
//     InstancePasswordIterations rounds ("pbkdf2-sha256$N$salt$hash",
//     base64), against which the API checks a given password in constant
//     time. Customers choose these passwords, so unlike API keys they get
//     a slow, salted hash.
//   - VNCSecret: the console needs the password itself (VNC authentication
//     is a DES challenge keyed by the password, which the hypervisor must
//     hold), but only its first 8 bytes, since VNC uses no more. Those are
//     sealed with AES-256-GCM under the key from configuration
//     (--cloud-secret-key), a random nonce, and the instance's name as
//     additional data so a sealed secret cannot be moved to another
//     instance ("v1$nonce+ciphertext", base64). A stolen database without
//     the key gives neither the password nor the console.
//
// Import takes a password as given or the two stored forms (export writes
// the stored forms, never a password).

// InstancePasswordIterations is the PBKDF2 round count of new hashes.
const InstancePasswordIterations = 60_000

// CloudSecretKeySize is the size of the key that seals console passwords.
const CloudSecretKeySize = 32

// HashInstancePassword returns the stored hash of an instance password.
func HashInstancePassword(password string) (string, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key, err := pbkdf2.Key(sha256.New, password, salt, InstancePasswordIterations, 32)
	if err != nil {
		return "", err
	}
	enc := base64.RawStdEncoding
	return fmt.Sprintf("pbkdf2-sha256$%d$%s$%s", InstancePasswordIterations, enc.EncodeToString(salt), enc.EncodeToString(key)), nil
}

// ValidInstancePasswordHash reports whether h has the stored hash form.
func ValidInstancePasswordHash(h string) bool {
	_, _, _, err := parsePasswordHash(h)
	return err == nil
}

func parsePasswordHash(h string) (iter int, salt, sum []byte, err error) {
	parts := strings.Split(h, "$")
	if len(parts) != 4 || parts[0] != "pbkdf2-sha256" {
		return 0, nil, nil, errors.New("not a pbkdf2-sha256 hash")
	}
	iter, err = strconv.Atoi(parts[1])
	if err != nil || iter < 1000 || iter > 10_000_000 {
		return 0, nil, nil, errors.New("bad round count")
	}
	enc := base64.RawStdEncoding
	if salt, err = enc.DecodeString(parts[2]); err != nil || len(salt) < 8 {
		return 0, nil, nil, errors.New("bad salt")
	}
	if sum, err = enc.DecodeString(parts[3]); err != nil || len(sum) != 32 {
		return 0, nil, nil, errors.New("bad hash")
	}
	return iter, salt, sum, nil
}

// CheckInstancePassword reports whether password matches the stored hash,
// comparing in constant time.
func CheckInstancePassword(hash, password string) bool {
	iter, salt, sum, err := parsePasswordHash(hash)
	if err != nil {
		return false
	}
	got, err := pbkdf2.Key(sha256.New, password, salt, iter, len(sum))
	if err != nil {
		return false
	}
	return subtle.ConstantTimeCompare(got, sum) == 1
}

// vncPart is what the VNC console uses of a password: its first 8 bytes.
func vncPart(password string) string {
	if len(password) > 8 {
		return password[:8]
	}
	return password
}

// SealVNCSecret seals what the console needs of password for instance
// name under key.
func SealVNCSecret(key []byte, name, password string) (string, error) {
	if len(key) != CloudSecretKeySize {
		return "", errNoCloudKey
	}
	return seal.Seal(key, []byte(vncPart(password)), []byte(name))
}

// errNoCloudKey: no --cloud-secret-key.
var errNoCloudKey = errors.New("no cloud secret key configured (--cloud-secret-key: 64 hex digits)")

// OpenVNCSecret returns the console password sealed for instance name.
func OpenVNCSecret(key []byte, name, sealed string) (string, error) {
	if len(key) != CloudSecretKeySize {
		return "", errNoCloudKey
	}
	plain, err := seal.Open(key, sealed, []byte(name))
	if err != nil {
		return "", fmt.Errorf("open the console password of %s: %w", name, err)
	}
	return string(plain), nil
}

// instancePasswordChars are the characters an instance password may hold
// besides ASCII letters and digits (the documented set).
const instancePasswordChars = ".!@#$%^&*()_+-="

// CheckNewInstancePassword returns password-too-short or password-invalid
// for a password the documentation does not allow.
func checkNewInstancePassword(pw string) error {
	for _, r := range pw {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune(instancePasswordChars, r)) {
			return errInstancePasswordInvalid
		}
	}
	if len(pw) < 4 {
		return errInstancePasswordShort
	}
	return nil
}

// ValidNewInstancePassword reports whether pw is a password the
// documentation allows (at least 4 characters of the documented set).
func ValidNewInstancePassword(pw string) bool { return checkNewInstancePassword(pw) == nil }

var (
	errInstancePasswordInvalid = errors.New("password-invalid")
	errInstancePasswordShort   = errors.New("password-too-short")
)
