package cli

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/artnet-panel/artnet-panel/artnet"
)

func newCmdDomain(f *Factory) *cobra.Command {
	cmd := newModuleCmd("domain")
	cmd.AddCommand(
		newCmdDomainList(f, nil),
		newCmdDomainDetails(f, nil),
		newCmdDomainEditDNSServers(f, nil),
	)
	return cmd
}

func newCmdDomainList(f *Factory, runF func(*ListOptions) error) *cobra.Command {
	return newListCommand(f, "domain", runF, domainListRun)
}

func domainListRun(o *ListOptions) error {
	return serviceListRun(o, func(c *artnet.Client) listFunc { return c.Domain.List })
}

func newCmdDomainDetails(f *Factory, runF func(*IDOptions) error) *cobra.Command {
	return newServiceDetailsCommand(f, "domain", runF, domainDetailsRun)
}

func domainDetailsRun(o *IDOptions) error {
	return serviceDetailsRun(o, func(c *artnet.Client) func(context.Context, int64) (*artnet.DomainDetails, error) {
		return c.Domain.Details
	})
}

// DomainEditDNSServersOptions are the options of domain edit-dns-servers.
type DomainEditDNSServersOptions struct {
	Common
	ServiceID  int64
	DNSServers []string
}

func newCmdDomainEditDNSServers(f *Factory, runF func(*DomainEditDNSServersOptions) error) *cobra.Command {
	opts := &DomainEditDNSServersOptions{}
	sc := mustSpec("domain", "edit-dns-servers")
	cmd := apiCommand(f, "domain", "edit-dns-servers", "SERVICE_ID --dns-server HOST --dns-server HOST...",
		func(c *cobra.Command, args []string) error {
			opts.Common = f.common(c)
			if err := idArg(c, args, "service_id", &opts.ServiceID); err != nil {
				return err
			}
			if len(opts.DNSServers) == 0 {
				return usageErrorf("missing --dns-server: give the DNS servers in order, one flag each")
			}
			return nil
		},
		func() error {
			if runF != nil {
				return runF(opts)
			}
			return domainEditDNSServersRun(opts)
		})
	cmd.Args = cobra.MaximumNArgs(1)
	cmd.Example = `  artnet domain edit-dns-servers 12348 --dns-server ns1.artnet.pl --dns-server ns2.artnet.pl`
	idFlag(cmd, sc, "service_id", &opts.ServiceID)
	cmd.Flags().StringArrayVar(&opts.DNSServers, "dns-server", nil, "DNS server host name; repeat the flag for each, in order (order is significant)")
	return cmd
}

func domainEditDNSServersRun(o *DomainEditDNSServersOptions) error {
	c, err := o.Client()
	if err != nil {
		return err
	}
	if err := c.Domain.EditDNSServers(o.Ctx, artnet.DomainEditDNSServersOpts{ServiceID: o.ServiceID, DNSServers: o.DNSServers}); err != nil {
		return err
	}
	return o.Done(fmt.Sprintf("Domain %d: DNS servers set to %s.", o.ServiceID, strings.Join(o.DNSServers, ", ")))
}
