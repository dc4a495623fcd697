package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/artnet-panel/artnet-panel/internal/testpeer"
)

// TestServePowerAndTransfer runs artnetd over an imported inventory whose
// dedicated server has its power on ipmi_sim and its switch port on snmpd
// (the loopback interface's counters): power-off through the API turns
// the BMC's power off, the poller started by Run fills
// transfer-usage-details, and export gives the operator the connections
// back.
func TestServePowerAndTransfer(t *testing.T) {
	sim := testpeer.StartIPMISim(t)
	agent := testpeer.StartSNMPD(t, "")
	const key = "PowerKeyPowerKeyPowerKeyPowerKey12345678"
	doc := fmt.Sprintf(`{"customers": [{"customer": {"id": 7, "name": "Klient", "language": "en", "currency": "PLN"},
	  "api_key": %q,
	  "services": [{"service": {"id": 70, "type": "dedicated", "name": "srv", "expiration_time": 1893456000,
	      "payment_details": {"price": 1, "price_brutto": 1.23, "currency": "PLN", "payment_period": 1},
	      "parent_service_id": 0, "ip": "", "custom_description": null},
	    "details": {"features": {"power_management": true}, "active": true},
	    "power_management": {"driver": "ipmi", "address": "127.0.0.1", "port": %d, "interface": "lanplus",
	                         "username": %q, "password": %q},
	    "transfer_port": {"address": "127.0.0.1", "port": %d, "community": %q, "if_index": 1}}]}]}`,
		key, sim.Port, sim.User, sim.Password, agent.Port, agent.Community)
	file := filepath.Join(t.TempDir(), "inv.json")
	if err := os.WriteFile(file, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	dsn := sqliteDSN(t)
	runOK(t, "admin", "import", "--db", dsn, file)

	m := &Main{DB: dsn, HTTPAddr: "127.0.0.1:0", Logger: discardLogger(),
		Power: PowerConfig{SNMPPoll: 300 * time.Millisecond}}
	if err := m.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	call := func(cmd string, params ...string) map[string]any {
		t.Helper()
		v := url.Values{"id": {"7"}, "api_key": {key}, "service_id": {"70"}}
		for i := 0; i+1 < len(params); i += 2 {
			v.Set(params[i], params[i+1])
		}
		resp, err := http.PostForm("http://"+m.Addr()+"/api/"+cmd, v)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var body map[string]any
		if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
			t.Fatal(err)
		}
		return body
	}
	if b := call("dedicated/power-off", "confirm", "confirm"); b["success"] != true {
		t.Fatalf("power-off: %v", b)
	}
	if st, err := sim.PowerState(t); err != nil || st != "off" {
		t.Fatalf("the BMC says %q, %v after power-off", st, err)
	}
	if b := call("dedicated/power-details"); fmt.Sprint(b["power_details"]) != "map[manageable:true state:off]" {
		t.Errorf("power-details: %v", b)
	}
	if b := call("dedicated/power-restart", "confirm", "confirm"); b["success"] != true {
		t.Fatalf("power-restart: %v", b)
	}
	if st, err := sim.PowerState(t); err != nil || st != "on" {
		t.Fatalf("the BMC says %q, %v after power-restart", st, err)
	}

	// The poller reads lo's counters (the SNMP exchanges themselves cross
	// it); snmpd refreshes them every few seconds.
	var up, down float64
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline) && (up == 0 || down == 0); time.Sleep(300 * time.Millisecond) {
		b := call("dedicated/transfer-usage-details")
		d, _ := b["transfer_usage_details"].(map[string]any)
		list, _ := d["periods_list"].([]any)
		if len(list) != 4 {
			t.Fatalf("transfer-usage-details: %v", b)
		}
		u := list[3].(map[string]any)["transfer_usage"].(map[string]any)
		up, down = u["up"].(float64), u["down"].(float64)
	}
	if up == 0 || down == 0 {
		t.Errorf("the poller counted no traffic on lo: up %v, down %v", up, down)
	}
	t.Logf("current period after polling lo: up %.0f, down %.0f bytes", up, down)

	out := runOK(t, "admin", "export", "--db", dsn)
	for _, want := range []string{`"password": "` + sim.Password + `"`, `"community": "` + agent.Community + `"`, `"transfer_usage_details": {`} {
		if !strings.Contains(out, want) {
			t.Errorf("export lacks %s", want)
		}
	}
}
