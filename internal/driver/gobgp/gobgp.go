// Package gobgp is the BGP driver: an embedded GoBGP speaker
// (github.com/osrg/gobgp/v3, in-process, no gRPC) that announces a
// bgp.State to the configured peers.
//
// Apply compares the state with what the speaker already originates and
// sends only the difference: a new or changed route is one UPDATE that
// announces it (a changed next hop replaces the route, with no withdrawal
// in between), a route no longer wanted is withdrawn.
//
// Restarts: the peers are added only after the first Apply, so a
// restarted artnetd opens its sessions with the whole desired state
// already in its table and sends it at once, followed by End-of-RIB. With
// graceful restart (RFC 4724, on by default) the speaker advertises the
// capability with the forwarding-state bit, so a peer that supports it
// keeps our routes while we restart and, at our End-of-RIB, drops only
// those we no longer announce: the peers see the session reset and
// nothing else.
package gobgp

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"strconv"
	"sync"
	"time"

	api "github.com/osrg/gobgp/v3/api"
	"github.com/osrg/gobgp/v3/pkg/apiutil"
	gobgplog "github.com/osrg/gobgp/v3/pkg/log"
	bgppkt "github.com/osrg/gobgp/v3/pkg/packet/bgp"
	"github.com/osrg/gobgp/v3/pkg/server"

	"github.com/artnet-panel/artnet-panel/internal/bgp"
)

// Peer is a BGP neighbour.
type Peer struct {
	Addr netip.Addr
	Port uint16 // 0: 179
	ASN  uint32
	// Passive: wait for the peer to connect (we never connect out).
	Passive bool
}

// String writes the peer as ASN@ADDR:PORT.
func (p Peer) String() string {
	port := p.Port
	if port == 0 {
		port = 179
	}
	return strconv.FormatUint(uint64(p.ASN), 10) + "@" + netip.AddrPortFrom(p.Addr, port).String()
}

// ParsePeer reads ASN@ADDR or ASN@ADDR:PORT (IPv6 in brackets with a port:
// 64500@[2001:db8::1]:179).
func ParsePeer(s string) (Peer, error) {
	asn, addr, ok := stringsCut(s, "@")
	if !ok {
		return Peer{}, fmt.Errorf("peer %q: want ASN@ADDRESS[:PORT]", s)
	}
	n, err := strconv.ParseUint(asn, 10, 32)
	if err != nil || n == 0 {
		return Peer{}, fmt.Errorf("peer %q: ASN %q is not a number from 1 to 4294967295", s, asn)
	}
	p := Peer{ASN: uint32(n)}
	if ap, err := netip.ParseAddrPort(addr); err == nil {
		p.Addr, p.Port = ap.Addr().Unmap(), ap.Port()
	} else if a, err := netip.ParseAddr(addr); err == nil && a.Zone() == "" {
		p.Addr = a.Unmap()
	} else {
		return Peer{}, fmt.Errorf("peer %q: %q is not an IP address or address:port", s, addr)
	}
	return p, nil
}

func stringsCut(s, sep string) (string, string, bool) {
	for i := 0; i+len(sep) <= len(s); i++ {
		if s[i:i+len(sep)] == sep {
			return s[:i], s[i+len(sep):], true
		}
	}
	return s, "", false
}

// Config configures the speaker.
type Config struct {
	ASN      uint32
	RouterID netip.Addr
	// Listen is the address the speaker accepts sessions on ("host:port");
	// "": it does not listen and only connects to its peers.
	Listen string
	// LocalAddr is the source address of the sessions we open (invalid:
	// the kernel's choice).
	LocalAddr netip.Addr
	Peers     []Peer
	// NoGracefulRestart turns graceful restart off.
	NoGracefulRestart bool
	// RestartTime is the graceful restart time announced to the peers
	// (0: 120 seconds).
	RestartTime time.Duration
	// ConnectRetry is how long to wait between attempts to open a session
	// (0: 5 seconds).
	ConnectRetry time.Duration
	Logger       *slog.Logger
}

// Speaker is a bgp.Speaker over an embedded GoBGP server. It is safe for
// concurrent use.
type Speaker struct {
	cfg Config
	srv *server.BgpServer

	mu         sync.Mutex
	rib        map[netip.Prefix]bgp.Announcement // what we originate
	peersAdded bool
	closed     bool
}

var _ bgp.Speaker = (*Speaker)(nil)

// Start starts the speaker (listening when cfg.Listen is set). The peers
// are added by the first Apply.
func Start(ctx context.Context, cfg Config) (*Speaker, error) {
	if cfg.ASN == 0 {
		return nil, errors.New("bgp: the local ASN is required")
	}
	if !cfg.RouterID.Is4() {
		return nil, fmt.Errorf("bgp: router id %q must be an IPv4 address", cfg.RouterID)
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	g := &api.Global{Asn: cfg.ASN, RouterId: cfg.RouterID.String(), ListenPort: -1}
	if cfg.Listen != "" {
		host, port, err := net.SplitHostPort(cfg.Listen)
		if err != nil {
			return nil, fmt.Errorf("bgp: listen address %q: %w", cfg.Listen, err)
		}
		n, err := strconv.ParseUint(port, 10, 16)
		if err != nil || n == 0 {
			return nil, fmt.Errorf("bgp: listen address %q: bad port", cfg.Listen)
		}
		g.ListenPort = int32(n)
		if host != "" {
			g.ListenAddresses = []string{host}
		}
	}
	srv := server.NewBgpServer(server.LoggerOption(&logger{l: cfg.Logger}))
	go srv.Serve()
	if err := srv.StartBgp(ctx, &api.StartBgpRequest{Global: g}); err != nil {
		srv.Stop()
		return nil, fmt.Errorf("bgp: start: %w", err)
	}
	return &Speaker{cfg: cfg, srv: srv, rib: map[netip.Prefix]bgp.Announcement{}}, nil
}

// Server returns the GoBGP server (for inspection).
func (sp *Speaker) Server() *server.BgpServer { return sp.srv }

// Close stops the speaker. With graceful restart its sessions end with a
// Cease / Administrative Reset, which peers that negotiated RFC 8538 (the
// "N" bit) treat as a restart: they keep our routes for the restart time
// and wait for us to come back. Without graceful restart they end with a
// Cease / Peer De-configured and the peers drop our routes.
func (sp *Speaker) Close() error {
	sp.mu.Lock()
	defer sp.mu.Unlock()
	if sp.closed {
		return nil
	}
	sp.closed = true
	if !sp.cfg.NoGracefulRestart && sp.peersAdded {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		for _, p := range sp.cfg.Peers {
			_ = sp.srv.ResetPeer(ctx, &api.ResetPeerRequest{Address: p.Addr.String(), Communication: "artnetd restarting"})
		}
		// Stop sends nothing to a peer whose session is down: wait for
		// the resets to take the sessions down.
		for ctx.Err() == nil && sp.anyEstablished(ctx) {
			time.Sleep(5 * time.Millisecond)
		}
	}
	sp.srv.Stop()
	return nil
}

// anyEstablished reports whether a session is up.
func (sp *Speaker) anyEstablished(ctx context.Context) bool {
	up := false
	_ = sp.srv.ListPeer(ctx, &api.ListPeerRequest{}, func(p *api.Peer) {
		if p.State != nil && p.State.SessionState == api.PeerState_ESTABLISHED {
			up = true
		}
	})
	return up
}

// Apply implements bgp.Speaker.
func (sp *Speaker) Apply(ctx context.Context, st bgp.State) error {
	sp.mu.Lock()
	defer sp.mu.Unlock()
	if sp.closed {
		return errors.New("bgp: speaker closed")
	}
	next := st.Map()
	announce, withdraw := bgp.Diff(sp.rib, next)
	for _, p := range withdraw {
		path, err := toPath(sp.rib[p], true)
		if err != nil {
			return err
		}
		if err := sp.srv.DeletePath(ctx, &api.DeletePathRequest{TableType: api.TableType_GLOBAL, Family: path.Family, Path: path}); err != nil {
			return fmt.Errorf("bgp: withdraw %s: %w", p, err)
		}
		delete(sp.rib, p)
	}
	for _, a := range announce {
		path, err := toPath(a, false)
		if err != nil {
			return err
		}
		if _, err := sp.srv.AddPath(ctx, &api.AddPathRequest{TableType: api.TableType_GLOBAL, Path: path}); err != nil {
			return fmt.Errorf("bgp: announce %s: %w", a, err)
		}
		sp.rib[a.Prefix] = a
	}
	if !sp.peersAdded {
		for _, p := range sp.cfg.Peers {
			if err := sp.srv.AddPeer(ctx, &api.AddPeerRequest{Peer: sp.peerConf(p)}); err != nil {
				return fmt.Errorf("bgp: add peer %s: %w", p, err)
			}
		}
		sp.peersAdded = true
	}
	return nil
}

// Families are the address families every session carries.
var (
	FamilyIPv4 = &api.Family{Afi: api.Family_AFI_IP, Safi: api.Family_SAFI_UNICAST}
	FamilyIPv6 = &api.Family{Afi: api.Family_AFI_IP6, Safi: api.Family_SAFI_UNICAST}
)

// PeerConf returns the GoBGP configuration of a neighbour with both
// unicast families and, unless off, graceful restart.
func PeerConf(p Peer, local netip.Addr, gr bool, restart, retry time.Duration) *api.Peer {
	port := uint32(p.Port)
	if port == 0 {
		port = 179
	}
	if restart <= 0 {
		restart = 120 * time.Second
	}
	if retry <= 0 {
		retry = 5 * time.Second
	}
	conf := &api.Peer{
		Conf:      &api.PeerConf{NeighborAddress: p.Addr.String(), PeerAsn: p.ASN},
		Transport: &api.Transport{RemotePort: port, PassiveMode: p.Passive},
		Timers:    &api.Timers{Config: &api.TimersConfig{ConnectRetry: uint64(retry / time.Second), HoldTime: 90, KeepaliveInterval: 30}},
	}
	if local.IsValid() {
		conf.Transport.LocalAddress = local.String()
	}
	for _, f := range []*api.Family{FamilyIPv4, FamilyIPv6} {
		as := &api.AfiSafi{Config: &api.AfiSafiConfig{Family: f, Enabled: true}}
		if gr {
			as.MpGracefulRestart = &api.MpGracefulRestart{Config: &api.MpGracefulRestartConfig{Enabled: true}}
		}
		conf.AfiSafis = append(conf.AfiSafis, as)
	}
	if gr {
		conf.GracefulRestart = &api.GracefulRestart{Enabled: true, RestartTime: uint32(restart / time.Second), DeferralTime: 1, NotificationEnabled: true}
	}
	return conf
}

func (sp *Speaker) peerConf(p Peer) *api.Peer {
	c := PeerConf(p, sp.cfg.LocalAddr, !sp.cfg.NoGracefulRestart, sp.cfg.RestartTime, sp.cfg.ConnectRetry)
	if c.GracefulRestart != nil {
		// We come back with our whole table: tell the peer (restart
		// state and forwarding bits) so it keeps our routes until our
		// End-of-RIB.
		c.GracefulRestart.LocalRestarting = true
	}
	return c
}

// toPath converts an announcement to a GoBGP path.
func toPath(a bgp.Announcement, withdraw bool) (*api.Path, error) {
	attrs := []bgppkt.PathAttributeInterface{bgppkt.NewPathAttributeOrigin(bgppkt.BGP_ORIGIN_ATTR_TYPE_IGP)}
	var nlri bgppkt.AddrPrefixInterface
	if a.Prefix.Addr().Is4() {
		nlri = bgppkt.NewIPAddrPrefix(uint8(a.Prefix.Bits()), a.Prefix.Addr().String())
		if !a.NextHop.Is4() {
			return nil, fmt.Errorf("bgp: %s: an IPv4 route needs an IPv4 next hop", a)
		}
		attrs = append(attrs, bgppkt.NewPathAttributeNextHop(a.NextHop.String()))
	} else {
		nlri = bgppkt.NewIPv6AddrPrefix(uint8(a.Prefix.Bits()), a.Prefix.Addr().String())
		if !a.NextHop.Is6() {
			return nil, fmt.Errorf("bgp: %s: an IPv6 route needs an IPv6 next hop", a)
		}
		attrs = append(attrs, bgppkt.NewPathAttributeMpReachNLRI(a.NextHop.String(), []bgppkt.AddrPrefixInterface{nlri}))
	}
	if len(a.Communities) > 0 {
		attrs = append(attrs, bgppkt.NewPathAttributeCommunities(a.Communities))
	}
	return apiutil.NewPath(nlri, withdraw, attrs, time.Now())
}

// FromPath converts a GoBGP path (as a peer received it) to an
// announcement.
func FromPath(p *api.Path) (bgp.Announcement, error) {
	var a bgp.Announcement
	nlri, err := apiutil.GetNativeNlri(p)
	if err != nil {
		return a, err
	}
	if a.Prefix, err = netip.ParsePrefix(nlri.String()); err != nil {
		return a, err
	}
	attrs, err := apiutil.GetNativePathAttributes(p)
	if err != nil {
		return a, err
	}
	for _, at := range attrs {
		switch at := at.(type) {
		case *bgppkt.PathAttributeNextHop:
			a.NextHop, _ = netip.AddrFromSlice(at.Value)
		case *bgppkt.PathAttributeMpReachNLRI:
			a.NextHop, _ = netip.AddrFromSlice(at.Nexthop)
		case *bgppkt.PathAttributeCommunities:
			a.Communities = append(a.Communities, at.Value...)
		}
	}
	a.NextHop = a.NextHop.Unmap()
	return a, nil
}

// logger passes GoBGP's log to slog (warnings and errors only).
type logger struct {
	l     *slog.Logger
	level gobgplog.LogLevel
}

func (g *logger) log(level slog.Level, msg string, f gobgplog.Fields) {
	args := make([]any, 0, 2*len(f))
	for k, v := range f {
		args = append(args, k, v)
	}
	g.l.Log(context.Background(), level, "gobgp: "+msg, args...)
}

func (g *logger) Panic(msg string, f gobgplog.Fields) { g.log(slog.LevelError, msg, f); panic(msg) }
func (g *logger) Fatal(msg string, f gobgplog.Fields) { g.log(slog.LevelError, msg, f) }
func (g *logger) Error(msg string, f gobgplog.Fields) { g.log(slog.LevelError, msg, f) }
func (g *logger) Warn(msg string, f gobgplog.Fields)  { g.log(slog.LevelWarn, msg, f) }
func (g *logger) Info(msg string, f gobgplog.Fields) {
	if g.level >= gobgplog.InfoLevel {
		g.log(slog.LevelInfo, msg, f)
	}
}
func (g *logger) Debug(string, gobgplog.Fields)    {}
func (g *logger) SetLevel(level gobgplog.LogLevel) { g.level = level }
func (g *logger) GetLevel() gobgplog.LogLevel      { return g.level }
