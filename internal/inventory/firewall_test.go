package inventory_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/artnet-panel/artnet-panel/internal/inventory"
)

// fwDoc is an inventory with a dedicated server (10, with iLO) and a
// colocation (11) of customer 7, and the rulesets given.
func fwDoc(ilo, rulesets string) string {
	ded := svc(10, 0, "dedicated", `{"features": {"firewall_management": true, "ilo_access_management": true}}`)
	if ilo != "" {
		ded = strings.TrimSuffix(ded, "}") + `, "ilo_details": ` + ilo + `}`
	}
	return `{"customers": [{` + okCustomer + `, "services": [` + ded + `, ` + svc(11, 0, "colocation", `{}`) + `, ` + svc(12, 0, "vps", `{}`) + `]}],
	  "firewall_rulesets": ` + rulesets + `}`
}

const okRule = `{"policy": "ACCEPT", "protocol": "6", "source": {"ip": "", "mask_short": 0, "port": {"begin": "", "end": ""}},
  "destination": {"ip": "192.0.2.0", "mask_short": 24, "port": {"begin": "22", "end": "22"}}}`

func TestFirewallImportErrorsNameThePath(t *testing.T) {
	bad := func(field, value string) string {
		r := strings.Replace(okRule, field, value, 1)
		return `[{"id": "fw", "enabled": true, "maximum_rules_number": 5, "protocol": "", "rules": {"in": [` + okRule + `, ` + r + `], "out": []}, "services_ids_list": [10]}]`
	}
	for _, c := range []struct{ name, doc, wantPath string }{
		{"bad policy", fwDoc("", bad(`"ACCEPT"`, `"allow"`)), "$.firewall_rulesets[0].rules.in[1].policy"},
		{"bad ip", fwDoc("", bad(`"192.0.2.0"`, `"192.0.2.300"`)), "$.firewall_rulesets[0].rules.in[1].destination.ip"},
		{"IPv6 mask over 128", fwDoc("", bad(`"ip": "192.0.2.0", "mask_short": 24`, `"ip": "2001:db8::", "mask_short": 129`)), "$.firewall_rulesets[0].rules.in[1].destination.mask_short"},
		{"port without protocol", fwDoc("", bad(`"protocol": "6"`, `"protocol": ""`)), "$.firewall_rulesets[0].rules.in[1].destination.port"},
		{"service not in the file", fwDoc("", `[{"id": "fw", "enabled": true, "rules": {"in": [], "out": []}, "services_ids_list": [99]}]`), "$.firewall_rulesets[0].services_ids_list[0]"},
		{"a vps", fwDoc("", `[{"id": "fw", "enabled": true, "rules": {"in": [], "out": []}, "services_ids_list": [12]}]`), "$.firewall_rulesets[0].services_ids_list[0]"},
		{"in two rulesets", fwDoc("", `[{"id": "a", "rules": {"in": [], "out": []}, "services_ids_list": [10]},
		                              {"id": "b", "rules": {"in": [], "out": []}, "services_ids_list": [11, 10]}]`), "$.firewall_rulesets[1].services_ids_list[1]"},
		{"duplicate id", fwDoc("", `[{"id": "a", "rules": {"in": [], "out": []}, "services_ids_list": [10]},
		                           {"id": "a", "rules": {"in": [], "out": []}, "services_ids_list": [11]}]`), "$.firewall_rulesets[1].id"},
		{"too many rules", fwDoc("", `[{"id": "a", "maximum_rules_number": 1, "rules": {"in": [`+okRule+`, `+okRule+`], "out": []}, "services_ids_list": [10]}]`), "$.firewall_rulesets[0].rules"},
		{"ruleset protocol", fwDoc("", `[{"id": "a", "protocol": "6", "rules": {"in": [], "out": []}, "services_ids_list": [10]}]`), "$.firewall_rulesets[0].protocol"},
		{"ilo ip", fwDoc(`{"available": true, "ip": "nope", "access_enabled": false, "access_ip": ""}`, `[]`), "$.customers[0].services[0].ilo_details.ip"},
		{"ilo access ip", fwDoc(`{"available": true, "ip": "10.0.0.1", "access_enabled": true, "access_ip": "224.0.0.1"}`, `[]`), "$.customers[0].services[0].ilo_details.access_ip"},
	} {
		t.Run(c.name, func(t *testing.T) {
			inv, err := inventory.Parse([]byte(c.doc))
			if err != nil {
				t.Fatal(err)
			}
			st := openStore(t)
			err = inventory.Import(context.Background(), st, inv)
			if err == nil || !strings.Contains(err.Error(), c.wantPath+":") {
				t.Fatalf("error = %v, want one naming %s", err, c.wantPath)
			}
			if list, _ := st.CustomerList(context.Background()); len(list) != 0 {
				t.Error("a failed import wrote customers")
			}
		})
	}
}

func TestFirewallRoundTrip(t *testing.T) {
	ctx := context.Background()
	doc := fwDoc(`{"available": true, "ip": "10.0.0.1", "access_enabled": true, "access_ip": "203.0.113.4"}`,
		`[{"id": "fw-b", "enabled": false, "maximum_rules_number": 3, "protocol": "", "rules": {"in": [`+okRule+`], "out": []}, "services_ids_list": [11, 10]}]`)
	inv, err := inventory.Parse([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	st := openStore(t)
	if err := inventory.Import(ctx, st, inv); err != nil {
		t.Fatal(err)
	}
	out, err := inventory.Export(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := json.Marshal(out.FirewallRulesets)
	want := `[{"id":"fw-b","enabled":false,"maximum_rules_number":3,"protocol":"","rules":{"in":[{"policy":"ACCEPT","protocol":"6","source":{"ip":"","mask_short":0,"port":{"begin":"","end":""}},"destination":{"ip":"192.0.2.0","mask_short":24,"port":{"begin":"22","end":"22"}}}],"out":[]},"services_ids_list":[10,11]}]`
	if string(got) != want {
		t.Errorf("exported rulesets\n got %s\nwant %s", got, want)
	}
	ilo, _ := json.Marshal(out.Customers[0].Services[0].ILODetails)
	if string(ilo) != `{"available":true,"ip":"10.0.0.1","access_enabled":true,"access_ip":"203.0.113.4"}` {
		t.Errorf("exported ilo_details %s", ilo)
	}
	// Export, import into an empty database, export again: the same.
	st2 := openStore(t)
	if err := inventory.Import(ctx, st2, out); err != nil {
		t.Fatal(err)
	}
	again, err := inventory.Export(ctx, st2)
	if err != nil {
		t.Fatal(err)
	}
	a, _ := inventory.MarshalJSON(out)
	b, _ := inventory.MarshalJSON(again)
	if string(a) != string(b) {
		t.Errorf("export(import(export)) differs:\n%s\n%s", a, b)
	}
}

// Rules with IPv6 addresses and prefixes import and export as they are
// (the rules of /firewall/save).
func TestFirewallIPv6Rules(t *testing.T) {
	ctx := context.Background()
	rule := strings.Replace(okRule, `"ip": "192.0.2.0", "mask_short": 24`, `"ip": "2001:db8:c::", "mask_short": 64`, 1)
	doc := fwDoc("", `[{"id": "fw6", "enabled": true, "maximum_rules_number": 3, "protocol": "", "rules": {"in": [`+rule+`], "out": []}, "services_ids_list": [10]}]`)
	inv, err := inventory.Parse([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	st := openStore(t)
	if err := inventory.Import(ctx, st, inv); err != nil {
		t.Fatal(err)
	}
	out, err := inventory.Export(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := json.Marshal(out.FirewallRulesets[0].Rules.In)
	if want := `"destination":{"ip":"2001:db8:c::","mask_short":64,`; !strings.Contains(string(got), want) {
		t.Errorf("exported rules %s, want %s", got, want)
	}
}
