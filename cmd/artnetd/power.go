package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/artnet-panel/artnet-panel/internal/driver/ipmi"
	"github.com/artnet-panel/artnet-panel/internal/driver/powersim"
	"github.com/artnet-panel/artnet-panel/internal/driver/snmp"
	"github.com/artnet-panel/artnet-panel/internal/metrics"
	"github.com/artnet-panel/artnet-panel/internal/panel"
	"github.com/artnet-panel/artnet-panel/internal/power"
	"github.com/artnet-panel/artnet-panel/internal/transfer"
)

// PowerConfig configures power management and the transfer-usage poller.
type PowerConfig struct {
	// Drivers are the power drivers this node has (nil: ipmi, and sim
	// with Main.Demo or Main.Simulate).
	Drivers []string
	// IPMITool is the ipmitool binary ("": from PATH).
	IPMITool string
	// Tries, Timeout and CacheTTL: panel.PowerSettings (0: defaults).
	Tries    int
	Timeout  time.Duration
	CacheTTL time.Duration
	// SNMPPoll is how often switch ports are read (0: 5 minutes; negative:
	// this node does not poll). SNMPTimeout bounds one port's reading (0:
	// 10 s).
	SNMPPoll    time.Duration
	SNMPTimeout time.Duration
}

// DefaultSNMPPoll is how often switch ports are read by default.
const DefaultSNMPPoll = 5 * time.Minute

// startPower gives p this node's power drivers.
func (m *Main) startPower(p *panel.Panel) error {
	names := m.Power.Drivers
	if names == nil {
		names = []string{"ipmi"}
		if m.simulate() {
			names = []string{"sim", "ipmi"}
		}
	}
	reg := &power.Registry{}
	for _, n := range names {
		switch n {
		case "sim":
			reg.Register("sim", counted{powersim.New(m.store)})
		case "ipmi":
			reg.Register("ipmi", counted{&ipmi.Driver{Path: m.Power.IPMITool}})
		default:
			return fmt.Errorf("--power-drivers: unknown driver %q (want sim, ipmi)", n)
		}
	}
	p.Power = reg
	switch {
	case slices.Contains(names, "sim"):
		m.deviceMode("power", ModeSim, strings.Join(names, ","))
	case len(names) > 0:
		m.deviceMode("power", ModeReal, strings.Join(names, ","))
	default:
		m.deviceMode("power", ModeNone, "")
	}
	p.PowerTries, p.PowerTimeout, p.PowerCacheTTL = m.Power.Tries, m.Power.Timeout, m.Power.CacheTTL
	p.PowerNode = m.nodeName()
	return nil
}

// nodeName is --node-name, or the host name and HTTP address.
func (m *Main) nodeName() string {
	if m.Firewall.Node != "" {
		return m.Firewall.Node
	}
	host, _ := os.Hostname()
	return host + "/" + m.HTTPAddr
}

// startTransferPoller reads the switch ports every m.Power.SNMPPoll in the
// background (until Close). Each port is polled by one node at a time:
// the node keeps a port's lease for three intervals past each poll.
func (m *Main) startTransferPoller(p *panel.Panel) {
	every := m.Power.SNMPPoll
	if every < 0 {
		return
	}
	if every == 0 {
		every = DefaultSNMPPoll
	}
	params := panel.TransferPollParams{Node: m.nodeName(), Reader: countedReader{&snmp.Reader{}}, Lease: 3 * every, Timeout: m.Power.SNMPTimeout}
	m.wg.Add(1)
	go func() {
		defer m.wg.Done()
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			if _, err := p.TransferPoll(m.bg, params); err != nil && m.bg.Err() == nil {
				m.Logger.Error("transfer poll", "error", err.Error())
			}
			select {
			case <-m.bg.Done():
				return
			case <-t.C:
			}
		}
	}()
}

// addPowerFlags defines the power and transfer flags on fs; the returned
// function checks them into m after fs.Parse.
func addPowerFlags(fs *flag.FlagSet, m *Main) func() error {
	drivers := fs.String("power-drivers", env("ARTNETD_POWER_DRIVERS", ""), "power drivers of this node, comma separated: ipmi, sim, or none (empty: ipmi, and sim with --demo/--simulate)")
	fs.StringVar(&m.Power.IPMITool, "ipmitool", env("ARTNETD_IPMITOOL", ""), "ipmitool binary of the ipmi power driver (empty: from PATH)")
	timeout := fs.String("power-timeout", env("ARTNETD_POWER_TIMEOUT", panel.DefaultPowerTimeout.String()), "time budget of one power operation on a device (its tries included)")
	fs.IntVar(&m.Power.Tries, "power-tries", envInt("ARTNETD_POWER_TRIES", panel.DefaultPowerTries), "tries of one power operation within --power-timeout")
	cache := fs.String("power-cache", env("ARTNETD_POWER_CACHE", panel.DefaultPowerCacheTTL.String()), "how long power-details keeps a state read from a device (0: not at all)")
	poll := fs.String("snmp-poll", env("ARTNETD_SNMP_POLL", DefaultSNMPPoll.String()), "how often switch ports' traffic counters are read over SNMP (0: this node does not poll)")
	snmpTimeout := fs.String("snmp-timeout", env("ARTNETD_SNMP_TIMEOUT", "10s"), "time budget of reading one switch port")
	return func() error {
		m.Power.Drivers = splitList(*drivers) // nil: the default
		if *drivers == "none" {
			m.Power.Drivers = []string{}
		}
		var err error
		if m.Power.Timeout, err = time.ParseDuration(*timeout); err != nil || m.Power.Timeout <= 0 {
			return fmt.Errorf("--power-timeout %q: want a positive duration such as 10s", *timeout)
		}
		if m.Power.Tries < 1 || m.Power.Tries > 10 {
			return fmt.Errorf("--power-tries %d: want 1 to 10", m.Power.Tries)
		}
		if m.Power.CacheTTL, err = time.ParseDuration(*cache); err != nil || m.Power.CacheTTL < 0 {
			return fmt.Errorf("--power-cache %q: want a duration such as 5s, or 0", *cache)
		}
		if m.Power.CacheTTL == 0 {
			m.Power.CacheTTL = -1 // PowerSettings: negative is no cache
		}
		if m.Power.SNMPPoll, err = time.ParseDuration(*poll); err != nil || m.Power.SNMPPoll < 0 {
			return fmt.Errorf("--snmp-poll %q: want a duration such as 5m, or 0 for off", *poll)
		}
		if m.Power.SNMPPoll == 0 {
			m.Power.SNMPPoll = -1 // PowerConfig: negative is off
		}
		if m.Power.SNMPTimeout, err = time.ParseDuration(*snmpTimeout); err != nil || m.Power.SNMPTimeout <= 0 {
			return fmt.Errorf("--snmp-timeout %q: want a positive duration such as 10s", *snmpTimeout)
		}
		return nil
	}
}

// envInt is env for a number; a value that is not one is def (the flag's
// check then reports nothing wrong: the default applies).
func envInt(name string, def int) int {
	var n int
	if _, err := fmt.Sscan(env(name, ""), &n); err != nil {
		return def
	}
	return n
}

// counted wraps a power driver so that every failed device operation
// counts in artnet_driver_errors_total{kind="power"}.
type counted struct{ power.Driver }

func (c counted) Open(t power.Target) (power.Device, error) {
	d, err := c.Driver.Open(t)
	if err != nil {
		return nil, countErr(err)
	}
	return countedDevice{d}, nil
}

type countedDevice struct{ d power.Device }

func countErr(err error) error {
	if err != nil {
		metrics.DriverErrors.WithLabelValues("power").Inc()
	}
	return err
}

func (c countedDevice) State(ctx context.Context) (power.State, error) {
	st, err := c.d.State(ctx)
	return st, countErr(err)
}
func (c countedDevice) On(ctx context.Context) error    { return countErr(c.d.On(ctx)) }
func (c countedDevice) Off(ctx context.Context) error   { return countErr(c.d.Off(ctx)) }
func (c countedDevice) Cycle(ctx context.Context) error { return countErr(c.d.Cycle(ctx)) }

// countedReader counts failed switch-port readings in
// artnet_driver_errors_total{kind="snmp"}.
type countedReader struct{ r transfer.Reader }

func (c countedReader) Read(ctx context.Context, p transfer.Port) (transfer.Counters, error) {
	v, err := c.r.Read(ctx, p)
	if err != nil {
		metrics.DriverErrors.WithLabelValues("snmp").Inc()
	}
	return v, err
}
