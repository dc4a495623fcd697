package inventory

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/artnet-panel/artnet-panel/artnet"
	"github.com/artnet-panel/artnet-panel/internal/panel"
	"github.com/artnet-panel/artnet-panel/internal/store"
)

// Reverse DNS of a customer entry.
//
// rev_dns lists the customer's configured subclasses, each as
// /rev-dns/details shows its subclass_details, with the subnetwork id and
// the subclass name (a dns_subclasses element of /rev-dns/list):
//
//	{"subnetwork_id": 504, "dns_subclass": "123.123.123", "serial": 2025010101,
//	 "type": "IPv4", "prefix": "123.123.123",
//	 "ptr_records": [{"origin": "124", "ptr": "mail.acme.test", "address": "123.123.123.124"}]}
//
// type, prefix and each record's address are derived from the subnetwork:
// export writes them, import accepts and ignores them. On import the
// subnetwork must be one of that customer's subnetworks (in the details of
// its services, imported first in the same transaction), the subclass one
// of the subnetwork's (any spelling /rev-dns/details accepts), each origin
// inside the subnetwork and each ptr a host name (stored normalised), as
// /rev-dns/edit requires; a subclass without serial gets today's
// YYYYMMDD01. Export writes every stored subclass of the customer's
// current subnetworks (a subclass never written has no state and is left
// out) with its records inside the subnetwork, in subnetwork and address
// order; records left behind by a subnetwork that was taken away or shrunk
// are not served and not exported. The SOA serials of the reverse zones are
// not in the file: after an import each is at least the highest serial of
// its subclasses.

// RevDNSSubclass is one subclass of a customer entry's rev_dns.
type RevDNSSubclass struct {
	SubnetworkID int64  `json:"subnetwork_id"`
	DNSSubclass  string `json:"dns_subclass"`
	Serial       int64  `json:"serial"`
	// Type and Prefix are written by export and ignored by import.
	Type   string `json:"type,omitempty"`
	Prefix string `json:"prefix,omitempty"`
	// PTRRecords: Address is written by export and ignored by import.
	PTRRecords []artnet.PTRRecord `json:"ptr_records"`
}

// customerSubclasses returns the subclasses of the customer's
// subnetworks (as /rev-dns/list derives them), keyed by subnetwork id, and
// the subnetwork ids in order.
func customerSubclasses(ctx context.Context, st store.Store, customerID int64) (map[int64][]panel.RevDNSSubclass, []int64, error) {
	list, err := (&panel.Panel{Store: st}).RevDNSList(ctx, customerID)
	if err != nil {
		return nil, nil, fmt.Errorf("subnetworks of customer %d: %w", customerID, err)
	}
	out := make(map[int64][]panel.RevDNSSubclass, len(list))
	ids := make([]int64, 0, len(list))
	for _, sn := range list {
		subs, _ := panel.RevDNSSubclasses(artnet.Subnetwork{ID: sn.ID, IP: sn.IP, Mask: sn.Mask, MaskShort: sn.MaskShort, Type: sn.Type})
		out[sn.ID] = subs
		ids = append(ids, sn.ID)
	}
	return out, ids, nil
}

// importRevDNS validates the customer's rev_dns entries (at path p)
// against its services, already written in tx, and stores them.
func importRevDNS(ctx context.Context, tx store.Store, p string, customerID int64, entries []RevDNSSubclass, now time.Time) error {
	if len(entries) == 0 {
		return nil
	}
	subsOf, _, err := customerSubclasses(ctx, tx, customerID)
	if err != nil {
		return fmt.Errorf("%s: %w", p, err)
	}
	type key struct {
		subnetwork int64
		subclass   string
	}
	seen := make(map[key]string, len(entries))
	for i, e := range entries {
		ep := fmt.Sprintf("%s[%d]", p, i)
		subs, ok := subsOf[e.SubnetworkID]
		if !ok || e.SubnetworkID == 0 {
			return pathError(ep+".subnetwork_id", "subnetwork %d is not in the details of this customer's services", e.SubnetworkID)
		}
		name := strings.TrimSpace(e.DNSSubclass)
		asPrefix, perr := netip.ParsePrefix(name)
		n := slices.IndexFunc(subs, func(sc panel.RevDNSSubclass) bool {
			return sc.Name == name || (perr == nil && asPrefix == sc.Range)
		})
		if n < 0 {
			return pathError(ep+".dns_subclass", "%q is not one of the dns_subclasses of subnetwork %d", e.DNSSubclass, e.SubnetworkID)
		}
		sc := subs[n]
		k := key{e.SubnetworkID, sc.Name}
		if first, dup := seen[k]; dup {
			return pathError(ep+".dns_subclass", "subclass %s of subnetwork %d is also at %s", sc.Name, e.SubnetworkID, first)
		}
		seen[k] = ep
		serial := e.Serial
		switch {
		case serial < 0 || serial > math.MaxUint32:
			return pathError(ep+".serial", "must be between 0 and %d", uint32(math.MaxUint32))
		case serial == 0:
			serial = panel.NewZoneSerial(now)
		}
		if len(e.PTRRecords) > panel.MaxSubclassPTRs {
			return pathError(ep+".ptr_records", "a subclass holds at most %d PTR records", panel.MaxSubclassPTRs)
		}
		recs := make([]store.PTRRecord, 0, len(e.PTRRecords))
		at := make(map[string]int, len(e.PTRRecords))
		for j, r := range e.PTRRecords {
			rp := fmt.Sprintf("%s.ptr_records[%d]", ep, j)
			a, err := sc.Address(r.Origin)
			if err != nil {
				return pathError(rp+".origin", "%v", err)
			}
			addr := a.String()
			if !sc.Editable(a) {
				return pathError(rp+".origin", "%s is outside the subnetwork %s", addr, sc.Subnet)
			}
			if first, dup := at[addr]; dup {
				return pathError(rp+".origin", "%s is also at %s.ptr_records[%d]", addr, ep, first)
			}
			at[addr] = j
			if strings.TrimSpace(r.PTR) == "" {
				return pathError(rp+".ptr", "missing")
			}
			ptr, err := panel.NormalizeDomain(r.PTR)
			if err != nil {
				return pathError(rp+".ptr", "%v", err)
			}
			recs = append(recs, store.PTRRecord{Address: addr, PTR: ptr})
		}
		err := tx.PTRReplace(ctx, store.PTRReplaceParams{
			CustomerID: customerID, SubnetworkID: e.SubnetworkID, Subclass: sc.Name, Zone: sc.Zone,
			ExpectSerial: 0, NewSerial: serial, UpdatedAt: now.Unix(), Records: recs,
		})
		if err != nil {
			return fmt.Errorf("%s: %w", ep, err)
		}
	}
	return nil
}

// exportRevDNS reads the customer's stored subclasses (see above).
func exportRevDNS(ctx context.Context, s store.Store, customerID int64) ([]RevDNSSubclass, error) {
	subsOf, ids, err := customerSubclasses(ctx, s, customerID)
	if err != nil {
		return nil, err
	}
	out := []RevDNSSubclass{}
	for _, id := range ids {
		for _, sc := range subsOf[id] {
			cur, err := s.PTRSubclassGet(ctx, customerID, id, sc.Name)
			if errors.Is(err, store.ErrNotFound) {
				continue
			}
			if err != nil {
				return nil, fmt.Errorf("subclass %s of subnetwork %d of customer %d: %w", sc.Name, id, customerID, err)
			}
			recs, err := s.PTRList(ctx, customerID, id, sc.Name)
			if err != nil {
				return nil, fmt.Errorf("PTR records of subclass %s of subnetwork %d of customer %d: %w", sc.Name, id, customerID, err)
			}
			var addrs []netip.Addr
			ptrOf := make(map[netip.Addr]string, len(recs))
			for _, r := range recs {
				if a, err := netip.ParseAddr(r.Address); err == nil && sc.Editable(a) {
					addrs = append(addrs, a)
					ptrOf[a] = r.PTR
				}
			}
			slices.SortFunc(addrs, netip.Addr.Compare)
			e := RevDNSSubclass{SubnetworkID: id, DNSSubclass: sc.Name, Serial: cur.Serial, Type: sc.Type(),
				Prefix: sc.Prefix, PTRRecords: make([]artnet.PTRRecord, len(addrs))}
			for k, a := range addrs {
				e.PTRRecords[k] = artnet.PTRRecord{Origin: sc.Origin(a), PTR: ptrOf[a], Address: a.String()}
			}
			out = append(out, e)
		}
	}
	return out, nil
}
