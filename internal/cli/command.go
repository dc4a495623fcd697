package cli

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/artnet-panel/artnet-panel/internal/spec"
)

// mustSpec returns the catalogue entry of module/name; a command missing
// from the catalogue is a bug.
func mustSpec(module, name string) spec.Command {
	sc, ok := spec.Lookup(module, name)
	if !ok {
		panic("cli: " + module + "/" + name + " is not in the catalogue")
	}
	return sc
}

// paramDoc returns the documented description of a parameter (path
// "resources.cpu" for nested ones), for flag help.
func paramDoc(sc spec.Command, path string) string {
	names := strings.Split(path, ".")
	params := sc.Params
	var p spec.Param
	for _, n := range names {
		found := false
		for _, q := range params {
			if q.Name == n {
				p, params, found = q, q.Children, true
				break
			}
		}
		if !found {
			panic("cli: " + sc.Path() + " has no parameter " + path)
		}
	}
	return p.Doc
}

// flagName returns the flag of a parameter: service_id -> service-id.
func flagName(param string) string { return strings.ReplaceAll(param, "_", "-") }

// argName returns the argument placeholder of a parameter: service_id ->
// SERVICE_ID.
func argName(param string) string { return strings.ToUpper(param) }

// cliNames are the CLI names of the API commands whose name on the command
// line differs from the API's (by path). The API name stays an alias.
var cliNames = map[string]string{
	"firewall/save-confirm": "confirm",
}

// cliName returns the name of the command of sc on the command line.
func cliName(sc spec.Command) string {
	if n, ok := cliNames[sc.Path()]; ok {
		return n
	}
	return sc.Name
}

// newModuleCmd returns the group command of a module.
func newModuleCmd(module string) *cobra.Command {
	doc := ""
	for _, m := range spec.Modules() {
		if m.Name == module {
			doc = m.Doc
		}
	}
	if doc == "" {
		panic("cli: unknown module " + module)
	}
	short, _, _ := strings.Cut(doc, ". ")
	return &cobra.Command{
		Use:   module,
		Short: strings.TrimSuffix(short, "."),
		Long:  wrap(doc, 76),
		Args:  cobra.NoArgs,
		RunE:  func(c *cobra.Command, _ []string) error { return c.Help() },
	}
}

// apiCommand returns the command of the API command module/name. use is
// the synopsis of the arguments; parse fills the command's options from
// its flags and arguments (mistakes are *UsageError); run runs it.
// Destructive commands get --yes and ask for confirmation before run.
func apiCommand(f *Factory, module, name, use string, parse func(c *cobra.Command, args []string) error, run func() error) *cobra.Command {
	sc := mustSpec(module, name)
	long := sc.Doc
	if !strings.HasSuffix(long, ".") {
		long += "."
	}
	long = wrap(long, 76)
	long += "\n\nAPI command: /" + sc.Path()
	if sc.Extension {
		long += "\n\nThis command is an extension of artnetd, not in the original API\ndocumentation."
	}
	if sc.Destructive {
		long += "\n\nThis command is destructive: on a terminal it asks \"Are you sure? [y/N]\";\nwithout a terminal it refuses to run unless --yes is given."
	}
	cmd := &cobra.Command{
		Use:         strings.TrimSpace(cliName(sc) + " " + use),
		Short:       sc.Summary,
		Long:        long,
		Annotations: map[string]string{"api": sc.Path()},
	}
	if cliName(sc) != sc.Name {
		cmd.Aliases = []string{sc.Name}
	}
	var yes bool
	if sc.Destructive {
		cmd.Flags().BoolVarP(&yes, "yes", "y", false, "do not ask for confirmation (required when stdin is not a terminal)")
	}
	cmd.RunE = func(c *cobra.Command, args []string) error {
		f.ran = true
		if err := parse(c, args); err != nil {
			return err
		}
		if sc.Destructive && !yes {
			if err := f.confirm(c, args, sc); err != nil {
				return err
			}
		}
		f.progress.SetLabel(c.CommandPath())
		return run()
	}
	return cmd
}

// confirm asks whether to run a destructive command.
func (f *Factory) confirm(c *cobra.Command, args []string, sc spec.Command) error {
	what := describeInvocation(c, args)
	if !f.IO.StdinTTY {
		return fmt.Errorf("%s is destructive (%s) and stdin is not a terminal to confirm it: add --yes to run it", what, sc.Summary)
	}
	f.progress.Stop()
	fmt.Fprintf(f.IO.ErrOut, "%s: %s.\nAre you sure? [y/N] ", what, sc.Summary)
	line, err := f.IO.ReadLine()
	if err != nil && !errors.Is(err, io.EOF) {
		return err
	}
	switch strings.ToLower(strings.TrimSpace(line)) {
	case "y", "yes", "t", "tak":
		return nil
	}
	return &abortedError{}
}

// abortedError is a confirmation answered "no".
type abortedError struct{}

func (*abortedError) Error() string { return "aborted" }

// describeInvocation returns the command line of c without secrets:
// "artnet dedicated power-off 12345".
func describeInvocation(c *cobra.Command, args []string) string {
	parts := []string{c.CommandPath()}
	parts = append(parts, args...)
	c.LocalFlags().VisitAll(func(fl *pflag.Flag) {
		if !fl.Changed || fl.Name == "yes" || isSecretFlag(fl.Name) {
			return
		}
		parts = append(parts, "--"+fl.Name+"="+fl.Value.String())
	})
	return strings.Join(parts, " ")
}

func isSecretFlag(name string) bool {
	return strings.Contains(name, "password") || strings.Contains(name, "api-key")
}

// idFlag registers the flag of an id parameter.
func idFlag(cmd *cobra.Command, sc spec.Command, param string, dst *int64) {
	cmd.Flags().Int64Var(dst, flagName(param), 0, paramDoc(sc, param)+" (or give it as the argument)")
}

// idArg sets *dst from the positional argument or from the flag of param.
func idArg(c *cobra.Command, args []string, param string, dst *int64) error {
	flag := flagName(param)
	fromFlag := c.Flags().Changed(flag)
	if len(args) > 0 {
		id, err := strconv.ParseInt(args[0], 10, 64)
		if err != nil || id <= 0 {
			return usageErrorf("%s: want a positive number, got %q", argName(param), args[0])
		}
		if fromFlag && *dst != id {
			return usageErrorf("%s given twice: %d and --%s %d", argName(param), id, flag, *dst)
		}
		*dst = id
		return nil
	}
	if !fromFlag {
		return usageErrorf("missing %s: give it as the argument or with --%s", argName(param), flag)
	}
	if *dst <= 0 {
		return usageErrorf("--%s: want a positive number, got %d", flag, *dst)
	}
	return nil
}

// stringFlag registers the flag of a string parameter.
func stringFlag(cmd *cobra.Command, sc spec.Command, param string, dst *string) {
	cmd.Flags().StringVar(dst, flagName(param), "", paramDoc(sc, param))
}

// stringArg sets *dst from the positional argument or from the flag of
// param.
func stringArg(c *cobra.Command, args []string, param string, dst *string) error {
	flag := flagName(param)
	fromFlag := c.Flags().Changed(flag)
	if len(args) > 0 {
		if fromFlag && *dst != args[0] {
			return usageErrorf("%s given twice: %q and --%s %q", argName(param), args[0], flag, *dst)
		}
		*dst = args[0]
	} else if !fromFlag {
		return usageErrorf("missing %s: give it as the argument or with --%s", argName(param), flag)
	}
	if strings.TrimSpace(*dst) == "" {
		return usageErrorf("%s must not be empty", argName(param))
	}
	return nil
}

// requireFlags returns a usage error naming the first of names not given.
func requireFlags(c *cobra.Command, names ...string) error {
	for _, n := range names {
		if !c.Flags().Changed(n) {
			return usageErrorf("missing --%s", n)
		}
	}
	return nil
}

// IDOptions are the options of the commands whose only argument is the id
// of the object they act on (services details, dedicated power-off, ...).
type IDOptions struct {
	Common
	ID int64
}

// newIDCommand returns a command taking the id parameter param as its
// argument or flag.
func newIDCommand(f *Factory, module, name, param string, runF, run func(*IDOptions) error) *cobra.Command {
	opts := &IDOptions{}
	var cmd *cobra.Command
	cmd = apiCommand(f, module, name, argName(param),
		func(c *cobra.Command, args []string) error {
			opts.Common = f.common(c)
			return idArg(c, args, param, &opts.ID)
		},
		func() error {
			if runF != nil {
				return runF(opts)
			}
			return run(opts)
		})
	cmd.Args = cobra.MaximumNArgs(1)
	idFlag(cmd, mustSpec(module, name), param, &opts.ID)
	return cmd
}

// ArgOptions are the options of the commands whose only argument is a
// string (an IP address, a domain, a ruleset id, a language).
type ArgOptions struct {
	Common
	Value string
}

// newArgCommand returns a command taking the string parameter param as its
// argument or flag.
func newArgCommand(f *Factory, module, name, param string, runF, run func(*ArgOptions) error) *cobra.Command {
	opts := &ArgOptions{}
	cmd := apiCommand(f, module, name, argName(param),
		func(c *cobra.Command, args []string) error {
			opts.Common = f.common(c)
			return stringArg(c, args, param, &opts.Value)
		},
		func() error {
			if runF != nil {
				return runF(opts)
			}
			return run(opts)
		})
	cmd.Args = cobra.MaximumNArgs(1)
	stringFlag(cmd, mustSpec(module, name), param, &opts.Value)
	return cmd
}

// NoArgsOptions are the options of the commands without parameters.
type NoArgsOptions struct {
	Common
}

// newNoArgsCommand returns a command without parameters.
func newNoArgsCommand(f *Factory, module, name string, runF, run func(*NoArgsOptions) error) *cobra.Command {
	opts := &NoArgsOptions{}
	cmd := apiCommand(f, module, name, "",
		func(c *cobra.Command, args []string) error {
			opts.Common = f.common(c)
			return nil
		},
		func() error {
			if runF != nil {
				return runF(opts)
			}
			return run(opts)
		})
	cmd.Args = cobra.NoArgs
	return cmd
}

// wrap breaks a one-paragraph text into lines of at most width
// characters (longer words stay whole).
func wrap(s string, width int) string {
	var b strings.Builder
	n := 0
	for _, w := range strings.Fields(s) {
		l := utf8.RuneCountInString(w)
		switch {
		case n == 0:
		case n+1+l > width:
			b.WriteByte('\n')
			n = 0
		default:
			b.WriteByte(' ')
			n++
		}
		b.WriteString(w)
		n += l
	}
	return b.String()
}
