package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/artnet-panel/artnet-panel/internal/panel"
	"github.com/artnet-panel/artnet-panel/internal/store"
	"github.com/artnet-panel/artnet-panel/internal/zonefile"
	"github.com/artnet-panel/artnet-panel/internal/zonesync"
)

// newZoneCommand returns artnetd admin zone import|export|allow.
func newZoneCommand(a *app) *cobra.Command {
	g := groupCommand(a, &cobra.Command{
		Use:   "zone",
		Short: "Import and export customers' DNS zones as RFC 1035 zone files; allow domains",
		Long: `DNS zones of a customer, from and to RFC 1035 zone files (BIND format).

  import: the primary zone of DOMAIN is created (serial YYYYMMDD01 of today)
      or, when the customer has it, all its records are replaced and the
      serial goes up; nothing changes on any error.
  export: the primary zone of DOMAIN as a zone file, with the SOA and NS
      records artnetd serve --dns makes.
  allow: the customer may add zones for DOMAIN and its subdomains.
  roll-ksk: start a KSK rollover of the signed zone of DOMAIN.

See artnetd admin zone COMMAND --help.`,
	})
	g.AddCommand(newZoneImportCommand(a), newZoneExportCommand(a), newZoneAllowCommand(a), newZoneRollKSKCommand(a))
	return g
}

// zoneFlags defines --db and --domain on c, and --customer when
// withCustomer; both are required.
func zoneFlags(c *cobra.Command, withCustomer bool) (db, domain *string, customer *int64) {
	db = dbFlag(c)
	domain = c.Flags().String("domain", "", "the zone's domain, e.g. example.com (required)")
	_ = c.MarkFlagRequired("domain")
	if withCustomer {
		customer = c.Flags().Int64("customer", 0, "customer id (required)")
		_ = c.MarkFlagRequired("customer")
	}
	return db, domain, customer
}

// zoneArgs checks --domain and --customer (nil: none) after parsing.
func zoneArgs(domain string, customer *int64) error {
	if domain == "" {
		return usageErrorf("--domain: must not be empty")
	}
	if customer != nil && *customer <= 0 {
		return usageErrorf("--customer %d: want a customer id", *customer)
	}
	return nil
}

func newZoneImportCommand(a *app) *cobra.Command {
	c := &cobra.Command{
		Use:   "import [--db DSN] --customer ID --domain DOMAIN FILE|-",
		Short: "Read a zone file into a customer's primary zone",
		Long: `Reads FILE (RFC 1035 zone file; - for standard input) into the primary
zone of DOMAIN. If the customer has no zone of DOMAIN, one is created
(serial YYYYMMDD01 of today); if it has one, all its records are
replaced by the file's and the serial goes up, as after
/dns/edit-primary-records. The file's SOA and apex NS records are
skipped (artnetd makes them). The records are checked like
/dns/edit-primary-records checks them and nothing changes on any
error; unsupported record types are reported with their line. Prints
the zone id and serial.`,
		Args: cobra.ExactArgs(1),
	}
	db, domain, customer := zoneFlags(c, true)
	return leafCommand(a, c, func(c *cobra.Command, args []string) error {
		if err := zoneArgs(*domain, customer); err != nil {
			return err
		}
		return adminZoneImport(c.Context(), *db, *domain, *customer, args[0], a.stdout)
	})
}

func newZoneExportCommand(a *app) *cobra.Command {
	c := &cobra.Command{
		Use:   "export [--db DSN] --domain DOMAIN [--dns-nameservers LIST] [--dns-soa-mbox MBOX]",
		Short: "Write a primary zone as a zone file to standard output",
		Long: `Writes the primary zone of DOMAIN as an RFC 1035 zone file to standard
output, with the SOA and apex NS records made as artnetd serve --dns
makes them (same flags and ARTNETD_DNS_* variables).`,
		Args: cobra.NoArgs,
	}
	db, domain, _ := zoneFlags(c, false)
	nameservers := c.Flags().String("dns-nameservers", env("ARTNETD_DNS_NAMESERVERS", strings.Join(panel.DefaultNameservers, ",")), "name servers of every hosted zone (NS records), comma separated (env ARTNETD_DNS_NAMESERVERS)")
	mbox := c.Flags().String("dns-soa-mbox", env("ARTNETD_DNS_SOA_MBOX", zonesync.DefaultSOA().RName), "SOA RNAME: the zones' responsible mailbox in DNS form (env ARTNETD_DNS_SOA_MBOX)")
	return leafCommand(a, c, func(c *cobra.Command, _ []string) error {
		if err := zoneArgs(*domain, nil); err != nil {
			return err
		}
		return adminZoneExport(c.Context(), *db, *domain, *nameservers, *mbox, a.stdout)
	})
}

func newZoneAllowCommand(a *app) *cobra.Command {
	c := &cobra.Command{
		Use:   "allow [--db DSN] --customer ID --domain DOMAIN",
		Short: "Let a customer add zones for a domain without a domain service",
		Long: `Allows the customer to add zones for DOMAIN and its subdomains with
/dns/add-primary and /dns/add-secoundary without holding a domain
service for it.`,
		Args: cobra.NoArgs,
	}
	db, domain, customer := zoneFlags(c, true)
	return leafCommand(a, c, func(c *cobra.Command, _ []string) error {
		if err := zoneArgs(*domain, customer); err != nil {
			return err
		}
		return adminZoneAllow(c.Context(), *db, *domain, *customer, a.stdout)
	})
}

func adminZoneImport(ctx context.Context, db, domain string, customer int64, file string, stdout io.Writer) error {
	var in io.Reader
	if file == "-" {
		in, file = os.Stdin, "standard input"
	} else {
		f, err := os.Open(file)
		if err != nil {
			return err
		}
		defer f.Close()
		in = f
	}
	st, err := openStore(ctx, db)
	if err != nil {
		return err
	}
	defer st.Close()
	res, err := importZone(ctx, st, time.Now(), customer, domain, file, in)
	if err != nil {
		return err
	}
	what := "replaced the records of"
	if res.created {
		what = "created"
	}
	fmt.Fprintf(stdout, "%s zone %d (%s) of customer %d: %d records, serial %d\n",
		what, res.zone.ID, res.zone.Domain, res.zone.CustomerID, res.records, res.zone.Serial)
	return nil
}

type zoneImport struct {
	zone    store.Zone
	created bool
	records int
}

// importZone reads a zone file into the customer's primary zone of domain:
// created when there is none, its records replaced (serial
// panel.NextZoneSerial) when there is. The file is checked first;
// nothing changes on any error.
func importZone(ctx context.Context, st store.Store, now time.Time, customerID int64, domain, file string, in io.Reader) (zoneImport, error) {
	d, err := panel.NormalizeDomain(domain)
	if err != nil {
		return zoneImport{}, fmt.Errorf("--domain: %w", err)
	}
	read, err := zonefile.Read(in, d, file)
	if err != nil {
		return zoneImport{}, fmt.Errorf("%w\nnothing was imported", err)
	}
	recs, err := zonefile.Validate(d, read, file)
	if err != nil {
		return zoneImport{}, fmt.Errorf("%w\nnothing was imported", err)
	}
	var res zoneImport
	res.records = len(recs)
	err = st.InTx(ctx, func(tx store.Store) error {
		if _, err := tx.CustomerGet(ctx, customerID); errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("customer %d does not exist", customerID)
		} else if err != nil {
			return err
		}
		z, err := tx.ZoneByDomain(ctx, d)
		switch {
		case errors.Is(err, store.ErrNotFound):
			z = store.Zone{CustomerID: customerID, Domain: d, Type: store.ZoneTypePrimary,
				Serial: panel.NewZoneSerial(now), CreatedAt: now.Unix(), UpdatedAt: now.Unix()}
			if err := tx.ZoneCreate(ctx, &z); err != nil {
				return err
			}
			res.created = true
		case err != nil:
			return err
		case z.CustomerID != customerID:
			return fmt.Errorf("the zone of %s (zone %d) belongs to customer %d", d, z.ID, z.CustomerID)
		case z.Type != store.ZoneTypePrimary:
			return fmt.Errorf("zone %d (%s) is a secondary zone: its records come from its master %s", z.ID, d, z.MasterNameserver)
		}
		serial := z.Serial
		if !res.created {
			serial = panel.NextZoneSerial(z.Serial, now)
		}
		err = tx.ZoneRecordsReplace(ctx, store.ZoneRecordsReplaceParams{CustomerID: customerID, ZoneID: z.ID,
			ExpectSerial: z.Serial, NewSerial: serial, Records: recs, UpdatedAt: now.Unix()})
		if err != nil {
			return err
		}
		z.Serial, z.UpdatedAt = serial, now.Unix()
		res.zone = z
		return nil
	})
	if err != nil {
		return zoneImport{}, fmt.Errorf("%s: %w (nothing was imported)", d, err)
	}
	return res, nil
}

func adminZoneExport(ctx context.Context, db, domain, nameservers, mbox string, stdout io.Writer) error {
	d, err := panel.NormalizeDomain(domain)
	if err != nil {
		return fmt.Errorf("--domain: %w", err)
	}
	ns := splitList(nameservers)
	if len(ns) == 0 {
		return errors.New("--dns-nameservers: at least one name server")
	}
	st, err := openStore(ctx, db)
	if err != nil {
		return err
	}
	defer st.Close()
	var z store.Zone
	var recs []store.ZoneRecord
	err = st.InTx(ctx, func(tx store.Store) error {
		var err error
		if z, err = tx.ZoneByDomain(ctx, d); errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("there is no zone of %s", d)
		} else if err != nil {
			return err
		}
		if z.Type != store.ZoneTypePrimary {
			return fmt.Errorf("zone %d (%s) is a secondary zone of master %s; only primary zones are exported", z.ID, d, z.MasterNameserver)
		}
		recs, err = tx.ZoneRecords(ctx, z.CustomerID, z.ID)
		return err
	})
	if err != nil {
		return err
	}
	// The SOA as artnetd serve --dns makes it (serve.go, zonesync).
	soa := zonesync.DefaultSOA()
	soa.RName = mbox
	soa.MName = ns[0]
	return zonefile.Write(stdout, zonefile.Zone{
		Domain: z.Domain, Serial: z.Serial, Nameservers: ns, Records: recs,
		SOA: zonefile.SOA{MName: soa.MName, RName: soa.RName, TTL: soa.TTL, Refresh: soa.Refresh,
			Retry: soa.Retry, Expire: soa.Expire, Minimum: soa.Minimum},
	})
}

func adminZoneAllow(ctx context.Context, db, domain string, customer int64, stdout io.Writer) error {
	d, err := panel.NormalizeDomain(domain)
	if err != nil {
		return fmt.Errorf("--domain: %w", err)
	}
	st, err := openStore(ctx, db)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := panel.New(st).AllowDomain(ctx, customer, d); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("customer %d does not exist", customer)
		}
		return err
	}
	fmt.Fprintf(stdout, "customer %d may add zones for %s and its subdomains\n", customer, d)
	return nil
}
