// Package registry holds the drivers of panel.Registry, the domain
// registry through which the panel changes a domain's delegation (its DNS
// servers). EPP (epp.go) speaks EPP to a real registry; the Simulator
// stands in for one (--demo, tests): it records the delegations it is
// given and can be told to fail. Router sends each domain to the registry
// of its TLD.
package registry

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/artnet-panel/artnet-panel/internal/panel"
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

// GetDelegation implements Registry: the servers last recorded, or an
// error wrapping panel.ErrDelegationUnknown.
func (s *Simulator) GetDelegation(ctx context.Context, domain string) ([]string, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.fail != nil {
		return nil, s.fail
	}
	d, ok := s.delegations[domain]
	if !ok {
		return nil, fmt.Errorf("simulator: %s: %w", domain, panel.ErrDelegationUnknown)
	}
	return slices.Clone(d), nil
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

// Router is a Registry that sends each domain to the registry of its
// TLD (or longer suffix: "pl", "com.pl"); the longest suffix wins.
type Router struct {
	routes []route
}

type route struct {
	suffix string
	reg    panel.Registry
}

var _ panel.Registry = (*Router)(nil)

// Add routes the domains under each suffix (without dots around) to reg;
// "" or "*" makes reg the default.
func (r *Router) Add(reg panel.Registry, suffixes ...string) {
	for _, s := range suffixes {
		s = strings.Trim(strings.ToLower(strings.TrimSpace(s)), ".")
		if s == "*" {
			s = ""
		}
		r.routes = append(r.routes, route{suffix: s, reg: reg})
	}
}

// For returns the registry of domain, or nil.
func (r *Router) For(domain string) panel.Registry {
	var best *route
	for i, rt := range r.routes {
		if rt.suffix == "" || domain == rt.suffix || strings.HasSuffix(domain, "."+rt.suffix) {
			if best == nil || len(rt.suffix) > len(best.suffix) {
				best = &r.routes[i]
			}
		}
	}
	if best == nil {
		return nil
	}
	return best.reg
}

// SetDelegation implements Registry.
func (r *Router) SetDelegation(ctx context.Context, domain string, servers []string) error {
	reg := r.For(domain)
	if reg == nil {
		return fmt.Errorf("no registry is configured for %s", domain)
	}
	return reg.SetDelegation(ctx, domain, servers)
}

// GetDelegation implements Registry; a domain no registry is configured
// for is unknown.
func (r *Router) GetDelegation(ctx context.Context, domain string) ([]string, error) {
	reg := r.For(domain)
	if reg == nil {
		return nil, fmt.Errorf("no registry is configured for %s: %w", domain, panel.ErrDelegationUnknown)
	}
	return reg.GetDelegation(ctx, domain)
}
