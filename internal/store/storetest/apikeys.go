package storetest

import (
	"errors"
	"fmt"
	"reflect"
	"testing"

	"github.com/artnet-panel/artnet-panel/internal/store"
)

var apiKeyTests = []namedTest{
	{"APIKeys", testAPIKeys},
	{"APIKeysAudit", testAPIKeysAudit},
}

func testAPIKeys(t *testing.T, s store.Store) {
	cust := newCustomer(t, s)
	other := newCustomer(t, s)
	last := mustDNSChangesLast(t, s)
	k := store.APIKey{
		CustomerID: cust, Label: "dns bot", Hash: hash("sub1"),
		Scope: []string{"dns/*", "read-only"}, ServiceIDs: []int64{7, 9},
		SourcePrefixes: []string{"192.0.2.0/24"}, ExpiresAt: 2000, CreatedAt: 1000,
	}
	if err := s.APIKeyCreate(ctx(t), &k); err != nil {
		t.Fatal(err)
	}
	if k.ID <= 0 {
		t.Fatalf("id not assigned: %+v", k)
	}
	expectKindChanges(t, s, &last, "APIKeyCreate", store.ChangeCredentials, fmt.Sprint(cust))
	k2 := store.APIKey{CustomerID: cust, Label: "plain", Hash: hash("sub2"), Scope: []string{"read-only"}, CreatedAt: 1001}
	if err := s.APIKeyCreate(ctx(t), &k2); err != nil {
		t.Fatal(err)
	}
	expectKindChanges(t, s, &last, "APIKeyCreate", store.ChangeCredentials, fmt.Sprint(cust))
	// The hash is unique.
	dup := store.APIKey{CustomerID: other, Label: "dup", Hash: hash("sub1"), Scope: []string{"read-only"}}
	if err := s.APIKeyCreate(ctx(t), &dup); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("duplicate hash: %v", err)
	}
	missing := store.APIKey{CustomerID: 987654321, Label: "x", Hash: hash("sub3"), Scope: []string{"read-only"}}
	if err := s.APIKeyCreate(ctx(t), &missing); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("missing customer: %v", err)
	}
	expectKindChanges(t, s, &last, "failed creates", store.ChangeCredentials)

	list, err := s.APIKeyList(ctx(t), cust)
	if err != nil {
		t.Fatal(err)
	}
	want := []store.APIKey{k, k2}
	want[1].ServiceIDs, want[1].SourcePrefixes = []int64{}, []string{}
	if !reflect.DeepEqual(list, want) {
		t.Fatalf("list = %+v\nwant %+v", list, want)
	}
	if l, err := s.APIKeyList(ctx(t), other); err != nil || len(l) != 0 {
		t.Fatalf("other customer's list = %+v, %v", l, err)
	}

	// Last use only grows; another customer's id changes nothing.
	if err := s.APIKeyTouch(ctx(t), cust, k.ID, 1500); err != nil {
		t.Fatal(err)
	}
	if err := s.APIKeyTouch(ctx(t), cust, k.ID, 1400); err != nil {
		t.Fatal(err)
	}
	if err := s.APIKeyTouch(ctx(t), other, k.ID, 1900); err != nil {
		t.Fatal(err)
	}
	expectKindChanges(t, s, &last, "APIKeyTouch", store.ChangeCredentials)
	list, _ = s.APIKeyList(ctx(t), cust)
	if list[0].LastUsedAt != 1500 {
		t.Fatalf("last used = %d, want 1500", list[0].LastUsedAt)
	}

	// Deletion is scoped by customer.
	if err := s.APIKeyDelete(ctx(t), other, k.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("delete of another customer's key: %v", err)
	}
	expectKindChanges(t, s, &last, "failed delete", store.ChangeCredentials)
	if err := s.APIKeyDelete(ctx(t), cust, k.ID); err != nil {
		t.Fatal(err)
	}
	expectKindChanges(t, s, &last, "APIKeyDelete", store.ChangeCredentials, fmt.Sprint(cust))
	if err := s.APIKeyDelete(ctx(t), cust, k.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("second delete: %v", err)
	}
	list, _ = s.APIKeyList(ctx(t), cust)
	if len(list) != 1 || list[0].ID != k2.ID {
		t.Fatalf("after delete: %+v", list)
	}
}

// testAPIKeysAudit: the journal keeps the key a command was called with.
func testAPIKeysAudit(t *testing.T, s store.Store) {
	cust := newCustomer(t, s)
	e := store.AuditEntry{CustomerID: cust, Command: "dns/delete", Params: "{}", Result: "api-key-out-of-scope", RequestID: "r", Client: "192.0.2.1", KeyID: 42}
	if err := s.AuditWrite(ctx(t), &e); err != nil {
		t.Fatal(err)
	}
	// Through a transaction's pending entry too.
	p := store.NewPendingAudit(store.AuditEntry{CustomerID: cust, Command: "customer/change-language", Params: "{}", RequestID: "r2", Client: "x", KeyID: 43})
	c := store.WithAudit(ctx(t), p)
	if err := s.InTx(c, func(tx store.Store) error {
		return tx.CustomerSetAPIAccess(c, cust, true)
	}); err != nil {
		t.Fatal(err)
	}
	rows, err := s.AuditList(ctx(t), store.AuditFilter{CustomerID: cust})
	if err != nil || len(rows) != 2 {
		t.Fatalf("rows = %+v, %v", rows, err)
	}
	if rows[0].KeyID != 42 || rows[1].KeyID != 43 {
		t.Fatalf("key ids = %d, %d", rows[0].KeyID, rows[1].KeyID)
	}
}
