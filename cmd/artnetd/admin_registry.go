package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"github.com/spf13/cobra"

	"github.com/artnet-panel/artnet-panel/internal/driver/registry"
	"github.com/artnet-panel/artnet-panel/internal/panel"
)

// errOutOfSync is admin registry check's failure when the registry and the
// database disagree (exit 1, after printing both).
var errOutOfSync = errors.New("the registry's delegation differs from the stored one (a running artnetd stores the registry's at its next --registry-reconcile)")

// newRegistryCommand returns artnetd admin registry check.
func newRegistryCommand(a *app) *cobra.Command {
	g := groupCommand(a, &cobra.Command{
		Use:   "registry",
		Short: "Compare the domains' delegations at the registry with the stored ones",
	})
	c := &cobra.Command{
		Use:   "check [--db DSN] --registry epp|sim [--epp-host HOST ...] DOMAIN",
		Short: "Print what the registry holds for a domain next to what we hold",
		Long: `Reads the domain's delegation at the registry (EPP domain:info) and prints
it next to the DNS servers stored in the domain service's details. Exit
status 0 when they hold the same servers, 1 when they differ or the
registry cannot be read. The registry is configured as for artnetd serve
(the same flags and ARTNETD_* variables; the password from
ARTNETD_EPP_PASSWORD only); --registry sim reads the simulator's
delegations in the database.`,
		Args: cobra.ExactArgs(1),
	}
	db := dbFlag(c)
	fs := flag.NewFlagSet("registry", flag.ContinueOnError)
	rc := &RegistryConfig{}
	finish := registryFlags(fs, rc)
	c.Flags().AddGoFlagSet(fs)
	g.AddCommand(leafCommand(a, c, func(c *cobra.Command, args []string) error {
		if err := finish(); err != nil {
			return usageErrorf("%v", err)
		}
		return registryCheck(c.Context(), *db, rc, args[0], a.stdout, a.stderr)
	}))
	return g
}

func registryCheck(ctx context.Context, db string, rc *RegistryConfig, domain string, stdout, stderr io.Writer) error {
	if rc.Kind != "epp" && rc.Kind != "sim" {
		return usageErrorf("admin registry check needs --registry epp (and its settings) or sim")
	}
	st, err := openStore(ctx, db)
	if err != nil {
		return err
	}
	defer st.Close()
	m := &Main{Logger: slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))}
	p := panel.New(st)
	if rc.Kind == "sim" {
		p.Registry = &registry.Simulator{Store: st}
	} else {
		reg, epps, err := newRegistry(rc, m, p)
		if err != nil {
			return err
		}
		defer func() {
			for _, e := range epps {
				e.Close()
			}
		}()
		p.Registry = reg
	}
	rd, err := p.RegistryCheck(ctx, domain)
	if err != nil {
		return err
	}
	manageable := "manageable"
	if !rd.Manageable {
		manageable = "not manageable"
	}
	fmt.Fprintf(stdout, "domain    %s (service %d, customer %d, %s)\n", rd.Domain, rd.ServiceID, rd.CustomerID, manageable)
	fmt.Fprintf(stdout, "stored    %s\n", strings.Join(rd.Stored, " "))
	if rd.RegistryErr != nil {
		fmt.Fprintf(stdout, "registry  (cannot be read: %v)\n", rd.RegistryErr)
		return fmt.Errorf("registry: %w", rd.RegistryErr)
	}
	fmt.Fprintf(stdout, "registry  %s\n", strings.Join(rd.Registry, " "))
	if !rd.InSync() {
		fmt.Fprintln(stdout, "in sync   no")
		return errOutOfSync
	}
	fmt.Fprintln(stdout, "in sync   yes")
	return nil
}
