package storetest

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sync"
	"testing"

	"github.com/artnet-panel/artnet-panel/internal/store"
)

// secondaryTests are the conformance tests of the store's secondary part.
var secondaryTests = []namedTest{
	{"SecondaryDue", testSecondaryDue},
	{"SecondaryTransferStore", testSecondaryTransferStore},
	{"SecondaryTransferConcurrent", testSecondaryTransferConcurrent},
	{"SecondaryExpiry", testSecondaryExpiry},
	{"SecondaryNotFound", testSecondaryNotFound},
	{"SecondaryZoneDelete", testSecondaryZoneDelete},
	{"SecondaryTx", testSecondaryTx},
}

// secondaryRecords returns a transferred zone of domain with serial and n
// records besides the SOA, in presentation format.
func secondaryRecords(domain string, serial int64, n int) []string {
	recs := []string{
		fmt.Sprintf("%s.\t3600\tIN\tSOA\tns1.%[1]s. hostmaster.%[1]s. %d 3600 900 1209600 300", domain, serial),
		fmt.Sprintf("%s.\t3600\tIN\tNS\tns1.%[1]s.", domain),
	}
	for i := range n {
		recs = append(recs, fmt.Sprintf("h%d.%s.\t300\tIN\tA\t192.0.2.%d", i, domain, i%256))
	}
	return recs
}

func mustSecondaryContent(t *testing.T, s store.Store, zoneID int64) store.SecondaryContent {
	t.Helper()
	c, err := s.SecondaryZoneContent(ctx(t), zoneID)
	if err != nil {
		t.Fatalf("SecondaryZoneContent(%d): %v", zoneID, err)
	}
	st, err := s.SecondaryZoneState(ctx(t), zoneID)
	if err != nil || st != c.SecondaryState {
		t.Fatalf("SecondaryZoneState(%d) = %+v, %v; SecondaryZoneContent has %+v", zoneID, st, err, c.SecondaryState)
	}
	return c
}

func dueIDs(t *testing.T, s store.Store, now int64, limit int) []int64 {
	t.Helper()
	list, err := s.SecondaryZonesDue(ctx(t), now, limit)
	if err != nil {
		t.Fatalf("SecondaryZonesDue(%d, %d): %v", now, limit, err)
	}
	ids := make([]int64, len(list))
	for i, st := range list {
		ids[i] = st.ID
	}
	return ids
}

func testSecondaryDue(t *testing.T, s store.Store) {
	if ids := dueIDs(t, s, 1<<40, 0); len(ids) != 0 {
		t.Errorf("due without zones: %v", ids)
	}
	a, b := newCustomer(t, s), newCustomer(t, s)
	newZone(t, s, a, "primary.example", store.ZoneTypePrimary)
	z1 := newZone(t, s, a, "one.example", store.ZoneTypeSecondary)
	z2 := newZone(t, s, b, "two.example", store.ZoneTypeSecondary)

	// Never checked: due at once, with the zone's row and no state.
	list, err := s.SecondaryZonesDue(ctx(t), 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	want := []store.SecondaryState{{Zone: z1}, {Zone: z2}}
	if !reflect.DeepEqual(list, want) {
		t.Errorf("SecondaryZonesDue(0) =\n %+v\nwant\n %+v", list, want)
	}

	expired, err := s.SecondaryCheckFailed(ctx(t), z1.ID, 100, 200, "connection refused")
	if err != nil || expired {
		t.Fatalf("SecondaryCheckFailed = %v, %v", expired, err)
	}
	if ids := dueIDs(t, s, 150, 0); !slices.Equal(ids, []int64{z2.ID}) {
		t.Errorf("due at 150: %v, want [%d]", ids, z2.ID)
	}
	if ids := dueIDs(t, s, 200, 0); !slices.Equal(ids, []int64{z2.ID, z1.ID}) {
		t.Errorf("due at 200: %v, want [%d %d] (most overdue first)", ids, z2.ID, z1.ID)
	}
	if ids := dueIDs(t, s, 200, 1); !slices.Equal(ids, []int64{z2.ID}) {
		t.Errorf("due at 200, limit 1: %v, want [%d]", ids, z2.ID)
	}
	st := mustSecondaryContent(t, s, z1.ID)
	wantState := store.SecondaryState{Zone: z1, NextCheck: 200, Failures: 1, FailedAt: 100, LastError: "connection refused"}
	if st.SecondaryState != wantState || st.Records != nil {
		t.Errorf("after a failure:\n %+v\nwant\n %+v", st, wantState)
	}

	if _, err := s.SecondaryCheckFailed(ctx(t), z1.ID, 200, 400, "timeout"); err != nil {
		t.Fatal(err)
	}
	if err := s.SecondaryCheckOK(ctx(t), z2.ID, 120, 300); err != nil {
		t.Fatal(err)
	}
	if ids := dueIDs(t, s, 299, 0); len(ids) != 0 {
		t.Errorf("due at 299: %v", ids)
	}
	if ids := dueIDs(t, s, 1000, 0); !slices.Equal(ids, []int64{z2.ID, z1.ID}) {
		t.Errorf("due at 1000: %v, want [%d %d]", ids, z2.ID, z1.ID)
	}
	st = mustSecondaryContent(t, s, z1.ID)
	if st.Failures != 2 || st.FailedAt != 200 || st.LastError != "timeout" || st.NextCheck != 400 {
		t.Errorf("after two failures: %+v", st.SecondaryState)
	}
	st = mustSecondaryContent(t, s, z2.ID)
	wantState = store.SecondaryState{Zone: z2, CheckedAt: 120, NextCheck: 300}
	if st.SecondaryState != wantState {
		t.Errorf("after a check:\n %+v\nwant\n %+v", st.SecondaryState, wantState)
	}
}

func testSecondaryTransferStore(t *testing.T, s store.Store) {
	cust := newCustomer(t, s)
	z := newZone(t, s, cust, "xn--przykad-rjb.pl", store.ZoneTypeSecondary)
	other := newZone(t, s, cust, "other.example", store.ZoneTypeSecondary)
	if _, err := s.SecondaryCheckFailed(ctx(t), z.ID, 50, 60, "refused"); err != nil {
		t.Fatal(err)
	}

	recs := append(secondaryRecords(z.Domain, 2025010101, 3),
		`xn--przykad-rjb.pl.	300	IN	TXT	"v=spf1 -all" "zażółć \"quoted\" \\ back\009tab"`,
		`_sip._tcp.xn--przykad-rjb.pl.	300	IN	SRV	10 5 5060 sip.example.net.`,
		`*.xn--przykad-rjb.pl.	60	IN	CNAME	xn--przykad-rjb.pl.`)
	tr := store.SecondaryTransfer{ZoneID: z.ID, Serial: 2025010101, Records: recs,
		Refresh: 3600, Retry: 900, Expire: 1209600, At: 1000, Next: 4600}
	if err := s.SecondaryTransferStore(ctx(t), tr); err != nil {
		t.Fatalf("SecondaryTransferStore: %v", err)
	}
	wantZone := z
	wantZone.Serial, wantZone.RefreshedAt, wantZone.UpdatedAt = 2025010101, 1000, 1000
	want := store.SecondaryContent{
		SecondaryState: store.SecondaryState{Zone: wantZone, Refresh: 3600, Retry: 900, Expire: 1209600,
			CheckedAt: 1000, NextCheck: 4600, Transferred: true},
		Records: recs,
	}
	if got := mustSecondaryContent(t, s, z.ID); !reflect.DeepEqual(got, want) {
		t.Errorf("SecondaryZoneContent after the transfer:\n %+v\nwant\n %+v", got, want)
	}
	// The zone's row follows: /dns/list and the details show the serial.
	if got, err := s.ZoneGet(ctx(t), cust, z.ID); err != nil || got != wantZone {
		t.Errorf("ZoneGet = %+v, %v; want %+v", got, err, wantZone)
	}
	if list, err := s.ZoneList(ctx(t), cust); err != nil || len(list) != 2 || list[0] != wantZone || list[1] != other {
		t.Errorf("ZoneList = %+v, %v", list, err)
	}
	if got := mustSecondaryContent(t, s, other.ID); got.Transferred || got.Records != nil || got.Zone != other {
		t.Errorf("the other zone changed: %+v", got)
	}

	// A stale expectation changes nothing.
	for _, exp := range [][2]int64{{0, 0}, {2025010101, 0}, {0, 1000}, {2025010100, 1000}} {
		next := store.SecondaryTransfer{ZoneID: z.ID, ExpectSerial: exp[0], ExpectRefreshedAt: exp[1],
			Serial: 2025010102, Records: secondaryRecords(z.Domain, 2025010102, 1), At: 2000, Next: 3000}
		wantErr(t, fmt.Sprintf("SecondaryTransferStore(expect %v)", exp), s.SecondaryTransferStore(ctx(t), next), store.ErrStale)
	}
	// A record with a line break is refused, and nothing changes.
	bad := store.SecondaryTransfer{ZoneID: z.ID, ExpectSerial: 2025010101, ExpectRefreshedAt: 1000,
		Serial: 2025010102, Records: []string{"a.xn--przykad-rjb.pl. 60 IN A 192.0.2.1\nb 60 IN A 192.0.2.2"}, At: 2000, Next: 3000}
	if err := s.SecondaryTransferStore(ctx(t), bad); err == nil {
		t.Error("SecondaryTransferStore accepted a record with a line break")
	}
	noAt := store.SecondaryTransfer{ZoneID: z.ID, ExpectSerial: 2025010101, ExpectRefreshedAt: 1000,
		Serial: 2025010102, Records: secondaryRecords(z.Domain, 2025010102, 1), Next: 3000}
	if err := s.SecondaryTransferStore(ctx(t), noAt); err == nil {
		t.Error("SecondaryTransferStore accepted At 0")
	}
	if got := mustSecondaryContent(t, s, z.ID); !reflect.DeepEqual(got, want) {
		t.Errorf("refused transfers changed the zone:\n %+v\nwant\n %+v", got, want)
	}

	// The next transfer replaces everything, and clears the failures.
	if _, err := s.SecondaryCheckFailed(ctx(t), z.ID, 4600, 5500, "timeout"); err != nil {
		t.Fatal(err)
	}
	big := secondaryRecords(z.Domain, 7, 5000) // serial arithmetic wrapped around: any serial is stored
	tr = store.SecondaryTransfer{ZoneID: z.ID, ExpectSerial: 2025010101, ExpectRefreshedAt: 1000, Serial: 7,
		Records: big, Refresh: 60, Retry: 30, Expire: 600, At: 5500, Next: 5560}
	if err := s.SecondaryTransferStore(ctx(t), tr); err != nil {
		t.Fatalf("second SecondaryTransferStore: %v", err)
	}
	wantZone.Serial, wantZone.RefreshedAt, wantZone.UpdatedAt = 7, 5500, 5500
	want = store.SecondaryContent{
		SecondaryState: store.SecondaryState{Zone: wantZone, Refresh: 60, Retry: 30, Expire: 600,
			CheckedAt: 5500, NextCheck: 5560, Transferred: true},
		Records: big,
	}
	if got := mustSecondaryContent(t, s, z.ID); !reflect.DeepEqual(got.SecondaryState, want.SecondaryState) || !slices.Equal(got.Records, big) {
		t.Errorf("after the second transfer: %+v (%d records), want %+v (%d records)",
			got.SecondaryState, len(got.Records), want.SecondaryState, len(big))
	}

	// The largest serial fits.
	tr = store.SecondaryTransfer{ZoneID: z.ID, ExpectSerial: 7, ExpectRefreshedAt: 5500, Serial: 1<<32 - 1,
		Records: []string{recs[0]}, Refresh: 60, Retry: 30, Expire: 600, At: 6000, Next: 6060}
	if err := s.SecondaryTransferStore(ctx(t), tr); err != nil {
		t.Fatal(err)
	}
	if got := mustSecondaryContent(t, s, z.ID); got.Serial != 1<<32-1 || !slices.Equal(got.Records, []string{recs[0]}) {
		t.Errorf("serial %d, records %q", got.Serial, got.Records)
	}
}

func testSecondaryTransferConcurrent(t *testing.T, s store.Store) {
	cust := newCustomer(t, s)
	z := newZone(t, s, cust, "race.example", store.ZoneTypeSecondary)
	const workers = 8
	var wg sync.WaitGroup
	errs := make([]error, workers)
	for i := range workers {
		wg.Go(func() {
			errs[i] = s.SecondaryTransferStore(ctx(t), store.SecondaryTransfer{ZoneID: z.ID,
				Serial: int64(100 + i), Records: secondaryRecords(z.Domain, int64(100+i), 50+i),
				Refresh: 60, Retry: 30, Expire: 600, At: int64(1000 + i), Next: 2000})
		})
	}
	wg.Wait()
	winner := -1
	for i, err := range errs {
		switch {
		case err == nil && winner >= 0:
			t.Errorf("workers %d and %d both stored their transfer", winner, i)
		case err == nil:
			winner = i
		case !errors.Is(err, store.ErrStale):
			t.Errorf("worker %d: %v, want nil or ErrStale", i, err)
		}
	}
	if winner < 0 {
		t.Fatal("no transfer was stored")
	}
	got := mustSecondaryContent(t, s, z.ID)
	if got.Serial != int64(100+winner) || got.RefreshedAt != int64(1000+winner) ||
		!slices.Equal(got.Records, secondaryRecords(z.Domain, int64(100+winner), 50+winner)) {
		t.Errorf("stored serial %d at %d with %d records; the winner was %d", got.Serial, got.RefreshedAt, len(got.Records), winner)
	}
}

func testSecondaryExpiry(t *testing.T, s store.Store) {
	cust := newCustomer(t, s)
	z := newZone(t, s, cust, "expiry.example", store.ZoneTypeSecondary)
	never := newZone(t, s, cust, "never.example", store.ZoneTypeSecondary)

	failed := func(id, at, next int64, want bool) {
		t.Helper()
		expired, err := s.SecondaryCheckFailed(ctx(t), id, at, next, fmt.Sprint("failure at ", at))
		if err != nil || expired != want {
			t.Fatalf("SecondaryCheckFailed(at %d) = %v, %v; want %v", at, expired, err, want)
		}
		if c := mustSecondaryContent(t, s, id); c.Expired != want || c.FailedAt != at || c.NextCheck != next {
			t.Fatalf("after the failure at %d: %+v", at, c.SecondaryState)
		}
	}
	// A zone never transferred has nothing to expire.
	failed(never.ID, 1, 2, false)
	failed(never.ID, 1<<40, 1<<40+1, false)

	recs := secondaryRecords(z.Domain, 1, 2)
	err := s.SecondaryTransferStore(ctx(t), store.SecondaryTransfer{ZoneID: z.ID, Serial: 1, Records: recs,
		Refresh: 100, Retry: 50, Expire: 500, At: 1000, Next: 1100})
	if err != nil {
		t.Fatal(err)
	}
	failed(z.ID, 1100, 1150, false)
	failed(z.ID, 1499, 1500, false)
	// A successful check restarts the expire timer.
	if err := s.SecondaryCheckOK(ctx(t), z.ID, 1200, 1300); err != nil {
		t.Fatal(err)
	}
	if c := mustSecondaryContent(t, s, z.ID); c.CheckedAt != 1200 || c.Failures != 0 || c.FailedAt != 0 || c.LastError != "" || c.NextCheck != 1300 {
		t.Errorf("after a successful check: %+v", c.SecondaryState)
	}
	failed(z.ID, 1600, 1650, false)
	failed(z.ID, 1699, 1700, false)
	failed(z.ID, 1700, 1750, true) // CheckedAt + Expire
	c := mustSecondaryContent(t, s, z.ID)
	if !c.Transferred || !slices.Equal(c.Records, recs) || c.Serial != 1 || c.Failures != 3 {
		t.Errorf("expired zone: %+v", c)
	}
	due, err := s.SecondaryZonesDue(ctx(t), 1750, 0)
	if err != nil || len(due) != 1 || due[0].ID != z.ID || !due[0].Expired || !due[0].Transferred {
		t.Errorf("SecondaryZonesDue(1750) = %+v, %v", due, err)
	}
	failed(z.ID, 1800, 1850, true) // stays expired

	// A successful check brings it back.
	if err := s.SecondaryCheckOK(ctx(t), z.ID, 1850, 1950); err != nil {
		t.Fatal(err)
	}
	if c := mustSecondaryContent(t, s, z.ID); c.Expired || c.CheckedAt != 1850 {
		t.Errorf("after a successful check of an expired zone: %+v", c.SecondaryState)
	}
	failed(z.ID, 2350, 2400, true)
	// So does a transfer.
	err = s.SecondaryTransferStore(ctx(t), store.SecondaryTransfer{ZoneID: z.ID, ExpectSerial: 1, ExpectRefreshedAt: 1000,
		Serial: 2, Records: secondaryRecords(z.Domain, 2, 1), Refresh: 100, Retry: 50, Expire: 500, At: 2400, Next: 2500})
	if err != nil {
		t.Fatal(err)
	}
	if c := mustSecondaryContent(t, s, z.ID); c.Expired || c.Failures != 0 || c.CheckedAt != 2400 || c.Serial != 2 {
		t.Errorf("after a transfer to an expired zone: %+v", c.SecondaryState)
	}
}

func testSecondaryNotFound(t *testing.T, s store.Store) {
	cust := newCustomer(t, s)
	p := newZone(t, s, cust, "primary.example", store.ZoneTypePrimary)
	recs := sampleRecords("p", 2)
	if err := s.ZoneRecordsReplace(ctx(t), store.ZoneRecordsReplaceParams{CustomerID: cust, ZoneID: p.ID,
		ExpectSerial: p.Serial, NewSerial: p.Serial + 1, Records: recs, UpdatedAt: 1001}); err != nil {
		t.Fatal(err)
	}
	p.Serial, p.UpdatedAt = p.Serial+1, 1001
	for _, id := range []int64{p.ID, p.ID + 1000} {
		what := fmt.Sprintf("zone %d", id)
		_, err := s.SecondaryZoneContent(ctx(t), id)
		wantErr(t, "SecondaryZoneContent("+what+")", err, store.ErrNotFound)
		_, err = s.SecondaryZoneState(ctx(t), id)
		wantErr(t, "SecondaryZoneState("+what+")", err, store.ErrNotFound)
		wantErr(t, "SecondaryCheckOK("+what+")", s.SecondaryCheckOK(ctx(t), id, 1, 2), store.ErrNotFound)
		_, err = s.SecondaryCheckFailed(ctx(t), id, 1, 2, "x")
		wantErr(t, "SecondaryCheckFailed("+what+")", err, store.ErrNotFound)
		err = s.SecondaryTransferStore(ctx(t), store.SecondaryTransfer{ZoneID: id, ExpectSerial: p.Serial,
			Serial: p.Serial + 1, Records: secondaryRecords(p.Domain, p.Serial+1, 1), At: 5, Next: 6})
		wantErr(t, "SecondaryTransferStore("+what+")", err, store.ErrNotFound)
	}
	// The primary zone is untouched.
	if got, err := s.ZoneGet(ctx(t), cust, p.ID); err != nil || got != p {
		t.Errorf("primary zone = %+v, %v; want %+v", got, err, p)
	}
	if got := mustZoneRecords(t, s, cust, p.ID); !equalRecords(got, recs) {
		t.Errorf("primary records = %+v", got)
	}
	if ids := dueIDs(t, s, 1<<40, 0); len(ids) != 0 {
		t.Errorf("primary zones listed as due: %v", ids)
	}
}

func testSecondaryZoneDelete(t *testing.T, s store.Store) {
	cust := newCustomer(t, s)
	z := newZone(t, s, cust, "gone.example", store.ZoneTypeSecondary)
	keep := newZone(t, s, cust, "kept.example", store.ZoneTypeSecondary)
	for _, id := range []int64{z.ID, keep.ID} {
		err := s.SecondaryTransferStore(ctx(t), store.SecondaryTransfer{ZoneID: id, Serial: 5,
			Records: secondaryRecords("x.example", 5, 3), Refresh: 60, Retry: 30, Expire: 600, At: 100, Next: 160})
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := s.ZoneDelete(ctx(t), cust, z.ID); err != nil {
		t.Fatal(err)
	}
	_, err := s.SecondaryZoneContent(ctx(t), z.ID)
	wantErr(t, "SecondaryZoneContent(deleted)", err, store.ErrNotFound)
	_, err = s.SecondaryZoneState(ctx(t), z.ID)
	wantErr(t, "SecondaryZoneState(deleted)", err, store.ErrNotFound)
	if ids := dueIDs(t, s, 1<<40, 0); !slices.Equal(ids, []int64{keep.ID}) {
		t.Errorf("due after the delete: %v, want [%d]", ids, keep.ID)
	}
	if ids := dueIDs(t, s, 159, 0); len(ids) != 0 {
		t.Errorf("due at 159 after the delete: %v", ids)
	}
	// The same domain added again starts afresh.
	again := newZone(t, s, cust, "gone.example", store.ZoneTypeSecondary)
	if c := mustSecondaryContent(t, s, again.ID); c.Transferred || c.Records != nil || c.NextCheck != 0 || c.Serial != 0 {
		t.Errorf("re-added zone inherits state: %+v", c)
	}
	if c := mustSecondaryContent(t, s, keep.ID); !c.Transferred || len(c.Records) != 5 {
		t.Errorf("kept zone: %+v", c)
	}
}

func testSecondaryTx(t *testing.T, s store.Store) {
	cust := newCustomer(t, s)
	z := newZone(t, s, cust, "tx.example", store.ZoneTypeSecondary)
	errBoom := errors.New("boom")
	err := s.InTx(ctx(t), func(tx store.Store) error {
		err := tx.SecondaryTransferStore(ctx(t), store.SecondaryTransfer{ZoneID: z.ID, Serial: 9,
			Records: secondaryRecords(z.Domain, 9, 1), Refresh: 60, Retry: 30, Expire: 600, At: 100, Next: 160})
		if err != nil {
			return err
		}
		if c, err := tx.SecondaryZoneContent(ctx(t), z.ID); err != nil || c.Serial != 9 || !c.Transferred {
			return fmt.Errorf("content inside the transaction: %+v, %v", c, err)
		}
		if _, err := tx.SecondaryCheckFailed(ctx(t), z.ID, 200, 300, "x"); err != nil {
			return err
		}
		return errBoom
	})
	if err != errBoom {
		t.Fatalf("InTx = %v", err)
	}
	if c := mustSecondaryContent(t, s, z.ID); c.Transferred || c.Serial != 0 || c.Failures != 0 || c.NextCheck != 0 {
		t.Errorf("rolled back transfer persisted: %+v", c)
	}
}
