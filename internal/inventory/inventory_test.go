package inventory_test

import (
	"context"
	"fmt"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/artnet-panel/artnet-panel/internal/inventory"
	"github.com/artnet-panel/artnet-panel/internal/store/sqlite"
)

const okCustomer = `"customer": {"id": 7, "name": "Klient", "language": "pl", "currency": "PLN"}`

// svc is a service entry of type typ with the given parent and details.
func svc(id, parent int, typ, details string) string {
	return `{"service": {"id": ` + strconv.Itoa(id) + `, "type": "` + typ + `", "name": "s", "expiration_time": 0,
	  "payment_details": {"price": 1, "price_brutto": 1.23, "currency": "PLN", "payment_period": 1},
	  "parent_service_id": ` + strconv.Itoa(parent) + `, "ip": "", "custom_description": null}, "details": ` + details + `}`
}

func TestImportErrorsNameThePath(t *testing.T) {
	cases := []struct {
		name, doc, wantPath string
	}{
		{"unknown top-level field", `{"customers": [], "resellers": []}`, "$.resellers"},
		{"unknown customer field", `{"customers": [{` + okCustomer + `, "vip": true}]}`, "$.customers[0].vip"},
		{"type error", `{"customers": [{"customer": {"id": "seven", "name": "x"}}]}`, "$.customers[0].customer.id"},
		{"money with three decimals", `{"customers": [{` + okCustomer + `, "services": [` +
			strings.Replace(svc(10, 0, "vps", `{}`), `1.23`, `1.234`, 1) + `]}]}`, "$.customers[0].services[0].service.payment_details.price_brutto"},
		{"unknown service type", `{"customers": [{` + okCustomer + `, "services": [` + svc(10, 0, "mainframe", `{}`) + `]}]}`,
			"$.customers[0].services[0].service.type"},
		{"unknown details field", `{"customers": [{` + okCustomer + `, "services": [` + svc(10, 0, "vps", `{"power": "on"}`) + `]}]}`,
			"$.customers[0].services[0].details.power"},
		{"details of the wrong shape", `{"customers": [{` + okCustomer + `, "services": [` + svc(10, 0, "dedicated", `{"hardware_configuration": {"cpu": [{"cores": "four"}]}}`) + `]}]}`,
			"$.customers[0].services[0].details.hardware_configuration.cpu[0].cores"},
		{"details id differs", `{"customers": [{` + okCustomer + `, "services": [` + svc(10, 0, "avx", `{"id": 11}`) + `]}]}`,
			"$.customers[0].services[0].details.id"},
		{"duplicate service id", `{"customers": [{` + okCustomer + `, "services": [` + svc(10, 0, "avx", `{}`) + `,` + svc(10, 0, "ssl", `{}`) + `]}]}`,
			"$.customers[0].services[1].service.id"},
		{"bad language", `{"customers": [{"customer": {"id": 7, "name": "x", "language": "de"}}]}`, "$.customers[0].customer.language"},
		{"short api key", `{"customers": [{` + okCustomer + `, "api_key": "short"}]}`, "$.customers[0].api_key"},
		{"yaml type error", "customers:\n  - customer:\n      id: 7\n      name: x\n      business: maybe\n", "$.customers[0].customer.business"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			inv, err := inventory.Parse([]byte(c.doc))
			if err == nil {
				err = inventory.Import(context.Background(), openStore(t), inv)
			}
			if err == nil || !strings.Contains(err.Error(), c.wantPath+":") {
				t.Fatalf("error = %v, want one naming %s", err, c.wantPath)
			}
		})
	}
}

func openStore(t *testing.T) *sqlite.DB {
	t.Helper()
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "inv.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func TestImportParentMustBelongToTheCustomer(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	doc := `{"customers": [
	  {"customer": {"id": 1, "name": "A"}, "services": [` + svc(10, 0, "dedicated", `{}`) + `]},
	  {"customer": {"id": 2, "name": "B"}, "services": [` + svc(20, 10, "additional-ip", `{}`) + `]}]}`
	inv, err := inventory.Parse([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	err = inventory.Import(ctx, st, inv)
	if err == nil || !strings.Contains(err.Error(), "$.customers[1].services[0].service.parent_service_id") {
		t.Fatalf("error = %v", err)
	}
	if list, _ := st.CustomerList(ctx); len(list) != 0 {
		t.Fatalf("a failed import left %d customers", len(list))
	}
}

func TestExportKeepsKeysHashed(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	key := "K3yK3yK3yK3yK3yK3yK3yK3yK3yK3yK3yK3y"
	inv, err := inventory.Parse([]byte(`{"customers": [{` + okCustomer + `, "api_key": "` + key + `", "reseller": true}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if err := inventory.Import(ctx, st, inv); err != nil {
		t.Fatal(err)
	}
	out, err := inventory.Export(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := inventory.MarshalJSON(out)
	if strings.Contains(string(b), key) || !strings.Contains(string(b), `"api_key_sha256": "`) || !strings.Contains(string(b), `"reseller": true`) {
		t.Fatalf("export:\n%s", b)
	}
}

// zone returns a dns_zones entry.
func zone(body string) string { return `"dns_zones": [` + body + `]` }

const okZone = `{"id": 5, "domain": "acme.test", "type": "primary", "serial": 2025010101,
  "records": [{"name": "@", "ttl": 3600, "type": "A", "data1": "192.0.2.1"}]}`

func TestImportDNSErrorsNameThePath(t *testing.T) {
	cases := []struct {
		name, doc, wantPath string
	}{
		{"bad record data", `{"customers": [{` + okCustomer + `, ` + zone(okZone+`, {"id": 6, "domain": "b.test", "type": "primary",
		  "records": [{"name": "@", "type": "A", "data1": "192.0.2.1"}, {"name": "www", "type": "A", "data1": "192.0.2.1"},
		              {"name": "mx", "type": "MX", "data1": "10", "data2": "mail"}, {"name": "x", "type": "A", "data1": "1.2.3"}]}`) + `}]}`,
			"$.customers[0].dns_zones[1].records[3].data1"},
		{"second bad record reported too", `{"customers": [{` + okCustomer + `, ` + zone(`{"id": 6, "domain": "b.test", "type": "primary",
		  "records": [{"name": "a", "type": "A", "data1": "x"}, {"name": "b", "ttl": 5, "type": "A", "data1": "192.0.2.1"}]}`) + `}]}`,
			"$.customers[0].dns_zones[0].records[1].ttl"},
		{"duplicate record", `{"customers": [{` + okCustomer + `, ` + zone(`{"id": 6, "domain": "b.test", "type": "primary",
		  "records": [{"name": "a", "type": "A", "data1": "192.0.2.1"}, {"name": "a", "type": "A", "data1": "192.0.2.1"}]}`) + `}]}`,
			"$.customers[0].dns_zones[0].records[1]"},
		{"unknown record type", `{"customers": [{` + okCustomer + `, ` + zone(`{"id": 6, "domain": "b.test", "type": "primary",
		  "records": [{"name": "a", "type": "PTR", "data1": "x."}]}`) + `}]}`, "$.customers[0].dns_zones[0].records[0].type"},
		{"unknown zone field", `{"customers": [{` + okCustomer + `, ` + zone(`{"id": 6, "domain": "b.test", "type": "primary", "ttl": 5}`) + `}]}`,
			"$.customers[0].dns_zones[0].ttl"},
		{"unknown record field", `{"customers": [{` + okCustomer + `, ` + zone(`{"id": 6, "domain": "b.test", "type": "primary",
		  "records": [{"name": "a", "type": "A", "data": "x"}]}`) + `}]}`, "$.customers[0].dns_zones[0].records[0].data"},
		{"bad domain", `{"customers": [{` + okCustomer + `, ` + zone(`{"domain": "b..test", "type": "primary"}`) + `}]}`, "$.customers[0].dns_zones[0].domain"},
		{"unknown zone type", `{"customers": [{` + okCustomer + `, ` + zone(`{"domain": "b.test", "type": "secondary"}`) + `}]}`, "$.customers[0].dns_zones[0].type"},
		{"negative id", `{"customers": [{` + okCustomer + `, ` + zone(`{"id": -1, "domain": "b.test", "type": "primary"}`) + `}]}`, "$.customers[0].dns_zones[0].id"},
		{"serial out of range", `{"customers": [{` + okCustomer + `, ` + zone(`{"domain": "b.test", "type": "primary", "serial": 4294967296}`) + `}]}`, "$.customers[0].dns_zones[0].serial"},
		{"duplicate zone id", `{"customers": [{` + okCustomer + `, ` + zone(okZone+`, {"id": 5, "domain": "b.test", "type": "primary"}`) + `}]}`, "$.customers[0].dns_zones[1].id"},
		{"duplicate domain across customers", `{"customers": [{` + okCustomer + `, ` + zone(okZone) + `},
		  {"customer": {"id": 8, "name": "Other"}, ` + zone(`{"domain": "ACME.test.", "type": "secoundary", "master_nameserver": "192.0.2.53"}`) + `}]}`,
			"$.customers[1].dns_zones[0].domain"},
		{"primary with a master", `{"customers": [{` + okCustomer + `, ` + zone(`{"domain": "b.test", "type": "primary", "master_nameserver": "192.0.2.53"}`) + `}]}`,
			"$.customers[0].dns_zones[0].master_nameserver"},
		{"bad name server", `{"customers": [{` + okCustomer + `, ` + zone(`{"domain": "b.test", "type": "primary", "nameservers": ["ns1.artnet.pl", "x"]}`) + `}]}`,
			"$.customers[0].dns_zones[0].nameservers[1]"},
		{"secondary without master", `{"customers": [{` + okCustomer + `, ` + zone(`{"domain": "b.test", "type": "secoundary"}`) + `}]}`,
			"$.customers[0].dns_zones[0].master_nameserver"},
		{"secondary with a loopback master", `{"customers": [{` + okCustomer + `, ` + zone(`{"domain": "b.test", "type": "secoundary", "master_nameserver": "127.0.0.1"}`) + `}]}`,
			"$.customers[0].dns_zones[0].master_nameserver"},
		{"secondary with records", `{"customers": [{` + okCustomer + `, ` + zone(`{"domain": "b.test", "type": "secoundary", "master_nameserver": "ns.master.example",
		  "records": [{"name": "a", "type": "A", "data1": "192.0.2.1"}]}`) + `}]}`, "$.customers[0].dns_zones[0].records"},
		{"bad allowance", `{"customers": [{` + okCustomer + `, "dns_allowed_domains": ["ok.test", "not a domain"]}]}`, "$.customers[0].dns_allowed_domains[1]"},
		{"duplicate allowance", `{"customers": [{` + okCustomer + `, "dns_allowed_domains": ["ok.test", "OK.test."]}]}`, "$.customers[0].dns_allowed_domains[1]"},
		{"yaml record", "customers:\n  - customer: {id: 7, name: x}\n    dns_zones:\n      - {domain: b.test, type: primary, records: [{name: '@', type: A, data1: '1.2.3.4.5'}]}\n",
			"$.customers[0].dns_zones[0].records[0].data1"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			inv, err := inventory.Parse([]byte(c.doc))
			if err == nil {
				err = inventory.Import(context.Background(), openStore(t), inv)
			}
			if err == nil || !strings.Contains(err.Error(), c.wantPath+":") {
				t.Fatalf("error = %v, want one naming %s", err, c.wantPath)
			}
		})
	}
}

func TestImportZoneConflictsWithTheDatabase(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	first := `{"customers": [{` + okCustomer + `, ` + zone(okZone) + `}]}`
	inv, _ := inventory.Parse([]byte(first))
	if err := inventory.Import(ctx, st, inv); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ doc, want string }{
		{`{"customers": [{"customer": {"id": 8, "name": "B"}, ` + zone(`{"domain": "acme.test", "type": "primary"}`) + `}]}`,
			"$.customers[0].dns_zones[0].domain: a zone of acme.test already exists (zone 5 of customer 7)"},
		{`{"customers": [{"customer": {"id": 8, "name": "B"}, ` + zone(`{"id": 5, "domain": "other.test", "type": "primary"}`) + `}]}`,
			"$.customers[0].dns_zones[0].id: zone 5 already exists"},
	} {
		inv, err := inventory.Parse([]byte(tc.doc))
		if err != nil {
			t.Fatal(err)
		}
		if err := inventory.Import(ctx, st, inv); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("error = %v, want %q", err, tc.want)
		}
		if _, err := st.CustomerGet(ctx, 8); err == nil {
			t.Error("a failed import left customer 8 behind")
		}
	}
}

func TestDNSRoundTrip(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	doc := `{"customers": [{` + okCustomer + `,
	  "dns_zones": [
	    {"id": 5, "domain": "Acme.TEST.", "type": "primary", "serial": 2025010107,
	     "nameservers": ["ns1.artnet.pl", "ns2.artnet.pl"],
	     "records": [
	       {"name": "@", "type": "a", "data1": "192.0.2.1"},
	       {"name": "", "ttl": 300, "type": "AAAA", "data1": "2001:DB8::1"},
	       {"name": "www", "ttl": 3600, "type": "CNAME", "data1": "@"},
	       {"name": "@", "ttl": 3600, "type": "MX", "data1": "010", "data2": "mail.acme.test."},
	       {"name": "mail", "ttl": 3600, "type": "A", "data1": "192.0.2.25"},
	       {"name": "@", "ttl": 3600, "type": "TXT", "data1": " v=spf1 \"mx\" -all "},
	       {"name": "_sip._tcp", "ttl": 3600, "type": "SRV", "data1": "10", "data2": "5", "data3": "5060", "data4": "sip.example.net."},
	       {"name": "@", "ttl": 3600, "type": "CAA", "data1": "0", "data2": "ISSUE", "data3": "letsencrypt.org"}]},
	    {"domain": "empty.acme.test", "type": "primary"},
	    {"id": 9, "domain": "sec.acme.test", "type": "secoundary", "master_nameserver": "NS.Master.Example."}],
	  "dns_allowed_domains": ["zeta.test", "Przykład.pl"]},
	  {"customer": {"id": 8, "name": "Other"}}]}`
	inv, err := inventory.Parse([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	if err := inventory.Import(ctx, st, inv); err != nil {
		t.Fatal(err)
	}
	// Stored in the form /dns/edit-primary-records stores.
	recs, err := st.ZoneRecords(ctx, 7, 5)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range recs {
		got = append(got, fmt.Sprintf("%s|%d|%s|%s|%s|%s|%s", r.Name, r.TTL, r.Type, r.Data1, r.Data2, r.Data3, r.Data4))
	}
	want := []string{"@|3600|A|192.0.2.1|||", "|300|AAAA|2001:db8::1|||", "www|3600|CNAME|@|||",
		"@|3600|MX|10|mail.acme.test.||", "mail|3600|A|192.0.2.25|||", `@|3600|TXT| v=spf1 "mx" -all |||`,
		"_sip._tcp|3600|SRV|10|5|5060|sip.example.net.", "@|3600|CAA|0|issue|letsencrypt.org|"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("stored records:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	z, err := st.ZoneGet(ctx, 7, 5)
	if err != nil || z.Domain != "acme.test" || z.Serial != 2025010107 {
		t.Errorf("zone 5: %+v, %v", z, err)
	}
	if sec, err := st.ZoneGet(ctx, 7, 9); err != nil || sec.MasterNameserver != "ns.master.example" || sec.Type != "secoundary" {
		t.Errorf("zone 9: %+v, %v", sec, err)
	}
	if ok, _ := st.DomainAllowed(ctx, 7, "shop.xn--przykad-rjb.pl"); !ok {
		t.Error("the allowance of przykład.pl is missing")
	}

	out, err := inventory.Export(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := inventory.MarshalJSON(out)
	for _, w := range []string{
		`"domain": "acme.test",` + "\n" + `          "type": "primary",` + "\n" + `          "serial": 2025010107,`,
		`"domain": "empty.acme.test",` + "\n" + `          "type": "primary",` + "\n" + `          "serial": `,
		`"records": []`,
		`"id": 9,` + "\n" + `          "domain": "sec.acme.test",` + "\n" + `          "type": "secoundary",` + "\n" + `          "master_nameserver": "ns.master.example"` + "\n",
		`"dns_allowed_domains": [` + "\n" + `        "xn--przykad-rjb.pl",` + "\n" + `        "zeta.test"` + "\n",
		`"dns_zones": [],` + "\n" + `      "dns_allowed_domains": []`,
	} {
		if !strings.Contains(string(b), w) {
			t.Errorf("export lacks %q:\n%s", w, b)
		}
	}
	if strings.Contains(string(b), "nameservers") {
		t.Errorf("export has name servers:\n%s", b)
	}
	// import(export) reproduces the database, in JSON and YAML.
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
		out2, err := inventory.Export(ctx, st2)
		if err != nil {
			t.Fatal(err)
		}
		b2, _ := inventory.MarshalJSON(out2)
		if string(b2) != string(b) {
			t.Errorf("round trip differs:\n%s\n%s", b, b2)
		}
		all1, _ := st.ZonesAll(ctx)
		all2, _ := st2.ZonesAll(ctx)
		for i := range all1 {
			all1[i].CreatedAt, all1[i].UpdatedAt, all2[i].CreatedAt, all2[i].UpdatedAt = 0, 0, 0, 0
		}
		if !reflect.DeepEqual(all1, all2) {
			t.Errorf("zones differ after the round trip:\n%+v\n%+v", all1, all2)
		}
	}
}
