package main

import (
	"context"
	"io"
	"strings"
	"testing"

	"github.com/artnet-panel/artnet-panel/internal/passwd"
)

func TestAdminSetPassword(t *testing.T) {
	dsn := sqliteDSN(t)
	runOK(t, "admin", "customer", "create", "--db", dsn, "--name", "Nowy Klient", "--email", "nowy@klient.test")
	pw, err := readPassword(strings.NewReader("correct horse battery\nsecond line\n"), io.Discard)
	if err != nil || pw != "correct horse battery" {
		t.Fatalf("readPassword = %q, %v", pw, err)
	}
	if pw, err := readPassword(strings.NewReader("no newline at end"), io.Discard); err != nil || pw != "no newline at end" {
		t.Fatalf("readPassword without a newline = %q, %v", pw, err)
	}
	if _, err := readPassword(strings.NewReader(""), io.Discard); err == nil {
		t.Fatal("empty standard input accepted")
	}
	ctx := context.Background()
	if err := adminSetPassword(ctx, dsn, 1, "short", io.Discard); err == nil {
		t.Fatal("a short password was accepted")
	}
	if err := adminSetPassword(ctx, dsn, 999, "correct horse battery", io.Discard); err == nil || !strings.Contains(err.Error(), "no customer 999") {
		t.Fatalf("missing customer: %v", err)
	}
	var out strings.Builder
	if err := adminSetPassword(ctx, dsn, 1, "correct horse battery", &out); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out.String(), "correct horse") {
		t.Fatal("the password was printed")
	}
	st, err := openStore(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	l, err := st.WebLoginGet(ctx, 1)
	if err != nil || !passwd.Check(l.PasswordHash, "correct horse battery") || strings.Contains(l.PasswordHash, "correct") {
		t.Fatalf("stored login %+v, %v", l, err)
	}
}
