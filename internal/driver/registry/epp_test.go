package registry_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/netip"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/artnet-panel/artnet-panel/internal/driver/registry"
	"github.com/artnet-panel/artnet-panel/internal/panel"
	"github.com/artnet-panel/artnet-panel/internal/testpeer/eppreg"
)

var glue = map[string][]netip.Addr{
	"ns1.example.pl": {netip.MustParseAddr("192.0.2.53"), netip.MustParseAddr("2001:db8::53")},
}

func newEPP(t *testing.T, r *eppreg.Server, mod func(*registry.EPPConfig)) *registry.EPP {
	t.Helper()
	cfg := registry.EPPConfig{
		Addr: r.Addr, ClientID: r.ClientID, Password: r.Password, TLS: r.ClientTLS,
		Timeout: 10 * time.Second, BackoffMin: time.Hour, Logger: slog.New(slog.DiscardHandler),
		Glue: func(_ context.Context, host string) ([]netip.Addr, error) {
			if a, ok := glue[host]; ok {
				return a, nil
			}
			return nil, fmt.Errorf("no such host %s", host)
		},
	}
	if mod != nil {
		mod(&cfg)
	}
	e := registry.NewEPP(cfg)
	t.Cleanup(func() { e.Close() })
	return e
}

func sorted(s []string) []string { s = slices.Clone(s); slices.Sort(s); return s }

// TestEPPHostObjects: the delegation is read with domain:info, missing host
// objects are created (with glue inside the domain, without outside), and
// one domain:update adds and removes the difference; an unchanged
// delegation sends no update; logout at Close.
func TestEPPHostObjects(t *testing.T) {
	r := eppreg.Start(t, eppreg.Options{})
	r.AddDomain("example.pl", "ns1.old.net", "ns2.old.net")
	e := newEPP(t, r, nil)
	ctx := context.Background()

	got, err := e.GetDelegation(ctx, "example.pl")
	if err != nil || !slices.Equal(sorted(got), []string{"ns1.old.net", "ns2.old.net"}) {
		t.Fatalf("GetDelegation = %v, %v", got, err)
	}
	want := []string{"ns1.example.pl", "ns2.old.net", "ns.other.net"}
	if err := e.SetDelegation(ctx, "example.pl", want); err != nil {
		t.Fatal(err)
	}
	if d, _ := r.Delegation("example.pl"); !slices.Equal(sorted(d), sorted(want)) {
		t.Errorf("the registry holds %v, want %v", d, want)
	}
	if a, ok := r.Host("ns1.example.pl"); !ok || !slices.Equal(a, []string{"192.0.2.53", "2001:db8::53"}) {
		t.Errorf("host ns1.example.pl: %v %v, want created with its glue", a, ok)
	}
	if a, ok := r.Host("ns.other.net"); !ok || len(a) != 0 {
		t.Errorf("host ns.other.net: %v %v, want created without addresses", a, ok)
	}
	if n := r.Count("host:create"); n != 2 {
		t.Errorf("host:create sent %d times, want 2", n)
	}
	updates := r.Count("domain:update")
	if err := e.SetDelegation(ctx, "example.pl", []string{"ns.other.net", "ns2.old.net", "ns1.example.pl"}); err != nil {
		t.Fatal(err)
	}
	if n := r.Count("domain:update"); n != updates {
		t.Errorf("an unchanged delegation sent an update")
	}
	// A name inside the domain without an address: refused before the
	// registry is asked to change anything.
	if err := e.SetDelegation(ctx, "example.pl", []string{"ns9.example.pl", "ns.other.net"}); err == nil {
		t.Error("a subordinate name server without an address was accepted")
	}
	if _, err := e.GetDelegation(ctx, "unknown.pl"); !errors.Is(err, panel.ErrDelegationUnknown) {
		t.Errorf("GetDelegation of an unknown domain: %v", err)
	}
	if n := r.Count("login"); n != 1 {
		t.Errorf("%d logins, want 1 session reused", n)
	}
	e.Close()
	if n := r.Count("logout"); n != 1 {
		t.Errorf("%d logouts at Close, want 1", n)
	}
	if r.Frames() == 0 {
		t.Fatal("the registry validated no frame")
	}
}

// TestEPPHostAttributes: a greeting without the host mapping makes name
// servers host attributes, with glue for names inside the domain.
func TestEPPHostAttributes(t *testing.T) {
	r := eppreg.Start(t, eppreg.Options{HostAttributes: true})
	r.AddDomain("example.pl", "ns1.old.net", "ns2.old.net")
	e := newEPP(t, r, nil)
	want := []string{"ns1.example.pl", "ns.other.net"}
	if err := e.SetDelegation(context.Background(), "example.pl", want); err != nil {
		t.Fatal(err)
	}
	if d, _ := r.Delegation("example.pl"); !slices.Equal(sorted(d), sorted(want)) {
		t.Errorf("the registry holds %v, want %v", d, want)
	}
	if r.Count("host:check")+r.Count("host:create") != 0 {
		t.Error("host commands sent to a registry without the host mapping")
	}
}

// TestEPPResultCodes: every error result fails the call with an
// *EPPError carrying the code and the registry's message and leaves the
// delegation; 1001 is a success; a 25xx closes the session and the next
// call opens a new one.
func TestEPPResultCodes(t *testing.T) {
	r := eppreg.Start(t, eppreg.Options{})
	r.AddDomain("example.pl", "ns1.old.net", "ns2.old.net")
	e := newEPP(t, r, nil)
	ctx := context.Background()
	before, _ := r.Delegation("example.pl")
	for _, code := range []int{2001, 2002, 2003, 2004, 2005, 2104, 2201, 2302, 2303, 2304, 2305, 2306, 2307, 2308, 2400, 2500, 2502} {
		msg := fmt.Sprintf("registry says no (%d)", code)
		r.Inject("domain:update", eppreg.Action{Code: code, Msg: msg})
		err := e.SetDelegation(ctx, "example.pl", []string{"ns.a.net", "ns.b.net"})
		var ee *registry.EPPError
		if !errors.As(err, &ee) || ee.Code != code || ee.Msg != msg {
			t.Errorf("result %d: %v", code, err)
		}
		if d, _ := r.Delegation("example.pl"); !slices.Equal(d, before) {
			t.Errorf("result %d changed the delegation to %v", code, d)
		}
	}
	r.Inject("domain:update", eppreg.Action{Code: 1001, Msg: "Command completed successfully; action pending"})
	if err := e.SetDelegation(ctx, "example.pl", []string{"ns.a.net", "ns.b.net"}); err != nil {
		t.Errorf("1001: %v", err)
	}
	if n := r.Count("login"); n != 3 {
		t.Errorf("%d logins, want 3 (2500 and 2502 close the session)", n)
	}
	// Errors of the other commands.
	r.Inject("domain:info", eppreg.Action{Code: 2201, Msg: "not your domain"})
	if _, err := e.GetDelegation(ctx, "example.pl"); err == nil {
		t.Error("domain:info 2201: no error")
	}
	r.Inject("host:create", eppreg.Action{Code: 2308, Msg: "policy"})
	if err := e.SetDelegation(ctx, "example.pl", []string{"ns.c.net", "ns.d.net"}); err == nil {
		t.Error("host:create 2308: no error")
	}
}

// TestEPPConnectionFailures: a stalled command times out, a dropped
// connection fails the call, and the next call opens a new session; a
// drop after the registry carried the change out fails the call although
// the registry holds the change (the case the reconcile heals).
func TestEPPConnectionFailures(t *testing.T) {
	r := eppreg.Start(t, eppreg.Options{})
	r.AddDomain("example.pl", "ns1.old.net", "ns2.old.net")
	e := newEPP(t, r, func(c *registry.EPPConfig) { c.Timeout = 3 * time.Second })
	ctx := context.Background()
	want := []string{"ns.a.net", "ns.b.net"}

	r.Inject("domain:update", eppreg.Action{Stall: true})
	if err := e.SetDelegation(ctx, "example.pl", want); err == nil {
		t.Error("a stalled update: no error")
	}
	r.Inject("domain:update", eppreg.Action{Drop: true})
	if err := e.SetDelegation(ctx, "example.pl", want); err == nil {
		t.Error("a dropped connection: no error")
	}
	if d, _ := r.Delegation("example.pl"); slices.Contains(d, "ns.a.net") {
		t.Errorf("the registry changed: %v", d)
	}
	r.Inject("domain:update", eppreg.Action{Drop: true, Apply: true})
	if err := e.SetDelegation(ctx, "example.pl", want); err == nil {
		t.Error("a drop after the change: no error")
	}
	if d, _ := r.Delegation("example.pl"); !slices.Equal(sorted(d), want) {
		t.Errorf("the registry holds %v, want %v", d, want)
	}
	if err := e.SetDelegation(ctx, "example.pl", []string{"ns.a.net", "ns.c.net"}); err != nil {
		t.Fatalf("after reconnecting: %v", err)
	}
	// A kept session that the registry closed: domain:info (which changes
	// nothing) is sent again on a new session, and the change goes
	// through; when the new session fails too, the call fails.
	r.Inject("domain:info", eppreg.Action{Drop: true})
	if err := e.SetDelegation(ctx, "example.pl", want); err != nil {
		t.Errorf("after a dropped kept session: %v", err)
	}
	r.Inject("domain:info", eppreg.Action{Drop: true})
	r.Inject("domain:info", eppreg.Action{Drop: true})
	if _, err := e.GetDelegation(ctx, "example.pl"); err == nil {
		t.Error("two dropped sessions: no error")
	}
	// A cancelled context ends a stalled call.
	r.Inject("domain:info", eppreg.Action{Stall: true})
	cctx, cancel := context.WithCancel(ctx)
	time.AfterFunc(50*time.Millisecond, cancel)
	if _, err := e.GetDelegation(cctx, "example.pl"); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
	// The registry goes away: calls fail.
	r.Close()
	if err := e.SetDelegation(ctx, "example.pl", want); err == nil {
		t.Error("registry down: no error")
	}
}

// TestEPPLoginBackoff: a refused login fails the call and the next
// attempts wait for the backoff instead of logging in again at once.
func TestEPPLoginBackoff(t *testing.T) {
	r := eppreg.Start(t, eppreg.Options{})
	r.AddDomain("example.pl", "ns1.old.net", "ns2.old.net")
	e := newEPP(t, r, func(c *registry.EPPConfig) { c.Password = "wrong-pw" })
	var ee *registry.EPPError
	if _, err := e.GetDelegation(context.Background(), "example.pl"); !errors.As(err, &ee) || ee.Code != 2200 {
		t.Fatalf("wrong password: %v", err)
	}
	if _, err := e.GetDelegation(context.Background(), "example.pl"); err == nil {
		t.Fatal("second call succeeded")
	}
	if n := r.Count("login"); n != 1 {
		t.Errorf("%d logins within the backoff, want 1", n)
	}
}

// TestEPPKeepAliveAndPool: idle sessions send <hello>; sessions of the
// pool serve concurrent calls.
func TestEPPKeepAliveAndPool(t *testing.T) {
	r := eppreg.Start(t, eppreg.Options{})
	for i := range 4 {
		r.AddDomain(fmt.Sprintf("d%d.pl", i), "ns1.old.net", "ns2.old.net")
	}
	e := newEPP(t, r, func(c *registry.EPPConfig) { c.KeepAlive = 100 * time.Millisecond; c.Sessions = 2 })
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Go(func() {
			if err := e.SetDelegation(context.Background(), fmt.Sprintf("d%d.pl", i), []string{"ns.a.net", fmt.Sprintf("ns%d.b.net", i)}); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	for i := range 4 {
		if d, _ := r.Delegation(fmt.Sprintf("d%d.pl", i)); !slices.Contains(d, fmt.Sprintf("ns%d.b.net", i)) {
			t.Errorf("d%d.pl: %v", i, d)
		}
	}
	if n := r.Count("login"); n < 1 || n > 2 {
		t.Errorf("%d logins for a pool of 2", n)
	}
	deadline := time.Now().Add(30 * time.Second)
	for r.Count("hello") == 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if r.Count("hello") == 0 {
		t.Error("no <hello> from idle sessions")
	}
}
