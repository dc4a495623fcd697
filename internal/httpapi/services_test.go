package httpapi_test

import (
	"fmt"
	"testing"
)

func TestServicesList(t *testing.T) {
	e := newEnv(t)
	all := mustOK(t, e.asA("services/list")).get("services_list").([]any)
	if len(all) != 13 {
		t.Fatalf("services_list has %d services, want 13", len(all))
	}
	seen := map[string]bool{}
	prev := 0.0
	for _, it := range all {
		m := it.(map[string]any)
		seen[m["type"].(string)] = true
		if m["id"].(float64) <= prev {
			t.Fatal("services_list is not ordered by id")
		}
		prev = m["id"].(float64)
		for _, f := range []string{"id", "type", "name", "custom_description", "expiration_time", "payment_details", "parent_service_id", "ip"} {
			if _, ok := m[f]; !ok {
				t.Fatalf("service %v lacks %s", m["id"], f)
			}
		}
	}
	if len(seen) != 13 {
		t.Fatalf("demo has %d service types, want 13", len(seen))
	}

	byType := mustOK(t, e.asA("services/list", "service_type", "dedicated")).get("services_list").([]any)
	if len(byType) != 1 || byType[0].(map[string]any)["id"] != float64(12345) {
		t.Fatalf("service_type=dedicated gave %v", byType)
	}
	children := mustOK(t, e.asA("services/list", "parent_service_id", "12345")).get("services_list").([]any)
	if len(children) != 2 {
		t.Fatalf("parent_service_id=12345 gave %d services, want 2", len(children))
	}
	// parent_service_id=0 means "any".
	if n := len(mustOK(t, e.asA("services/list", "parent_service_id", "0")).get("services_list").([]any)); n != 13 {
		t.Fatalf("parent_service_id=0 gave %d services, want 13", n)
	}
	// Paging walks the list exactly once.
	var walked []any
	for off := 0; ; off += 5 {
		page := mustOK(t, e.asA("services/list", "limit", "5", "offset", fmt.Sprint(off))).get("services_list").([]any)
		walked = append(walked, page...)
		if len(page) < 5 {
			break
		}
	}
	if fmt.Sprint(walked) != fmt.Sprint(all) {
		t.Fatal("paging with limit=5 does not reproduce the whole list")
	}
	mustFail(t, e.asA("services/list", "service_type", "mainframe"), "incorrect-param-value")
	mustFail(t, e.asA("services/list", "limit", "ten"), "incorrect-param-value")
	mustFail(t, e.asA("services/list", "limit", "-1"), "incorrect-param-value")
	// B's services are not in A's list, and B sees only its own.
	if n := len(mustOK(t, e.asB("services/list")).get("services_list").([]any)); n != 2 {
		t.Fatalf("B has %d services, want 2", n)
	}
}

func TestServiceDetails(t *testing.T) {
	e := newEnv(t)
	a := mustOK(t, e.asA("services/details", "service_id", "12345"))
	want := map[string]any{"id": float64(12345), "type": "dedicated", "name": "HP DL120 G7 123.123.123.123",
		"custom_description": nil, "expiration_time": float64(1893456000), "parent_service_id": float64(0), "ip": "123.123.123.123"}
	for k, v := range want {
		if got := a.get("service", k); got != v {
			t.Errorf("service.%s = %v, want %v", k, got, v)
		}
	}
	pd := a.get("service", "payment_details").(map[string]any)
	if pd["price"] != float64(527) || pd["price_brutto"] != 648.21 || pd["currency"] != "PLN" || pd["payment_period"] != float64(1) {
		t.Errorf("payment_details = %v", pd)
	}
	if got := mustOK(t, e.asA("services/details", "service_id", "12346")).get("service", "custom_description"); got != "backup node" {
		t.Errorf("custom_description = %v", got)
	}
	mustFail(t, e.asA("services/details", "service_id", "999999"), "authorization-failed")
	mustFail(t, e.asA("services/details", "service_id", fmt.Sprint(serviceB)), "authorization-failed")
	mustFail(t, e.asA("services/details"), "incorrect-param-value")
	mustFail(t, e.asA("services/details", "service_id", "12x"), "incorrect-param-value")
}

// moduleCases lists each service module with its demo service and a field of
// its service_details that proves the details were read.
var moduleCases = []struct {
	module, listType string
	id               int64
	field            []string
	want             any
}{
	{"domain", "domain", 12348, []string{"dns_servers", "1"}, "ns2.artnet.pl"},
	{"easyisp", "easyisp", 12351, []string{"login"}, "acmeisp"},
	{"avx", "avx", 12350, []string{"package"}, "AVX Start"},
	{"hosting-artnet", "hosting-artnet", 12352, []string{"login"}, "acmehost"},
	{"ssl", "ssl", 12356, []string{"certificate", "pl"}, "Certyfikat DV RapidSSL"},
	{"software", "software", 12355, []string{"licence", "licences_number"}, float64(4)},
	{"link-service", "link", 12354, []string{"network_configuration", "mask_short"}, "/30"},
	{"fail-over-ip", "foip", 12353, []string{"real_ips_allowed_list", "1"}, "123.123.125.10"},
	{"additional-ip", "additional-ip", 12349, []string{"subnetworks", "0", "mask_short"}, "/32"},
	{"vps", "vps", 12347, []string{"newtwork_configuration", "additional_ips_list", "0"}, "123.123.126.21"},
	{"dedicated", "dedicated", 12345, []string{"hardware_configuration", "cpu", "0", "clock"}, 3.1},
	{"colocation", "colocation", 12346, []string{"network_configuration", "firewall_ruleset_id"}, "fw-12346"},
}

func TestModules(t *testing.T) {
	e := newEnv(t)
	for _, m := range moduleCases {
		t.Run(m.module, func(t *testing.T) {
			list := mustOK(t, e.asA(m.module+"/list")).get("services_list").([]any)
			viaServices := mustOK(t, e.asA("services/list", "service_type", m.listType)).get("services_list").([]any)
			if len(list) != 1 || fmt.Sprint(list) != fmt.Sprint(viaServices) {
				t.Fatalf("%s/list = %v, want services/list?service_type=%s = %v", m.module, list, m.listType, viaServices)
			}
			d := mustOK(t, e.asA(m.module+"/details", "service_id", fmt.Sprint(m.id)))
			if got := d.get("service_details", "id"); got != float64(m.id) {
				t.Fatalf("service_details.id = %v, want %d", got, m.id)
			}
			if got := d.get(append([]string{"service_details"}, m.field...)...); got != m.want {
				t.Fatalf("service_details.%v = %v, want %v (%s)", m.field, got, m.want, d.raw)
			}
			// A service of another type, someone else's, or none at all.
			other := int64(12357) // type "other"
			mustFail(t, e.asA(m.module+"/details", "service_id", fmt.Sprint(other)), "authorization-failed")
			mustFail(t, e.asA(m.module+"/details", "service_id", fmt.Sprint(serviceB)), "authorization-failed")
			mustFail(t, e.asA(m.module+"/details", "service_id", "424242"), "authorization-failed")
		})
	}
}

func TestDetailsDocumentedFields(t *testing.T) {
	e := newEnv(t)
	fields := map[string][]string{
		"vps":          {"id", "newtwork_configuration", "features", "power_state", "active"},
		"dedicated":    {"id", "hardware_configuration", "network_configuration", "features", "active"},
		"colocation":   {"id", "network_configuration", "features", "active"},
		"domain":       {"id", "domain_name", "manageable", "dns_servers"},
		"fail-over-ip": {"id", "virtual_ip", "real_ip", "real_ips_allowed_list"},
	}
	for _, m := range moduleCases {
		want, ok := fields[m.module]
		if !ok {
			continue
		}
		d := mustOK(t, e.asA(m.module+"/details", "service_id", fmt.Sprint(m.id))).get("service_details").(map[string]any)
		for _, f := range want {
			if _, ok := d[f]; !ok {
				t.Errorf("%s/details lacks %s", m.module, f)
			}
		}
	}
	// A domain without delegation data has no dns_servers field.
	d := mustOK(t, e.asB("domain/details", "service_id", fmt.Sprint(domainB))).get("service_details").(map[string]any)
	if _, ok := d["dns_servers"]; ok {
		t.Error("dns_servers present for a domain without delegation data")
	}
}
