package cli

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/artnet-panel/artnet-panel/artnet"
)

// The DNSSEC commands of the dns module (an extension of artnetd).

// DNSSECEnableOptions are the options of dns dnssec-enable.
type DNSSECEnableOptions struct {
	Common
	ZoneID    int64
	Algorithm string
}

func newCmdDNSSECEnable(f *Factory, runF func(*DNSSECEnableOptions) error) *cobra.Command {
	opts := &DNSSECEnableOptions{}
	sc := mustSpec("dns", "dnssec-enable")
	cmd := apiCommand(f, "dns", "dnssec-enable", "ZONE_ID [--algorithm ECDSAP256SHA256|ED25519]",
		func(c *cobra.Command, args []string) error {
			opts.Common = f.common(c)
			return idArg(c, args, "zone_id", &opts.ZoneID)
		},
		func() error {
			if runF != nil {
				return runF(opts)
			}
			return dnssecEnableRun(opts)
		})
	cmd.Args = cobra.MaximumNArgs(1)
	idFlag(cmd, sc, "zone_id", &opts.ZoneID)
	stringFlag(cmd, sc, "algorithm", &opts.Algorithm)
	_ = cmd.RegisterFlagCompletionFunc("algorithm", cobra.FixedCompletions([]string{artnet.DNSSECAlgorithmECDSAP256SHA256, artnet.DNSSECAlgorithmED25519}, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

func dnssecEnableRun(o *DNSSECEnableOptions) error {
	c, err := o.Client()
	if err != nil {
		return err
	}
	d, err := c.DNS.DNSSECEnable(o.Ctx, artnet.DNSSECEnableOpts{ZoneID: o.ZoneID, Algorithm: o.Algorithm})
	if err != nil {
		return err
	}
	return o.Print(artnet.DNSSECDetailsResponse{DNSSECDetails: *d}, func(w io.Writer) error { return printDNSSEC(w, d) })
}

func newCmdDNSSECDisable(f *Factory, runF func(*IDOptions) error) *cobra.Command {
	return newIDCommand(f, "dns", "dnssec-disable", "zone_id", runF, dnssecDisableRun)
}

func dnssecDisableRun(o *IDOptions) error {
	c, err := o.Client()
	if err != nil {
		return err
	}
	if err := c.DNS.DNSSECDisable(o.Ctx, o.ID); err != nil {
		return err
	}
	return o.Done(fmt.Sprintf("DNSSEC of zone %d is being turned off: the DS goes first, the signatures after the parent's TTL (see dns dnssec-details).", o.ID))
}

func newCmdDNSSECDetails(f *Factory, runF func(*IDOptions) error) *cobra.Command {
	return newIDCommand(f, "dns", "dnssec-details", "zone_id", runF, dnssecDetailsRun)
}

func dnssecDetailsRun(o *IDOptions) error {
	c, err := o.Client()
	if err != nil {
		return err
	}
	d, err := c.DNS.DNSSECDetails(o.Ctx, o.ID)
	if err != nil {
		return err
	}
	return o.Print(artnet.DNSSECDetailsResponse{DNSSECDetails: *d}, func(w io.Writer) error { return printDNSSEC(w, d) })
}

// printDNSSEC prints a zone's DNSSEC state for people: the state, the
// records to give the parent, the keys.
func printDNSSEC(w io.Writer, d *artnet.DNSSECDetails) error {
	fmt.Fprintf(w, "zone:           %d %s\n", d.ZoneID, d.Domain)
	fmt.Fprintf(w, "state:          %s\n", d.State)
	if d.State == artnet.DNSSECOff {
		return nil
	}
	fmt.Fprintf(w, "algorithm:      %s\n", d.Algorithm)
	if d.NextRolloverRole != "" {
		fmt.Fprintf(w, "next rollover:  %s %s\n", d.NextRolloverRole, formatTime(d.NextRollover))
	}
	if !d.UnsignTime.IsZero() {
		fmt.Fprintf(w, "unsigned at:    %s\n", formatTime(d.UnsignTime))
	}
	for _, l := range []struct {
		name string
		list []string
	}{{"DNSKEY", d.DNSKEYList}, {"DS", d.DSList}, {"DS at the registry", d.RegistryDSList}} {
		fmt.Fprintf(w, "%s:\n", l.name)
		if len(l.list) == 0 {
			fmt.Fprintln(w, "  -")
		}
		for _, r := range l.list {
			fmt.Fprintf(w, "  %s\n", r)
		}
	}
	t := newTable(w, "KEY TAG", "ROLE", "STATE", "PUBLISH", "ACTIVATE", "RETIRE", "REMOVE")
	for _, k := range d.KeysList {
		t.row(fmt.Sprint(k.KeyTag), k.Role, k.State, formatTime(k.PublishTime), formatTime(k.ActivateTime),
			formatTime(k.RetireTime), formatTime(k.RemoveTime))
	}
	return t.flush()
}
