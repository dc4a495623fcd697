package storetest

import (
	"errors"
	"reflect"
	"testing"

	"github.com/artnet-panel/artnet-panel/internal/store"
)

var dnssecTests = []namedTest{
	{"DNSSEC", testDNSSEC},
	{"DNSSECScoping", testDNSSECScoping},
	{"DNSSECZoneDelete", testDNSSECZoneDelete},
}

func sampleKeys() []store.DNSSECKey {
	return []store.DNSSECKey{
		{Role: store.DNSSECRoleKSK, Algorithm: 13, Flags: 257, KeyTag: 60001, PublicKey: "a3NrLXB1YmxpYw==",
			PrivateSealed: "v1$sealed-ksk", CreatedAt: 1000, PublishAt: 1000, ActiveAt: 1000, DSAt: 5000},
		{Role: store.DNSSECRoleZSK, Algorithm: 13, Flags: 256, KeyTag: 65535, PublicKey: "enNrLXB1YmxpYw==",
			PrivateSealed: "v1$sealed-zsk", CreatedAt: 1000, PublishAt: 1000, ActiveAt: 1000},
	}
}

func testDNSSEC(t *testing.T, s store.Store) {
	cust := newCustomer(t, s)
	z := newZone(t, s, cust, "signed.example", store.ZoneTypePrimary)
	newZone(t, s, cust, "plain.example", store.ZoneTypePrimary)
	if _, err := s.DNSSECGet(ctx(t), cust, z.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("DNSSECGet of an unsigned zone: %v", err)
	}
	last := mustDNSChangesLast(t, s)
	d := store.DNSSECZone{ZoneID: z.ID, CustomerID: cust, State: store.DNSSECSigning, Algorithm: 13,
		NextAt: 5000, CreatedAt: 1000, UpdatedAt: 1000}
	keys := sampleKeys()
	if err := s.DNSSECEnable(ctx(t), &d, keys); err != nil {
		t.Fatal(err)
	}
	expectChanges(t, s, &last, "DNSSECEnable", "signed.example")
	if d.Version != 1 || keys[0].ID <= 0 || keys[1].ID <= keys[0].ID || keys[0].ZoneID != z.ID {
		t.Fatalf("after enable: %+v %+v", d, keys)
	}
	again := d
	if err := s.DNSSECEnable(ctx(t), &again, sampleKeys()); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("second enable: %v", err)
	}
	expectChanges(t, s, &last, "failed enable")

	got, err := s.DNSSECGet(ctx(t), cust, z.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := d
	want.Domain, want.DSSent = "signed.example", []string{}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("DNSSECGet = %+v\nwant %+v", got, want)
	}
	gotKeys, err := s.DNSSECKeys(ctx(t), z.ID)
	if err != nil || !reflect.DeepEqual(gotKeys, keys) {
		t.Fatalf("DNSSECKeys = %+v, %v\nwant %+v", gotKeys, err, keys)
	}
	bz, bk, err := s.DNSSECByDomain(ctx(t), "signed.example")
	if err != nil || !reflect.DeepEqual(bz, want) || !reflect.DeepEqual(bk, keys) {
		t.Fatalf("DNSSECByDomain = %+v %+v %v", bz, bk, err)
	}
	if _, _, err := s.DNSSECByDomain(ctx(t), "plain.example"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("DNSSECByDomain of an unsigned zone: %v", err)
	}

	// Save: compare-and-swap on the version.
	got.State, got.DSSent, got.DSSyncedAt, got.NextAt, got.UnsignAt, got.UpdatedAt =
		store.DNSSECDisabling, []string{"signed.example. 86400 IN DS 60001 13 2 ABCD"}, 2000, 9000, 9000, 2000
	stale := got
	if err := s.DNSSECSave(ctx(t), &got); err != nil {
		t.Fatal(err)
	}
	expectChanges(t, s, &last, "DNSSECSave", "signed.example")
	if got.Version != 2 {
		t.Fatalf("version after save = %d", got.Version)
	}
	if err := s.DNSSECSave(ctx(t), &stale); !errors.Is(err, store.ErrStale) || stale.Version != 1 {
		t.Fatalf("stale save: %v (version %d)", err, stale.Version)
	}
	expectChanges(t, s, &last, "stale save")
	reread, err := s.DNSSECGet(ctx(t), cust, z.ID)
	if err != nil || !reflect.DeepEqual(reread, got) {
		t.Fatalf("after save: %+v, %v\nwant %+v", reread, err, got)
	}
	zones, err := s.DNSSECZones(ctx(t))
	if err != nil || len(zones) != 1 || !reflect.DeepEqual(zones[0], got) {
		t.Fatalf("DNSSECZones = %+v, %v", zones, err)
	}

	// Keys: add, save times, delete.
	k := store.DNSSECKey{ZoneID: z.ID, Role: store.DNSSECRoleZSK, Algorithm: 13, Flags: 256, KeyTag: 7,
		PublicKey: "bmV3", PrivateSealed: "v1$new", CreatedAt: 3000, PublishAt: 3000}
	if err := s.DNSSECKeyAdd(ctx(t), &k); err != nil || k.ID <= keys[1].ID {
		t.Fatalf("DNSSECKeyAdd: %v (id %d)", err, k.ID)
	}
	expectChanges(t, s, &last, "DNSSECKeyAdd", "signed.example")
	k.ActiveAt, k.RetireAt, k.RemoveAt, k.DSAt = 4000, 8000, 9000, 0
	if err := s.DNSSECKeySave(ctx(t), k); err != nil {
		t.Fatal(err)
	}
	expectChanges(t, s, &last, "DNSSECKeySave", "signed.example")
	if err := s.DNSSECKeyDelete(ctx(t), z.ID, keys[1].ID); err != nil {
		t.Fatal(err)
	}
	expectChanges(t, s, &last, "DNSSECKeyDelete", "signed.example")
	gotKeys, _ = s.DNSSECKeys(ctx(t), z.ID)
	if !reflect.DeepEqual(gotKeys, []store.DNSSECKey{keys[0], k}) {
		t.Fatalf("keys = %+v", gotKeys)
	}
	if err := s.DNSSECKeyDelete(ctx(t), z.ID, keys[1].ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("deleting a deleted key: %v", err)
	}
	if err := s.DNSSECKeySave(ctx(t), keys[1]); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("saving a deleted key: %v", err)
	}
	orphan := store.DNSSECKey{ZoneID: 987654, Role: store.DNSSECRoleZSK, Algorithm: 13, Flags: 256, PublicKey: "eA==", PrivateSealed: "x"}
	if err := s.DNSSECKeyAdd(ctx(t), &orphan); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("key of an unsigned zone: %v", err)
	}
	expectChanges(t, s, &last, "failed key writes")

	// Touch: the zone's serial and last change, compare-and-swap.
	if err := s.DNSSECZoneTouch(ctx(t), cust, z.ID, z.Serial, z.Serial+1, 4242); err != nil {
		t.Fatal(err)
	}
	expectChanges(t, s, &last, "DNSSECZoneTouch", "signed.example")
	if zz, err := s.ZoneGet(ctx(t), cust, z.ID); err != nil || zz.Serial != z.Serial+1 || zz.UpdatedAt != 4242 {
		t.Fatalf("after touch: %+v %v", zz, err)
	}
	if err := s.DNSSECZoneTouch(ctx(t), cust, z.ID, z.Serial, z.Serial+2, 4243); !errors.Is(err, store.ErrStale) {
		t.Fatalf("stale touch: %v", err)
	}
	other := newCustomer(t, s)
	if err := s.DNSSECZoneTouch(ctx(t), other, z.ID, z.Serial+1, z.Serial+2, 4243); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("touch by another customer: %v", err)
	}
	expectChanges(t, s, &last, "failed touches")

	// Delete: compare-and-swap, keys go with the row.
	if err := s.DNSSECDelete(ctx(t), cust, z.ID, 1); !errors.Is(err, store.ErrStale) {
		t.Fatalf("stale delete: %v", err)
	}
	if err := s.DNSSECDelete(ctx(t), cust, z.ID, got.Version); err != nil {
		t.Fatal(err)
	}
	expectChanges(t, s, &last, "DNSSECDelete", "signed.example")
	if _, err := s.DNSSECGet(ctx(t), cust, z.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("after delete: %v", err)
	}
	if l, err := s.DNSSECKeys(ctx(t), z.ID); err != nil || len(l) != 0 {
		t.Fatalf("keys after delete: %+v %v", l, err)
	}
	if err := s.DNSSECDelete(ctx(t), cust, z.ID, got.Version); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("second delete: %v", err)
	}
	// Enabled again after the delete.
	d2 := store.DNSSECZone{ZoneID: z.ID, CustomerID: cust, State: store.DNSSECSigning, Algorithm: 15, CreatedAt: 9, UpdatedAt: 9}
	if err := s.DNSSECEnable(ctx(t), &d2, nil); err != nil {
		t.Fatal(err)
	}
}

// testDNSSECScoping: another customer's zone is not found by any scoped
// method, and nothing changes.
func testDNSSECScoping(t *testing.T, s store.Store) {
	cust := newCustomer(t, s)
	other := newCustomer(t, s)
	z := newZone(t, s, cust, "mine.example", store.ZoneTypePrimary)
	d := store.DNSSECZone{ZoneID: z.ID, CustomerID: other, State: store.DNSSECSigning, Algorithm: 13}
	if err := s.DNSSECEnable(ctx(t), &d, sampleKeys()); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("enable of another customer's zone: %v", err)
	}
	d.CustomerID = cust
	if err := s.DNSSECEnable(ctx(t), &d, sampleKeys()); err != nil {
		t.Fatal(err)
	}
	last := mustDNSChangesLast(t, s)
	if _, err := s.DNSSECGet(ctx(t), other, z.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("get by another customer: %v", err)
	}
	theirs := d
	theirs.CustomerID, theirs.State = other, store.DNSSECDisabling
	if err := s.DNSSECSave(ctx(t), &theirs); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("save by another customer: %v", err)
	}
	if err := s.DNSSECDelete(ctx(t), other, z.ID, d.Version); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("delete by another customer: %v", err)
	}
	expectChanges(t, s, &last, "another customer's writes")
	if got, err := s.DNSSECGet(ctx(t), cust, z.ID); err != nil || got.State != store.DNSSECSigning || got.Version != 1 {
		t.Fatalf("after another customer's writes: %+v %v", got, err)
	}
}

// testDNSSECZoneDelete: deleting the zone deletes its DNSSEC row and keys.
func testDNSSECZoneDelete(t *testing.T, s store.Store) {
	cust := newCustomer(t, s)
	z := newZone(t, s, cust, "gone.example", store.ZoneTypePrimary)
	d := store.DNSSECZone{ZoneID: z.ID, CustomerID: cust, State: store.DNSSECSigning, Algorithm: 13}
	if err := s.DNSSECEnable(ctx(t), &d, sampleKeys()); err != nil {
		t.Fatal(err)
	}
	if err := s.ZoneDelete(ctx(t), cust, z.ID); err != nil {
		t.Fatal(err)
	}
	if zones, err := s.DNSSECZones(ctx(t)); err != nil || len(zones) != 0 {
		t.Fatalf("DNSSEC rows after the zone's delete: %+v %v", zones, err)
	}
	if l, err := s.DNSSECKeys(ctx(t), z.ID); err != nil || len(l) != 0 {
		t.Fatalf("keys after the zone's delete: %+v %v", l, err)
	}
}
