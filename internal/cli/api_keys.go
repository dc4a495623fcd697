package cli

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/artnet-panel/artnet-panel/artnet"
)

// The api-keys module (an extension of artnetd): sub-keys.

func newCmdAPIKeys(f *Factory) *cobra.Command {
	cmd := newModuleCmd("api-keys")
	cmd.AddCommand(
		newCmdAPIKeysList(f, nil),
		newCmdAPIKeysCreate(f, nil),
		newCmdAPIKeysDelete(f, nil),
	)
	return cmd
}

func newCmdAPIKeysList(f *Factory, runF func(*NoArgsOptions) error) *cobra.Command {
	return newNoArgsCommand(f, "api-keys", "list", runF, apiKeysListRun)
}

func apiKeysListRun(o *NoArgsOptions) error {
	c, err := o.Client()
	if err != nil {
		return err
	}
	list, err := c.APIKeys.List(o.Ctx)
	if err != nil {
		return err
	}
	return o.Print(artnet.APIKeysListResponse{APIKeysList: list}, func(w io.Writer) error {
		t := newTable(w, "KEY ID", "LABEL", "SCOPE", "SERVICES", "SOURCES", "EXPIRES", "LAST USED")
		for _, k := range list {
			t.row(fmt.Sprint(k.KeyID), k.Label, strings.Join(k.Scope, ","), joinIDs(k.ServiceIDs),
				orAny(strings.Join(k.SourcePrefixes, ",")), orDash(formatTime(k.ExpiresAt)), orDash(formatTime(k.LastUsedAt)))
		}
		return t.flush()
	})
}

func joinIDs(ids []int64) string {
	s := make([]string, len(ids))
	for i, id := range ids {
		s[i] = strconv.FormatInt(id, 10)
	}
	return orAny(strings.Join(s, ","))
}

func orAny(s string) string {
	if s == "" {
		return "any"
	}
	return s
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// APIKeysCreateOptions are the options of api-keys create.
type APIKeysCreateOptions struct {
	Common
	Label          string
	Scope          []string
	ServiceIDs     []int64
	SourcePrefixes []string
	ExpiresIn      time.Duration
}

func newCmdAPIKeysCreate(f *Factory, runF func(*APIKeysCreateOptions) error) *cobra.Command {
	opts := &APIKeysCreateOptions{}
	sc := mustSpec("api-keys", "create")
	cmd := apiCommand(f, "api-keys", "create", "--label LABEL --scope PATTERN...",
		func(c *cobra.Command, args []string) error {
			opts.Common = f.common(c)
			if err := requireFlags(c, "label", "scope"); err != nil {
				return err
			}
			if opts.ExpiresIn < 0 {
				return usageErrorf("--expires-in must not be negative")
			}
			return nil
		},
		func() error {
			if runF != nil {
				return runF(opts)
			}
			return apiKeysCreateRun(opts)
		})
	cmd.Args = cobra.NoArgs
	stringFlag(cmd, sc, "label", &opts.Label)
	cmd.Flags().StringArrayVar(&opts.Scope, "scope", nil, "a command pattern: module/* (dns/*), module/command (fail-over-ip/switch) or read-only; repeat for each")
	cmd.Flags().Int64SliceVar(&opts.ServiceIDs, "service-id", nil, "a service or zone id the key may name (repeat, or comma-separated); the key then calls only commands naming one")
	cmd.Flags().StringArrayVar(&opts.SourcePrefixes, "source-prefix", nil, "a client address or prefix (CIDR) the key may be used from; repeat for each")
	cmd.Flags().DurationVar(&opts.ExpiresIn, "expires-in", 0, "the key stops working after this long (e.g. 720h; 0: never)")
	cmd.Long += `

The key is printed once: only its hash is kept. Use it with the customer id
as the main key (ARTNET_API_KEY, or artnet context create --api-key).`
	return cmd
}

func apiKeysCreateRun(o *APIKeysCreateOptions) error {
	c, err := o.Client()
	if err != nil {
		return err
	}
	opts := artnet.APIKeyCreateOpts{Label: o.Label, Scope: o.Scope, ServiceIDs: o.ServiceIDs, SourcePrefixes: o.SourcePrefixes}
	if o.ExpiresIn > 0 {
		opts.ExpiresAt = time.Now().Add(o.ExpiresIn)
	}
	k, err := c.APIKeys.Create(o.Ctx, opts)
	if err != nil {
		return err
	}
	if err := o.Print(artnet.APIKeyDetailsResponse{APIKeyDetails: *k}, func(w io.Writer) error {
		_, err := fmt.Fprintf(w, "Key id: %d\nAPI key: %s\n", k.KeyID, k.APIKey)
		return err
	}); err != nil {
		return err
	}
	o.f.warnf("%s", "The key is not shown again.")
	return nil
}

func newCmdAPIKeysDelete(f *Factory, runF func(*IDOptions) error) *cobra.Command {
	return newIDCommand(f, "api-keys", "delete", "key_id", runF, apiKeysDeleteRun)
}

func apiKeysDeleteRun(o *IDOptions) error {
	c, err := o.Client()
	if err != nil {
		return err
	}
	if err := c.APIKeys.Delete(o.Ctx, o.ID); err != nil {
		return err
	}
	return o.Done(fmt.Sprintf("API key %d deleted.", o.ID))
}
