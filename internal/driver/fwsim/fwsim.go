// Package fwsim is the firewall simulator: a firewall.Device that keeps
// the state it was given in memory and answers, with firewall.State's
// Verdict, what a real firewall with that state would let through. It
// serves --demo, the API's own tests and any node without a real
// firewall. It can be told to fail, as a real device can.
package fwsim

import (
	"context"
	"sync"

	"github.com/artnet-panel/artnet-panel/internal/firewall"
)

// Simulator is a firewall.Device in memory. The zero value is ready to
// use and has applied nothing; it is safe for concurrent use.
type Simulator struct {
	mu      sync.Mutex
	state   firewall.State
	applied int
	fail    error
}

var _ firewall.Device = (*Simulator)(nil)

// Apply implements firewall.Device: it takes s whole, or fails with the
// error set by Fail and keeps the previous state.
func (s *Simulator) Apply(ctx context.Context, st firewall.State) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.fail != nil {
		return s.fail
	}
	s.state = st
	s.applied++
	return nil
}

// State returns the state last applied.
func (s *Simulator) State() firewall.State {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.state
}

// Verdict reports whether the applied state forwards p.
func (s *Simulator) Verdict(p firewall.Packet) bool {
	return s.State().Verdict(p)
}

// Applied returns how many Apply calls succeeded.
func (s *Simulator) Applied() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.applied
}

// Fail makes every following Apply return err (nil: succeed again).
func (s *Simulator) Fail(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fail = err
}
