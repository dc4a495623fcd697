package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/artnet-panel/artnet-panel/internal/demo"
	"github.com/artnet-panel/artnet-panel/internal/dnsd"
	"github.com/artnet-panel/artnet-panel/internal/httpapi"
	"github.com/artnet-panel/artnet-panel/internal/panel"
	"github.com/artnet-panel/artnet-panel/internal/secondary"
	"github.com/artnet-panel/artnet-panel/internal/store"
	"github.com/artnet-panel/artnet-panel/internal/store/postgres"
	"github.com/artnet-panel/artnet-panel/internal/store/sqlite"
	"github.com/artnet-panel/artnet-panel/internal/zonesync"
)

// Main is one running artnetd server. Run starts it; Close stops it.
// Tests run it on port 0 and read Addr.
type Main struct {
	DB       string // sqlite:PATH or postgres://...
	HTTPAddr string
	DNSAddr  string
	DNS      DNSConfig
	Firewall FirewallConfig
	BGP      BGPConfig
	Demo     bool
	Stdout   io.Writer
	Logger   *slog.Logger

	store store.Store
	dns   *dnsd.Server
	stop  context.CancelFunc // stops the DNS server
	// stopDrivers stops the device reconcilers; driversDone is closed
	// when they have stopped.
	stopDrivers context.CancelFunc
	driversDone <-chan struct{}
	closeOnce   sync.Once
	closeErr    error
	api         *httpapi.Server
	server      *http.Server
	ln          net.Listener
	done        chan error
}

// Run opens the database (applying migrations), seeds the demo data when
// asked, and starts serving HTTP. It returns once the server listens.
func (m *Main) Run(ctx context.Context) error {
	if m.Logger == nil {
		m.Logger = slog.New(slog.NewJSONHandler(os.Stderr, nil))
	}
	if m.Stdout == nil {
		m.Stdout = io.Discard
	}
	st, err := openStore(ctx, m.DB)
	if err != nil {
		return err
	}
	m.store = st
	if m.Demo {
		id, key, seeded, err := demo.Seed(ctx, st)
		if err != nil {
			st.Close()
			return err
		}
		if seeded {
			fmt.Fprintf(m.Stdout, "demo customer: id=%d api_key=%s\n", id, key)
		} else {
			fmt.Fprintln(m.Stdout, "demo: the database already has customers; nothing seeded")
		}
	}
	p := panel.New(st)
	p.Nameservers = m.DNS.Nameservers
	p.Logger = m.Logger
	if err := m.startFirewall(p); err != nil {
		m.Close()
		return err
	}
	if err := m.startBGP(p); err != nil {
		m.Close()
		return err
	}
	if m.DNSAddr != "" {
		if err := m.startDNS(p); err != nil {
			m.Close()
			return err
		}
	}
	m.api = httpapi.New(p, m.Logger)
	m.ln, err = net.Listen("tcp", m.HTTPAddr)
	if err != nil {
		m.Close()
		return fmt.Errorf("listen %s: %w", m.HTTPAddr, err)
	}
	m.server = &http.Server{
		Handler:           m.api,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(m.Logger.Handler(), slog.LevelWarn),
	}
	m.done = make(chan error, 1)
	go func() { m.done <- m.server.Serve(m.ln) }()
	m.api.Ready.Store(true)
	m.Logger.Info("artnetd listening", "http", m.ln.Addr().String(), "db", redactDSN(m.DB))
	return nil
}

// DNSConfig configures the built-in DNS server.
type DNSConfig struct {
	Nameservers []string       // apex NS of every zone
	SOA         zonesync.SOA   // SOA fields but the serial
	AXFRAllowed []netip.Prefix // who may transfer zones
	Notify      []string       // secondaries told about changes ("host:port")
	// PrivateMasters lets secondary zones transfer from loopback and
	// private addresses (tests, lab setups); off, a customer cannot point
	// a master name at the operator's internal hosts.
	PrivateMasters bool
	// Follow is how often the DNS change log is polled for changes made
	// through other nodes on the same database (0: not at all).
	Follow time.Duration
}

// startDNS loads the zones and starts the DNS server; the panel then
// publishes every zone change to it.
func (m *Main) startDNS(p *panel.Panel) error {
	sync := &zonesync.Syncer{Store: m.store, Nameservers: m.DNS.Nameservers,
		SOA: m.DNS.SOA, NotifyTargets: m.DNS.Notify, Logger: m.Logger, Secondary: m.secondaryZone}
	allow := secondary.PublicMaster
	if m.DNS.PrivateMasters {
		allow = secondary.DefaultAllowMaster
	}
	worker := &secondary.Worker{Store: m.store, Logger: m.Logger, AllowMaster: allow, Publish: sync.ZoneChanged}
	m.dns = dnsd.NewServer(dnsd.Config{AXFRAllowed: m.DNS.AXFRAllowed, Logger: m.Logger, OnNotify: worker.Notified})
	sync.Server = m.dns
	ctx, cancel := context.WithCancel(context.Background())
	if err := sync.Load(ctx); err != nil {
		cancel()
		return err
	}
	if err := m.dns.Start(ctx, m.DNSAddr); err != nil {
		cancel()
		return fmt.Errorf("dns: %w", err)
	}
	m.stop = cancel
	go worker.Run(ctx)
	go sync.Follow(ctx, m.DNS.Follow)
	p.Zones = publishers{sync, wakeWorker{worker}}
	udp, _ := m.dns.Addrs()
	m.Logger.Info("dns listening", "addr", udp.String(), "zones", len(m.dns.Snapshot().Zones()))
	return nil
}

// secondaryZone returns the served form of a secondary zone: what the
// worker last transferred, unless it expired.
func (m *Main) secondaryZone(ctx context.Context, z store.Zone) (dnsd.Zone, bool, error) {
	c, err := m.store.SecondaryZoneContent(ctx, z.ID)
	if errors.Is(err, store.ErrNotFound) {
		return dnsd.Zone{}, false, nil
	}
	if err != nil {
		return dnsd.Zone{}, false, err
	}
	return secondary.ServedZone(c)
}

// publishers tells several ZonePublishers about each change.
type publishers []panel.ZonePublisher

func (ps publishers) ZoneChanged(ctx context.Context, domain string) {
	for _, p := range ps {
		p.ZoneChanged(ctx, domain)
	}
}

// wakeWorker makes the secondary-zone worker look at the zones at once
// after any change (a new secondary zone is transferred right away).
type wakeWorker struct{ w *secondary.Worker }

func (ww wakeWorker) ZoneChanged(context.Context, string) { ww.w.Wake() }

// DNSAddress returns the DNS server's UDP address ("" when it is off).
func (m *Main) DNSAddress() string {
	if m.dns == nil {
		return ""
	}
	udp, _ := m.dns.Addrs()
	return udp.String()
}

// Addr returns the HTTP listen address (useful with port 0).
func (m *Main) Addr() string { return m.ln.Addr().String() }

// Close stops accepting requests, lets in-flight ones finish (up to 30
// seconds), and closes the database. Calls after the first return its
// result.
func (m *Main) Close() error {
	m.closeOnce.Do(func() { m.closeErr = m.close() })
	return m.closeErr
}

func (m *Main) close() error {
	var errs []error
	if m.server != nil {
		m.api.Ready.Store(false)
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := m.server.Shutdown(ctx); err != nil {
			errs = append(errs, fmt.Errorf("shutdown: %w", err))
		}
		if err := <-m.done; err != nil && !errors.Is(err, http.ErrServerClosed) {
			errs = append(errs, err)
		}
	}
	if m.stop != nil {
		m.stop()
		<-m.dns.Done()
	}
	if m.stopDrivers != nil {
		m.stopDrivers()
		<-m.driversDone
	}
	m.stopBGP()
	if m.store != nil {
		if err := m.store.Close(); err != nil {
			errs = append(errs, fmt.Errorf("close database: %w", err))
		}
	}
	return errors.Join(errs...)
}

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	m := &Main{Stdout: stdout}
	fs.StringVar(&m.DB, "db", env("ARTNETD_DB", defaultDB), "database: sqlite:PATH or postgres://...")
	fs.StringVar(&m.HTTPAddr, "http", env("ARTNETD_HTTP", "127.0.0.1:8080"), "HTTP listen address")
	fs.StringVar(&m.DNSAddr, "dns", env("ARTNETD_DNS", ""), "DNS listen address, UDP and TCP (empty: off)")
	nameservers := fs.String("dns-nameservers", env("ARTNETD_DNS_NAMESERVERS", strings.Join(panel.DefaultNameservers, ",")), "name servers of every hosted zone (NS records), comma separated")
	mbox := fs.String("dns-soa-mbox", env("ARTNETD_DNS_SOA_MBOX", zonesync.DefaultSOA().RName), "SOA RNAME: the zones' responsible mailbox in DNS form")
	axfr := fs.String("dns-axfr-allow", env("ARTNETD_DNS_AXFR_ALLOW", ""), "prefixes allowed to transfer zones (AXFR), comma separated")
	fs.BoolVar(&m.DNS.PrivateMasters, "dns-allow-private-masters", envBool("ARTNETD_DNS_ALLOW_PRIVATE_MASTERS"), "let secondary zones transfer from loopback and private addresses")
	notify := fs.String("dns-notify", env("ARTNETD_DNS_NOTIFY", ""), "secondaries (host:port) sent NOTIFY after every change, comma separated")
	follow := fs.String("dns-follow", env("ARTNETD_DNS_FOLLOW", "1s"), "how often the DNS change log is polled for changes made through other nodes (0: off)")
	fs.BoolVar(&m.Demo, "demo", envBool("ARTNETD_DEMO"), "seed a demo customer into an empty database")
	fs.StringVar(&m.Firewall.Driver, "firewall", env("ARTNETD_FIREWALL", "sim"), "firewall device of this node: sim, nft or none (changes only stored; edge nodes apply them)")
	fs.StringVar(&m.Firewall.Table, "firewall-table", env("ARTNETD_FIREWALL_TABLE", "artnet"), "nftables table of ours (family ip)")
	fs.StringVar(&m.Firewall.NetNS, "firewall-netns", env("ARTNETD_FIREWALL_NETNS", ""), "network namespace (name or path) whose nftables we drive (empty: our own)")
	iloTTL := fs.String("ilo-access-ttl", env("ARTNETD_ILO_ACCESS_TTL", "24h"), "how long an iLO / IPMI opening lasts")
	edgeWait := fs.String("firewall-edge-wait", env("ARTNETD_FIREWALL_EDGE_WAIT", "5s"), "with --firewall none: how long a change waits for the edge nodes to apply it")
	fs.StringVar(&m.Firewall.Node, "node-name", env("ARTNETD_NODE_NAME", ""), "this node's name in what edge nodes report (default: host name/HTTP address)")
	reconcile := fs.String("firewall-reconcile", env("ARTNETD_FIREWALL_RECONCILE", "30s"), "period of the full firewall reconcile")
	bgpASN := fs.String("bgp-asn", env("ARTNETD_BGP_ASN", ""), "local AS number of the BGP speaker (empty or 0: BGP off, announcements go to the simulator)")
	bgpRouterID := fs.String("bgp-router-id", env("ARTNETD_BGP_ROUTER_ID", ""), "BGP router id (an IPv4 address; required with --bgp-asn)")
	fs.StringVar(&m.BGP.Listen, "bgp-listen", env("ARTNETD_BGP_LISTEN", ""), "address (host:port) the BGP speaker accepts sessions on (empty: it only connects out)")
	bgpLocal := fs.String("bgp-local-address", env("ARTNETD_BGP_LOCAL_ADDRESS", ""), "source address of the BGP sessions we open (empty: the kernel's choice)")
	bgpPeers := fs.String("bgp-peers", env("ARTNETD_BGP_PEERS", ""), "BGP peers, comma separated: ASN@ADDRESS[:PORT] (IPv6 with a port in brackets)")
	fs.BoolVar(&m.BGP.NoGracefulRestart, "bgp-no-graceful-restart", envBool("ARTNETD_BGP_NO_GRACEFUL_RESTART"), "turn BGP graceful restart (RFC 4724, RFC 8538) off")
	nh4 := fs.String("bgp-blackhole-nexthop", env("ARTNETD_BGP_BLACKHOLE_NEXTHOP", panel.DefaultBlackholeNextHop4.String()), "next hop of IPv4 blackhole routes (the address your routers discard)")
	nh6 := fs.String("bgp-blackhole-nexthop6", env("ARTNETD_BGP_BLACKHOLE_NEXTHOP6", panel.DefaultBlackholeNextHop6.String()), "next hop of IPv6 blackhole routes")
	bgpReconcile := fs.String("bgp-reconcile", env("ARTNETD_BGP_RECONCILE", "30s"), "period of the full re-apply of the BGP announcements")
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	if err := parseBGPFlags(&m.BGP, *bgpASN, *bgpRouterID, *bgpLocal, *bgpPeers, *nh4, *nh6, *bgpReconcile); err != nil {
		return err
	}
	m.DNS.Nameservers = splitList(*nameservers)
	m.DNS.SOA = zonesync.DefaultSOA()
	m.DNS.SOA.RName = *mbox
	if len(m.DNS.Nameservers) > 0 {
		m.DNS.SOA.MName = m.DNS.Nameservers[0]
	}
	m.DNS.Notify = splitList(*notify)
	var err error
	if m.DNS.Follow, err = time.ParseDuration(*follow); err != nil || m.DNS.Follow < 0 {
		return fmt.Errorf("--dns-follow %q: want a duration such as 1s, or 0 for off", *follow)
	}
	if m.Firewall.ILOAccessTTL, err = time.ParseDuration(*iloTTL); err != nil || m.Firewall.ILOAccessTTL <= 0 {
		return fmt.Errorf("--ilo-access-ttl %q: want a positive duration such as 24h", *iloTTL)
	}
	if m.Firewall.EdgeWait, err = time.ParseDuration(*edgeWait); err != nil || m.Firewall.EdgeWait <= 0 {
		return fmt.Errorf("--firewall-edge-wait %q: want a positive duration such as 5s", *edgeWait)
	}
	if m.Firewall.Reconcile, err = time.ParseDuration(*reconcile); err != nil || m.Firewall.Reconcile <= 0 {
		return fmt.Errorf("--firewall-reconcile %q: want a positive duration such as 30s", *reconcile)
	}
	for _, s := range splitList(*axfr) {
		pfx, err := netip.ParsePrefix(s)
		if err != nil {
			return fmt.Errorf("--dns-axfr-allow: %w", err)
		}
		m.DNS.AXFRAllowed = append(m.DNS.AXFRAllowed, pfx)
	}
	m.Logger = slog.New(slog.NewJSONHandler(stderr, nil))
	if err := m.Run(ctx); err != nil {
		return err
	}
	<-ctx.Done()
	m.Logger.Info("artnetd shutting down")
	return m.Close()
}

const defaultDB = "sqlite:./artnet.db"

// openStore opens the database named by dsn and applies its migrations.
func openStore(ctx context.Context, dsn string) (store.Store, error) {
	switch {
	case strings.HasPrefix(dsn, "sqlite:"):
		db, err := sqlite.Open(ctx, strings.TrimPrefix(dsn, "sqlite:"))
		if err != nil {
			return nil, err
		}
		return db, nil
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		db, err := postgres.Open(ctx, dsn)
		if err != nil {
			return nil, fmt.Errorf("open %s: %w", redactDSN(dsn), err)
		}
		return db, nil
	}
	return nil, fmt.Errorf("--db %q: want sqlite:PATH or postgres://...", redactDSN(dsn))
}

// redactDSN hides a password in a PostgreSQL URL.
func redactDSN(dsn string) string {
	if i := strings.Index(dsn, "://"); i >= 0 {
		if at := strings.LastIndex(dsn, "@"); at > i {
			cred := dsn[i+3 : at]
			if u, _, ok := strings.Cut(cred, ":"); ok {
				return dsn[:i+3] + u + ":xxxxx" + dsn[at:]
			}
		}
	}
	return dsn
}

// splitList splits a comma-separated flag value, dropping empty items.
func splitList(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

func env(name, def string) string {
	if v, ok := os.LookupEnv(name); ok {
		return v
	}
	return def
}

func envBool(name string) bool {
	switch strings.ToLower(os.Getenv(name)) {
	case "1", "true", "yes", "on":
		return true
	}
	return false
}
