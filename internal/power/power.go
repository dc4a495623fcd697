// Package power is the domain seam of power management: the state of a
// server's power line and the Device that switches it, reached through a
// Driver chosen by the "driver" name of the service's power_management
// object in the inventory ("sim", "ipmi"; VPS get "qemu").
//
// Drivers live in internal/driver/... (powersim, ipmi) and are registered
// by the binary; the panel only sees this package.
package power

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
)

// State is the state of a power line as the API shows it.
type State string

// The states of a power line.
const (
	On      State = "on"
	Off     State = "off"
	Unknown State = "unknown"
)

// Target names the power line of one service: its ids and the operator's
// power_management object (JSON, with "driver"; it may hold a password:
// never log it).
type Target struct {
	ServiceID  int64
	CustomerID int64
	Config     json.RawMessage
}

// Device switches one power line. Every method may fail (the device does
// not answer, refuses, or answers nonsense); callers bound them in time
// with ctx.
type Device interface {
	// State reads the power line's state from the device.
	State(ctx context.Context) (State, error)
	// On turns the power line on (a line that is on stays on).
	On(ctx context.Context) error
	// Off turns the power line off hard (not an OS shutdown).
	Off(ctx context.Context) error
	// Cycle turns the power line off and then on again (the device's own
	// power cycle where it has one).
	Cycle(ctx context.Context) error
}

// Driver opens the Device of a Target. Open checks the configuration (an
// error is the operator's mistake, reported as an internal error) and
// does not contact the device.
type Driver interface {
	Open(t Target) (Device, error)
}

// Registry maps driver names to drivers. The zero value is empty; it is
// not safe for concurrent Register and Open (register at start-up).
type Registry struct {
	drivers map[string]Driver
}

// Register adds d under name, replacing an earlier one.
func (r *Registry) Register(name string, d Driver) {
	if r.drivers == nil {
		r.drivers = map[string]Driver{}
	}
	r.drivers[name] = d
}

// Names returns the registered driver names, sorted.
func (r *Registry) Names() []string {
	var names []string
	for n := range r.drivers {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Open opens t's device with the driver named in its configuration.
func (r *Registry) Open(t Target) (Device, error) {
	name, err := DriverName(t.Config)
	if err != nil {
		return nil, err
	}
	d, ok := r.drivers[name]
	if !ok {
		return nil, fmt.Errorf("power driver %q is not enabled on this node", name)
	}
	return d.Open(t)
}

// DriverName returns the "driver" member of a power_management object.
func DriverName(config json.RawMessage) (string, error) {
	var c struct {
		Driver string `json:"driver"`
	}
	if err := json.Unmarshal(config, &c); err != nil {
		return "", fmt.Errorf("power_management: %w", err)
	}
	if c.Driver == "" {
		return "", fmt.Errorf("power_management: no driver")
	}
	return c.Driver, nil
}
