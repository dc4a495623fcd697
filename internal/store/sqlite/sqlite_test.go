package sqlite_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/artnet-panel/artnet-panel/internal/store"
	"github.com/artnet-panel/artnet-panel/internal/store/sqlite"
	"github.com/artnet-panel/artnet-panel/internal/store/storetest"
)

func open(t testing.TB) *sqlite.DB {
	t.Helper()
	db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "store.db"))
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() {
		if err := db.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return db
}

func TestConformance(t *testing.T) {
	storetest.Exercise(t, func(t *testing.T) store.Store { return open(t) })
}

func TestOpenRejectsMemory(t *testing.T) {
	if db, err := sqlite.Open(context.Background(), ":memory:"); err == nil {
		db.Close()
		t.Fatal("Open(:memory:) succeeded")
	}
}

// TestReopen checks that migrations are applied once and data survives.
func TestReopen(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "store.db")
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	c := store.Customer{Name: "persisted", Language: "pl"}
	if err := db.CustomerCreate(ctx, &c); err != nil {
		t.Fatal(err)
	}
	var journal string
	if err := db.ReadDB().QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&journal); err != nil || journal != "wal" {
		t.Errorf("journal_mode %q, %v; want wal", journal, err)
	}
	for name, q := range map[string]string{"foreign_keys": "PRAGMA foreign_keys", "busy_timeout": "PRAGMA busy_timeout", "synchronous": "PRAGMA synchronous"} {
		var rv, wv int
		if err := db.ReadDB().QueryRowContext(ctx, q).Scan(&rv); err != nil {
			t.Fatal(err)
		}
		if err := db.WriteDB().QueryRowContext(ctx, q).Scan(&wv); err != nil {
			t.Fatal(err)
		}
		want := map[string]int{"foreign_keys": 1, "busy_timeout": 5000, "synchronous": 1}[name]
		if rv != want || wv != want {
			t.Errorf("%s: read pool %d, write pool %d, want %d", name, rv, wv, want)
		}
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	db, err = sqlite.Open(ctx, path)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer db.Close()
	got, err := db.CustomerGet(ctx, c.ID)
	if err != nil || got.Name != "persisted" {
		t.Fatalf("after reopen: %+v, %v", got, err)
	}
}

// fill creates one customer with n services in a single transaction and
// returns the customer id and the first service id.
func fill(tb testing.TB, db *sqlite.DB, n int) (int64, int64) {
	tb.Helper()
	ctx := context.Background()
	var cust, first int64
	err := db.InTx(ctx, func(tx store.Store) error {
		c := store.Customer{Name: "big", Language: "pl"}
		if err := tx.CustomerCreate(ctx, &c); err != nil {
			return err
		}
		cust = c.ID
		for i := range n {
			typ := "hosting"
			if i%3 == 0 {
				typ = "domain"
			}
			s := store.Service{CustomerID: cust, Type: typ, Name: fmt.Sprint("service ", i),
				Currency: "PLN", PaymentPeriod: 12, PriceMinor: 1000, PriceBruttoMinor: 1230,
				IP: "192.0.2.1", Details: []byte(`{"quota_mb":1024,"domains":["example.pl"]}`)}
			if err := tx.ServiceCreate(ctx, &s); err != nil {
				return err
			}
			if first == 0 {
				first = s.ID
			}
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return cust, first
}

// TestLargeOffset checks that deep pages of a big list stay fast (the index
// is walked, not the table sorted).
func TestLargeOffset(t *testing.T) {
	if testing.Short() {
		t.Skip("slow fill")
	}
	db := open(t)
	const n = 100_000
	cust, first := fill(t, db, n)
	ctx := context.Background()
	for _, f := range []store.ServiceFilter{
		{CustomerID: cust, Limit: 50, Offset: 90_000},
		{CustomerID: cust, Type: "hosting", Limit: 50, Offset: 60_000},
	} {
		start := time.Now()
		list, err := db.ServiceList(ctx, f)
		d := time.Since(start)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 50 {
			t.Fatalf("%+v: %d services", f, len(list))
		}
		if f.Type == "" && list[0].ID != first+90_000 {
			t.Errorf("first id %d, want %d", list[0].ID, first+90_000)
		}
		t.Logf("ServiceList(%+v) over %d services: %v", f, n, d)
		limit := 500 * time.Millisecond
		if raceEnabled {
			limit = 5 * time.Second // the race detector slows the transpiled C down ~50x
		}
		if d > limit {
			t.Errorf("ServiceList took %v", d)
		}
	}
}

func BenchmarkServiceGet(b *testing.B) {
	db := open(b)
	cust, first := fill(b, db, 1000)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		if _, err := db.ServiceGet(ctx, cust, first+int64(i%1000)); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkServiceGetParallel(b *testing.B) {
	db := open(b)
	cust, first := fill(b, db, 1000)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			if _, err := db.ServiceGet(ctx, cust, first+int64(i%1000)); err != nil {
				b.Error(err)
				return
			}
			i++
		}
	})
}

func BenchmarkCustomerGet(b *testing.B) {
	db := open(b)
	cust, _ := fill(b, db, 1)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := db.CustomerGet(ctx, cust); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkServiceListOffset90k(b *testing.B) {
	db := open(b)
	cust, _ := fill(b, db, 100_000)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		list, err := db.ServiceList(ctx, store.ServiceFilter{CustomerID: cust, Limit: 50, Offset: 90_000})
		if err != nil || len(list) != 50 {
			b.Fatal(len(list), err)
		}
	}
}
