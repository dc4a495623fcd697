package inventory_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/artnet-panel/artnet-panel/internal/inventory"
	"github.com/artnet-panel/artnet-panel/internal/store"
)

// netServices are services of customer 7 with subnetworks 501
// (123.123.124.0/29, dedicated), 502 (2a01:1234:5678::/64, dedicated) and
// 503 (10.1.0.0/23, additional-ip).
var netServices = `"services": [` + svc(10, 0, "dedicated", `{"network_configuration": {"subnetworks": [
	  {"id": 501, "ip": "123.123.124.0", "mask": "255.255.255.248", "mask_short": "/29", "type": "IPv4"},
	  {"id": 502, "ip": "2a01:1234:5678::", "mask": "ffff:ffff:ffff:ffff::", "mask_short": "/64", "type": "IPv6"}]}}`) + `, ` +
	svc(11, 10, "additional-ip", `{"subnetworks": [{"id": 503, "ip": "10.1.0.0", "mask": "255.255.254.0", "mask_short": "", "type": "IPv4"}]}`) + `]`

func revDoc(revDNS string) string {
	return `{"customers": [{` + okCustomer + `, ` + netServices + `, "rev_dns": [` + revDNS + `]},
	  {"customer": {"id": 8, "name": "Other"}, "services": [` + svc(20, 0, "additional-ip",
		`{"subnetworks": [{"id": 601, "ip": "192.0.2.0", "mask_short": "/28", "type": "IPv4"}]}`) + `]}]}`
}

func TestImportRevDNSErrorsNameThePath(t *testing.T) {
	ok := `{"subnetwork_id": 501, "dns_subclass": "123.123.124", "serial": 2025010101, "ptr_records": [{"origin": "2", "ptr": "a.acme.test"}]}`
	cases := []struct{ name, rev, wantPath string }{
		{"unknown subnetwork", ok + `, {"subnetwork_id": 999, "dns_subclass": "123.123.124", "ptr_records": []}`, "$.customers[0].rev_dns[1].subnetwork_id"},
		{"another customer's subnetwork", `{"subnetwork_id": 601, "dns_subclass": "192.0.2", "ptr_records": []}`, "$.customers[0].rev_dns[0].subnetwork_id"},
		{"not a subclass of the subnetwork", `{"subnetwork_id": 503, "dns_subclass": "10.1.2", "ptr_records": []}`, "$.customers[0].rev_dns[0].dns_subclass"},
		{"subclass twice", ok + `, {"subnetwork_id": 501, "dns_subclass": "123.123.124.0/24", "ptr_records": []}`, "$.customers[0].rev_dns[1].dns_subclass"},
		{"origin outside the subnetwork", `{"subnetwork_id": 501, "dns_subclass": "123.123.124", "ptr_records": [
		  {"origin": "1", "ptr": "a.acme.test"}, {"origin": "2", "ptr": "b.acme.test"}, {"origin": "7", "ptr": "c.acme.test"}, {"origin": "8", "ptr": "d.acme.test"}]}`,
			"$.customers[0].rev_dns[0].ptr_records[3].origin"},
		{"origin not a number", `{"subnetwork_id": 501, "dns_subclass": "123.123.124", "ptr_records": [{"origin": "02", "ptr": "a.acme.test"}]}`,
			"$.customers[0].rev_dns[0].ptr_records[0].origin"},
		{"IPv6 origin outside the subnetwork", `{"subnetwork_id": 502, "dns_subclass": "2a01:1234:5678::/64", "ptr_records": [{"origin": "0:0:0:1:2", "ptr": "a.acme.test"}]}`,
			"$.customers[0].rev_dns[0].ptr_records[0].origin"},
		{"origin twice", `{"subnetwork_id": 501, "dns_subclass": "123.123.124", "ptr_records": [{"origin": "2", "ptr": "a.acme.test"}, {"origin": "2", "ptr": "b.acme.test"}]}`,
			"$.customers[0].rev_dns[0].ptr_records[1].origin"},
		{"bad ptr", `{"subnetwork_id": 501, "dns_subclass": "123.123.124", "ptr_records": [{"origin": "2", "ptr": "a..acme.test"}]}`,
			"$.customers[0].rev_dns[0].ptr_records[0].ptr"},
		{"missing ptr", `{"subnetwork_id": 501, "dns_subclass": "123.123.124", "ptr_records": [{"origin": "2"}]}`,
			"$.customers[0].rev_dns[0].ptr_records[0].ptr"},
		{"serial out of range", `{"subnetwork_id": 501, "dns_subclass": "123.123.124", "serial": -1, "ptr_records": []}`, "$.customers[0].rev_dns[0].serial"},
		{"unknown field", `{"subnetwork_id": 501, "dns_subclass": "123.123.124", "zone": "x", "ptr_records": []}`, "$.customers[0].rev_dns[0].zone"},
		{"unknown record field", `{"subnetwork_id": 501, "dns_subclass": "123.123.124", "ptr_records": [{"origin": "2", "ptr": "a.test", "ttl": 5}]}`,
			"$.customers[0].rev_dns[0].ptr_records[0].ttl"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ctx := context.Background()
			st := openStore(t)
			inv, err := inventory.Parse([]byte(revDoc(c.rev)))
			if err == nil {
				err = inventory.Import(ctx, st, inv)
			}
			if err == nil || !strings.Contains(err.Error(), c.wantPath+":") {
				t.Fatalf("error = %v, want one naming %s", err, c.wantPath)
			}
			if list, _ := st.CustomerList(ctx); len(list) != 0 {
				t.Fatalf("a failed import left %d customers", len(list))
			}
			if _, err := st.PTRSubclassGet(ctx, 7, 501, "123.123.124"); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("a failed import left a subclass: %v", err)
			}
		})
	}
}

func TestRevDNSRoundTrip(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	doc := revDoc(`
	  {"subnetwork_id": 502, "dns_subclass": "2a01:1234:5678:0000::/64", "serial": 2025010103,
	   "type": "ignored", "prefix": "ignored",
	   "ptr_records": [{"origin": "::1", "ptr": "V6.Acme.TEST.", "address": "ignored"}]},
	  {"subnetwork_id": 501, "dns_subclass": "123.123.124", "serial": 2025010102,
	   "ptr_records": [{"origin": "5", "ptr": "mail.acme.test"}, {"origin": "1", "ptr": "gw.acme.test"}]},
	  {"subnetwork_id": 503, "dns_subclass": "10.1.1", "serial": 2025010104, "ptr_records": []}`)
	inv, err := inventory.Parse([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	if err := inventory.Import(ctx, st, inv); err != nil {
		t.Fatal(err)
	}
	sc, err := st.PTRSubclassGet(ctx, 7, 502, "2a01:1234:5678::/64")
	if err != nil || sc.Serial != 2025010103 || sc.Zone != "0.0.0.0.8.7.6.5.4.3.2.1.1.0.a.2.ip6.arpa" {
		t.Fatalf("IPv6 subclass: %+v, %v", sc, err)
	}
	if recs, _ := st.PTRList(ctx, 7, 502, "2a01:1234:5678::/64"); len(recs) != 1 || recs[0] != (store.PTRRecord{Address: "2a01:1234:5678::1", PTR: "v6.acme.test"}) {
		t.Fatalf("IPv6 records: %+v", recs)
	}

	out, err := inventory.Export(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := inventory.MarshalJSON(out)
	want := `"rev_dns": [
        {
          "subnetwork_id": 501,
          "dns_subclass": "123.123.124",
          "serial": 2025010102,
          "type": "IPv4",
          "prefix": "123.123.124",
          "ptr_records": [
            {
              "origin": "1",
              "ptr": "gw.acme.test",
              "address": "123.123.124.1"
            },
            {
              "origin": "5",
              "ptr": "mail.acme.test",
              "address": "123.123.124.5"
            }
          ]
        },
        {
          "subnetwork_id": 502,
          "dns_subclass": "2a01:1234:5678::/64",
          "serial": 2025010103,
          "type": "IPv6",
          "prefix": "2a01:1234:5678:0",
          "ptr_records": [
            {
              "origin": "0:0:0:1",
              "ptr": "v6.acme.test",
              "address": "2a01:1234:5678::1"
            }
          ]
        },
        {
          "subnetwork_id": 503,
          "dns_subclass": "10.1.1",
          "serial": 2025010104,
          "type": "IPv4",
          "prefix": "10.1.1",
          "ptr_records": []
        }
      ]`
	if !strings.Contains(string(b), want) || !strings.Contains(string(b), `"rev_dns": []`) {
		t.Fatalf("export:\n%s", b)
	}
	y, err := inventory.MarshalYAML(out)
	if err != nil {
		t.Fatal(err)
	}
	for _, data := range [][]byte{b, y} {
		again, err := inventory.Parse(data)
		if err != nil {
			t.Fatal(err)
		}
		st2 := openStore(t)
		if err := inventory.Import(ctx, st2, again); err != nil {
			t.Fatal(err)
		}
		out2, _ := inventory.Export(ctx, st2)
		if b2, _ := inventory.MarshalJSON(out2); string(b2) != string(b) {
			t.Errorf("round trip differs:\n%s\n%s", b, b2)
		}
	}
}
