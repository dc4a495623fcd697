package passwd

import (
	"strings"
	"testing"
)

func TestHashCheck(t *testing.T) {
	h, err := Hash("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Fatalf("hash %q: not the documented PHC form", h)
	}
	if !Check(h, "correct horse battery") {
		t.Fatal("the right password does not match")
	}
	for _, bad := range []string{"", "correct horse batterY", "correct horse battery "} {
		if Check(h, bad) {
			t.Fatalf("%q matches", bad)
		}
	}
	h2, _ := Hash("correct horse battery")
	if h2 == h {
		t.Fatal("two hashes of one password are equal: no salt")
	}
	for _, broken := range []string{"", "x", "$argon2i$v=19$m=19456,t=2,p=1$AAAA$AAAA", h[:len(h)-4]} {
		if Check(broken, "correct horse battery") {
			t.Fatalf("malformed hash %q matches", broken)
		}
	}
	if Check("", "no password: the time of a wrong one") {
		t.Fatal("the dummy hash matches its own text: a customer without a password could sign in")
	}
}

func TestValidate(t *testing.T) {
	if Validate("short") != ErrTooShort || Validate(strings.Repeat("x", MaxLen+1)) != ErrTooLong || Validate("long enough pw") != nil {
		t.Fatal("Validate")
	}
}
