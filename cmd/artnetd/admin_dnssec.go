package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/artnet-panel/artnet-panel/internal/panel"
)

func newZoneRollKSKCommand(a *app) *cobra.Command {
	c := &cobra.Command{
		Use:   "roll-ksk [--db DSN] --domain DOMAIN",
		Short: "Start a KSK rollover of a signed zone",
		Long: `Starts a KSK rollover (double-KSK) of the signed zone of DOMAIN now: a new
KSK is published and signs the DNSKEY set beside the old one; the running
artnetd serve nodes then send the new DS to the registry (when the zone is a
domain of its customer; otherwise the parent follows the CDS/CDNSKEY), and
once the registry has held it for --dnssec-ds-ttl the old KSK and its DS go.
The new private key is sealed with ARTNETD_DNSSEC_SECRET_KEY (or
ARTNETD_CLOUD_SECRET_KEY), read from the environment only.`,
		Args: cobra.NoArgs,
	}
	db, domain, _ := zoneFlags(c, false)
	return leafCommand(a, c, func(c *cobra.Command, _ []string) error {
		if err := zoneArgs(*domain, nil); err != nil {
			return err
		}
		return adminZoneRollKSK(c.Context(), *db, *domain, a.stdout)
	})
}

func adminZoneRollKSK(ctx context.Context, db, domain string, stdout io.Writer) error {
	d, err := panel.NormalizeDomain(domain)
	if err != nil {
		return fmt.Errorf("--domain: %w", err)
	}
	key, err := parseCloudKey(os.Getenv("ARTNETD_DNSSEC_SECRET_KEY"))
	if err == nil && key == nil {
		key, err = parseCloudKey(os.Getenv("ARTNETD_CLOUD_SECRET_KEY"))
	}
	if err != nil {
		return err
	}
	if key == nil {
		return fmt.Errorf("no operator key: set ARTNETD_DNSSEC_SECRET_KEY (or ARTNETD_CLOUD_SECRET_KEY)")
	}
	st, err := openStore(ctx, db)
	if err != nil {
		return err
	}
	defer st.Close()
	z, err := st.ZoneByDomain(ctx, d)
	if err != nil {
		return fmt.Errorf("zone %s: %w", d, err)
	}
	p := panel.New(st)
	p.DNSSEC = &panel.DNSSECConfig{SecretKey: key}
	if err := p.DNSSECRollKSK(ctx, z.CustomerID, z.ID); err != nil {
		return fmt.Errorf("zone %s: %w", d, err)
	}
	fmt.Fprintf(stdout, "KSK rollover of %s started; artnetd serve carries it on (see dns/dnssec-details)\n", d)
	return nil
}
