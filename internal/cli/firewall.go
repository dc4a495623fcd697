package cli

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/artnet-panel/artnet-panel/artnet"
)

func newCmdFirewall(f *Factory) *cobra.Command {
	cmd := newModuleCmd("firewall")
	cmd.AddCommand(
		newCmdFirewallList(f, nil),
		newCmdFirewallDetails(f, nil),
		newCmdFirewallEnable(f, nil),
		newCmdFirewallDisable(f, nil),
		newCmdFirewallSave(f, nil),
		newCmdFirewallSaveConfirm(f, nil),
	)
	return cmd
}

func newCmdFirewallList(f *Factory, runF func(*NoArgsOptions) error) *cobra.Command {
	return newNoArgsCommand(f, "firewall", "list", runF, firewallListRun)
}

func firewallListRun(o *NoArgsOptions) error {
	c, err := o.Client()
	if err != nil {
		return err
	}
	list, err := c.Firewall.List(o.Ctx)
	if err != nil {
		return err
	}
	return o.Print(artnet.FirewallRulesetsListResponse{RulesetsList: list}, func(w io.Writer) error {
		t := newTable(w, "ID", "SERVICES")
		for _, r := range list {
			ids := make([]string, len(r.ServicesIDsList))
			for i, id := range r.ServicesIDsList {
				ids[i] = strconv.FormatInt(id, 10)
			}
			t.row(r.ID, strings.Join(ids, ", "))
		}
		return t.flush()
	})
}

func newCmdFirewallDetails(f *Factory, runF func(*ArgOptions) error) *cobra.Command {
	return newArgCommand(f, "firewall", "details", "ruleset_id", runF, firewallDetailsRun)
}

func firewallDetailsRun(o *ArgOptions) error {
	c, err := o.Client()
	if err != nil {
		return err
	}
	d, err := c.Firewall.Details(o.Ctx, o.Value)
	if err != nil {
		return err
	}
	return o.Print(artnet.FirewallRulesetDetailsResponse{RulesetDetails: *d}, func(w io.Writer) error {
		protocol := d.Protocol
		if protocol == "" {
			protocol = "any"
		}
		fmt.Fprintf(w, "id:                   %s\nenabled:              %t\nmaximum_rules_number: %d\nprotocol:             %s\n\n",
			d.ID, d.Enabled, d.MaximumRulesNumber, protocol)
		t := newTable(w, "DIRECTION", "#", "POLICY", "PROTOCOL", "SOURCE", "SOURCE PORT", "DESTINATION", "DESTINATION PORT")
		for _, dir := range []struct {
			name  string
			rules []artnet.FirewallRule
		}{{"in", d.Rules.In}, {"out", d.Rules.Out}} {
			for i, r := range dir.rules {
				proto := r.Protocol
				if proto == "" {
					proto = "any"
				}
				t.row(dir.name, strconv.Itoa(i), r.Policy, proto,
					formatNet(r.Source), formatPorts(r.Source.Port),
					formatNet(r.Destination), formatPorts(r.Destination.Port))
			}
		}
		return t.flush()
	})
}

// formatNet formats a firewall address as IP/mask, "any" when not set.
func formatNet(a artnet.FirewallAddress) string {
	if a.IP == "" {
		return "any"
	}
	return fmt.Sprintf("%s/%d", a.IP, a.MaskShort)
}

// formatPorts formats a port range, "any" when not checked.
func formatPorts(p artnet.FirewallPort) string {
	switch {
	case p.Begin == "" && p.End == "":
		return "any"
	case p.Begin == p.End || p.End == "":
		return p.Begin
	case p.Begin == "":
		return "-" + p.End
	}
	return p.Begin + "-" + p.End
}

func newCmdFirewallEnable(f *Factory, runF func(*ArgOptions) error) *cobra.Command {
	return newArgCommand(f, "firewall", "enable", "ruleset_id", runF, firewallEnableRun)
}

func firewallEnableRun(o *ArgOptions) error {
	c, err := o.Client()
	if err != nil {
		return err
	}
	if err := c.Firewall.Enable(o.Ctx, o.Value); err != nil {
		return err
	}
	return o.Done(fmt.Sprintf("Firewall %s enabled.", o.Value))
}

func newCmdFirewallSaveConfirm(f *Factory, runF func(*ArgOptions) error) *cobra.Command {
	return newArgCommand(f, "firewall", "save-confirm", "ruleset_id", runF, firewallSaveConfirmRun)
}

func firewallSaveConfirmRun(o *ArgOptions) error {
	c, err := o.Client()
	if err != nil {
		return err
	}
	if err := c.Firewall.SaveConfirm(o.Ctx, o.Value); err != nil {
		return err
	}
	return o.Done(fmt.Sprintf("Firewall %s: the rules of the last save are kept.", o.Value))
}

func newCmdFirewallDisable(f *Factory, runF func(*ArgOptions) error) *cobra.Command {
	return newArgCommand(f, "firewall", "disable", "ruleset_id", runF, firewallDisableRun)
}

func firewallDisableRun(o *ArgOptions) error {
	c, err := o.Client()
	if err != nil {
		return err
	}
	if err := c.Firewall.Disable(o.Ctx, o.Value); err != nil {
		return err
	}
	return o.Done(fmt.Sprintf("Firewall %s disabled.", o.Value))
}

// FirewallSaveOptions are the options of firewall save.
type FirewallSaveOptions struct {
	Common
	RulesetID string
	Rules     artnet.FirewallRules
}

const firewallRulesFormat = `The rules file (--rules-file, '-' for stdin) is JSON or YAML: the rules by
direction, in order (order is significant), each as firewall details shows it:

  {"in": [{"policy": "ACCEPT", "protocol": "6",
           "source": {"ip": "0.0.0.0", "mask_short": 0},
           "destination": {"ip": "123.123.123.123", "mask_short": 32,
                           "port": {"begin": "22", "end": "22"}}},
          {"policy": "DROP"}],
   "out": []}

policy is ACCEPT or DROP; protocol is a protocol number (RFC 1700: 6 TCP,
17 UDP), empty or absent for any; an absent ip or port is not checked. The
whole output of "firewall details -o json" is accepted too, so the rules can
be fetched, edited and saved back. The rules replace all the ruleset's rules.`

func newCmdFirewallSave(f *Factory, runF func(*FirewallSaveOptions) error) *cobra.Command {
	opts := &FirewallSaveOptions{}
	sc := mustSpec("firewall", "save")
	var rulesFile string
	cmd := apiCommand(f, "firewall", "save", "RULESET_ID --rules-file FILE",
		func(c *cobra.Command, args []string) error {
			opts.Common = f.common(c)
			if err := stringArg(c, args, "ruleset_id", &opts.RulesetID); err != nil {
				return err
			}
			if err := requireFlags(c, "rules-file"); err != nil {
				return err
			}
			rules, err := readFirewallRulesFile(rulesFile, f.IO.In)
			if err != nil {
				return &UsageError{err}
			}
			opts.Rules = rules
			return nil
		},
		func() error {
			if runF != nil {
				return runF(opts)
			}
			return firewallSaveRun(opts)
		})
	cmd.Args = cobra.MaximumNArgs(1)
	cmd.Long += "\n\n" + firewallRulesFormat
	cmd.Example = `  artnet firewall details fw-12345 -o json > rules.json   # edit rules.json, then:
  artnet firewall save fw-12345 --rules-file rules.json`
	stringFlag(cmd, sc, "ruleset_id", &opts.RulesetID)
	cmd.Flags().StringVar(&rulesFile, "rules-file", "", "JSON or YAML file of the rules ('-' for stdin)")
	return cmd
}

func firewallSaveRun(o *FirewallSaveOptions) error {
	c, err := o.Client()
	if err != nil {
		return err
	}
	if err := c.Firewall.Save(o.Ctx, artnet.FirewallSaveOpts{RulesetID: o.RulesetID, In: o.Rules.In, Out: o.Rules.Out}); err != nil {
		return err
	}
	return o.Done(fmt.Sprintf("Firewall %s: %d incoming and %d outgoing rules saved.", o.RulesetID, len(o.Rules.In), len(o.Rules.Out)))
}
