// Package httpapi is the HTTP adapter of the Artnet API: it decodes
// PHP-style form bodies against the command catalogue, authenticates the
// customer, throttles failed logins, calls the panel and writes the JSON
// envelope the documented API uses.
//
// Answered commands use HTTP 200 whether they succeed or not (clients of the
// original service read "success"); transport failures (405, 413, 429) carry
// the same JSON envelope with their own codes.
package httpapi

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/netip"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/artnet-panel/artnet-panel/internal/accesslog"
	"github.com/artnet-panel/artnet-panel/internal/apperr"
	"github.com/artnet-panel/artnet-panel/internal/form"
	"github.com/artnet-panel/artnet-panel/internal/metrics"
	"github.com/artnet-panel/artnet-panel/internal/panel"
	"github.com/artnet-panel/artnet-panel/internal/spec"
	"github.com/artnet-panel/artnet-panel/internal/store"
	"github.com/prometheus/client_golang/prometheus"
)

// Server serves the API. Create it with New; set Ready when the process is
// ready to answer (GET /healthz answers 503 until then).
type Server struct {
	Panel  *panel.Panel
	Logger *slog.Logger
	Limits form.Limits
	Guard  *LoginGuard
	Ready  atomic.Bool
	// AccessLog, when set, receives the access log (buffered); nil: the
	// access log lines go through Logger.
	AccessLog *accesslog.Writer
	// TrustedProxies are the reverse proxies whose X-Forwarded-For is
	// believed (clientaddr.go); empty: the header is ignored.
	TrustedProxies []netip.Prefix
	// Notes are the operator's word on how this node answers commands
	// ("module/command" → text), shown in /api/docs and
	// /api/openapi.json (x-server-note). Set before serving.
	Notes map[string]string
	// RateLimit, when set, limits each key's and each customer's
	// requests (ratelimit.go): over the limit the answer is HTTP 429
	// rate-limited with Retry-After.
	RateLimit *RateLimiter
	// IdempotencyFailpoint, when set, is called after a command sent with
	// an Idempotency-Key has run and before its answer is stored and
	// written (artnetd: ARTNETD_FAILPOINT=idempotency-answer kills the
	// process there, for the crash test).
	IdempotencyFailpoint func(path string)
	// DeviceModes is the mode of each device kind on this node
	// ("firewall": "real", "sim" or "none"); GET /api/docs notes, per
	// module, the kinds this node simulates (ModuleDevices). Set before
	// serving.
	DeviceModes map[string]string

	handlers map[string]handlerFunc // by "module/command"
	mux      *http.ServeMux
	commands map[string]*command // by "module/command"
	unknown  *cmdMetrics
}

// command is what a request of one catalogued command needs, resolved
// once: its catalogue entry, its metrics and its handler (nil: not
// implemented or disabled).
type command struct {
	cmd     spec.Command
	path    string
	metrics *cmdMetrics
	handler handlerFunc
}

// cmdMetrics are one command's Prometheus series, resolved once so that a
// request does not hash label values.
type cmdMetrics struct {
	command string
	dur     prometheus.Observer
	ok      prometheus.Counter
	codes   sync.Map // error code → prometheus.Counter
}

func newCmdMetrics(command string) *cmdMetrics {
	return &cmdMetrics{command: command, dur: metrics.RequestDuration.WithLabelValues(command),
		ok: metrics.Requests.WithLabelValues(command, "ok")}
}

func (m *cmdMetrics) record(code string, d time.Duration) {
	m.dur.Observe(d.Seconds())
	if code == "" {
		m.ok.Inc()
		return
	}
	c, ok := m.codes.Load(code)
	if !ok {
		c, _ = m.codes.LoadOrStore(code, metrics.Requests.WithLabelValues(m.command, code))
	}
	c.(prometheus.Counter).Inc()
}

// New returns a Server for p with the default limits and login guard.
func New(p *panel.Panel, logger *slog.Logger) *Server {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	s := &Server{
		Panel:  p,
		Logger: logger,
		Limits: form.Limits{MaxParams: 20_000, MaxDepth: 8, MaxBytes: 1 << 20},
		Guard:  NewLoginGuard(),
	}
	s.handlers = s.routes()
	s.commands = make(map[string]*command)
	for _, c := range spec.All() {
		path := c.Path()
		s.commands[path] = &command{cmd: c, path: path, metrics: newCmdMetrics(path), handler: s.handlers[path]}
	}
	s.unknown = newCmdMetrics("unknown")
	s.mux = http.NewServeMux()
	s.mux.HandleFunc("/api/{module}/{command}", s.serveCommand)
	s.mux.HandleFunc("/panel/api/{module}/{command}", s.serveCommand)
	s.mux.HandleFunc("/api/", s.serveUnknown)
	s.mux.HandleFunc("/panel/api/", s.serveUnknown)
	s.mux.HandleFunc("GET /healthz", s.serveHealth)
	s.mux.HandleFunc("GET /api/openapi.json", s.serveOpenAPI)
	s.mux.HandleFunc("GET /api/docs", s.serveDocs)
	s.mux.HandleFunc("GET /manage", s.serveManage) // manage.go
	return s
}

// ServeHTTP implements http.Handler. Every response carries X-Request-Id:
// the client's, when it sent a short safe one, or a new random id.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header()["X-Request-Id"] = requestIDValue(r)
	if path, ok := commandPath(r); ok {
		s.serveCommandPath(w, r, path)
		return
	}
	s.mux.ServeHTTP(w, r)
}

// commandPath returns "module/command" of a POST to /api/module/command or
// /panel/api/module/command whose path the mux would route to serveCommand
// as it is: plain characters only (nothing escaped, nothing to unescape),
// two non-empty segments that are neither "." nor "..", so nothing to
// clean or redirect. Such a request skips the mux (and the allocation of
// its wildcard values); any other goes through it.
func commandPath(r *http.Request) (string, bool) {
	if r.Method != http.MethodPost || r.URL == nil || r.URL.RawPath != "" {
		return "", false
	}
	p := r.URL.Path
	switch {
	case strings.HasPrefix(p, "/api/"):
		p = p[len("/api/"):]
	case strings.HasPrefix(p, "/panel/api/"):
		p = p[len("/panel/api/"):]
	default:
		return "", false
	}
	slash := -1
	for i := 0; i < len(p); i++ {
		switch c := p[i]; {
		case c == '/':
			if slash >= 0 {
				return "", false
			}
			slash = i
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '-', c == '_', c == '.':
		default:
			return "", false
		}
	}
	if slash < 0 || !plainSegment(p[:slash]) || !plainSegment(p[slash+1:]) {
		return "", false
	}
	return p, true
}

func plainSegment(s string) bool { return s != "" && s != "." && s != ".." }

// responseID returns the request id ServeHTTP put on the response (or sets
// one, for a handler called directly).
func responseID(w http.ResponseWriter, r *http.Request) string {
	id := w.Header().Get("X-Request-Id")
	if id == "" {
		id = requestID(r)
		w.Header().Set("X-Request-Id", id)
	}
	return id
}

// Disable turns commands off: they answer not-implemented, as if they had
// not landed, and the OpenAPI document and the docs page say so. Each name
// is a module ("cloud-instance") or one command ("vps/power-on"); an
// operator who does not sell a product turns its module off (artnetd serve
// --disable-commands). Call it before serving. It returns an error naming
// the first unknown name and then disables nothing.
func (s *Server) Disable(names ...string) error {
	var paths []string
	for _, name := range names {
		n := len(paths)
		for _, c := range spec.All() {
			if c.Path() == name || c.Module == name {
				paths = append(paths, c.Path())
			}
		}
		if len(paths) == n {
			return fmt.Errorf("no command or module %q in the catalogue", name)
		}
	}
	for _, p := range paths {
		delete(s.handlers, p)
		s.commands[p].handler = nil
	}
	return nil
}

// Implemented reports whether the command has landed and is not disabled
// (the others answer not-implemented).
func (s *Server) Implemented(path string) bool {
	_, ok := s.handlers[path]
	return ok
}

func (s *Server) serveHealth(w http.ResponseWriter, r *http.Request) {
	if !s.Ready.Load() {
		http.Error(w, "starting", http.StatusServiceUnavailable)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Write([]byte("ok\n"))
}

// exchange is the state of one API request, for the access log.
type exchange struct {
	requestID  string
	status     int
	code       string // error code answered, "" on success
	customerID int64
	keyID      int64       // the sub-key's public id (0: the main key)
	remote     string      // the client's address, once known
	metrics    *cmdMetrics // nil: the unknown command's
	// audit is the pending audit entry of a journaled command (audit.go).
	audit *store.PendingAudit
}

// clientAddr returns s.clientAddr(r), found once.
func (x *exchange) clientAddr(s *Server, r *http.Request) string {
	if x.remote == "" {
		x.remote = s.clientAddr(r)
	}
	return x.remote
}

func (s *Server) serveUnknown(w http.ResponseWriter, r *http.Request) {
	x := &exchange{requestID: responseID(w, r), status: http.StatusOK}
	start := time.Now()
	s.writeError(w, x, apperr.New(apperr.CodeUnknownCommand))
	s.logAccess(r, x, start)
}

func (s *Server) serveCommand(w http.ResponseWriter, r *http.Request) {
	s.serveCommandPath(w, r, r.PathValue("module")+"/"+r.PathValue("command"))
}

// serveCommandPath answers the command at path ("module/command"; neither
// part contains a slash once the path has been split, so a path with more
// than one slash names no command).
func (s *Server) serveCommandPath(w http.ResponseWriter, r *http.Request, path string) {
	start := time.Now()
	x := &exchange{requestID: responseID(w, r), status: http.StatusOK}
	defer s.logAccess(r, x, start)
	defer func() {
		// A bug must not cost the client its connection or leak a trace:
		// answer internal-error and log the panic with the request id.
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				panic(v)
			}
			x.status = http.StatusInternalServerError
			err := apperr.Internal(apperr.CodeInternal, fmt.Errorf("panic: %v\n%s", v, debug.Stack()))
			s.finishAudit(x, err)
			s.writeError(w, x, err)
		}
	}()

	c := s.commands[path]
	if c == nil {
		s.writeError(w, x, apperr.New(apperr.CodeUnknownCommand))
		return
	}
	cmd := c.cmd
	x.metrics = c.metrics
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		x.status = http.StatusMethodNotAllowed
		s.writeError(w, x, apperr.New(apperr.CodeMethodNotAllowed))
		return
	}
	addr := s.clientAddr(r)
	x.remote = addr
	if wait := s.Guard.Blocked(addr); wait > 0 {
		s.tooManyFailures(w, x, wait)
		return
	}
	params, err := form.ParseRequest(r, s.Limits)
	if err != nil {
		switch {
		case errors.Is(err, form.ErrTooLarge):
			x.status = http.StatusRequestEntityTooLarge
			s.writeError(w, x, apperr.New(apperr.CodeRequestTooLarge))
		case errors.Is(err, form.ErrTooManyParams):
			x.status = http.StatusRequestEntityTooLarge
			s.writeError(w, x, apperr.New(apperr.CodeTooManyParameters))
		default:
			x.status = http.StatusBadRequest
			s.writeError(w, x, apperr.New(apperr.CodeMalformedRequest))
		}
		return
	}
	ctx := r.Context()
	principal, err := s.authenticate(ctx, params)
	customerID := principal.CustomerID
	if err != nil {
		if apperr.Is(err, apperr.CodeAuthorizationFailed) {
			metrics.FailedLogins.Inc()
			if s.Guard.Fail(addr) {
				metrics.LoginBlocks.Inc()
			}
		}
		s.writeError(w, x, err)
		return
	}
	x.customerID = customerID
	x.keyID = principal.KeyID()
	if s.RateLimit != nil {
		if ok, wait := s.RateLimit.Allow(customerID, x.keyID); !ok {
			secs := max(1, int64((wait+time.Second-1)/time.Second))
			w.Header().Set("Retry-After", strconv.FormatInt(secs, 10))
			x.status = http.StatusTooManyRequests
			metrics.RateLimited.Inc()
			s.writeError(w, x, apperr.New(apperr.CodeRateLimited))
			return
		}
	}
	if c.handler == nil {
		s.writeError(w, x, apperr.New(apperr.CodeNotImplemented))
		return
	}
	ctx, err = s.prepare(ctx, x, c, principal, params)
	if err != nil {
		s.writeError(w, x, err)
		return
	}
	run := func(w http.ResponseWriter) {
		resp, err := s.execute(ctx, x, c, principal, params)
		if err != nil {
			s.writeError(w, x, err)
			return
		}
		s.writeSuccess(w, x, resp)
	}
	if cmd.IdempotencyKey {
		if keys := r.Header.Values(idempotencyHeader); len(keys) > 0 {
			s.serveIdempotent(ctx, w, x, cmd, params, keys, run)
			return
		}
	}
	run(w)
}

// prepare does what comes before a command's handler once its caller is
// known: the sub-key's limits (a refusal is journaled), the pending audit
// entry of a journaled command (in the returned context) and the check of
// the parameters against the catalogue (a failure is journaled). x.remote
// is the client's address.
func (s *Server) prepare(ctx context.Context, x *exchange, c *command, principal panel.Principal, params *form.Value) (context.Context, error) {
	cmd := c.cmd
	if err := s.Panel.Authorize(principal, cmd, func(name string) (string, bool) {
		v := params.Get(name)
		if !present(v) {
			return "", false
		}
		return v.String(), true
	}, x.remote); err != nil {
		// A sub-key outside its limits: nothing is done, the refusal is
		// journaled (read commands too).
		s.journalRefusal(x, cmd, params, x.remote, err)
		return ctx, err
	}
	ctx = s.startAudit(ctx, x, cmd, params, x.remote)
	if err := checkParams(cmd, params); err != nil {
		s.finishAudit(x, err)
		return ctx, err
	}
	return ctx, nil
}

// execute runs the command's handler (ctx from prepare) and writes the
// audit row. A wrong instance password counts as a failed login.
func (s *Server) execute(ctx context.Context, x *exchange, c *command, principal panel.Principal, params *form.Value) (any, error) {
	resp, err := c.handler(ctx, &call{cmd: c.cmd, params: params, customerID: principal.CustomerID, principal: principal})
	s.finishAudit(x, err)
	if err != nil && apperr.Is(err, apperr.CodeInstancePasswordIncorrect) && s.Guard.Fail(x.remote) {
		metrics.LoginBlocks.Inc()
	}
	return resp, err
}

// authenticate reads id and api_key (the main key or a sub-key). A missing
// or malformed id is a failed login like a wrong key.
func (s *Server) authenticate(ctx context.Context, params *form.Value) (panel.Principal, error) {
	idText := params.Get("id").String()
	key := params.Get("api_key").String()
	id, err := strconv.ParseInt(idText, 10, 64)
	if err != nil || id <= 0 {
		// Hash anyway so a malformed id costs what a wrong key does.
		panel.HashAPIKey(key)
		return panel.Principal{}, apperr.New(apperr.CodeAuthorizationFailed)
	}
	return s.Panel.AuthenticateKey(ctx, id, key)
}

func (s *Server) tooManyFailures(w http.ResponseWriter, x *exchange, wait time.Duration) {
	secs := int64((wait + time.Second - 1) / time.Second)
	w.Header().Set("Retry-After", strconv.FormatInt(secs, 10))
	x.status = http.StatusTooManyRequests
	metrics.BlockedRequests.Inc()
	s.writeError(w, x, apperr.New(apperr.CodeTooManyFailedLogins))
}

// successBody is the answer of a command that answers nothing else.
var successBody = []byte(`{"success":true}`)

// jsonAppender is an answer that encodes itself as json.Marshal would,
// without reflection (artnet.ServiceDetailsResponse, ...).
type jsonAppender interface {
	AppendJSON(b []byte) ([]byte, error)
}

// bodyPool holds the buffers answers are encoded into; w.Write copies them.
var bodyPool = sync.Pool{New: func() any { b := make([]byte, 0, 1024); return &b }}

// writeSuccess writes {"success":true, ...resp}. resp must encode as a JSON
// object (or be nil).
func (s *Server) writeSuccess(w http.ResponseWriter, x *exchange, resp any) {
	if resp == nil {
		writeJSON(w, x.status, successBody)
		return
	}
	var b []byte
	var err error
	var bp *[]byte
	if a, ok := resp.(jsonAppender); ok {
		bp = bodyPool.Get().(*[]byte)
		b, err = a.AppendJSON((*bp)[:0])
	} else {
		b, err = json.Marshal(resp)
	}
	switch {
	case err != nil || len(b) < 2 || b[0] != '{':
		s.writeError(w, x, apperr.Internal(apperr.CodeInternal, errors.New("encode answer: not a JSON object")))
	case len(b) == 2: // {}
		writeJSON(w, x.status, successBody)
	default:
		b = append(b[:len(b)-1], `,"success":true}`...)
		writeJSON(w, x.status, b)
	}
	if bp != nil && cap(b) <= 64<<10 {
		*bp = b[:0]
		bodyPool.Put(bp)
	}
}

type errorEnvelope struct {
	Success bool      `json:"success"`
	Error   errorBody `json:"error"`
}

type errorBody struct {
	Code          string             `json:"code"`
	Description   apperr.Description `json:"description"`
	ErrorsDetails []apperr.ItemError `json:"errors_details,omitempty"`
}

// writeError answers err. Application errors are answered with their code;
// anything else (and the cause of internal-* codes) is logged with the
// request id and answered as a generic internal error.
func (s *Server) writeError(w http.ResponseWriter, x *exchange, err error) {
	var ae *apperr.Error
	if !errors.As(err, &ae) {
		ae = apperr.Internal(apperr.CodeInternal, err)
	}
	if ae.Cause != nil {
		s.Logger.Error("internal error", "request_id", x.requestID, "code", ae.Code, "err", ae.Cause.Error())
	}
	x.code = ae.Code
	body, _ := json.Marshal(errorEnvelope{Error: errorBody{
		Code:          ae.Code,
		Description:   apperr.Describe(ae.Code, ae.Detail),
		ErrorsDetails: ae.Details,
	}})
	writeJSON(w, x.status, body)
}

// contentTypeJSON is the Content-Type of every answer: one slice shared
// by all responses (a header value is only read; net/http copies the
// header before writing it, and appending to it reallocates).
var contentTypeJSON = []string{"application/json; charset=utf-8"}

func writeJSON(w http.ResponseWriter, status int, body []byte) {
	h := w.Header()
	h["Content-Type"] = contentTypeJSON
	h["Content-Length"] = contentLength(len(body))
	w.WriteHeader(status)
	w.Write(body)
}

// contentLengths caches the Content-Length values of the usual answer
// sizes, filled as they are met.
var contentLengths [4096]atomic.Pointer[[]string]

// contentLength returns the header value of a body of n bytes.
func contentLength(n int) []string {
	if n >= len(contentLengths) {
		return []string{strconv.Itoa(n)}
	}
	if v := contentLengths[n].Load(); v != nil {
		return *v
	}
	v := []string{strconv.Itoa(n)}
	contentLengths[n].Store(&v)
	return v
}

// logAccess writes the structured access log line. It never contains
// parameters: api_key values and passwords stay out of the log.
// It also records the request's metrics.
func (s *Server) logAccess(r *http.Request, x *exchange, start time.Time) {
	now := time.Now()
	m := x.metrics
	if m == nil {
		m = s.unknown
	}
	m.record(x.code, now.Sub(start))
	if s.AccessLog != nil {
		s.AccessLog.Log(accesslog.Entry{Time: now, RequestID: x.requestID, Method: r.Method, Path: r.URL.Path,
			Status: x.status, Code: x.code, CustomerID: x.customerID, Remote: x.clientAddr(s, r), Duration: now.Sub(start)})
		return
	}
	s.Logger.LogAttrs(r.Context(), slog.LevelInfo, "request",
		slog.String("request_id", x.requestID),
		slog.String("method", r.Method),
		slog.String("path", r.URL.Path),
		slog.Int("status", x.status),
		slog.String("code", x.code),
		slog.Int64("customer_id", x.customerID),
		slog.String("remote", x.clientAddr(s, r)),
		slog.Duration("duration", now.Sub(start)),
	)
}

// requestID returns the client's X-Request-Id when it is short and safe, or
// a new random id.
func requestID(r *http.Request) string { return requestIDValue(r)[0] }

// newID is a new request id and the header value holding it, in one
// allocation.
type newID struct {
	value [1]string
	text  [16]byte
}

// requestIDValue returns the X-Request-Id header value of requestID.
func requestIDValue(r *http.Request) []string {
	if r == nil {
		// a new id (Invoke without one)
	} else if id := r.Header.Get("X-Request-Id"); id != "" && len(id) <= 64 && safeID(id) {
		return []string{id}
	}
	var b [8]byte
	rand.Read(b[:])
	n := new(newID)
	hex.Encode(n.text[:], b[:])
	n.value[0] = unsafe.String(&n.text[0], len(n.text)) // text is never written again
	return n.value[:]
}

func safeID(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}
