package cli

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/artnet-panel/artnet-panel/artnet"
)

func newCmdRevDNS(f *Factory) *cobra.Command {
	cmd := newModuleCmd("rev-dns")
	cmd.AddCommand(
		newCmdRevDNSList(f, nil),
		newCmdRevDNSDetails(f, nil),
		newCmdRevDNSEdit(f, nil),
	)
	return cmd
}

func newCmdRevDNSList(f *Factory, runF func(*NoArgsOptions) error) *cobra.Command {
	return newNoArgsCommand(f, "rev-dns", "list", runF, revDNSListRun)
}

func revDNSListRun(o *NoArgsOptions) error {
	c, err := o.Client()
	if err != nil {
		return err
	}
	list, err := c.RevDNS.List(o.Ctx)
	if err != nil {
		return err
	}
	return o.Print(artnet.RevDNSSubnetworksListResponse{SubnetworksList: list}, func(w io.Writer) error {
		t := newTable(w, "ID", "IP", "MASK", "TYPE", "SUBCLASSES")
		for _, s := range list {
			t.row(fmt.Sprint(s.ID), s.IP, s.Mask+" ("+s.MaskShort+")", s.Type, strings.Join(s.DNSSubclasses, ", "))
		}
		return t.flush()
	})
}

// RevDNSDetailsOptions are the options of rev-dns details.
type RevDNSDetailsOptions struct {
	Common
	SubnetworkID int64
	DNSSubclass  string
}

func newCmdRevDNSDetails(f *Factory, runF func(*RevDNSDetailsOptions) error) *cobra.Command {
	opts := &RevDNSDetailsOptions{}
	sc := mustSpec("rev-dns", "details")
	cmd := apiCommand(f, "rev-dns", "details", "SUBNETWORK_ID --dns-subclass SUBCLASS",
		func(c *cobra.Command, args []string) error {
			opts.Common = f.common(c)
			if err := idArg(c, args, "subnetwork_id", &opts.SubnetworkID); err != nil {
				return err
			}
			return requireFlags(c, "dns-subclass")
		},
		func() error {
			if runF != nil {
				return runF(opts)
			}
			return revDNSDetailsRun(opts)
		})
	cmd.Args = cobra.MaximumNArgs(1)
	idFlag(cmd, sc, "subnetwork_id", &opts.SubnetworkID)
	stringFlag(cmd, sc, "dns_subclass", &opts.DNSSubclass)
	return cmd
}

func revDNSDetailsRun(o *RevDNSDetailsOptions) error {
	c, err := o.Client()
	if err != nil {
		return err
	}
	d, err := c.RevDNS.Details(o.Ctx, artnet.RevDNSDetailsOpts{SubnetworkID: o.SubnetworkID, DNSSubclass: o.DNSSubclass})
	if err != nil {
		return err
	}
	return o.Print(artnet.RevDNSSubclassResponse{SubclassDetails: *d}, func(w io.Writer) error {
		fmt.Fprintf(w, "serial: %d\ntype:   %s\nprefix: %s\n\n", d.Serial, d.Type, d.Prefix)
		t := newTable(w, "ORIGIN", "ADDRESS", "PTR")
		for _, r := range d.PTRRecords {
			t.row(r.Origin, r.Address, r.PTR)
		}
		return t.flush()
	})
}

// RevDNSEditOptions are the options of rev-dns edit.
type RevDNSEditOptions struct {
	Common
	SubnetworkID int64
	DNSSubclass  string
	Serial       int64
	PTRRecords   []artnet.PTRRecordEdit
}

func newCmdRevDNSEdit(f *Factory, runF func(*RevDNSEditOptions) error) *cobra.Command {
	opts := &RevDNSEditOptions{}
	sc := mustSpec("rev-dns", "edit")
	var sets, deletes []string
	cmd := apiCommand(f, "rev-dns", "edit", "SUBNETWORK_ID --dns-subclass SUBCLASS --serial SERIAL (--ptr ORIGIN=HOST | --delete ORIGIN)...",
		func(c *cobra.Command, args []string) error {
			opts.Common = f.common(c)
			if err := idArg(c, args, "subnetwork_id", &opts.SubnetworkID); err != nil {
				return err
			}
			if err := requireFlags(c, "dns-subclass", "serial"); err != nil {
				return err
			}
			opts.PTRRecords = nil
			for _, s := range sets {
				origin, ptr, ok := strings.Cut(s, "=")
				if !ok || origin == "" || ptr == "" {
					return usageErrorf("--ptr %q: want ORIGIN=HOST, e.g. 10=host.example.com.", s)
				}
				opts.PTRRecords = append(opts.PTRRecords, artnet.PTRRecordEdit{Origin: origin, PTR: ptr})
			}
			for _, origin := range deletes {
				if origin == "" {
					return usageErrorf("--delete: want the ORIGIN of a record")
				}
				opts.PTRRecords = append(opts.PTRRecords, artnet.PTRRecordEdit{Origin: origin, Delete: true})
			}
			if len(opts.PTRRecords) == 0 {
				return usageErrorf("nothing to change: give --ptr ORIGIN=HOST or --delete ORIGIN")
			}
			return nil
		},
		func() error {
			if runF != nil {
				return runF(opts)
			}
			return revDNSEditRun(opts)
		})
	cmd.Args = cobra.MaximumNArgs(1)
	cmd.Long += `

A record that cannot be changed does not fail the command: it is left as it
was and reported as a warning (on stderr, exit status 1).`
	cmd.Example = `  artnet rev-dns details 501 --dns-subclass 123.123.124   # shows the serial
  artnet rev-dns edit 501 --dns-subclass 123.123.124 --serial 42 \
      --ptr 1=mail.example.com. --delete 2`
	idFlag(cmd, sc, "subnetwork_id", &opts.SubnetworkID)
	stringFlag(cmd, sc, "dns_subclass", &opts.DNSSubclass)
	cmd.Flags().Int64Var(&opts.Serial, "serial", 0, paramDoc(sc, "serial")+" (see rev-dns details)")
	cmd.Flags().StringArrayVar(&sets, "ptr", nil, "set a PTR record: ORIGIN=HOST; repeat for each")
	cmd.Flags().StringArrayVar(&deletes, "delete", nil, "delete the PTR record of ORIGIN; repeat for each")
	return cmd
}

func revDNSEditRun(o *RevDNSEditOptions) error {
	c, err := o.Client()
	if err != nil {
		return err
	}
	warnings, err := c.RevDNS.Edit(o.Ctx, artnet.RevDNSEditOpts{
		SubnetworkID: o.SubnetworkID, DNSSubclass: o.DNSSubclass, Serial: o.Serial, PTRRecords: o.PTRRecords,
	})
	if err != nil {
		return err
	}
	if err := o.Print(artnet.RevDNSEditResponse{Warnings: warnings}, func(w io.Writer) error {
		_, err := fmt.Fprintf(w, "Subnetwork %d: %d of %d changes made.\n", o.SubnetworkID, len(o.PTRRecords)-len(warnings), len(o.PTRRecords))
		return err
	}); err != nil {
		return err
	}
	if len(warnings) == 0 {
		return nil
	}
	lang := o.f.Lang()
	for _, wn := range warnings {
		desc := wn.Description.EN
		if lang == "pl" {
			desc = wn.Description.PL
		}
		o.f.warnf("warning: %s (%s) %s: %s: %s", wn.Origin, wn.Address, wn.Task, wn.Code, desc)
	}
	return &silentError{code: exitError}
}
