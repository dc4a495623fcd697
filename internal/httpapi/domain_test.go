package httpapi_test

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/artnet-panel/artnet-panel/internal/driver/registry"
	"github.com/artnet-panel/artnet-panel/internal/store"
)

// The demo customer's domain service (acme.test, manageable, delegated to
// ns1/ns2.artnet.pl) and its dedicated server.
const (
	domainA    = 12348
	dedicatedA = 12345
)

// dnsServersOf returns service_details.dns_servers of /domain/details.
func dnsServersOf(t *testing.T, e *testEnv, id int64, key string, serviceID int64) []string {
	t.Helper()
	a := mustOK(t, e.call("domain/details", id, key, "service_id", strconv.FormatInt(serviceID, 10)))
	var out []string
	list, _ := a.get("service_details", "dns_servers").([]any)
	for _, v := range list {
		out = append(out, fmt.Sprint(v))
	}
	return out
}

// editDNS sends /domain/edit-dns-servers as A with dns_servers[] in order.
func (e *testEnv) editDNS(serviceID string, servers ...string) answer {
	e.t.Helper()
	pairs := []string{"service_id", serviceID}
	for _, s := range servers {
		pairs = append(pairs, "dns_servers[]", s)
	}
	return e.callOrdered("domain/edit-dns-servers", idA, keyA, pairs...)
}

func TestDomainEditDNSServers(t *testing.T) {
	e := newEnv(t)
	sim := registry.NewSimulator()
	e.api.Panel.Registry = sim
	if got := dnsServersOf(t, e, idA, keyA, domainA); !slices.Equal(got, []string{"ns1.artnet.pl", "ns2.artnet.pl"}) {
		t.Fatalf("demo delegation %v", got)
	}

	// Names are normalised (case, trailing dot, IDN), the order is kept and
	// empty entries are ignored.
	a := mustOK(t, e.editDNS("12348", " NS2.Example.NET. ", "", "ns1.example.net", "serwer.żółw.example"))
	if len(a.body) != 1 {
		t.Errorf("answer %s, want only success", a.raw)
	}
	want := []string{"ns2.example.net", "ns1.example.net", "serwer.xn--w-uga1v8h.example"}
	if got := dnsServersOf(t, e, idA, keyA, domainA); !slices.Equal(got, want) {
		t.Errorf("details after the edit %v, want %v", got, want)
	}
	if got, ok := sim.Delegation("acme.test"); !ok || !slices.Equal(got, want) {
		t.Errorf("registry got %v (%v), want %v", got, ok, want)
	}
	// The other fields of the domain are kept.
	d := mustOK(t, e.asA("domain/details", "service_id", "12348"))
	if d.get("service_details", "domain_name") != "acme.test" || d.get("service_details", "manageable") != true ||
		d.get("service_details", "id") != float64(domainA) {
		t.Errorf("details %s", d.raw)
	}

	// Indexed items, in the order sent (not by index), and multipart.
	mustOK(t, e.callOrdered("domain/edit-dns-servers", idA, keyA, "service_id", "12348",
		"dns_servers[1]", "b.example.net", "dns_servers[0]", "a.example.net"))
	if got := dnsServersOf(t, e, idA, keyA, domainA); !slices.Equal(got, []string{"b.example.net", "a.example.net"}) {
		t.Errorf("indexed items: %v", got)
	}
	ct, body := multipartBody(t, "id", strconv.Itoa(idA), "api_key", keyA, "service_id", "12348",
		"dns_servers[]", "ns1.artnet.pl", "dns_servers[]", "ns2.artnet.pl")
	mustOK(t, e.post("/api/domain/edit-dns-servers", ct, body))
	if got := dnsServersOf(t, e, idA, keyA, domainA); !slices.Equal(got, []string{"ns1.artnet.pl", "ns2.artnet.pl"}) {
		t.Errorf("multipart: %v", got)
	}
	calls := sim.Calls()

	// Errors; none of them changes anything or reaches the registry.
	before := dnsServersOf(t, e, idA, keyA, domainA)
	for _, tc := range []struct {
		name   string
		a      answer
		code   string
		detail string
	}{
		{"missing service", e.editDNS(missingID, "ns1.example.net", "ns2.example.net"), "authorization-failed", ""},
		{"service_id 0", e.editDNS("0", "ns1.example.net", "ns2.example.net"), "authorization-failed", ""},
		{"wrong key", e.call("domain/edit-dns-servers", idA, "wrong", "service_id", "12348", "dns_servers[]", "a.example", "dns_servers[]", "b.example"), "authorization-failed", ""},
		{"a dedicated server", e.editDNS("12345", "ns1.example.net", "ns2.example.net"), "invalid-service-type", ""},
		{"malformed name", e.editDNS("12348", "ns1.example.net", "bad..example.net"), "incorrect-param-value", "dns_servers[1]"},
		{"underscore", e.editDNS("12348", "ns_1.example.net", "ns2.example.net"), "incorrect-param-value", "dns_servers[0]"},
		{"single label", e.editDNS("12348", "ns1.example.net", "localhost"), "incorrect-param-value", "dns_servers[1]"},
		{"IP address", e.editDNS("12348", "ns1.example.net", "192.0.2.53"), "incorrect-param-value", "IP address"},
		{"IPv6 address", e.editDNS("12348", "2001:db8::53", "ns1.example.net"), "incorrect-param-value", "dns_servers[0]"},
		{"duplicate", e.editDNS("12348", "ns1.example.net", "ns2.example.net", "NS1.example.net."), "incorrect-param-value", "dns_servers[2]"},
		{"too many", e.editDNS("12348", manyServers(14)...), "incorrect-param-value", "at most 13"},
		{"missing dns_servers", e.asA("domain/edit-dns-servers", "service_id", "12348"), "incorrect-param-value", "dns_servers"},
		{"missing service_id", e.editDNS("", "ns1.example.net", "ns2.example.net"), "incorrect-param-value", "service_id"},
		{"service_id not a number", e.editDNS("x", "ns1.example.net", "ns2.example.net"), "incorrect-param-value", "service_id"},
		{"nested list", e.callOrdered("domain/edit-dns-servers", idA, keyA, "service_id", "12348",
			"dns_servers[0][x]", "a.example", "dns_servers[1]", "b.example"), "incorrect-param-value", "dns_servers"},
		{"one server", e.editDNS("12348", "ns1.example.net"), "dns-servers-insufficient", ""},
		{"one server and empty ones", e.editDNS("12348", "ns1.example.net", " ", ""), "dns-servers-insufficient", ""},
		{"a single value", e.asA("domain/edit-dns-servers", "service_id", "12348", "dns_servers", "ns1.example.net"), "dns-servers-insufficient", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := mustFail(t, tc.a, tc.code)
			if desc := fmt.Sprint(f.get("error", "description", "en")); !strings.Contains(desc, tc.detail) {
				t.Errorf("description %q does not name %q", desc, tc.detail)
			}
		})
	}
	if got := dnsServersOf(t, e, idA, keyA, domainA); !slices.Equal(got, before) {
		t.Errorf("failed edits changed the delegation to %v", got)
	}
	if n := sim.Calls(); n != calls {
		t.Errorf("failed edits called the registry %d times", n-calls)
	}
}

func manyServers(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("ns%d.example.net", i)
	}
	return out
}

// TestDomainEditDNSErrors covers edit-dns-error: a domain that is not
// manageable, and a registry that fails (logged, nothing stored).
func TestDomainEditDNSErrors(t *testing.T) {
	e := newEnv(t)
	sim := registry.NewSimulator()
	e.api.Panel.Registry = sim

	// A domain whose delegation only Customer Service can change.
	locked := store.Service{CustomerID: idA, Type: "domain", Name: "locked.test", Currency: "PLN", PaymentPeriod: 12,
		Details: []byte(`{"domain_name":"locked.test","manageable":false,"dns_servers":["ns1.artnet.pl","ns2.artnet.pl"]}`)}
	if err := e.store.ServiceCreate(t.Context(), &locked); err != nil {
		t.Fatal(err)
	}
	lockedID := strconv.FormatInt(locked.ID, 10)
	mustFail(t, e.editDNS(lockedID, "ns1.example.net", "ns2.example.net"), "edit-dns-error")
	if got := dnsServersOf(t, e, idA, keyA, locked.ID); !slices.Equal(got, []string{"ns1.artnet.pl", "ns2.artnet.pl"}) {
		t.Errorf("a domain that is not manageable changed: %v", got)
	}
	// Parameters are checked first.
	mustFail(t, e.editDNS(lockedID, "ns1.example.net"), "dns-servers-insufficient")
	if sim.Calls() != 0 {
		t.Errorf("the registry was called for a domain that is not manageable")
	}

	// The registry refuses: edit-dns-error, the cause in the log only,
	// nothing stored.
	sim.Fail(errors.New("EPP 2306 parameter value policy error: host ns1.bad.example not registered"))
	f := mustFail(t, e.editDNS("12348", "ns1.bad.example", "ns2.bad.example"), "edit-dns-error")
	if strings.Contains(string(f.raw), "EPP") || strings.Contains(string(f.raw), "bad.example") {
		t.Errorf("the registry's reason reached the customer: %s", f.raw)
	}
	if log := e.logBuf.String(); !strings.Contains(log, "EPP 2306") || !strings.Contains(log, "acme.test") {
		t.Errorf("the registry's reason is not logged:\n%s", log)
	}
	if got := dnsServersOf(t, e, idA, keyA, domainA); !slices.Equal(got, []string{"ns1.artnet.pl", "ns2.artnet.pl"}) {
		t.Errorf("a refused delegation was stored: %v", got)
	}
	if _, ok := sim.Delegation("acme.test"); ok {
		t.Error("the simulator recorded a refused delegation")
	}
	// Once the registry works again the change goes through.
	sim.Fail(nil)
	mustOK(t, e.editDNS("12348", "ns1.good.example", "ns2.good.example"))
	if got := dnsServersOf(t, e, idA, keyA, domainA); !slices.Equal(got, []string{"ns1.good.example", "ns2.good.example"}) {
		t.Errorf("after the registry recovered: %v", got)
	}
}

// TestDomainEditDNSWithoutRegistry: a node without a registry driver
// (artnetd serve --registry none) answers edit-dns-error, says why in the
// log and in /api/docs, and stores nothing: never a success that did
// nothing. Parameters are still checked first.
func TestDomainEditDNSWithoutRegistry(t *testing.T) {
	e := newEnv(t)
	e.api.Notes = map[string]string{"domain/edit-dns-servers": "no domain registry is configured on this server"}
	f := mustFail(t, e.editDNS("12348", "ns1.example.net", "ns2.example.net"), "edit-dns-error")
	if strings.Contains(string(f.raw), "registry") {
		t.Errorf("the cause reached the customer: %s", f.raw)
	}
	if log := e.logBuf.String(); !strings.Contains(log, "no domain registry is configured") {
		t.Errorf("the log does not say why:\n%s", log)
	}
	if got := dnsServersOf(t, e, idA, keyA, domainA); !slices.Equal(got, []string{"ns1.artnet.pl", "ns2.artnet.pl"}) {
		t.Errorf("details changed without a registry: %v", got)
	}
	mustFail(t, e.editDNS("12348", "ns1.example.net"), "dns-servers-insufficient")
	for _, path := range []string{"/api/docs", "/api/openapi.json"} {
		resp, err := http.Get(e.srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if !strings.Contains(string(body), "no domain registry is configured on this server") {
			t.Errorf("%s does not say why edit-dns-servers fails", path)
		}
	}
}

// TestDomainEditDNSFirstDelegation: a domain without dns_servers in its
// details gets them.
func TestDomainEditDNSFirstDelegation(t *testing.T) {
	e := newEnv(t)
	e.api.Panel.Registry = registry.NewSimulator()
	mustOK(t, e.call("domain/edit-dns-servers", idB, keyB, "service_id", strconv.Itoa(domainB),
		"dns_servers[]", "ns1.beta.test", "dns_servers[]", "ns2.beta.test"))
	if got := dnsServersOf(t, e, idB, keyB, domainB); !slices.Equal(got, []string{"ns1.beta.test", "ns2.beta.test"}) {
		t.Errorf("B's details %v", got)
	}
}

// TestDomainEditDNSIsolation: B naming A's services gets exactly what B
// gets for a service that does not exist, and A's domain is untouched.
func TestDomainEditDNSIsolation(t *testing.T) {
	e := newEnv(t)
	sim := registry.NewSimulator()
	e.api.Panel.Registry = sim
	edit := func(serviceID string) answer {
		return e.callOrdered("domain/edit-dns-servers", idB, keyB, "service_id", serviceID,
			"dns_servers[]", "ns1.evil.example", "dns_servers[]", "ns2.evil.example")
	}
	absent := mustFail(t, edit(missingID), "authorization-failed")
	for _, id := range []string{strconv.Itoa(domainA), strconv.Itoa(dedicatedA)} {
		foreign := mustFail(t, edit(id), "authorization-failed")
		if string(foreign.raw) != string(absent.raw) {
			t.Errorf("B editing A's service %s: %s; a missing service: %s", id, foreign.raw, absent.raw)
		}
	}
	if got := dnsServersOf(t, e, idA, keyA, domainA); !slices.Equal(got, []string{"ns1.artnet.pl", "ns2.artnet.pl"}) {
		t.Errorf("B changed A's delegation: %v", got)
	}
	if sim.Calls() != 0 {
		t.Errorf("B's attempts reached the registry")
	}
	// B's own domain works, and A cannot touch it either.
	mustOK(t, edit(strconv.Itoa(domainB)))
	mustFail(t, e.editDNS(strconv.Itoa(domainB), "ns1.example.net", "ns2.example.net"), "authorization-failed")
	if got := dnsServersOf(t, e, idB, keyB, domainB); !slices.Equal(got, []string{"ns1.evil.example", "ns2.evil.example"}) {
		t.Errorf("B's delegation %v", got)
	}
}
