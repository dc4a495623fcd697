package main

import (
	"context"
	"database/sql"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/artnet-panel/artnet-panel/internal/store"
	"github.com/artnet-panel/artnet-panel/internal/store/sqlite"
)

// TestServeDNSReloadsZonesPeriodically: artnetd serve --dns serves a zone
// changed in the database without a change-log row (by hand) after its
// next full reload (--dns-reconcile), and /metrics shows the failed-zone
// gauge.
func TestServeDNSReloadsZonesPeriodically(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "artnet.db")
	st, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	c := store.Customer{Name: "Zone Owner", Language: "pl", Currency: "PLN", APIAccess: true}
	if err := st.CustomerCreate(ctx, &c); err != nil {
		t.Fatal(err)
	}
	z := store.Zone{CustomerID: c.ID, Domain: "acme.test", Type: store.ZoneTypePrimary, Serial: 2026120701}
	if err := st.ZoneCreate(ctx, &z); err != nil {
		t.Fatal(err)
	}
	if err := st.ZoneRecordsReplace(ctx, store.ZoneRecordsReplaceParams{CustomerID: c.ID, ZoneID: z.ID,
		ExpectSerial: z.Serial, NewSerial: z.Serial + 1,
		Records: []store.ZoneRecord{{Name: "www", TTL: 300, Type: "A", Data1: "192.0.2.1"}}}); err != nil {
		t.Fatal(err)
	}
	st.Close()

	m := &Main{DB: "sqlite:" + path, HTTPAddr: "127.0.0.1:0", DNSAddr: "127.0.0.1:0", MetricsAddr: "127.0.0.1:0",
		Follow: -1, Logger: discardLogger(), DNS: DNSConfig{Reconcile: 50 * time.Millisecond}}
	if err := m.Run(ctx); err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	www := func() string {
		q := new(dns.Msg)
		q.SetQuestion("www.acme.test.", dns.TypeA)
		r, _, err := new(dns.Client).Exchange(q, m.DNSAddress())
		if err != nil {
			t.Fatal(err)
		}
		if len(r.Answer) != 1 {
			return r.String()
		}
		return r.Answer[0].(*dns.A).A.String()
	}
	if got := www(); got != "192.0.2.1" {
		t.Fatalf("at start: %s", got)
	}

	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, `UPDATE dns_zone_records SET data1 = '192.0.2.9'`); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(20 * time.Second); www() != "192.0.2.9"; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the hand edit is not served: %s", www())
		}
	}

	body := []byte(metricsText(t, m))
	for _, re := range []string{`(?m)^artnet_dns_zones_failed 0$`, `(?m)^artnet_dns_load_failures_total\{scope="all"\} \d+$`} {
		if !regexp.MustCompile(re).Match(body) {
			t.Errorf("/metrics has no line matching %s", re)
		}
	}
}
