// Package registry holds the drivers of panel.Registry, the domain
// registry through which the panel changes a domain's delegation (its DNS
// servers). The Simulator stands in for a real registry (an EPP driver
// comes later): it records the delegations it is given and can be told to
// fail.
package registry

import (
	"context"

	"github.com/artnet-panel/artnet-panel/internal/panel"
	"slices"
	"sync"
)

// Simulator is a Registry that keeps delegations in memory. The zero
// value is ready to use; it is safe for concurrent use.
type Simulator struct {
	mu          sync.Mutex
	delegations map[string][]string
	calls       int
	fail        error
	failDomains map[string]error
}

var _ panel.Registry = (*Simulator)(nil)

// NewSimulator returns an empty simulator.
func NewSimulator() *Simulator { return &Simulator{} }

// SetDelegation implements Registry: it records the delegation, or
// returns the error set with Fail or FailDomain (and records nothing).
func (s *Simulator) SetDelegation(ctx context.Context, domain string, servers []string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls++
	if err := s.failDomains[domain]; err != nil {
		return err
	}
	if s.fail != nil {
		return s.fail
	}
	if s.delegations == nil {
		s.delegations = make(map[string][]string)
	}
	s.delegations[domain] = slices.Clone(servers)
	return nil
}

// Fail makes every following SetDelegation return err; nil makes them
// succeed again.
func (s *Simulator) Fail(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fail = err
}

// FailDomain makes SetDelegation of one domain return err; nil clears it.
func (s *Simulator) FailDomain(domain string, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.failDomains == nil {
		s.failDomains = make(map[string]error)
	}
	if err == nil {
		delete(s.failDomains, domain)
		return
	}
	s.failDomains[domain] = err
}

// Delegation returns the servers last recorded for domain.
func (s *Simulator) Delegation(domain string) ([]string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	d, ok := s.delegations[domain]
	return slices.Clone(d), ok
}

// Calls returns the number of SetDelegation calls so far, failed ones
// included.
func (s *Simulator) Calls() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls
}
