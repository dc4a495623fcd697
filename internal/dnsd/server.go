package dnsd

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/miekg/dns"
)

// Config configures a Server.
type Config struct {
	// AXFRAllowed lists the client prefixes allowed to transfer zones
	// (AXFR, and IXFR answered as AXFR) over TCP. Empty: nobody.
	AXFRAllowed []netip.Prefix
	// TSIG maps key names ("xfr-key.", matched in lower case) to base64
	// secrets (HMAC-SHA256 and the other algorithms miekg/dns knows). When
	// it is not empty a zone transfer must also be signed with one of these
	// keys. Signed queries and NOTIFYs are verified and answered signed.
	TSIG map[string]string
	// OnNotify, if set, is called in its own goroutine for each NOTIFY
	// received, with the zone (lower case FQDN) and the sender's address.
	// It must decide itself whether to trust the sender.
	OnNotify func(zone string, from netip.Addr)
	// Logger receives the server's events (start, stop, refused
	// transfers, NOTIFYs, bad TSIG, errors); nothing per answered query.
	// Nil: slog.Default().
	Logger *slog.Logger

	// UDPWorkers is the number of UDP sockets, each with its own goroutine
	// and answer cache, bound to the same address with SO_REUSEPORT (on
	// systems that have it). 0: GOMAXPROCS-1 (at least 1) for the Linux
	// loop on a specific address, which keeps a thread per worker;
	// GOMAXPROCS otherwise.
	UDPWorkers int
	// CacheEntries bounds each UDP worker's answer cache. 0: 65536;
	// negative: no cache.
	CacheEntries int
}

// Server is an authoritative DNS server answering from a Snapshot.
type Server struct {
	cfg  Config
	log  *slog.Logger
	snap atomic.Pointer[Snapshot]

	mu      sync.Mutex
	started bool
	udp     []udpSocket
	tcpLn   net.Listener
	tcp     *dns.Server
	wg      sync.WaitGroup
	stopped chan struct{}

	portableUDP bool // tests: use the netpoller loop even where a faster one exists

	workers  []*udpWorker // under mu, for the counters
	rcodes   rcodeCounts  // answers not given by a UDP worker (TCP)
	snapTime atomic.Int64 // when the snapshot was installed (Unix ns)
}

// rcodeCounts counts answers by their 4-bit rcode.
type rcodeCounts [16]atomic.Uint64

func (c *rcodeCounts) count(b []byte) {
	if len(b) >= 4 {
		c[b[3]&0xf].Add(1)
	}
}

// AnswersByRcode returns how many answers the server has sent, by rcode
// (the header's 4 bits: 0 NOERROR, 2 SERVFAIL, 3 NXDOMAIN, 5 REFUSED, ...).
func (s *Server) AnswersByRcode() [16]uint64 {
	var out [16]uint64
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := range out {
		out[i] = s.rcodes[i].Load()
		for _, w := range s.workers {
			out[i] += w.rcodes[i].Load()
		}
	}
	return out
}

// SnapshotTime returns when the snapshot being served was installed.
func (s *Server) SnapshotTime() time.Time { return time.Unix(0, s.snapTime.Load()) }

// NewServer returns a server that hosts no zone until SetSnapshot.
func NewServer(cfg Config) *Server {
	s := &Server{cfg: cfg, log: cfg.Logger, stopped: make(chan struct{})}
	if s.log == nil {
		s.log = slog.Default()
	}
	if len(cfg.TSIG) > 0 {
		// Key names are matched in lower case, as FQDNs.
		s.cfg.TSIG = make(map[string]string, len(cfg.TSIG))
		for name, secret := range cfg.TSIG {
			s.cfg.TSIG[dns.CanonicalName(name)] = secret
		}
	}
	if s.cfg.CacheEntries == 0 {
		s.cfg.CacheEntries = 1 << 16
	}
	s.snap.Store(EmptySnapshot())
	s.snapTime.Store(time.Now().UnixNano())
	return s
}

// SetSnapshot installs snap atomically: every query that arrives after it
// returns is answered from snap (each UDP worker drops its answer cache when
// it sees the new snapshot). A transfer under way finishes from the
// snapshot it started with. A nil snap hosts nothing.
func (s *Server) SetSnapshot(snap *Snapshot) {
	if snap == nil {
		snap = EmptySnapshot()
	}
	s.snap.Store(snap)
	s.snapTime.Store(time.Now().UnixNano())
}

// Snapshot returns the snapshot being served.
func (s *Server) Snapshot() *Snapshot { return s.snap.Load() }

// ListenAndServe serves DNS over UDP and TCP on addr ("127.0.0.1:53"; port
// 0 picks a free port, the same for both) until ctx is cancelled, then
// stops cleanly and returns nil. It returns an error if it cannot listen.
func (s *Server) ListenAndServe(ctx context.Context, addr string) error {
	if err := s.Start(ctx, addr); err != nil {
		return err
	}
	<-s.stopped
	return nil
}

// Start listens on addr over UDP and TCP and returns once both are ready;
// Addrs tells the bound addresses. The server runs until ctx is cancelled;
// Done is closed once it has stopped. A Server is started once.
func (s *Server) Start(ctx context.Context, addr string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.started {
		return errors.New("dnsd: server already started")
	}
	var err error
	for try := 0; try < 20; try++ {
		err = s.listen(addr, s.cfg.UDPWorkers)
		if err == nil || !isPortZero(addr) || !errors.Is(err, syscall.EADDRINUSE) {
			break
		}
	}
	if err != nil {
		return err
	}
	s.started = true

	ready := make(chan struct{})
	s.tcp = &dns.Server{
		Listener:          s.tcpLn,
		Handler:           s,
		TsigSecret:        s.cfg.TSIG,
		ReadTimeout:       5 * time.Second,
		WriteTimeout:      10 * time.Second,
		IdleTimeout:       func() time.Duration { return 10 * time.Second },
		MaxTCPQueries:     1000,
		NotifyStartedFunc: func() { close(ready) },
	}
	tcpDone := make(chan struct{})
	var tcpErr error
	go func() {
		defer close(tcpDone)
		if tcpErr = s.tcp.ActivateAndServe(); tcpErr != nil {
			s.log.Error("dnsd: TCP server", "err", tcpErr)
		}
	}()
	select {
	case <-ready:
	case <-tcpDone:
		for _, c := range s.udp {
			c.Close()
		}
		s.tcpLn.Close()
		s.started = false
		return fmt.Errorf("dnsd: TCP server: %v", tcpErr)
	}

	for _, c := range s.udp {
		w := &udpWorker{s: s, out: make([]byte, 0, dns.MaxMsgSize)}
		s.workers = append(s.workers, w)
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			c.serve(w)
		}()
	}
	s.log.Info("dnsd: serving", "udp", s.udp[0].LocalAddr().String(), "tcp", s.tcpLn.Addr().String(), "udp_workers", len(s.udp))

	go func() {
		<-ctx.Done()
		for _, c := range s.udp {
			c.Close()
		}
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		if err := s.tcp.ShutdownContext(sctx); err != nil {
			s.log.Warn("dnsd: TCP shutdown", "err", err)
		}
		cancel()
		<-tcpDone
		s.wg.Wait()
		s.log.Info("dnsd: stopped")
		close(s.stopped)
	}()
	return nil
}

// Done is closed once a started server has stopped.
func (s *Server) Done() <-chan struct{} { return s.stopped }

// Addrs returns the bound UDP and TCP addresses of a started server (nil
// before Start).
func (s *Server) Addrs() (udp, tcp net.Addr) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.started {
		return nil, nil
	}
	return s.udp[0].LocalAddr(), s.tcpLn.Addr()
}

// listen binds the UDP sockets, then TCP on the same port.
func (s *Server) listen(addr string, workers int) error {
	ua, err := net.ResolveUDPAddr("udp", addr)
	if err != nil {
		return fmt.Errorf("dnsd: listen %s: %w", addr, err)
	}
	ap := ua.AddrPort()
	wildcard := !ap.Addr().IsValid() || ap.Addr().IsUnspecified()
	open := func(ap netip.AddrPort, reuse bool) (udpSocket, bool, error) {
		if listenFast != nil && !wildcard && !s.portableUDP {
			c, err := listenFast(ap, reuse)
			return c, reuse, err
		}
		a := ap.String()
		if !ap.Addr().IsValid() {
			a = net.JoinHostPort("", strconv.Itoa(int(ap.Port())))
		}
		c, reused, err := listenUDP(a, reuse)
		if err != nil {
			return nil, false, err
		}
		return &netUDP{UDPConn: c, wildcard: wildcard}, reused, nil
	}

	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
		if listenFast != nil && !wildcard && !s.portableUDP && workers > 1 {
			// A fast worker holds a P while it waits in the kernel; the
			// runtime takes Ps back from threads blocked in system calls
			// when none is idle, at a cost on every query. Leave one P
			// for the rest of the program.
			workers--
		}
	}
	first, reuse, err := open(ap, workers > 1)
	if err != nil {
		return fmt.Errorf("dnsd: listen udp %s: %w", addr, err)
	}
	conns := []udpSocket{first}
	closeAll := func() {
		for _, c := range conns {
			c.Close()
		}
	}
	bound := first.LocalAddr().(*net.UDPAddr).AddrPort()
	if !ap.Addr().IsValid() {
		bound = netip.AddrPortFrom(netip.Addr{}, bound.Port())
	}
	for i := 1; reuse && i < workers; i++ {
		c, _, err := open(bound, true)
		if err != nil {
			closeAll()
			return fmt.Errorf("dnsd: listen udp %s: %w", first.LocalAddr(), err)
		}
		conns = append(conns, c)
	}
	tcpAddr := first.LocalAddr().String()
	if !ap.Addr().IsValid() {
		tcpAddr = net.JoinHostPort("", strconv.Itoa(int(bound.Port())))
	}
	ln, err := net.Listen("tcp", tcpAddr)
	if err != nil {
		closeAll()
		return fmt.Errorf("dnsd: listen tcp %s: %w", tcpAddr, err)
	}
	if len(conns) == 1 && workers > 1 {
		if _, ok := first.(*netUDP); ok {
			// No SO_REUSEPORT: several goroutines share one socket.
			for i := 1; i < workers; i++ {
				conns = append(conns, first)
			}
		}
	}
	s.udp, s.tcpLn = conns, ln
	return nil
}

func isPortZero(addr string) bool {
	_, port, err := net.SplitHostPort(addr)
	return err == nil && (port == "0" || port == "")
}

// ServeDNS makes a Server a dns.Handler: it answers one message read by a
// miekg/dns server (whose TsigSecret should be Config.TSIG, so that it
// verifies TSIG). The server's own TCP listener uses it; it also serves any
// other miekg transport, without the UDP fast path and answer cache.
func (s *Server) ServeDNS(w dns.ResponseWriter, req *dns.Msg) {
	from := addrOf(w.RemoteAddr())
	_, udp := w.LocalAddr().(*net.UDPAddr)
	tsig := req.IsTsig()
	if tsig != nil && (len(s.cfg.TSIG) == 0 || w.TsigStatus() != nil) {
		s.log.Warn("dnsd: bad TSIG", "from", from, "key", tsig.Hdr.Name, "err", w.TsigStatus())
		m := new(dns.Msg)
		m.SetRcode(req, dns.RcodeNotAuth)
		m.Question = nil
		w.WriteMsg(m)
		return
	}
	if req.Opcode == dns.OpcodeQuery && len(req.Question) == 1 && !udp {
		if t := req.Question[0].Qtype; t == dns.TypeAXFR || t == dns.TypeIXFR {
			s.transfer(w, req, from)
			return
		}
	}
	m := s.handle(s.snap.Load(), req, from)
	if m == nil {
		return
	}
	size := dns.MaxMsgSize
	if udp {
		size = udpSize(req)
	}
	b, err := fit(m, size, nil)
	if err != nil {
		s.log.Error("dnsd: pack answer", "err", err, "question", questionString(req))
		m = failure(req, dns.RcodeServerFailure)
		b, _ = m.Pack()
	}
	s.rcodes.count(b)
	if tsig != nil {
		m.SetTsig(tsig.Hdr.Name, tsig.Algorithm, 300, time.Now().Unix())
		err = w.WriteMsg(m) // signs
	} else {
		_, err = w.Write(b)
	}
	if err != nil {
		s.log.Debug("dnsd: write", "err", err)
	}
}

// handle answers a parsed request (QUERY or NOTIFY); nil means no answer.
func (s *Server) handle(snap *Snapshot, req *dns.Msg, from netip.Addr) *dns.Msg {
	if req.Response {
		return nil
	}
	switch req.Opcode {
	case dns.OpcodeQuery:
		return snap.answer(req)
	case dns.OpcodeNotify:
		return s.notified(req, from)
	}
	return failure(req, dns.RcodeNotImplemented)
}

// notified acknowledges a NOTIFY (RFC 1996 §4.7) and calls Config.OnNotify.
func (s *Server) notified(req *dns.Msg, from netip.Addr) *dns.Msg {
	if len(req.Question) != 1 {
		return failure(req, dns.RcodeFormatError)
	}
	m := new(dns.Msg)
	m.SetReply(req)
	m.Authoritative = true
	zone := strings.ToLower(req.Question[0].Name)
	s.log.Info("dnsd: NOTIFY received", "zone", zone, "from", from)
	if s.cfg.OnNotify != nil {
		go s.cfg.OnNotify(zone, from)
	}
	return m
}

// failure is a header-only answer with rcode.
func failure(req *dns.Msg, rcode int) *dns.Msg {
	m := new(dns.Msg)
	m.Id = req.Id
	m.Response = true
	m.Opcode = req.Opcode
	m.RecursionDesired = req.RecursionDesired
	m.Rcode = rcode
	return m
}

// addrOf returns the IP address of a net.Addr from a socket.
func addrOf(a net.Addr) netip.Addr {
	switch a := a.(type) {
	case *net.UDPAddr:
		ip, _ := netip.AddrFromSlice(a.IP)
		return ip.Unmap()
	case *net.TCPAddr:
		ip, _ := netip.AddrFromSlice(a.IP)
		return ip.Unmap()
	}
	if ap, err := netip.ParseAddrPort(a.String()); err == nil {
		return ap.Addr().Unmap()
	}
	return netip.Addr{}
}

func questionString(m *dns.Msg) string {
	if len(m.Question) == 0 {
		return ""
	}
	q := m.Question[0]
	return q.Name + " " + dns.Type(q.Qtype).String()
}
