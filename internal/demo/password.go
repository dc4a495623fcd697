package demo

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"fmt"
	"strings"

	"github.com/artnet-panel/artnet-panel/internal/passwd"
	"github.com/artnet-panel/artnet-panel/internal/store"
)

// SeedPassword gives the customer a new random web panel password (20
// lowercase letters and digits, argon2id-hashed in the store) and returns
// it. artnetd serve --demo calls it for the demo customer it seeded and
// prints the password once.
func SeedPassword(ctx context.Context, s store.Store, customerID int64) (string, error) {
	b := make([]byte, 15)
	rand.Read(b)
	pw := strings.ToLower(base32.StdEncoding.EncodeToString(b))[:20]
	h, err := passwd.Hash(pw)
	if err != nil {
		return "", fmt.Errorf("demo: %w", err)
	}
	if err := s.WebPasswordSet(ctx, customerID, h); err != nil {
		return "", fmt.Errorf("demo: password: %w", err)
	}
	return pw, nil
}

// WebSecretKey seals the demo's TOTP secrets when artnetd serve --demo
// has no --web-secret-key. It is public: never use it outside the demo.
var WebSecretKey = []byte("artnet-panel demo web key, public")[:32]
