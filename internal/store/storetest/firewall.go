package storetest

import (
	"errors"
	"reflect"
	"slices"
	"sync"
	"testing"

	"github.com/artnet-panel/artnet-panel/internal/store"
)

// firewallTests are the conformance tests of the store's firewall part.
var firewallTests = []namedTest{
	{"FirewallRulesetRoundTrip", testFirewallRulesetRoundTrip},
	{"FirewallRulesetScoping", testFirewallRulesetScoping},
	{"FirewallRulesetRevert", testFirewallRulesetRevert},
	{"FirewallRulesetTx", testFirewallRulesetTx},
	{"ILOAccess", testILOAccess},
	{"ILOExpireConcurrent", testILOExpireConcurrent},
}

const emptyRules = `{"in":[],"out":[]}`

func mustGeneration(t *testing.T, s store.Store) int64 {
	t.Helper()
	g, err := s.DriverGeneration(ctx(t), "firewall")
	if err != nil {
		t.Fatalf("DriverGeneration: %v", err)
	}
	return g
}

func testFirewallRulesetRoundTrip(t *testing.T, s store.Store) {
	cust := newCustomer(t, s)
	a := newService(t, s, cust, "dedicated", 0)
	b := newService(t, s, cust, "colocation", 0)
	g0 := mustGeneration(t, s)
	r := store.FirewallRuleset{ID: "fw-1", Enabled: true, MaxRules: 7, Rules: []byte(`{"in":[{"policy":"DROP"}],"out":[]}`),
		ServiceIDs: []int64{b.ID, a.ID}}
	if err := s.FirewallRulesetCreate(ctx(t), r); err != nil {
		t.Fatalf("FirewallRulesetCreate: %v", err)
	}
	if g := mustGeneration(t, s); g <= g0 {
		t.Errorf("generation %d after a create, was %d", g, g0)
	}
	want := r
	want.ServiceIDs = []int64{min(a.ID, b.ID), max(a.ID, b.ID)}
	got, err := s.FirewallRulesetGet(ctx(t), cust, "fw-1")
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("FirewallRulesetGet = %+v, %v; want %+v", got, err, want)
	}
	all, err := s.FirewallRulesetsAll(ctx(t))
	if err != nil || len(all) != 1 || !reflect.DeepEqual(all[0], want) {
		t.Errorf("FirewallRulesetsAll = %+v, %v", all, err)
	}
	list, err := s.FirewallRulesetList(ctx(t), cust)
	if err != nil || len(list) != 1 || list[0].ID != "fw-1" {
		t.Errorf("FirewallRulesetList = %+v, %v", list, err)
	}
	svcs, err := s.FirewallServices(ctx(t))
	if err != nil || len(svcs) != 2 || svcs[0].ID != want.ServiceIDs[0] || svcs[1].Type == "" {
		t.Errorf("FirewallServices = %+v, %v", svcs, err)
	}
	if err := s.FirewallRulesetCreate(ctx(t), store.FirewallRuleset{ID: "fw-1", MaxRules: 1, Rules: []byte(emptyRules),
		ServiceIDs: []int64{newService(t, s, cust, "dedicated", 0).ID}}); !errors.Is(err, store.ErrConflict) {
		t.Errorf("duplicate id: %v, want ErrConflict", err)
	}
	if err := s.FirewallRulesetCreate(ctx(t), store.FirewallRuleset{ID: "fw-2", MaxRules: 1, Rules: []byte(emptyRules),
		ServiceIDs: []int64{a.ID}}); !errors.Is(err, store.ErrConflict) {
		t.Errorf("a service in two rulesets: %v, want ErrConflict", err)
	}
	if err := s.FirewallRulesetCreate(ctx(t), store.FirewallRuleset{ID: "fw-3", MaxRules: 1, Rules: []byte(emptyRules),
		ServiceIDs: []int64{999999}}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a missing service: %v, want ErrNotFound", err)
	}
	if _, err := s.FirewallRulesetGet(ctx(t), cust, "fw-2"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a failed create left ruleset fw-2: %v", err)
	}

	got.Enabled, got.Rules, got.ConfirmDeadline, got.RollbackRules = false, []byte(emptyRules), 1234, []byte(`{"in":[{"policy":"DROP"}],"out":[]}`)
	g1 := mustGeneration(t, s)
	if err := s.FirewallRulesetUpdate(ctx(t), cust, got); err != nil {
		t.Fatalf("FirewallRulesetUpdate: %v", err)
	}
	if g := mustGeneration(t, s); g <= g1 {
		t.Errorf("generation %d after an update, was %d", g, g1)
	}
	again, err := s.FirewallRulesetGet(ctx(t), cust, "fw-1")
	if err != nil || !reflect.DeepEqual(again, got) {
		t.Errorf("after update %+v, %v; want %+v", again, err, got)
	}
}

func testFirewallRulesetScoping(t *testing.T, s store.Store) {
	a := newCustomer(t, s)
	b := newCustomer(t, s)
	sa := newService(t, s, a, "dedicated", 0)
	sb := newService(t, s, b, "dedicated", 0)
	for _, r := range []store.FirewallRuleset{
		{ID: "a", MaxRules: 1, Rules: []byte(emptyRules), ServiceIDs: []int64{sa.ID}},
		{ID: "mixed", MaxRules: 1, Rules: []byte(emptyRules), ServiceIDs: []int64{newService(t, s, a, "dedicated", 0).ID, sb.ID}},
	} {
		if err := s.FirewallRulesetCreate(ctx(t), r); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.FirewallRulesetGet(ctx(t), b, "a"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("B reads A's ruleset: %v", err)
	}
	for _, c := range []int64{a, b} {
		if _, err := s.FirewallRulesetGet(ctx(t), c, "mixed"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("customer %d reads a ruleset of two customers: %v", c, err)
		}
		if err := s.FirewallRulesetUpdate(ctx(t), c, store.FirewallRuleset{ID: "mixed", Enabled: true, Rules: []byte(emptyRules)}); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("customer %d updates a ruleset of two customers: %v", c, err)
		}
	}
	if list, err := s.FirewallRulesetList(ctx(t), b); err != nil || len(list) != 0 {
		t.Errorf("B's list %+v, %v", list, err)
	}
	if list, err := s.FirewallRulesetList(ctx(t), a); err != nil || len(list) != 1 || list[0].ID != "a" {
		t.Errorf("A's list %+v, %v", list, err)
	}
	if err := s.FirewallRulesetUpdate(ctx(t), b, store.FirewallRuleset{ID: "a", Enabled: true, Rules: []byte(emptyRules)}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("B updates A's ruleset: %v", err)
	}
	if r, _ := s.FirewallRulesetGet(ctx(t), a, "a"); r.Enabled {
		t.Error("B's update changed A's ruleset")
	}
}

func testFirewallRulesetRevert(t *testing.T, s store.Store) {
	cust := newCustomer(t, s)
	old, cur := []byte(`{"in":[],"out":[{"policy":"DROP"}]}`), []byte(emptyRules)
	r := store.FirewallRuleset{ID: "r", Enabled: true, MaxRules: 3, Rules: cur, ConfirmDeadline: 500, RollbackRules: old,
		ServiceIDs: []int64{newService(t, s, cust, "dedicated", 0).ID}}
	if err := s.FirewallRulesetCreate(ctx(t), r); err != nil {
		t.Fatal(err)
	}
	if ok, err := s.FirewallRulesetRevert(ctx(t), "r", 499); ok || err != nil {
		t.Errorf("revert with another deadline: %v, %v", ok, err)
	}
	// Concurrent sweeps: exactly one reverts.
	var wg sync.WaitGroup
	var mu sync.Mutex
	wins := 0
	for range 4 {
		wg.Go(func() {
			ok, err := s.FirewallRulesetRevert(ctx(t), "r", 500)
			if err != nil {
				t.Errorf("revert: %v", err)
			}
			if ok {
				mu.Lock()
				wins++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if wins != 1 {
		t.Errorf("%d concurrent reverts won, want 1", wins)
	}
	got, err := s.FirewallRulesetGet(ctx(t), cust, "r")
	if err != nil || string(got.Rules) != string(old) || got.ConfirmDeadline != 0 || got.RollbackRules != nil || !got.Enabled {
		t.Errorf("after revert %+v, %v", got, err)
	}
}

func testFirewallRulesetTx(t *testing.T, s store.Store) {
	cust := newCustomer(t, s)
	r := store.FirewallRuleset{ID: "t", MaxRules: 3, Rules: []byte(emptyRules), ServiceIDs: []int64{newService(t, s, cust, "dedicated", 0).ID}}
	if err := s.FirewallRulesetCreate(ctx(t), r); err != nil {
		t.Fatal(err)
	}
	g := mustGeneration(t, s)
	boom := errors.New("boom")
	err := s.InTx(ctx(t), func(tx store.Store) error {
		r.Enabled = true
		if err := tx.FirewallRulesetUpdate(ctx(t), cust, r); err != nil {
			return err
		}
		if got, err := tx.FirewallRulesetGet(ctx(t), cust, "t"); err != nil || !got.Enabled {
			t.Errorf("inside the transaction: %+v, %v", got, err)
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("InTx = %v", err)
	}
	if got, _ := s.FirewallRulesetGet(ctx(t), cust, "t"); got.Enabled {
		t.Error("a rolled back update stayed")
	}
	if mustGeneration(t, s) != g {
		t.Error("a rolled back update moved the generation")
	}
}

func testILOAccess(t *testing.T, s store.Store) {
	a := newCustomer(t, s)
	b := newCustomer(t, s)
	sv := newService(t, s, a, "dedicated", 0)
	if err := s.ILOSet(ctx(t), store.ILOAccess{ServiceID: sv.ID, CustomerID: b, IP: "10.0.0.1"}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("ILOSet for another customer's service: %v", err)
	}
	want := store.ILOAccess{ServiceID: sv.ID, CustomerID: a, Available: true, IP: "10.0.0.1"}
	if err := s.ILOSet(ctx(t), want); err != nil {
		t.Fatalf("ILOSet: %v", err)
	}
	if got, err := s.ILOGet(ctx(t), a, sv.ID); err != nil || got != want {
		t.Errorf("ILOGet = %+v, %v", got, err)
	}
	if _, err := s.ILOGet(ctx(t), b, sv.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("B reads A's iLO: %v", err)
	}
	if err := s.ILOUpdateAccess(ctx(t), b, sv.ID, "192.0.2.1", 100); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("B opens A's iLO: %v", err)
	}
	if err := s.ILOUpdateAccess(ctx(t), a, sv.ID, "192.0.2.1", 100); err != nil {
		t.Fatal(err)
	}
	want.AccessIP, want.ExpiresAt = "192.0.2.1", 100
	all, err := s.ILOAll(ctx(t))
	if err != nil || len(all) != 1 || all[0] != want {
		t.Errorf("ILOAll = %+v, %v", all, err)
	}
	if ok, err := s.ILOExpire(ctx(t), sv.ID, 99); ok || err != nil {
		t.Errorf("ILOExpire with another time: %v, %v", ok, err)
	}
	if ok, err := s.ILOExpire(ctx(t), sv.ID, 100); !ok || err != nil {
		t.Errorf("ILOExpire: %v, %v", ok, err)
	}
	if got, _ := s.ILOGet(ctx(t), a, sv.ID); got.AccessIP != "" || got.ExpiresAt != 0 {
		t.Errorf("after expiry %+v", got)
	}
}

func testILOExpireConcurrent(t *testing.T, s store.Store) {
	a := newCustomer(t, s)
	var ids []int64
	for range 3 {
		sv := newService(t, s, a, "dedicated", 0)
		if err := s.ILOSet(ctx(t), store.ILOAccess{ServiceID: sv.ID, CustomerID: a, Available: true, IP: "10.0.0.2", AccessIP: "192.0.2.9", ExpiresAt: 50}); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, sv.ID)
	}
	var mu sync.Mutex
	var closed []int64
	var wg sync.WaitGroup
	for range 3 {
		wg.Go(func() {
			for _, id := range ids {
				ok, err := s.ILOExpire(ctx(t), id, 50)
				if err != nil {
					t.Errorf("ILOExpire: %v", err)
				}
				if ok {
					mu.Lock()
					closed = append(closed, id)
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	slices.Sort(closed)
	if !slices.Equal(closed, ids) {
		t.Errorf("closed %v, want each of %v once", closed, ids)
	}
}
