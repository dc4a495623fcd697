package web

import (
	"embed"
	"io/fs"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/artnet-panel/artnet-panel/internal/httpapi"
	"github.com/artnet-panel/artnet-panel/internal/store"
)

//go:embed static
var staticFS embed.FS

// Server is the web panel. Create it with New and mount it with Routes
// (artnetd serves it on its HTTP address beside the API: see APIPath).
type Server struct {
	// API runs every command a page calls (Invoke): the same validation,
	// errors, isolation and audit journal as the JSON API.
	API    *httpapi.Server
	Store  store.Store
	Logger *slog.Logger
	// Guard counts failed sign-ins with the API's failed logins.
	Guard *httpapi.LoginGuard
	// SessionIdle and SessionMax bound a session: it ends after
	// SessionIdle without a request or SessionMax after sign-in.
	SessionIdle, SessionMax time.Duration
	// SecretKey (SecretKeySize bytes) seals the customers' TOTP secrets
	// in the store; nil: two-factor enrolment is refused.
	SecretKey []byte
	// BaseURL is the panel's public URL ("https://panel.example.com"),
	// the start of the links sent by e-mail; "": password reset by e-mail
	// is off.
	BaseURL string
	// Now returns the time (tests may fix it); nil: time.Now.
	Now func() time.Time

	mux  *http.ServeMux
	csrf *http.CrossOriginProtection
	tmpl templates
}

// New returns the web panel over api (its Panel's store, its guard).
func New(api *httpapi.Server, logger *slog.Logger) *Server {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	s := &Server{API: api, Store: api.Panel.Store, Logger: logger, Guard: api.Guard,
		SessionIdle: 30 * time.Minute, SessionMax: 12 * time.Hour}
	s.tmpl = mustParseTemplates()
	s.csrf = http.NewCrossOriginProtection()
	s.csrf.SetDenyHandler(http.HandlerFunc(s.crossOriginDenied))
	s.mux = http.NewServeMux()
	static, _ := fs.Sub(staticFS, "static")
	s.mux.Handle("GET /static/", http.StripPrefix("/static/", staticHandler(static)))
	for _, r := range routes {
		h := r.handler
		if r.public {
			s.mux.HandleFunc(r.pattern, func(w http.ResponseWriter, req *http.Request) { s.servePublic(w, req, h) })
		} else {
			s.mux.HandleFunc(r.pattern, func(w http.ResponseWriter, req *http.Request) { s.serveSignedIn(w, req, h) })
		}
	}
	return s
}

// APIPath reports whether the request path belongs to the JSON API
// (httpapi.Server) rather than to the web panel: /api and /panel/api with
// everything below them, /healthz and /manage. artnetd sends these to the
// API and everything else to the web panel.
func APIPath(p string) bool {
	for _, prefix := range []string{"/api", "/panel/api"} {
		if p == prefix || strings.HasPrefix(p, prefix+"/") {
			return true
		}
	}
	return p == "/healthz" || p == "/manage"
}

// contentSecurityPolicy allows scripts, styles and images from the panel
// itself only: nothing inline, nothing from another origin.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; " +
	"frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'"

// ServeHTTP serves the panel's pages with the security headers every
// answer carries; unsafe methods from another origin are refused
// (CrossOriginProtection).
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Security-Policy", contentSecurityPolicy)
	h.Set("Referrer-Policy", "same-origin")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	s.csrf.Handler(s.mux).ServeHTTP(w, r)
}

// crossOriginDenied answers a cross-origin unsafe request.
func (s *Server) crossOriginDenied(w http.ResponseWriter, r *http.Request) {
	lang := langOf(r.URL.Query().Get("lang"))
	http.Error(w, text(lang, "common.badform"), http.StatusForbidden)
}

// staticHandler serves the embedded files with a cache lifetime.
func staticHandler(files fs.FS) http.Handler {
	fsrv := http.FileServerFS(files)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "" || strings.HasSuffix(r.URL.Path, "/") {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Cache-Control", "public, max-age=3600")
		fsrv.ServeHTTP(w, r)
	})
}

func (s *Server) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}
