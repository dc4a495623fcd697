package httpapi_test

import (
	"context"
	"fmt"
	"github.com/artnet-panel/artnet-panel/internal/driver/registry"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/artnet-panel/artnet-panel/internal/demo"
	"github.com/artnet-panel/artnet-panel/internal/driver/hvsim"
	"github.com/artnet-panel/artnet-panel/internal/panel"
	"github.com/artnet-panel/artnet-panel/internal/spec"
)

// rywIterations is how many times a case writes and reads by default.
const rywIterations = 20

// rywState is what a read-your-writes case carries from one call to the
// next: A's current key (regenerate-api-key changes it), the instance
// password (password-change changes it) and values taken from answers.
type rywState struct {
	key, oldKey string
	pw, oldPW   string
	vals        map[string]string
	num         map[string]float64
}

// call sends cmd as A with the current key, the pairs in order.
func (s *rywState) call(e *testEnv, cmd string, pairs ...string) answer {
	e.t.Helper()
	return e.callOrdered(cmd, idA, s.key, pairs...)
}

// rywRead is one read command that must show the write at once.
type rywRead struct {
	cmd string // the read command (a catalogue path)
	// params of the read in iteration i (nil: none).
	params func(s *rywState, i int) []string
	// asB reads as customer B; key, when set, is A's key to read with
	// (default: the current one).
	asB bool
	key func(s *rywState) string
	// shows returns "" when a shows write i, else what it shows instead.
	shows func(a answer, s *rywState, i int) string
}

// rywCase maps a command that changes something to the reads that show
// the change. Either none says why no read command shows it, or write and
// reads are set.
type rywCase struct {
	none string
	// n is the number of iterations (0: rywIterations).
	n int
	// setup gives the env's panel the devices the command needs.
	setup func(t *testing.T, e *testEnv, s *rywState)
	// prepare runs before write i (unchecked reads follow it, to warm the
	// caches the write must drop).
	prepare func(t *testing.T, e *testEnv, s *rywState, i int)
	// write sends the command (its answer must be a success).
	write func(e *testEnv, s *rywState, i int) answer
	reads []rywRead
}

// field reads keys of a and wants v (compared as printed).
func field(v any, keys ...string) func(a answer, s *rywState, i int) string {
	return func(a answer, _ *rywState, _ int) string { return wantField(a, v, keys...) }
}

func wantField(a answer, v any, keys ...string) string {
	if !a.success() {
		return "an error: " + string(a.raw)
	}
	if got := a.get(keys...); printed(got) != printed(v) {
		return fmt.Sprintf("%s = %v, want %v", strings.Join(keys, "."), got, v)
	}
	return ""
}

// printed is v as compared: numbers without exponents (JSON numbers
// decode to float64), the rest as fmt prints it.
func printed(v any) string {
	if f, ok := v.(float64); ok {
		return strconv.FormatFloat(f, 'f', -1, 64)
	}
	return fmt.Sprint(v)
}

// wantCode wants the error code of a to be code.
func wantCode(a answer, code string) string {
	if a.success() || a.code() != code {
		return fmt.Sprintf("%s, want %s", a.raw, code)
	}
	return ""
}

// listed reports whether the list at keys of a holds an item whose field
// prints as value.
func listed(a answer, field string, value any, keys ...string) bool {
	l, _ := a.get(keys...).([]any)
	for _, it := range l {
		if m, ok := it.(map[string]any); ok && printed(m[field]) == printed(value) {
			return true
		}
	}
	return false
}

// inList wants the item (field = value(s, i)) in the list at keys, or
// with absent not in it.
func inList(absent bool, field string, value func(s *rywState, i int) any, keys ...string) func(a answer, s *rywState, i int) string {
	return func(a answer, s *rywState, i int) string {
		if !a.success() {
			return "an error: " + string(a.raw)
		}
		v := value(s, i)
		if listed(a, field, v, keys...) == absent {
			return fmt.Sprintf("%s with %s %v: listed %v, want %v: %s", strings.Join(keys, "."), field, v, !absent, absent, a.raw)
		}
		return ""
	}
}

func val(name string) func(s *rywState, i int) any {
	return func(s *rywState, _ int) any { return s.vals[name] }
}

func params(pairs ...string) func(*rywState, int) []string {
	return func(*rywState, int) []string { return pairs }
}

func withVal(name, param string, pairs ...string) func(*rywState, int) []string {
	return func(s *rywState, _ int) []string { return append([]string{param, s.vals[name]}, pairs...) }
}

// withCloud gives the env's panel the hypervisor simulator, as newCloudEnv.
func withCloud(t *testing.T, e *testEnv) {
	t.Helper()
	e.api.Panel.Cloud = &panel.Cloud{Hypervisor: &hvsim.Simulator{}, SecretKey: demo.CloudSecretKey, ShutdownWait: time.Second, ImagesDir: "/srv/images"}
	if err := e.api.Panel.CloudReconcile(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// must fails the test unless a is a success (a preparing call).
func must(t *testing.T, what string, a answer) answer {
	t.Helper()
	if !a.success() {
		t.Fatalf("%s: %s", what, a.raw)
	}
	return a
}

// ryw pool: enough addresses for rywIterations orders of one address on
// one server.
const rywPoolInventory = `{"customers": [], "ip_pools": [
  {"id": 7, "network": "198.51.100.0/25", "exclude": ["198.51.100.0", "198.51.100.127"], "max_per_server": 64,
   "one_ip_monthly_price": [{"currency": "PLN", "price": 10, "price_brutto": 12.3}]}]}`

// rywCases maps every command that changes something to its case.
func rywCases() map[string]rywCase {
	powerCase := func(module, id, cmd, before, want string) rywCase {
		return rywCase{
			setup: func(t *testing.T, e *testEnv, s *rywState) { withPower(e) },
			prepare: func(t *testing.T, e *testEnv, s *rywState, i int) {
				must(t, before, s.call(e, module+"/"+before, "service_id", id, "confirm", "confirm"))
			},
			write: func(e *testEnv, s *rywState, i int) answer {
				return s.call(e, module+"/"+cmd, "service_id", id, "confirm", "confirm")
			},
			reads: []rywRead{{cmd: module + "/power-details", params: params("service_id", id), shows: field(want, "power_details", "state")}},
		}
	}
	vpsCase := func(cmd, before, want string) rywCase {
		return rywCase{
			setup: func(t *testing.T, e *testEnv, s *rywState) { withPower(e) }, // the demo VPS is on a simulated switch
			prepare: func(t *testing.T, e *testEnv, s *rywState, i int) {
				must(t, before, s.call(e, "vps/"+before, "service_id", vpsA, "confirm", "confirm"))
			},
			write: func(e *testEnv, s *rywState, i int) answer {
				return s.call(e, "vps/"+cmd, "service_id", vpsA, "confirm", "confirm")
			},
			reads: []rywRead{{cmd: "vps/details", params: params("service_id", vpsA), shows: field(want, "service_details", "power_state")}},
		}
	}
	cloudSetup := func(t *testing.T, e *testEnv, s *rywState) { withCloud(t, e) }
	cloudDetails := func(want any, keys ...string) []rywRead {
		return []rywRead{{cmd: "cloud-instance/details", params: params("instance_id", instA),
			shows: field(want, append([]string{"instance_details"}, keys...)...)}}
	}
	cloudPower := func(action, before, want string) rywCase {
		return rywCase{
			setup: cloudSetup,
			prepare: func(t *testing.T, e *testEnv, s *rywState, i int) {
				must(t, before, s.call(e, "cloud-instance/"+before, "instance_id", instA, "instance_password", s.pw))
			},
			write: func(e *testEnv, s *rywState, i int) answer {
				return s.call(e, "cloud-instance/"+action, "instance_id", instA, "instance_password", s.pw)
			},
			reads: cloudDetails(want, "state"),
		}
	}
	fwSetup := func(t *testing.T, e *testEnv, s *rywState) { withFirewall(t, e) }
	fwToggle := func(cmd, before string, want bool) rywCase {
		return rywCase{
			setup: fwSetup,
			prepare: func(t *testing.T, e *testEnv, s *rywState, i int) {
				must(t, before, s.call(e, "firewall/"+before, "ruleset_id", rulesetA))
			},
			write: func(e *testEnv, s *rywState, i int) answer { return s.call(e, "firewall/"+cmd, "ruleset_id", rulesetA) },
			reads: []rywRead{{cmd: "firewall/details", params: params("ruleset_id", rulesetA), shows: field(want, "ruleset_details", "enabled")}},
		}
	}
	dedicated := strconv.Itoa(dedicatedA)
	iloRemote := func(i int) string { return fmt.Sprintf("203.0.113.%d", i+1) }
	blackholeIP := func(i int) string { return fmt.Sprintf("2a01:1234:5678::%x", i+1) }
	servers := []string{"501", "502", "503"}
	makeReseller := func(t *testing.T, e *testEnv, s *rywState) {
		b, err := e.store.CustomerGet(context.Background(), idB)
		if err != nil {
			t.Fatal(err)
		}
		b.Reseller = true
		if err := e.store.CustomerUpdate(context.Background(), b); err != nil {
			t.Fatal(err)
		}
	}
	reservationReads := func(reserved bool) []rywRead {
		srv := func(_ *rywState, i int) any { return servers[i%len(servers)] }
		return []rywRead{
			{cmd: "offer-dedicated/express-reservations-list", asB: true, shows: inList(!reserved, "id", srv, "offer")},
			{cmd: "offer-dedicated/express-offer", shows: inList(reserved, "id", srv, "offer")},
		}
	}

	return map[string]rywCase{
		"customer/regenerate-api-key": {
			setup: func(t *testing.T, e *testEnv, s *rywState) {
				// Every read with the old key is a failed login.
				e.api.Guard.MaxFailures = 1 << 30
			},
			write: func(e *testEnv, s *rywState, i int) answer {
				a := s.call(e, "customer/regenerate-api-key")
				if k, ok := a.get("api_key").(string); ok {
					s.oldKey, s.key = s.key, k
				}
				return a
			},
			reads: []rywRead{
				{cmd: "customer/details", shows: field(idA, "customer", "id")},
				{cmd: "customer/details", key: func(s *rywState) string { return s.oldKey },
					shows: func(a answer, _ *rywState, _ int) string { return wantCode(a, "authorization-failed") }},
			},
		},
		"api-keys/create": {
			setup: func(t *testing.T, e *testEnv, s *rywState) {
				e.api.Guard.MaxFailures = 1 << 30 // the warm-up reads try the next key
				s.vals["subkey"] = "NotYet0NotYet0NotYet0NotYet0NotYet0NotYet"
			},
			write: func(e *testEnv, s *rywState, i int) answer {
				a := s.call(e, "api-keys/create", "label", fmt.Sprintf("bot %d", i), "scope[]", "read-only")
				if k, ok := a.get("api_key_details", "api_key").(string); ok {
					s.vals["subkey"] = k
					s.num["key_id"], _ = a.get("api_key_details", "key_id").(float64)
				}
				return a
			},
			reads: []rywRead{
				{cmd: "api-keys/list", shows: inList(false, "key_id", func(s *rywState, _ int) any { return s.num["key_id"] }, "api_keys_list")},
				// The new key works at once (the sub-keys cached by the
				// warm-up with the previous key are dropped).
				{cmd: "customer/details", key: func(s *rywState) string { return s.vals["subkey"] }, shows: field(idA, "customer", "id")},
			},
		},
		"api-keys/delete": {
			setup: func(t *testing.T, e *testEnv, s *rywState) { e.api.Guard.MaxFailures = 1 << 30 },
			prepare: func(t *testing.T, e *testEnv, s *rywState, i int) {
				a := mustOK(t, s.call(e, "api-keys/create", "label", fmt.Sprintf("bot %d", i), "scope[]", "read-only"))
				s.vals["subkey"], _ = a.get("api_key_details", "api_key").(string)
				s.num["key_id"], _ = a.get("api_key_details", "key_id").(float64)
			},
			write: func(e *testEnv, s *rywState, i int) answer {
				return s.call(e, "api-keys/delete", "key_id", printed(s.num["key_id"]))
			},
			reads: []rywRead{
				{cmd: "api-keys/list", shows: inList(true, "key_id", func(s *rywState, _ int) any { return s.num["key_id"] }, "api_keys_list")},
				{cmd: "customer/details", key: func(s *rywState) string { return s.vals["subkey"] },
					shows: func(a answer, _ *rywState, _ int) string { return wantCode(a, "authorization-failed") }},
			},
		},
		"customer/change-language": {
			write: func(e *testEnv, s *rywState, i int) answer {
				return s.call(e, "customer/change-language", "language", []string{"pl", "en"}[i%2])
			},
			reads: []rywRead{
				{cmd: "customer/get-language", shows: func(a answer, _ *rywState, i int) string {
					return wantField(a, []string{"pl", "en"}[i%2], "language")
				}},
				{cmd: "customer/details", shows: func(a answer, _ *rywState, i int) string {
					return wantField(a, []string{"pl", "en"}[i%2], "customer", "language")
				}},
			},
		},
		"customer/edit": {
			write: func(e *testEnv, s *rywState, i int) answer {
				return s.call(e, "customer/edit", "customer[city]", fmt.Sprintf("Kraków %d", i), "customer[tel]", fmt.Sprintf("+48 12 000 00 %02d", i))
			},
			reads: []rywRead{{cmd: "customer/details", shows: func(a answer, _ *rywState, i int) string {
				if d := wantField(a, fmt.Sprintf("Kraków %d", i), "customer", "city"); d != "" {
					return d
				}
				return wantField(a, fmt.Sprintf("+48 12 000 00 %02d", i), "customer", "tel")
			}}},
		},
		"domain/edit-dns-servers": {
			setup: func(t *testing.T, e *testEnv, s *rywState) { e.api.Panel.Registry = registry.NewSimulator() },
			write: func(e *testEnv, s *rywState, i int) answer {
				return s.call(e, "domain/edit-dns-servers", "service_id", strconv.Itoa(domainA),
					"dns_servers[]", fmt.Sprintf("ns1.r%d.example.net", i), "dns_servers[]", fmt.Sprintf("ns2.r%d.example.net", i))
			},
			reads: []rywRead{{cmd: "domain/details", params: params("service_id", strconv.Itoa(domainA)),
				shows: func(a answer, _ *rywState, i int) string {
					return wantField(a, []any{fmt.Sprintf("ns1.r%d.example.net", i), fmt.Sprintf("ns2.r%d.example.net", i)}, "service_details", "dns_servers")
				}}},
		},
		"fail-over-ip/switch": {
			setup: func(t *testing.T, e *testEnv, s *rywState) { withBGP(t, e) },
			write: func(e *testEnv, s *rywState, i int) answer {
				return s.call(e, "fail-over-ip/switch", "service_id", "12353", "real_ip", []string{"123.123.125.10", "123.123.123.123"}[i%2])
			},
			reads: []rywRead{{cmd: "fail-over-ip/details", params: params("service_id", "12353"),
				shows: func(a answer, _ *rywState, i int) string {
					return wantField(a, []string{"123.123.125.10", "123.123.123.123"}[i%2], "service_details", "real_ip")
				}}},
		},
		"additional-ip/order": {
			setup: func(t *testing.T, e *testEnv, s *rywState) {
				withBGP(t, e)
				importInventory(t, e.store, rywPoolInventory)
				parent, err := e.store.ServiceGet(context.Background(), idA, dedicatedA)
				if err != nil {
					t.Fatal(err)
				}
				s.num["price"] = float64(parent.PriceMinor) / 100
				info := must(t, "order-info", s.call(e, "additional-ip/order-info", "parent_service_id", dedicated))
				s.num["max"] = info.get("order_info", "maximum_ips_number").(float64)
			},
			write: func(e *testEnv, s *rywState, i int) answer {
				a := s.call(e, "additional-ip/order", "parent_service_id", dedicated, "ips_number", "1")
				if id, ok := a.get("order_details", "service_id").(float64); ok {
					s.vals["new"] = strconv.FormatFloat(id, 'f', 0, 64)
				}
				return a
			},
			reads: []rywRead{
				// The parent's price grows by one address (10 PLN) each time.
				{cmd: "services/details", params: params("service_id", dedicated), shows: func(a answer, s *rywState, i int) string {
					return wantField(a, s.num["price"]+10*float64(i+1), "service", "payment_details", "price")
				}},
				{cmd: "services/details", params: withVal("new", "service_id"), shows: field("additional-ip", "service", "type")},
				{cmd: "additional-ip/details", params: withVal("new", "service_id"), shows: func(a answer, _ *rywState, _ int) string {
					if subs, _ := a.get("service_details", "subnetworks").([]any); len(subs) != 1 {
						return fmt.Sprintf("subnetworks %v, want the one ordered: %s", subs, a.raw)
					}
					return ""
				}},
				{cmd: "additional-ip/list", shows: inList(false, "id", val("new"), "services_list")},
				{cmd: "services/list", params: params("parent_service_id", dedicated), shows: inList(false, "id", val("new"), "services_list")},
				// A deep page: the list anchors of services/list.
				{cmd: "services/list", params: params("offset", "10", "limit", "1000"), shows: inList(false, "id", val("new"), "services_list")},
				{cmd: "additional-ip/order-info", params: params("parent_service_id", dedicated), shows: func(a answer, s *rywState, i int) string {
					return wantField(a, s.num["max"]-float64(i+1), "order_info", "maximum_ips_number")
				}},
			},
		},
		"vps/power-on":      vpsCase("power-on", "power-off", "on"),
		"vps/power-off":     vpsCase("power-off", "power-on", "off"),
		"vps/power-restart": vpsCase("power-restart", "power-off", "on"),
		"dedicated/ilo-access-enable": {
			setup: fwSetup,
			write: func(e *testEnv, s *rywState, i int) answer {
				return s.call(e, "dedicated/ilo-access-enable", "service_id", dedicated, "remote_ip", iloRemote(i))
			},
			reads: []rywRead{{cmd: "dedicated/ilo-details", params: params("service_id", dedicated), shows: func(a answer, _ *rywState, i int) string {
				if d := wantField(a, true, "ilo_details", "access_enabled"); d != "" {
					return d
				}
				return wantField(a, iloRemote(i), "ilo_details", "access_ip")
			}}},
		},
		"dedicated/ilo-access-disable": {
			setup: fwSetup,
			prepare: func(t *testing.T, e *testEnv, s *rywState, i int) {
				must(t, "enable", s.call(e, "dedicated/ilo-access-enable", "service_id", dedicated, "remote_ip", iloRemote(i)))
			},
			write: func(e *testEnv, s *rywState, i int) answer {
				return s.call(e, "dedicated/ilo-access-disable", "service_id", dedicated)
			},
			reads: []rywRead{{cmd: "dedicated/ilo-details", params: params("service_id", dedicated), shows: field(false, "ilo_details", "access_enabled")}},
		},
		"dedicated/power-on":       powerCase("dedicated", dedA, "power-on", "power-off", "on"),
		"dedicated/power-off":      powerCase("dedicated", dedA, "power-off", "power-on", "off"),
		"dedicated/power-restart":  powerCase("dedicated", dedA, "power-restart", "power-off", "on"),
		"colocation/power-on":      powerCase("colocation", colA, "power-on", "power-off", "on"),
		"colocation/power-off":     powerCase("colocation", colA, "power-off", "power-on", "off"),
		"colocation/power-restart": powerCase("colocation", colA, "power-restart", "power-off", "on"),
		"ip-blackholing/enable": {
			setup: func(t *testing.T, e *testEnv, s *rywState) { withBGP(t, e) },
			write: func(e *testEnv, s *rywState, i int) answer {
				return s.call(e, "ip-blackholing/enable", "ip", blackholeIP(i))
			},
			reads: []rywRead{{cmd: "ip-blackholing/list", shows: inList(false, "ip", func(_ *rywState, i int) any { return blackholeIP(i) }, "blackholed_ips_list")}},
		},
		"ip-blackholing/disable": {
			setup: func(t *testing.T, e *testEnv, s *rywState) { withBGP(t, e) },
			prepare: func(t *testing.T, e *testEnv, s *rywState, i int) {
				must(t, "enable", s.call(e, "ip-blackholing/enable", "ip", blackholeIP(i)))
			},
			write: func(e *testEnv, s *rywState, i int) answer {
				return s.call(e, "ip-blackholing/disable", "ip", blackholeIP(i))
			},
			reads: []rywRead{{cmd: "ip-blackholing/list", shows: inList(true, "ip", func(_ *rywState, i int) any { return blackholeIP(i) }, "blackholed_ips_list")}},
		},
		"dns/add-primary": {
			write: func(e *testEnv, s *rywState, i int) answer {
				a := s.call(e, "dns/add-primary", "domain", fmt.Sprintf("p%d.acme.test", i))
				s.vals["zone"] = fmt.Sprint(a.get("zone_details", "id"))
				return a
			},
			reads: []rywRead{
				{cmd: "dns/list", shows: inList(false, "id", val("zone"), "zones_list")},
				{cmd: "dns/details-primary", params: withVal("zone", "zone_id"), shows: func(a answer, _ *rywState, i int) string {
					return wantField(a, fmt.Sprintf("p%d.acme.test", i), "zone_details", "domain")
				}},
			},
		},
		"dns/dnssec-enable": {
			prepare: func(t *testing.T, e *testEnv, s *rywState, i int) {
				a := must(t, "add-primary", s.call(e, "dns/add-primary", "domain", fmt.Sprintf("k%d.acme.test", i)))
				s.vals["zone"] = fmt.Sprint(a.get("zone_details", "id"))
			},
			write: func(e *testEnv, s *rywState, i int) answer {
				return s.call(e, "dns/dnssec-enable", "zone_id", s.vals["zone"])
			},
			reads: []rywRead{
				{cmd: "dns/dnssec-details", params: withVal("zone", "zone_id"), shows: field("signing", "dnssec_details", "state")},
			},
		},
		"dns/dnssec-disable": {
			prepare: func(t *testing.T, e *testEnv, s *rywState, i int) {
				a := must(t, "add-primary", s.call(e, "dns/add-primary", "domain", fmt.Sprintf("u%d.acme.test", i)))
				s.vals["zone"] = fmt.Sprint(a.get("zone_details", "id"))
				must(t, "dnssec-enable", s.call(e, "dns/dnssec-enable", "zone_id", s.vals["zone"]))
			},
			write: func(e *testEnv, s *rywState, i int) answer {
				return s.call(e, "dns/dnssec-disable", "zone_id", s.vals["zone"])
			},
			reads: []rywRead{
				{cmd: "dns/dnssec-details", params: withVal("zone", "zone_id"), shows: field("disabling", "dnssec_details", "state")},
			},
		},
		"dns/add-secoundary": {
			write: func(e *testEnv, s *rywState, i int) answer {
				a := s.call(e, "dns/add-secoundary", "domain", fmt.Sprintf("s%d.acme.test", i), "master_nameserver", fmt.Sprintf("198.51.100.%d", i+1))
				s.vals["zone"] = fmt.Sprint(a.get("zone_details", "id"))
				return a
			},
			reads: []rywRead{
				{cmd: "dns/list", shows: inList(false, "id", val("zone"), "zones_list")},
				{cmd: "dns/details-secoundary", params: withVal("zone", "zone_id"), shows: func(a answer, _ *rywState, i int) string {
					return wantField(a, fmt.Sprintf("198.51.100.%d", i+1), "zone_details", "master_nameserver")
				}},
			},
		},
		"dns/delete": {
			prepare: func(t *testing.T, e *testEnv, s *rywState, i int) {
				a := must(t, "add-primary", s.call(e, "dns/add-primary", "domain", fmt.Sprintf("d%d.acme.test", i)))
				s.vals["zone"] = fmt.Sprint(a.get("zone_details", "id"))
			},
			write: func(e *testEnv, s *rywState, i int) answer { return s.call(e, "dns/delete", "zone_id", s.vals["zone"]) },
			reads: []rywRead{
				{cmd: "dns/list", shows: inList(true, "id", val("zone"), "zones_list")},
				{cmd: "dns/details-primary", params: withVal("zone", "zone_id"), shows: func(a answer, _ *rywState, _ int) string {
					return wantCode(a, "invalid-zone-id")
				}},
			},
		},
		"dns/edit-primary-records": {
			prepare: func(t *testing.T, e *testEnv, s *rywState, i int) {
				z, err := e.store.ZoneGet(context.Background(), idA, zoneA)
				if err != nil {
					t.Fatal(err)
				}
				s.vals["serial"] = strconv.FormatInt(z.Serial, 10)
			},
			write: func(e *testEnv, s *rywState, i int) answer {
				return s.call(e, "dns/edit-primary-records", "zone_id", strconv.Itoa(zoneA), "serial", s.vals["serial"],
					"records[0][name]", "@", "records[0][type]", "A", "records[0][data1]", fmt.Sprintf("192.0.2.%d", i+1))
			},
			reads: []rywRead{{cmd: "dns/details-primary", params: params("zone_id", strconv.Itoa(zoneA)), shows: func(a answer, s *rywState, i int) string {
				if d := wantField(a, fmt.Sprintf("192.0.2.%d", i+1), "zone_details", "records", "0", "data1"); d != "" {
					return d
				}
				if serial, _ := strconv.ParseFloat(s.vals["serial"], 64); a.get("zone_details", "serial").(float64) <= serial {
					return fmt.Sprintf("serial %v, not past %s", a.get("zone_details", "serial"), s.vals["serial"])
				}
				return ""
			}}},
		},
		"rev-dns/edit": {
			prepare: func(t *testing.T, e *testEnv, s *rywState, i int) {
				d := must(t, "rev-dns/details", s.call(e, "rev-dns/details", "subnetwork_id", "501", "dns_subclass", "123.123.124"))
				serial, _ := d.get("subclass_details", "serial").(float64)
				s.vals["serial"] = strconv.FormatFloat(serial, 'f', 0, 64)
			},
			write: func(e *testEnv, s *rywState, i int) answer {
				return revEdit(e, idA, s.key, "501", "123.123.124", s.vals["serial"], []string{"0", "1", fmt.Sprintf("h%d.acme.test", i)})
			},
			reads: []rywRead{{cmd: "rev-dns/details", params: params("subnetwork_id", "501", "dns_subclass", "123.123.124"),
				shows: func(a answer, _ *rywState, i int) string {
					if got, want := revRecords(a), []string{fmt.Sprintf("1=h%d.acme.test@123.123.124.1", i)}; !slices.Equal(got, want) {
						return fmt.Sprintf("records %v, want %v", got, want)
					}
					return ""
				}}},
		},
		"firewall/enable":  fwToggle("enable", "disable", true),
		"firewall/disable": fwToggle("disable", "enable", false),
		"firewall/save": {
			setup: fwSetup,
			write: func(e *testEnv, s *rywState, i int) answer {
				return s.call(e, "firewall/save", append([]string{"ruleset_id", rulesetA},
					rule("in", 0, "ACCEPT", "6", "", "", "", "", strconv.Itoa(1000+i), "")...)...)
			},
			reads: []rywRead{{cmd: "firewall/details", params: params("ruleset_id", rulesetA), shows: func(a answer, _ *rywState, i int) string {
				return wantField(a, strconv.Itoa(1000+i), "ruleset_details", "rules", "in", "0", "destination", "port", "begin")
			}}},
		},
		"firewall/save-confirm": {
			none: "it only clears the deadline of a commit-confirmed firewall/save, which no read command shows " +
				"(firewall/details shows the saved rules from the save on); TestFirewallCommitConfirmed checks that confirmed rules outlive the deadline",
		},
		"offer-dedicated/express-reservation": {
			setup: makeReseller,
			prepare: func(t *testing.T, e *testEnv, s *rywState, i int) {
				if i > 0 {
					must(t, "cancel", e.asB("offer-dedicated/express-reservation-cancel", "server_id", servers[(i-1)%len(servers)]))
				}
			},
			write: func(e *testEnv, s *rywState, i int) answer {
				return e.asB("offer-dedicated/express-reservation", "server_id", servers[i%len(servers)])
			},
			reads: reservationReads(true),
		},
		"offer-dedicated/express-reservation-cancel": {
			setup: makeReseller,
			prepare: func(t *testing.T, e *testEnv, s *rywState, i int) {
				must(t, "reserve", e.asB("offer-dedicated/express-reservation", "server_id", servers[i%len(servers)]))
			},
			write: func(e *testEnv, s *rywState, i int) answer {
				return e.asB("offer-dedicated/express-reservation-cancel", "server_id", servers[i%len(servers)])
			},
			reads: reservationReads(false),
		},
		"offer-dedicated/express-order": {
			n: len(servers), // the demo offer holds three servers
			write: func(e *testEnv, s *rywState, i int) answer {
				a := s.call(e, "offer-dedicated/express-order", "server_id", servers[i])
				if id, ok := a.get("order_details", "service_id").(float64); ok {
					s.vals["new"] = strconv.FormatFloat(id, 'f', 0, 64)
				}
				s.vals["invoice"] = fmt.Sprint(a.get("order_details", "invoice_number"))
				return a
			},
			reads: []rywRead{
				{cmd: "services/details", params: withVal("new", "service_id"), shows: field("dedicated", "service", "type")},
				{cmd: "dedicated/details", params: withVal("new", "service_id"), shows: func(a answer, _ *rywState, _ int) string {
					if !a.success() {
						return "an error: " + string(a.raw)
					}
					return ""
				}},
				{cmd: "dedicated/list", shows: inList(false, "id", val("new"), "services_list")},
				{cmd: "services/list", params: params("offset", "10", "limit", "1000"), shows: inList(false, "id", val("new"), "services_list")},
				{cmd: "invoices/list", shows: inList(false, "number", val("invoice"), "invoices_list")},
				{cmd: "invoices/details", params: withVal("invoice", "invoice_number"), shows: func(a answer, s *rywState, _ int) string {
					return wantField(a, s.vals["new"], "invoice", "service_id")
				}},
				{cmd: "offer-dedicated/express-offer", shows: inList(true, "id", func(_ *rywState, i int) any { return servers[i] }, "offer")},
			},
		},
		"cloud-instance/action-power-on":      cloudPower("action-power-on", "action-power-off", "running"),
		"cloud-instance/action-power-off":     cloudPower("action-power-off", "action-power-on", "stopped"),
		"cloud-instance/action-power-restart": cloudPower("action-power-restart", "action-power-off", "running"),
		"cloud-instance/action-shutdown":      cloudPower("action-shutdown", "action-power-on", "stopped"),
		"cloud-instance/action-reboot":        cloudPower("action-reboot", "action-power-off", "running"),
		"cloud-instance/resources-negotiate": {
			setup: cloudSetup,
			write: func(e *testEnv, s *rywState, i int) answer {
				return s.call(e, "cloud-instance/resources-negotiate", "instance_id", instA, "instance_password", s.pw,
					"shutdown", "false", "resources[cpu]", strconv.Itoa(2+i%2))
			},
			reads: []rywRead{{cmd: "cloud-instance/details", params: params("instance_id", instA), shows: func(a answer, _ *rywState, i int) string {
				return wantField(a, 2+i%2, "instance_details", "resources", "cpu_cores")
			}}},
		},
		"cloud-instance/boot-mode-installation-image": {
			setup: cloudSetup,
			prepare: func(t *testing.T, e *testEnv, s *rywState, i int) {
				must(t, "boot-mode-boot", s.call(e, "cloud-instance/boot-mode-boot", "instance_id", instA, "instance_password", s.pw))
			},
			write: func(e *testEnv, s *rywState, i int) answer {
				return s.call(e, "cloud-instance/boot-mode-installation-image", "instance_id", instA, "instance_password", s.pw,
					"installation_image", "debian-12", "shutdown", "true")
			},
			reads: cloudDetails("install", "boot_status"),
		},
		"cloud-instance/boot-mode-boot": {
			setup: cloudSetup,
			prepare: func(t *testing.T, e *testEnv, s *rywState, i int) {
				must(t, "boot-mode-installation-image", s.call(e, "cloud-instance/boot-mode-installation-image", "instance_id", instA,
					"instance_password", s.pw, "installation_image", "debian-12", "shutdown", "true"))
			},
			write: func(e *testEnv, s *rywState, i int) answer {
				return s.call(e, "cloud-instance/boot-mode-boot", "instance_id", instA, "instance_password", s.pw)
			},
			reads: cloudDetails("boot", "boot_status"),
		},
		"cloud-instance/custom-properties-edit": {
			setup: cloudSetup,
			write: func(e *testEnv, s *rywState, i int) answer {
				return s.call(e, "cloud-instance/custom-properties-edit", "instance_id", instA,
					"custom_properties[display_name]", fmt.Sprintf("web %d", i), "custom_properties[notes]", fmt.Sprintf("notes %d", i))
			},
			reads: []rywRead{
				{cmd: "cloud-instance/details", params: params("instance_id", instA), shows: func(a answer, _ *rywState, i int) string {
					if d := wantField(a, fmt.Sprintf("web %d", i), "instance_details", "custom_properties", "display_name"); d != "" {
						return d
					}
					return wantField(a, fmt.Sprintf("notes %d", i), "instance_details", "custom_properties", "notes")
				}},
				{cmd: "cloud-instance/list", shows: inList(false, "custom_name", func(_ *rywState, i int) any { return fmt.Sprintf("web %d", i) }, "instances_list")},
			},
		},
		// No read command takes the password: the check is the next
		// command that does, a power-on of the running instance (which
		// changes nothing).
		"cloud-instance/password-change": {
			setup: func(t *testing.T, e *testEnv, s *rywState) {
				withCloud(t, e)
				// Every call with the old password is a failed login.
				e.api.Guard.MaxFailures = 1 << 30
			},
			write: func(e *testEnv, s *rywState, i int) answer {
				next := []string{"New.Pass-99", pwA}[i%2]
				a := s.call(e, "cloud-instance/password-change", "instance_id", instA, "instance_password", s.pw, "instance_new_password", next)
				if a.success() {
					s.oldPW, s.pw = s.pw, next
				}
				return a
			},
			reads: []rywRead{
				{cmd: "cloud-instance/action-power-on", params: func(s *rywState, _ int) []string {
					return []string{"instance_id", instA, "instance_password", s.pw}
				}, shows: func(a answer, _ *rywState, _ int) string {
					if !a.success() {
						return "the new password refused: " + string(a.raw)
					}
					return ""
				}},
				{cmd: "cloud-instance/action-power-on", params: func(s *rywState, _ int) []string {
					return []string{"instance_id", instA, "instance_password", s.oldPW}
				}, shows: func(a answer, _ *rywState, _ int) string { return wantCode(a, "instance-password-incorrect") }},
			},
		},
		"cloud-instance/delete": {
			n:     1, // there is one instance, and no command creates one
			setup: cloudSetup,
			write: func(e *testEnv, s *rywState, i int) answer {
				return s.call(e, "cloud-instance/delete", "instance_id", instA, "instance_password", s.pw)
			},
			reads: []rywRead{
				{cmd: "cloud-instance/list", shows: func(a answer, _ *rywState, _ int) string {
					return wantField(a, []any{}, "instances_list")
				}},
				{cmd: "cloud-instance/details", params: params("instance_id", instA), shows: func(a answer, _ *rywState, _ int) string {
					return wantCode(a, "authorization-failed")
				}},
			},
		},
	}
}

// lookupPath finds the catalogue command "module/name".
func lookupPath(path string) (spec.Command, bool) {
	module, name, _ := strings.Cut(path, "/")
	return spec.Lookup(module, name)
}

// TestReadYourWrites: for every command of the catalogue that changes
// something, the read commands that show the change show it in the very
// next call on the same node. newEnv's caches are kept true by this node's
// commits only (its feed never reads the log), so a stale read here is a
// write whose change the caches never hear of. A command added to the
// catalogue without a case fails the test.
func TestReadYourWrites(t *testing.T) {
	cases := rywCases()
	var writes []spec.Command
	for _, c := range spec.All() {
		if c.ReadOnly {
			continue
		}
		writes = append(writes, c)
		if _, ok := cases[c.Path()]; !ok {
			t.Errorf("%s changes something and has no read-your-writes case: add one to rywCases (or say why no read shows it)", c.Path())
		}
	}
	for path, c := range cases {
		cmd, ok := lookupPath(path)
		if !ok || cmd.ReadOnly {
			t.Errorf("case %s: not a catalogue command that changes something", path)
		}
		if c.none == "" && (c.write == nil || len(c.reads) == 0) {
			t.Errorf("case %s: neither a reason nor a write and reads", path)
		}
		for _, r := range c.reads {
			if _, ok := lookupPath(r.cmd); !ok {
				t.Errorf("case %s: read %s is not in the catalogue", path, r.cmd)
			}
		}
	}
	if t.Failed() {
		t.FailNow()
	}

	totalReads, totalStale := 0, 0
	for _, cmd := range writes {
		c := cases[cmd.Path()]
		t.Run(strings.ReplaceAll(cmd.Path(), "/", "_"), func(t *testing.T) {
			if c.none != "" {
				t.Logf("no read shows it: %s", c.none)
				return
			}
			e := newEnv(t)
			s := &rywState{key: keyA, pw: pwA, vals: map[string]string{}, num: map[string]float64{}}
			if c.setup != nil {
				c.setup(t, e, s)
			}
			read := func(r rywRead, i int) answer {
				var pairs []string
				if r.params != nil {
					pairs = r.params(s, i)
				}
				if r.asB {
					return e.callOrdered(r.cmd, idB, keyB, pairs...)
				}
				key := s.key
				if r.key != nil {
					key = r.key(s)
				}
				return e.callOrdered(r.cmd, idA, key, pairs...)
			}
			n := c.n
			if n == 0 {
				n = rywIterations
			}
			reads, stale := 0, 0
			for i := range n {
				if c.prepare != nil {
					c.prepare(t, e, s, i)
				}
				// Warm the caches: the write must drop what these fill.
				for _, r := range c.reads {
					read(r, i)
				}
				if w := c.write(e, s, i); !w.success() {
					t.Fatalf("iteration %d: %s: %s", i, cmd.Path(), w.raw)
				}
				for _, r := range c.reads {
					reads++
					if d := r.shows(read(r, i), s, i); d != "" {
						stale++
						if stale <= 5 {
							t.Errorf("iteration %d: %s right after %s is stale: %s", i, r.cmd, cmd.Path(), d)
						}
					}
				}
			}
			totalReads += reads
			totalStale += stale
			if stale > 0 {
				t.Errorf("%s: %d of %d reads right after the write were stale, want 0", cmd.Path(), stale, reads)
			}
		})
	}
	t.Logf("%d commands that change something, %d reads right after a write, %d stale", len(writes), totalReads, totalStale)
}
