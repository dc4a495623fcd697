package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net"
	"net/http"
	"net/netip"
	"os"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/artnet-panel/artnet-panel/internal/accesslog"
	"github.com/artnet-panel/artnet-panel/internal/changefeed"
	"github.com/artnet-panel/artnet-panel/internal/demo"
	"github.com/artnet-panel/artnet-panel/internal/dnsd"
	"github.com/artnet-panel/artnet-panel/internal/driver"
	"github.com/artnet-panel/artnet-panel/internal/httpapi"
	"github.com/artnet-panel/artnet-panel/internal/mailq"
	"github.com/artnet-panel/artnet-panel/internal/metrics"
	"github.com/artnet-panel/artnet-panel/internal/panel"
	"github.com/artnet-panel/artnet-panel/internal/secondary"
	"github.com/artnet-panel/artnet-panel/internal/store"
	"github.com/artnet-panel/artnet-panel/internal/store/postgres"
	"github.com/artnet-panel/artnet-panel/internal/store/sqlite"
	"github.com/artnet-panel/artnet-panel/internal/web"
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
	Power    PowerConfig // power.go
	Cloud    CloudConfig
	Web      WebConfig
	Mail     MailConfig     // mail.go
	Registry RegistryConfig // registry.go
	DNSSEC   DNSSECConfig   // dnssec.go
	Demo     bool
	// Simulate runs a simulator for every device kind without a
	// configured real driver (--simulate; --demo implies it). Off, such a
	// kind runs in honest mode (devices.go).
	Simulate bool
	// Follow is how often the change log is read for changes made through
	// other nodes on the same database (changefeed.Feed.Poll): 0 is
	// changefeed.DefaultPoll (1s), negative turns the polling off. With
	// PostgreSQL a LISTEN connection also wakes the feed as changes
	// commit.
	Follow time.Duration
	// AccessLog is where the access log goes: "" through Logger (one
	// write per line), "-" buffered to Stderr (with Logger's lines, when
	// Logger is nil), or a file path (appended to, buffered). Buffered
	// lines are written at least every second and at Close.
	AccessLog string
	// DisabledCommands are modules or commands ("module/command") that
	// answer not-implemented on this node (--disable-commands).
	DisabledCommands []string
	// MetricsAddr, when set, serves Prometheus metrics at /metrics there
	// (and net/http/pprof when Pprof is set); never on the API address.
	MetricsAddr string
	Pprof       bool
	// LogLevel is the level of the Logger Run makes when Logger is nil.
	LogLevel slog.Level
	Stdout   io.Writer
	Stderr   io.Writer // default os.Stderr
	Logger   *slog.Logger

	// AuditRetention is how long audit journal rows are kept (0:
	// DefaultAuditRetention); TrustedProxies are the reverse proxies whose
	// X-Forwarded-For names the client (audit.go).
	AuditRetention time.Duration
	TrustedProxies []netip.Prefix
	// RateLimit is each key's and each customer's request rate on this
	// node (requests a second, 0: off) and RateBurst its burst (0: the
	// rate rounded up); operators override them per customer
	// (ratelimit.go).
	RateLimit float64
	RateBurst int

	access     *accesslog.Writer
	accessFile *os.File
	metricsSrv *http.Server
	metricsLn  net.Listener
	closeOnce  sync.Once
	closeErr   error

	store store.Store
	feed  *changefeed.Feed
	dns   *dnsd.Server
	bg    context.Context
	stop  context.CancelFunc // stops the background work (feed, listener, DNS)
	wg    sync.WaitGroup     // the background goroutines
	// handling counts the HTTP handlers running, for Close to wait.
	handling sync.WaitGroup
	syncer   *zonesync.Syncer // the DNS snapshot's builder (with --dns)
	api      *httpapi.Server
	web      *web.Server // the web panel, on the API's address (every path but web.APIPath's)
	server   *http.Server
	ln       net.Listener
	done     chan error
	// stopDrivers stops the device reconcilers; driversDone is closed
	// when they have stopped.
	stopDrivers context.CancelFunc
	driversDone <-chan struct{}
	// reconcilers are the device reconcilers by kind, kicked by the change
	// feed when another node changes their desired state.
	reconcilers map[string]*driver.Reconciler
	guard       *httpapi.LoginGuard // counts failed logins in the database
	queue       *mailq.Queue        // the job queue (mail.go)
	// devices is the mode of each device kind (devices.go).
	devices map[string]string
}

// Run opens the database (applying migrations), seeds the demo data when
// asked, and starts serving HTTP. It returns once the server listens.
func (m *Main) Run(ctx context.Context) error {
	if m.Stdout == nil {
		m.Stdout = io.Discard
	}
	if m.Stderr == nil {
		m.Stderr = os.Stderr
	}
	logOut := m.Stderr
	switch m.AccessLog {
	case "":
	case "-":
		m.access = accesslog.New(m.Stderr, time.Second)
		logOut = m.access // other lines in order with the access lines
	default:
		f, err := os.OpenFile(m.AccessLog, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o640)
		if err != nil {
			return fmt.Errorf("--access-log: %w", err)
		}
		m.accessFile = f
		m.access = accesslog.New(f, time.Second)
	}
	if m.Logger == nil {
		m.Logger = slog.New(slog.NewJSONHandler(logOut, &slog.HandlerOptions{Level: m.LogLevel}))
	}
	st, err := openStore(ctx, m.DB)
	if err != nil {
		m.closeAccessLog()
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
			pw, err := demo.SeedPassword(ctx, st, id)
			if err != nil {
				st.Close()
				return err
			}
			fmt.Fprintf(m.Stdout, "demo customer web panel: login=%d password=%s\n", id, pw)
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
	if err := m.startPower(p); err != nil {
		m.Close()
		return err
	}
	if err := m.startCloud(p); err != nil {
		m.Close()
		return err
	}
	if err := m.startQueue(p); err != nil {
		m.Close()
		return err
	}
	if err := m.startRegistry(p); err != nil {
		m.Close()
		return err
	}
	m.bg, m.stop = context.WithCancel(context.Background())
	m.feed = &changefeed.Feed{Store: st, Poll: m.Follow, Logger: m.Logger,
		Observe: func(kind string, lag time.Duration) {
			metrics.ChangeFeedLag.WithLabelValues(kind).Observe(lag.Seconds())
		}}
	metrics.RegisterFeed(m.feed)
	// Cached credentials are trusted only while the feed has read the
	// whole log within the last second: a key revoked through another node
	// stops working here within a second even when no NOTIFY arrives.
	// This node's own writes drop their cache entries when they commit.
	p.UseCaches(m.feed, func() bool { return m.feed.Fresh(credentialsMaxStale) })
	m.feed.Subscribe(changefeed.Funcs{OnChanges: func(_ context.Context, cs []store.Change) {
		for _, c := range cs {
			if r := m.reconcilers[c.Key]; r != nil {
				r.Kick()
			}
		}
	}}, store.ChangeDriver)
	m.configureDNSSEC(p)
	var syncer *zonesync.Syncer
	if m.DNSAddr != "" {
		syncer = m.newSyncer()
		syncer.Keys = p.DNSSECKeySource()
		m.syncer = syncer
		m.feed.Subscribe(syncer, store.ChangeDNS)
	}
	m.guard = m.newLoginGuard()
	rates := &httpapi.RateOverrides{Store: st, Logger: m.Logger}
	m.feed.Subscribe(rates, store.ChangeRateLimit)
	if err := m.feed.Start(ctx); err != nil {
		m.Close()
		return err
	}
	if err := rates.Load(ctx); err != nil {
		m.Close()
		return fmt.Errorf("rate limits: %w", err)
	}
	if err := m.guard.Load(ctx); err != nil {
		m.Close()
		return err
	}
	if m.DNSAddr != "" {
		if err := m.startDNS(p, syncer); err != nil {
			m.Close()
			return err
		}
	}
	m.startFeed()
	m.wg.Go(func() { m.runDNSSEC(m.bg, p) })
	m.startMaintenance()
	m.startTransferPoller(p)
	m.api = httpapi.New(p, m.Logger)
	m.api.AccessLog = m.access
	m.api.Guard = m.guard
	m.api.TrustedProxies = m.TrustedProxies
	m.api.Notes = m.Registry.notes
	m.api.DeviceModes = m.DeviceModes()
	m.api.RateLimit = m.rateLimiter(rates)
	if os.Getenv("ARTNETD_FAILPOINT") == "idempotency-answer" {
		// The crash test: die (SIGKILL) after an idempotent command's
		// change committed and before its answer is kept or sent.
		m.api.IdempotencyFailpoint = func(string) { syscall.Kill(os.Getpid(), syscall.SIGKILL) }
	}
	if err := m.api.Disable(m.DisabledCommands...); err != nil {
		m.Close()
		return fmt.Errorf("--disable-commands: %w", err)
	}
	m.ln, err = net.Listen("tcp", m.HTTPAddr)
	if err != nil {
		m.Close()
		return fmt.Errorf("listen %s: %w", m.HTTPAddr, err)
	}
	m.web = m.newWeb()
	m.server = &http.Server{
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			m.handling.Add(1)
			defer m.handling.Done()
			if web.APIPath(r.URL.Path) {
				m.api.ServeHTTP(w, r)
				return
			}
			m.web.ServeHTTP(w, r)
		}),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(m.Logger.Handler(), slog.LevelWarn),
	}
	// console: Shutdown does not close the consoles' hijacked WebSockets.
	m.server.RegisterOnShutdown(m.web.CloseConsoles)
	m.done = make(chan error, 1)
	go func() { m.done <- m.server.Serve(m.ln) }()
	attrs := []any{"http", m.ln.Addr().String(), "db", redactDSN(m.DB)}
	if m.MetricsAddr != "" {
		if m.metricsLn, err = net.Listen("tcp", m.MetricsAddr); err != nil {
			m.Close()
			return fmt.Errorf("--metrics %s: %w", m.MetricsAddr, err)
		}
		m.metricsSrv = &http.Server{Handler: metrics.Handler(m.Pprof), ReadHeaderTimeout: 10 * time.Second,
			ErrorLog: slog.NewLogLogger(m.Logger.Handler(), slog.LevelWarn)}
		go m.metricsSrv.Serve(m.metricsLn)
		attrs = append(attrs, "metrics", m.metricsLn.Addr().String(), "pprof", m.Pprof)
	}
	m.api.Ready.Store(true)
	m.Logger.Info("artnetd listening", attrs...)
	return nil
}

// DNSConfig configures the built-in DNS server.
type DNSConfig struct {
	Nameservers []string       // apex NS of every zone
	SOA         zonesync.SOA   // SOA fields but the serial
	AXFRAllowed []netip.Prefix // who may transfer zones
	Notify      []string       // secondaries told about changes ("host:port")
	Reconcile   time.Duration  // period of the full reload of every zone (0: 30s)
	// PrivateMasters lets secondary zones transfer from loopback and
	// private addresses (tests, lab setups); off, a customer cannot point
	// a master name at the operator's internal hosts.
	PrivateMasters bool
}

// credentialsMaxStale is how old the change feed's last complete read may
// be for cached credentials and services to be used.
const credentialsMaxStale = time.Second

// Feed returns the change feed, for other code to Subscribe to (driver
// kinds: store.ChangeDriver). Valid after Run.
func (m *Main) Feed() *changefeed.Feed { return m.feed }

// addReconciler makes r kicked by the change feed on changes of its kind.
func (m *Main) addReconciler(r *driver.Reconciler) {
	if m.reconcilers == nil {
		m.reconcilers = make(map[string]*driver.Reconciler)
	}
	m.reconcilers[r.Kind] = r
}

// startFeed runs the change feed and, with PostgreSQL, the LISTEN
// connection that wakes it.
func (m *Main) startFeed() {
	m.wg.Go(func() { m.feed.Run(m.bg) })
	if l, ok := m.store.(interface {
		Listen(ctx context.Context, wake func(), logErr func(error)) error
	}); ok {
		m.wg.Go(func() {
			l.Listen(m.bg, m.feed.Wake, func(err error) { m.Logger.Warn("change feed: listen", "err", err) })
		})
	}
}

func (m *Main) newSyncer() *zonesync.Syncer {
	return &zonesync.Syncer{Store: m.store, Nameservers: m.DNS.Nameservers,
		SOA: m.DNS.SOA, NotifyTargets: m.DNS.Notify, Logger: m.Logger, Secondary: m.secondaryZone}
}

// startDNS loads the zones and starts the DNS server; the panel then
// publishes every zone change to it.
func (m *Main) startDNS(p *panel.Panel, sync *zonesync.Syncer) error {
	allow := secondary.PublicMaster
	if m.DNS.PrivateMasters {
		allow = secondary.DefaultAllowMaster
	}
	worker := &secondary.Worker{Store: m.store, Logger: m.Logger, AllowMaster: allow, Publish: sync.ZoneChanged}
	m.dns = dnsd.NewServer(dnsd.Config{AXFRAllowed: m.DNS.AXFRAllowed, Logger: m.Logger, OnNotify: worker.Notified})
	sync.Server = m.dns
	ctx := m.bg
	// The first reconcile loads every zone; then the reconciler retries the
	// zones that failed to load and reloads every zone every DNS.Reconcile.
	done, err := sync.Reconciler(m.DNS.Reconcile).Start(ctx)
	if err != nil {
		return err
	}
	m.wg.Go(func() { <-done })
	if err := m.dns.Start(ctx, m.DNSAddr); err != nil {
		m.dns = nil
		return fmt.Errorf("dns: %w", err)
	}
	m.wg.Go(func() { worker.Run(ctx) })
	metrics.RegisterDNS(m.dns)
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

// MetricsAddress returns the metrics listen address ("" when it is off).
func (m *Main) MetricsAddress() string {
	if m.metricsLn == nil {
		return ""
	}
	return m.metricsLn.Addr().String()
}

// Addr returns the HTTP listen address (useful with port 0).
func (m *Main) Addr() string { return m.ln.Addr().String() }

// Close stops accepting requests, lets in-flight ones finish (up to 30
// seconds), and closes the database.
// A second Close returns the first one's result.
func (m *Main) Close() error {
	m.closeOnce.Do(func() { m.closeErr = m.close() })
	return m.closeErr
}

func (m *Main) close() error {
	var errs []error
	if m.metricsSrv != nil {
		m.metricsSrv.Close()
	}
	if m.server != nil {
		m.api.Ready.Store(false)
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := m.server.Shutdown(ctx); err != nil {
			errs = append(errs, fmt.Errorf("shutdown: %w", err))
			m.server.Close() // cancels the requests still running
		}
		if err := <-m.done; err != nil && !errors.Is(err, http.ErrServerClosed) {
			errs = append(errs, err)
		}
		// Shutdown does not wait for handlers whose connection it closed.
		m.handling.Wait()
	}
	if m.stop != nil {
		m.stop()
		if m.dns != nil {
			<-m.dns.Done()
		}
		m.wg.Wait()
	}
	if m.syncer != nil {
		m.syncer.Close() // NOTIFY senders
	}
	if m.stopDrivers != nil {
		m.stopDrivers()
		<-m.driversDone
	}
	m.stopBGP()
	m.stopCloud()
	m.stopRegistry()
	m.stopQueue()
	if m.store != nil {
		if err := m.store.Close(); err != nil {
			errs = append(errs, fmt.Errorf("close database: %w", err))
		}
	}
	if err := m.closeAccessLog(); err != nil {
		errs = append(errs, fmt.Errorf("access log: %w", err))
	}
	return errors.Join(errs...)
}

// closeAccessLog writes out the buffered access log and closes its file.
// In-flight requests have finished (Shutdown), so no line is lost.
func (m *Main) closeAccessLog() error {
	var err error
	if m.access != nil {
		err = m.access.Close()
		m.access = nil
	}
	if m.accessFile != nil {
		err = errors.Join(err, m.accessFile.Close())
		m.accessFile = nil
	}
	return err
}

const serveLong = `Runs the API server (HTTP, and DNS with --dns) on the database until
SIGTERM or Ctrl-C: in-flight requests finish, the database is closed.

Every flag has an environment equivalent, shown with it: ARTNETD_ and the
flag's name in upper case with '_' for '-'; a flag given on the command
line wins. GET /healthz answers 200 once the server is ready.

Devices (firewall, BGP, hypervisor, power, domain registry) are simulated
only when asked: --demo, --simulate, or by name (--firewall sim, ...).
Otherwise a kind without a real driver runs in honest mode: its changes
answer the command's internal error unless a node with a real driver
applies them within --edge-wait. The start-up log has one "device" line
per kind.`

// newServeCommand returns artnetd serve: serveFlags' flags, and a RunE
// that checks them and runs Main until ctx is cancelled.
func newServeCommand(a *app) *cobra.Command {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	m, finish := serveFlags(fs, a.stdout)
	c := &cobra.Command{
		Use:   "serve [flags]",
		Short: "Run the API server",
		Long:  serveLong,
		Example: `  artnetd serve --demo
  artnetd serve --db postgres://artnet:secret@db.example:5432/artnet --http 0.0.0.0:8080 --dns 0.0.0.0:53`,
		Args: cobra.NoArgs,
	}
	addGoFlags(c, fs)
	// --dns-follow is the old name of --follow, --firewall-edge-wait of
	// --edge-wait.
	c.Flags().SetNormalizeFunc(func(_ *pflag.FlagSet, name string) pflag.NormalizedName {
		switch name {
		case "dns-follow":
			name = "follow"
		case "firewall-edge-wait":
			name = "edge-wait"
		}
		return pflag.NormalizedName(name)
	})
	completeFixed(c, "firewall", "nft", "sim", "none")
	completeFixed(c, "bgp", "gobgp", "sim", "none")
	completeFixed(c, "hypervisor", "qemu", "sim", "none")
	completeFixed(c, "qemu-network", "none", "tap")
	completeFixed(c, "smtp-tls", "starttls", "tls", "none")
	completeFixed(c, "log-level", "debug", "info", "warn", "error")
	return leafCommand(a, c, func(c *cobra.Command, _ []string) error {
		if err := finish(); err != nil {
			return &usageError{err}
		}
		m.Stderr = a.stderr
		ctx := c.Context()
		if err := m.Run(ctx); err != nil {
			return err
		}
		<-ctx.Done()
		m.Logger.Info("artnetd shutting down")
		return m.Close()
	})
}

// serveFlags defines serve's flags on fs, each defaulting to its ARTNETD_*
// environment variable; finish checks them into m once they are parsed.
func serveFlags(fs *flag.FlagSet, stdout io.Writer) (m *Main, finish func() error) {
	m = &Main{Stdout: stdout}
	fs.StringVar(&m.DB, "db", env("ARTNETD_DB", defaultDB), "database: sqlite:PATH or postgres://...")
	fs.StringVar(&m.HTTPAddr, "http", env("ARTNETD_HTTP", "127.0.0.1:8080"), "HTTP listen address")
	fs.StringVar(&m.DNSAddr, "dns", env("ARTNETD_DNS", ""), "DNS listen address, UDP and TCP (empty: off)")
	nameservers := fs.String("dns-nameservers", env("ARTNETD_DNS_NAMESERVERS", strings.Join(panel.DefaultNameservers, ",")), "name servers of every hosted zone (NS records), comma separated")
	mbox := fs.String("dns-soa-mbox", env("ARTNETD_DNS_SOA_MBOX", zonesync.DefaultSOA().RName), "SOA RNAME: the zones' responsible mailbox in DNS form")
	axfr := fs.String("dns-axfr-allow", env("ARTNETD_DNS_AXFR_ALLOW", ""), "prefixes allowed to transfer zones (AXFR), comma separated")
	fs.BoolVar(&m.DNS.PrivateMasters, "dns-allow-private-masters", envBool("ARTNETD_DNS_ALLOW_PRIVATE_MASTERS"), "let secondary zones transfer from loopback and private addresses")
	notify := fs.String("dns-notify", env("ARTNETD_DNS_NOTIFY", ""), "secondaries (host:port) sent NOTIFY after every change, comma separated")
	dnsReconcile := fs.String("dns-reconcile", env("ARTNETD_DNS_RECONCILE", "30s"), "period of the full reload of every DNS zone from the database")
	follow := fs.String("follow", env("ARTNETD_FOLLOW", env("ARTNETD_DNS_FOLLOW", "1s")), "how often the change log is read for changes made through other nodes (0: only on PostgreSQL NOTIFY)")
	fs.BoolVar(&m.Demo, "demo", envBool("ARTNETD_DEMO"), "seed a demo customer into an empty database; simulators for every device kind not configured (as --simulate)")
	fs.BoolVar(&m.Simulate, "simulate", envBool("ARTNETD_SIMULATE"), "simulators for every device kind without a configured real driver (off: such kinds answer an internal error unless a node with a real driver applies the change)")
	fs.StringVar(&m.Firewall.Driver, "firewall", env("ARTNETD_FIREWALL", ""), "firewall device of this node: nft, sim or none (changes stored, answered once an edge node applied them); empty: sim with --demo/--simulate, else none")
	fs.StringVar(&m.Firewall.Table, "firewall-table", env("ARTNETD_FIREWALL_TABLE", "artnet"), "nftables table of ours (family ip)")
	fs.StringVar(&m.Firewall.NetNS, "firewall-netns", env("ARTNETD_FIREWALL_NETNS", ""), "network namespace (name or path) whose nftables we drive (empty: our own)")
	iloTTL := fs.String("ilo-access-ttl", env("ARTNETD_ILO_ACCESS_TTL", "24h"), "how long an iLO / IPMI opening lasts")
	edgeWait := fs.String("edge-wait", env("ARTNETD_EDGE_WAIT", env("ARTNETD_FIREWALL_EDGE_WAIT", "5s")), "on a node without a firewall or BGP device: how long a change waits for the nodes with a real driver to apply it")
	fs.StringVar(&m.Firewall.Node, "node-name", env("ARTNETD_NODE_NAME", ""), "this node's name in what edge nodes report (default: host name/HTTP address)")
	reconcile := fs.String("firewall-reconcile", env("ARTNETD_FIREWALL_RECONCILE", "30s"), "period of the full firewall reconcile")
	fs.StringVar(&m.BGP.Mode, "bgp", env("ARTNETD_BGP", ""), "BGP device of this node: gobgp (needs --bgp-asn), sim or none (changes stored, answered once a node with a speaker applied them); empty: gobgp with --bgp-asn, else sim with --demo/--simulate, else none")
	bgpASN := fs.String("bgp-asn", env("ARTNETD_BGP_ASN", ""), "local AS number of the BGP speaker (set: the embedded GoBGP speaker runs)")
	bgpRouterID := fs.String("bgp-router-id", env("ARTNETD_BGP_ROUTER_ID", ""), "BGP router id (an IPv4 address; required with --bgp-asn)")
	fs.StringVar(&m.BGP.Listen, "bgp-listen", env("ARTNETD_BGP_LISTEN", ""), "address (host:port) the BGP speaker accepts sessions on (empty: it only connects out)")
	bgpLocal := fs.String("bgp-local-address", env("ARTNETD_BGP_LOCAL_ADDRESS", ""), "source address of the BGP sessions we open (empty: the kernel's choice)")
	bgpPeers := fs.String("bgp-peers", env("ARTNETD_BGP_PEERS", ""), "BGP peers, comma separated: ASN@ADDRESS[:PORT] (IPv6 with a port in brackets)")
	fs.BoolVar(&m.BGP.NoGracefulRestart, "bgp-no-graceful-restart", envBool("ARTNETD_BGP_NO_GRACEFUL_RESTART"), "turn BGP graceful restart (RFC 4724, RFC 8538) off")
	nh4 := fs.String("bgp-blackhole-nexthop", env("ARTNETD_BGP_BLACKHOLE_NEXTHOP", panel.DefaultBlackholeNextHop4.String()), "next hop of IPv4 blackhole routes (the address your routers discard)")
	nh6 := fs.String("bgp-blackhole-nexthop6", env("ARTNETD_BGP_BLACKHOLE_NEXTHOP6", panel.DefaultBlackholeNextHop6.String()), "next hop of IPv6 blackhole routes")
	bgpReconcile := fs.String("bgp-reconcile", env("ARTNETD_BGP_RECONCILE", "30s"), "period of the full re-apply of the BGP announcements")
	powerFlags := addPowerFlags(fs, m)
	fs.StringVar(&m.AccessLog, "access-log", env("ARTNETD_ACCESS_LOG", "-"), "access log destination: a file (appended to) or - for stderr; buffered, written every second and at shutdown")
	fs.StringVar(&m.MetricsAddr, "metrics", env("ARTNETD_METRICS", ""), "Prometheus /metrics listen address (empty: off)")
	fs.BoolVar(&m.Pprof, "pprof", envBool("ARTNETD_PPROF"), "serve net/http/pprof on the --metrics address")
	finishMail := mailFlags(fs, &m.Mail)
	logLevel := fs.String("log-level", env("ARTNETD_LOG_LEVEL", "info"), "log level: debug, info, warn or error")
	fs.DurationVar(&m.AuditRetention, "audit-retention", envDuration("ARTNETD_AUDIT_RETENTION", DefaultAuditRetention), "how long audit journal rows are kept")
	disabled := fs.String("disable-commands", env("ARTNETD_DISABLE_COMMANDS", ""), "modules or commands (module/command), comma separated, that answer not-implemented (products you do not sell)")
	fs.Float64Var(&m.RateLimit, "rate-limit", envFloat("ARTNETD_RATE_LIMIT", 0), "requests a second allowed to each API key and to each customer on this node (token bucket; 0: off; per-customer overrides: artnetd admin customer rate-limit)")
	fs.IntVar(&m.RateBurst, "rate-burst", envInt("ARTNETD_RATE_BURST", 0), "burst of --rate-limit (0: the rate rounded up)")
	trusted := fs.String("trusted-proxies", env("ARTNETD_TRUSTED_PROXIES", ""), "reverse proxies (addresses or prefixes, comma separated) whose X-Forwarded-For names the client")
	cloudParsed := cloudFlags(fs, &m.Cloud)
	webParsed := webFlags(fs, &m.Web)
	registryParsed := registryFlags(fs, &m.Registry)
	dnssecParsed := dnssecFlags(fs, &m.DNSSEC)
	return m, func() error {
		if err := dnssecParsed(); err != nil {
			return err
		}
		if err := webParsed(); err != nil {
			return err
		}
		if err := cloudParsed(); err != nil {
			return err
		}
		if err := registryParsed(); err != nil {
			return err
		}
		m.DisabledCommands = splitList(*disabled)
		if m.RateLimit < 0 || m.RateBurst < 0 || math.IsNaN(m.RateLimit) || math.IsInf(m.RateLimit, 0) {
			return fmt.Errorf("--rate-limit and --rate-burst must not be negative")
		}
		if err := m.parseAuditFlags(*trusted); err != nil {
			return err
		}
		if err := powerFlags(); err != nil {
			return err
		}
		if err := finishMail(); err != nil {
			return err
		}
		if err := parseBGPFlags(&m.BGP, *bgpASN, *bgpRouterID, *bgpLocal, *bgpPeers, *nh4, *nh6, *bgpReconcile); err != nil {
			return err
		}
		if err := checkBGPMode(&m.BGP); err != nil {
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
		if m.Follow, err = time.ParseDuration(*follow); err != nil || m.Follow < 0 {
			return fmt.Errorf("--follow %q: want a duration such as 1s, or 0 for off", *follow)
		}
		if m.Follow == 0 {
			m.Follow = -1 // Main: negative is off
		}
		if m.Firewall.ILOAccessTTL, err = time.ParseDuration(*iloTTL); err != nil || m.Firewall.ILOAccessTTL <= 0 {
			return fmt.Errorf("--ilo-access-ttl %q: want a positive duration such as 24h", *iloTTL)
		}
		if m.Firewall.EdgeWait, err = time.ParseDuration(*edgeWait); err != nil || m.Firewall.EdgeWait <= 0 {
			return fmt.Errorf("--edge-wait %q: want a positive duration such as 5s", *edgeWait)
		}
		if m.Firewall.Reconcile, err = time.ParseDuration(*reconcile); err != nil || m.Firewall.Reconcile <= 0 {
			return fmt.Errorf("--firewall-reconcile %q: want a positive duration such as 30s", *reconcile)
		}
		if m.DNS.Reconcile, err = time.ParseDuration(*dnsReconcile); err != nil || m.DNS.Reconcile <= 0 {
			return fmt.Errorf("--dns-reconcile %q: want a positive duration such as 30s", *dnsReconcile)
		}
		for _, s := range splitList(*axfr) {
			pfx, err := netip.ParsePrefix(s)
			if err != nil {
				return fmt.Errorf("--dns-axfr-allow: %w", err)
			}
			m.DNS.AXFRAllowed = append(m.DNS.AXFRAllowed, pfx)
		}
		if m.Pprof && m.MetricsAddr == "" {
			return fmt.Errorf("--pprof needs --metrics ADDR (pprof is never served on the API address)")
		}
		if err := m.LogLevel.UnmarshalText([]byte(*logLevel)); err != nil {
			return fmt.Errorf("--log-level %q: want debug, info, warn or error", *logLevel)
		}
		return nil
	}
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
