package web

import (
	"encoding/json"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/artnet-panel/artnet-panel/artnet"
)

func TestMoney(t *testing.T) {
	for _, c := range []struct {
		m        artnet.Money
		cur, pl  string
		en       string
		currency string
	}{
		{64821, "PLN", "648,21 PLN", "648.21 PLN", "PLN"},
		{52700, "EUR", "527,00 EUR", "527.00 EUR", "EUR"},
		{-50, "", "-0,50", "-0.50", ""},
		{1234567, "PLN", "12\u00a0345,67 PLN", "12,345.67 PLN", "PLN"},
		{123456, "PLN", "1234,56 PLN", "1234.56 PLN", "PLN"},
	} {
		if got := money(c.m, c.currency, "pl"); got != c.pl {
			t.Errorf("money(%d, pl) = %q, want %q", c.m, got, c.pl)
		}
		if got := money(c.m, c.currency, "en"); got != c.en {
			t.Errorf("money(%d, en) = %q, want %q", c.m, got, c.en)
		}
	}
}

// TestCloudPrice: cloud prices have four decimals, grouped like money.
func TestCloudPrice(t *testing.T) {
	for _, c := range []struct {
		m      artnet.Money4
		pl, en string
	}{
		{123456789, "12\u00a0345,6789 PLN", "12,345.6789 PLN"},
		{5, "0,0005 PLN", "0.0005 PLN"},
		{-10000, "-1,0000 PLN", "-1.0000 PLN"},
	} {
		if got := cloudPrice(c.m, "PLN", "pl"); got != c.pl {
			t.Errorf("cloudPrice(%d, pl) = %q, want %q", c.m, got, c.pl)
		}
		if got := cloudPrice(c.m, "PLN", "en"); got != c.en {
			t.Errorf("cloudPrice(%d, en) = %q, want %q", c.m, got, c.en)
		}
	}
}

func TestDatesAndSizes(t *testing.T) {
	// 2026-06-30 22:30 UTC is already July 1st in Warsaw (CEST).
	ts := artnet.Unix(time.Date(2026, 6, 30, 22, 30, 0, 0, time.UTC).Unix())
	if got := dateOf(ts); got != "2026-07-01" {
		t.Errorf("dateOf = %q", got)
	}
	if got := dateOf(artnet.Timestamp{}); got != "—" {
		t.Errorf("dateOf(zero) = %q", got)
	}
	if got := bytesOf(187904819200, "en"); got != "175.0 GiB" {
		t.Errorf("bytesOf en = %q", got)
	}
	if got := bytesOf(1536, "pl"); got != "1,5 KiB" {
		t.Errorf("bytesOf pl = %q", got)
	}
	if got := bytesOf(12, "pl"); got != "12 B" {
		t.Errorf("bytesOf small = %q", got)
	}
}

func TestCountAndExpiring(t *testing.T) {
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	list := []artnet.Service{
		{ID: 1, Type: "dedicated", ExpirationTime: artnet.Unix(now.Add(40 * 24 * time.Hour).Unix())},
		{ID: 2, Type: "dedicated", ExpirationTime: artnet.Unix(now.Add(20 * 24 * time.Hour).Unix())},
		{ID: 3, Type: "ssl", ExpirationTime: artnet.Unix(now.Add(2 * 24 * time.Hour).Unix())},
		{ID: 4, Type: "domain", ExpirationTime: artnet.Unix(now.Add(-time.Hour).Unix())},
		{ID: 5, Type: "other"},
	}
	counts := countByType(list)
	if len(counts) != 13 || counts[0] != (typeCount{"dedicated", 2}) {
		t.Fatalf("counts = %v", counts)
	}
	for _, c := range counts {
		if c.Type == "ssl" && c.Count != 1 || c.Type == "vps" && c.Count != 0 {
			t.Errorf("count %v", c)
		}
	}
	exp := expiringWithin(list, now, 30*24*time.Hour)
	if len(exp) != 2 || exp[0].ID != 3 || exp[1].ID != 2 {
		t.Fatalf("expiring = %+v", exp)
	}
	if d := daysLeft(exp[1].ExpirationTime, now); d != 20 {
		t.Errorf("daysLeft = %d", d)
	}
}

func TestQuoteCustomDemo(t *testing.T) {
	var inv struct {
		CustomOffer []artnet.CustomOffer `json:"custom_offer"`
	}
	b, err := os.ReadFile("../demo/demo.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &inv); err != nil {
		t.Fatal(err)
	}
	if q := quoteCustom(inv.CustomOffer, url.Values{}); q.Calculated {
		t.Fatal("calculated without a platform")
	}
	// Dell R650 450 + 2 × 960 GB SSD 60 + 4 × 32 GB 55 + 1 CPU 120 +
	// bandwidth 100 + backup 50 + 8 IPs 64 = 1124 net.
	q := quoteCustom(inv.CustomOffer, url.Values{"platform": {"0"}, "hdd0": {"2"}, "ram0": {"4"},
		"cpu0": {"1"}, "bandwidth": {"0"}, "other0": {"on"}, "ip": {"0"}, "transfer": {"-1"}})
	if !q.Calculated || len(q.Problems) != 0 {
		t.Fatalf("quote = %+v", q)
	}
	if q.Net != 112400 || q.VAT != 25852 || q.Gross != 138252 || q.Currency != "PLN" {
		t.Errorf("net %v vat %v gross %v %s", q.Net, q.VAT, q.Gross, q.Currency)
	}
	if len(q.Lines) != 7 || q.Lines[1].Count != 2 || q.Lines[1].Total != 12000 {
		t.Errorf("lines = %+v", q.Lines)
	}
	// Over the platform's limits: 9 disks in 8 slots, 2 more CPUs in 2
	// sockets, 33 × 32 GB over 1024 GB.
	q = quoteCustom(inv.CustomOffer, url.Values{"platform": {"0"}, "hdd0": {"9"}, "ram0": {"33"}, "cpu0": {"2"}})
	keys := map[string]int{}
	for _, p := range q.Problems {
		keys[p.Key] = p.Max
	}
	if keys["offer.custom.err.disks"] != 8 || keys["offer.custom.err.ram"] != 1024 || keys["offer.custom.err.cpus"] != 1 {
		t.Errorf("problems = %+v", q.Problems)
	}
}
