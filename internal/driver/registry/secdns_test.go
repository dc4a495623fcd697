package registry_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/artnet-panel/artnet-panel/internal/driver/registry"
	"github.com/artnet-panel/artnet-panel/internal/panel"
	"github.com/artnet-panel/artnet-panel/internal/testpeer/eppreg"
)

var (
	dsOld = panel.DSRecord{KeyTag: 11111, Algorithm: 13, DigestType: 2, Digest: "0E3C0A5F7A4C3B2D1E0F9A8B7C6D5E4F3A2B1C0D9E8F7A6B5C4D3E2F1A0B9C8D"}
	dsNew = panel.DSRecord{KeyTag: 22222, Algorithm: 13, DigestType: 2, Digest: "AA3C0A5F7A4C3B2D1E0F9A8B7C6D5E4F3A2B1C0D9E8F7A6B5C4D3E2F1A0B9C8D"}
)

// TestEPPSecDNS: the DS set goes to the registry with secDNS-1.1 (every
// frame, the login's svcExtension, the update's extension and the info's
// secDNS:infData, validated against the RFC 5910 schema by the test
// registry): added, rolled (one update adding the new and removing the
// old), read back, unchanged (no update) and removed; the delegation is
// untouched.
func TestEPPSecDNS(t *testing.T) {
	r := eppreg.Start(t, eppreg.Options{})
	r.AddDomain("example.pl", "ns1.old.net", "ns2.old.net")
	e := newEPP(t, r, nil)
	ctx := context.Background()

	if err := e.SetDS(ctx, "example.pl", []panel.DSRecord{dsOld}); err != nil {
		t.Fatal(err)
	}
	if got := r.DS("example.pl"); !slices.Equal(got, []string{dsOld.String()}) {
		t.Fatalf("registry DS = %v", got)
	}
	got, err := e.GetDS(ctx, "example.pl")
	if err != nil || !slices.Equal(got, []panel.DSRecord{dsOld}) {
		t.Fatalf("GetDS = %v, %v", got, err)
	}
	// Double DS, then the old one goes.
	if err := e.SetDS(ctx, "example.pl", []panel.DSRecord{dsOld, dsNew}); err != nil {
		t.Fatal(err)
	}
	if got := r.DS("example.pl"); !slices.Equal(got, []string{dsOld.String(), dsNew.String()}) {
		t.Fatalf("registry DS = %v", got)
	}
	updates := r.Count("domain:update")
	if err := e.SetDS(ctx, "example.pl", []panel.DSRecord{dsNew, dsOld}); err != nil {
		t.Fatal(err)
	}
	if n := r.Count("domain:update"); n != updates {
		t.Errorf("an unchanged DS set sent an update")
	}
	if err := e.SetDS(ctx, "example.pl", []panel.DSRecord{dsNew}); err != nil {
		t.Fatal(err)
	}
	if got := r.DS("example.pl"); !slices.Equal(got, []string{dsNew.String()}) {
		t.Fatalf("registry DS = %v", got)
	}
	if err := e.SetDS(ctx, "example.pl", nil); err != nil {
		t.Fatal(err)
	}
	if got := r.DS("example.pl"); len(got) != 0 {
		t.Fatalf("registry DS after removal = %v", got)
	}
	if d, _ := r.Delegation("example.pl"); !slices.Equal(d, []string{"ns1.old.net", "ns2.old.net"}) {
		t.Errorf("the delegation changed: %v", d)
	}
	// Refusals are errors with the registry's code.
	r.Inject("domain:update", eppreg.Action{Code: 2306, Msg: "Parameter value policy error"})
	var ee *registry.EPPError
	if err := e.SetDS(ctx, "example.pl", []panel.DSRecord{dsOld}); !errors.As(err, &ee) || ee.Code != 2306 {
		t.Fatalf("refused update: %v", err)
	}
	if got := r.DS("example.pl"); len(got) != 0 {
		t.Fatalf("registry DS after a refusal = %v", got)
	}
	if err := e.SetDS(ctx, "nosuch.pl", []panel.DSRecord{dsOld}); !errors.Is(err, panel.ErrDelegationUnknown) {
		t.Fatalf("unknown domain: %v", err)
	}
	if r.Frames() == 0 {
		t.Fatal("no frames validated")
	}
}

// TestEPPNoSecDNS: a registry that does not offer secDNS-1.1 gets no DS
// command: SetDS fails with ErrNoSecDNS, delegations still work.
func TestEPPNoSecDNS(t *testing.T) {
	r := eppreg.Start(t, eppreg.Options{NoSecDNS: true})
	r.AddDomain("example.pl", "ns1.old.net", "ns2.old.net")
	e := newEPP(t, r, nil)
	ctx := context.Background()
	if err := e.SetDS(ctx, "example.pl", []panel.DSRecord{dsOld}); !errors.Is(err, registry.ErrNoSecDNS) {
		t.Fatalf("SetDS without secDNS: %v", err)
	}
	if n := r.Count("domain:update"); n != 0 {
		t.Fatalf("%d updates sent", n)
	}
	if err := e.SetDelegation(ctx, "example.pl", []string{"ns1.old.net", "ns3.old.net"}); err != nil {
		t.Fatal(err)
	}
}

// TestSimulatorDS: the simulator records DS sets and fails when told.
func TestSimulatorDS(t *testing.T) {
	s := registry.NewSimulator()
	ctx := context.Background()
	if err := s.SetDS(ctx, "a.test", []panel.DSRecord{dsOld}); err != nil {
		t.Fatal(err)
	}
	if got, err := s.GetDS(ctx, "a.test"); err != nil || !slices.Equal(got, []panel.DSRecord{dsOld}) {
		t.Fatalf("GetDS = %v, %v", got, err)
	}
	boom := errors.New("boom")
	s.FailDomain("a.test", boom)
	if err := s.SetDS(ctx, "a.test", nil); !errors.Is(err, boom) {
		t.Fatalf("failing SetDS: %v", err)
	}
	if got := s.DS("a.test"); !slices.Equal(got, []panel.DSRecord{dsOld}) || s.DSCalls() != 2 {
		t.Fatalf("after a failure: %v, %d calls", got, s.DSCalls())
	}
}
