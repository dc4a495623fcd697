package web

import (
	"net/netip"
	"net/url"
	"slices"
	"strconv"

	"github.com/artnet-panel/artnet-panel/artnet"
	"github.com/artnet-panel/artnet-panel/internal/panel"
)

// Pure helpers of the DNS and reverse DNS pages (page_dns.go,
// page_revdns.go): they turn one change a person makes in a form into the
// parameters of the command that carries it.

// explicitNames returns a copy of recs with every empty name (the
// previous record's name, as /dns/details-primary may give it) replaced
// by the name it stands for, so a record can be removed, moved or edited
// without changing the owner of the record after it.
func explicitNames(recs []artnet.DNSRecord) []artnet.DNSRecord {
	out := slices.Clone(recs)
	prev := ""
	for i := range out {
		if out[i].Name == "" {
			out[i].Name = prev
		}
		prev = out[i].Name
	}
	return out
}

// recordChange is one change of a zone's records made on a page: index <
// 0 adds rec at the end, delete removes the record at index, otherwise rec
// replaces the record at index.
type recordChange struct {
	index  int
	delete bool
	rec    artnet.DNSRecord
}

// applyRecordChange returns the zone's records after c (recs as read with
// the serial the form carried) and false when c names a record that does
// not exist.
func applyRecordChange(recs []artnet.DNSRecord, c recordChange) ([]artnet.DNSRecord, bool) {
	out := explicitNames(recs)
	switch {
	case c.index < 0:
		return append(out, c.rec), true
	case c.index >= len(out):
		return nil, false
	case c.delete:
		return slices.Delete(out, c.index, c.index+1), true
	default:
		out[c.index] = c.rec
		return out, true
	}
}

// recordsValues returns the parameters of /dns/edit-primary-records for
// the zone's new records (records[N][...], N the position). A TTL of 0 is
// not sent (the command's default applies).
func recordsValues(zoneID int64, serial string, recs []artnet.DNSRecord) url.Values {
	v := url.Values{}
	v.Set("zone_id", strconv.FormatInt(zoneID, 10))
	v.Set("serial", serial)
	for i, r := range recs {
		p := "records[" + strconv.Itoa(i) + "]"
		v.Set(p+"[name]", r.Name)
		if r.TTL != 0 {
			v.Set(p+"[ttl]", strconv.FormatInt(r.TTL, 10))
		}
		v.Set(p+"[type]", r.Type)
		v.Set(p+"[data1]", r.Data1)
		for j, d := range []string{r.Data2, r.Data3, r.Data4} {
			if d != "" {
				v.Set(p+"[data"+strconv.Itoa(j+2)+"]", d)
			}
		}
	}
	return v
}

// dnsRecordLayout returns the data fields a record type uses (data1..dataN,
// by their index 0..3) with their kind; an unknown type uses data1 only.
func dnsRecordLayout(typ string) []dataField {
	l, ok := panel.DNSRecordLayoutOf(typ)
	if !ok {
		return []dataField{{Index: 0}}
	}
	var out []dataField
	for i, f := range l.Data {
		if f.Kind == panel.DNSDataUnused {
			continue
		}
		out = append(out, dataField{Index: i, Kind: f.Kind, Doc: f.Doc})
	}
	return out
}

// dataField is one data field of a record type.
type dataField struct {
	Index int // 0..3: data1..data4
	Kind  panel.DNSDataKind
	Doc   string // the panel's English name of the field ("priority")
}

// subclassAddresses returns the addresses of a reverse-DNS subclass the
// customer may give a PTR record (its subnetwork within the subclass), in
// order, when there are at most max of them; nil otherwise (a large IPv6
// subnetwork: the page lists the records and lets the customer name an
// address).
func subclassAddresses(sc panel.RevDNSSubclass, max int) []netip.Addr {
	p := sc.Subnet
	if sc.Range.Bits() > p.Bits() {
		p = sc.Range
	}
	if p.Addr().BitLen()-p.Bits() > 16 {
		return nil
	}
	n := 1 << (p.Addr().BitLen() - p.Bits())
	if n > max {
		return nil
	}
	out := make([]netip.Addr, 0, n)
	for a := p.Masked().Addr(); p.Contains(a) && len(out) < n; a = a.Next() {
		out = append(out, a)
	}
	return out
}
