package panel

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/artnet-panel/artnet-panel/artnet"
	"github.com/artnet-panel/artnet-panel/internal/apperr"
	"github.com/artnet-panel/artnet-panel/internal/store"
)

// Ordering additional IP addresses (/additional-ip/order-info and
// /additional-ip/order) from the operator's IP pools (store.IPPool, the
// inventory's ip_pools).
//
// The parent must be the customer's dedicated server, colocation or VPS
// (another customer's or a missing one: authorization-failed; another
// type: invalid-parent-service-type). A pool serves the parent when it
// prices the parent's currency. An address of a pool is free unless it is
// excluded, was handed out before (ip_allocations) or is held by any
// service of any customer (its ip, the addresses in its details, any
// address inside its subnetworks). A server may hold at most
// max_per_server addresses of a pool (counting the addresses of its
// additional-ip services inside the pool).
//
// order-info: maximum_ips_number is the sum over the serving pools of
// min(free addresses, max_per_server − held); one_ip_payment_details is
// the monthly price of the first serving pool (by id) that has room (else
// of the first serving pool) times the parent's payment_period, in the
// parent's currency, with its payment_period. A currency no pool prices:
// maximum_ips_number 0 and price 0.
//
// order: ips_number < 1 or above the maximum answers invalid-ips-number.
// Addresses are taken in address order from the serving pools by id; a
// new additional-ip service (under the parent, in its currency and
// period, price 0) gets one /32 (/128) subnetwork per address; the
// parent's price grows by the price of each address for its period; an
// e-mail tells the customer. All of it is one transaction: an address is
// recorded in ip_allocations under a unique key, so of two orders racing
// for it one fails and is retried from the start on fresh data, and a
// failed order leaves nothing.

// IPPrice is one item of a pool's one_ip_monthly_price.
type IPPrice struct {
	Currency    string       `json:"currency"`
	Price       artnet.Money `json:"price"`
	PriceBrutto artnet.Money `json:"price_brutto"`
}

// orderParentTypes are the service types additional IPs are ordered for.
var orderParentTypes = []string{artnet.ServiceTypeDedicated, artnet.ServiceTypeColocation, artnet.ServiceTypeVPS}

// poolState is one pool as seen by an order.
type poolState struct {
	pool   store.IPPool
	net    netip.Prefix
	price  IPPrice
	priced bool
	taken  map[netip.Addr]bool
	nets   []netip.Prefix // held networks overlapping the pool
	free   int64          // free addresses (capped)
	held   int64          // addresses of the pool the parent holds
}

func (ps *poolState) room() int64 {
	r := int64(ps.pool.MaxPerServer) - ps.held
	return max(0, min(r, ps.free))
}

// isTaken reports whether a of the pool is not free.
func (ps *poolState) isTaken(a netip.Addr) bool {
	if ps.taken[a] {
		return true
	}
	for _, n := range ps.nets {
		if n.Contains(a) {
			return true
		}
	}
	return false
}

// maxPoolScan bounds the addresses of one pool counted as free.
const maxPoolScan = 1 << 16

// orderPools reads the pools serving parent, with what is free.
func orderPools(ctx context.Context, st store.Store, parent store.Service) ([]*poolState, error) {
	pools, err := st.IPPoolsAll(ctx)
	if err != nil {
		return nil, err
	}
	allocs, err := st.IPAllocationsAll(ctx)
	if err != nil {
		return nil, err
	}
	services, err := st.ServicesAll(ctx, "")
	if err != nil {
		return nil, err
	}
	var heldAddrs []netip.Addr
	var heldNets []netip.Prefix
	var parentNets []netip.Prefix // the parent's additional-ip subnetworks
	for _, svc := range services {
		addrs, nets := serviceAddresses(svc)
		heldAddrs = append(heldAddrs, addrs...)
		heldNets = append(heldNets, nets...)
		if svc.Type == artnet.ServiceTypeAdditionalIP && svc.ParentServiceID == parent.ID && svc.CustomerID == parent.CustomerID {
			parentNets = append(parentNets, nets...)
		}
	}
	var out []*poolState
	for _, p := range pools {
		n, err := netip.ParsePrefix(p.Network)
		if err != nil {
			return nil, fmt.Errorf("IP pool %d: %w", p.ID, err)
		}
		ps := &poolState{pool: p, net: n, taken: map[netip.Addr]bool{}}
		var prices []IPPrice
		if err := json.Unmarshal(p.Prices, &prices); err != nil {
			return nil, fmt.Errorf("IP pool %d prices: %w", p.ID, err)
		}
		for _, pr := range prices {
			if pr.Currency == parent.Currency {
				ps.price, ps.priced = pr, true
			}
		}
		if !ps.priced {
			continue
		}
		for _, e := range p.Exclude {
			if a, err := netip.ParseAddr(e); err == nil {
				ps.taken[a] = true
			}
		}
		for _, a := range allocs {
			if ip, err := netip.ParseAddr(a.IP); err == nil && n.Contains(ip) {
				ps.taken[ip] = true
			}
		}
		for _, a := range heldAddrs {
			if n.Contains(a) {
				ps.taken[a] = true
			}
		}
		for _, h := range heldNets {
			if h.Overlaps(n) {
				ps.nets = append(ps.nets, h)
			}
		}
		for _, h := range parentNets {
			if n.Contains(h.Addr()) && h.Bits() >= n.Bits() {
				ps.held += prefixSize(h)
			}
		}
		scanned := int64(0)
		for a := n.Addr(); n.Contains(a) && scanned < maxPoolScan; a = a.Next() {
			scanned++
			if !ps.isTaken(a) {
				ps.free++
			}
		}
		out = append(out, ps)
	}
	return out, nil
}

// prefixSize returns the number of addresses of p, capped at 1<<32.
func prefixSize(p netip.Prefix) int64 {
	host := p.Addr().BitLen() - p.Bits()
	if host >= 32 {
		return 1 << 32
	}
	return 1 << host
}

// orderParent returns the customer's parent service, checked.
func orderParent(ctx context.Context, st store.Store, customerID, parentID int64) (store.Service, error) {
	parent, err := st.ServiceGet(ctx, customerID, parentID)
	if errors.Is(err, store.ErrNotFound) {
		return parent, apperr.New(apperr.CodeAuthorizationFailed)
	}
	if err != nil {
		return parent, err
	}
	if !slices.Contains(orderParentTypes, parent.Type) {
		return parent, apperr.Errorf(apperr.CodeInvalidParentServiceType, "service %d is a %s, not a dedicated server, colocation or VPS", parentID, parent.Type)
	}
	return parent, nil
}

// orderInfo computes order_info from the pools.
func orderInfo(parent store.Service, pools []*poolState) artnet.AdditionalIPOrderInfo {
	info := artnet.AdditionalIPOrderInfo{OneIPPaymentDetails: artnet.PaymentDetails{
		Currency: parent.Currency, PaymentPeriod: artnet.Int(parent.PaymentPeriod)}}
	var first, withRoom *poolState
	for _, ps := range pools {
		info.MaximumIPsNumber += ps.room()
		if first == nil {
			first = ps
		}
		if withRoom == nil && ps.room() > 0 {
			withRoom = ps
		}
	}
	if withRoom == nil {
		withRoom = first
	}
	if withRoom != nil {
		period := int64(max(parent.PaymentPeriod, 1))
		info.OneIPPaymentDetails.Price = withRoom.price.Price * artnet.Money(period)
		info.OneIPPaymentDetails.PriceBrutto = withRoom.price.PriceBrutto * artnet.Money(period)
	}
	return info
}

// AdditionalIPOrderInfo answers /additional-ip/order-info.
func (p *Panel) AdditionalIPOrderInfo(ctx context.Context, customerID, parentID int64) (artnet.AdditionalIPOrderInfo, error) {
	var info artnet.AdditionalIPOrderInfo
	err := p.Store.InTx(ctx, func(tx store.Store) error {
		parent, err := orderParent(ctx, tx, customerID, parentID)
		if err != nil {
			return err
		}
		pools, err := orderPools(ctx, tx, parent)
		if err != nil {
			return err
		}
		info = orderInfo(parent, pools)
		return nil
	})
	var ae *apperr.Error
	if err != nil && !errors.As(err, &ae) {
		return info, apperr.Internal(apperr.CodeInternal, err)
	}
	return info, err
}

// maxOrderRetries bounds the retries of an order that lost an address to
// a concurrent one.
const maxOrderRetries = 20

// AdditionalIPOrder answers /additional-ip/order.
func (p *Panel) AdditionalIPOrder(ctx context.Context, customerID, parentID, n int64) (artnet.AdditionalIPOrderDetails, error) {
	var out artnet.AdditionalIPOrderDetails
	var err error
	for range maxOrderRetries {
		out, err = p.additionalIPOrderOnce(ctx, customerID, parentID, n)
		if !errors.Is(err, store.ErrConflict) {
			break
		}
	}
	if err == nil {
		// The new addresses are the server's: its firewall ruleset filters
		// them (the order's transaction raised the firewall generation).
		p.firewallCommitted(ctx, fmt.Sprintf("the addresses ordered for service %d", parentID))
	}
	var ae *apperr.Error
	switch {
	case err == nil, errors.As(err, &ae):
		return out, err
	case errors.Is(err, store.ErrConflict):
		return out, apperr.Internal(apperr.CodeInternalAdditionalIPError, fmt.Errorf("%d concurrent orders took the addresses: %w", maxOrderRetries, err))
	}
	return out, apperr.Internal(apperr.CodeInternalAdditionalIPError, err)
}

func (p *Panel) additionalIPOrderOnce(ctx context.Context, customerID, parentID, n int64) (artnet.AdditionalIPOrderDetails, error) {
	var out artnet.AdditionalIPOrderDetails
	err := p.Store.InTx(ctx, func(tx store.Store) error {
		parent, err := orderParent(ctx, tx, customerID, parentID)
		if err != nil {
			return err
		}
		pools, err := orderPools(ctx, tx, parent)
		if err != nil {
			return err
		}
		info := orderInfo(parent, pools)
		if n < 1 || n > info.MaximumIPsNumber {
			return apperr.Errorf(apperr.CodeInvalidIPsNumber, "ips_number must be 1 to %d, got %d", info.MaximumIPsNumber, n)
		}
		type pick struct {
			ip   netip.Addr
			pool *poolState
		}
		var picks []pick
		for _, ps := range pools {
			take := min(ps.room(), n-int64(len(picks)))
			for a := ps.net.Addr(); take > 0 && ps.net.Contains(a); a = a.Next() {
				if !ps.isTaken(a) {
					picks = append(picks, pick{a, ps})
					take--
				}
			}
		}
		if int64(len(picks)) != n {
			return fmt.Errorf("found %d free addresses, want %d", len(picks), n)
		}
		period := int64(max(parent.PaymentPeriod, 1))
		details := artnet.AdditionalIPDetails{}
		var addPrice, addBrutto artnet.Money
		for _, pk := range picks {
			bits := pk.ip.BitLen()
			typ := "IPv4"
			if pk.ip.Is6() {
				typ = "IPv6"
			}
			mask := fullMask(bits)
			details.Subnetworks = append(details.Subnetworks, artnet.Subnetwork{
				ID: subnetworkID(pk.ip), IP: pk.ip.String(), Mask: mask.String(), MaskShort: fmt.Sprintf("/%d", bits), Type: typ})
			out.IPsConfiguration = append(out.IPsConfiguration, artnet.IPConfiguration{IP: pk.ip.String(), Mask: mask.String()})
			addPrice += pk.pool.price.Price * artnet.Money(period)
			addBrutto += pk.pool.price.PriceBrutto * artnet.Money(period)
		}
		raw, err := json.Marshal(details)
		if err != nil {
			return err
		}
		name := fmt.Sprintf("Additional IP %s", picks[0].ip)
		if n > 1 {
			name = fmt.Sprintf("Additional IPs (%d) %s", n, picks[0].ip)
		}
		svc := store.Service{CustomerID: customerID, Type: artnet.ServiceTypeAdditionalIP, Name: name,
			ExpirationTime: parent.ExpirationTime, Currency: parent.Currency, PaymentPeriod: parent.PaymentPeriod,
			ParentServiceID: parent.ID, IP: picks[0].ip.String(), Details: stripID(raw)}
		if err := tx.ServiceCreate(ctx, &svc); err != nil {
			return err
		}
		for _, pk := range picks {
			if err := tx.IPAllocationAdd(ctx, store.IPAllocation{IP: pk.ip.String(), PoolID: pk.pool.pool.ID, ServiceID: svc.ID, ParentServiceID: parent.ID}); err != nil {
				return err
			}
		}
		parent.PriceMinor += int64(addPrice)
		parent.PriceBruttoMinor += int64(addBrutto)
		if err := tx.ServiceUpdate(ctx, parent); err != nil {
			return err
		}
		c, err := tx.CustomerGet(ctx, customerID)
		if err != nil {
			return err
		}
		if err := p.orderEmail(ctx, tx, c, parent, svc.ID, out.IPsConfiguration, addPrice, addBrutto); err != nil {
			return err
		}
		out.ServiceID, out.IPsNumber = svc.ID, n
		return nil
	})
	return out, err
}

// fullMask returns the all-ones mask of an address family.
func fullMask(bits int) netip.Addr {
	if bits == 32 {
		return netip.AddrFrom4([4]byte{255, 255, 255, 255})
	}
	var b [16]byte
	for i := range b {
		b[i] = 0xff
	}
	return netip.AddrFrom16(b)
}

// subnetworkID gives the subnetwork of an ordered address a stable id,
// unique because the address is: 2^32 plus the IPv4 address as a number;
// an IPv6 address: 2^33 plus its last 32 bits.
func subnetworkID(ip netip.Addr) int64 {
	b := ip.AsSlice()
	low := new(big.Int).SetBytes(b[len(b)-4:]).Int64()
	if ip.Is4() {
		return 1<<32 + low
	}
	return 1<<33 + low
}

// orderEmail writes the order confirmation to the customer's outbox.
func (p *Panel) orderEmail(ctx context.Context, tx store.Store, c store.Customer, parent store.Service, serviceID int64,
	ips []artnet.IPConfiguration, price, brutto artnet.Money) error {
	var list strings.Builder
	for _, ip := range ips {
		fmt.Fprintf(&list, "  %s/%s\n", ip.IP, ip.Mask)
	}
	now := p.now()
	when := now.UTC().Format(time.DateTime + " UTC")
	subject, body := "Additional IP addresses ordered", fmt.Sprintf(
		"Hello %s,\n\non %s you ordered %d additional IP address(es) for service %d (%s), service %d:\n\n%s\n"+
			"The price of service %d grows by %s %s (%s %s gross) per payment period of %d month(s). "+
			"The addresses are ready for configuration on your server.\n\n-- \nArtnet",
		c.Name, when, len(ips), parent.ID, parent.Name, serviceID, list.String(), parent.ID, price, parent.Currency, brutto, parent.Currency, parent.PaymentPeriod)
	if c.Language == "pl" {
		subject, body = "Zamówienie dodatkowych adresów IP", fmt.Sprintf(
			"Dzień dobry %s,\n\nw dniu %s zamówiono %d dodatkowy(ch) adres(ów) IP dla usługi %d (%s), usługa %d:\n\n%s\n"+
				"Cena usługi %d wzrasta o %s %s (%s %s brutto) za okres rozliczeniowy %d mies. "+
				"Adresy są gotowe do konfiguracji na serwerze.\n\n-- \nArtnet",
			c.Name, when, len(ips), parent.ID, parent.Name, serviceID, list.String(), parent.ID, price, parent.Currency, brutto, parent.Currency, parent.PaymentPeriod)
	}
	e := store.Email{CustomerID: c.ID, Time: now.Unix(), Address: c.Email, Subject: subject, Body: body}
	if err := tx.EmailCreate(ctx, &e); err != nil {
		return fmt.Errorf("write e-mail %q: %w", subject, err)
	}
	return nil
}
