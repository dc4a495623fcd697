package panel

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/artnet-panel/artnet-panel/artnet"
	"github.com/artnet-panel/artnet-panel/internal/apperr"
	"github.com/artnet-panel/artnet-panel/internal/bgp"
	"github.com/artnet-panel/artnet-panel/internal/store"
)

// BGP announcements: the ip-blackholing module and fail-over IP switches
// (internal/bgp has the semantics of the routes).
//
// A customer may blackhole an address that is theirs: the ip of one of
// their services, an address in a service's details (a server's ip and
// additional_ips, a VPS's additional_ips_list, a fail-over IP's
// virtual_ip) or any address inside one of their subnetworks (IPv4 and
// IPv6). enable checks, in this order: incorrect-ip (not an IP address),
// ip-not-allowed (not theirs), ip-already-blackholed; disable:
// incorrect-ip, ip-not-allowed, ip-not-blackholed, admin-blackhole (set by
// the network administrator). A blackhole is announced as the host route
// (/32, /128) with BLACKHOLE (65535:666) and NO_EXPORT, next hop the
// discard address of its family (Panel.BlackholeNextHop4/6).
//
// /fail-over-ip/switch stores the new real_ip in the service's details;
// the virtual IP's host route is announced with next hop real_ip. Errors:
// authorization-failed (not the customer's service), invalid-service-type
// (not a fail-over IP), incorrect-param-value (real_ip not an IP address),
// ip-not-allowed (not in real_ips_allowed_list).
//
// Every change is applied to the speaker (Panel.BGP) inside the
// transaction that stores it, like the firewall's: a speaker error
// answers internal-blackholing-ip-error / internal-fail-over-ip-error and
// nothing is stored. A node without a speaker and with EdgeWait set (an
// API node) stores the change and waits for a node with a real speaker to
// apply it; when none does in time the change is undone and the call
// answers the same codes.

// Default discard next hops of blackhole routes: TEST-NET-1's 192.0.2.1
// (RFC 5737) and the IPv6 discard prefix's 100::1 (RFC 6666); operators
// set the address their routers null-route.
var (
	DefaultBlackholeNextHop4 = netip.MustParseAddr("192.0.2.1")
	DefaultBlackholeNextHop6 = netip.MustParseAddr("100::1")
)

func (p *Panel) discard() (netip.Addr, netip.Addr) {
	v4, v6 := p.BlackholeNextHop4, p.BlackholeNextHop6
	if !v4.IsValid() {
		v4 = DefaultBlackholeNextHop4
	}
	if !v6.IsValid() {
		v6 = DefaultBlackholeNextHop6
	}
	return v4, v6
}

// BGPState builds what the speaker announces from st: every blackhole and
// every fail-over IP with a real_ip.
func (p *Panel) BGPState(ctx context.Context, st store.Store) (bgp.State, error) {
	var s bgp.State
	v4, v6 := p.discard()
	bhs, err := st.BlackholesAll(ctx)
	if err != nil {
		return s, err
	}
	for _, b := range bhs {
		ip, err := netip.ParseAddr(b.IP)
		if err != nil {
			return s, fmt.Errorf("blackhole %q: %w", b.IP, err)
		}
		s.Announcements = append(s.Announcements, bgp.Blackhole(ip, v4, v6))
	}
	fos, err := st.ServicesAll(ctx, artnet.ServiceTypeFOIP)
	if err != nil {
		return s, err
	}
	for _, svc := range fos {
		d, err := DecodeDetails(svc)
		if err != nil {
			return s, err
		}
		fo := d.(*artnet.FailOverIPDetails)
		virtual, err1 := netip.ParseAddr(fo.VirtualIP)
		real, err2 := netip.ParseAddr(string(fo.RealIP))
		if err1 != nil || err2 != nil || virtual.Unmap().Is4() != real.Unmap().Is4() {
			continue // inactive (real_ip false) or not routable
		}
		s.Announcements = append(s.Announcements, bgp.FailOver(virtual, real))
	}
	return s.Normalize(), nil
}

// bgpChange runs change in a transaction and applies the state it leaves
// to the speaker before committing (see firewallChange). Changes are
// serialised in this process so the speaker ends in commit order.
//
// A node without a speaker (an API node) with EdgeWait set commits, then
// waits until every live node with a real speaker applied the new bgp
// generation (waitForEdges); when one fails or none does in time, the
// undo change returned puts the previous state back and the call answers
// deviceCode.
func (p *Panel) bgpChange(ctx context.Context, deviceCode string, change func(tx store.Store) (undoFunc, error)) error {
	p.bgpMu.Lock()
	defer p.bgpMu.Unlock()
	applied := false
	var undo undoFunc
	var gen int64
	err := p.Store.InTx(ctx, func(tx store.Store) error {
		u, err := change(tx)
		if err != nil {
			return err
		}
		undo = u
		if p.BGP == nil {
			gen, err = tx.DriverGeneration(ctx, "bgp")
			return err
		}
		st, err := p.BGPState(ctx, tx)
		if err != nil {
			return err
		}
		if err := p.BGP.Apply(ctx, st); err != nil {
			return errDevice{"bgp speaker", err}
		}
		applied = true
		return nil
	})
	if err == nil {
		if p.BGP != nil || p.EdgeWait <= 0 || undo == nil {
			return nil // undo nil: nothing changed
		}
		werr := p.waitForEdges(ctx, "bgp", gen)
		if werr == nil {
			return nil
		}
		if uerr := undo(context.WithoutCancel(ctx)); uerr != nil {
			werr = errors.Join(werr, fmt.Errorf("undo: %w", uerr))
		}
		return apperr.Internal(deviceCode, werr)
	}
	if applied {
		if rerr := p.applyBGPLocked(context.WithoutCancel(ctx)); rerr != nil {
			p.logger().Error("bgp: restoring the stored state after a failed commit", "err", rerr)
		}
	}
	return deviceChangeError(err, deviceCode)
}

func (p *Panel) applyBGPLocked(ctx context.Context) error {
	if p.BGP == nil {
		return nil
	}
	st, err := p.BGPState(ctx, p.Store)
	if err != nil {
		return err
	}
	return p.BGP.Apply(ctx, st)
}

// BGPReconcile applies the whole stored state to the speaker: at start,
// after changes made through other nodes, and periodically.
func (p *Panel) BGPReconcile(ctx context.Context) error {
	p.bgpMu.Lock()
	defer p.bgpMu.Unlock()
	return p.applyBGPLocked(ctx)
}

// parseIP reads an address as sent ("198.51.100.7", "2001:db8::7"); an
// IPv4-mapped IPv6 address is its IPv4 address.
func parseIP(s string) (netip.Addr, bool) {
	ip, err := netip.ParseAddr(strings.TrimSpace(s))
	if err != nil || ip.Zone() != "" {
		return netip.Addr{}, false
	}
	return ip.Unmap(), true
}

// CustomerOwnsIP reports whether ip is one of the customer's addresses
// (see the comment at the top of this file).
func CustomerOwnsIP(ctx context.Context, st store.Store, customerID int64, ip netip.Addr) (bool, error) {
	svcs, err := st.ServiceList(ctx, store.ServiceFilter{CustomerID: customerID})
	if err != nil {
		return false, err
	}
	for _, svc := range svcs {
		addrs, nets := serviceAddresses(svc)
		if slices.Contains(addrs, ip) {
			return true, nil
		}
		for _, n := range nets {
			if n.Contains(ip) {
				return true, nil
			}
		}
	}
	return false, nil
}

// serviceAddresses returns the addresses and networks a service holds.
func serviceAddresses(svc store.Service) (addrs []netip.Addr, nets []netip.Prefix) {
	add := func(s string) {
		if ip, ok := parseIP(s); ok {
			addrs = append(addrs, ip)
		}
	}
	add(svc.IP)
	d, err := DecodeDetails(svc)
	if err != nil {
		return addrs, nil
	}
	var subnets []artnet.Subnetwork
	switch d := d.(type) {
	case *artnet.DedicatedDetails:
		add(d.NetworkConfiguration.IP)
		for _, a := range d.NetworkConfiguration.AdditionalIPs {
			add(a)
		}
		subnets = d.NetworkConfiguration.Subnetworks
	case *artnet.ColocationDetails:
		add(d.NetworkConfiguration.IP)
		for _, a := range d.NetworkConfiguration.AdditionalIPs {
			add(a)
		}
		subnets = d.NetworkConfiguration.Subnetworks
	case *artnet.VPSDetails:
		add(d.NewtworkConfiguration.IP)
		for _, a := range d.NewtworkConfiguration.AdditionalIPsList {
			add(a)
		}
	case *artnet.FailOverIPDetails:
		add(d.VirtualIP)
	case *artnet.AdditionalIPDetails:
		subnets = d.Subnetworks
	case *artnet.LinkDetails:
		add(d.NetworkConfiguration.IP)
	}
	for _, sn := range subnets {
		if n, err := ParseSubnetwork(sn); err == nil {
			nets = append(nets, n)
		}
	}
	return addrs, nets
}

// IPBlackholingList answers /ip-blackholing/list.
func (p *Panel) IPBlackholingList(ctx context.Context, customerID int64) ([]artnet.BlackholedIP, error) {
	list, err := p.Store.BlackholeList(ctx, customerID)
	if err != nil {
		return nil, apperr.Internal(apperr.CodeInternal, err)
	}
	out := make([]artnet.BlackholedIP, 0, len(list))
	for _, b := range sortBlackholes(list) {
		out = append(out, artnet.BlackholedIP{IP: b.IP, Type: b.Type})
	}
	return out, nil
}

// sortBlackholes orders blackholes by address (IPv4 first).
func sortBlackholes(list []store.Blackhole) []store.Blackhole {
	slices.SortFunc(list, func(a, b store.Blackhole) int {
		x, _ := netip.ParseAddr(a.IP)
		y, _ := netip.ParseAddr(b.IP)
		return x.Compare(y)
	})
	return list
}

// IPBlackholingEnable answers /ip-blackholing/enable.
func (p *Panel) IPBlackholingEnable(ctx context.Context, customerID int64, ipText string) error {
	return p.blackholeAdd(ctx, customerID, ipText, artnet.BlackholeTypeCustomer)
}

func (p *Panel) blackholeAdd(ctx context.Context, customerID int64, ipText, typ string) error {
	ip, ok := parseIP(ipText)
	if !ok {
		return apperr.Errorf(apperr.CodeIncorrectIP, "%q is not an IP address", ipText)
	}
	return p.bgpChange(ctx, apperr.CodeInternalBlackholingIPError, func(tx store.Store) (undoFunc, error) {
		owns, err := CustomerOwnsIP(ctx, tx, customerID, ip)
		if err != nil {
			return nil, err
		}
		if !owns {
			return nil, apperr.New(apperr.CodeIPNotAllowed)
		}
		err = tx.BlackholeAdd(ctx, store.Blackhole{IP: ip.String(), CustomerID: customerID, Type: typ, CreatedAt: p.now().Unix()})
		if errors.Is(err, store.ErrConflict) {
			return nil, apperr.New(apperr.CodeIPAlreadyBlackholed)
		}
		undo := func(ctx context.Context) error { return p.Store.BlackholeRemove(ctx, ip.String()) }
		return undo, err
	})
}

// IPBlackholingDisable answers /ip-blackholing/disable.
func (p *Panel) IPBlackholingDisable(ctx context.Context, customerID int64, ipText string) error {
	return p.blackholeRemove(ctx, customerID, ipText, false)
}

func (p *Panel) blackholeRemove(ctx context.Context, customerID int64, ipText string, admin bool) error {
	ip, ok := parseIP(ipText)
	if !ok {
		return apperr.Errorf(apperr.CodeIncorrectIP, "%q is not an IP address", ipText)
	}
	return p.bgpChange(ctx, apperr.CodeInternalBlackholingIPError, func(tx store.Store) (undoFunc, error) {
		if !admin {
			owns, err := CustomerOwnsIP(ctx, tx, customerID, ip)
			if err != nil {
				return nil, err
			}
			if !owns {
				return nil, apperr.New(apperr.CodeIPNotAllowed)
			}
		}
		b, err := tx.BlackholeGet(ctx, ip.String())
		if errors.Is(err, store.ErrNotFound) || (err == nil && !admin && b.CustomerID != customerID) {
			return nil, apperr.New(apperr.CodeIPNotBlackholed)
		}
		if err != nil {
			return nil, err
		}
		if b.Type == artnet.BlackholeTypeAdmin && !admin {
			return nil, apperr.New(apperr.CodeAdminBlackhole)
		}
		undo := func(ctx context.Context) error { return p.Store.BlackholeAdd(ctx, b) }
		return undo, tx.BlackholeRemove(ctx, b.IP)
	})
}

// AdminBlackholeAdd blackholes an address of the customer as the network
// administrator (type admin: the customer cannot remove it). The address
// must be the customer's, as for /ip-blackholing/enable.
func (p *Panel) AdminBlackholeAdd(ctx context.Context, customerID int64, ip string) error {
	if _, err := p.Store.CustomerGet(ctx, customerID); err != nil {
		return fmt.Errorf("customer %d: %w", customerID, err)
	}
	return p.blackholeAdd(ctx, customerID, ip, artnet.BlackholeTypeAdmin)
}

// AdminBlackholeRemove removes any blackhole (either type).
func (p *Panel) AdminBlackholeRemove(ctx context.Context, ip string) error {
	return p.blackholeRemove(ctx, 0, ip, true)
}

// FailOverIPSwitch answers /fail-over-ip/switch.
func (p *Panel) FailOverIPSwitch(ctx context.Context, customerID, serviceID int64, realIP string) error {
	return p.bgpChange(ctx, apperr.CodeInternalFailOverIPError, func(tx store.Store) (undoFunc, error) {
		svc, err := tx.ServiceGet(ctx, customerID, serviceID)
		if errors.Is(err, store.ErrNotFound) {
			return nil, apperr.New(apperr.CodeAuthorizationFailed)
		}
		if err != nil {
			return nil, err
		}
		if svc.Type != artnet.ServiceTypeFOIP {
			return nil, apperr.Errorf(apperr.CodeInvalidServiceType, "service %d is not a fail-over IP", serviceID)
		}
		ip, ok := parseIP(realIP)
		if !ok {
			return nil, apperr.Errorf(apperr.CodeIncorrectParamValue, "real_ip: %q is not an IP address", realIP)
		}
		d, err := DecodeDetails(svc)
		if err != nil {
			return nil, err
		}
		fo := d.(*artnet.FailOverIPDetails)
		allowed := false
		for _, a := range fo.RealIPsAllowedList {
			if x, ok := parseIP(a); ok && x == ip {
				allowed = true
			}
		}
		if !allowed {
			return nil, apperr.Errorf(apperr.CodeIPNotAllowed, "real_ip %s is not in real_ips_allowed_list", ip)
		}
		if fo.RealIP == artnet.IPOrFalse(ip.String()) {
			return nil, nil
		}
		before := svc
		fo.RealIP = artnet.IPOrFalse(ip.String())
		raw, err := json.Marshal(fo)
		if err != nil {
			return nil, err
		}
		svc.Details = stripID(raw)
		undo := func(ctx context.Context) error { return p.Store.ServiceUpdate(ctx, before) }
		return undo, tx.ServiceUpdate(ctx, svc)
	})
}

// stripID removes the "id" member of a details object (the stored
// details carry no id: it is the service's).
func stripID(raw []byte) []byte {
	var m map[string]json.RawMessage
	if json.Unmarshal(raw, &m) != nil {
		return raw
	}
	delete(m, "id")
	out, err := json.Marshal(m)
	if err != nil {
		return raw
	}
	return out
}
