package cli

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/artnet-panel/artnet-panel/artnet"
)

func newCmdVPS(f *Factory) *cobra.Command {
	cmd := newModuleCmd("vps")
	cmd.AddCommand(
		newCmdVPSList(f, nil),
		newCmdVPSDetails(f, nil),
		newCmdVPSPowerOn(f, nil),
		newCmdVPSPowerOff(f, nil),
		newCmdVPSPowerRestart(f, nil),
	)
	return cmd
}

func newCmdVPSList(f *Factory, runF func(*ListOptions) error) *cobra.Command {
	return newListCommand(f, "vps", runF, vpsListRun)
}

func vpsListRun(o *ListOptions) error {
	return serviceListRun(o, func(c *artnet.Client) listFunc { return c.VPS.List })
}

func newCmdVPSDetails(f *Factory, runF func(*IDOptions) error) *cobra.Command {
	return newServiceDetailsCommand(f, "vps", runF, vpsDetailsRun)
}

func vpsDetailsRun(o *IDOptions) error {
	return serviceDetailsRun(o, func(c *artnet.Client) func(context.Context, int64) (*artnet.VPSDetails, error) {
		return c.VPS.Details
	})
}

func newCmdVPSPowerOn(f *Factory, runF func(*IDOptions) error) *cobra.Command {
	return newIDCommand(f, "vps", "power-on", "service_id", runF, vpsPowerOnRun)
}

func vpsPowerOnRun(o *IDOptions) error {
	return powerRun(o, func(c *artnet.Client) func(context.Context, int64) error { return c.VPS.PowerOn }, "power on requested")
}

func newCmdVPSPowerOff(f *Factory, runF func(*IDOptions) error) *cobra.Command {
	return newIDCommand(f, "vps", "power-off", "service_id", runF, vpsPowerOffRun)
}

func vpsPowerOffRun(o *IDOptions) error {
	return powerRun(o, func(c *artnet.Client) func(context.Context, int64) error { return c.VPS.PowerOff }, "power off requested")
}

func newCmdVPSPowerRestart(f *Factory, runF func(*IDOptions) error) *cobra.Command {
	return newIDCommand(f, "vps", "power-restart", "service_id", runF, vpsPowerRestartRun)
}

func vpsPowerRestartRun(o *IDOptions) error {
	return powerRun(o, func(c *artnet.Client) func(context.Context, int64) error { return c.VPS.PowerRestart }, "power restart requested")
}
