package storetest

import (
	"errors"
	"fmt"
	"reflect"
	"sync"
	"testing"

	"github.com/artnet-panel/artnet-panel/internal/store"
)

// bgpTests are the conformance tests of the store's BGP part.
var bgpTests = []namedTest{
	{"Blackholes", testBlackholes},
	{"ServiceUpdate", testServiceUpdate},
	{"IPPoolsAndAllocations", testIPPools},
	{"IPAllocationConcurrent", testIPAllocationConcurrent},
}

func bgpGeneration(t *testing.T, s store.Store) int64 {
	t.Helper()
	g, err := s.DriverGeneration(ctx(t), "bgp")
	if err != nil {
		t.Fatalf("DriverGeneration(bgp): %v", err)
	}
	return g
}

func testBlackholes(t *testing.T, s store.Store) {
	a, b := newCustomer(t, s), newCustomer(t, s)
	g0 := bgpGeneration(t, s)
	ba := store.Blackhole{IP: "198.51.100.7", CustomerID: a, Type: "customer", CreatedAt: 1700000000}
	bb := store.Blackhole{IP: "2001:db8::7", CustomerID: b, Type: "admin", CreatedAt: 1700000001}
	for _, x := range []store.Blackhole{ba, bb} {
		if err := s.BlackholeAdd(ctx(t), x); err != nil {
			t.Fatalf("BlackholeAdd(%v): %v", x, err)
		}
	}
	if g := bgpGeneration(t, s); g < g0+2 {
		t.Errorf("bgp generation %d after two adds, was %d", g, g0)
	}
	if err := s.BlackholeAdd(ctx(t), store.Blackhole{IP: "198.51.100.7", CustomerID: b, Type: "admin"}); !errors.Is(err, store.ErrConflict) {
		t.Errorf("BlackholeAdd of a blackholed address = %v, want ErrConflict", err)
	}
	if err := s.BlackholeAdd(ctx(t), store.Blackhole{IP: "198.51.100.9", CustomerID: 987654321, Type: "admin"}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("BlackholeAdd for a missing customer = %v, want ErrNotFound", err)
	}
	if got, err := s.BlackholeGet(ctx(t), "2001:db8::7"); err != nil || got != bb {
		t.Errorf("BlackholeGet = %+v, %v", got, err)
	}
	if list, err := s.BlackholeList(ctx(t), a); err != nil || !reflect.DeepEqual(list, []store.Blackhole{ba}) {
		t.Errorf("BlackholeList(a) = %+v, %v", list, err)
	}
	if all, err := s.BlackholesAll(ctx(t)); err != nil || len(all) != 2 {
		t.Errorf("BlackholesAll = %+v, %v", all, err)
	}
	g1 := bgpGeneration(t, s)
	if err := s.BlackholeRemove(ctx(t), "198.51.100.7"); err != nil {
		t.Fatal(err)
	}
	if err := s.BlackholeRemove(ctx(t), "198.51.100.7"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("second BlackholeRemove = %v, want ErrNotFound", err)
	}
	if g := bgpGeneration(t, s); g != g1+1 {
		t.Errorf("bgp generation %d after one remove, was %d", g, g1)
	}
	// A rolled-back add leaves nothing, generation included.
	g2 := bgpGeneration(t, s)
	boom := errors.New("boom")
	err := s.InTx(ctx(t), func(tx store.Store) error {
		if err := tx.BlackholeAdd(ctx(t), ba); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatal(err)
	}
	if _, err := s.BlackholeGet(ctx(t), ba.IP); !errors.Is(err, store.ErrNotFound) || bgpGeneration(t, s) != g2 {
		t.Errorf("a rolled-back add left %v, generation %d (was %d)", err, bgpGeneration(t, s), g2)
	}
}

func testServiceUpdate(t *testing.T, s store.Store) {
	a, b := newCustomer(t, s), newCustomer(t, s)
	sv := newService(t, s, a, "foip", 0)
	g0 := bgpGeneration(t, s)
	sv.Details = []byte(`{"virtual_ip":"203.0.113.10","real_ip":"10.0.0.2","real_ips_allowed_list":["10.0.0.1","10.0.0.2"]}`)
	sv.PriceMinor, sv.PriceBruttoMinor, sv.IP, sv.Name = 1234, 1518, "203.0.113.10", "renamed"
	if err := s.ServiceUpdate(ctx(t), sv); err != nil {
		t.Fatal(err)
	}
	if got, err := s.ServiceGet(ctx(t), a, sv.ID); err != nil || !reflect.DeepEqual(got, sv) {
		t.Errorf("after ServiceUpdate: %+v, %v; want %+v", got, err, sv)
	}
	if bgpGeneration(t, s) != g0+1 {
		t.Error("ServiceUpdate did not raise the bgp generation")
	}
	other := sv
	other.CustomerID = b
	if err := s.ServiceUpdate(ctx(t), other); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("ServiceUpdate as another customer = %v, want ErrNotFound", err)
	}
	all, err := s.ServicesAll(ctx(t), "foip")
	if err != nil || len(all) != 1 || all[0].ID != sv.ID {
		t.Errorf("ServicesAll(fail-over-ip) = %+v, %v", all, err)
	}
	newService(t, s, b, "dedicated", 0)
	if all, _ := s.ServicesAll(ctx(t), ""); len(all) != 2 {
		t.Errorf("ServicesAll(\"\") = %d services, want 2", len(all))
	}
}

func testIPPools(t *testing.T, s store.Store) {
	a := newCustomer(t, s)
	parent := newService(t, s, a, "dedicated", 0)
	child := newService(t, s, a, "additional-ip", parent.ID)
	p := store.IPPool{ID: 1, Network: "198.51.100.128/26", Exclude: []string{"198.51.100.128"}, MaxPerServer: 8,
		Prices: []byte(`[{"currency":"PLN","price":10,"price_brutto":12.3}]`)}
	if err := s.IPPoolCreate(ctx(t), p); err != nil {
		t.Fatal(err)
	}
	if err := s.IPPoolCreate(ctx(t), p); !errors.Is(err, store.ErrConflict) {
		t.Errorf("second IPPoolCreate = %v, want ErrConflict", err)
	}
	if all, err := s.IPPoolsAll(ctx(t)); err != nil || !reflect.DeepEqual(all, []store.IPPool{p}) {
		t.Errorf("IPPoolsAll = %+v, %v", all, err)
	}
	al := store.IPAllocation{IP: "198.51.100.130", PoolID: 1, ServiceID: child.ID, ParentServiceID: parent.ID}
	if err := s.IPAllocationAdd(ctx(t), al); err != nil {
		t.Fatal(err)
	}
	if err := s.IPAllocationAdd(ctx(t), al); !errors.Is(err, store.ErrConflict) {
		t.Errorf("allocating an address twice = %v, want ErrConflict", err)
	}
	if list, err := s.IPAllocationsAll(ctx(t)); err != nil || !reflect.DeepEqual(list, []store.IPAllocation{al}) {
		t.Errorf("IPAllocationsAll = %+v, %v", list, err)
	}
}

// testIPAllocationConcurrent: transactions that allocate the same address
// at once: exactly one commits it.
func testIPAllocationConcurrent(t *testing.T, s store.Store) {
	a := newCustomer(t, s)
	parent := newService(t, s, a, "dedicated", 0)
	if err := s.IPPoolCreate(ctx(t), store.IPPool{ID: 7, Network: "198.51.100.0/24", MaxPerServer: 8, Prices: []byte(`[]`)}); err != nil {
		t.Fatal(err)
	}
	const n = 8
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = s.InTx(ctx(t), func(tx store.Store) error {
				child := store.Service{CustomerID: a, Type: "additional-ip", ParentServiceID: parent.ID, Currency: "PLN", PaymentPeriod: 1,
					Name: fmt.Sprint("order ", i), Details: []byte(`{}`)}
				if err := tx.ServiceCreate(ctx(t), &child); err != nil {
					return err
				}
				return tx.IPAllocationAdd(ctx(t), store.IPAllocation{IP: "198.51.100.5", PoolID: 7, ServiceID: child.ID, ParentServiceID: parent.ID})
			})
		}()
	}
	wg.Wait()
	ok := 0
	for _, err := range errs {
		switch {
		case err == nil:
			ok++
		case !errors.Is(err, store.ErrConflict):
			t.Errorf("a losing allocation failed with %v, want ErrConflict", err)
		}
	}
	if ok != 1 {
		t.Errorf("%d transactions allocated the address, want 1", ok)
	}
	if kids, _ := s.ServiceList(ctx(t), store.ServiceFilter{CustomerID: a, Type: "additional-ip"}); len(kids) != 1 {
		t.Errorf("%d additional-ip services remain, want 1 (the losers rolled back)", len(kids))
	}
}
