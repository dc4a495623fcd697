package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/artnet-panel/artnet-panel/internal/inventory"
	"github.com/artnet-panel/artnet-panel/internal/panel"
)

func runAdmin(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return errUsage
	}
	switch args[0] {
	case "import":
		return adminImport(ctx, args[1:], stdout, stderr)
	case "export":
		return adminExport(ctx, args[1:], stdout, stderr)
	case "zone":
		return runZone(ctx, args[1:], stdout, stderr)
	case "blackhole":
		return runBlackhole(ctx, args[1:], stdout, stderr)
	case "audit":
		return runAudit(ctx, args[1:], stdout, stderr)
	case "mail":
		return runMail(ctx, args[1:], stdout, stderr)
	case "customer":
		if len(args) > 1 {
			switch args[1] {
			case "create":
				return adminCustomerCreate(ctx, args[2:], stdout, stderr)
			case "api-access":
				return adminAPIAccess(ctx, args[2:], stdout, stderr)
			}
		}
	}
	fmt.Fprintf(stderr, "unknown admin command\n%s", usage)
	return errUsage
}

// adminFlags returns a flag set with --db.
func adminFlags(name string, stderr io.Writer) (*flag.FlagSet, *string) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	db := fs.String("db", env("ARTNETD_DB", defaultDB), "database: sqlite:PATH or postgres://...")
	return fs, db
}

func adminImport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, db := adminFlags("admin import", stderr)
	if err := fs.Parse(args); err != nil || fs.NArg() != 1 {
		fmt.Fprintln(stderr, "usage: artnetd admin import [--db DSN] FILE")
		return errUsage
	}
	data, err := os.ReadFile(fs.Arg(0))
	if err != nil {
		return err
	}
	inv, err := inventory.Parse(data)
	if err != nil {
		return fmt.Errorf("%s: %w", fs.Arg(0), err)
	}
	st, err := openStore(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	// Cloud instances' console passwords are sealed with the server's key.
	if inv.CloudSecretKey, err = parseCloudKey(os.Getenv("ARTNETD_CLOUD_SECRET_KEY")); err != nil {
		return err
	}
	if err := inventory.Import(ctx, st, inv); err != nil {
		return fmt.Errorf("%s: %w (nothing was imported)", fs.Arg(0), err)
	}
	services, emails, zones := 0, 0, 0
	for _, c := range inv.Customers {
		services += len(c.Services)
		emails += len(c.Emails)
		zones += len(c.DNSZones)
	}
	fmt.Fprintf(stdout, "imported %d customers, %d services, %d e-mails, %d DNS zones\n", len(inv.Customers), services, emails, zones)
	return nil
}

func adminExport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, db := adminFlags("admin export", stderr)
	format := fs.String("format", "json", "json or yaml")
	if err := fs.Parse(args); err != nil || fs.NArg() != 0 {
		return errUsage
	}
	if *format != "json" && *format != "yaml" {
		return errors.New("--format: want json or yaml")
	}
	st, err := openStore(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	inv, err := inventory.Export(ctx, st)
	if err != nil {
		return err
	}
	var out []byte
	if *format == "yaml" {
		out, err = inventory.MarshalYAML(inv)
	} else {
		out, err = inventory.MarshalJSON(inv)
	}
	if err != nil {
		return err
	}
	_, err = stdout.Write(out)
	return err
}

func adminCustomerCreate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, db := adminFlags("admin customer create", stderr)
	var nc panel.NewCustomer
	fs.StringVar(&nc.Name, "name", "", "customer name (required)")
	fs.StringVar(&nc.Email, "email", "", "e-mail address")
	fs.StringVar(&nc.Language, "language", "pl", "pl or en")
	fs.StringVar(&nc.Currency, "currency", "PLN", "default currency")
	if err := fs.Parse(args); err != nil || fs.NArg() != 0 || nc.Name == "" {
		fmt.Fprintln(stderr, "usage: artnetd admin customer create [--db DSN] --name NAME [--email EMAIL]")
		return errUsage
	}
	st, err := openStore(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	id, key, err := panel.New(st).CreateCustomer(ctx, nc)
	if err != nil {
		return err
	}
	return json.NewEncoder(stdout).Encode(struct {
		ID     int64  `json:"id"`
		APIKey string `json:"api_key"`
	}{id, key})
}

func adminAPIAccess(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, db := adminFlags("admin customer api-access", stderr)
	id := fs.Int64("id", 0, "customer id")
	enable := fs.Bool("enable", false, "enable API access")
	disable := fs.Bool("disable", false, "disable API access")
	if err := fs.Parse(args); err != nil || fs.NArg() != 0 || *id <= 0 || *enable == *disable {
		fmt.Fprintln(stderr, "usage: artnetd admin customer api-access [--db DSN] --id N (--enable | --disable)")
		return errUsage
	}
	st, err := openStore(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := panel.New(st).SetAPIAccess(ctx, *id, *enable); err != nil {
		return err
	}
	state := "disabled"
	if *enable {
		state = "enabled"
	}
	fmt.Fprintf(stdout, "customer %d: API access %s\n", *id, state)
	return nil
}
