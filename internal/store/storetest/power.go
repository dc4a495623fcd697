package storetest

import (
	"errors"
	"reflect"
	"sync"
	"testing"

	"github.com/artnet-panel/artnet-panel/internal/store"
)

// powerTests are the conformance tests of the store's power and transfer
// part.
var powerTests = []namedTest{
	{"PowerRoundTrip", testPowerRoundTrip},
	{"TransferPortsAndPeriods", testTransferPorts},
	{"TransferLeaseConcurrent", testTransferLeaseConcurrent},
}

func testPowerRoundTrip(t *testing.T, s store.Store) {
	a, b := newCustomer(t, s), newCustomer(t, s)
	sv := newService(t, s, a, "dedicated", 0)
	p := store.Power{ServiceID: sv.ID, CustomerID: a, Driver: "ipmi", Config: []byte(`{"driver":"ipmi","password":"x"}`)}
	if err := s.PowerSet(ctx(t), store.Power{ServiceID: sv.ID, CustomerID: b, Driver: "sim", Config: []byte(`{}`)}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("PowerSet for another customer's service = %v, want ErrNotFound", err)
	}
	if err := s.PowerSet(ctx(t), p); err != nil {
		t.Fatal(err)
	}
	if got, err := s.PowerGet(ctx(t), a, sv.ID); err != nil || !reflect.DeepEqual(got, p) {
		t.Errorf("PowerGet = %+v, %v; want %+v", got, err, p)
	}
	if _, err := s.PowerGet(ctx(t), b, sv.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("PowerGet by another customer = %v, want ErrNotFound", err)
	}
	p.Driver, p.Config, p.State = "sim", []byte(`{"driver":"sim"}`), "on"
	if err := s.PowerSet(ctx(t), p); err != nil {
		t.Fatal(err)
	}
	if err := s.PowerSetState(ctx(t), a, sv.ID, "off"); err != nil {
		t.Fatal(err)
	}
	if got, err := s.PowerGet(ctx(t), a, sv.ID); err != nil || got.State != "off" || got.Driver != "sim" {
		t.Errorf("PowerGet after replace and PowerSetState = %+v, %v", got, err)
	}
	if err := s.PowerSetState(ctx(t), b, sv.ID, "on"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("PowerSetState by another customer = %v, want ErrNotFound", err)
	}
	if _, err := s.PowerBusy(ctx(t), b, sv.ID, "n9", 1, 2); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("PowerBusy by another customer = %v, want ErrNotFound", err)
	}
	if err := s.PowerSetState(ctx(t), a, 987654321, "on"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("PowerSetState of a service without power = %v, want ErrNotFound", err)
	}
	if all, err := s.PowerAll(ctx(t)); err != nil || len(all) != 1 || all[0].ServiceID != sv.ID {
		t.Errorf("PowerAll = %+v, %v", all, err)
	}
	if ok, err := s.PowerBusy(ctx(t), a, sv.ID, "n1", 100, 110); err != nil || !ok {
		t.Fatalf("PowerBusy(n1) = %v, %v", ok, err)
	}
	if ok, err := s.PowerBusy(ctx(t), a, sv.ID, "n2", 105, 115); err != nil || ok {
		t.Errorf("PowerBusy(n2) while n1 holds the line = %v, %v; want false", ok, err)
	}
	if err := s.PowerIdle(ctx(t), a, sv.ID, "n2"); err != nil {
		t.Fatal(err)
	}
	if ok, err := s.PowerBusy(ctx(t), a, sv.ID, "n2", 106, 116); err != nil || ok {
		t.Errorf("PowerBusy(n2) after n2's PowerIdle = %v, %v; want false (n1 holds it)", ok, err)
	}
	if err := s.PowerIdle(ctx(t), a, sv.ID, "n1"); err != nil {
		t.Fatal(err)
	}
	if ok, err := s.PowerBusy(ctx(t), a, sv.ID, "n2", 107, 117); err != nil || !ok {
		t.Errorf("PowerBusy(n2) after n1's PowerIdle = %v, %v; want true", ok, err)
	}
	if ok, err := s.PowerBusy(ctx(t), a, sv.ID, "n1", 117, 127); err != nil || !ok {
		t.Errorf("PowerBusy(n1) once n2's hold expired = %v, %v; want true", ok, err)
	}
	if _, err := s.PowerBusy(ctx(t), a, 987654321, "n1", 1, 2); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("PowerBusy of a service without power = %v, want ErrNotFound", err)
	}
	if got, err := s.PowerGet(ctx(t), a, sv.ID); err != nil || got.State != "off" {
		t.Errorf("PowerGet after PowerBusy = %+v, %v (the state must not change)", got, err)
	}
}

func testTransferPorts(t *testing.T, s store.Store) {
	a, b := newCustomer(t, s), newCustomer(t, s)
	sv := newService(t, s, a, "colocation", 0)
	p := store.TransferPort{ServiceID: sv.ID, CustomerID: a, Config: []byte(`{"address":"127.0.0.1"}`),
		LastIn: 1<<64 - 5, LastOut: 7, LastAt: 1000}
	if err := s.TransferPortSet(ctx(t), store.TransferPort{ServiceID: sv.ID, CustomerID: b, Config: []byte(`{}`)}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("TransferPortSet for another customer's service = %v, want ErrNotFound", err)
	}
	if err := s.TransferPortSet(ctx(t), p); err != nil {
		t.Fatal(err)
	}
	if got, err := s.TransferPortGet(ctx(t), a, sv.ID); err != nil || !reflect.DeepEqual(got, p) {
		t.Errorf("TransferPortGet = %+v, %v; want %+v (64-bit counters kept bit for bit)", got, err, p)
	}
	if _, err := s.TransferPortGet(ctx(t), b, sv.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("TransferPortGet by another customer = %v, want ErrNotFound", err)
	}
	if ok, err := s.TransferLease(ctx(t), sv.ID, "n1", 2000, 2060); err != nil || !ok {
		t.Fatalf("TransferLease(n1) = %v, %v", ok, err)
	}
	if ok, err := s.TransferLease(ctx(t), sv.ID, "n2", 2030, 2090); err != nil || ok {
		t.Errorf("TransferLease(n2) while n1 holds it = %v, %v; want false", ok, err)
	}
	sample := store.TransferSample{ServiceID: sv.ID, Node: "n2", PrevAt: 1000, In: 10, Out: 20, At: 2030,
		PeriodFrom: 100, PeriodTo: 200, Up: 15, Down: 13}
	if err := s.TransferSample(ctx(t), sample); !errors.Is(err, store.ErrConflict) {
		t.Errorf("TransferSample by a node without the lease = %v, want ErrConflict", err)
	}
	sample.Node = "n1"
	if err := s.TransferSample(ctx(t), sample); err != nil {
		t.Fatal(err)
	}
	if err := s.TransferSample(ctx(t), sample); !errors.Is(err, store.ErrConflict) {
		t.Errorf("TransferSample twice from one previous poll = %v, want ErrConflict", err)
	}
	sample.PrevAt, sample.At, sample.Up, sample.Down = 2030, 2060, 5, 7
	if err := s.TransferSample(ctx(t), sample); err != nil {
		t.Fatal(err)
	}
	if err := s.TransferPeriodSet(ctx(t), a, sv.ID, store.TransferPeriod{From: 0, To: 100, Up: 1, Down: 2}); err != nil {
		t.Fatal(err)
	}
	if err := s.TransferPeriodSet(ctx(t), b, sv.ID, store.TransferPeriod{From: 0, To: 100}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("TransferPeriodSet for another customer's service = %v, want ErrNotFound", err)
	}
	want := []store.TransferPeriod{{From: 0, To: 100, Up: 1, Down: 2}, {From: 100, To: 200, Up: 20, Down: 20}}
	if got, err := s.TransferPeriods(ctx(t), a, sv.ID); err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("TransferPeriods = %+v, %v; want %+v", got, err, want)
	}
	if got, err := s.TransferPeriods(ctx(t), b, sv.ID); err != nil || len(got) != 0 {
		t.Errorf("TransferPeriods by another customer = %+v, %v; want none", got, err)
	}
	if got, err := s.TransferPortGet(ctx(t), a, sv.ID); err != nil || got.LastIn != 10 || got.LastAt != 2060 {
		t.Errorf("port after samples = %+v, %v", got, err)
	}
	if ok, err := s.TransferLease(ctx(t), sv.ID, "n2", 2060, 2120); err != nil || !ok {
		t.Errorf("TransferLease(n2) once n1's lease expired = %v, %v; want true", ok, err)
	}
	if all, err := s.TransferPortsAll(ctx(t)); err != nil || len(all) != 1 || all[0].LeaseNode != "n2" {
		t.Errorf("TransferPortsAll = %+v, %v", all, err)
	}
}

func testTransferLeaseConcurrent(t *testing.T, s store.Store) {
	a := newCustomer(t, s)
	sv := newService(t, s, a, "dedicated", 0)
	if err := s.TransferPortSet(ctx(t), store.TransferPort{ServiceID: sv.ID, CustomerID: a, Config: []byte(`{}`)}); err != nil {
		t.Fatal(err)
	}
	const n = 8
	var wg sync.WaitGroup
	got := make([]bool, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ok, err := s.TransferLease(ctx(t), sv.ID, string(rune('a'+i)), 5000, 5060)
			if err != nil {
				t.Errorf("TransferLease: %v", err)
			}
			got[i] = ok
		}()
	}
	wg.Wait()
	won := 0
	for _, ok := range got {
		if ok {
			won++
		}
	}
	if won != 1 {
		t.Errorf("%d of %d concurrent nodes got the lease, want exactly 1", won, n)
	}
}
