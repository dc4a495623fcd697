package zonesync_test

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"path/filepath"
	"testing"

	"github.com/artnet-panel/artnet-panel/internal/dnsd"
	"github.com/artnet-panel/artnet-panel/internal/store"
	"github.com/artnet-panel/artnet-panel/internal/store/sqlite"
	"github.com/artnet-panel/artnet-panel/internal/zonesync"
)

// BenchmarkFullReload measures the syncer's full reload of 10,000 zones of
// 10 records each (100,000 records) on SQLite: the first load, the
// periodic reload when nothing changed (no snapshot installed), and when
// one zone changed by hand (that zone alone is rebuilt).
//
//	go test -run '^$' -bench FullReload -benchtime 10x ./internal/zonesync/
func BenchmarkFullReload(b *testing.B) {
	ctx := context.Background()
	path := filepath.Join(b.TempDir(), "bench.db")
	st, err := sqlite.Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	c := store.Customer{Name: "Many Zones", Language: "pl", Currency: "PLN", APIAccess: true}
	if err := st.CustomerCreate(ctx, &c); err != nil {
		b.Fatal(err)
	}
	const zones, perZone = 10000, 10
	for k := range zones {
		z := store.Zone{CustomerID: c.ID, Domain: fmt.Sprintf("zone%d.test", k), Type: store.ZoneTypePrimary, Serial: 2026120701}
		if err := st.ZoneCreate(ctx, &z); err != nil {
			b.Fatal(err)
		}
		recs := make([]store.ZoneRecord, perZone)
		for i := range recs {
			recs[i] = store.ZoneRecord{Name: fmt.Sprintf("h%d", i), TTL: 3600, Type: "A", Data1: fmt.Sprintf("192.0.2.%d", i+1)}
		}
		if err := st.ZoneRecordsReplace(ctx, store.ZoneRecordsReplaceParams{CustomerID: c.ID, ZoneID: z.ID,
			ExpectSerial: z.Serial, NewSerial: z.Serial + 1, Records: recs}); err != nil {
			b.Fatal(err)
		}
	}
	quiet := slog.New(slog.DiscardHandler)
	b.Run("first-load", func(b *testing.B) {
		for b.Loop() {
			s := &zonesync.Syncer{Store: st, Server: dnsd.NewServer(dnsd.Config{Logger: quiet}), Logger: quiet}
			if err := s.Load(ctx); err != nil {
				b.Fatal(err)
			}
		}
	})
	srv := dnsd.NewServer(dnsd.Config{Logger: quiet})
	s := &zonesync.Syncer{Store: st, Server: srv, Logger: quiet}
	if err := s.Load(ctx); err != nil {
		b.Fatal(err)
	}
	if n := len(srv.Snapshot().Zones()); n != zones {
		b.Fatalf("%d zones loaded", n)
	}
	b.Run("unchanged", func(b *testing.B) {
		snap := srv.Snapshot()
		for b.Loop() {
			if err := s.Reconcile(ctx); err != nil {
				b.Fatal(err)
			}
		}
		if srv.Snapshot() != snap {
			b.Fatal("a reload that found no change installed a snapshot")
		}
	})
	db, err := sql.Open("sqlite", path)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	b.Run("one-zone-changed", func(b *testing.B) {
		i := 0
		for b.Loop() {
			b.StopTimer()
			i++
			if _, err := db.ExecContext(ctx, `UPDATE dns_zone_records SET data1 = ? WHERE name = 'h0' AND zone_id = (SELECT id FROM dns_zones WHERE domain = 'zone5.test')`,
				fmt.Sprintf("198.51.100.%d", i%250+1)); err != nil {
				b.Fatal(err)
			}
			snap := srv.Snapshot()
			b.StartTimer()
			if err := s.Reconcile(ctx); err != nil {
				b.Fatal(err)
			}
			if srv.Snapshot() == snap {
				b.Fatal("the changed zone was not installed")
			}
		}
	})
}
