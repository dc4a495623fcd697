package storetest

import (
	"errors"
	"testing"

	"github.com/artnet-panel/artnet-panel/internal/store"
)

var webTests = []namedTest{
	{"WebLogin", testWebLogin},
	{"WebSessions", testWebSessions},
	{"WebReset", testWebReset},
}

func testWebLogin(t *testing.T, s store.Store) {
	a, b := newCustomer(t, s), newCustomer(t, s)
	if l, err := s.WebLoginGet(ctx(t), a); err != nil || l != (store.WebLogin{CustomerID: a}) {
		t.Fatalf("WebLoginGet of a customer without a login = %+v, %v; want an empty one", l, err)
	}
	if _, err := s.WebLoginGet(ctx(t), 987654321); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("WebLoginGet of a missing customer: %v", err)
	}
	if err := s.WebPasswordSet(ctx(t), 987654321, "h"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("WebPasswordSet of a missing customer: %v", err)
	}
	if err := s.WebPasswordSet(ctx(t), a, "hash-a"); err != nil {
		t.Fatal(err)
	}
	if err := s.WebTOTPSet(ctx(t), a, "sealed", true, [][]byte{hash("r1"), hash("r2")}); err != nil {
		t.Fatal(err)
	}
	if err := s.WebPasswordSet(ctx(t), a, "hash-a2"); err != nil {
		t.Fatal(err)
	}
	want := store.WebLogin{CustomerID: a, PasswordHash: "hash-a2", TOTPSecret: "sealed", TOTPEnabled: true}
	if l, err := s.WebLoginGet(ctx(t), a); err != nil || l != want {
		t.Fatalf("WebLoginGet = %+v, %v; want %+v", l, err, want)
	}
	if l, _ := s.WebLoginGet(ctx(t), b); l.PasswordHash != "" || l.TOTPEnabled {
		t.Fatalf("customer b got a's login: %+v", l)
	}
	// A TOTP step is accepted once, and no earlier one after it.
	for _, c := range []struct {
		cust, step int64
		want       bool
	}{{a, 100, true}, {a, 100, false}, {a, 99, false}, {b, 100, false}, {a, 101, true}} {
		if ok, err := s.WebTOTPUse(ctx(t), c.cust, c.step); err != nil || ok != c.want {
			t.Fatalf("WebTOTPUse(%d, %d) = %v, %v; want %v", c.cust, c.step, ok, err, c.want)
		}
	}
	// Recovery codes: each works once, for its customer only.
	if ok, err := s.WebRecoveryUse(ctx(t), b, hash("r1")); err != nil || ok {
		t.Fatalf("b used a's recovery code: %v, %v", ok, err)
	}
	if ok, err := s.WebRecoveryUse(ctx(t), a, hash("r1")); err != nil || !ok {
		t.Fatalf("first use of r1: %v, %v", ok, err)
	}
	if ok, _ := s.WebRecoveryUse(ctx(t), a, hash("r1")); ok {
		t.Fatal("r1 worked twice")
	}
	if n, err := s.WebRecoveryCount(ctx(t), a); err != nil || n != 1 {
		t.Fatalf("WebRecoveryCount = %d, %v; want 1", n, err)
	}
	// Turning the second factor off drops the codes.
	if err := s.WebTOTPSet(ctx(t), a, "", false, nil); err != nil {
		t.Fatal(err)
	}
	if n, _ := s.WebRecoveryCount(ctx(t), a); n != 0 {
		t.Fatalf("codes left after disabling: %d", n)
	}
	if l, _ := s.WebLoginGet(ctx(t), a); l.TOTPEnabled || l.TOTPSecret != "" || l.PasswordHash != "hash-a2" {
		t.Fatalf("after disabling: %+v", l)
	}
	// E-mail lookup.
	c := store.Customer{Name: "m", Language: "pl", Currency: "PLN", Email: "Mail@Example.test"}
	if err := s.CustomerCreate(ctx(t), &c); err != nil {
		t.Fatal(err)
	}
	if ids, err := s.WebCustomersByEmail(ctx(t), "mail@example.TEST"); err != nil || len(ids) != 1 || ids[0] != c.ID {
		t.Fatalf("WebCustomersByEmail = %v, %v; want [%d]", ids, err, c.ID)
	}
	if ids, _ := s.WebCustomersByEmail(ctx(t), "nobody@example.test"); len(ids) != 0 {
		t.Fatalf("unknown e-mail: %v", ids)
	}
}

func testWebSessions(t *testing.T, s store.Store) {
	a, b := newCustomer(t, s), newCustomer(t, s)
	mk := func(cust int64, token string, seen, expires int64) store.WebSession {
		t.Helper()
		w := store.WebSession{CustomerID: cust, TokenHash: hash(token), CreatedAt: seen, SeenAt: seen, ExpiresAt: expires,
			Client: "192.0.2.1", UserAgent: "ua", Pending: token == "pending"}
		if err := s.WebSessionCreate(ctx(t), &w); err != nil {
			t.Fatal(err)
		}
		if w.ID == 0 {
			t.Fatal("WebSessionCreate assigned no id")
		}
		return w
	}
	s1 := mk(a, "a1", 1000, 100000)
	s2 := mk(a, "pending", 1000, 100000)
	s3 := mk(b, "b1", 1000, 100000)
	if err := s.WebSessionCreate(ctx(t), &store.WebSession{CustomerID: 987654321, TokenHash: hash("x")}); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("session of a missing customer: %v", err)
	}
	if got, err := s.WebSessionGet(ctx(t), hash("a1")); err != nil || got.ID != s1.ID || got.CustomerID != a || got.Pending || got.UserAgent != "ua" {
		t.Fatalf("WebSessionGet = %+v, %v", got, err)
	}
	if got, _ := s.WebSessionGet(ctx(t), hash("pending")); !got.Pending {
		t.Fatal("pending session not pending")
	}
	if _, err := s.WebSessionGet(ctx(t), hash("nope")); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("unknown token: %v", err)
	}
	if err := s.WebSessionTouch(ctx(t), b, s1.ID, 9000); err != nil { // another customer's session: no change
		t.Fatal(err)
	}
	if err := s.WebSessionTouch(ctx(t), a, s1.ID, 5000); err != nil {
		t.Fatal(err)
	}
	list, err := s.WebSessionList(ctx(t), a)
	if err != nil || len(list) != 2 || list[0].ID != s1.ID || list[0].SeenAt != 5000 || list[1].ID != s2.ID {
		t.Fatalf("WebSessionList(a) = %+v, %v", list, err)
	}
	// Scoped: b cannot delete a's session.
	if err := s.WebSessionDelete(ctx(t), b, s1.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("b deleted a's session: %v", err)
	}
	if err := s.WebSessionDelete(ctx(t), a, s1.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.WebSessionGet(ctx(t), hash("a1")); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("deleted session still found: %v", err)
	}
	s4 := mk(a, "a4", 1000, 100000)
	if err := s.WebSessionDeleteOthers(ctx(t), a, s4.ID); err != nil {
		t.Fatal(err)
	}
	if list, _ := s.WebSessionList(ctx(t), a); len(list) != 1 || list[0].ID != s4.ID {
		t.Fatalf("after DeleteOthers: %+v", list)
	}
	if list, _ := s.WebSessionList(ctx(t), b); len(list) != 1 || list[0].ID != s3.ID {
		t.Fatalf("DeleteOthers of a touched b: %+v", list)
	}
	// Prune: absolute end and idle.
	mk(a, "old-idle", 10, 100000)
	mk(a, "expired", 50000, 60000)
	if err := s.WebSessionPrune(ctx(t), 60000, 500); err != nil {
		t.Fatal(err)
	}
	for _, gone := range []string{"old-idle", "expired"} {
		if _, err := s.WebSessionGet(ctx(t), hash(gone)); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("%s survived the prune: %v", gone, err)
		}
	}
	if _, err := s.WebSessionGet(ctx(t), hash("a4")); err != nil {
		t.Fatalf("live session pruned: %v", err)
	}
}

func testWebReset(t *testing.T, s store.Store) {
	a := newCustomer(t, s)
	if err := s.WebResetCreate(ctx(t), 987654321, hash("t0"), 1000); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("reset of a missing customer: %v", err)
	}
	if err := s.WebResetCreate(ctx(t), a, hash("t1"), 1000); err != nil {
		t.Fatal(err)
	}
	if err := s.WebResetCreate(ctx(t), a, hash("t2"), 1000); err != nil {
		t.Fatal(err)
	}
	if id, err := s.WebResetUse(ctx(t), hash("t1"), 999); err != nil || id != a {
		t.Fatalf("WebResetUse = %d, %v", id, err)
	}
	if _, err := s.WebResetUse(ctx(t), hash("t1"), 999); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("token used twice: %v", err)
	}
	if _, err := s.WebResetUse(ctx(t), hash("t2"), 1000); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("expired token: %v", err)
	}
	if _, err := s.WebResetUse(ctx(t), hash("t2"), 0); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("expired token works after its failed use: %v", err)
	}
}
