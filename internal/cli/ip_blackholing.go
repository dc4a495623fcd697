package cli

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/artnet-panel/artnet-panel/artnet"
)

func newCmdIPBlackholing(f *Factory) *cobra.Command {
	cmd := newModuleCmd("ip-blackholing")
	cmd.AddCommand(
		newCmdIPBlackholingList(f, nil),
		newCmdIPBlackholingEnable(f, nil),
		newCmdIPBlackholingDisable(f, nil),
	)
	return cmd
}

func newCmdIPBlackholingList(f *Factory, runF func(*NoArgsOptions) error) *cobra.Command {
	return newNoArgsCommand(f, "ip-blackholing", "list", runF, ipBlackholingListRun)
}

func ipBlackholingListRun(o *NoArgsOptions) error {
	c, err := o.Client()
	if err != nil {
		return err
	}
	list, err := c.IPBlackholing.List(o.Ctx)
	if err != nil {
		return err
	}
	return o.Print(artnet.BlackholedIPsListResponse{BlackholedIPsList: list}, func(w io.Writer) error {
		t := newTable(w, "IP", "TYPE")
		for _, b := range list {
			t.row(b.IP, b.Type)
		}
		return t.flush()
	})
}

func newCmdIPBlackholingEnable(f *Factory, runF func(*ArgOptions) error) *cobra.Command {
	return newArgCommand(f, "ip-blackholing", "enable", "ip", runF, ipBlackholingEnableRun)
}

func ipBlackholingEnableRun(o *ArgOptions) error {
	c, err := o.Client()
	if err != nil {
		return err
	}
	if err := c.IPBlackholing.Enable(o.Ctx, o.Value); err != nil {
		return err
	}
	return o.Done(fmt.Sprintf("%s: blackholing enabled (all traffic is dropped).", o.Value))
}

func newCmdIPBlackholingDisable(f *Factory, runF func(*ArgOptions) error) *cobra.Command {
	return newArgCommand(f, "ip-blackholing", "disable", "ip", runF, ipBlackholingDisableRun)
}

func ipBlackholingDisableRun(o *ArgOptions) error {
	c, err := o.Client()
	if err != nil {
		return err
	}
	if err := c.IPBlackholing.Disable(o.Ctx, o.Value); err != nil {
		return err
	}
	return o.Done(fmt.Sprintf("%s: blackholing disabled.", o.Value))
}
