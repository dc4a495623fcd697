package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/artnet-panel/artnet-panel/internal/panel"
)

// newBlackholeCommand returns artnetd admin blackhole add|remove|list. A
// running artnetd announces a change within a second (it follows the bgp
// generation).
func newBlackholeCommand(a *app) *cobra.Command {
	g := groupCommand(a, &cobra.Command{
		Use:   "blackhole",
		Short: "Blackhole addresses by BGP as the operator (type admin: the customer cannot remove them)",
		Long: `Adds, removes and lists blackholes (the /32 or /128 announced with the
BLACKHOLE community). An admin blackhole cannot be removed by the customer.
A running artnetd announces a change within a second.`,
	})
	add := &cobra.Command{
		Use:   "add [--db DSN] --customer ID IP",
		Short: "Blackhole an address of a customer",
		Args:  cobra.ExactArgs(1),
	}
	remove := &cobra.Command{
		Use:   "remove [--db DSN] IP",
		Short: "Remove the blackhole of an address",
		Args:  cobra.ExactArgs(1),
	}
	list := &cobra.Command{
		Use:   "list [--db DSN] [--customer ID]",
		Short: "List the blackholes (JSON)",
		Args:  cobra.NoArgs,
	}
	for _, c := range []*cobra.Command{add, remove, list} {
		db := dbFlag(c)
		var customer *int64
		switch c {
		case add:
			customer = c.Flags().Int64("customer", 0, "customer id (required; the address must be theirs)")
			_ = c.MarkFlagRequired("customer")
		case list:
			customer = c.Flags().Int64("customer", 0, "only this customer's blackholes (0: everybody's)")
		default: // accepted, as before, and ignored
			customer = c.Flags().Int64("customer", 0, "ignored")
			_ = c.Flags().MarkHidden("customer")
		}
		g.AddCommand(leafCommand(a, c, func(c *cobra.Command, args []string) error {
			if c == add && *customer <= 0 {
				return usageErrorf("--customer %d: want a customer id", *customer)
			}
			return blackhole(c.Context(), c.Name(), *db, *customer, args, a.stdout)
		}))
	}
	return g
}

// blackhole runs the blackhole command what.
func blackhole(ctx context.Context, what, db string, customer int64, args []string, stdout io.Writer) error {
	st, err := openStore(ctx, db)
	if err != nil {
		return err
	}
	defer st.Close()
	p := panel.New(st)
	switch what {
	case "add":
		if err := p.AdminBlackholeAdd(ctx, customer, args[0]); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "blackholed %s (admin) for customer %d\n", args[0], customer)
	case "remove":
		if err := p.AdminBlackholeRemove(ctx, args[0]); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "removed the blackhole of %s\n", args[0])
	case "list":
		all, err := st.BlackholesAll(ctx)
		if err != nil {
			return err
		}
		type item struct {
			CustomerID int64  `json:"customer_id"`
			IP         string `json:"ip"`
			Type       string `json:"type"`
		}
		out := []item{}
		for _, b := range all {
			if customer == 0 || b.CustomerID == customer {
				out = append(out, item{b.CustomerID, b.IP, b.Type})
			}
		}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	return nil
}
