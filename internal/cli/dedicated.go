package cli

import (
	"context"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/artnet-panel/artnet-panel/artnet"
)

func newCmdDedicated(f *Factory) *cobra.Command {
	cmd := newModuleCmd("dedicated")
	cmd.AddCommand(
		newCmdDedicatedList(f, nil),
		newCmdDedicatedDetails(f, nil),
		newCmdDedicatedTransferUsageDetails(f, nil),
		newCmdDedicatedILODetails(f, nil),
		newCmdDedicatedILOAccessEnable(f, nil),
		newCmdDedicatedILOAccessDisable(f, nil),
		newCmdDedicatedPowerDetails(f, nil),
		newCmdDedicatedPowerOn(f, nil),
		newCmdDedicatedPowerOff(f, nil),
		newCmdDedicatedPowerRestart(f, nil),
	)
	return cmd
}

func newCmdDedicatedList(f *Factory, runF func(*ListOptions) error) *cobra.Command {
	return newListCommand(f, "dedicated", runF, dedicatedListRun)
}

func dedicatedListRun(o *ListOptions) error {
	return serviceListRun(o, func(c *artnet.Client) listFunc { return c.Dedicated.List })
}

func newCmdDedicatedDetails(f *Factory, runF func(*IDOptions) error) *cobra.Command {
	return newServiceDetailsCommand(f, "dedicated", runF, dedicatedDetailsRun)
}

func dedicatedDetailsRun(o *IDOptions) error {
	return serviceDetailsRun(o, func(c *artnet.Client) func(context.Context, int64) (*artnet.DedicatedDetails, error) {
		return c.Dedicated.Details
	})
}

func newCmdDedicatedTransferUsageDetails(f *Factory, runF func(*IDOptions) error) *cobra.Command {
	return newIDCommand(f, "dedicated", "transfer-usage-details", "service_id", runF, dedicatedTransferUsageDetailsRun)
}

func dedicatedTransferUsageDetailsRun(o *IDOptions) error {
	return transferUsageRun(o, func(c *artnet.Client) func(context.Context, int64) (*artnet.TransferUsageDetails, error) {
		return c.Dedicated.TransferUsageDetails
	})
}

func newCmdDedicatedILODetails(f *Factory, runF func(*IDOptions) error) *cobra.Command {
	return newIDCommand(f, "dedicated", "ilo-details", "service_id", runF, dedicatedILODetailsRun)
}

func dedicatedILODetailsRun(o *IDOptions) error {
	c, err := o.Client()
	if err != nil {
		return err
	}
	d, err := c.Dedicated.ILODetails(o.Ctx, o.ID)
	if err != nil {
		return err
	}
	return o.Print(artnet.ILODetailsResponse{ILODetails: *d}, func(w io.Writer) error {
		return printDetails(w, d)
	})
}

// ILOAccessEnableOptions are the options of dedicated ilo-access-enable.
type ILOAccessEnableOptions struct {
	Common
	ServiceID int64
	RemoteIP  string
}

func newCmdDedicatedILOAccessEnable(f *Factory, runF func(*ILOAccessEnableOptions) error) *cobra.Command {
	opts := &ILOAccessEnableOptions{}
	sc := mustSpec("dedicated", "ilo-access-enable")
	cmd := apiCommand(f, "dedicated", "ilo-access-enable", "SERVICE_ID --remote-ip IP",
		func(c *cobra.Command, args []string) error {
			opts.Common = f.common(c)
			if err := idArg(c, args, "service_id", &opts.ServiceID); err != nil {
				return err
			}
			return requireFlags(c, "remote-ip")
		},
		func() error {
			if runF != nil {
				return runF(opts)
			}
			return dedicatedILOAccessEnableRun(opts)
		})
	cmd.Args = cobra.MaximumNArgs(1)
	idFlag(cmd, sc, "service_id", &opts.ServiceID)
	stringFlag(cmd, sc, "remote_ip", &opts.RemoteIP)
	return cmd
}

func dedicatedILOAccessEnableRun(o *ILOAccessEnableOptions) error {
	c, err := o.Client()
	if err != nil {
		return err
	}
	if err := c.Dedicated.ILOAccessEnable(o.Ctx, artnet.DedicatedILOAccessEnableOpts{ServiceID: o.ServiceID, RemoteIP: o.RemoteIP}); err != nil {
		return err
	}
	return o.Done(fmt.Sprintf("Service %d: iLO / IPMI access open for %s.", o.ServiceID, o.RemoteIP))
}

func newCmdDedicatedILOAccessDisable(f *Factory, runF func(*IDOptions) error) *cobra.Command {
	return newIDCommand(f, "dedicated", "ilo-access-disable", "service_id", runF, dedicatedILOAccessDisableRun)
}

func dedicatedILOAccessDisableRun(o *IDOptions) error {
	c, err := o.Client()
	if err != nil {
		return err
	}
	if err := c.Dedicated.ILOAccessDisable(o.Ctx, o.ID); err != nil {
		return err
	}
	return o.Done(fmt.Sprintf("Service %d: iLO / IPMI access closed.", o.ID))
}

func newCmdDedicatedPowerDetails(f *Factory, runF func(*IDOptions) error) *cobra.Command {
	return newIDCommand(f, "dedicated", "power-details", "service_id", runF, dedicatedPowerDetailsRun)
}

func dedicatedPowerDetailsRun(o *IDOptions) error {
	return powerDetailsRun(o, func(c *artnet.Client) func(context.Context, int64) (*artnet.PowerDetails, error) {
		return c.Dedicated.PowerDetails
	})
}

func newCmdDedicatedPowerOn(f *Factory, runF func(*IDOptions) error) *cobra.Command {
	return newIDCommand(f, "dedicated", "power-on", "service_id", runF, dedicatedPowerOnRun)
}

func dedicatedPowerOnRun(o *IDOptions) error {
	return powerRun(o, func(c *artnet.Client) func(context.Context, int64) error { return c.Dedicated.PowerOn }, "power on requested")
}

func newCmdDedicatedPowerOff(f *Factory, runF func(*IDOptions) error) *cobra.Command {
	return newIDCommand(f, "dedicated", "power-off", "service_id", runF, dedicatedPowerOffRun)
}

func dedicatedPowerOffRun(o *IDOptions) error {
	return powerRun(o, func(c *artnet.Client) func(context.Context, int64) error { return c.Dedicated.PowerOff }, "power off requested")
}

func newCmdDedicatedPowerRestart(f *Factory, runF func(*IDOptions) error) *cobra.Command {
	return newIDCommand(f, "dedicated", "power-restart", "service_id", runF, dedicatedPowerRestartRun)
}

func dedicatedPowerRestartRun(o *IDOptions) error {
	return powerRun(o, func(c *artnet.Client) func(context.Context, int64) error { return c.Dedicated.PowerRestart }, "power restart requested")
}
