package cli

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/spf13/cobra"

	"github.com/artnet-panel/artnet-panel/internal/demo"
	"github.com/artnet-panel/artnet-panel/internal/driver/powersim"
	"github.com/artnet-panel/artnet-panel/internal/httpapi"
	"github.com/artnet-panel/artnet-panel/internal/inventory"
	"github.com/artnet-panel/artnet-panel/internal/panel"
	"github.com/artnet-panel/artnet-panel/internal/power"
	"github.com/artnet-panel/artnet-panel/internal/store/sqlite"
)

// The demo customer (internal/demo) owns one service of each of the 13
// types, 12345 (dedicated) to 12357 (other).
const (
	demoID  = 19052
	demoKey = "DEMOkeyDEMOkeyDEMOkeyDEMOkeyDEMOkey12345"
)

// testServer is a real artnetd API over a fresh SQLite database holding
// the demo inventory. It records the paths it was asked for.
type testServer struct {
	URL string // the endpoint: base URL + /api

	mu    sync.Mutex
	paths []string
}

func newTestServer(t *testing.T, disable ...string) *testServer {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "cli.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	inv, err := demo.Inventory()
	if err != nil {
		t.Fatal(err)
	}
	inv.Customers[0].APIKey = demoKey
	if err := inventory.Import(ctx, st, inv); err != nil {
		t.Fatal(err)
	}
	p := panel.New(st)
	p.Power = &power.Registry{}
	p.Power.Register("sim", powersim.New(st)) // the demo servers' power
	api := httpapi.New(p, slog.New(slog.DiscardHandler))
	if err := api.Disable(disable...); err != nil {
		t.Fatal(err)
	}
	api.Ready.Store(true)
	ts := &testServer{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ts.mu.Lock()
		ts.paths = append(ts.paths, r.URL.Path)
		ts.mu.Unlock()
		api.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	ts.URL = srv.URL + "/api"
	return ts
}

// requests returns the paths requested so far.
func (s *testServer) requests() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.paths...)
}

// env returns the environment of the demo customer on s, with a private
// configuration file.
func (s *testServer) env(t *testing.T) map[string]string {
	return map[string]string{
		"ARTNET_ENDPOINT": s.URL,
		"ARTNET_ID":       "19052",
		"ARTNET_API_KEY":  demoKey,
		"ARTNET_CONFIG":   filepath.Join(t.TempDir(), "artnet", "config.yaml"),
		// An explicit language, so an error costs no extra request for the
		// customer's language (tests count requests).
		"LANG": "en_US.UTF-8",
	}
}

// result is the outcome of one run of the CLI.
type result struct {
	stdout, stderr string
	code           int
}

// invocation is one run of the CLI: its environment and stdin.
type invocation struct {
	env      map[string]string
	stdin    string
	stdinTTY bool
	// secret, when stdinTTY, is what the hidden prompt reads.
	secret string
}

func (in invocation) factory() (*Factory, *bytes.Buffer, *bytes.Buffer) {
	var out, errOut bytes.Buffer
	io := &IOStreams{In: strings.NewReader(in.stdin), Out: &out, ErrOut: &errOut, StdinTTY: in.stdinTTY}
	if in.stdinTTY {
		io.ReadSecret = func() (string, error) { return in.secret, nil }
	}
	env := in.env
	return NewFactory(io, func(k string) string { return env[k] }), &out, &errOut
}

// run runs the CLI with args.
func (in invocation) run(t *testing.T, args ...string) result {
	t.Helper()
	f, out, errOut := in.factory()
	code := Run(context.Background(), f, args)
	return result{stdout: out.String(), stderr: errOut.String(), code: code}
}

// runWith runs args with cmd (built with an intercepting runF) in place of
// the command of the same name in module.
func (in invocation) runWith(t *testing.T, module string, cmd func(f *Factory) *cobra.Command, args ...string) result {
	t.Helper()
	f, out, errOut := in.factory()
	root := NewCmdRoot(f)
	mod, _, err := root.Find([]string{module})
	if err != nil || mod == root {
		t.Fatalf("no module %s", module)
	}
	c := cmd(f)
	for _, old := range mod.Commands() {
		if old.Name() == c.Name() {
			mod.RemoveCommand(old)
		}
	}
	mod.AddCommand(c)
	code := execute(context.Background(), f, root, args)
	return result{stdout: out.String(), stderr: errOut.String(), code: code}
}

// wantCode fails unless r exited with code.
func (r result) wantCode(t *testing.T, code int) result {
	t.Helper()
	if r.code != code {
		t.Fatalf("exit status %d, want %d\nstdout:\n%s\nstderr:\n%s", r.code, code, r.stdout, r.stderr)
	}
	return r
}

func regexpMatch(pattern, s string) bool { return regexp.MustCompile(pattern).MatchString(s) }

func regexpQuote(s string) string { return regexp.QuoteMeta(s) }
