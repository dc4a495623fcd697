package storetest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/artnet-panel/artnet-panel/internal/store"
)

// changeTests are the conformance tests of the change log.
var changeTests = []namedTest{
	{"DNSChangesWrites", testDNSChangesWrites},
	{"DNSChangesSecondary", testDNSChangesSecondary},
	{"DNSChangesRollback", testDNSChangesRollback},
	{"ChangesOrderLimitPrune", testChangesOrderLimitPrune},
	{"ChangesCredentials", testChangesCredentials},
	{"ChangeLogKinds", testChangeLogKinds},
	{"ChangesOnCommit", testChangesOnCommit},
}

func mustDNSChangesLast(t *testing.T, s store.Store) int64 {
	t.Helper()
	id, err := s.ChangesLast(ctx(t))
	if err != nil {
		t.Fatalf("ChangesLast: %v", err)
	}
	return id
}

// expectChanges checks that the changes after *last are exactly the DNS
// changes of domains, in order, and advances *last past them.
func expectChanges(t *testing.T, s store.Store, last *int64, what string, domains ...string) {
	t.Helper()
	expectKindChanges(t, s, last, what, store.ChangeDNS, domains...)
}

// expectKindChanges checks that the changes after *last are exactly the
// changes of kind of keys, in order, and advances *last past them.
func expectKindChanges(t *testing.T, s store.Store, last *int64, what, kind string, keys ...string) {
	t.Helper()
	domains := keys
	list, err := s.ChangesSince(ctx(t), *last, 0)
	if err != nil {
		t.Fatalf("%s: ChangesSince(%d): %v", what, *last, err)
	}
	var got []string
	for _, c := range list {
		got = append(got, c.Key)
		if c.Kind != kind {
			t.Errorf("%s: change %+v is not of kind %q", what, c, kind)
		}
		if c.ID <= *last {
			t.Errorf("%s: change %+v has an id <= %d", what, c, *last)
		}
		if now := time.Now().UnixMilli(); c.At < now-60_000 || c.At > now+60_000 {
			t.Errorf("%s: change %+v: At is not now (%d)", what, c, now)
		}
	}
	if !slices.Equal(got, domains) {
		t.Fatalf("%s: logged %q, want %q", what, got, domains)
	}
	if len(list) > 0 {
		*last = list[len(list)-1].ID
		if l := mustDNSChangesLast(t, s); l != *last {
			t.Errorf("%s: ChangesLast = %d, want %d", what, l, *last)
		}
	}
}

func testDNSChangesWrites(t *testing.T, s store.Store) {
	if l := mustDNSChangesLast(t, s); l != 0 {
		t.Fatalf("DNSChangesLast of an empty store = %d", l)
	}
	var last int64
	cust := newCustomer(t, s)
	expectChanges(t, s, &last, "CustomerCreate")

	z := newZone(t, s, cust, "changes.example", store.ZoneTypePrimary)
	expectChanges(t, s, &last, "ZoneCreate", "changes.example")
	explicit := store.Zone{ID: 7777, CustomerID: cust, Domain: "explicit.example", Type: store.ZoneTypePrimary, Serial: 1}
	if err := s.ZoneCreate(ctx(t), &explicit); err != nil {
		t.Fatal(err)
	}
	expectChanges(t, s, &last, "ZoneCreate(explicit id)", "explicit.example")
	dup := store.Zone{CustomerID: cust, Domain: "changes.example", Type: store.ZoneTypePrimary}
	if err := s.ZoneCreate(ctx(t), &dup); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("ZoneCreate(duplicate) = %v", err)
	}
	if dup.ID != 0 {
		t.Errorf("a failed ZoneCreate left id %d", dup.ID)
	}
	expectChanges(t, s, &last, "ZoneCreate(duplicate)")

	err := s.ZoneRecordsReplace(ctx(t), store.ZoneRecordsReplaceParams{CustomerID: cust, ZoneID: z.ID,
		ExpectSerial: z.Serial, NewSerial: z.Serial + 1, Records: sampleRecords("c", 3), UpdatedAt: 2000})
	if err != nil {
		t.Fatal(err)
	}
	expectChanges(t, s, &last, "ZoneRecordsReplace", "changes.example")
	err = s.ZoneRecordsReplace(ctx(t), store.ZoneRecordsReplaceParams{CustomerID: cust, ZoneID: z.ID,
		ExpectSerial: z.Serial, NewSerial: z.Serial + 2, UpdatedAt: 2001})
	if !errors.Is(err, store.ErrStale) {
		t.Fatalf("stale ZoneRecordsReplace = %v", err)
	}
	expectChanges(t, s, &last, "ZoneRecordsReplace(stale)")

	err = s.PTRReplace(ctx(t), store.PTRReplaceParams{CustomerID: cust, SubnetworkID: 1, Subclass: "123.123.124",
		Zone: revZone4, NewSerial: 1, UpdatedAt: 2002, Records: []store.PTRRecord{{Address: "123.123.124.1", PTR: "a.example"}}})
	if err != nil {
		t.Fatal(err)
	}
	expectChanges(t, s, &last, "PTRReplace", revZone4)

	if err := s.ZoneDelete(ctx(t), cust, z.ID); err != nil {
		t.Fatal(err)
	}
	expectChanges(t, s, &last, "ZoneDelete", "changes.example")
	if err := s.ZoneDelete(ctx(t), cust, z.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("second ZoneDelete = %v", err)
	}
	expectChanges(t, s, &last, "ZoneDelete(missing)")
}

func testDNSChangesSecondary(t *testing.T, s store.Store) {
	cust := newCustomer(t, s)
	z := newZone(t, s, cust, "sec.example", store.ZoneTypeSecondary)
	last := mustDNSChangesLast(t, s)
	if err := s.SecondaryTransferStore(ctx(t), store.SecondaryTransfer{ZoneID: z.ID, Serial: 1,
		Records: secondaryRecords(z.Domain, 1, 1), Refresh: 100, Retry: 50, Expire: 500, At: 1000, Next: 1100}); err != nil {
		t.Fatal(err)
	}
	expectChanges(t, s, &last, "SecondaryTransferStore", "sec.example")
	if err := s.SecondaryCheckOK(ctx(t), z.ID, 1100, 1200); err != nil {
		t.Fatal(err)
	}
	expectChanges(t, s, &last, "SecondaryCheckOK(not expired)")
	if _, err := s.SecondaryCheckFailed(ctx(t), z.ID, 1200, 1300, "down"); err != nil {
		t.Fatal(err)
	}
	expectChanges(t, s, &last, "SecondaryCheckFailed(not expiring)")
	if expired, err := s.SecondaryCheckFailed(ctx(t), z.ID, 1600, 1700, "down"); err != nil || !expired {
		t.Fatalf("SecondaryCheckFailed(expiring) = %v, %v", expired, err)
	}
	expectChanges(t, s, &last, "SecondaryCheckFailed(expiring)", "sec.example")
	if expired, err := s.SecondaryCheckFailed(ctx(t), z.ID, 1700, 1800, "down"); err != nil || !expired {
		t.Fatalf("SecondaryCheckFailed(expired) = %v, %v", expired, err)
	}
	expectChanges(t, s, &last, "SecondaryCheckFailed(already expired)")
	if err := s.SecondaryCheckOK(ctx(t), z.ID, 1800, 1900); err != nil {
		t.Fatal(err)
	}
	expectChanges(t, s, &last, "SecondaryCheckOK(expired)", "sec.example")
}

func testDNSChangesRollback(t *testing.T, s store.Store) {
	cust := newCustomer(t, s)
	z := newZone(t, s, cust, "kept.example", store.ZoneTypePrimary)
	last := mustDNSChangesLast(t, s)
	errRollback := errors.New("roll back")
	err := s.InTx(ctx(t), func(tx store.Store) error {
		newZone(t, tx, cust, "rolled.example", store.ZoneTypePrimary)
		if err := tx.ZoneRecordsReplace(ctx(t), store.ZoneRecordsReplaceParams{CustomerID: cust, ZoneID: z.ID,
			ExpectSerial: z.Serial, NewSerial: z.Serial + 1, Records: sampleRecords("r", 1)}); err != nil {
			return err
		}
		if err := tx.PTRReplace(ctx(t), store.PTRReplaceParams{CustomerID: cust, SubnetworkID: 1, Subclass: "123.123.124",
			Zone: revZone4, NewSerial: 1}); err != nil {
			return err
		}
		if err := tx.ZoneDelete(ctx(t), cust, z.ID); err != nil {
			return err
		}
		// The rows are written at commit: the transaction does not see
		// them yet.
		if list, err := tx.ChangesSince(ctx(t), last, 0); err != nil || len(list) != 0 {
			t.Errorf("ChangesSince in the transaction = %+v, %v", list, err)
		}
		return errRollback
	})
	if !errors.Is(err, errRollback) {
		t.Fatalf("InTx = %v", err)
	}
	expectChanges(t, s, &last, "rolled back transaction")
	// A committed transaction logs its changes in order.
	err = s.InTx(ctx(t), func(tx store.Store) error {
		newZone(t, tx, cust, "committed.example", store.ZoneTypePrimary)
		return tx.ZoneDelete(ctx(t), cust, z.ID)
	})
	if err != nil {
		t.Fatal(err)
	}
	expectChanges(t, s, &last, "committed transaction", "committed.example", "kept.example")
}

func testChangesOrderLimitPrune(t *testing.T, s store.Store) {
	cust := newCustomer(t, s)
	domains := []string{"b.example", "a.example", "c.example", "e.example", "d.example"}
	for _, d := range domains {
		newZone(t, s, cust, d, store.ZoneTypePrimary)
	}
	all, err := s.ChangesSince(ctx(t), 0, 0)
	if err != nil || len(all) != len(domains) {
		t.Fatalf("ChangesSince(0, 0) = %+v, %v", all, err)
	}
	for i, c := range all {
		if c.Key != domains[i] || (i > 0 && c.ID <= all[i-1].ID) {
			t.Fatalf("ChangesSince(0, 0) = %+v: not in the order of the writes", all)
		}
	}
	page, err := s.ChangesSince(ctx(t), all[0].ID, 2)
	if err != nil || !slices.Equal(page, all[1:3]) {
		t.Fatalf("ChangesSince(%d, 2) = %+v, %v; want %+v", all[0].ID, page, err, all[1:3])
	}
	page, err = s.ChangesSince(ctx(t), all[4].ID, 10)
	if err != nil || len(page) != 0 {
		t.Fatalf("ChangesSince(last) = %+v, %v", page, err)
	}

	// Pruning deletes by time and never lets an id be reused.
	if err := s.ChangesPrune(ctx(t), all[0].At/1000-1); err != nil {
		t.Fatal(err)
	}
	if got, err := s.ChangesSince(ctx(t), 0, 0); err != nil || !slices.Equal(got, all) {
		t.Fatalf("after pruning nothing: %+v, %v", got, err)
	}
	if err := s.ChangesPrune(ctx(t), time.Now().Unix()+10); err != nil {
		t.Fatal(err)
	}
	if got, err := s.ChangesSince(ctx(t), 0, 0); err != nil || len(got) != 0 {
		t.Fatalf("after pruning all: %+v, %v", got, err)
	}
	newZone(t, s, cust, "f.example", store.ZoneTypePrimary)
	got, err := s.ChangesSince(ctx(t), 0, 0)
	if err != nil || len(got) != 1 || got[0].Key != "f.example" || got[0].ID <= all[4].ID {
		t.Fatalf("after a change following the prune: %+v, %v (last id before: %d)", got, err, all[4].ID)
	}
}

func testChangesCredentials(t *testing.T, s store.Store) {
	cust := newCustomer(t, s)
	key := fmt.Sprint(cust)
	last := mustDNSChangesLast(t, s)
	if err := s.CustomerSetAPIKey(ctx(t), cust, bytes.Repeat([]byte{7}, 32)); err != nil {
		t.Fatal(err)
	}
	expectKindChanges(t, s, &last, "CustomerSetAPIKey", store.ChangeCredentials, key)
	if err := s.CustomerSetAPIAccess(ctx(t), cust, false); err != nil {
		t.Fatal(err)
	}
	expectKindChanges(t, s, &last, "CustomerSetAPIAccess", store.ChangeCredentials, key)
	if err := s.CustomerSetAPIKey(ctx(t), 987654321, nil); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("CustomerSetAPIKey(missing) = %v", err)
	}
	expectKindChanges(t, s, &last, "CustomerSetAPIKey(missing)", store.ChangeCredentials)
	// In a transaction: written at commit, once.
	err := s.InTx(ctx(t), func(tx store.Store) error {
		if err := tx.CustomerSetAPIAccess(ctx(t), cust, true); err != nil {
			return err
		}
		return tx.CustomerSetAPIKey(ctx(t), cust, bytes.Repeat([]byte{8}, 32))
	})
	if err != nil {
		t.Fatal(err)
	}
	expectKindChanges(t, s, &last, "both in one transaction", store.ChangeCredentials, key)
}

func testChangeLogKinds(t *testing.T, s store.Store) {
	last := mustDNSChangesLast(t, s)
	if err := s.ChangeLog(ctx(t), store.ChangeDriver, "firewall"); err != nil {
		t.Fatal(err)
	}
	expectKindChanges(t, s, &last, "ChangeLog outside a transaction", store.ChangeDriver, "firewall")
	err := s.InTx(ctx(t), func(tx store.Store) error {
		for _, k := range []string{"firewall", "bgp", "firewall"} {
			if err := tx.ChangeLog(ctx(t), store.ChangeDriver, k); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	expectKindChanges(t, s, &last, "ChangeLog in a transaction", store.ChangeDriver, "firewall", "bgp")
	errRollback := errors.New("roll back")
	err = s.InTx(ctx(t), func(tx store.Store) error {
		if err := tx.ChangeLog(ctx(t), store.ChangeDriver, "firewall"); err != nil {
			return err
		}
		return errRollback
	})
	if !errors.Is(err, errRollback) {
		t.Fatal(err)
	}
	expectKindChanges(t, s, &last, "ChangeLog rolled back", store.ChangeDriver)
}

// testChangesOnCommit: the commit hook gets each committed transaction's
// changes once, after the commit (the log already holds them when it
// runs), and nothing of a rolled-back one.
func testChangesOnCommit(t *testing.T, s store.Store) {
	var (
		mu      sync.Mutex
		on      atomic.Bool
		got     [][]string
		visible []bool
	)
	last := mustDNSChangesLast(t, s)
	s.OnCommit(func(ctx context.Context, changes []store.Change) {
		if !on.Load() {
			return
		}
		var keys []string
		for _, c := range changes {
			keys = append(keys, c.Kind+":"+c.Key)
		}
		logged, err := s.ChangesSince(ctx, last, 0)
		mu.Lock()
		defer mu.Unlock()
		got = append(got, keys)
		visible = append(visible, err == nil && len(logged) > 0 && logged[len(logged)-1].Key == changes[len(changes)-1].Key)
	})
	on.Store(true)
	defer on.Store(false)
	if err := s.ChangeLog(ctx(t), store.ChangeDriver, "firewall"); err != nil {
		t.Fatal(err)
	}
	err := s.InTx(ctx(t), func(tx store.Store) error {
		if err := tx.ChangeLog(ctx(t), store.ChangeService, "7"); err != nil {
			return err
		}
		return tx.ChangeLog(ctx(t), store.ChangeCredentials, "8")
	})
	if err != nil {
		t.Fatal(err)
	}
	err = s.InTx(ctx(t), func(tx store.Store) error {
		if err := tx.ChangeLog(ctx(t), store.ChangeService, "9"); err != nil {
			return err
		}
		return errors.New("roll back")
	})
	if err == nil {
		t.Fatal("the rolled-back transaction answered nil")
	}
	if err := s.InTx(ctx(t), func(tx store.Store) error { return nil }); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	want := [][]string{{"driver:firewall"}, {"service:7", "credentials:8"}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("commit hook calls %q, want %q", got, want)
	}
	for i, v := range visible {
		if !v {
			t.Errorf("call %d: the hook ran before the change was in the log", i)
		}
	}
}
