package storetest

import (
	"errors"
	"reflect"
	"testing"

	"github.com/artnet-panel/artnet-panel/internal/store"
)

// cloudTests are the conformance tests of the store's cloud part.
var cloudTests = []namedTest{
	{"CloudInstanceRoundTrip", testCloudInstanceRoundTrip},
	{"CloudSettings", testCloudSettings},
	{"VPSPower", testVPSPower},
}

func hypervisorGen(t *testing.T, s store.Store) int64 {
	t.Helper()
	g, err := s.DriverGeneration(ctx(t), "hypervisor")
	if err != nil {
		t.Fatalf("DriverGeneration: %v", err)
	}
	return g
}

func testCloudInstanceRoundTrip(t *testing.T, s store.Store) {
	a, b := newCustomer(t, s), newCustomer(t, s)
	i := store.CloudInstance{ID: 7, CustomerID: a, Name: "ci-7", DisplayName: "web", Notes: "zażółć", CPU: 2, RAM: 2048, HDD: 20,
		Bandwidth: 100, BootStatus: "boot", PowerOn: true, PasswordHash: "pbkdf2$x", VNCSecret: "sealed", VNCHost: "127.0.0.1",
		VNCPort: 5907, Network: []byte(`{"ip":"10.0.0.7"}`)}
	g0 := hypervisorGen(t, s)
	if err := s.CloudInstanceCreate(ctx(t), i); err != nil {
		t.Fatalf("CloudInstanceCreate: %v", err)
	}
	if g := hypervisorGen(t, s); g <= g0 {
		t.Errorf("generation %d after a create, was %d", g, g0)
	}
	dup := i
	dup.ID = 8
	if err := s.CloudInstanceCreate(ctx(t), dup); !errors.Is(err, store.ErrConflict) {
		t.Errorf("create with a taken name and port: %v, want ErrConflict", err)
	}
	dup.ID, dup.CustomerID = 9, 987654
	if err := s.CloudInstanceCreate(ctx(t), dup); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("create for a missing customer: %v, want ErrNotFound", err)
	}
	got, err := s.CloudInstanceGet(ctx(t), a, 7)
	if err != nil || !reflect.DeepEqual(got, i) {
		t.Fatalf("CloudInstanceGet = %+v, %v; want %+v", got, err, i)
	}
	if _, err := s.CloudInstanceGet(ctx(t), b, 7); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("another customer's instance: %v, want ErrNotFound", err)
	}
	if list, err := s.CloudInstanceList(ctx(t), b); err != nil || len(list) != 0 {
		t.Errorf("list of b = %v, %v; want empty", list, err)
	}
	i.CPU, i.BootStatus, i.BootImage, i.PowerOn, i.DisplayName = 4, "install", "debian-12", false, "db"
	other := i
	other.CustomerID = b
	if err := s.CloudInstanceUpdate(ctx(t), other); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("update by another customer: %v, want ErrNotFound", err)
	}
	if err := s.CloudInstanceUpdate(ctx(t), i); err != nil {
		t.Fatalf("CloudInstanceUpdate: %v", err)
	}
	if list, err := s.CloudInstanceList(ctx(t), a); err != nil || len(list) != 1 || !reflect.DeepEqual(list[0], i) {
		t.Fatalf("list of a = %+v, %v; want [%+v]", list, err, i)
	}
	if all, err := s.CloudInstancesAll(ctx(t)); err != nil || len(all) != 1 {
		t.Fatalf("all = %v, %v", all, err)
	}
	if err := s.CloudInstanceDelete(ctx(t), b, 7); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("delete by another customer: %v, want ErrNotFound", err)
	}
	if err := s.CloudInstanceDelete(ctx(t), a, 7); err != nil {
		t.Fatalf("CloudInstanceDelete: %v", err)
	}
	if _, err := s.CloudInstanceGet(ctx(t), a, 7); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("deleted instance: %v, want ErrNotFound", err)
	}
}

func testCloudSettings(t *testing.T, s store.Store) {
	if got, err := s.CloudSettings(ctx(t)); err != nil || got != nil {
		t.Fatalf("settings before any = %q, %v", got, err)
	}
	for _, v := range []string{`{"a":1}`, `{"b":2}`} {
		if err := s.CloudSettingsSet(ctx(t), []byte(v)); err != nil {
			t.Fatal(err)
		}
		if got, err := s.CloudSettings(ctx(t)); err != nil || string(got) != v {
			t.Fatalf("settings = %q, %v; want %s", got, err, v)
		}
	}
}

func testVPSPower(t *testing.T, s store.Store) {
	a, b := newCustomer(t, s), newCustomer(t, s)
	svc := newService(t, s, a, "vps", 0)
	p := store.VPSPower{ServiceID: svc.ID, CustomerID: b, Config: []byte(`{"driver":"sim"}`)}
	if err := s.VPSPowerSet(ctx(t), p); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("set for another customer's service: %v, want ErrNotFound", err)
	}
	p.CustomerID = a
	if err := s.VPSPowerSet(ctx(t), p); err != nil {
		t.Fatal(err)
	}
	if err := s.VPSPowerSetOn(ctx(t), b, svc.ID, true); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("switch by another customer: %v, want ErrNotFound", err)
	}
	if err := s.VPSPowerSetOn(ctx(t), a, svc.ID, true); err != nil {
		t.Fatal(err)
	}
	p.PowerOn = true
	if got, err := s.VPSPowerGet(ctx(t), a, svc.ID); err != nil || !reflect.DeepEqual(got, p) {
		t.Fatalf("VPSPowerGet = %+v, %v; want %+v", got, err, p)
	}
	if _, err := s.VPSPowerGet(ctx(t), b, svc.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("get by another customer: %v, want ErrNotFound", err)
	}
	if all, err := s.VPSPowerAll(ctx(t)); err != nil || len(all) != 1 {
		t.Fatalf("all = %v, %v", all, err)
	}
}
