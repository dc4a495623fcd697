package cli

import (
	"fmt"
	"io"
	"strings"
	"unicode"

	"github.com/spf13/cobra"
)

// newCmdContext returns "artnet context": the named credentials of the
// configuration file.
func newCmdContext(f *Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "context",
		Short: "Manage named credentials (contexts) in the configuration file",
		Long: `A context is a customer id, an API key and an endpoint saved under a name in
the configuration file ($ARTNET_CONFIG, else $XDG_CONFIG_HOME/artnet/config.yaml,
else ~/.config/artnet/config.yaml). The file is written with mode 0600.

Commands use the current context (artnet context use NAME), or the one named
by --context or $ARTNET_CONTEXT, for whatever the flags and the environment
do not give.`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error { return c.Help() },
	}
	cmd.AddCommand(
		newCmdContextCreate(f, nil),
		newCmdContextUse(f, nil),
		newCmdContextList(f, nil),
		newCmdContextDelete(f, nil),
	)
	return cmd
}

// ContextCreateOptions are the options of "context create".
type ContextCreateOptions struct {
	IO       *IOStreams
	Name     string
	ID       int64
	Endpoint string
	Force    bool
	f        *Factory
}

func newCmdContextCreate(f *Factory, runF func(*ContextCreateOptions) error) *cobra.Command {
	opts := &ContextCreateOptions{IO: f.IO, f: f}
	cmd := &cobra.Command{
		Use:   "create NAME --id N [--endpoint URL]",
		Short: "Save a context; the API key is read from stdin or a hidden prompt",
		Long: `Save the customer id (--id), the endpoint (--endpoint, default
` + "https://panel.artnet.pl/api" + `) and an API key under NAME. The key is read from a
hidden prompt on a terminal, else from the first line of stdin; it is
never shown. The first context created becomes the current one.`,
		Example: `  artnet context create prod --id 19052
  artnet context create local --id 19052 --endpoint http://127.0.0.1:8080/api < key.txt`,
		Args: cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			f.ran = true
			opts.Name = args[0]
			if err := validContextName(opts.Name); err != nil {
				return err
			}
			if !c.Flags().Changed("id") || f.flags.id <= 0 {
				return usageErrorf("missing --id: the customer id of the context")
			}
			if c.Flags().Changed("api-key") {
				return usageErrorf("context create reads the API key from stdin or a hidden prompt, not from --api-key")
			}
			opts.ID = f.flags.id
			opts.Endpoint = f.flags.endpoint
			if runF != nil {
				return runF(opts)
			}
			return contextCreateRun(opts)
		},
	}
	cmd.Flags().BoolVar(&opts.Force, "force", false, "replace an existing context of the same name")
	return cmd
}

func validContextName(name string) error {
	if name == "" || strings.IndexFunc(name, func(r rune) bool { return unicode.IsSpace(r) || !unicode.IsPrint(r) }) >= 0 {
		return usageErrorf("context name %q: want a non-empty name without spaces", name)
	}
	return nil
}

func contextCreateRun(opts *ContextCreateOptions) error {
	cfg, err := opts.f.Config()
	if err != nil {
		return err
	}
	if _, exists := cfg.Lookup(opts.Name); exists && !opts.Force {
		return fmt.Errorf("context %q already exists (add --force to replace it)", opts.Name)
	}
	key, err := opts.IO.Secret("API key: ")
	if err != nil {
		return fmt.Errorf("reading the API key: %w", err)
	}
	if key == "" {
		return fmt.Errorf("the API key is empty")
	}
	cfg.Set(ContextEntry{Name: opts.Name, ID: opts.ID, Endpoint: opts.Endpoint, APIKey: key})
	current := ""
	if cfg.CurrentContext == "" {
		cfg.CurrentContext = opts.Name
		current = " (now the current context)"
	}
	if err := cfg.Save(); err != nil {
		return err
	}
	fmt.Fprintf(opts.IO.Out, "Context %q saved in %s%s.\n", opts.Name, cfg.Path(), current)
	return nil
}

// ContextNameOptions are the options of "context use" and "context
// delete".
type ContextNameOptions struct {
	IO   *IOStreams
	Name string
	f    *Factory
}

func newCmdContextUse(f *Factory, runF func(*ContextNameOptions) error) *cobra.Command {
	opts := &ContextNameOptions{IO: f.IO, f: f}
	return &cobra.Command{
		Use:               "use NAME",
		Short:             "Make a context the current one",
		Args:              cobra.ExactArgs(1),
		ValidArgsFunction: f.completeContexts,
		RunE: func(c *cobra.Command, args []string) error {
			f.ran = true
			opts.Name = args[0]
			if runF != nil {
				return runF(opts)
			}
			return contextUseRun(opts)
		},
	}
}

func contextUseRun(opts *ContextNameOptions) error {
	cfg, err := opts.f.Config()
	if err != nil {
		return err
	}
	if _, ok := cfg.Lookup(opts.Name); !ok {
		return fmt.Errorf("context %q does not exist (see: artnet context list)", opts.Name)
	}
	cfg.CurrentContext = opts.Name
	if err := cfg.Save(); err != nil {
		return err
	}
	fmt.Fprintf(opts.IO.Out, "Current context: %s\n", opts.Name)
	return nil
}

func newCmdContextDelete(f *Factory, runF func(*ContextNameOptions) error) *cobra.Command {
	opts := &ContextNameOptions{IO: f.IO, f: f}
	return &cobra.Command{
		Use:               "delete NAME",
		Aliases:           []string{"rm"},
		Short:             "Delete a context and its API key from the configuration file",
		Args:              cobra.ExactArgs(1),
		ValidArgsFunction: f.completeContexts,
		RunE: func(c *cobra.Command, args []string) error {
			f.ran = true
			opts.Name = args[0]
			if runF != nil {
				return runF(opts)
			}
			return contextDeleteRun(opts)
		},
	}
}

func contextDeleteRun(opts *ContextNameOptions) error {
	cfg, err := opts.f.Config()
	if err != nil {
		return err
	}
	if !cfg.Delete(opts.Name) {
		return fmt.Errorf("context %q does not exist (see: artnet context list)", opts.Name)
	}
	if err := cfg.Save(); err != nil {
		return err
	}
	fmt.Fprintf(opts.IO.Out, "Context %q deleted.\n", opts.Name)
	return nil
}

// ContextListOptions are the options of "context list".
type ContextListOptions struct {
	IO     *IOStreams
	Output string
	f      *Factory
}

func newCmdContextList(f *Factory, runF func(*ContextListOptions) error) *cobra.Command {
	opts := &ContextListOptions{IO: f.IO, f: f}
	return &cobra.Command{
		Use:     "list",
		Aliases: []string{"ls"},
		Short:   "List the contexts (never their keys)",
		Args:    cobra.NoArgs,
		RunE: func(c *cobra.Command, args []string) error {
			f.ran = true
			opts.Output = f.flags.output
			if runF != nil {
				return runF(opts)
			}
			return contextListRun(opts)
		},
	}
}

// contextView is a context as listed: without its key.
type contextView struct {
	Name     string `json:"name"`
	ID       int64  `json:"id"`
	Endpoint string `json:"endpoint"`
	Current  bool   `json:"current"`
}

func contextListRun(opts *ContextListOptions) error {
	cfg, err := opts.f.Config()
	if err != nil {
		return err
	}
	views := make([]contextView, 0, len(cfg.Contexts))
	for _, c := range cfg.Contexts {
		ep := c.Endpoint
		if ep == "" {
			ep = "(default)"
		}
		views = append(views, contextView{Name: c.Name, ID: c.ID, Endpoint: ep, Current: c.Name == cfg.CurrentContext})
	}
	if opts.Output != formatTable {
		return writeStructured(opts.IO.Out, opts.Output, struct {
			Contexts []contextView `json:"contexts"`
		}{views})
	}
	return writeContextTable(opts.IO.Out, views)
}

func writeContextTable(w io.Writer, views []contextView) error {
	t := newTable(w, "CURRENT", "NAME", "ID", "ENDPOINT")
	for _, v := range views {
		cur := " "
		if v.Current {
			cur = "*"
		}
		t.row(cur, v.Name, fmt.Sprint(v.ID), v.Endpoint)
	}
	return t.flush()
}
