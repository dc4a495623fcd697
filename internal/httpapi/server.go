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
	"sync"
	"sync/atomic"
	"time"

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
	// DeviceModes is the mode of each device kind on this node
	// ("firewall": "real", "sim" or "none"); GET /api/docs notes, per
	// module, the kinds this node simulates (ModuleDevices). Set before
	// serving.
	DeviceModes map[string]string

	handlers map[string]handlerFunc // by "module/command"
	mux      *http.ServeMux
	metrics  map[string]*cmdMetrics // by "module/command"
	unknown  *cmdMetrics
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
	s.metrics = make(map[string]*cmdMetrics)
	for _, c := range spec.All() {
		s.metrics[c.Path()] = newCmdMetrics(c.Path())
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
	w.Header().Set("X-Request-Id", requestID(r))
	s.mux.ServeHTTP(w, r)
}

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
	metrics    *cmdMetrics // nil: the unknown command's
	// audit is the pending audit entry of a journaled command (audit.go).
	audit *store.PendingAudit
}

func (s *Server) serveUnknown(w http.ResponseWriter, r *http.Request) {
	x := &exchange{requestID: responseID(w, r), status: http.StatusOK}
	start := time.Now()
	s.writeError(w, x, apperr.New(apperr.CodeUnknownCommand))
	s.logAccess(r, x, start)
}

func (s *Server) serveCommand(w http.ResponseWriter, r *http.Request) {
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

	cmd, ok := spec.Lookup(r.PathValue("module"), r.PathValue("command"))
	if !ok {
		s.writeError(w, x, apperr.New(apperr.CodeUnknownCommand))
		return
	}
	x.metrics = s.metrics[cmd.Path()]
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		x.status = http.StatusMethodNotAllowed
		s.writeError(w, x, apperr.New(apperr.CodeMethodNotAllowed))
		return
	}
	addr := s.clientAddr(r)
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
	customerID, err := s.authenticate(ctx, params)
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
	h, ok := s.handlers[cmd.Path()]
	if !ok {
		s.writeError(w, x, apperr.New(apperr.CodeNotImplemented))
		return
	}
	ctx = s.startAudit(ctx, x, cmd, params, addr)
	if err := checkParams(cmd, params); err != nil {
		s.finishAudit(x, err)
		s.writeError(w, x, err)
		return
	}
	resp, err := h(ctx, &call{cmd: cmd, params: params, customerID: customerID})
	s.finishAudit(x, err)
	if apperr.Is(err, apperr.CodeInstancePasswordIncorrect) && s.Guard.Fail(addr) {
		// A wrong instance password counts as a failed login.
		metrics.LoginBlocks.Inc()
	}
	if err != nil {
		s.writeError(w, x, err)
		return
	}
	s.writeSuccess(w, x, resp)
}

// authenticate reads id and api_key. A missing or malformed id is a failed
// login like a wrong key.
func (s *Server) authenticate(ctx context.Context, params *form.Value) (int64, error) {
	idText := params.Get("id").String()
	key := params.Get("api_key").String()
	id, err := strconv.ParseInt(idText, 10, 64)
	if err != nil || id <= 0 {
		// Hash anyway so a malformed id costs what a wrong key does.
		panel.HashAPIKey(key)
		return 0, apperr.New(apperr.CodeAuthorizationFailed)
	}
	return s.Panel.Authenticate(ctx, id, key)
}

func (s *Server) tooManyFailures(w http.ResponseWriter, x *exchange, wait time.Duration) {
	secs := int64((wait + time.Second - 1) / time.Second)
	w.Header().Set("Retry-After", strconv.FormatInt(secs, 10))
	x.status = http.StatusTooManyRequests
	metrics.BlockedRequests.Inc()
	s.writeError(w, x, apperr.New(apperr.CodeTooManyFailedLogins))
}

// writeSuccess writes {"success":true, ...resp}. resp must encode as a JSON
// object (or be nil).
func (s *Server) writeSuccess(w http.ResponseWriter, x *exchange, resp any) {
	body := []byte(`{"success":true}`)
	if resp != nil {
		b, err := json.Marshal(resp)
		if err != nil || len(b) < 2 || b[0] != '{' {
			s.writeError(w, x, apperr.Internal(apperr.CodeInternal, errors.New("encode answer: not a JSON object")))
			return
		}
		if len(b) == 2 { // {}
			b = body
		} else {
			b = append(b[:len(b)-1], `,"success":true}`...)
		}
		body = b
	}
	writeJSON(w, x.status, body)
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

func writeJSON(w http.ResponseWriter, status int, body []byte) {
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	w.Write(body)
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
			Status: x.status, Code: x.code, CustomerID: x.customerID, Remote: s.clientAddr(r), Duration: now.Sub(start)})
		return
	}
	s.Logger.LogAttrs(r.Context(), slog.LevelInfo, "request",
		slog.String("request_id", x.requestID),
		slog.String("method", r.Method),
		slog.String("path", r.URL.Path),
		slog.Int("status", x.status),
		slog.String("code", x.code),
		slog.Int64("customer_id", x.customerID),
		slog.String("remote", s.clientAddr(r)),
		slog.Duration("duration", now.Sub(start)),
	)
}

// requestID returns the client's X-Request-Id when it is short and safe, or
// a new random id.
func requestID(r *http.Request) string {
	if id := r.Header.Get("X-Request-Id"); id != "" && len(id) <= 64 && safeID(id) {
		return id
	}
	var b [8]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
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
