package cli

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/artnet-panel/artnet-panel/artnet"
)

func newCmdSSL(f *Factory) *cobra.Command {
	cmd := newModuleCmd("ssl")
	cmd.AddCommand(
		newCmdSSLList(f, nil),
		newCmdSSLDetails(f, nil),
	)
	return cmd
}

func newCmdSSLList(f *Factory, runF func(*ListOptions) error) *cobra.Command {
	return newListCommand(f, "ssl", runF, sslListRun)
}

func sslListRun(o *ListOptions) error {
	return serviceListRun(o, func(c *artnet.Client) listFunc { return c.SSL.List })
}

func newCmdSSLDetails(f *Factory, runF func(*IDOptions) error) *cobra.Command {
	return newServiceDetailsCommand(f, "ssl", runF, sslDetailsRun)
}

func sslDetailsRun(o *IDOptions) error {
	return serviceDetailsRun(o, func(c *artnet.Client) func(ctx context.Context, id int64) (*artnet.SSLDetails, error) {
		return c.SSL.Details
	})
}
