// Package registry holds the drivers of panel.Registry, the domain
// registry through which the panel changes a domain's delegation (its DNS
// servers). EPP (epp.go) speaks EPP to a real registry; the Simulator
// stands in for one (--demo, tests): it records the delegations it is
// given and can be told to fail. Router sends each domain to the registry
// of its TLD.
package registry

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/artnet-panel/artnet-panel/internal/panel"
	"github.com/artnet-panel/artnet-panel/internal/store"
)

// Simulator is a Registry that keeps delegations in memory, or with Store
// set in the panel's database (panel_settings rows "registry-sim/DOMAIN",
// so every node and `artnetd admin registry check` see the same
// registry). The zero value is ready to use; it is safe for concurrent
// use.
type Simulator struct {
	// Store, when set, holds the delegations (artnetd sets it).
	Store Settings

	mu          sync.Mutex
	delegations map[string][]string
	calls       int
	fail        error
	failDomains map[string]error
	ds          map[string][]panel.DSRecord
	dsCalls     int
}

var _ panel.Registry = (*Simulator)(nil)

// NewSimulator returns an empty simulator.
func NewSimulator() *Simulator { return &Simulator{} }

// Settings is the part of store.Store a database-backed Simulator uses.
type Settings interface {
	SettingGet(ctx context.Context, key string) (string, error)
	SettingPut(ctx context.Context, key, value string) error
}

// SimSettingPrefix prefixes the panel_settings keys of the simulator's
// delegations.
const SimSettingPrefix = "registry-sim/"

func (s *Simulator) load(ctx context.Context, domain string) ([]string, bool, error) {
	if s.Store == nil {
		d, ok := s.delegations[domain]
		return slices.Clone(d), ok, nil
	}
	v, err := s.Store.SettingGet(ctx, SimSettingPrefix+domain)
	if errors.Is(err, store.ErrNotFound) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	var d []string
	if err := json.Unmarshal([]byte(v), &d); err != nil {
		return nil, false, fmt.Errorf("simulator: stored delegation of %s: %w", domain, err)
	}
	return d, true, nil
}

// SetDelegation implements Registry: it records the delegation, or
// returns the error set with Fail or FailDomain (and records nothing).
func (s *Simulator) SetDelegation(ctx context.Context, domain string, servers []string) error {
	return simRecord(ctx, s, &s.calls, SimSettingPrefix, &s.delegations, domain, servers)
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
	d, ok, err := s.load(ctx, domain)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, fmt.Errorf("simulator: %s: %w", domain, panel.ErrDelegationUnknown)
	}
	return d, nil
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

// Delegation returns the servers last recorded for domain (none, also
// when the database cannot be read).
func (s *Simulator) Delegation(domain string) ([]string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	d, ok, err := s.load(context.Background(), domain)
	return d, ok && err == nil
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

// SimDSSettingPrefix prefixes the panel_settings keys of the simulator's
// DS sets.
const SimDSSettingPrefix = "registry-sim-ds/"

var _ panel.DSRegistry = (*Simulator)(nil)

// SetDS implements panel.DSRegistry: it records the DS set, or returns the
// error set with Fail or FailDomain (and records nothing).
func (s *Simulator) SetDS(ctx context.Context, domain string, ds []panel.DSRecord) error {
	return simRecord(ctx, s, &s.dsCalls, SimDSSettingPrefix, &s.ds, domain, ds)
}

// simRecord is SetDelegation and SetDS: it counts the call in *calls and
// records v for domain in the store under prefix (when the simulator has
// one) or in *mem, unless Fail or FailDomain set an error.
func simRecord[T any](ctx context.Context, s *Simulator, calls *int, prefix string, mem *map[string][]T, domain string, v []T) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	*calls++
	if err := s.failDomains[domain]; err != nil {
		return err
	}
	if s.fail != nil {
		return s.fail
	}
	if s.Store != nil {
		raw, err := json.Marshal(v)
		if err != nil {
			return err
		}
		return s.Store.SettingPut(ctx, prefix+domain, string(raw))
	}
	if *mem == nil {
		*mem = make(map[string][]T)
	}
	(*mem)[domain] = slices.Clone(v)
	return nil
}

// GetDS implements panel.DSRegistry: the DS set last recorded (none when
// none was).
func (s *Simulator) GetDS(ctx context.Context, domain string) ([]panel.DSRecord, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.fail != nil {
		return nil, s.fail
	}
	return s.loadDS(ctx, domain)
}

func (s *Simulator) loadDS(ctx context.Context, domain string) ([]panel.DSRecord, error) {
	if s.Store == nil {
		return slices.Clone(s.ds[domain]), nil
	}
	v, err := s.Store.SettingGet(ctx, SimDSSettingPrefix+domain)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var d []panel.DSRecord
	if err := json.Unmarshal([]byte(v), &d); err != nil {
		return nil, fmt.Errorf("simulator: stored DS set of %s: %w", domain, err)
	}
	return d, nil
}

// DS returns the DS set last recorded for domain.
func (s *Simulator) DS(domain string) []panel.DSRecord {
	s.mu.Lock()
	defer s.mu.Unlock()
	d, _ := s.loadDS(context.Background(), domain)
	return d
}

// DSCalls returns the number of SetDS calls so far, failed ones included.
func (s *Simulator) DSCalls() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.dsCalls
}

var _ panel.DSRegistry = (*Router)(nil)

// SetDS implements panel.DSRegistry for the domain's registry.
func (r *Router) SetDS(ctx context.Context, domain string, ds []panel.DSRecord) error {
	reg, ok := r.For(domain).(panel.DSRegistry)
	if !ok {
		return fmt.Errorf("no registry that holds DS records is configured for %s", domain)
	}
	return reg.SetDS(ctx, domain, ds)
}

// GetDS implements panel.DSRegistry for the domain's registry.
func (r *Router) GetDS(ctx context.Context, domain string) ([]panel.DSRecord, error) {
	reg, ok := r.For(domain).(panel.DSRegistry)
	if !ok {
		return nil, fmt.Errorf("no registry that holds DS records is configured for %s", domain)
	}
	return reg.GetDS(ctx, domain)
}
