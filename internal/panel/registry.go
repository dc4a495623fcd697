package panel

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/artnet-panel/artnet-panel/artnet"
	"github.com/artnet-panel/artnet-panel/internal/store"
)

// Reconciling the stored delegations with the registry. The registry is
// called outside any transaction, so a node that dies after the registry
// accepted a change and before its commit leaves the registry ahead of
// the database; RegistryReconcile (at start and every --registry-reconcile)
// reads every manageable domain's delegation back (domain:info) and
// stores it where it differs, under the same per-service lock as
// DomainEditDNSServers, so what /domain/details shows is what the
// registry holds.

// RegistryDomain is one domain service's delegation as stored and as the
// registry holds it (RegistryCheck).
type RegistryDomain struct {
	ServiceID  int64
	CustomerID int64
	Domain     string
	Manageable bool
	Stored     []string
	Registry   []string // nil when RegistryErr is set
	// RegistryErr is why the registry's delegation could not be read.
	RegistryErr error
}

// InSync reports whether the registry holds the stored servers (order
// aside: a registry keeps a set).
func (d RegistryDomain) InSync() bool {
	return d.RegistryErr == nil && sameSet(d.Stored, d.Registry)
}

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for _, x := range a {
		if !slices.Contains(b, x) {
			return false
		}
	}
	return true
}

// domainServices returns every domain service with its normalised name.
func (p *Panel) domainServices(ctx context.Context) ([]store.Service, []string, error) {
	all, err := p.Store.ServicesAll(ctx, artnet.ServiceTypeDomain)
	if err != nil {
		return nil, nil, err
	}
	names := make([]string, len(all))
	for i, s := range all {
		d, err := domainDetails(s)
		if err != nil {
			continue
		}
		name := d.DomainName
		if strings.TrimSpace(name) == "" {
			name = s.Name
		}
		if n, err := NormalizeDomain(name); err == nil {
			names[i] = n
		}
	}
	return all, names, nil
}

// RegistryCheck returns the domain's delegation as stored next to what
// the registry holds (artnetd admin registry check). ErrNotFound: no
// domain service has that name.
func (p *Panel) RegistryCheck(ctx context.Context, domain string) (RegistryDomain, error) {
	want, err := NormalizeDomain(domain)
	if err != nil {
		return RegistryDomain{}, err
	}
	all, names, err := p.domainServices(ctx)
	if err != nil {
		return RegistryDomain{}, err
	}
	for i, s := range all {
		if names[i] != want {
			continue
		}
		d, err := domainDetails(s)
		if err != nil {
			return RegistryDomain{}, err
		}
		rd := RegistryDomain{ServiceID: s.ID, CustomerID: s.CustomerID, Domain: want, Manageable: d.Manageable, Stored: d.DNSServers}
		if p.Registry == nil {
			rd.RegistryErr = ErrNoRegistry
		} else {
			rd.Registry, rd.RegistryErr = p.Registry.GetDelegation(ctx, want)
		}
		return rd, nil
	}
	return RegistryDomain{}, fmt.Errorf("no domain service named %s: %w", want, store.ErrNotFound)
}

// RegistryReconcile stores, for every manageable domain service whose
// stored DNS servers differ from the registry's, the registry's (keeping
// the stored order when only the order differs, which a registry does not
// keep). It returns how many domains it changed; an error only when no
// domain could be read (the registry is down), the others are logged. A
// domain the registry does not know is left alone (logged at debug: the
// simulator knows only what it was given).
func (p *Panel) RegistryReconcile(ctx context.Context) (changed int, err error) {
	if p.Registry == nil {
		return 0, nil
	}
	all, names, err := p.domainServices(ctx)
	if err != nil {
		return 0, err
	}
	var read int
	var errs []error
	for i, s := range all {
		if names[i] == "" {
			continue
		}
		n, err := p.reconcileDomain(ctx, s.CustomerID, s.ID, names[i])
		switch {
		case errors.Is(err, ErrDelegationUnknown):
			read++
			p.logger().Debug("registry: domain not held by the registry; stored delegation kept", "domain", names[i], "service", s.ID)
		case err != nil:
			errs = append(errs, err)
			p.logger().Warn("registry: reconcile", "domain", names[i], "service", s.ID, "err", err)
		default:
			read++
			changed += n
		}
		if ctx.Err() != nil {
			return changed, ctx.Err()
		}
	}
	if read == 0 && len(errs) > 0 {
		return changed, fmt.Errorf("registry reconcile: no domain could be read: %w", errs[0])
	}
	return changed, nil
}

// reconcileDomain reads one domain's delegation under its lock and stores
// it when it differs (1: changed).
func (p *Panel) reconcileDomain(ctx context.Context, customerID, serviceID int64, domain string) (int, error) {
	mu := delegationLock(serviceID)
	mu.Lock()
	defer mu.Unlock()
	s, err := p.Store.ServiceGet(ctx, customerID, serviceID)
	if err != nil {
		return 0, err
	}
	d, err := domainDetails(s)
	if err != nil {
		return 0, err
	}
	if !d.Manageable {
		return 0, nil
	}
	got, err := p.Registry.GetDelegation(ctx, domain)
	if err != nil {
		return 0, err
	}
	if sameSet(d.DNSServers, got) {
		return 0, nil
	}
	if err := p.storeDNSServers(ctx, customerID, serviceID, got); err != nil {
		return 0, err
	}
	p.logger().Warn("registry: the stored delegation differed from the registry's; the registry's is stored",
		"domain", domain, "service", serviceID, "stored", d.DNSServers, "registry", got)
	return 1, nil
}

// GlueAddresses returns the A and AAAA addresses of host in the zone we
// host that contains it (the nearest enclosing zone), for the glue of a
// name server inside the domain it serves: the registry needs them before
// the delegation makes the name resolvable. None found: nil, nil.
func (p *Panel) GlueAddresses(ctx context.Context, host string) ([]netip.Addr, error) {
	host = strings.TrimSuffix(strings.ToLower(host), ".")
	for d := host; d != ""; {
		z, err := p.Store.ZoneByDomain(ctx, d)
		if err == nil {
			recs, err := p.Store.ZoneRecords(ctx, z.CustomerID, z.ID)
			if err != nil {
				return nil, err
			}
			var out []netip.Addr
			owner := z.Domain
			for _, r := range recs {
				if r.Name != "" {
					if o, err := ownerName(z.Domain, r.Name); err == nil {
						owner = o
					} else {
						owner = ""
					}
				}
				if owner != host || (r.Type != "A" && r.Type != "AAAA") {
					continue
				}
				if a, err := netip.ParseAddr(r.Data1); err == nil {
					out = append(out, a)
				}
			}
			return out, nil
		} else if !errors.Is(err, store.ErrNotFound) {
			return nil, err
		}
		_, rest, ok := strings.Cut(d, ".")
		if !ok {
			break
		}
		d = rest
	}
	return nil, nil
}
