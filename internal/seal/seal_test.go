package seal

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

func TestSealOpen(t *testing.T) {
	key := bytes.Repeat([]byte{7}, KeySize)
	s, err := Seal(key, []byte("secret"), []byte("owner-1"))
	if err != nil || !strings.HasPrefix(s, "v1$") || strings.Contains(s, "secret") {
		t.Fatalf("Seal: %q, %v", s, err)
	}
	if s2, _ := Seal(key, []byte("secret"), []byte("owner-1")); s2 == s {
		t.Error("two seals of the same value are equal (nonce reused)")
	}
	if got, err := Open(key, s, []byte("owner-1")); err != nil || string(got) != "secret" {
		t.Errorf("Open: %q, %v", got, err)
	}
	if _, err := Open(key, s, []byte("owner-2")); err == nil {
		t.Error("opened with another owner's additional data")
	}
	other := bytes.Repeat([]byte{8}, KeySize)
	if _, err := Open(other, s, []byte("owner-1")); err == nil {
		t.Error("opened with another key")
	}
	for _, bad := range []string{"", "v1$", "v1$!!", "v2$" + s[3:], s[:10]} {
		if _, err := Open(key, bad, []byte("owner-1")); err == nil {
			t.Errorf("Open(%q) succeeded", bad)
		}
	}
	if _, err := Seal(key[:16], []byte("x"), nil); !errors.Is(err, ErrNoKey) {
		t.Errorf("Seal with a short key: %v", err)
	}
	if _, err := Open(nil, s, nil); !errors.Is(err, ErrNoKey) {
		t.Errorf("Open without a key: %v", err)
	}
}
