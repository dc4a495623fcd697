package panel_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/artnet-panel/artnet-panel/artnet"
	"github.com/artnet-panel/artnet-panel/internal/apperr"
	"github.com/artnet-panel/artnet-panel/internal/driver/registry"
	"github.com/artnet-panel/artnet-panel/internal/panel"
	"github.com/artnet-panel/artnet-panel/internal/store"
	"github.com/artnet-panel/artnet-panel/internal/store/sqlite"
)

func TestNormalizeDNSServers(t *testing.T) {
	for _, tc := range []struct {
		in, want []string
	}{
		{[]string{"ns1.example.net", "ns2.example.net"}, []string{"ns1.example.net", "ns2.example.net"}},
		{[]string{" NS2.Example.NET. ", "ns1.example.net"}, []string{"ns2.example.net", "ns1.example.net"}},
		{[]string{"", "dns.przykład.pl", "  ", "ns.xn--przykad-rjb.pl."}, []string{"dns.xn--przykad-rjb.pl", "ns.xn--przykad-rjb.pl"}},
		{[]string{"a.b", "c.d", "e.f", "g.h", "i.j", "k.l", "m.n", "o.p", "q.r", "s.t", "u.v", "w.x", "y.z"},
			[]string{"a.b", "c.d", "e.f", "g.h", "i.j", "k.l", "m.n", "o.p", "q.r", "s.t", "u.v", "w.x", "y.z"}},
	} {
		got, err := panel.NormalizeDNSServers(tc.in)
		if err != nil || !slices.Equal(got, tc.want) {
			t.Errorf("NormalizeDNSServers(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
	for _, tc := range []struct {
		in     []string
		code   string
		detail string
	}{
		{nil, apperr.CodeDNSServersInsufficient, ""},
		{[]string{"ns1.example.net"}, apperr.CodeDNSServersInsufficient, ""},
		{[]string{"ns1.example.net", "", " "}, apperr.CodeDNSServersInsufficient, ""},
		{[]string{"ns1.example.net", "NS1.EXAMPLE.NET."}, apperr.CodeIncorrectParamValue, "dns_servers[1]: ns1.example.net is also dns_servers[0]"},
		{[]string{"ns1.example.net", "ns..example.net"}, apperr.CodeIncorrectParamValue, "dns_servers[1]"},
		{[]string{"", "ns1.example.net", "-ns.example.net"}, apperr.CodeIncorrectParamValue, "dns_servers[2]"},
		{[]string{"192.0.2.1", "ns1.example.net"}, apperr.CodeIncorrectParamValue, "dns_servers[0]: \"192.0.2.1\" is an IP address"},
		{[]string{"ns1.example.net", "[2001:db8::1]"}, apperr.CodeIncorrectParamValue, "dns_servers[1]"},
		{[]string{"ns1.example.net", "ns1"}, apperr.CodeIncorrectParamValue, "dns_servers[1]"},
		{[]string{"ns1.example.net", "ns 2.example.net"}, apperr.CodeIncorrectParamValue, "dns_servers[1]"},
		{[]string{"a.b", "c.d", "e.f", "g.h", "i.j", "k.l", "m.n", "o.p", "q.r", "s.t", "u.v", "w.x", "y.z", "z.z"},
			apperr.CodeIncorrectParamValue, "at most 13"},
	} {
		_, err := panel.NormalizeDNSServers(tc.in)
		var ae *apperr.Error
		if !errors.As(err, &ae) || ae.Code != tc.code || !strings.Contains(ae.Detail, tc.detail) {
			t.Errorf("NormalizeDNSServers(%q) = %v; want %s naming %q", tc.in, err, tc.code, tc.detail)
		}
	}
}

// checkingRegistry checks, while the registry is being called, that the
// store still has the old delegation.
type checkingRegistry struct {
	t         *testing.T
	st        store.Store
	customer  int64
	serviceID int64
	err       error
	got       [][]string
}

func (r *checkingRegistry) SetDelegation(ctx context.Context, domain string, servers []string) error {
	if domain != "acme.test" {
		r.t.Errorf("registry asked for %q, want the stored form acme.test", domain)
	}
	s, err := r.st.ServiceGet(ctx, r.customer, r.serviceID)
	if err != nil {
		r.t.Fatal(err)
	}
	if strings.Contains(string(s.Details), servers[0]) {
		r.t.Errorf("the new delegation was stored before the registry accepted it: %s", s.Details)
	}
	r.got = append(r.got, servers)
	return r.err
}

func (r *checkingRegistry) GetDelegation(context.Context, string) ([]string, error) {
	return nil, panel.ErrDelegationUnknown
}

func newDomainFixture(t *testing.T) (*panel.Panel, store.Store, int64, int64) {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "domain.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	c := store.Customer{Name: "ACME", Language: "pl", Currency: "PLN"}
	if err := st.CustomerCreate(ctx, &c); err != nil {
		t.Fatal(err)
	}
	s := store.Service{CustomerID: c.ID, Type: artnet.ServiceTypeDomain, Name: "acme.test", Currency: "PLN",
		Details: []byte(`{"id":0,"domain_name":"ACME.test","manageable":true}`)}
	if err := st.ServiceCreate(ctx, &s); err != nil {
		t.Fatal(err)
	}
	return panel.New(st), st, c.ID, s.ID
}

func storedDelegation(t *testing.T, st store.Store, customerID, serviceID int64) []string {
	t.Helper()
	s, err := st.ServiceGet(context.Background(), customerID, serviceID)
	if err != nil {
		t.Fatal(err)
	}
	var d artnet.DomainDetails
	if err := json.Unmarshal(s.Details, &d); err != nil {
		t.Fatal(err)
	}
	return d.DNSServers
}

func TestDomainEditDNSServersRegistryFirst(t *testing.T) {
	p, st, cust, svc := newDomainFixture(t)
	reg := &checkingRegistry{t: t, st: st, customer: cust, serviceID: svc}
	p.Registry = reg
	ctx := context.Background()
	if err := p.DomainEditDNSServers(ctx, cust, svc, []string{"ns1.example.net", "ns2.example.net"}); err != nil {
		t.Fatal(err)
	}
	if got := storedDelegation(t, st, cust, svc); !slices.Equal(got, []string{"ns1.example.net", "ns2.example.net"}) {
		t.Errorf("stored %v", got)
	}
	// The stored details keep their other fields and have no id.
	s, _ := st.ServiceGet(ctx, cust, svc)
	if want := `{"id":0,"domain_name":"ACME.test","manageable":true,"dns_servers":["ns1.example.net","ns2.example.net"]}`; string(s.Details) != want {
		t.Errorf("stored details %s, want %s", s.Details, want)
	}

	reg.err = errors.New("registry timeout")
	err := p.DomainEditDNSServers(ctx, cust, svc, []string{"ns3.example.net", "ns4.example.net"})
	var ae *apperr.Error
	if !errors.As(err, &ae) || ae.Code != apperr.CodeEditDNSError || !errors.Is(err, reg.err) {
		t.Fatalf("registry failure: %v, want edit-dns-error caused by the registry's error", err)
	}
	if got := storedDelegation(t, st, cust, svc); !slices.Equal(got, []string{"ns1.example.net", "ns2.example.net"}) {
		t.Errorf("after a registry failure the store has %v", got)
	}
	if len(reg.got) != 2 {
		t.Errorf("registry called %d times, want 2", len(reg.got))
	}
}

// TestDomainEditDNSServersConcurrent: concurrent edits of one domain end
// with the same delegation at the registry and in the store.
func TestDomainEditDNSServersConcurrent(t *testing.T) {
	p, st, cust, svc := newDomainFixture(t)
	sim := registry.NewSimulator()
	p.Registry = sim
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Go(func() {
			ns := []string{fmt.Sprintf("a%d.example.net", i), fmt.Sprintf("b%d.example.net", i)}
			if err := p.DomainEditDNSServers(context.Background(), cust, svc, ns); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	atRegistry, _ := sim.Delegation("acme.test")
	if got := storedDelegation(t, st, cust, svc); !slices.Equal(got, atRegistry) {
		t.Errorf("stored %v, registry has %v", got, atRegistry)
	}
}

// TestDomainEditDNSServersNoRegistry: a panel without a registry driver
// answers edit-dns-error (the cause says why) and stores nothing.
func TestDomainEditDNSServersNoRegistry(t *testing.T) {
	p, st, cust, svc := newDomainFixture(t)
	before := storedDelegation(t, st, cust, svc)
	err := p.DomainEditDNSServers(context.Background(), cust, svc, []string{"ns1.example.net", "ns2.example.net"})
	var ae *apperr.Error
	if !errors.As(err, &ae) || ae.Code != apperr.CodeEditDNSError || !errors.Is(err, panel.ErrNoRegistry) {
		t.Fatalf("without a registry: %v, want edit-dns-error caused by ErrNoRegistry", err)
	}
	if got := storedDelegation(t, st, cust, svc); !slices.Equal(got, before) {
		t.Errorf("stored %v without a registry, had %v", got, before)
	}
	// dns-servers-insufficient is still checked first.
	err = p.DomainEditDNSServers(context.Background(), cust, svc, []string{"ns1.example.net"})
	if !errors.As(err, &ae) || ae.Code != apperr.CodeDNSServersInsufficient {
		t.Fatalf("one server without a registry: %v", err)
	}
}

// TestRegistryReconcile: a registry ahead of the store (a crash after the
// registry accepted a change) is stored by the reconcile; a domain the
// registry does not know and a stored order of the same set are kept.
func TestRegistryReconcile(t *testing.T) {
	p, st, cust, svc := newDomainFixture(t)
	sim := registry.NewSimulator()
	p.Registry = sim
	ctx := context.Background()
	before := storedDelegation(t, st, cust, svc)
	if n, err := p.RegistryReconcile(ctx); err != nil || n != 0 {
		t.Fatalf("reconcile of a domain the registry does not hold: %d, %v", n, err)
	}
	if got := storedDelegation(t, st, cust, svc); !slices.Equal(got, before) {
		t.Errorf("an unknown domain's delegation changed to %v", got)
	}
	// The registry accepted a change the store never committed.
	sim.SetDelegation(ctx, "acme.test", []string{"ns9.example.net", "ns8.example.net"})
	if n, err := p.RegistryReconcile(ctx); err != nil || n != 1 {
		t.Fatalf("reconcile: %d, %v; want 1 change", n, err)
	}
	if got := storedDelegation(t, st, cust, svc); !slices.Equal(got, []string{"ns9.example.net", "ns8.example.net"}) {
		t.Errorf("after reconcile stored %v", got)
	}
	rd, err := p.RegistryCheck(ctx, "ACME.test.")
	if err != nil || !rd.InSync() || rd.ServiceID != svc {
		t.Errorf("RegistryCheck = %+v, %v", rd, err)
	}
	// Same set, another order: kept as stored.
	sim.SetDelegation(ctx, "acme.test", []string{"ns8.example.net", "ns9.example.net"})
	if n, err := p.RegistryReconcile(ctx); err != nil || n != 0 {
		t.Fatalf("reconcile of the same set: %d, %v", n, err)
	}
	// A registry that is down: an error, nothing changed.
	sim.Fail(errors.New("down"))
	if _, err := p.RegistryReconcile(ctx); err == nil {
		t.Error("reconcile with the registry down: no error")
	}
	if got := storedDelegation(t, st, cust, svc); !slices.Equal(got, []string{"ns9.example.net", "ns8.example.net"}) {
		t.Errorf("a failed reconcile changed the store: %v", got)
	}
}
