package registry

// The EPP driver: RFC 5730 (protocol), RFC 5731 (domain mapping), RFC 5732
// (host mapping), RFC 5734 (transport over TLS). Its own framing on
// encoding/xml: a frame is a 4-byte big-endian length (the header
// included) and one XML document, and the driver needs five commands
// (login, logout, hello, domain:info, domain:update) and two of the host
// mapping (host:check, host:create). github.com/domainr/epp is not in the
// module set this project may use, and its value would be the framing,
// which is a dozen lines here.

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/binary"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/artnet-panel/artnet-panel/internal/panel"
)

// EPP namespaces.
const (
	NSEPP    = "urn:ietf:params:xml:ns:epp-1.0"
	NSDomain = "urn:ietf:params:xml:ns:domain-1.0"
	NSHost   = "urn:ietf:params:xml:ns:host-1.0"
	// NSSecDNS is the DNSSEC extension (RFC 5910, secDNS-1.1).
	NSSecDNS = "urn:ietf:params:xml:ns:secDNS-1.1"
)

// MaxFrame bounds a frame we accept (RFC 5734 sets none; registries'
// answers are a few kilobytes).
const MaxFrame = 1 << 20

// EPPConfig configures an EPP registry connection.
type EPPConfig struct {
	// Addr is the registry's host:port (RFC 5734: port 700).
	Addr string
	// ClientID and Password log in (the password comes from the
	// environment only: see cmd/artnetd).
	ClientID, Password string
	// TLS is the client's TLS configuration: the registry's CA, our
	// client certificate and key, ServerName.
	TLS *tls.Config
	// Sessions is the number of sessions kept open (0: 1). Commands of one
	// delegation change run on one session; changes run in parallel up to
	// Sessions.
	Sessions int
	// KeepAlive: a session idle this long sends <hello> (0: 5 minutes;
	// registries close idle sessions after 10 to 30).
	KeepAlive time.Duration
	// Timeout bounds one command's round trip (0: 30s). A command that
	// times out closes its session: the registry may still answer it.
	Timeout time.Duration
	// Glue returns the addresses of a name server inside the domain it
	// serves (ns1.example.pl for example.pl), which the registry needs as
	// glue. Nil: net.DefaultResolver.
	Glue func(ctx context.Context, host string) ([]netip.Addr, error)
	// Logger receives connection events (nil: slog.Default()).
	Logger *slog.Logger
	// BackoffMin and BackoffMax bound the wait between failed connection
	// attempts (0: 1s and 1m). Meanwhile calls fail at once.
	BackoffMin, BackoffMax time.Duration
}

// EPP is a panel.Registry over EPP. It is safe for concurrent use.
type EPP struct {
	cfg  EPPConfig
	pool chan *eppSession
	seq  atomic.Uint64

	mu      sync.Mutex
	backoff time.Duration
	retryAt time.Time
	lastErr error

	stop chan struct{}
	wg   sync.WaitGroup
	once sync.Once
}

var _ panel.Registry = (*EPP)(nil)

// EPPError is a result code of the registry other than success.
type EPPError struct {
	Command string // "login", "domain:update", ...
	Code    int
	Msg     string // the registry's <msg> and reasons
}

func (e *EPPError) Error() string {
	return fmt.Sprintf("epp %s: result %d (%s): %s", e.Command, e.Code, ResultName(e.Code), e.Msg)
}

// ResultName names an EPP result code (RFC 5730 section 3).
func ResultName(code int) string {
	if n, ok := resultNames[code]; ok {
		return n
	}
	return "unknown result code"
}

var resultNames = map[int]string{
	1000: "Command completed successfully",
	1001: "Command completed successfully; action pending",
	1300: "Command completed successfully; no messages",
	1301: "Command completed successfully; ack to dequeue",
	1500: "Command completed successfully; ending session",
	2000: "Unknown command",
	2001: "Command syntax error",
	2002: "Command use error",
	2003: "Required parameter missing",
	2004: "Parameter value range error",
	2005: "Parameter value syntax error",
	2100: "Unimplemented protocol version",
	2101: "Unimplemented command",
	2102: "Unimplemented option",
	2103: "Unimplemented extension",
	2104: "Billing failure",
	2105: "Object is not eligible for renewal",
	2106: "Object is not eligible for transfer",
	2200: "Authentication error",
	2201: "Authorization error",
	2202: "Invalid authorization information",
	2300: "Object pending transfer",
	2301: "Object not pending transfer",
	2302: "Object exists",
	2303: "Object does not exist",
	2304: "Object status prohibits operation",
	2305: "Object association prohibits operation",
	2306: "Parameter value policy error",
	2307: "Unimplemented object service",
	2308: "Data management policy violation",
	2400: "Command failed",
	2500: "Command failed; server closing connection",
	2501: "Authentication error; server closing connection",
	2502: "Session limit exceeded; server closing connection",
}

// NewEPP returns the driver; sessions are opened on first use and kept.
func NewEPP(cfg EPPConfig) *EPP {
	if cfg.Sessions <= 0 {
		cfg.Sessions = 1
	}
	if cfg.KeepAlive <= 0 {
		cfg.KeepAlive = 5 * time.Minute
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 30 * time.Second
	}
	if cfg.BackoffMin <= 0 {
		cfg.BackoffMin = time.Second
	}
	if cfg.BackoffMax <= 0 {
		cfg.BackoffMax = time.Minute
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Glue == nil {
		cfg.Glue = func(ctx context.Context, host string) ([]netip.Addr, error) {
			return net.DefaultResolver.LookupNetIP(ctx, "ip", host)
		}
	}
	e := &EPP{cfg: cfg, pool: make(chan *eppSession, cfg.Sessions), stop: make(chan struct{})}
	for range cfg.Sessions {
		e.pool <- &eppSession{}
	}
	e.wg.Add(1)
	go e.keepAlive()
	return e
}

// eppSession is one connection; it is used by one caller at a time (it
// is taken from the pool).
type eppSession struct {
	conn        net.Conn
	fresh       bool // opened by this take: no command has used it yet
	hostObjects bool // the greeting offers the host mapping
	secDNS      bool // the greeting offers the DNSSEC extension (RFC 5910)
	lastUsed    time.Time
}

// Close logs every open session out and stops the keep-alive.
func (e *EPP) Close() error {
	e.once.Do(func() {
		close(e.stop)
		e.wg.Wait()
		for range e.cfg.Sessions {
			s := <-e.pool
			if s.conn != nil {
				ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
				e.logout(ctx, s)
				cancel()
			}
		}
	})
	return nil
}

// take returns a session of the pool, connected and logged in.
func (e *EPP) take(ctx context.Context) (*eppSession, error) {
	var s *eppSession
	select {
	case s = <-e.pool:
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-e.stop:
		return nil, errors.New("epp: the driver is closed")
	}
	s.fresh = s.conn == nil
	if s.conn != nil {
		return s, nil
	}
	if err := e.connect(ctx, s); err != nil {
		e.pool <- s
		return nil, err
	}
	return s, nil
}

// infoRetry is info, tried once more on a new session when a session
// kept from earlier calls failed at the transport (the registry may have
// closed it meanwhile). domain:info changes nothing, so it may be sent
// twice.
func (e *EPP) infoRetry(ctx context.Context, s *eppSession, domain string) ([]string, error) {
	cur, err := e.info(ctx, s, domain)
	var ee *EPPError
	if err == nil || s.fresh || s.conn != nil || errors.As(err, &ee) || ctx.Err() != nil {
		return cur, err
	}
	e.cfg.Logger.Info("epp: a kept session failed; reconnecting", "registry", e.cfg.Addr, "err", err)
	if cerr := e.connect(ctx, s); cerr != nil {
		return nil, errors.Join(err, cerr)
	}
	return e.info(ctx, s, domain)
}

func (e *EPP) give(s *eppSession) { e.pool <- s }

// connect dials, reads the greeting and logs in, unless the last failed
// attempt asks to wait (backoff); then it fails at once.
func (e *EPP) connect(ctx context.Context, s *eppSession) error {
	e.mu.Lock()
	if wait := time.Until(e.retryAt); wait > 0 {
		err := fmt.Errorf("epp: registry %s unreachable (next try in %s): %w", e.cfg.Addr, wait.Round(time.Millisecond), e.lastErr)
		e.mu.Unlock()
		return err
	}
	e.mu.Unlock()
	err := e.dial(ctx, s)
	e.mu.Lock()
	defer e.mu.Unlock()
	if err != nil {
		if e.backoff == 0 {
			e.backoff = e.cfg.BackoffMin
		} else {
			e.backoff = min(2*e.backoff, e.cfg.BackoffMax)
		}
		e.retryAt, e.lastErr = time.Now().Add(e.backoff), err
		e.cfg.Logger.Warn("epp: cannot open a session", "registry", e.cfg.Addr, "err", err, "retry_in", e.backoff)
		return err
	}
	e.backoff, e.retryAt, e.lastErr = 0, time.Time{}, nil
	return nil
}

func (e *EPP) dial(ctx context.Context, s *eppSession) error {
	ctx, cancel := context.WithTimeout(ctx, e.cfg.Timeout)
	defer cancel()
	d := tls.Dialer{Config: e.cfg.TLS}
	c, err := d.DialContext(ctx, "tcp", e.cfg.Addr)
	if err != nil {
		return fmt.Errorf("epp: connect %s: %w", e.cfg.Addr, err)
	}
	s.conn = c
	fail := func(err error) error {
		c.Close()
		s.conn = nil
		return err
	}
	dl, _ := ctx.Deadline()
	c.SetDeadline(dl)
	raw, err := readFrame(c)
	if err != nil {
		return fail(fmt.Errorf("epp: greeting: %w", err))
	}
	g, err := parseGreeting(raw)
	if err != nil {
		return fail(err)
	}
	if !slices.Contains(g.ObjURIs, NSDomain) {
		return fail(fmt.Errorf("epp: the registry's greeting does not offer %s", NSDomain))
	}
	s.hostObjects = slices.Contains(g.ObjURIs, NSHost)
	s.secDNS = slices.Contains(g.ExtURIs, NSSecDNS)
	uris := "<objURI>" + NSDomain + "</objURI>"
	if s.hostObjects {
		uris += "<objURI>" + NSHost + "</objURI>"
	}
	if s.secDNS {
		uris += "<svcExtension><extURI>" + NSSecDNS + "</extURI></svcExtension>"
	}
	lang := "en"
	if len(g.Langs) > 0 && !slices.Contains(g.Langs, "en") {
		lang = g.Langs[0]
	}
	login := "<login><clID>" + esc(e.cfg.ClientID) + "</clID><pw>" + esc(e.cfg.Password) + "</pw>" +
		"<options><version>1.0</version><lang>" + esc(lang) + "</lang></options>" +
		"<svcs>" + uris + "</svcs></login>"
	if _, err := e.command(ctx, s, "login", login); err != nil {
		return fail(err)
	}
	s.lastUsed = time.Now()
	e.cfg.Logger.Info("epp: session open", "registry", e.cfg.Addr, "client_id", e.cfg.ClientID, "host_objects", s.hostObjects, "secdns", s.secDNS)
	return nil
}

func (e *EPP) logout(ctx context.Context, s *eppSession) {
	e.command(ctx, s, "logout", "<logout/>")
	if s.conn != nil {
		s.conn.Close()
		s.conn = nil
	}
}

// keepAlive sends <hello> on sessions idle for KeepAlive.
func (e *EPP) keepAlive() {
	defer e.wg.Done()
	t := time.NewTicker(max(e.cfg.KeepAlive/4, 10*time.Millisecond))
	defer t.Stop()
	for {
		select {
		case <-e.stop:
			return
		case <-t.C:
		}
		for range e.cfg.Sessions {
			var s *eppSession
			select {
			case s = <-e.pool:
			default:
			}
			if s == nil {
				break // all busy: busy sessions are not idle
			}
			if s.conn != nil && time.Since(s.lastUsed) >= e.cfg.KeepAlive {
				if err := e.hello(s); err != nil {
					e.cfg.Logger.Warn("epp: keep-alive failed; the session reconnects on next use", "registry", e.cfg.Addr, "err", err)
				}
			}
			e.pool <- s
		}
	}
}

func (e *EPP) hello(s *eppSession) error {
	ctx, cancel := context.WithTimeout(context.Background(), e.cfg.Timeout)
	defer cancel()
	dl, _ := ctx.Deadline()
	s.conn.SetDeadline(dl)
	frame := xml.Header + `<epp xmlns="` + NSEPP + `"><hello/></epp>`
	if err := writeFrame(s.conn, []byte(frame)); err != nil {
		e.drop(s)
		return err
	}
	raw, err := readFrame(s.conn)
	if err != nil {
		e.drop(s)
		return err
	}
	if _, err := parseGreeting(raw); err != nil {
		e.drop(s)
		return err
	}
	s.lastUsed = time.Now()
	return nil
}

func (e *EPP) drop(s *eppSession) {
	if s.conn != nil {
		s.conn.Close()
		s.conn = nil
	}
}

// command sends one <command> (body is its element) and returns the
// response; a result other than 1000/1001 (1500 for logout) is an
// *EPPError. An I/O error, a timeout or a 25xx result closes the session.
func (e *EPP) command(ctx context.Context, s *eppSession, name, body string) (*eppResponse, error) {
	return e.commandExt(ctx, s, name, body, "")
}

// commandExt is command with ext (extension elements, RFC 5730 section
// 2.7.3) in the command's <extension>.
func (e *EPP) commandExt(ctx context.Context, s *eppSession, name, body, ext string) (*eppResponse, error) {
	if s.conn == nil {
		return nil, errors.New("epp: no session")
	}
	if ext != "" {
		body += "<extension>" + ext + "</extension>"
	}
	trid := fmt.Sprintf("artnet-%d-%d", time.Now().UnixMilli(), e.seq.Add(1))
	frame := xml.Header + `<epp xmlns="` + NSEPP + `"><command>` + body + `<clTRID>` + trid + `</clTRID></command></epp>`
	dl := time.Now().Add(e.cfg.Timeout)
	if d, ok := ctx.Deadline(); ok && d.Before(dl) {
		dl = d
	}
	s.conn.SetDeadline(dl)
	// A cancelled context ends the wait at once. If the cancel races with
	// the end of the command, the connection's deadline is unknown: the
	// session is closed (the answer, if read, still counts).
	conn := s.conn
	stopWatch := context.AfterFunc(ctx, func() { conn.SetDeadline(time.Unix(1, 0)) })
	defer func() {
		if !stopWatch() && s.conn == conn {
			e.drop(s)
		}
	}()
	if err := writeFrame(s.conn, []byte(frame)); err != nil {
		e.drop(s)
		return nil, fmt.Errorf("epp %s: send: %w", name, err)
	}
	raw, err := readFrame(s.conn)
	if err != nil {
		e.drop(s)
		if ctx.Err() != nil {
			err = ctx.Err()
		}
		return nil, fmt.Errorf("epp %s: no answer (the registry may still carry it out): %w", name, err)
	}
	s.lastUsed = time.Now()
	var r eppResponse
	if err := xml.Unmarshal(raw, &r); err != nil || r.Response == nil || len(r.Response.Results) == 0 {
		e.drop(s)
		return nil, fmt.Errorf("epp %s: malformed response: %v", name, err)
	}
	if got := r.Response.TrID.ClTRID; got != "" && got != trid {
		e.drop(s)
		return nil, fmt.Errorf("epp %s: response to transaction %q, want %q", name, got, trid)
	}
	res := r.Response.Results[0]
	switch {
	case res.Code == 1000 || res.Code == 1001:
		return &r, nil
	case res.Code == 1500 && name == "logout":
		return &r, nil
	}
	msg := strings.TrimSpace(res.Msg)
	for _, x := range res.ExtValues {
		if t := strings.TrimSpace(x.Reason); t != "" {
			msg += "; " + t
		}
	}
	for _, v := range res.Values {
		if t := strings.TrimSpace(string(v.Inner)); t != "" {
			msg += "; " + t
		}
	}
	if res.Code >= 2500 {
		e.drop(s) // the registry closes the connection
	}
	return nil, &EPPError{Command: name, Code: res.Code, Msg: msg}
}

// GetDelegation implements panel.Registry with domain:info.
func (e *EPP) GetDelegation(ctx context.Context, domain string) ([]string, error) {
	s, err := e.take(ctx)
	if err != nil {
		return nil, err
	}
	defer e.give(s)
	return e.infoRetry(ctx, s, domain)
}

func (e *EPP) info(ctx context.Context, s *eppSession, domain string) ([]string, error) {
	r, err := e.command(ctx, s, "domain:info", `<info><domain:info xmlns:domain="`+NSDomain+`"><domain:name hosts="del">`+esc(domain)+`</domain:name></domain:info></info>`)
	if err != nil {
		var ee *EPPError
		if errors.As(err, &ee) && ee.Code == 2303 {
			return nil, fmt.Errorf("%w: %w", panel.ErrDelegationUnknown, err)
		}
		return nil, err
	}
	if r.Response.ResData == nil || r.Response.ResData.DomainInfo == nil {
		return nil, fmt.Errorf("epp domain:info %s: no domain:infData in the response", domain)
	}
	ns := r.Response.ResData.DomainInfo.NS
	var out []string
	for _, h := range ns.HostObj {
		out = append(out, hostName(h))
	}
	for _, h := range ns.HostAttr {
		out = append(out, hostName(h.HostName))
	}
	return out, nil
}

func hostName(s string) string { return strings.TrimSuffix(strings.ToLower(strings.TrimSpace(s)), ".") }

// SetDelegation implements panel.Registry: domain:info, then the host
// objects the registry lacks (host:check, host:create with glue for names
// inside the domain), then one domain:update adding and removing the
// difference. Nothing is sent when the registry already holds servers.
func (e *EPP) SetDelegation(ctx context.Context, domain string, servers []string) error {
	s, err := e.take(ctx)
	if err != nil {
		return err
	}
	defer e.give(s)
	cur, err := e.infoRetry(ctx, s, domain)
	if err != nil {
		return err
	}
	var add, rem []string
	for _, n := range servers {
		if !slices.Contains(cur, n) {
			add = append(add, n)
		}
	}
	for _, n := range cur {
		if !slices.Contains(servers, n) {
			rem = append(rem, n)
		}
	}
	if len(add) == 0 && len(rem) == 0 {
		return nil
	}
	glue := map[string][]netip.Addr{}
	for _, n := range add {
		if inBailiwick(n, domain) {
			addrs, err := e.cfg.Glue(ctx, n)
			if err == nil && len(addrs) == 0 {
				err = errors.New("no address")
			}
			if err != nil {
				return fmt.Errorf("epp: glue of %s (inside %s): %w", n, domain, err)
			}
			glue[n] = addrs
		}
	}
	if s.hostObjects && len(add) > 0 {
		if err := e.ensureHosts(ctx, s, add, glue); err != nil {
			return err
		}
	}
	ns := func(names []string, withGlue bool) string {
		var b strings.Builder
		b.WriteString("<domain:ns>")
		for _, n := range names {
			if s.hostObjects {
				b.WriteString("<domain:hostObj>" + esc(n) + "</domain:hostObj>")
				continue
			}
			b.WriteString("<domain:hostAttr><domain:hostName>" + esc(n) + "</domain:hostName>")
			if withGlue {
				b.WriteString(addrElems("domain:hostAddr", glue[n]))
			}
			b.WriteString("</domain:hostAttr>")
		}
		b.WriteString("</domain:ns>")
		return b.String()
	}
	body := `<update><domain:update xmlns:domain="` + NSDomain + `"><domain:name>` + esc(domain) + `</domain:name>`
	if len(add) > 0 {
		body += "<domain:add>" + ns(add, true) + "</domain:add>"
	}
	if len(rem) > 0 {
		body += "<domain:rem>" + ns(rem, false) + "</domain:rem>"
	}
	body += "</domain:update></update>"
	_, err = e.command(ctx, s, "domain:update", body)
	return err
}

// ensureHosts creates the host objects of names the registry does not
// have (RFC 5731: a hostObj must exist), with glue for in-bailiwick ones.
func (e *EPP) ensureHosts(ctx context.Context, s *eppSession, names []string, glue map[string][]netip.Addr) error {
	var b strings.Builder
	b.WriteString(`<check><host:check xmlns:host="` + NSHost + `">`)
	for _, n := range names {
		b.WriteString("<host:name>" + esc(n) + "</host:name>")
	}
	b.WriteString("</host:check></check>")
	r, err := e.command(ctx, s, "host:check", b.String())
	if err != nil {
		return err
	}
	if r.Response.ResData == nil || r.Response.ResData.HostCheck == nil {
		return errors.New("epp host:check: no host:chkData in the response")
	}
	for _, cd := range r.Response.ResData.HostCheck.CD {
		if !xmlBool(cd.Name.Avail) {
			continue // exists (ours or another registrar's: usable either way)
		}
		n := hostName(cd.Name.Value)
		body := `<create><host:create xmlns:host="` + NSHost + `"><host:name>` + esc(n) + `</host:name>` +
			addrElems("host:addr", glue[n]) + `</host:create></create>`
		if _, err := e.command(ctx, s, "host:create", body); err != nil {
			var ee *EPPError
			if errors.As(err, &ee) && ee.Code == 2302 {
				continue // created meanwhile (another session, another node)
			}
			return err
		}
	}
	return nil
}

func addrElems(elem string, addrs []netip.Addr) string {
	var b strings.Builder
	for _, a := range addrs {
		ip := "v4"
		if !a.Unmap().Is4() {
			ip = "v6"
		}
		b.WriteString("<" + elem + ` ip="` + ip + `">` + a.Unmap().String() + "</" + elem + ">")
	}
	return b.String()
}

// inBailiwick reports whether host is inside domain (needs glue).
func inBailiwick(host, domain string) bool {
	return strings.HasSuffix(host, "."+domain)
}

func xmlBool(s string) bool { s = strings.TrimSpace(s); return s == "1" || s == "true" }

func esc(s string) string {
	var b bytes.Buffer
	xml.EscapeText(&b, []byte(s))
	return b.String()
}

// writeFrame writes one RFC 5734 data unit: a 32-bit big-endian total
// length (the 4 header bytes included) and the XML.
func writeFrame(w io.Writer, b []byte) error {
	buf := make([]byte, 4+len(b))
	binary.BigEndian.PutUint32(buf, uint32(4+len(b)))
	copy(buf[4:], b)
	_, err := w.Write(buf)
	return err
}

// readFrame reads one RFC 5734 data unit.
func readFrame(r io.Reader) ([]byte, error) {
	var h [4]byte
	if _, err := io.ReadFull(r, h[:]); err != nil {
		return nil, err
	}
	n := binary.BigEndian.Uint32(h[:])
	if n < 4 || n > MaxFrame {
		return nil, fmt.Errorf("epp: frame length %d out of bounds", n)
	}
	b := make([]byte, n-4)
	if _, err := io.ReadFull(r, b); err != nil {
		return nil, err
	}
	return b, nil
}

// WriteFrame and ReadFrame are the framing, exported for the test
// registry (internal/testpeer/eppreg).
func WriteFrame(w io.Writer, b []byte) error { return writeFrame(w, b) }

// ReadFrame reads one frame; see WriteFrame.
func ReadFrame(r io.Reader) ([]byte, error) { return readFrame(r) }

type eppGreeting struct {
	ObjURIs []string
	ExtURIs []string
	Langs   []string
}

func parseGreeting(raw []byte) (*eppGreeting, error) {
	var g struct {
		XMLName  xml.Name `xml:"urn:ietf:params:xml:ns:epp-1.0 epp"`
		Greeting *struct {
			SvID    string `xml:"svID"`
			SvcMenu struct {
				Version []string `xml:"version"`
				Lang    []string `xml:"lang"`
				ObjURI  []string `xml:"objURI"`
				ExtURI  []string `xml:"svcExtension>extURI"`
			} `xml:"svcMenu"`
		} `xml:"greeting"`
	}
	if err := xml.Unmarshal(raw, &g); err != nil {
		return nil, fmt.Errorf("epp: greeting: %w", err)
	}
	if g.Greeting == nil {
		return nil, errors.New("epp: expected a greeting")
	}
	if !slices.Contains(g.Greeting.SvcMenu.Version, "1.0") {
		return nil, fmt.Errorf("epp: the registry offers versions %v, not 1.0", g.Greeting.SvcMenu.Version)
	}
	out := &eppGreeting{Langs: g.Greeting.SvcMenu.Lang}
	for _, u := range g.Greeting.SvcMenu.ObjURI {
		out.ObjURIs = append(out.ObjURIs, strings.TrimSpace(u))
	}
	for _, u := range g.Greeting.SvcMenu.ExtURI {
		out.ExtURIs = append(out.ExtURIs, strings.TrimSpace(u))
	}
	return out, nil
}

type eppResponse struct {
	XMLName  xml.Name `xml:"urn:ietf:params:xml:ns:epp-1.0 epp"`
	Response *struct {
		Results []struct {
			Code   int    `xml:"code,attr"`
			Msg    string `xml:"msg"`
			Values []struct {
				Inner []byte `xml:",innerxml"`
			} `xml:"value"`
			ExtValues []struct {
				Reason string `xml:"reason"`
			} `xml:"extValue"`
		} `xml:"result"`
		ResData *struct {
			DomainInfo *struct {
				Name string `xml:"name"`
				NS   struct {
					HostObj  []string `xml:"hostObj"`
					HostAttr []struct {
						HostName string `xml:"hostName"`
					} `xml:"hostAttr"`
				} `xml:"ns"`
			} `xml:"urn:ietf:params:xml:ns:domain-1.0 infData"`
			HostCheck *struct {
				CD []struct {
					Name struct {
						Avail string `xml:"avail,attr"`
						Value string `xml:",chardata"`
					} `xml:"name"`
				} `xml:"cd"`
			} `xml:"urn:ietf:params:xml:ns:host-1.0 chkData"`
		} `xml:"resData"`
		Extension *struct {
			SecDNSInfo *struct {
				DSData []eppDSData `xml:"dsData"`
			} `xml:"urn:ietf:params:xml:ns:secDNS-1.1 infData"`
		} `xml:"extension"`
		TrID struct {
			ClTRID string `xml:"clTRID"`
			SvTRID string `xml:"svTRID"`
		} `xml:"trID"`
	} `xml:"response"`
}

// eppDSData is a secDNS:dsData (RFC 5910 section 4.1).
type eppDSData struct {
	KeyTag     uint16 `xml:"keyTag"`
	Alg        uint8  `xml:"alg"`
	DigestType uint8  `xml:"digestType"`
	Digest     string `xml:"digest"`
}
