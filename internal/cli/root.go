// Package cli is the customer command line tool artnet: one command per
// API command, grouped by module (artnet services list, artnet dedicated
// power-off ID, ...), built on the Go SDK (package artnet).
//
// Each command has an options struct and a constructor
// newCmdX(f *Factory, runF func(*XOptions) error): tests pass runF to see
// the parsed options without calling the API; nil runs xRun.
package cli

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/artnet-panel/artnet-panel/artnet"
)

// Main runs the command line of the process and returns its exit status.
func Main() int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return Run(ctx, NewFactory(SystemIO(), os.Getenv), os.Args[1:])
}

// Run runs the command line args with f and returns the exit status: 0,
// 1 when the command failed, 2 for a usage error.
func Run(ctx context.Context, f *Factory, args []string) int {
	return execute(ctx, f, NewCmdRoot(f), args)
}

// execute runs root with args and reports its error.
func execute(ctx context.Context, f *Factory, root *cobra.Command, args []string) int {
	root.SetArgs(args)
	root.SetIn(f.IO.In)
	root.SetOut(f.IO.Out)
	root.SetErr(f.IO.ErrOut)
	cmd, err := root.ExecuteContextC(ctx)
	f.progress.Stop()
	if f.cancel != nil {
		f.cancel()
	}
	if err != nil {
		return f.reportError(cmd, err)
	}
	return exitOK
}

const rootLong = `artnet manages the services of an Artnet customer through the Customers
Panel API: one command per API command, grouped by module.

Credentials are taken, each on its own, from the first of:
  1. the flags --id, --api-key and --endpoint (--api-key is discouraged:
     other users can see it in the process list);
  2. the environment: ARTNET_ID, ARTNET_API_KEY, ARTNET_ENDPOINT;
  3. a context of the configuration file (see: artnet context --help):
     --context NAME, $ARTNET_CONTEXT, or the current context.

The configuration file is $ARTNET_CONFIG, else
$XDG_CONFIG_HOME/artnet/config.yaml, else ~/.config/artnet/config.yaml.

Output is a table for people; -o json and -o yaml print the API's answer
objects as documented. Errors go to stderr as "error: <code>: <description>"
in Polish or English (--lang; default from LANG, else the customer's language). Exit status: 0 on
success, 1 when the command failed, 2 for a usage error.

Destructive commands (power off, delete, regenerate-api-key, ...) ask
"Are you sure? [y/N]" on a terminal; without a terminal they need --yes.`

// NewCmdRoot returns the artnet command with every module's commands.
func NewCmdRoot(f *Factory) *cobra.Command {
	// Modules and their commands are listed in the documentation's order.
	cobra.EnableCommandSorting = false
	root := &cobra.Command{
		Use:           "artnet",
		Short:         "Manage Artnet services from the command line",
		Long:          rootLong,
		SilenceUsage:  true,
		SilenceErrors: true,
		Example: `  artnet context create prod --id 19052 --endpoint http://127.0.0.1:8080/api < key.txt
  artnet services list --type dedicated
  artnet services details 12345 -o json
  artnet customer edit --city Kraków
  artnet dedicated power-restart 12345 --yes`,
		PersistentPreRunE: func(cmd *cobra.Command, args []string) error {
			if !slices.Contains(formats, f.flags.output) {
				return usageErrorf("--output %q: want one of %s", f.flags.output, strings.Join(formats, ", "))
			}
			if f.flags.lang != "" && f.flags.lang != "pl" && f.flags.lang != "en" {
				return usageErrorf("--lang %q: want pl or en", f.flags.lang)
			}
			if f.flags.timeout < 0 {
				return usageErrorf("--timeout must not be negative")
			}
			if f.flags.timeout > 0 {
				ctx, cancel := context.WithTimeout(cmd.Context(), f.flags.timeout)
				f.cancel = cancel
				cmd.SetContext(ctx)
			}
			return nil
		},
	}
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return &UsageError{err} })

	pf := root.PersistentFlags()
	pf.Int64Var(&f.flags.id, "id", 0, "customer id (env ARTNET_ID)")
	pf.StringVar(&f.flags.apiKey, "api-key", "", "API key (env ARTNET_API_KEY); discouraged: it shows in the process list, prefer a context or the environment")
	pf.StringVar(&f.flags.endpoint, "endpoint", "", "API base URL, e.g. http://127.0.0.1:8080/api (env ARTNET_ENDPOINT; default "+artnet.DefaultEndpoint+")")
	pf.StringVar(&f.flags.context, "context", "", "context of the configuration file to use (env ARTNET_CONTEXT; default: the current context)")
	pf.StringVarP(&f.flags.output, "output", "o", formatTable, "output format: table, json or yaml")
	pf.StringVar(&f.flags.lang, "lang", "", "language of error messages: pl or en (default: from LANG when it names pl or en, else the customer's language)")
	pf.BoolVar(&f.flags.debug, "debug", false, "log each API exchange to stderr (secrets redacted)")
	pf.DurationVar(&f.flags.timeout, "timeout", 0, "give up after this long, e.g. 30s (default: no limit)")
	_ = root.RegisterFlagCompletionFunc("output", cobra.FixedCompletions(formats, cobra.ShellCompDirectiveNoFileComp))
	_ = root.RegisterFlagCompletionFunc("lang", cobra.FixedCompletions([]string{"pl", "en"}, cobra.ShellCompDirectiveNoFileComp))
	_ = root.RegisterFlagCompletionFunc("context", f.completeContexts)

	root.AddGroup(
		&cobra.Group{ID: groupModules, Title: "API modules:"},
		&cobra.Group{ID: groupConfig, Title: "Configuration:"},
	)
	for _, m := range moduleCommands(f) {
		m.GroupID = groupModules
		root.AddCommand(m)
	}
	ctxCmd := newCmdContext(f)
	ctxCmd.GroupID = groupConfig
	root.AddCommand(ctxCmd)
	return root
}

const (
	groupModules = "modules"
	groupConfig  = "config"
)

// moduleCommands returns the command of each API module, in the
// documentation's order.
func moduleCommands(f *Factory) []*cobra.Command {
	return []*cobra.Command{
		newCmdCustomer(f),
		newCmdServices(f),
		newCmdDomain(f),
		newCmdEasyISP(f),
		newCmdAVX(f),
		newCmdHostingArtnet(f),
		newCmdSSL(f),
		newCmdSoftware(f),
		newCmdLinkService(f),
		newCmdFailOverIP(f),
		newCmdAdditionalIP(f),
		newCmdVPS(f),
		newCmdDedicated(f),
		newCmdColocation(f),
		newCmdIPBlackholing(f),
		newCmdDNS(f),
		newCmdRevDNS(f),
		newCmdFirewall(f),
		newCmdOfferDedicated(f),
		newCmdCloudInstance(f),
		newCmdInvoices(f),
		newCmdAPIKeys(f),
	}
}

// completeContexts completes the names of the configuration's contexts.
func (f *Factory) completeContexts(*cobra.Command, []string, string) ([]cobra.Completion, cobra.ShellCompDirective) {
	cfg, err := f.Config()
	if err != nil {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	var names []cobra.Completion
	for _, c := range cfg.Contexts {
		names = append(names, c.Name)
	}
	return names, cobra.ShellCompDirectiveNoFileComp
}

// warnf writes a note to stderr.
func (f *Factory) warnf(format string, args ...any) {
	f.progress.Stop()
	fmt.Fprintf(f.IO.ErrOut, format+"\n", args...)
}
