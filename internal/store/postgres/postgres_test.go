package postgres_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/artnet-panel/artnet-panel/internal/store"
	"github.com/artnet-panel/artnet-panel/internal/store/postgres"
	"github.com/artnet-panel/artnet-panel/internal/store/postgres/pgtest"
	"github.com/artnet-panel/artnet-panel/internal/store/storetest"
)

func baseDSN(t testing.TB) string { return pgtest.BaseDSN(t) }

func newSchema(t testing.TB) string { return pgtest.NewSchema(t) }

func withSearchPath(t testing.TB, dsn, schema string) string {
	return pgtest.WithSearchPath(t, dsn, schema)
}

func open(t testing.TB) *postgres.DB {
	t.Helper()
	dsn := newSchema(t)
	db, err := postgres.Open(context.Background(), dsn)
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
	baseDSN(t) // one loud skip instead of one per subtest
	storetest.Exercise(t, func(t *testing.T) store.Store { return open(t) })
}

// TestReopen checks that migrations are applied once and data survives.
func TestReopen(t *testing.T) {
	ctx := context.Background()
	dsn := newSchema(t)
	db, err := postgres.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	c := store.Customer{Name: "persisted", Language: "pl"}
	if err := db.CustomerCreate(ctx, &c); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	db, err = postgres.Open(ctx, dsn)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer db.Close()
	got, err := db.CustomerGet(ctx, c.ID)
	if err != nil || got.Name != "persisted" {
		t.Fatalf("after reopen: %+v, %v", got, err)
	}
}

// TestConcurrentOpen checks that concurrent Opens of one empty schema
// migrate it once (the goose advisory lock).
func TestConcurrentOpen(t *testing.T) {
	dsn := newSchema(t)
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Go(func() {
			db, err := postgres.Open(context.Background(), dsn)
			if err == nil {
				err = db.Close()
			}
			errs[i] = err
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("Open %d: %v", i, err)
		}
	}
}

// TestLargeOffset checks that deep pages of a big list stay fast.
func TestLargeOffset(t *testing.T) {
	if testing.Short() {
		t.Skip("slow fill")
	}
	db := open(t)
	ctx := context.Background()
	c := store.Customer{Name: "big", Language: "pl"}
	if err := db.CustomerCreate(ctx, &c); err != nil {
		t.Fatal(err)
	}
	const n = 100_000
	_, err := db.WriteDB().ExecContext(ctx, `INSERT INTO services (customer_id, type, name, currency, payment_period, ip, details)
		SELECT $1, CASE WHEN i % 3 = 0 THEN 'domain' ELSE 'hosting' END, 'service ' || i, 'PLN', 12, '192.0.2.1',
		       '{"quota_mb":1024,"domains":["example.pl"]}'
		FROM generate_series(0, $2::int - 1) AS i`, c.ID, n)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.WriteDB().ExecContext(ctx, "VACUUM ANALYZE services"); err != nil {
		t.Fatal(err)
	}
	for _, f := range []store.ServiceFilter{
		{CustomerID: c.ID, Limit: 50, Offset: 90_000},
		{CustomerID: c.ID, Type: "hosting", Limit: 50, Offset: 60_000},
	} {
		var best time.Duration
		for range 10 { // past the prepared statement's custom-plan phase
			start := time.Now()
			list, err := db.ServiceList(ctx, f)
			d := time.Since(start)
			if err != nil {
				t.Fatal(err)
			}
			if len(list) != 50 {
				t.Fatalf("%+v: %d services", f, len(list))
			}
			if best == 0 || d < best {
				best = d
			}
		}
		t.Logf("ServiceList(%+v) over %d services: best of 10 %v", f, n, best)
		if best > time.Second {
			t.Errorf("ServiceList took %v", best)
		}
	}
}

func BenchmarkServiceGet(b *testing.B) {
	db := open(b)
	ctx := context.Background()
	c := store.Customer{Name: "bench", Language: "pl"}
	if err := db.CustomerCreate(ctx, &c); err != nil {
		b.Fatal(err)
	}
	s := store.Service{CustomerID: c.ID, Type: "hosting", Details: []byte(`{"quota_mb":1024}`)}
	if err := db.ServiceCreate(ctx, &s); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := db.ServiceGet(ctx, c.ID, s.ID); err != nil {
			b.Fatal(err)
		}
	}
}
