package main

import (
	"context"
	"fmt"
	"net/netip"
	"os"
	"strconv"
	"time"

	"github.com/artnet-panel/artnet-panel/internal/bgp"
	"github.com/artnet-panel/artnet-panel/internal/driver"
	"github.com/artnet-panel/artnet-panel/internal/driver/bgpsim"
	"github.com/artnet-panel/artnet-panel/internal/driver/gobgp"
	"github.com/artnet-panel/artnet-panel/internal/panel"
	"github.com/artnet-panel/artnet-panel/internal/store"
)

// BGPConfig configures this node's BGP speaker.
type BGPConfig struct {
	// Mode: "gobgp" (the embedded speaker; needs ASN), "sim" (the
	// in-memory simulator) or "none" (an API node: changes are stored and
	// answered once a node with a speaker applied them). "": "gobgp" when
	// ASN is set, else "sim" with Main.Demo or Main.Simulate, else "none"
	// (honest mode).
	Mode      string
	ASN       uint32
	RouterID  netip.Addr
	Listen    string // "host:port"; "": do not listen
	LocalAddr netip.Addr
	Peers     []gobgp.Peer
	// NoGracefulRestart turns graceful restart off.
	NoGracefulRestart bool
	// BlackholeNextHop4/6 are the discard next hops of blackhole routes.
	BlackholeNextHop4, BlackholeNextHop6 netip.Addr
	// Reconcile is the period of the full re-apply (0: 30s).
	Reconcile time.Duration
	// ConnectRetry between session attempts (0: 5s).
	ConnectRetry time.Duration

	sim     *bgpsim.Simulator
	speaker *gobgp.Speaker
	stop    context.CancelFunc
	done    <-chan struct{}
}

// BGPSimulator returns the simulator when the node runs one.
func (m *Main) BGPSimulator() *bgpsim.Simulator { return m.BGP.sim }

// startBGP sets the panel's speaker and starts its reconciler: the
// stored announcements are applied before the sessions open (so a
// restarted node sends its whole table at once), when another node
// changes them, and every Reconcile period.
func (m *Main) startBGP(p *panel.Panel) error {
	p.BlackholeNextHop4, p.BlackholeNextHop6 = m.BGP.BlackholeNextHop4, m.BGP.BlackholeNextHop6
	if err := checkBGPMode(&m.BGP); err != nil {
		return err
	}
	if m.BGP.Mode == "" {
		m.BGP.Mode = "none"
		if m.BGP.ASN != 0 {
			m.BGP.Mode = "gobgp"
		} else if m.simulate() {
			m.BGP.Mode = "sim"
		}
	}
	var sp bgp.Speaker
	ackKind := "bgp"
	switch m.BGP.Mode {
	case "none":
		m.awaitEdges(p)
		m.deviceMode("bgp", ModeNone, "")
		return nil
	case "sim":
		m.BGP.sim = &bgpsim.Simulator{}
		sp = m.BGP.sim
		ackKind = panel.SimAckKind("bgp")
	default:
		rid := m.BGP.RouterID
		s, err := gobgp.Start(context.Background(), gobgp.Config{
			ASN: m.BGP.ASN, RouterID: rid, Listen: m.BGP.Listen, LocalAddr: m.BGP.LocalAddr,
			Peers: m.BGP.Peers, NoGracefulRestart: m.BGP.NoGracefulRestart,
			ConnectRetry: m.BGP.ConnectRetry, Logger: m.Logger,
		})
		if err != nil {
			return err
		}
		m.BGP.speaker = s
		sp = s
	}
	p.BGP = sp
	host, _ := os.Hostname()
	node := host + "/" + m.HTTPAddr
	if m.Firewall.Node != "" {
		node = m.Firewall.Node
	}
	r := &driver.Reconciler{
		Kind:       "bgp",
		Reconcile:  p.BGPReconcile,
		Generation: func(ctx context.Context) (int64, error) { return m.store.DriverGeneration(ctx, "bgp") },
		Interval:   m.BGP.Reconcile,
		Logger:     m.Logger,
		Ack: func(ctx context.Context, gen int64, err error) {
			a := store.DriverAck{Kind: ackKind, Node: node, Gen: gen, At: time.Now().Unix()}
			if err != nil {
				a.Error = err.Error()
			}
			if aerr := m.store.DriverAckSet(ctx, a); aerr != nil {
				m.Logger.Error("bgp: recording what this node applied", "err", aerr)
			}
		},
	}
	m.addReconciler(r)
	ctx, cancel := context.WithCancel(context.Background())
	done, err := r.Start(ctx)
	if err != nil {
		cancel()
		if m.BGP.speaker != nil {
			m.BGP.speaker.Close()
		}
		return fmt.Errorf("bgp: first apply: %w", err)
	}
	m.BGP.stop, m.BGP.done = cancel, done
	peers := make([]string, len(m.BGP.Peers))
	for i, p := range m.BGP.Peers {
		peers[i] = p.String()
	}
	if m.BGP.Mode == "sim" {
		m.deviceMode("bgp", ModeSim, "sim")
	} else {
		m.deviceMode("bgp", ModeReal, "gobgp")
		m.Logger.Info("bgp", "driver", "gobgp", "asn", m.BGP.ASN, "router_id", m.BGP.RouterID.String(), "listen", m.BGP.Listen, "peers", peers)
	}
	return nil
}

// stopBGP stops the reconciler and the speaker.
func (m *Main) stopBGP() {
	if m.BGP.stop != nil {
		m.BGP.stop()
		<-m.BGP.done
		m.BGP.stop = nil
	}
	if m.BGP.speaker != nil {
		m.BGP.speaker.Close()
		m.BGP.speaker = nil
	}
}

// checkBGPMode checks c.Mode against c.ASN.
func checkBGPMode(c *BGPConfig) error {
	switch c.Mode {
	case "":
	case "gobgp":
		if c.ASN == 0 {
			return fmt.Errorf("--bgp gobgp needs --bgp-asn")
		}
	case "sim", "none":
		if c.ASN != 0 {
			return fmt.Errorf("--bgp %s: --bgp-asn starts a speaker (want --bgp gobgp, or no --bgp)", c.Mode)
		}
	default:
		return fmt.Errorf("--bgp %q: want gobgp, sim or none", c.Mode)
	}
	return nil
}

// parseBGPFlags fills c from the flag values.
func parseBGPFlags(c *BGPConfig, asn, routerID, localAddr, peers, nh4, nh6, reconcile string) error {
	if asn != "" && asn != "0" {
		n, err := strconv.ParseUint(asn, 10, 32)
		if err != nil {
			return fmt.Errorf("--bgp-asn %q: want a number from 1 to 4294967295", asn)
		}
		c.ASN = uint32(n)
		if c.RouterID, err = netip.ParseAddr(routerID); err != nil || !c.RouterID.Is4() {
			return fmt.Errorf("--bgp-router-id %q: want an IPv4 address (required with --bgp-asn)", routerID)
		}
		for _, s := range splitList(peers) {
			p, err := gobgp.ParsePeer(s)
			if err != nil {
				return fmt.Errorf("--bgp-peers: %w", err)
			}
			c.Peers = append(c.Peers, p)
		}
		if localAddr != "" {
			if c.LocalAddr, err = netip.ParseAddr(localAddr); err != nil {
				return fmt.Errorf("--bgp-local-address %q: %w", localAddr, err)
			}
		}
	}
	var err error
	if c.BlackholeNextHop4, err = netip.ParseAddr(nh4); err != nil || !c.BlackholeNextHop4.Is4() {
		return fmt.Errorf("--bgp-blackhole-nexthop %q: want an IPv4 address", nh4)
	}
	if c.BlackholeNextHop6, err = netip.ParseAddr(nh6); err != nil || !c.BlackholeNextHop6.Is6() {
		return fmt.Errorf("--bgp-blackhole-nexthop6 %q: want an IPv6 address", nh6)
	}
	if c.Reconcile, err = time.ParseDuration(reconcile); err != nil || c.Reconcile <= 0 {
		return fmt.Errorf("--bgp-reconcile %q: want a positive duration such as 30s", reconcile)
	}
	return nil
}
