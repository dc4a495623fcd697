package cli

import (
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/artnet-panel/artnet-panel/artnet"
)

func newCmdServices(f *Factory) *cobra.Command {
	cmd := newModuleCmd("services")
	cmd.AddCommand(
		newCmdServicesList(f, nil),
		newCmdServicesDetails(f, nil),
	)
	return cmd
}

// ServicesListOptions are the options of services list.
type ServicesListOptions struct {
	Common
	Type            string
	Limit, Offset   int
	ParentServiceID int64
}

func newCmdServicesList(f *Factory, runF func(*ServicesListOptions) error) *cobra.Command {
	opts := &ServicesListOptions{}
	sc := mustSpec("services", "list")
	cmd := apiCommand(f, "services", "list", "",
		func(c *cobra.Command, args []string) error {
			opts.Common = f.common(c)
			return nil
		},
		func() error {
			if runF != nil {
				return runF(opts)
			}
			return servicesListRun(opts)
		})
	cmd.Args = cobra.NoArgs
	cmd.Example = `  artnet services list
  artnet services list --type dedicated --limit 50 --offset 0
  artnet services list -o json`
	cmd.Flags().StringVar(&opts.Type, "type", "", "only services of this type: "+strings.Join(artnet.ServiceTypes, ", "))
	cmd.Flags().IntVar(&opts.Limit, "limit", 0, paramDoc(sc, "limit")+" (0: all)")
	cmd.Flags().IntVar(&opts.Offset, "offset", 0, paramDoc(sc, "offset"))
	cmd.Flags().Int64Var(&opts.ParentServiceID, "parent-service-id", 0, paramDoc(sc, "parent_service_id"))
	_ = cmd.RegisterFlagCompletionFunc("type", completeServiceTypes)
	return cmd
}

func servicesListRun(o *ServicesListOptions) error {
	c, err := o.Client()
	if err != nil {
		return err
	}
	services, err := c.Services.List(o.Ctx, artnet.ServiceListOpts{
		Type: o.Type, Limit: o.Limit, Offset: o.Offset, ParentServiceID: o.ParentServiceID,
	})
	if err != nil {
		return err
	}
	return o.printServices(services)
}

func newCmdServicesDetails(f *Factory, runF func(*IDOptions) error) *cobra.Command {
	return newIDCommand(f, "services", "details", "service_id", runF, servicesDetailsRun)
}

func servicesDetailsRun(o *IDOptions) error {
	c, err := o.Client()
	if err != nil {
		return err
	}
	s, err := c.Services.Details(o.Ctx, o.ID)
	if err != nil {
		return err
	}
	return o.Print(artnet.ServiceDetailsResponse{Service: *s}, func(w io.Writer) error {
		return printDetails(w, s)
	})
}
