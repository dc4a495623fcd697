package cli

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/artnet-panel/artnet-panel/artnet"
)

// Factory carries what the commands share: the streams, the environment,
// the global flags, the configuration file and the API client. One
// Factory serves one run.
type Factory struct {
	IO     *IOStreams
	Getenv func(string) string
	// Transport, when set, is the HTTP transport of the API client (tests).
	Transport http.RoundTripper

	flags    globalFlags
	ran      bool // a command's RunE was entered (errors after it are not usage errors)
	progress *progress
	cancel   context.CancelFunc // of --timeout

	cfg      *Config
	cfgWarn  bool
	creds    *credentials
	client   *artnet.Client
	clientFn func() (*artnet.Client, error) // tests may replace it
}

// globalFlags are the persistent flags of the root command.
type globalFlags struct {
	id       int64
	apiKey   string
	endpoint string
	context  string
	output   string
	lang     string
	debug    bool
	timeout  time.Duration
}

// NewFactory returns a Factory over io and the environment getenv.
func NewFactory(io *IOStreams, getenv func(string) string) *Factory {
	if getenv == nil {
		getenv = os.Getenv
	}
	f := &Factory{IO: io, Getenv: getenv}
	f.progress = newProgress(io.ErrOut, io.StderrTTY)
	return f
}

// Where a credential came from.
const (
	sourceFlag    = "flag"
	sourceEnv     = "env"
	sourceContext = "context"
)

// credentials are the resolved id, key and endpoint, and their sources.
type credentials struct {
	ID                  int64
	APIKey              string
	Endpoint            string
	IDSource, KeySource string
	Context             string // the context read, if any
}

// Config loads the configuration file once.
func (f *Factory) Config() (*Config, error) {
	if f.cfg != nil {
		return f.cfg, nil
	}
	path, err := configPath(f.Getenv)
	if err != nil {
		return nil, err
	}
	cfg, insecure, err := loadConfig(path)
	if err != nil {
		return nil, err
	}
	if insecure && !f.cfgWarn {
		f.cfgWarn = true
		fmt.Fprintf(f.IO.ErrOut, "warning: %s is readable by other users; run: chmod 600 %s\n", path, path)
	}
	f.cfg = cfg
	return cfg, nil
}

// contextName returns the context to read: --context, $ARTNET_CONTEXT or
// the configuration's current context ("" for none).
func (f *Factory) contextName(cfg *Config) string {
	if f.flags.context != "" {
		return f.flags.context
	}
	if v := f.Getenv("ARTNET_CONTEXT"); v != "" {
		return v
	}
	return cfg.CurrentContext
}

// Credentials resolves the id, the key and the endpoint, each from the
// first of: flags, environment, context.
func (f *Factory) Credentials(cmd *cobra.Command) (*credentials, error) {
	if f.creds != nil {
		return f.creds, nil
	}
	c := &credentials{}
	var ctxEntry *ContextEntry
	// The configuration is read only when something is missing, so a
	// broken file does not stop runs that give everything in flags or
	// the environment.
	needContext := !(cmd.Flags().Changed("id") || f.Getenv("ARTNET_ID") != "") ||
		!(cmd.Flags().Changed("api-key") || f.Getenv("ARTNET_API_KEY") != "") ||
		!(cmd.Flags().Changed("endpoint") || f.Getenv("ARTNET_ENDPOINT") != "") ||
		f.flags.context != ""
	if needContext {
		cfg, err := f.Config()
		if err != nil {
			return nil, err
		}
		if name := f.contextName(cfg); name != "" {
			e, ok := cfg.Lookup(name)
			if !ok {
				return nil, fmt.Errorf("context %q does not exist in %s (see: artnet context list)", name, cfg.Path())
			}
			ctxEntry = e
			c.Context = name
		}
	}

	switch {
	case cmd.Flags().Changed("id"):
		c.ID, c.IDSource = f.flags.id, sourceFlag
	case f.Getenv("ARTNET_ID") != "":
		id, err := strconv.ParseInt(strings.TrimSpace(f.Getenv("ARTNET_ID")), 10, 64)
		if err != nil || id <= 0 {
			return nil, fmt.Errorf("ARTNET_ID=%q: want a positive customer id", f.Getenv("ARTNET_ID"))
		}
		c.ID, c.IDSource = id, sourceEnv
	case ctxEntry != nil && ctxEntry.ID > 0:
		c.ID, c.IDSource = ctxEntry.ID, sourceContext
	}
	switch {
	case cmd.Flags().Changed("api-key"):
		c.APIKey, c.KeySource = f.flags.apiKey, sourceFlag
	case f.Getenv("ARTNET_API_KEY") != "":
		c.APIKey, c.KeySource = f.Getenv("ARTNET_API_KEY"), sourceEnv
	case ctxEntry != nil && ctxEntry.APIKey != "":
		c.APIKey, c.KeySource = ctxEntry.APIKey, sourceContext
	}
	switch {
	case cmd.Flags().Changed("endpoint"):
		c.Endpoint = f.flags.endpoint
	case f.Getenv("ARTNET_ENDPOINT") != "":
		c.Endpoint = f.Getenv("ARTNET_ENDPOINT")
	case ctxEntry != nil && ctxEntry.Endpoint != "":
		c.Endpoint = ctxEntry.Endpoint
	default:
		c.Endpoint = artnet.DefaultEndpoint
	}
	if c.ID <= 0 || c.APIKey == "" {
		missing := "customer id"
		switch {
		case c.ID <= 0 && c.APIKey == "":
			missing = "customer id and API key"
		case c.APIKey == "":
			missing = "API key"
		}
		return nil, fmt.Errorf("no %s: create a context (artnet context create NAME --id N), "+
			"set ARTNET_ID and ARTNET_API_KEY, or pass --id and --api-key", missing)
	}
	f.creds = c
	return c, nil
}

// Client returns the API client of the resolved credentials.
func (f *Factory) Client(cmd *cobra.Command) (*artnet.Client, error) {
	if f.clientFn != nil {
		return f.clientFn()
	}
	if f.client != nil {
		return f.client, nil
	}
	c, err := f.Credentials(cmd)
	if err != nil {
		return nil, err
	}
	base := f.Transport
	if base == nil {
		base = http.DefaultTransport
	}
	hc := &http.Client{
		Timeout:   5 * time.Minute,
		Transport: &progressTransport{base: base, p: f.progress},
	}
	opts := []artnet.Option{
		artnet.WithEndpoint(c.Endpoint),
		artnet.WithHTTPClient(hc),
		artnet.WithUserAgent("artnet-cli"),
	}
	if f.flags.debug {
		opts = append(opts, artnet.WithDebug(&progressWriter{w: f.IO.ErrOut, p: f.progress}))
	}
	f.client = artnet.NewClient(c.ID, c.APIKey, opts...)
	return f.client, nil
}

// Lang returns the language of error texts: --lang; else LANG when it
// names Polish or English; else the customer's own language (asked of the
// server once, only when an error is to be printed and the credentials
// work); else en.
func (f *Factory) Lang() string {
	if f.flags.lang != "" {
		return f.flags.lang
	}
	switch lang := strings.ToLower(f.Getenv("LANG")); {
	case strings.HasPrefix(lang, "pl"):
		return "pl"
	case strings.HasPrefix(lang, "en"):
		return "en"
	}
	if f.client != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if lang, err := f.client.Customer.GetLanguage(ctx); err == nil && (lang == "pl" || lang == "en") {
			return lang
		}
	}
	return "en"
}

// Common are the parts of a command's options that every API command has.
type Common struct {
	IO     *IOStreams
	Ctx    context.Context
	Output string // "table", "json" or "yaml"
	// Client returns the API client (credentials are resolved on first
	// use).
	Client func() (*artnet.Client, error)

	f   *Factory
	cmd *cobra.Command
}

// common returns the Common options of cmd.
func (f *Factory) common(cmd *cobra.Command) Common {
	ctx := cmd.Context()
	if ctx == nil {
		ctx = context.Background()
	}
	return Common{
		IO:     f.IO,
		Ctx:    ctx,
		Output: f.flags.output,
		Client: func() (*artnet.Client, error) { return f.Client(cmd) },
		f:      f,
		cmd:    cmd,
	}
}

// errNoTerminal is returned when a command needs an answer from a person
// and stdin is not a terminal.
var errNoTerminal = errors.New("stdin is not a terminal")
