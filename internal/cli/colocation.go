package cli

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/artnet-panel/artnet-panel/artnet"
)

func newCmdColocation(f *Factory) *cobra.Command {
	cmd := newModuleCmd("colocation")
	cmd.AddCommand(
		newCmdColocationList(f, nil),
		newCmdColocationDetails(f, nil),
		newCmdColocationTransferUsageDetails(f, nil),
		newCmdColocationPowerDetails(f, nil),
		newCmdColocationPowerOn(f, nil),
		newCmdColocationPowerOff(f, nil),
		newCmdColocationPowerRestart(f, nil),
	)
	return cmd
}

func newCmdColocationList(f *Factory, runF func(*ListOptions) error) *cobra.Command {
	return newListCommand(f, "colocation", runF, colocationListRun)
}

func colocationListRun(o *ListOptions) error {
	return serviceListRun(o, func(c *artnet.Client) listFunc { return c.Colocation.List })
}

func newCmdColocationDetails(f *Factory, runF func(*IDOptions) error) *cobra.Command {
	return newServiceDetailsCommand(f, "colocation", runF, colocationDetailsRun)
}

func colocationDetailsRun(o *IDOptions) error {
	return serviceDetailsRun(o, func(c *artnet.Client) func(context.Context, int64) (*artnet.ColocationDetails, error) {
		return c.Colocation.Details
	})
}

func newCmdColocationTransferUsageDetails(f *Factory, runF func(*IDOptions) error) *cobra.Command {
	return newIDCommand(f, "colocation", "transfer-usage-details", "service_id", runF, colocationTransferUsageDetailsRun)
}

func colocationTransferUsageDetailsRun(o *IDOptions) error {
	return transferUsageRun(o, func(c *artnet.Client) func(context.Context, int64) (*artnet.TransferUsageDetails, error) {
		return c.Colocation.TransferUsageDetails
	})
}

func newCmdColocationPowerDetails(f *Factory, runF func(*IDOptions) error) *cobra.Command {
	return newIDCommand(f, "colocation", "power-details", "service_id", runF, colocationPowerDetailsRun)
}

func colocationPowerDetailsRun(o *IDOptions) error {
	return powerDetailsRun(o, func(c *artnet.Client) func(context.Context, int64) (*artnet.PowerDetails, error) {
		return c.Colocation.PowerDetails
	})
}

func newCmdColocationPowerOn(f *Factory, runF func(*IDOptions) error) *cobra.Command {
	return newIDCommand(f, "colocation", "power-on", "service_id", runF, colocationPowerOnRun)
}

func colocationPowerOnRun(o *IDOptions) error {
	return powerRun(o, func(c *artnet.Client) func(context.Context, int64) error { return c.Colocation.PowerOn }, "power on requested")
}

func newCmdColocationPowerOff(f *Factory, runF func(*IDOptions) error) *cobra.Command {
	return newIDCommand(f, "colocation", "power-off", "service_id", runF, colocationPowerOffRun)
}

func colocationPowerOffRun(o *IDOptions) error {
	return powerRun(o, func(c *artnet.Client) func(context.Context, int64) error { return c.Colocation.PowerOff }, "power off requested")
}

func newCmdColocationPowerRestart(f *Factory, runF func(*IDOptions) error) *cobra.Command {
	return newIDCommand(f, "colocation", "power-restart", "service_id", runF, colocationPowerRestartRun)
}

func colocationPowerRestartRun(o *IDOptions) error {
	return powerRun(o, func(c *artnet.Client) func(context.Context, int64) error { return c.Colocation.PowerRestart }, "power restart requested")
}
