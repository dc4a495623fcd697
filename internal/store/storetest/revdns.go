package storetest

import (
	"errors"
	"fmt"
	"reflect"
	"sync"
	"testing"

	"github.com/artnet-panel/artnet-panel/internal/store"
)

// revDNSTests are the conformance tests of the store's revdns part.
var revDNSTests = []namedTest{
	{"PTRRoundTrip", testPTRRoundTrip},
	{"PTRScoping", testPTRScoping},
	{"PTRReplaceStale", testPTRReplaceStale},
	{"PTRReplaceErrors", testPTRReplaceErrors},
	{"PTRReplaceConcurrent", testPTRReplaceConcurrent},
	{"PTRsAll", testPTRsAll},
	{"PTRTx", testPTRTx},
}

const (
	revZone4 = "124.123.123.in-addr.arpa"
	revZone6 = "0.0.0.0.8.7.6.5.4.3.2.1.1.0.a.2.ip6.arpa"
)

func mustPTRList(t *testing.T, s store.Store, customerID, subnetworkID int64, subclass string) []store.PTRRecord {
	t.Helper()
	list, err := s.PTRList(ctx(t), customerID, subnetworkID, subclass)
	if err != nil {
		t.Fatalf("PTRList(%d, %d, %s): %v", customerID, subnetworkID, subclass, err)
	}
	return list
}

func equalPTRs(a, b []store.PTRRecord) bool {
	return len(a) == len(b) && (len(a) == 0 || reflect.DeepEqual(a, b))
}

func mustPTRReplace(t *testing.T, s store.Store, p store.PTRReplaceParams) {
	t.Helper()
	if err := s.PTRReplace(ctx(t), p); err != nil {
		t.Fatalf("PTRReplace(%+v): %v", p, err)
	}
}

func samplePTRs(tag string, n int) []store.PTRRecord {
	out := make([]store.PTRRecord, n)
	for i := range out {
		out[i] = store.PTRRecord{Address: fmt.Sprintf("123.123.124.%d", i), PTR: fmt.Sprintf("h%d.%s.example", i, tag)}
	}
	// Byte order of the addresses.
	return sortedPTRs(out)
}

func sortedPTRs(in []store.PTRRecord) []store.PTRRecord {
	out := append([]store.PTRRecord(nil), in...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j].Address < out[i].Address {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}

func testPTRRoundTrip(t *testing.T, s store.Store) {
	cust := newCustomer(t, s)
	const sub, sc = 501, "123.123.124"
	if _, err := s.PTRSubclassGet(ctx(t), cust, sub, sc); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("PTRSubclassGet of a subclass never written: %v, want ErrNotFound", err)
	}
	if list := mustPTRList(t, s, cust, sub, sc); list != nil {
		t.Errorf("PTRList of a subclass never written = %+v, want nil", list)
	}
	if _, err := s.ReverseZoneGet(ctx(t), revZone4); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("ReverseZoneGet of a zone never written: %v, want ErrNotFound", err)
	}
	// Given out of order; listed in byte order of the address.
	recs := []store.PTRRecord{
		{Address: "123.123.124.5", PTR: "mail.example.com"},
		{Address: "123.123.124.1", PTR: "xn--przykad-rjb.pl"},
		{Address: "123.123.124.10", PTR: "a.b.c.example"},
	}
	mustPTRReplace(t, s, store.PTRReplaceParams{CustomerID: cust, SubnetworkID: sub, Subclass: sc, Zone: revZone4,
		ExpectSerial: 0, NewSerial: 2025061501, UpdatedAt: 1000, Records: recs})
	got, err := s.PTRSubclassGet(ctx(t), cust, sub, sc)
	want := store.PTRSubclass{CustomerID: cust, SubnetworkID: sub, Subclass: sc, Zone: revZone4, Serial: 2025061501, UpdatedAt: 1000}
	if err != nil || got != want {
		t.Errorf("PTRSubclassGet = %+v, %v; want %+v", got, err, want)
	}
	if list := mustPTRList(t, s, cust, sub, sc); !equalPTRs(list, sortedPTRs(recs)) {
		t.Errorf("PTRList = %+v, want %+v", list, sortedPTRs(recs))
	}
	z, err := s.ReverseZoneGet(ctx(t), revZone4)
	if err != nil || z.Name != revZone4 || z.Serial != 2025061501 || z.UpdatedAt != 1000 || len(z.PTRs) != 3 {
		t.Fatalf("ReverseZoneGet = %+v, %v", z, err)
	}
	for i, r := range sortedPTRs(recs) {
		if w := (store.PTR{CustomerID: cust, SubnetworkID: sub, Subclass: sc, PTRRecord: r}); z.PTRs[i] != w {
			t.Errorf("ReverseZoneGet PTR %d = %+v, want %+v", i, z.PTRs[i], w)
		}
	}

	// Replacements: another set, many (more than one INSERT batch), none,
	// an IPv6 subclass of the same subnetwork id.
	serial := int64(2025061501)
	for i, st := range []struct {
		name string
		recs []store.PTRRecord
	}{
		{"changed", []store.PTRRecord{{Address: "123.123.124.5", PTR: "other.example.com"}}},
		{"many", samplePTRs("many", 250)},
		{"emptied", nil},
		{"again", recs},
	} {
		mustPTRReplace(t, s, store.PTRReplaceParams{CustomerID: cust, SubnetworkID: sub, Subclass: sc, Zone: revZone4,
			ExpectSerial: serial, NewSerial: serial + 1, UpdatedAt: int64(2000 + i), Records: st.recs})
		serial++
		if list := mustPTRList(t, s, cust, sub, sc); !equalPTRs(list, sortedPTRs(st.recs)) {
			t.Errorf("%s: PTRList has %d records, want %d", st.name, len(list), len(st.recs))
		}
		got, err := s.PTRSubclassGet(ctx(t), cust, sub, sc)
		if err != nil || got.Serial != serial || got.UpdatedAt != int64(2000+i) {
			t.Errorf("%s: PTRSubclassGet = %+v, %v; want serial %d", st.name, got, err, serial)
		}
	}
	v6 := []store.PTRRecord{{Address: "2a01:1234:5678::1", PTR: "v6.example.com"}, {Address: "2a01:1234:5678::a", PTR: "v6a.example.com"}}
	mustPTRReplace(t, s, store.PTRReplaceParams{CustomerID: cust, SubnetworkID: 502, Subclass: "2a01:1234:5678::/64", Zone: revZone6,
		NewSerial: 7, Records: v6})
	if list := mustPTRList(t, s, cust, 502, "2a01:1234:5678::/64"); !equalPTRs(list, v6) {
		t.Errorf("IPv6 PTRList = %+v", list)
	}
	if list := mustPTRList(t, s, cust, sub, sc); !equalPTRs(list, sortedPTRs(recs)) {
		t.Errorf("another subnetwork's replacement changed %s: %+v", sc, list)
	}
}

func testPTRScoping(t *testing.T, s store.Store) {
	a, b := newCustomer(t, s), newCustomer(t, s)
	const sub, sc = 501, "123.123.124"
	recs := samplePTRs("a", 3)
	mustPTRReplace(t, s, store.PTRReplaceParams{CustomerID: a, SubnetworkID: sub, Subclass: sc, Zone: revZone4,
		NewSerial: 100, UpdatedAt: 1, Records: recs})
	if _, err := s.PTRSubclassGet(ctx(t), b, sub, sc); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("customer b got a's subclass: %v", err)
	}
	if list := mustPTRList(t, s, b, sub, sc); len(list) != 0 {
		t.Errorf("customer b lists a's records: %+v", list)
	}
	// b swapping against a's serial: b has no such subclass (serial 0).
	err := s.PTRReplace(ctx(t), store.PTRReplaceParams{CustomerID: b, SubnetworkID: sub, Subclass: sc, Zone: revZone4,
		ExpectSerial: 100, NewSerial: 101, Records: samplePTRs("b", 1)})
	wantErr(t, "PTRReplace(b, a's serial)", err, store.ErrStale)
	// Other subclasses and subnetworks of a are other rows.
	for _, k := range []struct {
		sub int64
		sc  string
	}{{sub, "123.123.125"}, {502, sc}} {
		if _, err := s.PTRSubclassGet(ctx(t), a, k.sub, k.sc); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("PTRSubclassGet(a, %d, %s): %v, want ErrNotFound", k.sub, k.sc, err)
		}
		if list := mustPTRList(t, s, a, k.sub, k.sc); len(list) != 0 {
			t.Errorf("PTRList(a, %d, %s) = %+v", k.sub, k.sc, list)
		}
	}
	got, err := s.PTRSubclassGet(ctx(t), a, sub, sc)
	if err != nil || got.Serial != 100 {
		t.Errorf("a's subclass after b's attempt: %+v, %v", got, err)
	}
	if list := mustPTRList(t, s, a, sub, sc); !equalPTRs(list, recs) {
		t.Errorf("a's records after b's attempt: %+v", list)
	}
}

func testPTRReplaceStale(t *testing.T, s store.Store) {
	cust := newCustomer(t, s)
	const sub, sc = 501, "123.123.124"
	// A subclass never written has serial 0 only.
	for _, stale := range []int64{1, -1, 2025061501} {
		err := s.PTRReplace(ctx(t), store.PTRReplaceParams{CustomerID: cust, SubnetworkID: sub, Subclass: sc, Zone: revZone4,
			ExpectSerial: stale, NewSerial: 2025061502, Records: samplePTRs("x", 1)})
		wantErr(t, fmt.Sprintf("PTRReplace(new subclass, serial %d)", stale), err, store.ErrStale)
	}
	if _, err := s.PTRSubclassGet(ctx(t), cust, sub, sc); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("stale replacements created the subclass: %v", err)
	}
	if _, err := s.ReverseZoneGet(ctx(t), revZone4); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("stale replacements created the zone: %v", err)
	}
	recs := samplePTRs("a", 2)
	mustPTRReplace(t, s, store.PTRReplaceParams{CustomerID: cust, SubnetworkID: sub, Subclass: sc, Zone: revZone4,
		NewSerial: 2025061501, UpdatedAt: 5, Records: recs})
	for _, stale := range []int64{0, 2025061500, 2025061502} {
		err := s.PTRReplace(ctx(t), store.PTRReplaceParams{CustomerID: cust, SubnetworkID: sub, Subclass: sc, Zone: revZone4,
			ExpectSerial: stale, NewSerial: 2025061599, UpdatedAt: 9999, Records: samplePTRs("stale", 5)})
		wantErr(t, fmt.Sprintf("PTRReplace(serial %d, current 2025061501)", stale), err, store.ErrStale)
	}
	got, err := s.PTRSubclassGet(ctx(t), cust, sub, sc)
	if err != nil || got.Serial != 2025061501 || got.UpdatedAt != 5 {
		t.Errorf("stale replacements changed the subclass: %+v, %v", got, err)
	}
	if list := mustPTRList(t, s, cust, sub, sc); !equalPTRs(list, recs) {
		t.Errorf("stale replacements changed the records: %+v", list)
	}
	if z, err := s.ReverseZoneGet(ctx(t), revZone4); err != nil || z.Serial != 2025061501 || z.UpdatedAt != 5 {
		t.Errorf("stale replacements changed the zone: %+v, %v", z, err)
	}
}

func testPTRReplaceErrors(t *testing.T, s store.Store) {
	cust := newCustomer(t, s)
	const sub, sc = 501, "123.123.124"
	err := s.PTRReplace(ctx(t), store.PTRReplaceParams{CustomerID: cust + 1000, SubnetworkID: sub, Subclass: sc, Zone: revZone4,
		NewSerial: 1, Records: samplePTRs("x", 1)})
	wantErr(t, "PTRReplace(unknown customer)", err, store.ErrNotFound)
	if _, err := s.ReverseZoneGet(ctx(t), revZone4); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a failed replacement created the zone: %v", err)
	}
	recs := samplePTRs("a", 2)
	mustPTRReplace(t, s, store.PTRReplaceParams{CustomerID: cust, SubnetworkID: sub, Subclass: sc, Zone: revZone4,
		NewSerial: 10, Records: recs})
	dup := []store.PTRRecord{{Address: "123.123.124.7", PTR: "a.example"}, {Address: "123.123.124.7", PTR: "b.example"}}
	err = s.PTRReplace(ctx(t), store.PTRReplaceParams{CustomerID: cust, SubnetworkID: sub, Subclass: sc, Zone: revZone4,
		ExpectSerial: 10, NewSerial: 11, Records: dup})
	wantErr(t, "PTRReplace(duplicate address)", err, store.ErrConflict)
	if got, err := s.PTRSubclassGet(ctx(t), cust, sub, sc); err != nil || got.Serial != 10 {
		t.Errorf("a failed replacement changed the serial: %+v, %v", got, err)
	}
	if list := mustPTRList(t, s, cust, sub, sc); !equalPTRs(list, recs) {
		t.Errorf("a failed replacement changed the records: %+v", list)
	}
	if z, err := s.ReverseZoneGet(ctx(t), revZone4); err != nil || z.Serial != 10 {
		t.Errorf("a failed replacement changed the zone: %+v, %v", z, err)
	}
}

// testPTRReplaceConcurrent races replacements with the same expected
// serial, starting with the creation of the subclass (serial 0): exactly
// one wins, the rest are ErrStale, and the subclass holds the winner's
// records.
func testPTRReplaceConcurrent(t *testing.T, s store.Store) {
	cust := newCustomer(t, s)
	const sub, sc = 501, "123.123.124"
	const writers, rounds = 8, 4
	serial := int64(0)
	for round := range rounds {
		recsOf := func(i int) []store.PTRRecord { return samplePTRs(fmt.Sprintf("r%d-w%d", round, i), 1+i%writers) }
		params := func(i int) store.PTRReplaceParams {
			return store.PTRReplaceParams{CustomerID: cust, SubnetworkID: sub, Subclass: sc, Zone: revZone4,
				ExpectSerial: serial, NewSerial: serial + 1, UpdatedAt: int64(round), Records: recsOf(i)}
		}
		errs := make([]error, 2*writers)
		start := make(chan struct{})
		var wg sync.WaitGroup
		for i := range errs {
			wg.Go(func() {
				<-start
				if i >= writers {
					errs[i] = s.PTRReplace(ctx(t), params(i))
					return
				}
				// Read, then swap in a transaction, as the panel does.
				errs[i] = s.InTx(ctx(t), func(tx store.Store) error {
					cur, err := tx.PTRSubclassGet(ctx(t), cust, sub, sc)
					if errors.Is(err, store.ErrNotFound) {
						cur.Serial, err = 0, nil
					}
					if err != nil {
						return err
					}
					if cur.Serial != serial {
						return store.ErrStale
					}
					if _, err := tx.PTRList(ctx(t), cust, sub, sc); err != nil {
						return err
					}
					return tx.PTRReplace(ctx(t), params(i))
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
		got, err := s.PTRSubclassGet(ctx(t), cust, sub, sc)
		if err != nil || got.Serial != serial {
			t.Fatalf("round %d: subclass %+v, %v; want serial %d", round, got, err, serial)
		}
		if list, want := mustPTRList(t, s, cust, sub, sc), recsOf(winner); !equalPTRs(list, want) {
			t.Fatalf("round %d: records %+v, want the winner's (%d) %+v", round, list, winner, want)
		}
		if z, err := s.ReverseZoneGet(ctx(t), revZone4); err != nil || z.Serial != serial {
			t.Fatalf("round %d: zone %+v, %v; want serial %d", round, z, err, serial)
		}
	}
}

func testPTRsAll(t *testing.T, s store.Store) {
	if all, err := s.PTRsAll(ctx(t)); err != nil || len(all) != 0 {
		t.Fatalf("PTRsAll of an empty store: %+v, %v", all, err)
	}
	a, b := newCustomer(t, s), newCustomer(t, s)
	// a and b share the /24 zone (a /29 each); a has an IPv6 zone; b's
	// other zone ends up empty.
	mustPTRReplace(t, s, store.PTRReplaceParams{CustomerID: b, SubnetworkID: 601, Subclass: "123.123.124", Zone: revZone4,
		NewSerial: 2025061503, UpdatedAt: 10, Records: []store.PTRRecord{{Address: "123.123.124.9", PTR: "b9.example"}}})
	mustPTRReplace(t, s, store.PTRReplaceParams{CustomerID: a, SubnetworkID: 501, Subclass: "123.123.124", Zone: revZone4,
		NewSerial: 2025061501, UpdatedAt: 11, Records: []store.PTRRecord{
			{Address: "123.123.124.2", PTR: "a2.example"}, {Address: "123.123.124.10", PTR: "a10.example"}}})
	mustPTRReplace(t, s, store.PTRReplaceParams{CustomerID: a, SubnetworkID: 502, Subclass: "2a01:1234:5678::/64", Zone: revZone6,
		NewSerial: 2025061501, UpdatedAt: 12, Records: []store.PTRRecord{{Address: "2a01:1234:5678::1", PTR: "v6.example"}}})
	const emptied = "125.123.123.in-addr.arpa"
	mustPTRReplace(t, s, store.PTRReplaceParams{CustomerID: b, SubnetworkID: 602, Subclass: "123.123.125", Zone: emptied,
		NewSerial: 2025061501, UpdatedAt: 13, Records: []store.PTRRecord{{Address: "123.123.125.1", PTR: "gone.example"}}})
	mustPTRReplace(t, s, store.PTRReplaceParams{CustomerID: b, SubnetworkID: 602, Subclass: "123.123.125", Zone: emptied,
		ExpectSerial: 2025061501, NewSerial: 2025061502, UpdatedAt: 14})
	// A subclass in a zone with no records left of its own.
	mustPTRReplace(t, s, store.PTRReplaceParams{CustomerID: b, SubnetworkID: 603, Subclass: "123.123.124", Zone: revZone4,
		NewSerial: 2025061501, UpdatedAt: 15})

	// Zone serials: created with the first NewSerial, then max(serial+1,
	// NewSerial): b 2025061503, a's 2025061501 → 2025061504, b's empty
	// subclass → 2025061505.
	want := []store.ReverseZone{
		{Name: "0.0.0.0.8.7.6.5.4.3.2.1.1.0.a.2.ip6.arpa", Serial: 2025061501, UpdatedAt: 12, PTRs: []store.PTR{
			{CustomerID: a, SubnetworkID: 502, Subclass: "2a01:1234:5678::/64", PTRRecord: store.PTRRecord{Address: "2a01:1234:5678::1", PTR: "v6.example"}},
		}},
		{Name: revZone4, Serial: 2025061505, UpdatedAt: 15, PTRs: []store.PTR{
			{CustomerID: a, SubnetworkID: 501, Subclass: "123.123.124", PTRRecord: store.PTRRecord{Address: "123.123.124.10", PTR: "a10.example"}},
			{CustomerID: a, SubnetworkID: 501, Subclass: "123.123.124", PTRRecord: store.PTRRecord{Address: "123.123.124.2", PTR: "a2.example"}},
			{CustomerID: b, SubnetworkID: 601, Subclass: "123.123.124", PTRRecord: store.PTRRecord{Address: "123.123.124.9", PTR: "b9.example"}},
		}},
		{Name: emptied, Serial: 2025061502, UpdatedAt: 14},
	}
	all, err := s.PTRsAll(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(all, want) {
		t.Errorf("PTRsAll:\n got %+v\nwant %+v", all, want)
	}
	for _, w := range want {
		z, err := s.ReverseZoneGet(ctx(t), w.Name)
		if err != nil || !reflect.DeepEqual(z, w) {
			t.Errorf("ReverseZoneGet(%s) = %+v, %v; want %+v", w.Name, z, err, w)
		}
	}
	if _, err := s.ReverseZoneGet(ctx(t), "126.123.123.in-addr.arpa"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("ReverseZoneGet(never written): %v", err)
	}
	// Inside a transaction too.
	err = s.InTx(ctx(t), func(tx store.Store) error {
		all, err := tx.PTRsAll(ctx(t))
		if err != nil || len(all) != len(want) {
			return fmt.Errorf("PTRsAll in tx: %d zones, %v", len(all), err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func testPTRTx(t *testing.T, s store.Store) {
	cust := newCustomer(t, s)
	const sub, sc = 501, "123.123.124"
	recs := samplePTRs("a", 2)
	mustPTRReplace(t, s, store.PTRReplaceParams{CustomerID: cust, SubnetworkID: sub, Subclass: sc, Zone: revZone4,
		NewSerial: 10, UpdatedAt: 1, Records: recs})
	errBoom := errors.New("boom")
	err := s.InTx(ctx(t), func(tx store.Store) error {
		if err := tx.PTRReplace(ctx(t), store.PTRReplaceParams{CustomerID: cust, SubnetworkID: sub, Subclass: sc, Zone: revZone4,
			ExpectSerial: 10, NewSerial: 11, UpdatedAt: 2, Records: samplePTRs("tx", 4)}); err != nil {
			return err
		}
		if list, err := tx.PTRList(ctx(t), cust, sub, sc); err != nil || len(list) != 4 {
			return fmt.Errorf("records in tx: %+v, %v", list, err)
		}
		if got, err := tx.PTRSubclassGet(ctx(t), cust, sub, sc); err != nil || got.Serial != 11 {
			return fmt.Errorf("subclass in tx: %+v, %v", got, err)
		}
		if z, err := tx.ReverseZoneGet(ctx(t), revZone4); err != nil || z.Serial != 11 || len(z.PTRs) != 4 {
			return fmt.Errorf("zone in tx: %+v, %v", z, err)
		}
		if err := tx.PTRReplace(ctx(t), store.PTRReplaceParams{CustomerID: cust, SubnetworkID: 502, Subclass: "2a01:1234:5678::/64",
			Zone: revZone6, NewSerial: 1, Records: []store.PTRRecord{{Address: "2a01:1234:5678::1", PTR: "v6.example"}}}); err != nil {
			return err
		}
		return errBoom
	})
	if err != errBoom {
		t.Fatalf("InTx: %v", err)
	}
	if got, err := s.PTRSubclassGet(ctx(t), cust, sub, sc); err != nil || got.Serial != 10 || got.UpdatedAt != 1 {
		t.Errorf("subclass after rollback: %+v, %v", got, err)
	}
	if list := mustPTRList(t, s, cust, sub, sc); !equalPTRs(list, recs) {
		t.Errorf("records after rollback: %+v", list)
	}
	if _, err := s.PTRSubclassGet(ctx(t), cust, 502, "2a01:1234:5678::/64"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("subclass created in a rolled back tx: %v", err)
	}
	all, err := s.PTRsAll(ctx(t))
	if err != nil || len(all) != 1 || all[0].Name != revZone4 || all[0].Serial != 10 {
		t.Errorf("zones after rollback: %+v, %v", all, err)
	}
}
