package panel_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"github.com/artnet-panel/artnet-panel/internal/apperr"
	"github.com/artnet-panel/artnet-panel/internal/demo"
	"github.com/artnet-panel/artnet-panel/internal/driver/hvsim"
	"github.com/artnet-panel/artnet-panel/internal/driver/qemu"
	"github.com/artnet-panel/artnet-panel/internal/inventory"
	"github.com/artnet-panel/artnet-panel/internal/panel"
	"github.com/artnet-panel/artnet-panel/internal/store"
	"github.com/artnet-panel/artnet-panel/internal/store/sqlite"
)

// CloudConsole gives the proxy the console of the customer's own
// instance only (another customer's answers as a missing one), and only
// on a node whose hypervisor runs the machines.
func TestConsoleTarget(t *testing.T) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "console.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	inv, err := demo.Inventory()
	if err != nil {
		t.Fatal(err)
	}
	if err := inventory.Import(ctx, st, inv); err != nil {
		t.Fatal(err)
	}
	owner := inv.Customers[0].Customer.ID
	other := store.Customer{Name: "Other", Language: "pl"}
	if err := st.CustomerCreate(ctx, &other); err != nil {
		t.Fatal(err)
	}
	p := panel.New(st)
	p.Cloud = &panel.Cloud{Hypervisor: &qemu.Driver{StateDir: t.TempDir()}, SecretKey: demo.CloudSecretKey}
	if !p.CloudConsoleHere() {
		t.Fatal("a QEMU node has no console")
	}
	got, err := p.CloudConsole(ctx, owner, 1)
	if err != nil {
		t.Fatal(err)
	}
	// The demo instance's password is demo1234, its VNC port 5901.
	if want := (panel.CloudConsoleTarget{Machine: "ci-acme-web", Addr: "127.0.0.1:5901", Password: "demo1234"}); got != want {
		t.Fatalf("console %+v, want %+v", got, want)
	}
	for _, c := range []struct{ customer, id int64 }{{other.ID, 1}, {owner, 999}} {
		if _, err := p.CloudConsole(ctx, c.customer, c.id); !apperr.Is(err, apperr.CodeAuthorizationFailed) {
			t.Errorf("customer %d, instance %d: %v, want authorization-failed", c.customer, c.id, err)
		}
	}
	p.Cloud.Hypervisor = &hvsim.Simulator{}
	if p.CloudConsoleHere() {
		t.Fatal("a simulator node offers a console")
	}
	if _, err := p.CloudConsole(ctx, owner, 1); !errors.Is(err, panel.ErrNoConsoleHere) {
		t.Fatalf("simulator: %v, want ErrNoConsoleHere", err)
	}
	if _, err := p.CloudConsole(ctx, other.ID, 1); !apperr.Is(err, apperr.CodeAuthorizationFailed) {
		t.Fatalf("simulator, another customer: %v, want authorization-failed", err)
	}
	p.Cloud = nil
	if p.CloudConsoleHere() {
		t.Fatal("a node without a hypervisor offers a console")
	}
}

func TestConsoleDialAddr(t *testing.T) {
	for _, c := range []struct{ addr, want string }{
		{"", "127.0.0.1:5901"}, {"0.0.0.0", "127.0.0.1:5901"}, {"::", "[::1]:5901"},
		{"192.0.2.7", "192.0.2.7:5901"}, {"2001:db8::7", "[2001:db8::7]:5901"}, {"[2001:db8::7]", "[2001:db8::7]:5901"},
	} {
		if got := (&qemu.Driver{VNCAddr: c.addr}).VNCDialAddr(5901); got != c.want {
			t.Errorf("VNCAddr %q: %s, want %s", c.addr, got, c.want)
		}
	}
}
