package cli

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/artnet-panel/artnet-panel/artnet"
)

func newCmdSoftware(f *Factory) *cobra.Command {
	cmd := newModuleCmd("software")
	cmd.AddCommand(
		newCmdSoftwareList(f, nil),
		newCmdSoftwareDetails(f, nil),
	)
	return cmd
}

func newCmdSoftwareList(f *Factory, runF func(*ListOptions) error) *cobra.Command {
	return newListCommand(f, "software", runF, softwareListRun)
}

func softwareListRun(o *ListOptions) error {
	return serviceListRun(o, func(c *artnet.Client) listFunc { return c.Software.List })
}

func newCmdSoftwareDetails(f *Factory, runF func(*IDOptions) error) *cobra.Command {
	return newServiceDetailsCommand(f, "software", runF, softwareDetailsRun)
}

func softwareDetailsRun(o *IDOptions) error {
	return serviceDetailsRun(o, func(c *artnet.Client) func(ctx context.Context, id int64) (*artnet.SoftwareDetails, error) {
		return c.Software.Details
	})
}
