package inventory

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/artnet-panel/artnet-panel/internal/apperr"
	"github.com/artnet-panel/artnet-panel/internal/panel"
	"github.com/artnet-panel/artnet-panel/internal/store"
)

// DNS zones and allowances of a customer entry.
//
// A primary zone is written as /dns/details-primary shows it, without the
// name servers (they are the server's configuration, not the zone's):
//
//	{"id": 1, "domain": "acme.test", "type": "primary", "serial": 2025010101,
//	 "records": [{"name": "@", "ttl": 3600, "type": "A", "data1": "192.0.2.1"}, ...]}
//
// A secondary zone as /dns/details-secoundary shows it:
//
//	{"id": 2, "domain": "sub.acme.test", "type": "secoundary", "master_nameserver": "192.0.2.53"}
//
// On import an id of 0 (or none) takes the next free id and a primary zone
// without a serial gets today's YYYYMMDD01; "nameservers" may be given (an
// export of /dns/details-primary) and is ignored. Records follow the rules
// of /dns/edit-primary-records (panel.ValidateZoneRecords; a record
// without ttl gets panel.DefaultTTL) and are stored in the form that
// command stores. A secondary zone is imported without transferred content
// (the server transfers it from its master again); its master is a host
// name or an IP address. Domains are normalised (lower case, punycode, no
// trailing dot) and unique across the file and the database; the import
// does not require that the customer holds or is allowed the domain.
//
// dns_allowed_domains lists the domains the customer may add zones for
// (with their subdomains) without holding a domain service for them
// (`artnetd admin zone allow` adds one).

// DNSZone is one zone of a customer entry.
type DNSZone struct {
	ID     int64  `json:"id"`
	Domain string `json:"domain"`
	Type   string `json:"type"` // "primary" or "secoundary"
	// Nameservers is accepted for the shape of /dns/details-primary and
	// ignored.
	Nameservers      []string    `json:"nameservers,omitempty"`
	MasterNameserver string      `json:"master_nameserver,omitempty"` // secondary zones
	Serial           int64       `json:"serial,omitempty"`            // primary zones
	Records          []DNSRecord `json:"records,omitempty"`           // primary zones
}

// DNSRecord is one record of a primary zone, as /dns/details-primary
// shows it; TTL may be omitted on import.
type DNSRecord struct {
	Name  string `json:"name"`
	TTL   *int64 `json:"ttl,omitempty"`
	Type  string `json:"type"`
	Data1 string `json:"data1"`
	Data2 string `json:"data2,omitempty"`
	Data3 string `json:"data3,omitempty"`
	Data4 string `json:"data4,omitempty"`
}

// MarshalJSON writes the fields of the zone's type only: a primary zone
// always with its serial and records (possibly []), a secondary zone with
// its master.
func (z DNSZone) MarshalJSON() ([]byte, error) {
	if z.Type == store.ZoneTypeSecondary {
		return json.Marshal(struct {
			ID               int64  `json:"id"`
			Domain           string `json:"domain"`
			Type             string `json:"type"`
			MasterNameserver string `json:"master_nameserver"`
		}{z.ID, z.Domain, z.Type, z.MasterNameserver})
	}
	recs := z.Records
	if recs == nil {
		recs = []DNSRecord{}
	}
	return json.Marshal(struct {
		ID          int64       `json:"id"`
		Domain      string      `json:"domain"`
		Type        string      `json:"type"`
		Nameservers []string    `json:"nameservers,omitempty"`
		Serial      int64       `json:"serial"`
		Records     []DNSRecord `json:"records"`
	}{z.ID, z.Domain, z.Type, z.Nameservers, z.Serial, recs})
}

// zoneRows is a validated zone and its records.
type zoneRows struct {
	zone    store.Zone
	records []store.ZoneRecord
}

// zoneRow validates one zone entry at path p.
func zoneRow(p string, e DNSZone, now time.Time) (zoneRows, error) {
	if e.ID < 0 {
		return zoneRows{}, pathError(p+".id", "must not be negative")
	}
	domain, err := panel.NormalizeDomain(e.Domain)
	if err != nil {
		return zoneRows{}, pathError(p+".domain", "%v", err)
	}
	z := store.Zone{ID: e.ID, Domain: domain, Type: e.Type, CreatedAt: now.Unix(), UpdatedAt: now.Unix()}
	switch e.Type {
	case store.ZoneTypePrimary:
		if e.MasterNameserver != "" {
			return zoneRows{}, pathError(p+".master_nameserver", "only secondary (\"secoundary\") zones have a master name server")
		}
		for k, ns := range e.Nameservers {
			if _, err := panel.NormalizeDomain(ns); err != nil {
				return zoneRows{}, pathError(fmt.Sprintf("%s.nameservers[%d]", p, k), "%v", err)
			}
		}
		switch {
		case e.Serial < 0 || e.Serial > math.MaxUint32:
			return zoneRows{}, pathError(p+".serial", "must be between 0 and %d", uint32(math.MaxUint32))
		case e.Serial == 0:
			z.Serial = panel.NewZoneSerial(now)
		default:
			z.Serial = e.Serial
		}
		in := make([]panel.DNSRecordInput, len(e.Records))
		for k, r := range e.Records {
			in[k] = panel.DNSRecordInput{Key: strconv.Itoa(k), Name: r.Name, TTL: r.TTL, Type: r.Type,
				Data1: r.Data1, Data2: r.Data2, Data3: r.Data3, Data4: r.Data4}
		}
		recs, err := panel.ValidateZoneRecords(domain, in)
		if err != nil {
			return zoneRows{}, recordsError(p+".records", err)
		}
		return zoneRows{zone: z, records: recs}, nil
	case store.ZoneTypeSecondary:
		switch {
		case len(e.Records) > 0:
			return zoneRows{}, pathError(p+".records", "a secondary zone's records are transferred from its master")
		case e.Serial != 0:
			return zoneRows{}, pathError(p+".serial", "a secondary zone's serial is its master's")
		case len(e.Nameservers) > 0:
			return zoneRows{}, pathError(p+".nameservers", "not used by secondary zones")
		}
		m, err := masterNameserver(e.MasterNameserver)
		if err != nil {
			return zoneRows{}, pathError(p+".master_nameserver", "%v", err)
		}
		z.MasterNameserver = m
		return zoneRows{zone: z}, nil
	}
	return zoneRows{}, pathError(p+".type", "unknown zone type %q (want %q or %q)", e.Type, store.ZoneTypePrimary, store.ZoneTypeSecondary)
}

// recordsError turns the error of panel.ValidateZoneRecords into errors at
// the JSON paths of the offending records (p is the path of the list).
func recordsError(p string, err error) error {
	var ae *apperr.Error
	if !errors.As(err, &ae) {
		return fmt.Errorf("%s: %w", p, err)
	}
	if len(ae.Details) == 0 {
		return pathError(p, "%s", ae.Detail)
	}
	errs := make([]error, len(ae.Details))
	for i, d := range ae.Details {
		path := p + "[" + d.Index + "]"
		if d.Field != "" {
			path += "." + d.Field
		}
		errs[i] = pathError(path, "%s", d.Message)
	}
	return errors.Join(errs...)
}

// masterNameserver checks the master of a secondary zone: an IP address
// (returned in canonical form) or a host name (normalised).
func masterNameserver(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", errors.New("a secondary zone needs its master name server (host name or IP address)")
	}
	if ip, err := netip.ParseAddr(strings.TrimSuffix(strings.TrimPrefix(s, "["), "]")); err == nil {
		ip = ip.Unmap()
		if ip.Zone() != "" || ip.IsUnspecified() || ip.IsLoopback() || ip.IsMulticast() || ip.IsLinkLocalUnicast() {
			return "", fmt.Errorf("%s cannot be a master name server", s)
		}
		return ip.String(), nil
	}
	return panel.NormalizeDomain(s)
}

// allowanceRows validates dns_allowed_domains (at path p).
func allowanceRows(p string, list []string) ([]string, error) {
	out := make([]string, 0, len(list))
	first := make(map[string]int, len(list))
	for k, d := range list {
		n, err := panel.NormalizeDomain(d)
		if err != nil {
			return nil, pathError(fmt.Sprintf("%s[%d]", p, k), "%v", err)
		}
		if j, dup := first[n]; dup {
			return nil, pathError(fmt.Sprintf("%s[%d]", p, k), "%s is also at %s[%d]", n, p, j)
		}
		first[n] = k
		out = append(out, n)
	}
	return out, nil
}

// importZone writes one zone of the customer (inside Import's
// transaction).
func importZone(ctx context.Context, tx store.Store, p string, customerID int64, r *zoneRows) error {
	r.zone.CustomerID = customerID
	if err := tx.ZoneCreate(ctx, &r.zone); err != nil {
		if errors.Is(err, store.ErrConflict) {
			if other, err := tx.ZoneByDomain(ctx, r.zone.Domain); err == nil {
				return pathError(p+".domain", "a zone of %s already exists (zone %d of customer %d)", r.zone.Domain, other.ID, other.CustomerID)
			}
			return pathError(p+".id", "zone %d already exists", r.zone.ID)
		}
		return fmt.Errorf("%s: %w", p, err)
	}
	if len(r.records) == 0 {
		return nil
	}
	err := tx.ZoneRecordsReplace(ctx, store.ZoneRecordsReplaceParams{
		CustomerID: customerID, ZoneID: r.zone.ID, ExpectSerial: r.zone.Serial, NewSerial: r.zone.Serial,
		Records: r.records, UpdatedAt: r.zone.UpdatedAt,
	})
	if err != nil {
		return fmt.Errorf("%s.records: %w", p, err)
	}
	return nil
}

// exportZones reads every zone with its records in one snapshot, grouped
// by customer.
func exportZones(ctx context.Context, s store.Store) (map[int64][]DNSZone, error) {
	all, err := s.ZonesAll(ctx)
	if err != nil {
		return nil, fmt.Errorf("list zones: %w", err)
	}
	out := make(map[int64][]DNSZone)
	for _, z := range all {
		e := DNSZone{ID: z.ID, Domain: z.Domain, Type: z.Type}
		if z.Type == store.ZoneTypeSecondary {
			e.MasterNameserver = z.MasterNameserver
		} else {
			e.Serial = z.Serial
			e.Records = make([]DNSRecord, len(z.Records))
			for i, r := range z.Records {
				ttl := r.TTL
				e.Records[i] = DNSRecord{Name: r.Name, TTL: &ttl, Type: r.Type,
					Data1: r.Data1, Data2: r.Data2, Data3: r.Data3, Data4: r.Data4}
			}
		}
		out[z.CustomerID] = append(out[z.CustomerID], e)
	}
	return out, nil
}
