package cli

import (
	"context"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/artnet-panel/artnet-panel/artnet"
)

func newCmdAdditionalIP(f *Factory) *cobra.Command {
	cmd := newModuleCmd("additional-ip")
	cmd.AddCommand(
		newCmdAdditionalIPList(f, nil),
		newCmdAdditionalIPDetails(f, nil),
		newCmdAdditionalIPOrderInfo(f, nil),
		newCmdAdditionalIPOrder(f, nil),
	)
	return cmd
}

func newCmdAdditionalIPList(f *Factory, runF func(*ListOptions) error) *cobra.Command {
	return newListCommand(f, "additional-ip", runF, additionalIPListRun)
}

func additionalIPListRun(o *ListOptions) error {
	return serviceListRun(o, func(c *artnet.Client) listFunc { return c.AdditionalIP.List })
}

func newCmdAdditionalIPDetails(f *Factory, runF func(*IDOptions) error) *cobra.Command {
	return newServiceDetailsCommand(f, "additional-ip", runF, additionalIPDetailsRun)
}

func additionalIPDetailsRun(o *IDOptions) error {
	return serviceDetailsRun(o, func(c *artnet.Client) func(context.Context, int64) (*artnet.AdditionalIPDetails, error) {
		return c.AdditionalIP.Details
	})
}

func newCmdAdditionalIPOrderInfo(f *Factory, runF func(*IDOptions) error) *cobra.Command {
	return newIDCommand(f, "additional-ip", "order-info", "parent_service_id", runF, additionalIPOrderInfoRun)
}

func additionalIPOrderInfoRun(o *IDOptions) error {
	c, err := o.Client()
	if err != nil {
		return err
	}
	info, err := c.AdditionalIP.OrderInfo(o.Ctx, o.ID)
	if err != nil {
		return err
	}
	return o.Print(artnet.AdditionalIPOrderInfoResponse{OrderInfo: *info}, func(w io.Writer) error {
		return printDetails(w, info)
	})
}

// AdditionalIPOrderOptions are the options of additional-ip order.
type AdditionalIPOrderOptions struct {
	Common
	ParentServiceID int64
	IPsNumber       int64
}

func newCmdAdditionalIPOrder(f *Factory, runF func(*AdditionalIPOrderOptions) error) *cobra.Command {
	opts := &AdditionalIPOrderOptions{}
	sc := mustSpec("additional-ip", "order")
	cmd := apiCommand(f, "additional-ip", "order", "PARENT_SERVICE_ID --ips-number N",
		func(c *cobra.Command, args []string) error {
			opts.Common = f.common(c)
			if err := idArg(c, args, "parent_service_id", &opts.ParentServiceID); err != nil {
				return err
			}
			return requireFlags(c, "ips-number")
		},
		func() error {
			if runF != nil {
				return runF(opts)
			}
			return additionalIPOrderRun(opts)
		})
	cmd.Args = cobra.MaximumNArgs(1)
	cmd.Long += "\n\nThe order is charged: check the price first with additional-ip order-info."
	idFlag(cmd, sc, "parent_service_id", &opts.ParentServiceID)
	cmd.Flags().Int64Var(&opts.IPsNumber, "ips-number", 0, paramDoc(sc, "ips_number"))
	return cmd
}

func additionalIPOrderRun(o *AdditionalIPOrderOptions) error {
	c, err := o.Client()
	if err != nil {
		return err
	}
	d, err := c.AdditionalIP.Order(o.Ctx, artnet.AdditionalIPOrderOpts{ParentServiceID: o.ParentServiceID, IPsNumber: o.IPsNumber})
	if err != nil {
		return err
	}
	return o.Print(artnet.AdditionalIPOrderResponse{OrderDetails: *d}, func(w io.Writer) error {
		fmt.Fprintf(w, "Ordered %d IP addresses (service %d):\n", d.IPsNumber, d.ServiceID)
		t := newTable(w, "IP", "MASK")
		for _, ip := range d.IPsConfiguration {
			t.row(ip.IP, ip.Mask)
		}
		return t.flush()
	})
}
