package panel

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/net/idna"

	"github.com/artnet-panel/artnet-panel/artnet"
	"github.com/artnet-panel/artnet-panel/internal/apperr"
	"github.com/artnet-panel/artnet-panel/internal/store"
)

// The dns module: primary and secondary zones on the panel's name servers.
// The rules (names, TTLs, the data1..data4 layout of each record type,
// serials) are described in the package documentation; DNSRecordLayouts is
// the same table in Go.

// Limits and defaults of zone records.
const (
	DefaultTTL = 3600   // a record sent without ttl gets it
	MinTTL     = 60     // 1 minute
	MaxTTL     = 604800 // 1 week
	// MaxZoneRecords bounds the records of one zone.
	MaxZoneRecords = 2000
	// MaxTXTLength bounds the text of a TXT record, in bytes. On the wire
	// it is split into character-strings of at most 255 bytes.
	MaxTXTLength = 4096
	// MaxCAAValueLength bounds the value of a CAA record, in bytes.
	MaxCAAValueLength = 1024
	// masterLookupTimeout bounds the resolution of a secondary zone's
	// master name server.
	masterLookupTimeout = 5 * time.Second
)

// defaultResolver resolves master name servers when Panel.LookupHost is
// nil.
var defaultResolver = net.DefaultResolver

// DefaultNameservers are the name servers of the primary zones when
// Panel.Nameservers is not set.
var DefaultNameservers = []string{"ns1.artnet.pl", "ns2.artnet.pl"}

// ZonePublisher is told about every committed change of a zone (created,
// records replaced, deleted), after the command's transaction committed.
// domain is the zone's domain in the stored form (lower case, A-labels, no
// trailing dot). ZoneChanged is called synchronously on the request's
// context: an implementation that does slow work must do it elsewhere.
type ZonePublisher interface {
	ZoneChanged(ctx context.Context, domain string)
}

// noZonePublisher is the ZonePublisher of a Panel whose Zones is nil.
type noZonePublisher struct{}

func (noZonePublisher) ZoneChanged(context.Context, string) {}

func (p *Panel) zonePublisher() ZonePublisher {
	if p.Zones == nil {
		return noZonePublisher{}
	}
	return p.Zones
}

// nameservers returns the name servers of the primary zones.
func (p *Panel) nameservers() []string {
	if p.Nameservers == nil {
		return slices.Clone(DefaultNameservers)
	}
	return slices.Clone(p.Nameservers)
}

func (p *Panel) lookupHost(ctx context.Context, host string) ([]string, error) {
	ctx, cancel := context.WithTimeout(ctx, masterLookupTimeout)
	defer cancel()
	if p.LookupHost != nil {
		return p.LookupHost(ctx, host)
	}
	return defaultResolver.LookupHost(ctx, host)
}

// DNSDataKind is what one data field of a record holds.
type DNSDataKind int

// The kinds of data fields.
const (
	// DNSDataUnused: the field must be empty.
	DNSDataUnused DNSDataKind = iota
	// DNSDataIPv4: an IPv4 address in dotted-quad form.
	DNSDataIPv4
	// DNSDataIPv6: an IPv6 address.
	DNSDataIPv6
	// DNSDataHost: a host name (letters, digits, hyphens): relative to the
	// zone, fully qualified with a trailing dot, or "@" for the apex.
	DNSDataHost
	// DNSDataAlias: a domain name as DNSDataHost, underscores allowed
	// (CNAME targets such as "s1._domainkey.example.net.").
	DNSDataAlias
	// DNSDataUint16: a decimal number 0..65535.
	DNSDataUint16
	// DNSDataUint8: a decimal number 0..255.
	DNSDataUint8
	// DNSDataText: text of 1..MaxTXTLength bytes without control
	// characters, as it is (no zone-file quoting).
	DNSDataText
	// DNSDataCAATag: "issue", "issuewild" or "iodef" (any case; stored in
	// lower case).
	DNSDataCAATag
	// DNSDataCAAValue: the CAA value, printable ASCII up to
	// MaxCAAValueLength bytes; for iodef a mailto:, http: or https: URL,
	// for issue/issuewild possibly empty (no CA may issue).
	DNSDataCAAValue
)

// DNSDataField describes one of data1..data4 of a record type.
type DNSDataField struct {
	Kind DNSDataKind
	// Doc names the field ("priority", "exchange").
	Doc string
	// NullTarget allows "." for a host name: the null MX of RFC 7505, the
	// "service not available" SRV target of RFC 2782.
	NullTarget bool
}

// DNSRecordLayout is the layout of data1..data4 of one record type. Fields
// of kind DNSDataUnused must be left empty.
type DNSRecordLayout struct {
	Type string
	Data [4]DNSDataField
}

// DNSRecordLayouts is the data1..data4 layout of every record type the
// panel accepts, in the order of the package documentation.
var DNSRecordLayouts = []DNSRecordLayout{
	{Type: artnet.DNSRecordA, Data: [4]DNSDataField{{Kind: DNSDataIPv4, Doc: "IPv4 address"}}},
	{Type: artnet.DNSRecordAAAA, Data: [4]DNSDataField{{Kind: DNSDataIPv6, Doc: "IPv6 address"}}},
	{Type: artnet.DNSRecordCNAME, Data: [4]DNSDataField{{Kind: DNSDataAlias, Doc: "target"}}},
	{Type: artnet.DNSRecordMX, Data: [4]DNSDataField{
		{Kind: DNSDataUint16, Doc: "priority"},
		{Kind: DNSDataHost, Doc: "exchange", NullTarget: true},
	}},
	{Type: artnet.DNSRecordTXT, Data: [4]DNSDataField{{Kind: DNSDataText, Doc: "text"}}},
	{Type: artnet.DNSRecordSRV, Data: [4]DNSDataField{
		{Kind: DNSDataUint16, Doc: "priority"},
		{Kind: DNSDataUint16, Doc: "weight"},
		{Kind: DNSDataUint16, Doc: "port"},
		{Kind: DNSDataHost, Doc: "target", NullTarget: true},
	}},
	{Type: artnet.DNSRecordCAA, Data: [4]DNSDataField{
		{Kind: DNSDataUint8, Doc: "flags"},
		{Kind: DNSDataCAATag, Doc: "tag"},
		{Kind: DNSDataCAAValue, Doc: "value"},
	}},
	{Type: artnet.DNSRecordNS, Data: [4]DNSDataField{{Kind: DNSDataHost, Doc: "name server"}}},
}

// DNSRecordLayoutOf returns the layout of a record type (upper case).
func DNSRecordLayoutOf(typ string) (DNSRecordLayout, bool) {
	for _, l := range DNSRecordLayouts {
		if l.Type == typ {
			return l, true
		}
	}
	return DNSRecordLayout{}, false
}

// DNSRecordInput is one record of /dns/edit-primary-records as sent.
type DNSRecordInput struct {
	// Key is N of records[N] (named in errors); "" = the 0-based position.
	Key string
	// Name: relative, fully qualified with a trailing dot, "@", or "" (the
	// previous record's name).
	Name string
	// TTL is nil when the record was sent without one (DefaultTTL).
	TTL                        *int64
	Type                       string
	Data1, Data2, Data3, Data4 string
}

// NormalizeDomain returns the stored form of a zone's domain: surrounding
// spaces and one trailing dot removed, internationalised names converted
// to A-labels (punycode) by the IDNA lookup rules, lower case. It fails
// unless the result is a host name of at least two labels (letters,
// digits, inner hyphens; 1..63 bytes a label, 253 in all) whose last label
// is not numeric.
func NormalizeDomain(s string) (string, error) {
	s = strings.TrimSuffix(strings.TrimSpace(s), ".")
	if s == "" {
		return "", errors.New("empty domain name")
	}
	if strings.ContainsFunc(s, func(r rune) bool { return r <= ' ' || r == 0x7f }) {
		return "", fmt.Errorf("%q: spaces and control characters are not allowed", s)
	}
	a, err := idna.Lookup.ToASCII(s)
	if err != nil {
		return "", fmt.Errorf("%q is not a valid domain name", s)
	}
	a = strings.ToLower(a)
	labels := strings.Split(a, ".")
	if len(labels) < 2 {
		return "", fmt.Errorf("%q: a domain name has at least two labels (example.com)", s)
	}
	if err := checkLabels(labels, false, false); err != nil {
		return "", fmt.Errorf("%q: %v", s, err)
	}
	if isNumeric(labels[len(labels)-1]) {
		return "", fmt.Errorf("%q is not a domain name", s)
	}
	if len(a) > 253 {
		return "", fmt.Errorf("%q is longer than 253 characters", s)
	}
	return a, nil
}

// checkLabels checks the labels of a name: 1..63 bytes of letters, digits
// and hyphens (not first or last), plus underscores when underscore is
// set, and "*" as the first label when wildcard is set. Letters must be
// ASCII (internationalised names are given as A-labels, "xn--...").
func checkLabels(labels []string, underscore, wildcard bool) error {
	for i, l := range labels {
		if l == "" {
			return errors.New("empty label (two dots in a row, or a leading dot)")
		}
		if len(l) > 63 {
			return fmt.Errorf("label %q is longer than 63 characters", l)
		}
		if l == "*" {
			if !wildcard || i != 0 {
				return errors.New(`"*" is allowed only as the first label of a record name`)
			}
			continue
		}
		for j := 0; j < len(l); j++ {
			c := l[j]
			switch {
			case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
			case c == '-':
				if j == 0 || j == len(l)-1 {
					return fmt.Errorf("label %q starts or ends with a hyphen", l)
				}
			case c == '_' && underscore:
			case c >= utf8.RuneSelf:
				return fmt.Errorf("label %q is not ASCII: give internationalised names in punycode (xn--...)", l)
			default:
				return fmt.Errorf("label %q contains %q", l, string(c))
			}
		}
	}
	return nil
}

func isNumeric(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// dateSerial returns YYYYMMDD00 of t's UTC date.
func dateSerial(t time.Time) int64 {
	y, m, d := t.UTC().Date()
	return (int64(y)*10000 + int64(m)*100 + int64(d)) * 100
}

// NewZoneSerial is the serial of a new primary zone: YYYYMMDD01 of now
// (UTC).
func NewZoneSerial(now time.Time) int64 { return dateSerial(now) + 1 }

// NextZoneSerial is the serial after a change of a zone whose serial is
// current: the larger of current+1 and today's YYYYMMDD01, so that serials
// follow the date, never decrease and keep growing past 99 changes a day
// (YYYYMMDD99 is followed by the next day's YYYYMMDD00).
func NextZoneSerial(current int64, now time.Time) int64 {
	return max(current+1, dateSerial(now)+1)
}

// zoneToWire converts a stored zone to the list/details object;
// master_nameserver is given for secondary zones only.
func zoneToWire(z store.Zone) artnet.DNSZone {
	w := artnet.DNSZone{ID: z.ID, Domain: z.Domain, Type: z.Type}
	if z.Type == store.ZoneTypeSecondary {
		w.MasterNameserver = z.MasterNameserver
	}
	return w
}

// DNSZonesList returns the customer's zones ordered by id (/dns/list).
func (p *Panel) DNSZonesList(ctx context.Context, customerID int64) ([]artnet.DNSZone, error) {
	list, err := p.Store.ZoneList(ctx, customerID)
	if err != nil {
		return nil, apperr.Internal(apperr.CodeInternal, err)
	}
	out := make([]artnet.DNSZone, len(list))
	for i, z := range list {
		out[i] = zoneToWire(z)
	}
	return out, nil
}

// dnsError turns what a command's transaction returned into the answer:
// application errors as they are, anything else internalCode hiding the
// cause.
func dnsError(err error, internalCode string) error {
	var ae *apperr.Error
	if errors.As(err, &ae) {
		return ae
	}
	return apperr.Internal(internalCode, err)
}

// zoneOfType returns the customer's zone of type typ ("" = either):
// invalid-zone-id for a missing zone (or another customer's),
// invalid-zone-type for a zone of the other type.
func zoneOfType(ctx context.Context, st store.Store, customerID, zoneID int64, typ string) (store.Zone, error) {
	if zoneID <= 0 {
		return store.Zone{}, apperr.New(apperr.CodeInvalidZoneID)
	}
	z, err := st.ZoneGet(ctx, customerID, zoneID)
	if errors.Is(err, store.ErrNotFound) {
		return store.Zone{}, apperr.New(apperr.CodeInvalidZoneID)
	}
	if err != nil {
		return store.Zone{}, err
	}
	if typ != "" && z.Type != typ {
		return store.Zone{}, apperr.New(apperr.CodeInvalidZoneType)
	}
	return z, nil
}

// DNSSecondaryDetails returns a secondary zone (/dns/details-secoundary).
func (p *Panel) DNSSecondaryDetails(ctx context.Context, customerID, zoneID int64) (artnet.DNSZone, error) {
	z, err := zoneOfType(ctx, p.Store, customerID, zoneID, store.ZoneTypeSecondary)
	if err != nil {
		return artnet.DNSZone{}, dnsError(err, apperr.CodeInternal)
	}
	return zoneToWire(z), nil
}

// DNSPrimaryDetails returns a primary zone with its serial, the panel's
// name servers and the records in order (/dns/details-primary). The zone
// and its records are read in one transaction, so the serial is the one of
// these records.
func (p *Panel) DNSPrimaryDetails(ctx context.Context, customerID, zoneID int64) (artnet.DNSPrimaryZone, error) {
	var z store.Zone
	var recs []store.ZoneRecord
	err := p.Store.InTx(ctx, func(tx store.Store) error {
		var err error
		if z, err = zoneOfType(ctx, tx, customerID, zoneID, store.ZoneTypePrimary); err != nil {
			return err
		}
		recs, err = tx.ZoneRecords(ctx, customerID, zoneID)
		return err
	})
	if err != nil {
		return artnet.DNSPrimaryZone{}, dnsError(err, apperr.CodeInternal)
	}
	out := artnet.DNSPrimaryZone{
		ID: z.ID, Domain: z.Domain, Type: z.Type, Nameservers: p.nameservers(),
		Serial: z.Serial, Records: make([]artnet.DNSRecord, len(recs)),
	}
	for i, r := range recs {
		out.Records[i] = artnet.DNSRecord{Name: r.Name, TTL: r.TTL, Type: r.Type,
			Data1: r.Data1, Data2: r.Data2, Data3: r.Data3, Data4: r.Data4}
	}
	return out, nil
}

// DNSDeleteZone removes a zone of either type with its records
// (/dns/delete). Returns invalid-zone-id for a missing zone (or another
// customer's).
func (p *Panel) DNSDeleteZone(ctx context.Context, customerID, zoneID int64) error {
	// A signed zone's DS leaves the registry first (dnssec.go): a DS left
	// behind would make the domain bogus wherever it is hosted next.
	if err := p.dnssecDropDS(ctx, customerID, zoneID); err != nil {
		return err
	}
	var domain string
	err := p.Store.InTx(ctx, func(tx store.Store) error {
		z, err := zoneOfType(ctx, tx, customerID, zoneID, "")
		if err != nil {
			return err
		}
		domain = z.Domain
		if err := tx.ZoneDelete(ctx, customerID, zoneID); errors.Is(err, store.ErrNotFound) {
			return apperr.New(apperr.CodeInvalidZoneID)
		} else if err != nil {
			return err
		}
		return nil
	})
	if err != nil {
		return dnsError(err, apperr.CodeInternalDNSError)
	}
	p.zonePublisher().ZoneChanged(ctx, domain)
	return nil
}

// domainAllowed reports whether the customer may host a zone for domain:
// it holds a domain service whose domain_name is domain or a parent of it,
// or the operator allowed domain (or a parent) with AllowDomain.
func domainAllowed(ctx context.Context, st store.Store, customerID int64, domain string) (bool, error) {
	svcs, err := st.ServiceList(ctx, store.ServiceFilter{CustomerID: customerID, Type: artnet.ServiceTypeDomain})
	if err != nil {
		return false, err
	}
	for _, s := range svcs {
		if len(s.Details) == 0 {
			continue
		}
		var d artnet.DomainDetails
		if err := json.Unmarshal(s.Details, &d); err != nil {
			return false, fmt.Errorf("service %d: decode details: %w", s.ID, err)
		}
		name, err := NormalizeDomain(d.DomainName)
		if err != nil {
			continue
		}
		if domain == name || strings.HasSuffix(domain, "."+name) {
			return true, nil
		}
	}
	return st.DomainAllowed(ctx, customerID, domain)
}

// checkNewZone answers domain-not-allowed or domain-already-exists for a
// zone the customer wants to add, in that order (a customer who may not
// add a domain does not learn whether someone hosts it).
func checkNewZone(ctx context.Context, st store.Store, customerID int64, domain string) error {
	ok, err := domainAllowed(ctx, st, customerID, domain)
	if err != nil {
		return err
	}
	if !ok {
		return apperr.New(apperr.CodeDomainNotAllowed)
	}
	if _, err := st.ZoneByDomain(ctx, domain); err == nil {
		return apperr.New(apperr.CodeDomainAlreadyExists)
	} else if !errors.Is(err, store.ErrNotFound) {
		return err
	}
	return nil
}

// createZone checks and inserts z in one transaction.
func (p *Panel) createZone(ctx context.Context, z *store.Zone) error {
	err := p.Store.InTx(ctx, func(tx store.Store) error {
		if err := checkNewZone(ctx, tx, z.CustomerID, z.Domain); err != nil {
			return err
		}
		err := tx.ZoneCreate(ctx, z)
		if errors.Is(err, store.ErrConflict) {
			// Added by someone else since the check (PostgreSQL).
			return apperr.New(apperr.CodeDomainAlreadyExists)
		}
		return err
	})
	if err != nil {
		return dnsError(err, apperr.CodeInternalDNSError)
	}
	p.zonePublisher().ZoneChanged(ctx, z.Domain)
	return nil
}

// DNSAddPrimary adds an empty primary zone for domain (/dns/add-primary);
// its serial is today's YYYYMMDD01. The domain is normalised
// (NormalizeDomain; incorrect-param-value when it is not a valid name).
// Returns domain-not-allowed unless the customer holds a domain service for
// the domain or a parent of it or has the operator's allowance, and
// domain-already-exists when any customer has a zone of that domain.
func (p *Panel) DNSAddPrimary(ctx context.Context, customerID int64, domain string) (artnet.DNSZone, error) {
	d, err := NormalizeDomain(domain)
	if err != nil {
		return artnet.DNSZone{}, apperr.Errorf(apperr.CodeIncorrectParamValue, "domain: %v", err)
	}
	now := p.now()
	z := store.Zone{CustomerID: customerID, Domain: d, Type: store.ZoneTypePrimary,
		Serial: NewZoneSerial(now), CreatedAt: now.Unix(), UpdatedAt: now.Unix()}
	if err := p.createZone(ctx, &z); err != nil {
		return artnet.DNSZone{}, err
	}
	return zoneToWire(z), nil
}

// DNSAddSecondary adds a secondary zone for domain transferred from
// master (/dns/add-secoundary). The domain is checked as in DNSAddPrimary.
// master is a host name (normalised like a domain) or an IP address; it
// must resolve (Panel.LookupHost) to at least one address that is not
// loopback, unspecified, link-local or multicast, else
// unresolveable-master-nameserver (an IP address of those kinds is
// incorrect-param-value). The zone is stored without records and with
// serial 0: the name servers serve it once it has been transferred from
// the master.
func (p *Panel) DNSAddSecondary(ctx context.Context, customerID int64, domain, master string) (artnet.DNSZone, error) {
	d, err := NormalizeDomain(domain)
	if err != nil {
		return artnet.DNSZone{}, apperr.Errorf(apperr.CodeIncorrectParamValue, "domain: %v", err)
	}
	m, ip, err := normalizeMaster(master)
	if err != nil {
		return artnet.DNSZone{}, apperr.Errorf(apperr.CodeIncorrectParamValue, "master_nameserver: %v", err)
	}
	// Refuse what the customer may not add before resolving anything; the
	// transaction checks again.
	if err := checkNewZone(ctx, p.Store, customerID, d); err != nil {
		return artnet.DNSZone{}, dnsError(err, apperr.CodeInternalDNSError)
	}
	if !ip {
		addrs, err := p.lookupHost(ctx, m)
		if err != nil || !slices.ContainsFunc(addrs, func(a string) bool {
			ip, err := netip.ParseAddr(a)
			return err == nil && usableMaster(ip)
		}) {
			return artnet.DNSZone{}, apperr.New(apperr.CodeUnresolveableMasterNameserver)
		}
	}
	now := p.now()
	z := store.Zone{CustomerID: customerID, Domain: d, Type: store.ZoneTypeSecondary, MasterNameserver: m,
		CreatedAt: now.Unix(), UpdatedAt: now.Unix()}
	if err := p.createZone(ctx, &z); err != nil {
		return artnet.DNSZone{}, err
	}
	return zoneToWire(z), nil
}

// normalizeMaster returns the stored form of a master name server and
// whether it is an IP address (in canonical form).
func normalizeMaster(s string) (string, bool, error) {
	s = strings.TrimSpace(s)
	if ip, err := netip.ParseAddr(strings.TrimSuffix(strings.TrimPrefix(s, "["), "]")); err == nil {
		ip = ip.Unmap()
		if ip.Zone() != "" || !usableMaster(ip) {
			return "", false, fmt.Errorf("%s cannot be a master name server", s)
		}
		return ip.String(), true, nil
	}
	h, err := NormalizeDomain(s)
	if err != nil {
		return "", false, err
	}
	return h, false, nil
}

// usableMaster reports whether zones may be transferred from ip.
func usableMaster(ip netip.Addr) bool {
	ip = ip.Unmap()
	return ip.IsValid() && !ip.IsUnspecified() && !ip.IsLoopback() && !ip.IsMulticast() &&
		!ip.IsLinkLocalUnicast() && !ip.IsLinkLocalMulticast() && !ip.IsInterfaceLocalMulticast()
}

// AllowDomain lets the customer host zones for domain and its subdomains
// without a domain service (an operator command; plain errors).
func (p *Panel) AllowDomain(ctx context.Context, customerID int64, domain string) error {
	d, err := NormalizeDomain(domain)
	if err != nil {
		return err
	}
	if err := p.Store.AllowanceAdd(ctx, customerID, d); err != nil {
		return fmt.Errorf("customer %d: allow %s: %w", customerID, d, err)
	}
	return nil
}

// DNSEditPrimaryRecords replaces all records of a primary zone
// (/dns/edit-primary-records), atomically and only when serial is the
// zone's current serial. Errors, and nothing changes on any of them:
// invalid-zone-id (missing zone, another customer's), invalid-zone-type (a
// secondary zone), incorrect-param-value (serial not a number, more than
// MaxZoneRecords records, or records breaking the rules of the package
// documentation: every bad record is named in the error's Details),
// incorrect-soa-serial (serial is not the current one: the zone changed
// since it was read). The new serial is NextZoneSerial.
func (p *Panel) DNSEditPrimaryRecords(ctx context.Context, customerID, zoneID int64, serial string, records []DNSRecordInput) error {
	var domain string
	err := p.Store.InTx(ctx, func(tx store.Store) error {
		z, err := zoneOfType(ctx, tx, customerID, zoneID, store.ZoneTypePrimary)
		if err != nil {
			return err
		}
		domain = z.Domain
		want, err := strconv.ParseInt(strings.TrimSpace(serial), 10, 64)
		if err != nil || want < 0 {
			return apperr.Errorf(apperr.CodeIncorrectParamValue, "serial: expected the zone's serial number")
		}
		recs, err := ValidateZoneRecords(z.Domain, records)
		if err != nil {
			return err
		}
		if want != z.Serial {
			return apperr.New(apperr.CodeIncorrectSOASerial)
		}
		now := p.now()
		err = tx.ZoneRecordsReplace(ctx, store.ZoneRecordsReplaceParams{
			CustomerID: customerID, ZoneID: zoneID, ExpectSerial: want,
			NewSerial: NextZoneSerial(z.Serial, now), Records: recs, UpdatedAt: now.Unix(),
		})
		switch {
		case errors.Is(err, store.ErrStale):
			return apperr.New(apperr.CodeIncorrectSOASerial)
		case errors.Is(err, store.ErrNotFound):
			return apperr.New(apperr.CodeInvalidZoneID)
		}
		return err
	})
	if err != nil {
		return dnsError(err, apperr.CodeInternalDNSError)
	}
	p.zonePublisher().ZoneChanged(ctx, domain)
	return nil
}

// parsedRecord is a record that passed the checks of its own fields.
type parsedRecord struct {
	pos   int
	key   string
	owner string // absolute, lower case, without the trailing dot
	typ   string
	// targets are the absolute host names in the data (lower case, no
	// trailing dot; "" for "."), by data field index.
	targets [4]string
	// identity is what makes two records the same record.
	identity string
	stored   store.ZoneRecord
}

// recordErrors collects the errors of records, one per record and field.
type recordErrors struct {
	list []apperr.ItemError
	seen map[[2]string]bool
}

func (e *recordErrors) add(key, field, format string, args ...any) {
	if e.seen == nil {
		e.seen = make(map[[2]string]bool)
	}
	if e.seen[[2]string{key, field}] {
		return
	}
	e.seen[[2]string{key, field}] = true
	e.list = append(e.list, apperr.ItemError{Index: key, Field: field, Message: fmt.Sprintf(format, args...)})
}

func (e *recordErrors) err(order map[string]int) error {
	if len(e.list) == 0 {
		return nil
	}
	fieldOrder := map[string]int{"": 0, "name": 1, "ttl": 2, "type": 3, "data1": 4, "data2": 5, "data3": 6, "data4": 7}
	slices.SortStableFunc(e.list, func(a, b apperr.ItemError) int {
		if d := order[a.Index] - order[b.Index]; d != 0 {
			return d
		}
		return fieldOrder[a.Field] - fieldOrder[b.Field]
	})
	first := e.list[0]
	detail := "record " + first.Index + ": "
	if first.Field != "" {
		detail += first.Field + ": "
	}
	detail += first.Message
	if n := len(e.list) - 1; n > 0 {
		detail += fmt.Sprintf(" (and %d more, see errors_details)", n)
	}
	return &apperr.Error{Code: apperr.CodeIncorrectParamValue, Detail: detail, Details: e.list}
}

// ValidateZoneRecords checks records for the zone of domain (stored form)
// and returns them as they are stored: type in upper case, the default TTL
// applied, numbers and IP addresses in canonical form, the CAA tag in lower
// case, names, host names and text as given (surrounding spaces removed,
// except from TXT text). Every broken rule is reported: the error is
// incorrect-param-value whose Details name each bad record (by Key) and
// field.
func ValidateZoneRecords(domain string, records []DNSRecordInput) ([]store.ZoneRecord, error) {
	if len(records) > MaxZoneRecords {
		return nil, apperr.Errorf(apperr.CodeIncorrectParamValue, "records: at most %d records in a zone", MaxZoneRecords)
	}
	var errs recordErrors
	order := make(map[string]int, len(records))
	parsed := make([]parsedRecord, 0, len(records))
	owners := make(map[string]int) // records by owner, invalid ones included
	prevOwner := ""
	for i, in := range records {
		key := in.Key
		if key == "" {
			key = strconv.Itoa(i)
		}
		if _, dup := order[key]; !dup {
			order[key] = i
		}
		pr, ok := parseRecord(domain, i, key, in, &prevOwner, &errs)
		if ok {
			parsed = append(parsed, pr)
		}
		if pr.owner != "" {
			owners[pr.owner]++
		}
	}
	checkZoneRules(domain, parsed, owners, &errs)
	if err := errs.err(order); err != nil {
		return nil, err
	}
	out := make([]store.ZoneRecord, len(parsed))
	for i, pr := range parsed {
		out[i] = pr.stored
	}
	return out, nil
}

// parseRecord checks the fields of one record. prevOwner carries the owner
// of the previous record for an empty name ("" when it is unknown).
func parseRecord(domain string, pos int, key string, in DNSRecordInput, prevOwner *string, errs *recordErrors) (parsedRecord, bool) {
	before := len(errs.list)
	pr := parsedRecord{pos: pos, key: key}
	typ := strings.ToUpper(strings.TrimSpace(in.Type))
	layout, known := DNSRecordLayoutOf(typ)
	if !known {
		errs.add(key, "type", "unknown record type %q (want one of %s)", in.Type, strings.Join(artnet.DNSRecordTypes, ", "))
	}
	pr.typ = typ

	// Name.
	name := strings.TrimSpace(in.Name)
	switch {
	case name == "" && pos == 0:
		errs.add(key, "name", "the first record must have a name (\"@\" for the zone itself)")
	case name == "":
		if *prevOwner == "" {
			errs.add(key, "name", "an empty name repeats the previous record's name, which is invalid")
		}
		pr.owner = *prevOwner
	default:
		owner, err := ownerName(domain, name)
		if err != nil {
			errs.add(key, "name", "%v", err)
		}
		pr.owner = owner
	}
	*prevOwner = pr.owner

	// TTL.
	ttl := int64(DefaultTTL)
	if in.TTL != nil {
		ttl = *in.TTL
		if ttl < MinTTL || ttl > MaxTTL {
			errs.add(key, "ttl", "must be between %d and %d seconds", MinTTL, MaxTTL)
		}
	}

	// Data.
	raw := [4]string{in.Data1, in.Data2, in.Data3, in.Data4}
	var data [4]string
	idParts := []string{pr.owner, typ}
	if known {
		for i, f := range layout.Data {
			field := "data" + strconv.Itoa(i+1)
			v := raw[i]
			if f.Kind != DNSDataText {
				v = strings.TrimSpace(v)
			}
			norm, target, err := checkData(domain, f, v, layout, raw)
			if err != nil {
				if f.Kind == DNSDataUnused {
					errs.add(key, field, "%v", err)
				} else {
					errs.add(key, field, "%s %s: %v", typ, f.Doc, err)
				}
				continue
			}
			data[i] = norm
			pr.targets[i] = target
			id := norm
			if f.Kind == DNSDataHost || f.Kind == DNSDataAlias {
				id = target
			}
			idParts = append(idParts, id)
		}
	}
	if typ == artnet.DNSRecordCNAME && pr.owner == domain {
		errs.add(key, "name", "a CNAME record is not allowed at the zone apex")
	}
	if typ == artnet.DNSRecordCNAME && pr.owner != "" && pr.targets[0] == pr.owner {
		errs.add(key, "data1", "target: the alias points to itself")
	}
	if typ == artnet.DNSRecordNS && pr.owner != "" {
		if pr.owner == domain {
			errs.add(key, "name", "NS records are allowed only below the zone apex (delegation of a subdomain); the zone's own name servers are set by the panel")
		} else if strings.HasPrefix(pr.owner, "*.") {
			errs.add(key, "name", "NS records cannot have a wildcard name")
		}
	}
	if len(errs.list) > before {
		return pr, false
	}
	pr.identity = strings.Join(idParts, "\x00")
	pr.stored = store.ZoneRecord{Name: name, TTL: ttl, Type: typ, Data1: data[0], Data2: data[1], Data3: data[2], Data4: data[3]}
	return pr, true
}

// ownerName returns the absolute owner name (lower case, no trailing dot)
// of a record name given for the zone of domain.
func ownerName(domain, name string) (string, error) {
	if name == "@" {
		return domain, nil
	}
	if strings.ContainsFunc(name, func(r rune) bool { return r >= utf8.RuneSelf }) {
		// Checked first: below, byte offsets of name and of its lower-case
		// form must agree.
		return "", fmt.Errorf("%q is not ASCII: give internationalised names in punycode (xn--...)", name)
	}
	var rel string
	if strings.HasSuffix(name, ".") {
		abs := strings.ToLower(strings.TrimSuffix(name, "."))
		switch {
		case abs == domain:
			return domain, nil
		case strings.HasSuffix(abs, "."+domain):
			rel = name[:len(abs)-len(domain)-1]
		default:
			return "", fmt.Errorf("%q is outside the zone %s", name, domain)
		}
	} else {
		rel = name
	}
	if err := checkLabels(strings.Split(rel, "."), true, true); err != nil {
		return "", fmt.Errorf("%q: %v", name, err)
	}
	abs := strings.ToLower(rel) + "." + domain
	if len(abs) > 253 {
		return "", fmt.Errorf("%q: the full name is longer than 253 characters", name)
	}
	return abs, nil
}

// targetName returns the absolute host name (lower case, no trailing dot)
// of a host name in a record's data: "@" is the apex, a name ending with a
// dot is absolute, any other is relative to the zone.
func targetName(domain, v string, underscore bool) (string, error) {
	if v == "" {
		return "", errors.New("missing")
	}
	if v == "@" {
		return domain, nil
	}
	if _, err := netip.ParseAddr(strings.TrimSuffix(v, ".")); err == nil {
		return "", fmt.Errorf("%q is an IP address; a host name is expected", v)
	}
	abs := strings.TrimSuffix(v, ".")
	if abs == v {
		abs = v + "." + domain
	}
	if err := checkLabels(strings.Split(strings.TrimSuffix(v, "."), "."), underscore, false); err != nil {
		return "", fmt.Errorf("%q: %v", v, err)
	}
	if len(abs) > 253 {
		return "", fmt.Errorf("%q: the full name is longer than 253 characters", v)
	}
	return strings.ToLower(abs), nil
}

// checkData checks one data field and returns its stored form and, for a
// host name, the absolute name.
func checkData(domain string, f DNSDataField, v string, layout DNSRecordLayout, raw [4]string) (string, string, error) {
	switch f.Kind {
	case DNSDataUnused:
		if v != "" {
			return "", "", fmt.Errorf("not used by %s records; leave it empty", layout.Type)
		}
		return "", "", nil
	case DNSDataIPv4:
		ip, err := netip.ParseAddr(v)
		if err != nil || !ip.Is4() {
			return "", "", fmt.Errorf("%q is not an IPv4 address", v)
		}
		return ip.String(), "", nil
	case DNSDataIPv6:
		ip, err := netip.ParseAddr(v)
		if err != nil || !ip.Is6() || ip.Zone() != "" {
			return "", "", fmt.Errorf("%q is not an IPv6 address", v)
		}
		return ip.String(), "", nil
	case DNSDataHost, DNSDataAlias:
		if v == "." && f.NullTarget {
			return ".", "", nil
		}
		t, err := targetName(domain, v, f.Kind == DNSDataAlias)
		if err != nil {
			return "", "", err
		}
		return v, t, nil
	case DNSDataUint16, DNSDataUint8:
		bits := 16
		if f.Kind == DNSDataUint8 {
			bits = 8
		}
		n, err := strconv.ParseUint(v, 10, bits)
		if err != nil {
			return "", "", fmt.Errorf("%q is not a number from 0 to %d", v, 1<<bits-1)
		}
		return strconv.FormatUint(n, 10), "", nil
	case DNSDataText:
		if v == "" {
			return "", "", errors.New("missing")
		}
		if len(v) > MaxTXTLength {
			return "", "", fmt.Errorf("longer than %d bytes", MaxTXTLength)
		}
		if !utf8.ValidString(v) {
			return "", "", errors.New("not valid UTF-8")
		}
		if strings.ContainsFunc(v, func(r rune) bool { return r < ' ' || r == 0x7f }) {
			return "", "", errors.New("control characters (line breaks, tabs) are not allowed")
		}
		return v, "", nil
	case DNSDataCAATag:
		t := strings.ToLower(v)
		if t != "issue" && t != "issuewild" && t != "iodef" {
			return "", "", fmt.Errorf("%q: want issue, issuewild or iodef", v)
		}
		return t, "", nil
	case DNSDataCAAValue:
		if len(v) > MaxCAAValueLength {
			return "", "", fmt.Errorf("longer than %d bytes", MaxCAAValueLength)
		}
		if strings.ContainsFunc(v, func(r rune) bool { return r < ' ' || r > '~' }) {
			return "", "", errors.New("only printable ASCII characters are allowed")
		}
		if strings.ToLower(strings.TrimSpace(raw[1])) == "iodef" {
			u, err := url.Parse(v)
			if err != nil || (u.Scheme != "mailto" && u.Scheme != "http" && u.Scheme != "https") || (u.Opaque == "" && u.Host == "") {
				return "", "", fmt.Errorf("%q: iodef wants a mailto:, http: or https: URL", v)
			}
		}
		return v, "", nil
	}
	return "", "", fmt.Errorf("unknown field kind %d", f.Kind)
}

// checkZoneRules checks the rules between records: CNAME alone at its
// name, MX/SRV/NS targets that are no aliases in the zone, no duplicates,
// nothing but glue at or below a delegation, and an A or AAAA record for
// every name server inside the zone (the glue of one inside its
// delegation).
//
// owners counts the records of each owner name, including records whose
// own fields are invalid (a CNAME beside them is wrong all the same).
func checkZoneRules(domain string, recs []parsedRecord, owners map[string]int, errs *recordErrors) {
	cnames := make(map[string]bool)
	cuts := make(map[string]bool)
	addrs := make(map[string]bool) // names owning A or AAAA
	seen := make(map[string]string)
	for _, r := range recs {
		switch r.typ {
		case artnet.DNSRecordCNAME:
			cnames[r.owner] = true
		case artnet.DNSRecordNS:
			cuts[r.owner] = true
		case artnet.DNSRecordA, artnet.DNSRecordAAAA:
			addrs[r.owner] = true
		}
		if first, dup := seen[r.identity]; dup {
			errs.add(r.key, "", "duplicate of record %s", first)
		} else {
			seen[r.identity] = r.key
		}
	}
	// cutOf returns the delegation point name is at or below (the one
	// nearest the apex: it hides any below it), or "".
	cutOf := func(name string) string {
		cut := ""
		for n := name; len(n) > len(domain); {
			if cuts[n] {
				cut = n
			}
			i := strings.IndexByte(n, '.')
			if i < 0 {
				break
			}
			n = n[i+1:]
		}
		return cut
	}
	for _, r := range recs {
		if r.typ == artnet.DNSRecordCNAME && owners[r.owner] > 1 {
			errs.add(r.key, "type", "a CNAME record must be the only record of its name (%s has others)", r.owner)
		}
		for i, t := range r.targets {
			if t == "" || r.typ == artnet.DNSRecordCNAME {
				continue
			}
			if cnames[t] {
				errs.add(r.key, "data"+strconv.Itoa(i+1), "%s is an alias (CNAME) in this zone; point %s records at the real name", t, r.typ)
			}
		}
		if cut := cutOf(r.owner); cut != "" {
			switch {
			case r.owner == cut && (r.typ == artnet.DNSRecordNS || r.typ == artnet.DNSRecordA || r.typ == artnet.DNSRecordAAAA || r.typ == artnet.DNSRecordCNAME):
			case r.owner != cut && (r.typ == artnet.DNSRecordA || r.typ == artnet.DNSRecordAAAA):
			case r.owner != cut && r.typ == artnet.DNSRecordNS:
				errs.add(r.key, "name", "%s is inside the delegated subdomain %s; its NS records would never be served", r.owner, cut)
			default:
				errs.add(r.key, "name", "%s is delegated (NS records of %s); only the NS records and glue A/AAAA records may be given there", r.owner, cut)
			}
		}
		if ns := r.targets[0]; r.typ == artnet.DNSRecordNS && !addrs[ns] {
			switch {
			case ns == r.owner || strings.HasSuffix(ns, "."+r.owner):
				errs.add(r.key, "data1", "name server %s is inside the delegated subdomain: add its glue A or AAAA record", ns)
			case ns == domain || strings.HasSuffix(ns, "."+domain):
				errs.add(r.key, "data1", "name server %s is in this zone but has no A or AAAA record", ns)
			}
		}
	}
}

// ServedRecord is a stored record in the absolute form a name server
// needs (ServedRecords).
type ServedRecord struct {
	// Owner is the fully qualified owner name, lower case, with the
	// trailing dot.
	Owner string
	TTL   uint32
	Type  string
	// Data are data1..data4 as stored, except that host names are fully
	// qualified, lower case, with the trailing dot ("." stays ".").
	Data [4]string
}

// ServedRecords resolves the stored records of the zone of domain (stored
// form) into absolute names: "@" and empty names, relative names and
// relative targets are completed with the domain. It fails on a record
// that would not pass ValidateZoneRecords' own-field checks today.
func ServedRecords(domain string, recs []store.ZoneRecord) ([]ServedRecord, error) {
	out := make([]ServedRecord, len(recs))
	prev := ""
	for i, r := range recs {
		owner := prev
		if r.Name != "" {
			o, err := ownerName(domain, r.Name)
			if err != nil {
				return nil, fmt.Errorf("zone %s record %d: name: %w", domain, i, err)
			}
			owner = o
		}
		if owner == "" {
			return nil, fmt.Errorf("zone %s record %d: no name", domain, i)
		}
		prev = owner
		layout, ok := DNSRecordLayoutOf(r.Type)
		if !ok {
			return nil, fmt.Errorf("zone %s record %d: unknown type %q", domain, i, r.Type)
		}
		if r.TTL < 0 || r.TTL > 1<<31-1 {
			return nil, fmt.Errorf("zone %s record %d: ttl %d", domain, i, r.TTL)
		}
		s := ServedRecord{Owner: owner + ".", TTL: uint32(r.TTL), Type: r.Type,
			Data: [4]string{r.Data1, r.Data2, r.Data3, r.Data4}}
		for j, f := range layout.Data {
			if (f.Kind != DNSDataHost && f.Kind != DNSDataAlias) || (f.NullTarget && s.Data[j] == ".") {
				continue
			}
			t, err := targetName(domain, s.Data[j], f.Kind == DNSDataAlias)
			if err != nil {
				return nil, fmt.Errorf("zone %s record %d: data%d: %w", domain, i, j+1, err)
			}
			s.Data[j] = t + "."
		}
		out[i] = s
	}
	return out, nil
}

// SplitTXT splits TXT text into the character-strings of the wire, of at
// most 255 bytes each (a multi-byte UTF-8 character may be cut between
// two; resolvers join the strings back).
func SplitTXT(text string) []string {
	var out []string
	for len(text) > 255 {
		out = append(out, text[:255])
		text = text[255:]
	}
	return append(out, text)
}
