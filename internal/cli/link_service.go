package cli

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/artnet-panel/artnet-panel/artnet"
)

func newCmdLinkService(f *Factory) *cobra.Command {
	cmd := newModuleCmd("link-service")
	cmd.AddCommand(
		newCmdLinkServiceList(f, nil),
		newCmdLinkServiceDetails(f, nil),
	)
	return cmd
}

func newCmdLinkServiceList(f *Factory, runF func(*ListOptions) error) *cobra.Command {
	return newListCommand(f, "link-service", runF, linkServiceListRun)
}

func linkServiceListRun(o *ListOptions) error {
	return serviceListRun(o, func(c *artnet.Client) listFunc { return c.LinkService.List })
}

func newCmdLinkServiceDetails(f *Factory, runF func(*IDOptions) error) *cobra.Command {
	return newServiceDetailsCommand(f, "link-service", runF, linkServiceDetailsRun)
}

func linkServiceDetailsRun(o *IDOptions) error {
	return serviceDetailsRun(o, func(c *artnet.Client) func(ctx context.Context, id int64) (*artnet.LinkDetails, error) {
		return c.LinkService.Details
	})
}
