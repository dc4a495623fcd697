// Package passwd hashes and checks the web panel's passwords with
// argon2id (golang.org/x/crypto/argon2, RFC 9106).
//
// Parameters: memory 19 MiB, 2 passes, 1 lane, 16-byte random salt,
// 32-byte key: the OWASP Password Storage Cheat Sheet's first argon2id
// configuration (m=19456 KiB, t=2, p=1). A hash is stored in the PHC
// string form "$argon2id$v=19$m=19456,t=2,p=1$<salt>$<key>" (unpadded
// base64), so a hash keeps the parameters it was made with and Check
// accepts older parameters after they change.
package passwd

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"
)

// The parameters of new hashes (see the package comment).
const (
	memoryKiB = 19 * 1024
	passes    = 2
	lanes     = 1
	saltLen   = 16
	keyLen    = 32
)

// MaxLen is the longest password accepted (bytes): longer input is
// refused before hashing, so a huge body costs nothing.
const MaxLen = 1024

// MinLen is the shortest password a customer may set (characters).
const MinLen = 10

// ErrTooShort and ErrTooLong are Check's and Validate's errors of a
// password's length.
var (
	ErrTooShort = errors.New("password too short")
	ErrTooLong  = errors.New("password too long")
)

// Validate checks a new password's length.
func Validate(pw string) error {
	switch {
	case len(pw) > MaxLen:
		return ErrTooLong
	case len([]rune(pw)) < MinLen:
		return ErrTooShort
	}
	return nil
}

// Hash returns the PHC string of pw with a new random salt.
func Hash(pw string) (string, error) {
	if len(pw) > MaxLen {
		return "", ErrTooLong
	}
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(pw), salt, passes, memoryKiB, lanes, keyLen)
	enc := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, memoryKiB, passes, lanes,
		enc.EncodeToString(salt), enc.EncodeToString(key)), nil
}

// dummy is a hash Check compares against when there is no password, so
// that a customer without a password (or none at all) costs the time of
// a wrong password.
var dummy, _ = Hash("no password: the time of a wrong one")

// Check reports whether pw matches the PHC string hash (constant-time
// comparison of the keys). An empty or malformed hash never matches, after
// the work of a real check.
func Check(hash, pw string) bool {
	if len(pw) > MaxLen {
		return false
	}
	ok := hash != ""
	if !ok {
		hash = dummy
	}
	var m uint32
	var t uint32
	var p uint8
	var v int
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		parts, ok = strings.Split(dummy, "$"), false
	}
	if _, err := fmt.Sscanf(parts[2], "v=%d", &v); err != nil || v != argon2.Version {
		parts, ok = strings.Split(dummy, "$"), false
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil || m == 0 || m > 1<<20 || t == 0 || t > 16 || p == 0 {
		parts, ok = strings.Split(dummy, "$"), false
		fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p)
	}
	enc := base64.RawStdEncoding
	salt, err1 := enc.DecodeString(parts[4])
	want, err2 := enc.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(want) == 0 {
		return false
	}
	got := argon2.IDKey([]byte(pw), salt, t, m, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1 && ok
}
