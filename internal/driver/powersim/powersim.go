// Package powersim is the power simulator (power_management {"driver":
// "sim"}): the state of each simulated power line is kept in the database
// (the power_management row's state, seeded by the inventory's
// power_details), so every node sees the same state and it survives
// restarts. A line with no state yet is on (servers power up with their
// power line).
package powersim

import (
	"context"

	"github.com/artnet-panel/artnet-panel/internal/power"
	"github.com/artnet-panel/artnet-panel/internal/store"
)

// States is the part of the store the simulator uses.
type States interface {
	PowerGet(ctx context.Context, customerID, serviceID int64) (store.Power, error)
	PowerSetState(ctx context.Context, customerID, serviceID int64, state string) error
}

// Driver opens simulated power lines.
type Driver struct {
	States States
}

// New returns a simulator keeping its states in s.
func New(s States) *Driver { return &Driver{States: s} }

// Open implements power.Driver.
func (d *Driver) Open(t power.Target) (power.Device, error) {
	return &device{d: d, t: t}, nil
}

type device struct {
	d *Driver
	t power.Target
}

func (v *device) State(ctx context.Context) (power.State, error) {
	p, err := v.d.States.PowerGet(ctx, v.t.CustomerID, v.t.ServiceID)
	if err != nil {
		return power.Unknown, err
	}
	switch power.State(p.State) {
	case power.Off:
		return power.Off, nil
	case power.Unknown:
		return power.Unknown, nil
	default:
		return power.On, nil
	}
}

func (v *device) set(ctx context.Context, s power.State) error {
	return v.d.States.PowerSetState(ctx, v.t.CustomerID, v.t.ServiceID, string(s))
}

func (v *device) On(ctx context.Context) error  { return v.set(ctx, power.On) }
func (v *device) Off(ctx context.Context) error { return v.set(ctx, power.Off) }

// Cycle ends on: off, then on.
func (v *device) Cycle(ctx context.Context) error {
	if err := v.set(ctx, power.Off); err != nil {
		return err
	}
	return v.set(ctx, power.On)
}

var (
	_ power.Driver = (*Driver)(nil)
	_ power.Device = (*device)(nil)
)
