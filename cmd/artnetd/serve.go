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
	"os"
	"strings"
	"time"

	"github.com/artnet-panel/artnet-panel/internal/demo"
	"github.com/artnet-panel/artnet-panel/internal/httpapi"
	"github.com/artnet-panel/artnet-panel/internal/panel"
	"github.com/artnet-panel/artnet-panel/internal/store"
	"github.com/artnet-panel/artnet-panel/internal/store/postgres"
	"github.com/artnet-panel/artnet-panel/internal/store/sqlite"
)

// Main is one running artnetd server. Run starts it; Close stops it.
// Tests run it on port 0 and read Addr.
type Main struct {
	DB       string // sqlite:PATH or postgres://...
	HTTPAddr string
	DNSAddr  string
	Demo     bool
	Stdout   io.Writer
	Logger   *slog.Logger

	store  store.Store
	api    *httpapi.Server
	server *http.Server
	ln     net.Listener
	done   chan error
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
	if m.DNSAddr != "" {
		return errors.New("--dns: the DNS server is not part of this build yet (it lands with the DNS hosting issue)")
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
	m.api = httpapi.New(panel.New(st), m.Logger)
	m.ln, err = net.Listen("tcp", m.HTTPAddr)
	if err != nil {
		st.Close()
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

// Addr returns the HTTP listen address (useful with port 0).
func (m *Main) Addr() string { return m.ln.Addr().String() }

// Close stops accepting requests, lets in-flight ones finish (up to 30
// seconds), and closes the database.
func (m *Main) Close() error {
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
	fs.StringVar(&m.DNSAddr, "dns", env("ARTNETD_DNS", ""), "DNS listen address (empty: off)")
	fs.BoolVar(&m.Demo, "demo", envBool("ARTNETD_DEMO"), "seed a demo customer into an empty database")
	if err := fs.Parse(args); err != nil {
		return errUsage
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
