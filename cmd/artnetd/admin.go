package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/artnet-panel/artnet-panel/internal/inventory"
	"github.com/artnet-panel/artnet-panel/internal/panel"
)

// newAdminCommand returns artnetd admin and its commands.
func newAdminCommand(a *app) *cobra.Command {
	admin := groupCommand(a, &cobra.Command{
		Use:   "admin",
		Short: "Operator commands on the database (customers, inventory, zones, backups...)",
		Long: `Operator commands, run on the database a running artnetd serve uses
(--db or ARTNETD_DB; the documented API cannot create customers or
services). A running server applies what they change within a second
(--follow), or at once with PostgreSQL.`,
	})
	customer := groupCommand(a, &cobra.Command{
		Use:   "customer",
		Short: "Create customers, turn their API access on and off",
	})
	customer.AddCommand(newAdminCustomerCreateCommand(a), newAdminAPIAccessCommand(a), newAdminRateLimitCommand(a), newAdminSetPasswordCommand(a))
	admin.AddCommand(
		newAdminImportCommand(a),
		newAdminExportCommand(a),
		customer,
		newZoneCommand(a),
		newBlackholeCommand(a),
		newAuditCommand(a),
		newMailCommand(a),
		newBackupCommand(a),
		newRestoreCommand(a),
		newRegistryCommand(a),
	)
	return admin
}

func newAdminImportCommand(a *app) *cobra.Command {
	c := &cobra.Command{
		Use:   "import [--db DSN] FILE",
		Short: "Import customers, services, e-mails and zones from an inventory file",
		Long: `Reads an inventory file (JSON or YAML, the field names of the API's
answers; see the README) into the database in one transaction: a failed
import changes nothing. Ids and API keys in the file are kept.
Cloud instances' console passwords are sealed with ARTNETD_CLOUD_SECRET_KEY
(read from the environment only).`,
		Args: cobra.ExactArgs(1),
	}
	db := dbFlag(c)
	return leafCommand(a, c, func(c *cobra.Command, args []string) error {
		return adminImport(c.Context(), *db, args[0], a.stdout)
	})
}

func adminImport(ctx context.Context, db, file string, stdout io.Writer) error {
	data, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	inv, err := inventory.Parse(data)
	if err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	st, err := openStore(ctx, db)
	if err != nil {
		return err
	}
	defer st.Close()
	// Cloud instances' console passwords are sealed with the server's key.
	if inv.CloudSecretKey, err = parseCloudKey(os.Getenv("ARTNETD_CLOUD_SECRET_KEY")); err != nil {
		return err
	}
	if err := inventory.Import(ctx, st, inv); err != nil {
		return fmt.Errorf("%s: %w (nothing was imported)", file, err)
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

func newAdminExportCommand(a *app) *cobra.Command {
	c := &cobra.Command{
		Use:   "export [--db DSN] [--format json|yaml]",
		Short: "Write the inventory (customers, services, e-mails, zones...) to standard output",
		Long: `Writes the whole inventory, in the format admin import reads, to
standard output. API keys are written as their SHA-256 (api_key_sha256):
import(export(db)) reproduces the database.`,
		Args: cobra.NoArgs,
	}
	db := dbFlag(c)
	format := c.Flags().String("format", "json", "json or yaml")
	completeFixed(c, "format", "json", "yaml")
	return leafCommand(a, c, func(c *cobra.Command, _ []string) error {
		if *format != "json" && *format != "yaml" {
			return usageErrorf("--format %q: want json or yaml", *format)
		}
		return adminExport(c.Context(), *db, *format, a.stdout)
	})
}

func adminExport(ctx context.Context, db, format string, stdout io.Writer) error {
	st, err := openStore(ctx, db)
	if err != nil {
		return err
	}
	defer st.Close()
	inv, err := inventory.Export(ctx, st)
	if err != nil {
		return err
	}
	var out []byte
	if format == "yaml" {
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

func newAdminCustomerCreateCommand(a *app) *cobra.Command {
	c := &cobra.Command{
		Use:   "create [--db DSN] --name NAME [--email EMAIL] [--language pl|en] [--currency PLN]",
		Short: "Create a customer and print its id and API key",
		Long: `Creates a customer and prints {"id": N, "api_key": "..."}: the key is shown
once (only its hash is stored).`,
		Args: cobra.NoArgs,
	}
	db := dbFlag(c)
	var nc panel.NewCustomer
	c.Flags().StringVar(&nc.Name, "name", "", "customer name (required)")
	c.Flags().StringVar(&nc.Email, "email", "", "e-mail address")
	c.Flags().StringVar(&nc.Language, "language", "pl", "pl or en")
	c.Flags().StringVar(&nc.Currency, "currency", "PLN", "default currency")
	_ = c.MarkFlagRequired("name")
	completeFixed(c, "language", "pl", "en")
	return leafCommand(a, c, func(c *cobra.Command, _ []string) error {
		if nc.Name == "" {
			return usageErrorf("--name: must not be empty")
		}
		return adminCustomerCreate(c.Context(), *db, nc, a.stdout)
	})
}

func adminCustomerCreate(ctx context.Context, db string, nc panel.NewCustomer, stdout io.Writer) error {
	st, err := openStore(ctx, db)
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

func newAdminAPIAccessCommand(a *app) *cobra.Command {
	c := &cobra.Command{
		Use:   "api-access [--db DSN] --id N (--enable | --disable)",
		Short: "Turn a customer's API access on or off",
		Args:  cobra.NoArgs,
	}
	db := dbFlag(c)
	id := c.Flags().Int64("id", 0, "customer id (required)")
	enable := c.Flags().Bool("enable", false, "enable API access")
	disable := c.Flags().Bool("disable", false, "disable API access")
	_ = c.MarkFlagRequired("id")
	c.MarkFlagsMutuallyExclusive("enable", "disable")
	c.MarkFlagsOneRequired("enable", "disable")
	return leafCommand(a, c, func(c *cobra.Command, _ []string) error {
		if *id <= 0 {
			return usageErrorf("--id %d: want a customer id", *id)
		}
		return adminAPIAccess(c.Context(), *db, *id, *enable && !*disable, a.stdout)
	})
}

func adminAPIAccess(ctx context.Context, db string, id int64, enable bool, stdout io.Writer) error {
	st, err := openStore(ctx, db)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := panel.New(st).SetAPIAccess(ctx, id, enable); err != nil {
		return err
	}
	state := "disabled"
	if enable {
		state = "enabled"
	}
	fmt.Fprintf(stdout, "customer %d: API access %s\n", id, state)
	return nil
}
