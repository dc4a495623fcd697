package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/pflag"
)

// TestBinaryExitStatus runs the built artnetd: help exits 0 (on standard
// output), a usage mistake 2, a failed command 1 (on standard error).
func TestBinaryExitStatus(t *testing.T) {
	bin := artnetdBinary(t)
	dsn := "sqlite:" + filepath.Join(t.TempDir(), "artnet.db")
	for _, c := range []struct {
		args      []string
		code      int
		out, errs string // in standard output, standard error
	}{
		{[]string{"--help"}, 0, "admin", ""},
		{[]string{"-h"}, 0, "serve", ""},
		{[]string{"help"}, 0, "serve", ""},
		{[]string{"serve", "--help"}, 0, "ARTNETD_HTTP", ""},
		{[]string{"serve", "-help"}, 0, "--dns-nameservers", ""},
		{[]string{"admin", "--help"}, 0, "backup", ""},
		{[]string{"admin", "audit", "--help"}, 0, "--since", ""},
		{[]string{"help", "admin", "zone", "import"}, 0, "--customer", ""},
		{[]string{"admin", "zone", "help"}, 0, "import", ""},
		{[]string{"admin", "backup", "--help"}, 0, "VACUUM INTO", ""},
		{[]string{"completion", "bash"}, 0, "__start_artnetd", ""},
		{[]string{"completion", "zsh"}, 0, "#compdef artnetd", ""},
		{[]string{}, 2, "", "missing command"},
		{[]string{"admin", "zone"}, 2, "", "artnetd admin zone import [--db DSN]"},
		{[]string{"bogus"}, 2, "", `unknown command "bogus"`},
		{[]string{"serve", "--no-such-flag"}, 2, "", "unknown flag: --no-such-flag"},
		{[]string{"serve", "extra"}, 2, "", `unknown command "extra"`},
		{[]string{"serve", "--follow", "soon"}, 2, "", `--follow "soon"`},
		{[]string{"serve", "--demo=maybe"}, 2, "", "--demo"},
		{[]string{"admin", "import", "--db", dsn}, 2, "", "usage: artnetd admin import [--db DSN] FILE"},
		{[]string{"admin", "audit", "--db", dsn, "-o", "xml"}, 2, "", `-o "xml"`},
		{[]string{"admin", "customer", "create", "--db", dsn}, 2, "", `required flag(s) "name"`},
		{[]string{"admin", "customer", "api-access", "--db", dsn, "--id", "1", "--enable", "--disable"}, 2, "", "none of the others"},
		{[]string{"admin", "mail", "retry", "--db", dsn}, 2, "", "requires at least 1 arg"},
		{[]string{"admin", "customer", "rate-limit", "--db", dsn, "--id", "1", "--rps", "1", "--clear"}, 2, "", "none of the others"},
		{[]string{"admin", "customer", "rate-limit", "--db", dsn, "--id", "1", "--rps", "-1"}, 2, "", "must not be negative"},
		{[]string{"admin", "customer", "rate-limit", "--db", dsn, "--id", "987654"}, 2, "", "at least one of the flags"},
		{[]string{"serve", "--rate-limit", "-2"}, 2, "", "must not be negative"},
		{[]string{"admin", "customer", "create", "--db", dsn, "--name", "X", "--email", "not-an-address"}, 1, "", "artnetd: "},
		{[]string{"admin", "import", "--db", dsn, filepath.Join(t.TempDir(), "missing.json")}, 1, "", "no such file"},
	} {
		code, out, errs := runBin(t, bin, nil, c.args...)
		if code != c.code || !strings.Contains(out, c.out) || !strings.Contains(errs, c.errs) {
			t.Errorf("artnetd %q: exit %d, want %d\nstdout (want %q): %.300s\nstderr (want %q): %.300s", c.args, code, c.code, c.out, out, c.errs, errs)
		}
		if c.code == 0 && errs != "" {
			t.Errorf("artnetd %q: stderr %q", c.args, errs)
		}
	}
}

// TestServeFlagsFromEnvironment: every flag of serve takes its default
// from ARTNETD_ and its name (--dns-soa-mbox: ARTNETD_DNS_SOA_MBOX).
func TestServeFlagsFromEnvironment(t *testing.T) {
	a := &app{stdout: &bytes.Buffer{}, stderr: &bytes.Buffer{}}
	var names []string
	newServeCommand(a).Flags().VisitAll(func(f *pflag.Flag) {
		if f.Name != "help" {
			names = append(names, f.Name)
		}
	})
	if len(names) < 60 {
		t.Fatalf("serve has %d flags: %v", len(names), names)
	}
	// A value of each flag's type that is no flag's default.
	sentinel := map[string]string{"bool": "1", "duration": "7m0s", "int": "7", "int64": "7", "float64": "7.5", "string": "sentinel-value"}
	want := map[string]string{"bool": "true"}
	for _, name := range names {
		typ := newServeCommand(a).Flags().Lookup(name).Value.Type()
		v, ok := sentinel[typ]
		if !ok {
			t.Errorf("--%s: flag of type %s", name, typ)
			continue
		}
		t.Setenv(envName(name), v)
		got := newServeCommand(a).Flags().Lookup(name).Value.String()
		w := v
		if x, ok := want[typ]; ok {
			w = x
		}
		if got != w {
			t.Errorf("--%s with %s=%s: %q, want %q", name, envName(name), v, got, w)
		}
		os.Unsetenv(envName(name))
	}
}

// TestServeEnvironmentBinary: the built artnetd serve is configured by
// ARTNETD_DB and ARTNETD_HTTP alone.
func TestServeEnvironmentBinary(t *testing.T) {
	bin := artnetdBinary(t)
	dir := t.TempDir()
	addr := freeAddr(t)
	env := append(os.Environ(), "ARTNETD_HTTP="+addr, "ARTNETD_DB=sqlite:"+filepath.Join(dir, "env.db"),
		"ARTNETD_ACCESS_LOG="+filepath.Join(dir, "access.log"), "ARTNETD_DEMO=1")
	cmd := startArtnetd(t, bin, env, addr, "serve")
	defer func() { cmd.Process.Signal(os.Interrupt); cmd.Wait() }()
	if _, err := os.Stat(filepath.Join(dir, "env.db")); err != nil {
		t.Errorf("ARTNETD_DB: %v", err)
	}
}

// TestFlagCompatibility: one-dash long flags (the flag package took
// them) and --dns-follow, the old name of --follow, still work.
func TestFlagCompatibility(t *testing.T) {
	dsn := sqliteDSN(t)
	runOK(t, "admin", "customer", "create", "-db", dsn, "-name", "One Dash", "-email=one@dash.test")
	if out := runOK(t, "admin", "export", "-db="+dsn, "-format", "yaml"); !strings.Contains(out, "One Dash") || !strings.Contains(out, "name:") {
		t.Errorf("export -format yaml:\n%s", out)
	}
	if out := runOK(t, "admin", "audit", "-db", dsn, "-o", "json"); strings.TrimSpace(out) != "[]" {
		t.Errorf("audit -o json: %q", out)
	}
	for _, args := range [][]string{{"--dns-follow", "3s"}, {"-dns-follow=3s"}, {"--follow", "3s"}, {"-follow", "3s"}} {
		root := newRootCommand(&app{stdout: &bytes.Buffer{}, stderr: &bytes.Buffer{}})
		c, _, err := root.Find([]string{"serve"})
		if err != nil {
			t.Fatal(err)
		}
		if err := c.ParseFlags(longFlagCompat(root, append([]string{"serve"}, args...))[1:]); err != nil {
			t.Errorf("%v: %v", args, err)
			continue
		}
		if got := c.Flags().Lookup("follow").Value.String(); got != "3s" {
			t.Errorf("%v: --follow %q", args, got)
		}
	}
}

// TestCompletion: shell completion of commands, flags and flag values.
func TestCompletion(t *testing.T) {
	complete := func(args ...string) string {
		t.Helper()
		var out bytes.Buffer
		if err := run(context.Background(), append([]string{"__complete"}, args...), &out, &bytes.Buffer{}); err != nil {
			t.Fatalf("__complete %v: %v", args, err)
		}
		return out.String()
	}
	if out := complete("admin", ""); !strings.Contains(out, "backup") || !strings.Contains(out, "restore") || !strings.Contains(out, "audit") {
		t.Errorf("admin commands: %q", out)
	}
	if out := complete("serve", "--fire"); !strings.Contains(out, "--firewall") || !strings.Contains(out, "--firewall-table") {
		t.Errorf("serve flags: %q", out)
	}
	if out := complete("serve", "--firewall", ""); !strings.Contains(out, "nft") || !strings.Contains(out, "sim") {
		t.Errorf("--firewall values: %q", out)
	}
	if out := complete("admin", "audit", "-o", ""); !strings.Contains(out, "json") {
		t.Errorf("-o values: %q", out)
	}
}

// TestHelpHidesSecrets: defaults taken from the environment are shown,
// but not a password or any secret key (every flag named *-secret-key).
func TestHelpHidesSecrets(t *testing.T) {
	t.Setenv("ARTNETD_DB", "postgres://artnet:hunter2@db.example/artnet")
	var secrets int
	newServeCommand(&app{stdout: &bytes.Buffer{}, stderr: &bytes.Buffer{}}).Flags().VisitAll(func(f *pflag.Flag) {
		if strings.HasSuffix(f.Name, "-secret-key") {
			t.Setenv(envName(f.Name), strings.Repeat("ab", 32))
			secrets++
		}
	})
	if secrets < 3 { // cloud, dnssec, web
		t.Fatalf("%d secret key flags", secrets)
	}
	for _, args := range [][]string{{"serve", "--help"}, {"admin", "audit", "--help"}} {
		out := runOK(t, args...)
		if strings.Contains(out, "hunter2") || strings.Contains(out, "abababab") || !strings.Contains(out, "db.example") {
			t.Errorf("%v:\n%s", args, out)
		}
	}
}
