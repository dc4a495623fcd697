package panel

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"sync"

	"github.com/artnet-panel/artnet-panel/artnet"
	"github.com/artnet-panel/artnet-panel/internal/apperr"
	"github.com/artnet-panel/artnet-panel/internal/store"
)

// Registry changes domain delegations at the domain registry. Drivers are
// in internal/driver/registry.
type Registry interface {
	// SetDelegation makes servers (host names in order, lower case,
	// A-labels, without the trailing dot; at least two) the DNS servers of
	// domain (the same form). It returns when the registry has accepted
	// the change; an error means the delegation is unchanged, as far as
	// the driver can tell. The error text is for the operator's log, not
	// for the customer.
	SetDelegation(ctx context.Context, domain string, servers []string) error
	// GetDelegation returns the DNS servers the registry holds for domain
	// (the same form, in the registry's order). A domain the registry does
	// not know is an error wrapping ErrDelegationUnknown.
	GetDelegation(ctx context.Context, domain string) ([]string, error)
}

// ErrDelegationUnknown: the registry holds no delegation of the domain
// (not registered there, or, for the simulator, never set).
var ErrDelegationUnknown = errors.New("the registry holds no delegation of this domain")

// ErrNoRegistry is the cause logged when /domain/edit-dns-servers is called
// on a node without a registry driver (artnetd serve --registry none).
var ErrNoRegistry = errors.New("no domain registry is configured on this node (artnetd serve --registry none): delegations cannot be changed")

// The domain module. /domain/list and /domain/details are the generic
// service commands (services.go); this file changes a domain's delegation.
//
// /domain/edit-dns-servers takes the new DNS servers of a domain in order.
// Each is a host name, normalised like a zone's domain (NormalizeDomain:
// lower case, internationalised labels as punycode, no trailing dot); empty
// entries are ignored. Errors, in the order they are checked:
// authorization-failed (no such service of the customer), invalid-service-
// type (a service other than a domain), incorrect-param-value (a name that
// is not a host name, an IP address, a name given twice, more than
// MaxDNSServers names; the description names the entry, dns_servers[N]),
// dns-servers-insufficient (fewer than MinDNSServers names), edit-dns-error
// (the domain's details say manageable: false, or the registry refused or
// failed, or the node has no registry driver; the reason is logged, not
// shown). The registry is called first (Panel.Registry); only when it
// accepted the change is the new list stored in the domain's details,
// which /domain/details shows. A crash between the registry's acceptance
// and the commit is healed by RegistryReconcile (registry.go).

// Bounds of the DNS servers of a domain: registries require at least two,
// and EPP registries accept at most 13.
const (
	MinDNSServers = 2
	MaxDNSServers = 13
)

// NormalizeDNSServers checks the DNS servers sent to
// /domain/edit-dns-servers and returns them in their stored form and order,
// without the empty entries. Errors are incorrect-param-value naming the
// entry (dns_servers[N], N the position in servers) and
// dns-servers-insufficient.
func NormalizeDNSServers(servers []string) ([]string, error) {
	out := make([]string, 0, len(servers))
	first := make(map[string]int, len(servers))
	for i, s := range servers {
		if strings.TrimSpace(s) == "" {
			continue
		}
		if _, err := netip.ParseAddr(strings.Trim(strings.TrimSpace(s), "[]")); err == nil {
			return nil, apperr.Errorf(apperr.CodeIncorrectParamValue, "dns_servers[%d]: %q is an IP address; give the host name of the DNS server", i, s)
		}
		name, err := NormalizeDomain(s)
		if err != nil {
			return nil, apperr.Errorf(apperr.CodeIncorrectParamValue, "dns_servers[%d]: %v", i, err)
		}
		if j, dup := first[name]; dup {
			return nil, apperr.Errorf(apperr.CodeIncorrectParamValue, "dns_servers[%d]: %s is also dns_servers[%d]", i, name, j)
		}
		first[name] = i
		out = append(out, name)
	}
	if len(out) > MaxDNSServers {
		return nil, apperr.Errorf(apperr.CodeIncorrectParamValue, "dns_servers: at most %d DNS servers", MaxDNSServers)
	}
	if len(out) < MinDNSServers {
		return nil, apperr.New(apperr.CodeDNSServersInsufficient)
	}
	return out, nil
}

// delegationLocks serialise the delegation changes of one service within
// this process, so that the registry and the stored details end in the
// same order (striped by service id).
var delegationLocks [64]sync.Mutex

func delegationLock(serviceID int64) *sync.Mutex {
	return &delegationLocks[uint64(serviceID)%uint64(len(delegationLocks))]
}

// DomainEditDNSServers changes the delegation of the customer's domain
// service (/domain/edit-dns-servers): see the module's comment above for
// the rules and errors. Nothing is stored unless the registry accepted the
// change.
func (p *Panel) DomainEditDNSServers(ctx context.Context, customerID, serviceID int64, servers []string) error {
	s, err := p.service(ctx, customerID, serviceID)
	if err != nil {
		return err
	}
	if s.Type != artnet.ServiceTypeDomain {
		return apperr.New(apperr.CodeInvalidServiceType)
	}
	list, err := NormalizeDNSServers(servers)
	if err != nil {
		return err
	}

	// The registry call can take seconds: it is made outside any
	// transaction (in SQLite one would stop every other write meanwhile).
	// Changes of one domain are serialised instead, and the details are
	// read again under the lock.
	mu := delegationLock(serviceID)
	mu.Lock()
	defer mu.Unlock()
	if s, err = p.service(ctx, customerID, serviceID); err != nil {
		return err
	}
	d, err := domainDetails(s)
	if err != nil {
		return apperr.Internal(apperr.CodeInternal, err)
	}
	if !d.Manageable {
		return apperr.New(apperr.CodeEditDNSError)
	}
	name := d.DomainName
	if strings.TrimSpace(name) == "" {
		name = s.Name
	}
	domain, err := NormalizeDomain(name)
	if err != nil {
		return apperr.Internal(apperr.CodeEditDNSError, fmt.Errorf("service %d: domain name: %w", s.ID, err))
	}
	if p.Registry == nil {
		// Never a success that did nothing.
		return apperr.Internal(apperr.CodeEditDNSError, fmt.Errorf("delegation of %s (service %d): %w", domain, s.ID, ErrNoRegistry))
	}
	if err := p.Registry.SetDelegation(ctx, domain, list); err != nil {
		return apperr.Internal(apperr.CodeEditDNSError, fmt.Errorf("registry: delegation of %s (service %d): %w", domain, s.ID, err))
	}
	if err := p.storeDNSServers(ctx, customerID, serviceID, list); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			err = fmt.Errorf("service %d vanished after the registry accepted the delegation of %s: %w", serviceID, domain, err)
		}
		return apperr.Internal(apperr.CodeInternal, err)
	}
	return nil
}

// storeDNSServers writes list as the dns_servers of the domain service.
func (p *Panel) storeDNSServers(ctx context.Context, customerID, serviceID int64, list []string) error {
	return p.Store.InTx(ctx, func(tx store.Store) error {
		s, err := tx.ServiceGet(ctx, customerID, serviceID)
		if err != nil {
			return err
		}
		d, err := domainDetails(s)
		if err != nil {
			return err
		}
		d.DNSServers = list
		d.SetServiceID(0) // details are stored without the id
		raw, err := json.Marshal(d)
		if err != nil {
			return err
		}
		return tx.ServiceDetailsUpdate(ctx, customerID, serviceID, raw)
	})
}

// domainDetails decodes the stored details of a domain service.
func domainDetails(s store.Service) (*artnet.DomainDetails, error) {
	d, err := DecodeDetails(s)
	if err != nil {
		return nil, err
	}
	dd, ok := d.(*artnet.DomainDetails)
	if !ok {
		return nil, fmt.Errorf("service %d: details of type %T, want domain details", s.ID, d)
	}
	return dd, nil
}
