package inventory

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"

	"github.com/artnet-panel/artnet-panel/artnet"
	"github.com/artnet-panel/artnet-panel/internal/panel"
	"github.com/artnet-panel/artnet-panel/internal/store"
	"github.com/artnet-panel/artnet-panel/internal/validate"
)

// Blackholes and IP pools in the inventory.
//
// A customer entry's blackholed_ips lists its blackholed addresses, each
// shaped like an item of /ip-blackholing/list: {"ip": "198.51.100.7",
// "type": "admin"} (type "customer" or "admin"). Each address must be the
// customer's, by the rules of /ip-blackholing/enable.
//
// ip_pools (top level) are the networks /additional-ip/order hands
// addresses out of:
//
//	{"id": 1, "network": "198.51.100.128/26",
//	 "exclude": ["198.51.100.128", "198.51.100.129", "198.51.100.191"],
//	 "max_per_server": 8,
//	 "one_ip_monthly_price": [{"currency": "PLN", "price": 10, "price_brutto": 12.3},
//	                          {"currency": "EUR", "price": 2.5, "price_brutto": 3.08}]}

// IPPool is one entry of ip_pools.
type IPPool struct {
	ID                int64           `json:"id"`
	Network           string          `json:"network"`
	Exclude           []string        `json:"exclude"`
	MaxPerServer      int64           `json:"max_per_server"`
	OneIPMonthlyPrice []panel.IPPrice `json:"one_ip_monthly_price"`
}

// poolRows validates ip_pools.
func poolRows(list []IPPool) ([]store.IPPool, error) {
	ids := map[int64]bool{}
	var rows []store.IPPool
	for i, p := range list {
		path := fmt.Sprintf("$.ip_pools[%d]", i)
		if p.ID <= 0 || ids[p.ID] {
			return nil, pathError(path+".id", "must be a positive number used once")
		}
		ids[p.ID] = true
		n, err := netip.ParsePrefix(p.Network)
		if err != nil || n != n.Masked() {
			return nil, pathError(path+".network", "must be a network in CIDR form (host bits zero), got %q", p.Network)
		}
		ex := make([]string, 0, len(p.Exclude))
		for j, e := range p.Exclude {
			a, err := netip.ParseAddr(e)
			if err != nil || !n.Contains(a) {
				return nil, pathError(fmt.Sprintf("%s.exclude[%d]", path, j), "must be an address of %s, got %q", n, e)
			}
			ex = append(ex, a.String())
		}
		if p.MaxPerServer < 0 || p.MaxPerServer > 1<<20 {
			return nil, pathError(path+".max_per_server", "must be 0 or more")
		}
		seen := map[string]bool{}
		for j, pr := range p.OneIPMonthlyPrice {
			if validate.Currency(pr.Currency) != nil || seen[pr.Currency] {
				return nil, pathError(fmt.Sprintf("%s.one_ip_monthly_price[%d].currency", path, j), "must be a currency code given once, got %q", pr.Currency)
			}
			seen[pr.Currency] = true
			if pr.Price < 0 || pr.PriceBrutto < 0 {
				return nil, pathError(fmt.Sprintf("%s.one_ip_monthly_price[%d]", path, j), "prices must not be negative")
			}
		}
		prices, err := json.Marshal(append([]panel.IPPrice{}, p.OneIPMonthlyPrice...))
		if err != nil {
			return nil, err
		}
		rows = append(rows, store.IPPool{ID: p.ID, Network: n.String(), Exclude: ex, MaxPerServer: int(p.MaxPerServer), Prices: prices})
	}
	return rows, nil
}

// importBlackholes stores a customer's blackholed_ips (its services are
// written).
func importBlackholes(ctx context.Context, tx store.Store, p string, customerID int64, list []artnet.BlackholedIP, now int64) error {
	for j, b := range list {
		path := fmt.Sprintf("%s[%d]", p, j)
		ip, err := netip.ParseAddr(b.IP)
		if err != nil || ip.Zone() != "" {
			return pathError(path+".ip", "must be an IP address, got %q", b.IP)
		}
		ip = ip.Unmap()
		if b.Type != artnet.BlackholeTypeCustomer && b.Type != artnet.BlackholeTypeAdmin {
			return pathError(path+".type", `must be "customer" or "admin", got %q`, b.Type)
		}
		owns, err := panel.CustomerOwnsIP(ctx, tx, customerID, ip)
		if err != nil {
			return err
		}
		if !owns {
			return pathError(path+".ip", "%s is not an address of this customer's services or subnetworks", ip)
		}
		err = tx.BlackholeAdd(ctx, store.Blackhole{IP: ip.String(), CustomerID: customerID, Type: b.Type, CreatedAt: now})
		if errors.Is(err, store.ErrConflict) {
			return pathError(path+".ip", "%s is blackholed twice", ip)
		}
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
	}
	return nil
}

// exportBlackholes returns a customer's blackholes as the inventory
// writes them (nil when none).
func exportBlackholes(ctx context.Context, s store.Store, customerID int64) ([]artnet.BlackholedIP, error) {
	list, err := s.BlackholeList(ctx, customerID)
	if err != nil {
		return nil, fmt.Errorf("list blackholes of customer %d: %w", customerID, err)
	}
	var out []artnet.BlackholedIP
	for _, b := range list {
		out = append(out, artnet.BlackholedIP{IP: b.IP, Type: b.Type})
	}
	return out, nil
}

// exportPools returns ip_pools.
func exportPools(ctx context.Context, s store.Store) ([]IPPool, error) {
	rows, err := s.IPPoolsAll(ctx)
	if err != nil {
		return nil, fmt.Errorf("list IP pools: %w", err)
	}
	var out []IPPool
	for _, r := range rows {
		p := IPPool{ID: r.ID, Network: r.Network, Exclude: append([]string{}, r.Exclude...), MaxPerServer: int64(r.MaxPerServer)}
		if err := json.Unmarshal(r.Prices, &p.OneIPMonthlyPrice); err != nil {
			return nil, fmt.Errorf("IP pool %d prices: %w", r.ID, err)
		}
		if p.OneIPMonthlyPrice == nil {
			p.OneIPMonthlyPrice = []panel.IPPrice{}
		}
		out = append(out, p)
	}
	return out, nil
}
