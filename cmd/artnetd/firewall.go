package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/artnet-panel/artnet-panel/internal/driver"
	"github.com/artnet-panel/artnet-panel/internal/driver/fwsim"
	"github.com/artnet-panel/artnet-panel/internal/firewall"
	"github.com/artnet-panel/artnet-panel/internal/panel"
	"github.com/artnet-panel/artnet-panel/internal/store"
)

// FirewallConfig chooses this node's firewall device.
type FirewallConfig struct {
	// Driver: "nft" (nftables over netlink: this node is an edge node),
	// "sim" (the in-memory simulator) or "none" (an API node: changes are
	// stored and answered once an edge node applied them). "": "sim" with
	// Main.Demo or Main.Simulate, else "none" (honest mode).
	Driver string
	Table  string // nftables table (nft)
	NetNS  string // network namespace of the firewall (nft; "": ours)
	// ILOAccessTTL is how long an iLO opening lasts (0: 24h).
	ILOAccessTTL time.Duration
	// Reconcile is the period of the full reconcile (0: 30s).
	Reconcile time.Duration
	// EdgeWait is how long an API node (Driver "none", or BGP in mode
	// "none") waits for the nodes with a real driver to apply a change
	// before undoing it (0: 5s).
	EdgeWait time.Duration
	// Node names this node in the edge acknowledgements (driver_acks).
	// Empty: host name and HTTP address.
	Node string

	sim *fwsim.Simulator // the simulator in use, for tests
}

// FirewallSimulator returns the simulator when the node runs one.
func (m *Main) FirewallSimulator() *fwsim.Simulator { return m.Firewall.sim }

// startFirewall sets the panel's firewall device and starts its
// reconciler. Every node sweeps commit-confirmed deadlines and iLO
// expiries; nodes with a device also apply the stored state at start,
// when another node changes it, and every Reconcile period.
func (m *Main) startFirewall(p *panel.Panel) error {
	p.ILOAccessTTL = m.Firewall.ILOAccessTTL
	if m.Firewall.Driver == "" {
		m.Firewall.Driver = "none"
		if m.simulate() {
			m.Firewall.Driver = "sim"
		}
	}
	var dev firewall.Device
	ackKind := "firewall"
	switch m.Firewall.Driver {
	case "sim":
		m.Firewall.sim = &fwsim.Simulator{}
		dev = m.Firewall.sim
		ackKind = panel.SimAckKind("firewall")
		m.deviceMode("firewall", ModeSim, "sim")
	case "nft":
		d, err := newNFT(m.Firewall, m.Logger)
		if err != nil {
			return err
		}
		dev = d
		m.deviceMode("firewall", ModeReal, "nft")
	case "none":
		m.awaitEdges(p)
		m.deviceMode("firewall", ModeNone, "")
	default:
		return fmt.Errorf("--firewall %q: want sim, nft or none", m.Firewall.Driver)
	}
	p.Firewall = dev
	r := &driver.Reconciler{
		Kind:     "firewall",
		Tick:     p.FirewallSweep,
		Interval: m.Firewall.Reconcile,
		Logger:   m.Logger,
	}
	if dev != nil {
		node := m.Firewall.Node
		if node == "" {
			host, _ := os.Hostname()
			node = host + "/" + m.HTTPAddr
		}
		r.Reconcile = p.FirewallReconcile
		r.Generation = func(ctx context.Context) (int64, error) { return m.store.DriverGeneration(ctx, "firewall") }
		r.Ack = func(ctx context.Context, gen int64, err error) {
			a := store.DriverAck{Kind: ackKind, Node: node, Gen: gen, At: time.Now().Unix()}
			if err != nil {
				a.Error = err.Error()
			}
			if aerr := m.store.DriverAckSet(ctx, a); aerr != nil {
				m.Logger.Error("firewall: recording what this node applied", "err", aerr)
			}
		}
	} else {
		r.Reconcile = func(ctx context.Context) error { _, err := p.FirewallSweep(ctx); return err }
	}
	m.addReconciler(r)
	ctx, cancel := context.WithCancel(context.Background())
	done, err := r.Start(ctx)
	if err != nil {
		cancel()
		return fmt.Errorf("firewall (%s): first apply: %w", m.Firewall.Driver, err)
	}
	m.stopDrivers, m.driversDone = cancel, done
	if m.Firewall.Driver == "nft" {
		m.Logger.Info("firewall", "driver", m.Firewall.Driver, "table", m.Firewall.Table, "netns", m.Firewall.NetNS)
	}
	return nil
}

// awaitEdges makes p, on a node without a device of some kind, wait for
// the nodes with a real driver of that kind to apply each change
// (panel.Panel.EdgeWait); a node that asked for simulation also counts
// nodes running simulators.
func (m *Main) awaitEdges(p *panel.Panel) {
	p.EdgeWait = m.Firewall.EdgeWait
	if p.EdgeWait <= 0 {
		p.EdgeWait = 5 * time.Second
	}
	p.EdgeSimulated = m.simulate()
}
