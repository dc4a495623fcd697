package gobgp

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"strconv"
	"sync"
	"time"

	api "github.com/osrg/gobgp/v3/api"
	"github.com/osrg/gobgp/v3/pkg/server"

	"github.com/artnet-panel/artnet-panel/internal/bgp"
)

// Collector is a second, independent GoBGP speaker that only receives
// routes: the real peer of the tests and of bench/bgp. It listens on its
// own address, waits for one neighbour to connect (passive), helps it
// through graceful restarts, and records every route it receives in
// order.
type Collector struct {
	Addr     netip.Addr
	Port     uint16
	ASN      uint32
	Neighbor netip.Addr
	srv      *server.BgpServer
	cancel   context.CancelFunc

	mu      sync.Mutex
	updates []Update
	last    map[netip.Prefix]Update
}

// Update is one route as the collector received it, in order of arrival.
type Update struct {
	Withdraw     bool
	Announcement bgp.Announcement
	At           time.Time
}

// StartCollector starts a collector of asn listening on addr (a free
// port) for neighbour (of neighbourASN).
func StartCollector(ctx context.Context, addr netip.Addr, asn uint32, neighbor netip.Addr, neighborASN uint32) (*Collector, error) {
	// The free port found may be taken by someone else before GoBGP binds
	// it (tests start collectors in parallel): try a few ports.
	var err error
	for range 5 {
		var c *Collector
		if c, err = startCollector(ctx, addr, asn, neighbor, neighborASN); err == nil {
			return c, nil
		}
	}
	return nil, err
}

func startCollector(ctx context.Context, addr netip.Addr, asn uint32, neighbor netip.Addr, neighborASN uint32) (*Collector, error) {
	port, err := freePort(addr)
	if err != nil {
		return nil, err
	}
	c := &Collector{Addr: addr, Port: port, ASN: asn, Neighbor: neighbor, last: map[netip.Prefix]Update{}}
	c.srv = server.NewBgpServer(server.LoggerOption(&logger{l: slog.New(slog.DiscardHandler)}))
	go c.srv.Serve()
	g := &api.Global{Asn: asn, RouterId: addr.String(), ListenPort: int32(port), ListenAddresses: []string{addr.String()}}
	if !addr.Is4() {
		g.RouterId = "192.0.2.254"
	}
	if err := c.srv.StartBgp(ctx, &api.StartBgpRequest{Global: g}); err != nil {
		c.srv.Stop()
		return nil, err
	}
	wctx, cancel := context.WithCancel(context.Background())
	c.cancel = cancel
	err = c.srv.WatchEvent(wctx, &api.WatchEventRequest{Table: &api.WatchEventRequest_Table{
		Filters: []*api.WatchEventRequest_Table_Filter{{Type: api.WatchEventRequest_Table_Filter_ADJIN}},
	}}, func(r *api.WatchEventResponse) {
		t := r.GetTable()
		if t == nil {
			return
		}
		now := time.Now()
		c.mu.Lock()
		defer c.mu.Unlock()
		for _, p := range t.Paths {
			a, err := FromPath(p)
			if err != nil {
				continue
			}
			u := Update{Withdraw: p.IsWithdraw, Announcement: a, At: now}
			c.updates = append(c.updates, u)
			c.last[a.Prefix] = u
		}
	})
	if err != nil {
		c.Close()
		return nil, err
	}
	pc := PeerConf(Peer{Addr: neighbor, ASN: neighborASN, Passive: true}, netip.Addr{}, true, 0, 0)
	pc.GracefulRestart.HelperOnly = true
	if err := c.srv.AddPeer(ctx, &api.AddPeerRequest{Peer: pc}); err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}

// freePort finds a TCP port free on addr.
func freePort(addr netip.Addr) (uint16, error) {
	ln, err := net.Listen("tcp", netip.AddrPortFrom(addr, 0).String())
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	_, p, _ := net.SplitHostPort(ln.Addr().String())
	n, err := strconv.Atoi(p)
	return uint16(n), err
}

// PeerSpec is how artnetd names this collector in its peer list.
func (c *Collector) PeerSpec() Peer { return Peer{Addr: c.Addr, Port: c.Port, ASN: c.ASN} }

// Close stops the collector.
func (c *Collector) Close() {
	if c.cancel != nil {
		c.cancel()
	}
	c.srv.Stop()
}

// Established reports whether the session with the neighbour is up.
func (c *Collector) Established(ctx context.Context) bool {
	up := false
	_ = c.srv.ListPeer(ctx, &api.ListPeerRequest{Address: c.Neighbor.String()}, func(p *api.Peer) {
		up = p.State != nil && p.State.SessionState == api.PeerState_ESTABLISHED
	})
	return up
}

// RIB returns the routes the collector holds from its neighbour (its
// Adj-RIB-In, both families), by prefix.
func (c *Collector) RIB(ctx context.Context) (map[netip.Prefix]bgp.Announcement, error) {
	out := map[netip.Prefix]bgp.Announcement{}
	for _, f := range []*api.Family{FamilyIPv4, FamilyIPv6} {
		var ferr error
		err := c.srv.ListPath(ctx, &api.ListPathRequest{TableType: api.TableType_ADJ_IN, Name: c.Neighbor.String(), Family: f},
			func(d *api.Destination) {
				for _, p := range d.Paths {
					a, err := FromPath(p)
					if err != nil {
						ferr = err
						return
					}
					out[a.Prefix] = a
				}
			})
		if err != nil {
			return nil, err
		}
		if ferr != nil {
			return nil, ferr
		}
	}
	return out, nil
}

// Updates returns what the collector received so far, in order.
func (c *Collector) Updates() []Update {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]Update(nil), c.updates...)
}

// Last returns the last update received for prefix p.
func (c *Collector) Last(p netip.Prefix) (Update, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	u, ok := c.last[p]
	return u, ok
}

// Received returns how many routes (announcements and withdrawals) the
// collector received so far.
func (c *Collector) Received() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.updates)
}

// UpdatesFor returns what the collector received for prefix p, in order.
func (c *Collector) UpdatesFor(p netip.Prefix) []Update {
	var out []Update
	for _, u := range c.Updates() {
		if u.Announcement.Prefix == p {
			out = append(out, u)
		}
	}
	return out
}

// WaitUpdates waits (polling every 2ms) until the collector has received
// at least n updates for prefix p, or ctx ends, and returns them. The RIB
// and the update log are fed separately, so a test that saw the RIB change
// waits here for the matching update.
func (c *Collector) WaitUpdates(ctx context.Context, p netip.Prefix, n int) []Update {
	for {
		ups := c.UpdatesFor(p)
		if len(ups) >= n {
			return ups
		}
		select {
		case <-ctx.Done():
			return ups
		case <-time.After(2 * time.Millisecond):
		}
	}
}

// WaitRIB polls the RIB (every 2ms) until ok accepts it or ctx ends; it
// returns the last RIB read.
func (c *Collector) WaitRIB(ctx context.Context, ok func(map[netip.Prefix]bgp.Announcement) bool) (map[netip.Prefix]bgp.Announcement, error) {
	for {
		rib, err := c.RIB(ctx)
		if err == nil && ok(rib) {
			return rib, nil
		}
		select {
		case <-ctx.Done():
			if err == nil {
				err = ctx.Err()
			}
			return rib, fmt.Errorf("waiting for the collector's RIB: %w", err)
		case <-time.After(2 * time.Millisecond):
		}
	}
}

// SameRIB reports whether rib holds exactly want.
func SameRIB(rib map[netip.Prefix]bgp.Announcement, want bgp.State) bool {
	w := want.Map()
	if len(rib) != len(w) {
		return false
	}
	for p, a := range w {
		if r, ok := rib[p]; !ok || !r.Equal(a) {
			return false
		}
	}
	return true
}
