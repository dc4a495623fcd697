package registry_test

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"testing"

	"github.com/artnet-panel/artnet-panel/internal/driver/registry"
	"github.com/artnet-panel/artnet-panel/internal/panel"
	"github.com/artnet-panel/artnet-panel/internal/store/sqlite"
)

func TestSimulator(t *testing.T) {
	ctx := context.Background()
	var s registry.Simulator // the zero value works
	servers := []string{"ns1.example.net", "ns2.example.net"}
	if err := s.SetDelegation(ctx, "example.com", servers); err != nil {
		t.Fatal(err)
	}
	servers[0] = "changed" // the simulator keeps its own copy
	if got, ok := s.Delegation("example.com"); !ok || !slices.Equal(got, []string{"ns1.example.net", "ns2.example.net"}) {
		t.Fatalf("Delegation = %v, %v", got, ok)
	}
	if _, ok := s.Delegation("other.com"); ok {
		t.Fatal("a delegation never set is reported")
	}

	boom := errors.New("registry down")
	s.Fail(boom)
	if err := s.SetDelegation(ctx, "example.com", []string{"a.example", "b.example"}); !errors.Is(err, boom) {
		t.Fatalf("SetDelegation while failing = %v", err)
	}
	if got, _ := s.Delegation("example.com"); got[0] != "ns1.example.net" {
		t.Fatalf("a failed call changed the delegation: %v", got)
	}
	s.Fail(nil)

	s.FailDomain("locked.com", boom)
	if err := s.SetDelegation(ctx, "locked.com", servers); !errors.Is(err, boom) {
		t.Fatalf("FailDomain: %v", err)
	}
	if err := s.SetDelegation(ctx, "free.com", servers); err != nil {
		t.Fatalf("another domain: %v", err)
	}
	s.FailDomain("locked.com", nil)
	if err := s.SetDelegation(ctx, "locked.com", servers); err != nil {
		t.Fatalf("after FailDomain(nil): %v", err)
	}
	if n := s.Calls(); n != 5 {
		t.Fatalf("Calls = %d, want 5", n)
	}

	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if err := s.SetDelegation(cancelled, "x.com", servers); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled context: %v", err)
	}
}

// TestSimulatorInDatabase: simulators over one database (two nodes) see
// the same delegations.
func TestSimulatorInDatabase(t *testing.T) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "sim.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	a, b := &registry.Simulator{Store: st}, &registry.Simulator{Store: st}
	if _, err := b.GetDelegation(ctx, "example.pl"); !errors.Is(err, panel.ErrDelegationUnknown) {
		t.Fatalf("never set: %v", err)
	}
	if err := a.SetDelegation(ctx, "example.pl", []string{"ns1.example.net", "ns2.example.net"}); err != nil {
		t.Fatal(err)
	}
	if got, err := b.GetDelegation(ctx, "example.pl"); err != nil || !slices.Equal(got, []string{"ns1.example.net", "ns2.example.net"}) {
		t.Fatalf("the other node reads %v, %v", got, err)
	}
	if got, ok := b.Delegation("example.pl"); !ok || len(got) != 2 {
		t.Fatalf("Delegation = %v, %v", got, ok)
	}
	a.Fail(errors.New("down"))
	if err := a.SetDelegation(ctx, "example.pl", []string{"x.example", "y.example"}); err == nil {
		t.Fatal("Fail ignored")
	}
	if got, _ := b.Delegation("example.pl"); got[0] != "ns1.example.net" {
		t.Fatalf("a failed call was stored: %v", got)
	}
}
