package cli

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/artnet-panel/artnet-panel/artnet"
)

func newCmdEasyISP(f *Factory) *cobra.Command {
	cmd := newModuleCmd("easyisp")
	cmd.AddCommand(
		newCmdEasyISPList(f, nil),
		newCmdEasyISPDetails(f, nil),
	)
	return cmd
}

func newCmdEasyISPList(f *Factory, runF func(*ListOptions) error) *cobra.Command {
	return newListCommand(f, "easyisp", runF, easyISPListRun)
}

func easyISPListRun(o *ListOptions) error {
	return serviceListRun(o, func(c *artnet.Client) listFunc { return c.EasyISP.List })
}

func newCmdEasyISPDetails(f *Factory, runF func(*IDOptions) error) *cobra.Command {
	return newServiceDetailsCommand(f, "easyisp", runF, easyISPDetailsRun)
}

func easyISPDetailsRun(o *IDOptions) error {
	return serviceDetailsRun(o, func(c *artnet.Client) func(ctx context.Context, id int64) (*artnet.HostingDetails, error) {
		return c.EasyISP.Details
	})
}
