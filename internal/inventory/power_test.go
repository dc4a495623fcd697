package inventory_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/artnet-panel/artnet-panel/internal/inventory"
)

// powerDoc is an inventory with a dedicated server (10), a colocation
// (11), a VPS (12) and a domain (13) of customer 7; extra is added to the
// entry of service idx.
func powerDoc(idx int, extra string) string {
	entries := []string{
		svc(10, 0, "dedicated", `{"features": {"power_management": true}}`),
		svc(11, 0, "colocation", `{"features": {"power_management": true}}`),
		svc(12, 0, "vps", `{"features": {"power_management": true}}`),
		svc(13, 0, "domain", `{"domain_name": "example.com"}`),
	}
	if extra != "" {
		entries[idx] = strings.TrimSuffix(entries[idx], "}") + `, ` + extra + `}`
	}
	return `{"customers": [{` + okCustomer + `, "services": [` + strings.Join(entries, ", ") + `]}]}`
}

const (
	ipmiPM  = `"power_management": {"driver": "ipmi", "address": "10.0.0.5", "port": 623, "interface": "lanplus", "username": "ADMIN", "password": "s3cret"}`
	simPM   = `"power_management": {"driver": "sim"}, "power_details": {"manageable": true, "state": "off"}`
	portV2  = `"transfer_port": {"address": "192.0.2.1", "port": 161, "community": "public", "if_index": 12}`
	history = `"transfer_usage_details": {"periods_list": [
	  {"time_range": {"from": 1700000000, "to": 1702592000}, "transfer_usage": {"up": 5, "down": 6}},
	  {"time_range": {"from": 1702592000, "to": 1705270400}, "transfer_usage": {"up": 7, "down": 8}}]}`
)

func TestPowerImportErrorsNameThePath(t *testing.T) {
	for _, c := range []struct{ name, doc, wantPath string }{
		{"power of a domain", powerDoc(3, simPM), "$.customers[0].services[3].power_management"},
		{"no driver", powerDoc(0, `"power_management": {"address": "10.0.0.5"}`), "$.customers[0].services[0].power_management.driver"},
		{"sim with settings", powerDoc(0, `"power_management": {"driver": "sim", "address": "x"}`), "$.customers[0].services[0].power_management"},
		{"ipmi bad interface", powerDoc(0, `"power_management": {"driver": "ipmi", "address": "10.0.0.5", "interface": "serial"}`), "$.customers[0].services[0].power_management"},
		{"ipmi unknown key", powerDoc(0, `"power_management": {"driver": "ipmi", "address": "10.0.0.5", "pasword": "x"}`), "$.customers[0].services[0].power_management"},
		{"state", powerDoc(1, `"power_management": {"driver": "sim"}, "power_details": {"manageable": true, "state": "maybe"}`), "$.customers[0].services[1].power_details.state"},
		{"details without management", powerDoc(1, `"power_details": {"manageable": true, "state": "on"}`), "$.customers[0].services[1].power_details"},
		{"transfer of a VPS", powerDoc(2, portV2), "$.customers[0].services[2].transfer_port"},
		{"port without community", powerDoc(0, `"transfer_port": {"address": "192.0.2.1", "if_index": 12}`), "$.customers[0].services[0].transfer_port"},
		{"period twice", powerDoc(0, `"transfer_usage_details": {"periods_list": [{"time_range": {"from": 5, "to": 9}, "transfer_usage": {"up": 1, "down": 1}},
		   {"time_range": {"from": 5, "to": 9}, "transfer_usage": {"up": 1, "down": 1}}]}`), "$.customers[0].services[0].transfer_usage_details.periods_list[1].time_range.from"},
		{"negative usage", powerDoc(0, `"transfer_usage_details": {"periods_list": [{"time_range": {"from": 5, "to": 9}, "transfer_usage": {"up": -1, "down": 1}}]}`), "$.customers[0].services[0].transfer_usage_details.periods_list[0].transfer_usage"},
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

func TestPowerRoundTrip(t *testing.T) {
	ctx := context.Background()
	doc := powerDoc(0, ipmiPM+", "+portV2+", "+history)
	doc = strings.Replace(doc, `"features": {"power_management": true}}}`, `"features": {"power_management": true}}, `+simPM+`}`, 1) // the colocation
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
	ded, col := out.Customers[0].Services[0], out.Customers[0].Services[1]
	if string(ded.PowerManagement) != `{"driver":"ipmi","address":"10.0.0.5","port":623,"interface":"lanplus","username":"ADMIN","password":"s3cret"}` {
		t.Errorf("exported power_management %s (the operator gets the password back)", ded.PowerManagement)
	}
	if ded.PowerDetails != nil {
		t.Errorf("power_details exported for a real driver: %+v", ded.PowerDetails)
	}
	if string(ded.TransferPort) != `{"address":"192.0.2.1","port":161,"community":"public","if_index":12}` {
		t.Errorf("exported transfer_port %s", ded.TransferPort)
	}
	h, _ := json.Marshal(ded.TransferUsageDetails)
	if string(h) != `{"periods_list":[{"time_range":{"from":1700000000,"to":1702592000},"transfer_usage":{"up":5,"down":6}},{"time_range":{"from":1702592000,"to":1705270400},"transfer_usage":{"up":7,"down":8}}]}` {
		t.Errorf("exported transfer_usage_details %s", h)
	}
	if string(col.PowerManagement) != `{"driver":"sim"}` || col.PowerDetails == nil || col.PowerDetails.State != "off" {
		t.Errorf("exported simulator %s %+v", col.PowerManagement, col.PowerDetails)
	}
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
