package cli

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/artnet-panel/artnet-panel/artnet"
)

func newCmdAVX(f *Factory) *cobra.Command {
	cmd := newModuleCmd("avx")
	cmd.AddCommand(
		newCmdAVXList(f, nil),
		newCmdAVXDetails(f, nil),
	)
	return cmd
}

func newCmdAVXList(f *Factory, runF func(*ListOptions) error) *cobra.Command {
	return newListCommand(f, "avx", runF, avxListRun)
}

func avxListRun(o *ListOptions) error {
	return serviceListRun(o, func(c *artnet.Client) listFunc { return c.AVX.List })
}

func newCmdAVXDetails(f *Factory, runF func(*IDOptions) error) *cobra.Command {
	return newServiceDetailsCommand(f, "avx", runF, avxDetailsRun)
}

func avxDetailsRun(o *IDOptions) error {
	return serviceDetailsRun(o, func(c *artnet.Client) func(ctx context.Context, id int64) (*artnet.HostingDetails, error) {
		return c.AVX.Details
	})
}
