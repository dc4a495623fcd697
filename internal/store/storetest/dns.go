package storetest

import (
	"errors"
	"fmt"
	"reflect"
	"sync"
	"testing"

	"github.com/artnet-panel/artnet-panel/internal/store"
)

// newZone creates a zone of customerID and returns it.
func newZone(t *testing.T, s store.Store, customerID int64, domain, typ string) store.Zone {
	t.Helper()
	z := store.Zone{CustomerID: customerID, Domain: domain, Type: typ, Serial: 2025010101, CreatedAt: 1000, UpdatedAt: 1000}
	if typ == store.ZoneTypeSecondary {
		z.MasterNameserver, z.Serial = "ns.master.example", 0
	}
	if err := s.ZoneCreate(ctx(t), &z); err != nil {
		t.Fatalf("ZoneCreate(%s): %v", domain, err)
	}
	if z.ID <= 0 {
		t.Fatalf("ZoneCreate(%s) assigned id %d", domain, z.ID)
	}
	return z
}

func sampleRecords(tag string, n int) []store.ZoneRecord {
	recs := make([]store.ZoneRecord, n)
	for i := range recs {
		recs[i] = store.ZoneRecord{Name: fmt.Sprintf("h%d-%s", i, tag), TTL: int64(60 + i), Type: "A", Data1: fmt.Sprintf("192.0.2.%d", i%256)}
	}
	return recs
}

func mustZoneRecords(t *testing.T, s store.Store, customerID, zoneID int64) []store.ZoneRecord {
	t.Helper()
	recs, err := s.ZoneRecords(ctx(t), customerID, zoneID)
	if err != nil {
		t.Fatalf("ZoneRecords(%d, %d): %v", customerID, zoneID, err)
	}
	return recs
}

func equalRecords(a, b []store.ZoneRecord) bool {
	return len(a) == len(b) && (len(a) == 0 || reflect.DeepEqual(a, b))
}

func testZoneRoundTrip(t *testing.T, s store.Store) {
	cust := newCustomer(t, s)
	p := store.Zone{CustomerID: cust, Domain: "example.com", Type: store.ZoneTypePrimary,
		Serial: 2025123101, CreatedAt: 1700000000, UpdatedAt: 1700000001}
	if err := s.ZoneCreate(ctx(t), &p); err != nil {
		t.Fatalf("ZoneCreate: %v", err)
	}
	sec := store.Zone{CustomerID: cust, Domain: "xn--przykad-rjb.pl", Type: store.ZoneTypeSecondary,
		MasterNameserver: "2001:db8::53", Serial: 0, CreatedAt: 1700000002, UpdatedAt: 1700000002, RefreshedAt: 0}
	if err := s.ZoneCreate(ctx(t), &sec); err != nil {
		t.Fatalf("ZoneCreate(secondary): %v", err)
	}
	if p.ID <= 0 || sec.ID <= 0 || p.ID == sec.ID {
		t.Fatalf("assigned ids %d, %d", p.ID, sec.ID)
	}
	for _, want := range []store.Zone{p, sec} {
		got, err := s.ZoneGet(ctx(t), cust, want.ID)
		if err != nil || got != want {
			t.Errorf("ZoneGet(%d) = %+v, %v; want %+v", want.ID, got, err, want)
		}
		got, err = s.ZoneByDomain(ctx(t), want.Domain)
		if err != nil || got != want {
			t.Errorf("ZoneByDomain(%s) = %+v, %v; want %+v", want.Domain, got, err, want)
		}
		if recs := mustZoneRecords(t, s, cust, want.ID); len(recs) != 0 {
			t.Errorf("new zone has records %v", recs)
		}
	}
	list, err := s.ZoneList(ctx(t), cust)
	if err != nil || !reflect.DeepEqual(list, []store.Zone{p, sec}) {
		t.Errorf("ZoneList = %+v, %v", list, err)
	}
	if _, err := s.ZoneGet(ctx(t), cust, sec.ID+1000); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("ZoneGet(missing): %v, want ErrNotFound", err)
	}
	if _, err := s.ZoneByDomain(ctx(t), "missing.example"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("ZoneByDomain(missing): %v, want ErrNotFound", err)
	}
	// Explicit ids, and automatic ids continuing after them.
	ex := store.Zone{ID: 5000, CustomerID: cust, Domain: "explicit.example", Type: store.ZoneTypePrimary, Serial: 1}
	if err := s.ZoneCreate(ctx(t), &ex); err != nil || ex.ID != 5000 {
		t.Fatalf("ZoneCreate(explicit id): id %d, %v", ex.ID, err)
	}
	next := newZone(t, s, cust, "after-explicit.example", store.ZoneTypePrimary)
	if next.ID == 5000 || next.ID == p.ID || next.ID == sec.ID {
		t.Errorf("automatic id %d collides", next.ID)
	}
	dup := store.Zone{ID: 5000, CustomerID: cust, Domain: "other.example", Type: store.ZoneTypePrimary}
	wantErr(t, "ZoneCreate(duplicate id)", s.ZoneCreate(ctx(t), &dup), store.ErrConflict)
	bad := store.Zone{CustomerID: cust, Domain: "badtype.example", Type: "tertiary"}
	if err := s.ZoneCreate(ctx(t), &bad); err == nil {
		t.Error("ZoneCreate with type \"tertiary\" succeeded")
	}
}

func testZoneDomainUnique(t *testing.T, s store.Store) {
	a, b := newCustomer(t, s), newCustomer(t, s)
	za := newZone(t, s, a, "unique.example", store.ZoneTypePrimary)
	for _, tc := range []struct {
		name string
		z    store.Zone
	}{
		{"same customer", store.Zone{CustomerID: a, Domain: "unique.example", Type: store.ZoneTypeSecondary, MasterNameserver: "192.0.2.1"}},
		{"other customer", store.Zone{CustomerID: b, Domain: "unique.example", Type: store.ZoneTypePrimary}},
	} {
		z := tc.z
		wantErr(t, "ZoneCreate(duplicate domain, "+tc.name+")", s.ZoneCreate(ctx(t), &z), store.ErrConflict)
	}
	if got, err := s.ZoneByDomain(ctx(t), "unique.example"); err != nil || got != za {
		t.Errorf("after duplicates ZoneByDomain = %+v, %v; want %+v", got, err, za)
	}
	unknown := store.Zone{CustomerID: b + 1000, Domain: "orphan.example", Type: store.ZoneTypePrimary}
	wantErr(t, "ZoneCreate(unknown customer)", s.ZoneCreate(ctx(t), &unknown), store.ErrNotFound)
	// Concurrent creations of one domain: exactly one wins.
	const n = 8
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			z := store.Zone{CustomerID: []int64{a, b}[i%2], Domain: "race.example", Type: store.ZoneTypePrimary}
			errs[i] = s.ZoneCreate(ctx(t), &z)
		})
	}
	wg.Wait()
	won := 0
	for _, err := range errs {
		switch {
		case err == nil:
			won++
		case !errors.Is(err, store.ErrConflict):
			t.Errorf("concurrent ZoneCreate: %v", err)
		}
	}
	if won != 1 {
		t.Errorf("%d concurrent creations of one domain succeeded, want 1", won)
	}
}

func testZoneScoping(t *testing.T, s store.Store) {
	a, b := newCustomer(t, s), newCustomer(t, s)
	za := newZone(t, s, a, "scoped.example", store.ZoneTypePrimary)
	recs := sampleRecords("a", 3)
	if err := s.ZoneRecordsReplace(ctx(t), store.ZoneRecordsReplaceParams{
		CustomerID: a, ZoneID: za.ID, ExpectSerial: za.Serial, NewSerial: za.Serial + 1, Records: recs, UpdatedAt: 2000,
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ZoneGet(ctx(t), b, za.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("customer b got a's zone: %v", err)
	}
	if _, err := s.ZoneRecords(ctx(t), b, za.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("customer b got a's records: %v", err)
	}
	if list, err := s.ZoneList(ctx(t), b); err != nil || len(list) != 0 {
		t.Errorf("ZoneList(b) = %+v, %v; want empty", list, err)
	}
	err := s.ZoneRecordsReplace(ctx(t), store.ZoneRecordsReplaceParams{
		CustomerID: b, ZoneID: za.ID, ExpectSerial: za.Serial + 1, NewSerial: za.Serial + 2, UpdatedAt: 3000,
	})
	wantErr(t, "ZoneRecordsReplace(other customer)", err, store.ErrNotFound)
	wantErr(t, "ZoneDelete(other customer)", s.ZoneDelete(ctx(t), b, za.ID), store.ErrNotFound)
	got, err := s.ZoneGet(ctx(t), a, za.ID)
	if err != nil || got.Serial != za.Serial+1 || got.UpdatedAt != 2000 {
		t.Errorf("a's zone after b's attempts: %+v, %v", got, err)
	}
	if r := mustZoneRecords(t, s, a, za.ID); !equalRecords(r, recs) {
		t.Errorf("a's records after b's attempts: %+v", r)
	}
}

func testZoneRecordsReplace(t *testing.T, s store.Store) {
	cust := newCustomer(t, s)
	z := newZone(t, s, cust, "records.example", store.ZoneTypePrimary)
	other := newZone(t, s, cust, "other-records.example", store.ZoneTypePrimary)
	otherRecs := sampleRecords("other", 2)
	if err := s.ZoneRecordsReplace(ctx(t), store.ZoneRecordsReplaceParams{
		CustomerID: cust, ZoneID: other.ID, ExpectSerial: other.Serial, NewSerial: other.Serial + 1, Records: otherRecs,
	}); err != nil {
		t.Fatal(err)
	}
	// Every field, empty names and unusual text, in a given order.
	recs := []store.ZoneRecord{
		{Name: "@", TTL: 3600, Type: "MX", Data1: "10", Data2: "mail.records.example."},
		{Name: "", TTL: 3600, Type: "TXT", Data1: `v=spf1 mx -all "quoted" — zażółć`},
		{Name: "_sip._tcp", TTL: 60, Type: "SRV", Data1: "10", Data2: "5", Data3: "5060", Data4: "sip"},
		{Name: "www.records.example.", TTL: 604800, Type: "CNAME", Data1: "@"},
		{Name: "@", TTL: 300, Type: "CAA", Data1: "0", Data2: "issue", Data3: "letsencrypt.org"},
		{Name: "@", TTL: 300, Type: "A", Data1: "192.0.2.1"},
	}
	serial := z.Serial
	steps := []struct {
		name string
		recs []store.ZoneRecord
	}{
		{"first set", recs},
		{"reordered", []store.ZoneRecord{recs[5], recs[0], recs[3]}},
		{"emptied", nil},
		// More than one INSERT batch.
		{"many", sampleRecords("many", 250)},
		{"again", recs},
	}
	for i, st := range steps {
		err := s.ZoneRecordsReplace(ctx(t), store.ZoneRecordsReplaceParams{
			CustomerID: cust, ZoneID: z.ID, ExpectSerial: serial, NewSerial: serial + 1, Records: st.recs, UpdatedAt: int64(5000 + i),
		})
		if err != nil {
			t.Fatalf("%s: ZoneRecordsReplace: %v", st.name, err)
		}
		serial++
		if got := mustZoneRecords(t, s, cust, z.ID); !equalRecords(got, st.recs) {
			t.Errorf("%s: records\n got %+v\nwant %+v", st.name, got, st.recs)
		}
		got, err := s.ZoneGet(ctx(t), cust, z.ID)
		if err != nil || got.Serial != serial || got.UpdatedAt != int64(5000+i) || got.CreatedAt != z.CreatedAt {
			t.Errorf("%s: zone %+v, %v; want serial %d, updated %d", st.name, got, err, serial, 5000+i)
		}
	}
	// A stale serial changes nothing.
	for _, stale := range []int64{serial - 1, serial + 1, 0} {
		err := s.ZoneRecordsReplace(ctx(t), store.ZoneRecordsReplaceParams{
			CustomerID: cust, ZoneID: z.ID, ExpectSerial: stale, NewSerial: serial + 10, Records: sampleRecords("stale", 1), UpdatedAt: 9999,
		})
		wantErr(t, fmt.Sprintf("ZoneRecordsReplace(serial %d, current %d)", stale, serial), err, store.ErrStale)
	}
	if got, _ := s.ZoneGet(ctx(t), cust, z.ID); got.Serial != serial || got.UpdatedAt == 9999 {
		t.Errorf("stale replacement changed the zone: %+v", got)
	}
	if got := mustZoneRecords(t, s, cust, z.ID); !equalRecords(got, recs) {
		t.Errorf("stale replacement changed the records: %+v", got)
	}
	err := s.ZoneRecordsReplace(ctx(t), store.ZoneRecordsReplaceParams{CustomerID: cust, ZoneID: z.ID + 1000, ExpectSerial: serial})
	wantErr(t, "ZoneRecordsReplace(missing zone)", err, store.ErrNotFound)
	// The other zone was never touched.
	if got := mustZoneRecords(t, s, cust, other.ID); !equalRecords(got, otherRecs) {
		t.Errorf("other zone's records changed: %+v", got)
	}
	if _, err := s.ZoneRecords(ctx(t), cust, z.ID+1000); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("ZoneRecords(missing zone): %v, want ErrNotFound", err)
	}
}

// testZoneRecordsReplaceConcurrent races replacements with the same
// expected serial: exactly one wins, the rest are ErrStale, and the zone
// holds the winner's records.
func testZoneRecordsReplaceConcurrent(t *testing.T, s store.Store) {
	cust := newCustomer(t, s)
	z := newZone(t, s, cust, "race-records.example", store.ZoneTypePrimary)
	const writers, rounds = 8, 5
	serial := z.Serial
	for round := range rounds {
		// Writers 0..writers-1 read the zone and then swap in a
		// transaction, as the panel does; the others call the store
		// directly.
		recsOf := func(i int) []store.ZoneRecord { return sampleRecords(fmt.Sprintf("r%d-w%d", round, i), 1+i%writers) }
		params := func(i int) store.ZoneRecordsReplaceParams {
			return store.ZoneRecordsReplaceParams{CustomerID: cust, ZoneID: z.ID, ExpectSerial: serial,
				NewSerial: serial + 1, Records: recsOf(i), UpdatedAt: int64(round)}
		}
		errs := make([]error, 2*writers)
		start := make(chan struct{})
		var wg sync.WaitGroup
		for i := range errs {
			wg.Go(func() {
				<-start
				if i >= writers {
					errs[i] = s.ZoneRecordsReplace(ctx(t), params(i))
					return
				}
				errs[i] = s.InTx(ctx(t), func(tx store.Store) error {
					cur, err := tx.ZoneGet(ctx(t), cust, z.ID)
					if err != nil {
						return err
					}
					if cur.Serial != serial {
						return store.ErrStale
					}
					return tx.ZoneRecordsReplace(ctx(t), params(i))
				})
			})
		}
		close(start)
		wg.Wait()
		winner := -1
		for i, err := range errs {
			switch {
			case err == nil:
				if winner >= 0 {
					t.Errorf("round %d: writers %d and %d both succeeded", round, winner, i)
				}
				winner = i
			case !errors.Is(err, store.ErrStale):
				t.Errorf("round %d writer %d: %v, want nil or ErrStale", round, i, err)
			}
		}
		if winner < 0 {
			t.Fatalf("round %d: no writer succeeded", round)
		}
		serial++
		got, err := s.ZoneGet(ctx(t), cust, z.ID)
		if err != nil || got.Serial != serial {
			t.Fatalf("round %d: zone %+v, %v; want serial %d", round, got, err, serial)
		}
		if recs, want := mustZoneRecords(t, s, cust, z.ID), recsOf(winner); !equalRecords(recs, want) {
			t.Fatalf("round %d: records %+v, want the winner's (%d) %+v", round, recs, winner, want)
		}
	}
}

func testZoneDelete(t *testing.T, s store.Store) {
	cust := newCustomer(t, s)
	z := newZone(t, s, cust, "delete.example", store.ZoneTypePrimary)
	keep := newZone(t, s, cust, "keep.example", store.ZoneTypeSecondary)
	if err := s.ZoneRecordsReplace(ctx(t), store.ZoneRecordsReplaceParams{
		CustomerID: cust, ZoneID: z.ID, ExpectSerial: z.Serial, NewSerial: z.Serial + 1, Records: sampleRecords("d", 4),
	}); err != nil {
		t.Fatal(err)
	}
	if err := s.ZoneDelete(ctx(t), cust, z.ID); err != nil {
		t.Fatalf("ZoneDelete: %v", err)
	}
	if _, err := s.ZoneGet(ctx(t), cust, z.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("deleted zone: %v", err)
	}
	if _, err := s.ZoneRecords(ctx(t), cust, z.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("records of deleted zone: %v", err)
	}
	if _, err := s.ZoneByDomain(ctx(t), "delete.example"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("ZoneByDomain of deleted zone: %v", err)
	}
	wantErr(t, "ZoneDelete(again)", s.ZoneDelete(ctx(t), cust, z.ID), store.ErrNotFound)
	all, err := s.ZonesAll(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 1 || all[0].ID != keep.ID || len(all[0].Records) != 0 {
		t.Errorf("ZonesAll after delete: %+v", all)
	}
	// The domain is free again; the new zone starts without records.
	again := newZone(t, s, cust, "delete.example", store.ZoneTypePrimary)
	if again.ID == z.ID {
		t.Errorf("id %d reused", z.ID)
	}
	if recs := mustZoneRecords(t, s, cust, again.ID); len(recs) != 0 {
		t.Errorf("re-added zone has records %+v", recs)
	}
}

func testZonesAll(t *testing.T, s store.Store) {
	if all, err := s.ZonesAll(ctx(t)); err != nil || len(all) != 0 {
		t.Fatalf("ZonesAll of an empty store: %+v, %v", all, err)
	}
	a, b := newCustomer(t, s), newCustomer(t, s)
	want := []store.ZoneWithRecords{}
	for i, tc := range []struct {
		cust   int64
		domain string
		typ    string
		n      int
	}{
		{b, "b-one.example", store.ZoneTypePrimary, 3},
		{a, "a-empty.example", store.ZoneTypePrimary, 0},
		{a, "a-secondary.example", store.ZoneTypeSecondary, 0},
		{a, "a-two.example", store.ZoneTypePrimary, 130},
		{b, "b-two.example", store.ZoneTypePrimary, 1},
	} {
		z := newZone(t, s, tc.cust, tc.domain, tc.typ)
		var recs []store.ZoneRecord
		if tc.n > 0 {
			recs = sampleRecords(tc.domain, tc.n)
			if err := s.ZoneRecordsReplace(ctx(t), store.ZoneRecordsReplaceParams{
				CustomerID: tc.cust, ZoneID: z.ID, ExpectSerial: z.Serial, NewSerial: z.Serial + 1, Records: recs, UpdatedAt: int64(i),
			}); err != nil {
				t.Fatal(err)
			}
			z.Serial++
			z.UpdatedAt = int64(i)
		}
		want = append(want, store.ZoneWithRecords{Zone: z, Records: recs})
	}
	all, err := s.ZonesAll(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != len(want) {
		t.Fatalf("ZonesAll has %d zones, want %d", len(all), len(want))
	}
	for i := range want {
		if all[i].Zone != want[i].Zone || !equalRecords(all[i].Records, want[i].Records) {
			t.Errorf("ZonesAll[%d] = %+v (%d records), want %+v (%d records)", i, all[i].Zone, len(all[i].Records), want[i].Zone, len(want[i].Records))
		}
	}
}

func testDomainAllowed(t *testing.T, s store.Store) {
	a, b := newCustomer(t, s), newCustomer(t, s)
	for _, d := range []string{"allowed.example", "xn--przykad-rjb.pl", "allowed.example"} {
		if err := s.AllowanceAdd(ctx(t), a, d); err != nil {
			t.Fatalf("AllowanceAdd(%s): %v", d, err)
		}
	}
	wantErr(t, "AllowanceAdd(unknown customer)", s.AllowanceAdd(ctx(t), b+1000, "x.example"), store.ErrNotFound)
	for _, tc := range []struct {
		cust   int64
		domain string
		want   bool
	}{
		{a, "allowed.example", true},
		{a, "shop.allowed.example", true},
		{a, "a.b.c.allowed.example", true},
		{a, "xn--przykad-rjb.pl", true},
		{a, "www.xn--przykad-rjb.pl", true},
		{a, "notallowed.example", false}, // a suffix, not a parent
		{a, "xallowed.example", false},
		{a, "example", false}, // the parent of an allowance
		{a, "allowed.example.com", false},
		{a, "llowed.example", false},
		{a, "", false},
		{b, "allowed.example", false},
		{b, "shop.allowed.example", false},
	} {
		got, err := s.DomainAllowed(ctx(t), tc.cust, tc.domain)
		if err != nil || got != tc.want {
			name := "a"
			if tc.cust == b {
				name = "b"
			}
			t.Errorf("DomainAllowed(%s, %q) = %v, %v; want %v", name, tc.domain, got, err, tc.want)
		}
	}
	// Inside a transaction too.
	err := s.InTx(ctx(t), func(tx store.Store) error {
		if err := tx.AllowanceAdd(ctx(t), b, "beta.example"); err != nil {
			return err
		}
		ok, err := tx.DomainAllowed(ctx(t), b, "www.beta.example")
		if err != nil || !ok {
			return fmt.Errorf("DomainAllowed in tx = %v, %v", ok, err)
		}
		return errors.New("roll back")
	})
	if err == nil || err.Error() != "roll back" {
		t.Fatalf("InTx: %v", err)
	}
	if ok, err := s.DomainAllowed(ctx(t), b, "beta.example"); err != nil || ok {
		t.Errorf("rolled back allowance: %v, %v", ok, err)
	}
}

func testZoneTx(t *testing.T, s store.Store) {
	cust := newCustomer(t, s)
	z := newZone(t, s, cust, "tx.example", store.ZoneTypePrimary)
	errBoom := errors.New("boom")
	var created int64
	err := s.InTx(ctx(t), func(tx store.Store) error {
		if err := tx.ZoneRecordsReplace(ctx(t), store.ZoneRecordsReplaceParams{
			CustomerID: cust, ZoneID: z.ID, ExpectSerial: z.Serial, NewSerial: z.Serial + 1, Records: sampleRecords("tx", 2),
		}); err != nil {
			return err
		}
		if got, err := tx.ZoneRecords(ctx(t), cust, z.ID); err != nil || len(got) != 2 {
			return fmt.Errorf("records in tx: %v, %v", got, err)
		}
		n := store.Zone{CustomerID: cust, Domain: "tx-new.example", Type: store.ZoneTypePrimary}
		if err := tx.ZoneCreate(ctx(t), &n); err != nil {
			return err
		}
		created = n.ID
		if err := tx.ZoneDelete(ctx(t), cust, z.ID); err != nil {
			return err
		}
		return errBoom
	})
	if err != errBoom {
		t.Fatalf("InTx: %v", err)
	}
	got, err := s.ZoneGet(ctx(t), cust, z.ID)
	if err != nil || got != z {
		t.Errorf("zone after rollback: %+v, %v; want %+v", got, err, z)
	}
	if recs := mustZoneRecords(t, s, cust, z.ID); len(recs) != 0 {
		t.Errorf("records after rollback: %+v", recs)
	}
	if _, err := s.ZoneGet(ctx(t), cust, created); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("zone created in rolled back tx: %v", err)
	}
	// Explicit ids inside a transaction (the PostgreSQL sequence sync runs
	// in it).
	err = s.InTx(ctx(t), func(tx store.Store) error {
		n := store.Zone{ID: 7000, CustomerID: cust, Domain: "tx-explicit.example", Type: store.ZoneTypePrimary}
		return tx.ZoneCreate(ctx(t), &n)
	})
	if err != nil {
		t.Fatalf("ZoneCreate(explicit id) in tx: %v", err)
	}
	if _, err := s.ZoneGet(ctx(t), cust, 7000); err != nil {
		t.Errorf("zone 7000: %v", err)
	}
}
