package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/artnet-panel/artnet-panel/internal/panel"
	"github.com/artnet-panel/artnet-panel/internal/store"
	"github.com/artnet-panel/artnet-panel/internal/zonefile"
	"github.com/artnet-panel/artnet-panel/internal/zonesync"
)

const zoneUsage = `usage:
  artnetd admin zone import [--db DSN] --customer ID --domain DOMAIN FILE
      Reads FILE (RFC 1035 zone file; - for standard input) into the primary
      zone of DOMAIN. If the customer has no zone of DOMAIN, one is created
      (serial YYYYMMDD01 of today); if it has one, all its records are
      replaced by the file's and the serial goes up, as after
      /dns/edit-primary-records. The file's SOA and apex NS records are
      skipped (artnetd makes them). The records are checked like
      /dns/edit-primary-records checks them and nothing changes on any
      error; unsupported record types are reported with their line. Prints
      the zone id and serial.
  artnetd admin zone export [--db DSN] --domain DOMAIN [--dns-nameservers LIST] [--dns-soa-mbox MBOX]
      Writes the primary zone of DOMAIN as an RFC 1035 zone file to standard
      output, with the SOA and apex NS records made as artnetd serve --dns
      makes them (same flags and ARTNETD_DNS_* variables).
  artnetd admin zone allow [--db DSN] --customer ID --domain DOMAIN
      Allows the customer to add zones for DOMAIN and its subdomains with
      /dns/add-primary and /dns/add-secoundary without holding a domain
      service for it.
`

func runZone(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 {
		switch args[0] {
		case "import":
			return adminZoneImport(ctx, args[1:], stdout, stderr)
		case "export":
			return adminZoneExport(ctx, args[1:], stdout, stderr)
		case "allow":
			return adminZoneAllow(ctx, args[1:], stdout, stderr)
		case "help", "-h", "--help":
			fmt.Fprint(stdout, zoneUsage)
			return nil
		}
	}
	fmt.Fprint(stderr, zoneUsage)
	return errUsage
}

// zoneFlags returns a flag set with --db and --domain, and --customer when
// withCustomer.
func zoneFlags(name string, stderr io.Writer, withCustomer bool) (*flag.FlagSet, *string, *string, *int64) {
	fs, db := adminFlags(name, stderr)
	fs.Usage = func() {} // the callers print zoneUsage
	domain := fs.String("domain", "", "the zone's domain, e.g. example.com")
	var customer *int64
	if withCustomer {
		customer = fs.Int64("customer", 0, "customer id")
	}
	return fs, db, domain, customer
}

func adminZoneImport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, db, domain, customer := zoneFlags("admin zone import", stderr, true)
	if err := fs.Parse(args); err != nil || fs.NArg() != 1 || *domain == "" || *customer <= 0 {
		fmt.Fprint(stderr, zoneUsage)
		return errUsage
	}
	file := fs.Arg(0)
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
	st, err := openStore(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	res, err := importZone(ctx, st, time.Now(), *customer, *domain, file, in)
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

func adminZoneExport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, db, domain, _ := zoneFlags("admin zone export", stderr, false)
	nameservers := fs.String("dns-nameservers", env("ARTNETD_DNS_NAMESERVERS", strings.Join(panel.DefaultNameservers, ",")), "name servers of every hosted zone (NS records), comma separated")
	mbox := fs.String("dns-soa-mbox", env("ARTNETD_DNS_SOA_MBOX", zonesync.DefaultSOA().RName), "SOA RNAME: the zones' responsible mailbox in DNS form")
	if err := fs.Parse(args); err != nil || fs.NArg() != 0 || *domain == "" {
		fmt.Fprint(stderr, zoneUsage)
		return errUsage
	}
	d, err := panel.NormalizeDomain(*domain)
	if err != nil {
		return fmt.Errorf("--domain: %w", err)
	}
	ns := splitList(*nameservers)
	if len(ns) == 0 {
		return errors.New("--dns-nameservers: at least one name server")
	}
	st, err := openStore(ctx, *db)
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
	soa.RName = *mbox
	soa.MName = ns[0]
	return zonefile.Write(stdout, zonefile.Zone{
		Domain: z.Domain, Serial: z.Serial, Nameservers: ns, Records: recs,
		SOA: zonefile.SOA{MName: soa.MName, RName: soa.RName, TTL: soa.TTL, Refresh: soa.Refresh,
			Retry: soa.Retry, Expire: soa.Expire, Minimum: soa.Minimum},
	})
}

func adminZoneAllow(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, db, domain, customer := zoneFlags("admin zone allow", stderr, true)
	if err := fs.Parse(args); err != nil || fs.NArg() != 0 || *domain == "" || *customer <= 0 {
		fmt.Fprint(stderr, zoneUsage)
		return errUsage
	}
	d, err := panel.NormalizeDomain(*domain)
	if err != nil {
		return fmt.Errorf("--domain: %w", err)
	}
	st, err := openStore(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := panel.New(st).AllowDomain(ctx, *customer, d); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("customer %d does not exist", *customer)
		}
		return err
	}
	fmt.Fprintf(stdout, "customer %d may add zones for %s and its subdomains\n", *customer, d)
	return nil
}
