package cli

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/artnet-panel/artnet-panel/artnet"
)

func newCmdHostingArtnet(f *Factory) *cobra.Command {
	cmd := newModuleCmd("hosting-artnet")
	cmd.AddCommand(
		newCmdHostingArtnetList(f, nil),
		newCmdHostingArtnetDetails(f, nil),
	)
	return cmd
}

func newCmdHostingArtnetList(f *Factory, runF func(*ListOptions) error) *cobra.Command {
	return newListCommand(f, "hosting-artnet", runF, hostingArtnetListRun)
}

func hostingArtnetListRun(o *ListOptions) error {
	return serviceListRun(o, func(c *artnet.Client) listFunc { return c.HostingArtnet.List })
}

func newCmdHostingArtnetDetails(f *Factory, runF func(*IDOptions) error) *cobra.Command {
	return newServiceDetailsCommand(f, "hosting-artnet", runF, hostingArtnetDetailsRun)
}

func hostingArtnetDetailsRun(o *IDOptions) error {
	return serviceDetailsRun(o, func(c *artnet.Client) func(ctx context.Context, id int64) (*artnet.HostingDetails, error) {
		return c.HostingArtnet.Details
	})
}
