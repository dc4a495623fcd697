// Command artnetd is the Artnet Customers Panel API server and its operator
// tool.
//
//	artnetd serve [--db DSN] [--http ADDR] [--dns ADDR] [--demo] [--dns-* ...]
//	artnetd admin import [--db DSN] FILE
//	artnetd admin export [--db DSN] [--format json|yaml]
//	artnetd admin customer create [--db DSN] --name NAME [--email EMAIL]
//	artnetd admin customer api-access [--db DSN] --id N --enable|--disable
//	artnetd admin zone import|export|allow [--db DSN] ...
//	artnetd admin blackhole add|remove|list [--db DSN] ...
//	artnetd admin audit [--db DSN] [--customer ID] [--since TIME] [-o json]
//	artnetd admin mail list|retry [--db DSN] ...
//	artnetd admin backup [--db DSN] FILE
//	artnetd admin restore [--db DSN] [--force] FILE
//	artnetd completion bash|zsh|fish|powershell
//
// Every flag has an ARTNETD_* environment equivalent (ARTNETD_DB,
// ARTNETD_HTTP, ARTNETD_DNS, ARTNETD_DEMO, ARTNETD_DNS_NAMESERVERS, ...). The default database is the
// embedded SQLite file ./artnet.db.
//
// The command tree is built with cobra, as the artnet CLI's: --help (and
// artnetd help COMMAND) prints help and exits 0, a usage mistake exits 2, a
// failed command exits 1.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// Exit statuses.
const (
	exitOK    = 0
	exitError = 1 // the command failed
	exitUsage = 2 // bad command, flags or arguments
)

// DefaultGCPercent is the garbage collector's target (GOGC) artnetd runs
// with unless GOGC is set: its live heap is small (a few MiB to tens of
// MiB, mostly caches) and every request allocates a little, so collecting
// at 3× the live heap instead of Go's 2× halves the collector's work for a
// few MiB more memory: about 20 % less CPU per services/details request
// (bench/api, both processes at the same GOGC).
const DefaultGCPercent = 200

func main() {
	if _, set := os.LookupEnv("GOGC"); !set {
		debug.SetGCPercent(DefaultGCPercent)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(exitStatus(run(ctx, os.Args[1:], os.Stdout, os.Stderr), os.Stderr))
}

// exitStatus reports err (a usage error has been reported by run) and
// returns the process's exit status.
func exitStatus(err error, stderr io.Writer) int {
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, errUsage):
		return exitUsage
	}
	fmt.Fprintln(stderr, "artnetd:", err)
	return exitError
}

// errUsage is matched (errors.Is) by every usage error run returns.
var errUsage = errors.New("usage")

// usageError is a mistake in the command line: exit status 2.
type usageError struct{ err error }

func (e *usageError) Error() string        { return e.err.Error() }
func (e *usageError) Unwrap() error        { return e.err }
func (e *usageError) Is(target error) bool { return target == errUsage }

// usageErrorf returns a *usageError.
func usageErrorf(format string, args ...any) error {
	return &usageError{fmt.Errorf(format, args...)}
}

// app is what the commands share: the output streams, and whether a
// command's own RunE was reached (an error before it is cobra's: an
// unknown command or flag, a missing required flag, wrong arguments).
type app struct {
	stdout, stderr io.Writer
	ran            bool
}

// runE wraps a command's RunE so that its errors are known as the
// command's own.
func (a *app) runE(fn func(*cobra.Command, []string) error) func(*cobra.Command, []string) error {
	return func(c *cobra.Command, args []string) error {
		a.ran = true
		return fn(c, args)
	}
}

const rootLong = `artnetd is the Artnet Customers Panel API server (artnetd serve) and its
operator tool (artnetd admin ...), on one database.

Every flag has an environment equivalent: ARTNETD_ and the flag's name in
upper case with '_' for '-' (--http: ARTNETD_HTTP, --dns-soa-mbox:
ARTNETD_DNS_SOA_MBOX); a flag given on the command line wins. Boolean
variables take 1, true, yes or on.

DSN (--db, ARTNETD_DB): sqlite:PATH (default sqlite:./artnet.db) or
postgres://USER:PASSWORD@HOST:PORT/DB.

Exit status: 0 on success (and for --help), 1 when the command failed,
2 for a usage error (unknown command or flag, missing argument, bad flag
value).`

// run runs the command line args; it returns when the command is done (for
// serve: when ctx is cancelled and the server has shut down). A usage
// error has been reported on stderr and matches errUsage; any other error
// is the command's failure, for the caller to report.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	a := &app{stdout: stdout, stderr: stderr}
	root := newRootCommand(a)
	root.SetArgs(longFlagCompat(root, args))
	root.SetIn(os.Stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	cmd, err := root.ExecuteContextC(ctx)
	if err == nil {
		return nil
	}
	var ue *usageError
	if errors.As(err, &ue) || !a.ran {
		fmt.Fprintf(stderr, "artnetd: %v\n", err)
		if cmd != nil {
			if !cmd.HasAvailableSubCommands() {
				fmt.Fprintf(stderr, "usage: %s\n", cmd.UseLine())
			}
			fmt.Fprintf(stderr, "Run '%s --help' for more.\n", cmd.CommandPath())
		}
		if ue == nil {
			err = &usageError{err}
		}
		return err
	}
	return err
}

// newRootCommand returns the artnetd command with all its subcommands.
func newRootCommand(a *app) *cobra.Command {
	cobra.EnableCommandSorting = false
	root := groupCommand(a, &cobra.Command{
		Use:   "artnetd",
		Short: "Artnet Customers Panel API server and operator tool",
		Long:  rootLong,
		Example: `  artnetd serve --demo
  ARTNETD_DB=postgres://artnet@db.example/artnet artnetd serve --http 0.0.0.0:8080
  artnetd admin customer create --name "ACME sp. z o.o." --email it@acme.test
  artnetd admin backup /var/backups/artnet-$(date +%F).db
  source <(artnetd completion bash)`,
	})
	root.SilenceUsage = true
	root.SilenceErrors = true
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return &usageError{err} })
	root.AddCommand(newServeCommand(a), newAdminCommand(a))
	return root
}

// groupCommand makes c a command of commands: given none (or an unknown
// one) it is a usage error naming its commands; "help" prints its help.
func groupCommand(a *app, c *cobra.Command) *cobra.Command {
	c.Args = cobra.ArbitraryArgs
	c.DisableFlagsInUseLine = true
	c.RunE = func(c *cobra.Command, args []string) error {
		if len(args) == 1 && args[0] == "help" {
			return c.Help()
		}
		var b strings.Builder
		if len(args) == 0 {
			fmt.Fprintf(&b, "missing command; the commands of %q are:", c.CommandPath())
		} else {
			fmt.Fprintf(&b, "unknown command %q for %q; the commands are:", args[0], c.CommandPath())
		}
		for _, s := range c.Commands() {
			if s.IsAvailableCommand() && s.Name() != "help" {
				fmt.Fprintf(&b, "\n  %s", s.UseLine())
			}
		}
		return &usageError{errors.New(b.String())}
	}
	return c
}

// leafCommand makes c a command that runs fn; its Use lists its flags.
func leafCommand(a *app, c *cobra.Command, fn func(*cobra.Command, []string) error) *cobra.Command {
	c.DisableFlagsInUseLine = true
	c.RunE = a.runE(fn)
	return c
}

// dbFlag defines --db (ARTNETD_DB) on c.
func dbFlag(c *cobra.Command) *string {
	db := c.Flags().String("db", env("ARTNETD_DB", defaultDB), "database: sqlite:PATH or postgres://... (env ARTNETD_DB)")
	if f := c.Flags().Lookup("db"); f != nil {
		f.DefValue = redactDSN(f.DefValue) // --help shows no password
	}
	return db
}

// completeFixed completes a flag from a fixed list of values.
func completeFixed(c *cobra.Command, flag string, values ...string) {
	_ = c.RegisterFlagCompletionFunc(flag, cobra.FixedCompletions(values, cobra.ShellCompDirectiveNoFileComp))
}

// addGoFlags adds the flags defined on a standard library flag set (serve
// defines its flags there: power.go, mail.go and cloud.go share that
// interface) to c. Help shows each flag's environment variable, and no
// secret taken from the environment as a default.
func addGoFlags(c *cobra.Command, fs *flag.FlagSet) {
	c.Flags().AddGoFlagSet(fs)
	c.Flags().VisitAll(func(f *pflag.Flag) {
		f.Usage += " (env " + envName(f.Name) + ")"
		switch f.Name {
		case "db":
			f.DefValue = redactDSN(f.DefValue)
		default:
			// Every key sealing secrets (--cloud-secret-key,
			// --dnssec-secret-key, --web-secret-key, ...).
			if strings.HasSuffix(f.Name, "-secret-key") && f.DefValue != "" {
				f.DefValue = "[from the environment]"
			}
		}
	})
}

// envName is the environment variable of a flag: --dns-soa-mbox is
// ARTNETD_DNS_SOA_MBOX.
func envName(flag string) string {
	return "ARTNETD_" + strings.ToUpper(strings.ReplaceAll(flag, "-", "_"))
}

// longFlagCompat rewrites -name and -name=value to --name... when name is
// a long flag of the command args run: artnetd parsed its flags with the
// standard library's flag package before, which took one dash too.
func longFlagCompat(root *cobra.Command, args []string) []string {
	if len(args) == 0 || strings.HasPrefix(args[0], cobra.ShellCompRequestCmd) {
		return args
	}
	cmd, _, err := root.Find(args)
	if err != nil || cmd == nil {
		return args
	}
	out := make([]string, len(args))
	copy(out, args)
	for i, s := range args {
		if s == "--" {
			break
		}
		if len(s) < 3 || s[0] != '-' || s[1] == '-' {
			continue
		}
		name, _, _ := strings.Cut(s[1:], "=")
		if len(name) > 1 && (name == "help" || cmd.Flags().Lookup(name) != nil) {
			out[i] = "-" + s
		}
	}
	return out
}
