package main

import (
	"github.com/artnet-panel/artnet-panel/internal/metrics"
)

// Device kinds and their modes.
//
// Every kind of device a command changes (the firewall, BGP, the
// hypervisor, power lines, the domain registry) runs on a node in one of
// three modes:
//
//   - ModeReal: a real driver (nftables, GoBGP, QEMU, IPMI, EPP): the
//     change is applied to it before the command answers.
//   - ModeSim: a simulator, only when asked for: --demo, --simulate (every
//     kind without a configured real driver), or by name (--firewall sim,
//     --bgp sim, --hypervisor sim, --power-drivers sim,…).
//   - ModeNone, the default (honest mode): the change is stored as desired
//     state and the command answers success only once a node with a real
//     driver of the kind applied it (driver_acks) within --edge-wait;
//     otherwise the change is undone and the command answers its
//     documented internal error. Kinds without such an acknowledgement
//     (the hypervisor, power lines) answer the internal error at once and
//     change nothing.
//
// Run logs one line per kind and sets artnet_device_mode; GET /api/docs
// says per module which kinds this node simulates.
const (
	ModeReal = "real"
	ModeSim  = "sim"
	ModeNone = "none"
)

// DeviceKinds are the device kinds, in the order they are reported.
var DeviceKinds = []string{"firewall", "bgp", "hypervisor", "power", "registry"}

// simulate reports whether simulators stand in for every kind without a
// configured real driver (--demo, --simulate).
func (m *Main) simulate() bool { return m.Demo || m.Simulate }

// deviceMode records the mode of a device kind on this node: one log line,
// the artnet_device_mode gauge, and the API documentation's notes. driver
// names what runs it ("nft", "gobgp", "sim", "ipmi", "" for none).
func (m *Main) deviceMode(kind, mode, driver string) {
	if m.devices == nil {
		m.devices = make(map[string]string)
	}
	m.devices[kind] = mode
	metrics.SetDeviceMode(kind, mode)
	switch mode {
	case ModeReal:
		m.Logger.Info("device", "kind", kind, "mode", mode, "driver", driver)
	case ModeSim:
		m.Logger.Warn("device", "kind", kind, "mode", mode, "driver", driver,
			"note", "simulator: changes succeed but reach no real "+kind)
	case ModeNone:
		note := "honest mode: no " + kind + " driver on this node; changes answer the command's internal error"
		if kind == "firewall" || kind == "bgp" {
			note = "honest mode: changes are answered once a node with a real " + kind + " driver applied them, else undone with the command's internal error"
		}
		m.Logger.Info("device", "kind", kind, "mode", mode, "note", note)
	}
}

// DeviceModes returns the mode of each device kind on this node (after
// Run).
func (m *Main) DeviceModes() map[string]string {
	out := make(map[string]string, len(m.devices))
	for k, v := range m.devices {
		out[k] = v
	}
	return out
}
