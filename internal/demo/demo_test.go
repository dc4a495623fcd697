package demo_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/artnet-panel/artnet-panel/internal/demo"
	"github.com/artnet-panel/artnet-panel/internal/driver/hvsim"
	"github.com/artnet-panel/artnet-panel/internal/driver/powersim"
	"github.com/artnet-panel/artnet-panel/internal/httpapi"
	"github.com/artnet-panel/artnet-panel/internal/panel"
	"github.com/artnet-panel/artnet-panel/internal/power"
	"github.com/artnet-panel/artnet-panel/internal/store/sqlite"
)

// seeded starts an API over a database seeded by Seed, with the
// simulators artnetd serve --demo uses, and returns a function calling a
// command as the demo customer.
func seeded(t *testing.T) (call func(cmd string, params ...string) map[string]any, hv *hvsim.Simulator) {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "demo.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	id, key, ok, err := demo.Seed(ctx, st)
	if err != nil || !ok {
		t.Fatalf("Seed = %v, %v", ok, err)
	}
	if _, _, again, err := demo.Seed(ctx, st); err != nil || again {
		t.Fatalf("second Seed = %v, %v; want nothing seeded", again, err)
	}
	p := panel.New(st)
	p.Power = &power.Registry{}
	p.Power.Register("sim", powersim.New(st))
	hv = &hvsim.Simulator{}
	p.Cloud = &panel.Cloud{Hypervisor: hv, SecretKey: demo.CloudSecretKey}
	if err := p.CloudReconcile(ctx); err != nil {
		t.Fatalf("the demo's machines do not start on the simulator: %v", err)
	}
	api := httpapi.New(p, slog.New(slog.DiscardHandler))
	api.Ready.Store(true)
	srv := httptest.NewServer(api)
	t.Cleanup(srv.Close)
	call = func(cmd string, params ...string) map[string]any {
		t.Helper()
		form := url.Values{"id": {strconv.FormatInt(id, 10)}, "api_key": {key}}
		for i := 0; i+1 < len(params); i += 2 {
			form.Add(params[i], params[i+1])
		}
		resp, err := http.PostForm(srv.URL+"/api/"+cmd, form)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		var out map[string]any
		if err := json.Unmarshal(b, &out); err != nil || out["success"] != true {
			t.Errorf("%s %v: %s", cmd, params, b)
		}
		return out
	}
	return call, hv
}

// Every module's main read commands answer on the seeded demo, with
// something to show.
func TestSeedGivesEveryModuleSomethingToShow(t *testing.T) {
	call, hv := seeded(t)
	for _, c := range []struct {
		cmd    string
		params []string
	}{
		{"customer/details", nil}, {"customer/emails-list", nil}, {"services/list", nil},
		{"services/details", []string{"service_id", "12345"}},
		{"domain/details", []string{"service_id", "12348"}}, {"easyisp/details", []string{"service_id", "12351"}},
		{"avx/details", []string{"service_id", "12350"}}, {"hosting-artnet/details", []string{"service_id", "12352"}},
		{"ssl/details", []string{"service_id", "12356"}}, {"software/details", []string{"service_id", "12355"}},
		{"link-service/details", []string{"service_id", "12354"}}, {"fail-over-ip/details", []string{"service_id", "12353"}},
		{"additional-ip/details", []string{"service_id", "12349"}}, {"vps/details", []string{"service_id", "12347"}},
		{"dedicated/details", []string{"service_id", "12345"}}, {"dedicated/ilo-details", []string{"service_id", "12345"}},
		{"dedicated/power-details", []string{"service_id", "12345"}}, {"colocation/power-details", []string{"service_id", "12346"}},
		{"colocation/details", []string{"service_id", "12346"}}, {"dns/list", nil},
		{"dns/details-primary", []string{"zone_id", "1"}}, {"rev-dns/list", nil}, {"firewall/list", nil},
		{"firewall/details", []string{"ruleset_id", "fw-12345"}}, {"offer-dedicated/express-offer", nil},
		{"offer-dedicated/custom-offer", nil}, {"cloud-instance/list", nil},
		{"cloud-instance/resources-allowed-ranges", []string{"instance_id", "1"}},
		{"cloud-instance/boot-installation-images-list", []string{"instance_id", "1"}},
	} {
		call(c.cmd, c.params...)
	}

	// Transfer usage: the history of showcase.json, its last month the
	// current one.
	for _, c := range []struct {
		cmd, id           string
		oldest, current   float64
		oldestD, currentD float64
	}{
		{"dedicated/transfer-usage-details", "12345", 187904819200, 64424509440, 42949672960, 15032385536},
		{"colocation/transfer-usage-details", "12346", 10737418240, 4294967296, 322122547200, 107374182400},
	} {
		out := call(c.cmd, "service_id", c.id)
		tud, _ := out["transfer_usage_details"].(map[string]any)
		periods, _ := tud["periods_list"].([]any)
		if len(periods) != 4 {
			t.Errorf("%s: %v", c.cmd, out)
			continue
		}
		usage := func(i int) (float64, float64) {
			u := periods[i].(map[string]any)["transfer_usage"].(map[string]any)
			return u["up"].(float64), u["down"].(float64)
		}
		if up, down := usage(0); up != c.oldest || down != c.oldestD {
			t.Errorf("%s: oldest period %v %v", c.cmd, up, down)
		}
		if up, down := usage(3); up != c.current || down != c.currentD {
			t.Errorf("%s: current period %v %v", c.cmd, up, down)
		}
		from := int64(periods[3].(map[string]any)["time_range"].(map[string]any)["from"].(float64))
		if now := time.Now().UTC(); time.Unix(from, 0).UTC().Month() != now.Month() {
			t.Errorf("%s: the last period starts %s, not in the current month", c.cmd, time.Unix(from, 0).UTC())
		}
	}

	// IP blackholing, additional IPs to order.
	if l := call("ip-blackholing/list")["blackholed_ips_list"].([]any); len(l) != 1 || l[0].(map[string]any)["ip"] != "123.123.124.6" {
		t.Errorf("blackholed: %v", l)
	}
	if n := call("additional-ip/order-info", "parent_service_id", "12345")["order_info"].(map[string]any)["maximum_ips_number"]; n != 8.0 {
		t.Errorf("additional IPs to order: %v", n)
	}

	// The VPS is on, the power lines manageable: power-details after an
	// off and an on.
	if s := call("vps/details", "service_id", "12347")["service_details"].(map[string]any)["power_state"]; s != "on" {
		t.Errorf("VPS power_state %v", s)
	}
	call("colocation/power-off", "service_id", "12346", "confirm", "confirm")
	if s := call("colocation/power-details", "service_id", "12346")["power_details"].(map[string]any)["state"]; s != "off" {
		t.Errorf("colocation after power-off: %v", s)
	}
	call("colocation/power-on", "service_id", "12346", "confirm", "confirm")

	// The cloud instance runs on the simulated hypervisor, and its price
	// is computed.
	if st, err := hv.State(context.Background(), "ci-acme-web"); err != nil || !st.On() {
		t.Errorf("the demo instance on the simulator: %v, %v", st, err)
	}
	inst := call("cloud-instance/details", "instance_id", "1")["instance_details"].(map[string]any)
	if inst["state"] != "running" || inst["price_resources"].(map[string]any)["price"] != 3.3 {
		t.Errorf("instance %v", inst)
	}
	price := call("cloud-instance/resources-calculate-price", "resources[cpu]", "2")
	if !strings.Contains(func() string { b, _ := json.Marshal(price); return string(b) }(), `"price":3.2`) {
		t.Errorf("price of a new instance with 2 cores: %v", price)
	}
}

// The transfer history ends with the month of now, whatever the month.
func TestShowcaseHistoryMovesToNow(t *testing.T) {
	for _, now := range []time.Time{
		time.Date(2026, 12, 7, 16, 0, 0, 0, time.UTC), time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(2031, 3, 31, 23, 59, 59, 0, time.UTC), time.Date(2025, 2, 14, 12, 0, 0, 0, time.UTC),
	} {
		inv, err := demo.Showcase(now)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, s := range inv.Customers[0].Services {
			d := s.TransferUsageDetails
			if d == nil {
				continue
			}
			n++
			last := d.PeriodsList[len(d.PeriodsList)-1]
			from, to := time.Unix(last.TimeRange.From.Seconds(), 0).UTC(), time.Unix(last.TimeRange.To.Seconds(), 0).UTC()
			if want := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC); !from.Equal(want) || !to.Equal(want.AddDate(0, 1, 0)) {
				t.Errorf("now %s: service %d's last period %s..%s", now, s.Service.ID, from, to)
			}
		}
		if n != 2 {
			t.Errorf("now %s: %d services with transfer history, want 2", now, n)
		}
	}
}
