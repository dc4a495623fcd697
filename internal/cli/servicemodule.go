package cli

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/artnet-panel/artnet-panel/artnet"
)

// Helpers of the service modules (domain, dedicated, vps, ...): their list
// and details commands, and the power commands.

// ListOptions are the options of a service module's list command.
type ListOptions struct {
	Common
	Limit, Offset   int
	ParentServiceID int64
}

// listFunc is a module's List method.
type listFunc func(context.Context, artnet.ListOpts) ([]artnet.Service, error)

// newListCommand returns the list command of a service module.
func newListCommand(f *Factory, module string, runF, run func(*ListOptions) error) *cobra.Command {
	opts := &ListOptions{}
	sc := mustSpec(module, "list")
	cmd := apiCommand(f, module, "list", "",
		func(c *cobra.Command, args []string) error {
			opts.Common = f.common(c)
			return nil
		},
		func() error {
			if runF != nil {
				return runF(opts)
			}
			return run(opts)
		})
	cmd.Args = cobra.NoArgs
	cmd.Flags().IntVar(&opts.Limit, "limit", 0, paramDoc(sc, "limit")+" (0: all)")
	cmd.Flags().IntVar(&opts.Offset, "offset", 0, paramDoc(sc, "offset"))
	cmd.Flags().Int64Var(&opts.ParentServiceID, "parent-service-id", 0, paramDoc(sc, "parent_service_id"))
	return cmd
}

// serviceListRun runs a module's list command with the module's List
// method.
func serviceListRun(o *ListOptions, list func(*artnet.Client) listFunc) error {
	c, err := o.Client()
	if err != nil {
		return err
	}
	services, err := list(c)(o.Ctx, artnet.ListOpts{Limit: o.Limit, Offset: o.Offset, ParentServiceID: o.ParentServiceID})
	if err != nil {
		return err
	}
	return o.printServices(services)
}

// printServices prints a services_list answer.
func (o *Common) printServices(services []artnet.Service) error {
	return o.Print(artnet.ServicesListResponse{ServicesList: services}, func(w io.Writer) error {
		return writeServicesTable(w, services)
	})
}

// writeServicesTable writes services as rows with their key columns.
func writeServicesTable(w io.Writer, services []artnet.Service) error {
	t := newTable(w, "ID", "TYPE", "NAME", "IP", "EXPIRES", "PRICE", "PERIOD", "PARENT")
	for _, s := range services {
		parent := ""
		if s.ParentServiceID != 0 {
			parent = fmt.Sprint(s.ParentServiceID)
		}
		t.row(fmt.Sprint(s.ID), s.Type, s.Name, s.IP, formatDate(s.ExpirationTime),
			formatPrice(s.PaymentDetails), formatPeriod(s.PaymentDetails.PaymentPeriod), parent)
	}
	return t.flush()
}

// formatPrice formats the gross price of a service: "648.21 PLN",
// "430.50 PLN".
func formatPrice(p artnet.PaymentDetails) string {
	return strings.TrimSpace(formatMoney(p.PriceBrutto) + " " + p.Currency)
}

// formatPeriod formats a payment period in months: "1 mo", "12 mo".
func formatPeriod(months artnet.Int) string {
	if months == 0 {
		return ""
	}
	return fmt.Sprintf("%d mo", months)
}

// newServiceDetailsCommand returns the details command of a service
// module; run is the module's details run function.
func newServiceDetailsCommand(f *Factory, module string, runF, run func(*IDOptions) error) *cobra.Command {
	return newIDCommand(f, module, "details", "service_id", runF, run)
}

// serviceDetailsRun runs a module's details command with the module's
// Details method and prints {"service_details": ...}.
func serviceDetailsRun[T any](o *IDOptions, details func(*artnet.Client) func(context.Context, int64) (*T, error)) error {
	c, err := o.Client()
	if err != nil {
		return err
	}
	d, err := details(c)(o.Ctx, o.ID)
	if err != nil {
		return err
	}
	return o.Print(artnet.ServiceDetailsOf[T]{ServiceDetails: *d}, func(w io.Writer) error {
		return printDetails(w, d)
	})
}

// powerRun runs a power-on, power-off or power-restart command.
func powerRun(o *IDOptions, power func(*artnet.Client) func(context.Context, int64) error, done string) error {
	c, err := o.Client()
	if err != nil {
		return err
	}
	if err := power(c)(o.Ctx, o.ID); err != nil {
		return err
	}
	return o.Done(fmt.Sprintf("Service %d: %s.", o.ID, done))
}

// powerDetailsRun runs a power-details command.
func powerDetailsRun(o *IDOptions, details func(*artnet.Client) func(context.Context, int64) (*artnet.PowerDetails, error)) error {
	c, err := o.Client()
	if err != nil {
		return err
	}
	d, err := details(c)(o.Ctx, o.ID)
	if err != nil {
		return err
	}
	return o.Print(artnet.PowerDetailsResponse{PowerDetails: *d}, func(w io.Writer) error {
		return printDetails(w, d)
	})
}

// transferUsageRun runs a transfer-usage-details command.
func transferUsageRun(o *IDOptions, usage func(*artnet.Client) func(context.Context, int64) (*artnet.TransferUsageDetails, error)) error {
	c, err := o.Client()
	if err != nil {
		return err
	}
	d, err := usage(c)(o.Ctx, o.ID)
	if err != nil {
		return err
	}
	return o.Print(artnet.TransferUsageDetailsResponse{TransferUsageDetails: *d}, func(w io.Writer) error {
		t := newTable(w, "FROM", "TO", "UP", "DOWN")
		for _, p := range d.PeriodsList {
			t.row(formatTime(p.TimeRange.From), formatTime(p.TimeRange.To),
				formatBytes(p.TransferUsage.Up), formatBytes(p.TransferUsage.Down))
		}
		return t.flush()
	})
}

// formatBytes formats a byte count with a binary unit: "1.5 GiB".
func formatBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}

// completeServiceTypes completes --type of services list.
func completeServiceTypes(*cobra.Command, []string, string) ([]cobra.Completion, cobra.ShellCompDirective) {
	return slices.Clone(artnet.ServiceTypes), cobra.ShellCompDirectiveNoFileComp
}
