package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/artnet-panel/artnet-panel/artnet"
)

func newCmdFailOverIP(f *Factory) *cobra.Command {
	cmd := newModuleCmd("fail-over-ip")
	cmd.AddCommand(
		newCmdFailOverIPList(f, nil),
		newCmdFailOverIPDetails(f, nil),
		newCmdFailOverIPSwitch(f, nil),
	)
	return cmd
}

func newCmdFailOverIPList(f *Factory, runF func(*ListOptions) error) *cobra.Command {
	return newListCommand(f, "fail-over-ip", runF, failOverIPListRun)
}

func failOverIPListRun(o *ListOptions) error {
	return serviceListRun(o, func(c *artnet.Client) listFunc { return c.FailOverIP.List })
}

func newCmdFailOverIPDetails(f *Factory, runF func(*IDOptions) error) *cobra.Command {
	return newServiceDetailsCommand(f, "fail-over-ip", runF, failOverIPDetailsRun)
}

func failOverIPDetailsRun(o *IDOptions) error {
	return serviceDetailsRun(o, func(c *artnet.Client) func(context.Context, int64) (*artnet.FailOverIPDetails, error) {
		return c.FailOverIP.Details
	})
}

// FailOverIPSwitchOptions are the options of fail-over-ip switch.
type FailOverIPSwitchOptions struct {
	Common
	ServiceID int64
	RealIP    string
}

func newCmdFailOverIPSwitch(f *Factory, runF func(*FailOverIPSwitchOptions) error) *cobra.Command {
	opts := &FailOverIPSwitchOptions{}
	sc := mustSpec("fail-over-ip", "switch")
	cmd := apiCommand(f, "fail-over-ip", "switch", "SERVICE_ID --real-ip IP",
		func(c *cobra.Command, args []string) error {
			opts.Common = f.common(c)
			if err := idArg(c, args, "service_id", &opts.ServiceID); err != nil {
				return err
			}
			return requireFlags(c, "real-ip")
		},
		func() error {
			if runF != nil {
				return runF(opts)
			}
			return failOverIPSwitchRun(opts)
		})
	cmd.Args = cobra.MaximumNArgs(1)
	idFlag(cmd, sc, "service_id", &opts.ServiceID)
	stringFlag(cmd, sc, "real_ip", &opts.RealIP)
	return cmd
}

func failOverIPSwitchRun(o *FailOverIPSwitchOptions) error {
	c, err := o.Client()
	if err != nil {
		return err
	}
	if err := c.FailOverIP.Switch(o.Ctx, artnet.FailOverIPSwitchOpts{ServiceID: o.ServiceID, RealIP: o.RealIP}); err != nil {
		return err
	}
	return o.Done(fmt.Sprintf("Fail-over IP %d: traffic now routed to %s.", o.ServiceID, o.RealIP))
}
