package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/netip"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/artnet-panel/artnet-panel/internal/driver/registry"
	"github.com/artnet-panel/artnet-panel/internal/metrics"
	"github.com/artnet-panel/artnet-panel/internal/panel"
)

// RegistryConfig chooses the domain registry of /domain/edit-dns-servers.
type RegistryConfig struct {
	// Kind: "sim" (the simulator, its delegations in the database), "epp"
	// (EPP registries) or
	// "none" (edit-dns-servers answers edit-dns-error); "" is sim with
	// --demo or --simulate, else none.
	Kind string
	// EPP are the EPP registries, each for its TLDs (one without TLDs
	// takes every domain no other one takes).
	EPP []EPPRegistry
	// Reconcile is the period of the delegation reconcile (0: 1h; it also
	// runs at start). Negative: only at start.
	Reconcile time.Duration

	notes  map[string]string // for /api/docs
	passes atomic.Int64      // reconcile passes done
	sim    *registry.Simulator
	epps   []*registry.EPP
	panel  *panel.Panel
	stop   context.CancelFunc
	done   chan struct{}
	kicked chan struct{}
}

// EPPRegistry is one EPP registry's connection settings (flags, or one
// entry of --registry-config).
type EPPRegistry struct {
	TLDs       []string `json:"tlds"`
	Host       string   `json:"host"`
	Port       int      `json:"port"`
	ServerName string   `json:"server_name"` // TLS name (default Host)
	ClientID   string   `json:"client_id"`
	// PasswordEnv names the environment variable holding the password
	// (default ARTNETD_EPP_PASSWORD); Password is filled from it.
	PasswordEnv string        `json:"password_env"`
	Password    string        `json:"-"`
	Cert        string        `json:"cert"` // client certificate (PEM file)
	Key         string        `json:"key"`  // its key (PEM file)
	CA          string        `json:"ca"`   // CA bundle of the registry (PEM file; empty: the system's)
	Sessions    int           `json:"sessions"`
	KeepAlive   time.Duration `json:"-"`
	Timeout     time.Duration `json:"-"`
}

// RegistrySimulator returns the simulator when the node runs one.
func (m *Main) RegistrySimulator() *registry.Simulator { return m.Registry.sim }

// registryFlags defines the registry's flags on fs; the returned function
// checks them into rc once they are parsed. The passwords are read from
// the environment only (ARTNETD_EPP_PASSWORD, or each registry's
// password_env), never from a flag: they stay out of ps.
func registryFlags(fs *flag.FlagSet, rc *RegistryConfig) func() error {
	fs.StringVar(&rc.Kind, "registry", env("ARTNETD_REGISTRY", ""), "domain registry of domain/edit-dns-servers: sim, epp or none (default: sim with --demo or --simulate, else none)")
	host := fs.String("epp-host", env("ARTNETD_EPP_HOST", ""), "with --registry epp: the EPP registry's host")
	port := fs.Int("epp-port", envInt("ARTNETD_EPP_PORT", 700), "the EPP registry's port")
	serverName := fs.String("epp-server-name", env("ARTNETD_EPP_SERVER_NAME", ""), "name checked in the registry's TLS certificate (default: --epp-host)")
	clientID := fs.String("epp-client-id", env("ARTNETD_EPP_CLIENT_ID", ""), "our EPP client id (the password is read from ARTNETD_EPP_PASSWORD only)")
	cert := fs.String("epp-cert", env("ARTNETD_EPP_CERT", ""), "our TLS client certificate (PEM file)")
	key := fs.String("epp-key", env("ARTNETD_EPP_KEY", ""), "the key of --epp-cert (PEM file)")
	ca := fs.String("epp-ca", env("ARTNETD_EPP_CA", ""), "CA bundle the registry's certificate is checked against (PEM file; empty: the system's)")
	tlds := fs.String("epp-tlds", env("ARTNETD_EPP_TLDS", ""), "TLDs (or suffixes: com.pl) of this registry, comma separated (empty: every domain)")
	sessions := fs.Int("epp-sessions", envInt("ARTNETD_EPP_SESSIONS", 1), "EPP sessions kept open to the registry")
	keepAlive := fs.Duration("epp-keepalive", envDuration("ARTNETD_EPP_KEEPALIVE", 5*time.Minute), "an idle EPP session sends <hello> this often")
	timeout := fs.Duration("epp-timeout", envDuration("ARTNETD_EPP_TIMEOUT", 30*time.Second), "time budget of one EPP command")
	config := fs.String("registry-config", env("ARTNETD_REGISTRY_CONFIG", ""), "JSON file of several EPP registries by TLD (see the README)")
	fs.DurationVar(&rc.Reconcile, "registry-reconcile", envDuration("ARTNETD_REGISTRY_RECONCILE", time.Hour), "period of the reconcile of the stored delegations with the registry (also at start)")
	return func() error {
		switch rc.Kind {
		case "", "sim", "none", "epp":
		default:
			return fmt.Errorf("--registry %q: want sim, epp or none", rc.Kind)
		}
		if rc.Reconcile <= 0 {
			return fmt.Errorf("--registry-reconcile %s: want a positive duration such as 1h", rc.Reconcile)
		}
		if *host != "" {
			rc.EPP = append(rc.EPP, EPPRegistry{TLDs: splitList(*tlds), Host: *host, Port: *port, ServerName: *serverName,
				ClientID: *clientID, PasswordEnv: "ARTNETD_EPP_PASSWORD", Cert: *cert, Key: *key, CA: *ca, Sessions: *sessions})
		}
		if *config != "" {
			data, err := os.ReadFile(*config)
			if err != nil {
				return fmt.Errorf("--registry-config: %w", err)
			}
			var f struct {
				Registries []EPPRegistry `json:"registries"`
			}
			dec := json.NewDecoder(strings.NewReader(string(data)))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&f); err != nil {
				return fmt.Errorf("--registry-config %s: %w", *config, err)
			}
			rc.EPP = append(rc.EPP, f.Registries...)
		}
		for i := range rc.EPP {
			r := &rc.EPP[i]
			if r.Host == "" || r.ClientID == "" {
				return fmt.Errorf("EPP registry %d: host and client id are required", i+1)
			}
			if r.Port == 0 {
				r.Port = 700
			}
			if r.PasswordEnv == "" {
				r.PasswordEnv = "ARTNETD_EPP_PASSWORD"
			}
			r.Password = os.Getenv(r.PasswordEnv)
			if r.KeepAlive == 0 {
				r.KeepAlive = *keepAlive
			}
			if r.Timeout == 0 {
				r.Timeout = *timeout
			}
		}
		if rc.Kind == "epp" && len(rc.EPP) == 0 {
			return fmt.Errorf("--registry epp needs --epp-host (or --registry-config)")
		}
		return nil
	}
}

// tlsConfig builds the client TLS configuration of one registry.
func (r EPPRegistry) tlsConfig() (*tls.Config, error) {
	c := &tls.Config{ServerName: r.ServerName, MinVersion: tls.VersionTLS12}
	if c.ServerName == "" {
		c.ServerName = r.Host
	}
	if r.Cert != "" || r.Key != "" {
		pair, err := tls.LoadX509KeyPair(r.Cert, r.Key)
		if err != nil {
			return nil, fmt.Errorf("EPP client certificate: %w", err)
		}
		c.Certificates = []tls.Certificate{pair}
	}
	if r.CA != "" {
		pem, err := os.ReadFile(r.CA)
		if err != nil {
			return nil, fmt.Errorf("EPP CA bundle: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("EPP CA bundle %s: no certificate", r.CA)
		}
		c.RootCAs = pool
	}
	return c, nil
}

// newRegistry returns the panel.Registry of rc's EPP registries (a Router
// by TLD) and the drivers to close.
func newRegistry(rc *RegistryConfig, m *Main, p *panel.Panel) (panel.Registry, []*registry.EPP, error) {
	// Glue of a name server inside its domain: from the zone we host,
	// else from DNS.
	glue := func(ctx context.Context, host string) ([]netip.Addr, error) {
		if addrs, err := p.GlueAddresses(ctx, host); err != nil || len(addrs) > 0 {
			return addrs, err
		}
		return net.DefaultResolver.LookupNetIP(ctx, "ip", host)
	}
	router := &registry.Router{}
	var epps []*registry.EPP
	for _, r := range rc.EPP {
		tc, err := r.tlsConfig()
		if err != nil {
			for _, e := range epps {
				e.Close()
			}
			return nil, nil, err
		}
		e := registry.NewEPP(registry.EPPConfig{
			Addr: net.JoinHostPort(r.Host, strconv.Itoa(r.Port)), ClientID: r.ClientID, Password: r.Password,
			TLS: tc, Sessions: r.Sessions, KeepAlive: r.KeepAlive, Timeout: r.Timeout, Logger: m.Logger, Glue: glue,
		})
		epps = append(epps, e)
		tlds := r.TLDs
		if len(tlds) == 0 {
			tlds = []string{"*"}
		}
		router.Add(e, tlds...)
	}
	return router, epps, nil
}

// registryKind resolves the default of --registry.
func (m *Main) registryKind() string {
	if k := m.Registry.Kind; k != "" {
		return k
	}
	if m.simulate() {
		return "sim"
	}
	return "none"
}

// startRegistry sets the panel's registry and, with EPP, starts the
// reconcile of the stored delegations: at once and every Reconcile.
func (m *Main) startRegistry(p *panel.Panel) error {
	rc := &m.Registry
	switch kind := m.registryKind(); kind {
	case "sim":
		rc.sim = &registry.Simulator{Store: m.store}
		p.Registry = rc.sim
		m.deviceMode("registry", ModeSim, "sim")
	case "none":
		m.deviceMode("registry", ModeNone, "")
		m.Logger.Warn("registry: none configured (--registry none): domain/edit-dns-servers answers edit-dns-error")
		rc.notes = map[string]string{"domain/edit-dns-servers": "no domain registry is configured on this server " +
			"(`artnetd serve --registry none`): the delegation cannot be changed, and this command answers `edit-dns-error`."}
	case "epp":
		reg, epps, err := newRegistry(rc, m, p)
		if err != nil {
			return fmt.Errorf("registry: %w", err)
		}
		rc.epps = epps
		p.Registry = countedRegistry{reg}
		m.deviceMode("registry", ModeReal, "epp")
		for _, r := range rc.EPP {
			m.Logger.Info("registry", "driver", "epp", "host", r.Host, "port", r.Port, "client_id", r.ClientID, "tlds", r.TLDs)
		}
		ctx, cancel := context.WithCancel(context.Background())
		rc.panel, rc.stop, rc.done, rc.kicked = p, cancel, make(chan struct{}), make(chan struct{}, 1)
		go m.reconcileRegistry(ctx)
	default:
		return fmt.Errorf("--registry %q: want sim, epp or none", kind)
	}
	return nil
}

// reconcileRegistry runs the delegation reconcile at start and every
// period (and when kicked).
func (m *Main) reconcileRegistry(ctx context.Context) {
	rc := &m.Registry
	defer close(rc.done)
	period := rc.Reconcile
	if period <= 0 {
		period = time.Hour
	}
	t := time.NewTicker(period)
	defer t.Stop()
	for {
		n, err := rc.panel.RegistryReconcile(ctx)
		if err != nil && ctx.Err() == nil {
			m.Logger.Error("registry: reconcile", "err", err)
		} else if n > 0 {
			m.Logger.Info("registry: reconcile stored the registry's delegation", "domains", n)
		}
		rc.passes.Add(1)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-rc.kicked:
		}
	}
}

// RegistryReconciles returns how many reconcile passes have ended.
func (m *Main) RegistryReconciles() int64 { return m.Registry.passes.Load() }

// KickRegistryReconcile runs the delegation reconcile now (tests).
func (m *Main) KickRegistryReconcile() {
	select {
	case m.Registry.kicked <- struct{}{}:
	default:
	}
}

// stopRegistry stops the reconcile and logs the EPP sessions out.
func (m *Main) stopRegistry() {
	rc := &m.Registry
	if rc.stop != nil {
		rc.stop()
		<-rc.done
		rc.stop = nil
	}
	for _, e := range rc.epps {
		e.Close()
	}
	rc.epps = nil
}

// countedRegistry counts every failed registry call in
// artnet_driver_errors_total{kind="registry"} (but a reconcile's read of
// a domain the registry does not know).
type countedRegistry struct{ panel.Registry }

func countRegistryErr(err error) error {
	if err != nil && !errors.Is(err, panel.ErrDelegationUnknown) {
		metrics.DriverErrors.WithLabelValues("registry").Inc()
	}
	return err
}

func (c countedRegistry) SetDelegation(ctx context.Context, domain string, servers []string) error {
	err := c.Registry.SetDelegation(ctx, domain, servers)
	if err != nil {
		metrics.DriverErrors.WithLabelValues("registry").Inc()
	}
	return err
}

func (c countedRegistry) GetDelegation(ctx context.Context, domain string) ([]string, error) {
	d, err := c.Registry.GetDelegation(ctx, domain)
	return d, countRegistryErr(err)
}

// SetDS passes the DS set to the registry when it holds DS records
// (panel.DSRegistry), counting failures.
func (c countedRegistry) SetDS(ctx context.Context, domain string, ds []panel.DSRecord) error {
	r, ok := c.Registry.(panel.DSRegistry)
	if !ok {
		return countRegistryErr(errors.New("the registry does not hold DS records"))
	}
	return countRegistryErr(r.SetDS(ctx, domain, ds))
}

// GetDS reads the DS set from the registry (panel.DSRegistry).
func (c countedRegistry) GetDS(ctx context.Context, domain string) ([]panel.DSRecord, error) {
	r, ok := c.Registry.(panel.DSRegistry)
	if !ok {
		return nil, countRegistryErr(errors.New("the registry does not hold DS records"))
	}
	d, err := r.GetDS(ctx, domain)
	return d, countRegistryErr(err)
}
