package cli

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/artnet-panel/artnet-panel/artnet"
)

func newCmdDNS(f *Factory) *cobra.Command {
	cmd := newModuleCmd("dns")
	cmd.AddCommand(
		newCmdDNSList(f, nil),
		newCmdDNSDelete(f, nil),
		newCmdDNSDetailsSecondary(f, nil),
		newCmdDNSAddSecondary(f, nil),
		newCmdDNSDetailsPrimary(f, nil),
		newCmdDNSAddPrimary(f, nil),
		newCmdDNSEditPrimaryRecords(f, nil),
		newCmdDNSSECEnable(f, nil),
		newCmdDNSSECDisable(f, nil),
		newCmdDNSSECDetails(f, nil),
	)
	return cmd
}

func newCmdDNSList(f *Factory, runF func(*NoArgsOptions) error) *cobra.Command {
	return newNoArgsCommand(f, "dns", "list", runF, dnsListRun)
}

func dnsListRun(o *NoArgsOptions) error {
	c, err := o.Client()
	if err != nil {
		return err
	}
	zones, err := c.DNS.List(o.Ctx)
	if err != nil {
		return err
	}
	return o.Print(artnet.DNSZonesListResponse{ZonesList: zones}, func(w io.Writer) error {
		t := newTable(w, "ID", "DOMAIN", "TYPE", "MASTER")
		for _, z := range zones {
			t.row(fmt.Sprint(z.ID), z.Domain, z.Type, z.MasterNameserver)
		}
		return t.flush()
	})
}

func newCmdDNSDelete(f *Factory, runF func(*IDOptions) error) *cobra.Command {
	return newIDCommand(f, "dns", "delete", "zone_id", runF, dnsDeleteRun)
}

func dnsDeleteRun(o *IDOptions) error {
	c, err := o.Client()
	if err != nil {
		return err
	}
	if err := c.DNS.Delete(o.Ctx, o.ID); err != nil {
		return err
	}
	return o.Done(fmt.Sprintf("Zone %d deleted.", o.ID))
}

func newCmdDNSDetailsSecondary(f *Factory, runF func(*IDOptions) error) *cobra.Command {
	cmd := newIDCommand(f, "dns", "details-secoundary", "zone_id", runF, dnsDetailsSecondaryRun)
	cmd.Aliases = []string{"details-secondary"}
	return cmd
}

func dnsDetailsSecondaryRun(o *IDOptions) error {
	c, err := o.Client()
	if err != nil {
		return err
	}
	z, err := c.DNS.DetailsSecondary(o.Ctx, o.ID)
	if err != nil {
		return err
	}
	return o.Print(artnet.DNSZoneResponse{ZoneDetails: *z}, func(w io.Writer) error {
		return printDetails(w, z)
	})
}

// DNSAddSecondaryOptions are the options of dns add-secoundary.
type DNSAddSecondaryOptions struct {
	Common
	Domain           string
	MasterNameserver string
}

func newCmdDNSAddSecondary(f *Factory, runF func(*DNSAddSecondaryOptions) error) *cobra.Command {
	opts := &DNSAddSecondaryOptions{}
	sc := mustSpec("dns", "add-secoundary")
	cmd := apiCommand(f, "dns", "add-secoundary", "DOMAIN --master-nameserver HOST",
		func(c *cobra.Command, args []string) error {
			opts.Common = f.common(c)
			if err := stringArg(c, args, "domain", &opts.Domain); err != nil {
				return err
			}
			return requireFlags(c, "master-nameserver")
		},
		func() error {
			if runF != nil {
				return runF(opts)
			}
			return dnsAddSecondaryRun(opts)
		})
	cmd.Args = cobra.MaximumNArgs(1)
	cmd.Aliases = []string{"add-secondary"}
	stringFlag(cmd, sc, "domain", &opts.Domain)
	stringFlag(cmd, sc, "master_nameserver", &opts.MasterNameserver)
	return cmd
}

func dnsAddSecondaryRun(o *DNSAddSecondaryOptions) error {
	c, err := o.Client()
	if err != nil {
		return err
	}
	z, err := c.DNS.AddSecondary(o.Ctx, artnet.DNSAddSecondaryOpts{Domain: o.Domain, MasterNameserver: o.MasterNameserver})
	if err != nil {
		return err
	}
	return o.Print(artnet.DNSZoneResponse{ZoneDetails: *z}, func(w io.Writer) error {
		return printDetails(w, z)
	})
}

func newCmdDNSDetailsPrimary(f *Factory, runF func(*IDOptions) error) *cobra.Command {
	cmd := newIDCommand(f, "dns", "details-primary", "zone_id", runF, dnsDetailsPrimaryRun)
	cmd.Long += "\n\nThe records are printed in the --record syntax of dns edit-primary-records."
	return cmd
}

func dnsDetailsPrimaryRun(o *IDOptions) error {
	c, err := o.Client()
	if err != nil {
		return err
	}
	z, err := c.DNS.DetailsPrimary(o.Ctx, o.ID)
	if err != nil {
		return err
	}
	return o.Print(artnet.DNSPrimaryZoneResponse{ZoneDetails: *z}, func(w io.Writer) error {
		head := *z
		head.Records = nil
		if err := printDetails(w, struct {
			ID          int64    `json:"id"`
			Domain      string   `json:"domain"`
			Type        string   `json:"type"`
			Nameservers []string `json:"nameservers"`
			Serial      int64    `json:"serial"`
		}{head.ID, head.Domain, head.Type, head.Nameservers, head.Serial}); err != nil {
			return err
		}
		fmt.Fprintln(w, "records:")
		if len(z.Records) == 0 {
			fmt.Fprintln(w, "  -")
		}
		for _, r := range z.Records {
			fmt.Fprintf(w, "  %s\n", formatRecord(r))
		}
		return nil
	})
}

func newCmdDNSAddPrimary(f *Factory, runF func(*ArgOptions) error) *cobra.Command {
	return newArgCommand(f, "dns", "add-primary", "domain", runF, dnsAddPrimaryRun)
}

func dnsAddPrimaryRun(o *ArgOptions) error {
	c, err := o.Client()
	if err != nil {
		return err
	}
	z, err := c.DNS.AddPrimary(o.Ctx, o.Value)
	if err != nil {
		return err
	}
	return o.Print(artnet.DNSZoneResponse{ZoneDetails: *z}, func(w io.Writer) error {
		return printDetails(w, z)
	})
}

// DNSEditPrimaryRecordsOptions are the options of dns
// edit-primary-records.
type DNSEditPrimaryRecordsOptions struct {
	Common
	ZoneID  int64
	Serial  int64
	Records []artnet.DNSRecord
	Clear   bool
}

func newCmdDNSEditPrimaryRecords(f *Factory, runF func(*DNSEditPrimaryRecordsOptions) error) *cobra.Command {
	opts := &DNSEditPrimaryRecordsOptions{}
	sc := mustSpec("dns", "edit-primary-records")
	var recordArgs []string
	var recordsFile string
	cmd := apiCommand(f, "dns", "edit-primary-records", "ZONE_ID --serial SERIAL --record 'NAME [TTL] TYPE DATA...'...",
		func(c *cobra.Command, args []string) error {
			opts.Common = f.common(c)
			if err := idArg(c, args, "zone_id", &opts.ZoneID); err != nil {
				return err
			}
			if err := requireFlags(c, "serial"); err != nil {
				return err
			}
			opts.Records = nil
			if recordsFile != "" {
				rs, err := readRecordsFile(recordsFile, f.IO.In)
				if err != nil {
					return &UsageError{err}
				}
				opts.Records = append(opts.Records, rs...)
			}
			for _, s := range recordArgs {
				r, err := parseRecord(s)
				if err != nil {
					return usageErrorf("--record %q: %v", s, err)
				}
				opts.Records = append(opts.Records, r)
			}
			switch {
			case len(opts.Records) == 0 && !opts.Clear:
				return usageErrorf("no records: give --record or --records-file (or --clear to empty the zone)")
			case len(opts.Records) > 0 && opts.Clear:
				return usageErrorf("--clear empties the zone: do not give records with it")
			}
			return nil
		},
		func() error {
			if runF != nil {
				return runF(opts)
			}
			return dnsEditPrimaryRecordsRun(opts)
		})
	cmd.Args = cobra.MaximumNArgs(1)
	cmd.Long += "\n\n" + recordSyntax
	cmd.Example = `  artnet dns details-primary 7          # shows the serial and the records
  artnet dns edit-primary-records 7 --serial 2024010101 \
      --record '@ 3600 A 1.2.3.4' \
      --record 'www 3600 A 1.2.3.4' \
      --record '@ 3600 MX 10 mail.example.com.' \
      --record '@ TXT "v=spf1 mx -all"'`
	idFlag(cmd, sc, "zone_id", &opts.ZoneID)
	cmd.Flags().Int64Var(&opts.Serial, "serial", 0, paramDoc(sc, "serial")+" (see dns details-primary)")
	cmd.Flags().StringArrayVar(&recordArgs, "record", nil, "a record: 'NAME [TTL] TYPE DATA1 [DATA2 [DATA3 [DATA4]]]'; repeat for each, in order")
	cmd.Flags().StringVar(&recordsFile, "records-file", "", "read the records from a JSON or YAML file ('-' for stdin), before those of --record")
	cmd.Flags().BoolVar(&opts.Clear, "clear", false, "send no records: empty the zone")
	return cmd
}

func dnsEditPrimaryRecordsRun(o *DNSEditPrimaryRecordsOptions) error {
	c, err := o.Client()
	if err != nil {
		return err
	}
	if err := c.DNS.EditPrimaryRecords(o.Ctx, artnet.DNSEditPrimaryRecordsOpts{ZoneID: o.ZoneID, Serial: o.Serial, Records: o.Records}); err != nil {
		return err
	}
	return o.Done(fmt.Sprintf("Zone %d: %d records saved.", o.ZoneID, len(o.Records)))
}
