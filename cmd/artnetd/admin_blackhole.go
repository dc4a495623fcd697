package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"

	"github.com/artnet-panel/artnet-panel/internal/panel"
)

// runBlackhole runs artnetd admin blackhole add|remove|list. A running
// artnetd announces the change within a second (it follows the bgp
// generation).
func runBlackhole(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	const use = "usage: artnetd admin blackhole add [--db DSN] --customer ID IP\n" +
		"       artnetd admin blackhole remove [--db DSN] IP\n" +
		"       artnetd admin blackhole list [--db DSN] [--customer ID]"
	if len(args) == 0 {
		fmt.Fprintln(stderr, use)
		return errUsage
	}
	fs, db := adminFlags("admin blackhole "+args[0], stderr)
	customer := fs.Int64("customer", 0, "customer id (the address must be theirs)")
	if err := fs.Parse(args[1:]); err != nil {
		fmt.Fprintln(stderr, use)
		return errUsage
	}
	want := map[string]int{"add": 1, "remove": 1, "list": 0}
	n, ok := want[args[0]]
	if !ok || fs.NArg() != n || (args[0] == "add" && *customer <= 0) {
		fmt.Fprintln(stderr, use)
		return errUsage
	}
	st, err := openStore(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	p := panel.New(st)
	switch args[0] {
	case "add":
		if err := p.AdminBlackholeAdd(ctx, *customer, fs.Arg(0)); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "blackholed %s (admin) for customer %d\n", fs.Arg(0), *customer)
	case "remove":
		if err := p.AdminBlackholeRemove(ctx, fs.Arg(0)); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "removed the blackhole of %s\n", fs.Arg(0))
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
			if *customer == 0 || b.CustomerID == *customer {
				out = append(out, item{b.CustomerID, b.IP, b.Type})
			}
		}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	return nil
}
