package web

import (
	"net/netip"
	"reflect"
	"testing"

	"github.com/artnet-panel/artnet-panel/artnet"
	"github.com/artnet-panel/artnet-panel/internal/panel"
)

func TestApplyRecordChangeKeepsOwners(t *testing.T) {
	recs := []artnet.DNSRecord{
		{Name: "www", Type: "A", Data1: "192.0.2.1"},
		{Name: "", Type: "A", Data1: "192.0.2.2"}, // www too
		{Name: "mail", Type: "A", Data1: "192.0.2.3"},
	}
	// Deleting the first record must not make the second one nameless.
	got, ok := applyRecordChange(recs, recordChange{index: 0, delete: true})
	want := []artnet.DNSRecord{{Name: "www", Type: "A", Data1: "192.0.2.2"}, {Name: "mail", Type: "A", Data1: "192.0.2.3"}}
	if !ok || !reflect.DeepEqual(got, want) {
		t.Fatalf("delete 0: %v %+v, want %+v", ok, got, want)
	}
	if recs[1].Name != "" {
		t.Fatal("the input was modified")
	}
	got, ok = applyRecordChange(recs, recordChange{index: 2, rec: artnet.DNSRecord{Name: "mx", Type: "A", Data1: "192.0.2.9"}})
	if !ok || len(got) != 3 || got[2].Name != "mx" || got[1].Name != "www" {
		t.Fatalf("edit 2: %v %+v", ok, got)
	}
	got, ok = applyRecordChange(recs, recordChange{index: -1, rec: artnet.DNSRecord{Name: "new", Type: "TXT", Data1: "x"}})
	if !ok || len(got) != 4 || got[3].Name != "new" {
		t.Fatalf("add: %v %+v", ok, got)
	}
	if _, ok := applyRecordChange(recs, recordChange{index: 3, delete: true}); ok {
		t.Fatal("a change of record 3 of 3 was accepted")
	}
}

func TestRecordsValues(t *testing.T) {
	v := recordsValues(7, "2026120701", []artnet.DNSRecord{
		{Name: "@", TTL: 300, Type: "MX", Data1: "10", Data2: "mail"},
		{Name: "txt", Type: "TXT", Data1: " spaced "},
	})
	for k, want := range map[string]string{
		"zone_id": "7", "serial": "2026120701",
		"records[0][name]": "@", "records[0][ttl]": "300", "records[0][type]": "MX",
		"records[0][data1]": "10", "records[0][data2]": "mail",
		"records[1][name]": "txt", "records[1][data1]": " spaced ",
	} {
		if got := v.Get(k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
	if v.Has("records[1][ttl]") || v.Has("records[1][data2]") {
		t.Errorf("empty ttl or data sent: %v", v)
	}
}

func TestRecordLayout(t *testing.T) {
	for typ, n := range map[string]int{"A": 1, "MX": 2, "SRV": 4, "CAA": 3, "NS": 1, "TXT": 1, "BOGUS": 1} {
		if got := dnsRecordLayout(typ); len(got) != n {
			t.Errorf("%s: %d fields, want %d", typ, len(got), n)
		}
	}
	if f := dnsRecordLayout("SRV"); f[3].Index != 3 || f[3].Doc != "target" {
		t.Errorf("SRV data4: %+v", f[3])
	}
}

func TestSubclassAddresses(t *testing.T) {
	subs, err := panel.RevDNSSubclasses(artnet.Subnetwork{ID: 1, IP: "123.123.124.8", MaskShort: "/29", Type: "IPv4"})
	if err != nil {
		t.Fatal(err)
	}
	got := subclassAddresses(subs[0], 256)
	if len(got) != 8 || got[0] != netip.MustParseAddr("123.123.124.8") || got[7] != netip.MustParseAddr("123.123.124.15") {
		t.Fatalf("/29: %v", got)
	}
	subs, err = panel.RevDNSSubclasses(artnet.Subnetwork{ID: 2, IP: "10.1.0.0", MaskShort: "/22", Type: "IPv4"})
	if err != nil || len(subs) != 4 {
		t.Fatal(subs, err)
	}
	got = subclassAddresses(subs[2], 256)
	if len(got) != 256 || got[0] != netip.MustParseAddr("10.1.2.0") || got[255] != netip.MustParseAddr("10.1.2.255") {
		t.Fatalf("/22 third /24: %d addresses from %v", len(got), got[0])
	}
	subs, err = panel.RevDNSSubclasses(artnet.Subnetwork{ID: 3, IP: "2a01:1234:5678::", MaskShort: "/64", Type: "IPv6"})
	if err != nil {
		t.Fatal(err)
	}
	if got := subclassAddresses(subs[0], 256); got != nil {
		t.Fatalf("/64: %d addresses listed", len(got))
	}
}

// TestDNSDataLabels: every data field of every record type has a label
// in both languages.
func TestDNSDataLabels(t *testing.T) {
	for _, l := range panel.DNSRecordLayouts {
		for _, f := range dnsRecordLayout(l.Type) {
			if v, ok := allTexts[dnsDataLabel(f)]; !ok || v[0] == "" || v[1] == "" {
				t.Errorf("%s data%d (%s): no label %q", l.Type, f.Index+1, f.Doc, dnsDataLabel(f))
			}
		}
	}
}
