// Package zonesync keeps the authoritative DNS server's snapshot in step
// with the zones in the database. It implements panel.ZonePublisher: after
// every committed change the panel tells it the zone's name, it reloads that
// zone from the store, installs a new snapshot (answered by the very next
// query) and sends NOTIFY to the configured secondaries.
//
// SOA and apex NS records are not stored with the zones: they are built
// here from the zone's serial and the configured name servers and SOA
// fields.
package zonesync

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"sync"

	"github.com/miekg/dns"

	"github.com/artnet-panel/artnet-panel/artnet"
	"github.com/artnet-panel/artnet-panel/internal/dnsd"
	"github.com/artnet-panel/artnet-panel/internal/panel"
	"github.com/artnet-panel/artnet-panel/internal/store"
)

// SOA holds the SOA fields of every hosted zone except the serial.
type SOA struct {
	MName   string // primary name server, e.g. "ns1.artnet.pl"
	RName   string // responsible mailbox in DNS form, e.g. "hostmaster.artnet.pl"
	TTL     uint32
	Refresh uint32
	Retry   uint32
	Expire  uint32
	Minimum uint32 // negative-caching TTL (RFC 2308)
}

// DefaultSOA returns the SOA fields used when the operator sets none.
func DefaultSOA() SOA {
	return SOA{MName: "ns1.artnet.pl", RName: "hostmaster.artnet.pl", TTL: 3600,
		Refresh: 3600, Retry: 900, Expire: 1209600, Minimum: 3600}
}

// Syncer builds snapshots for a dnsd.Server from the store.
type Syncer struct {
	Store       store.Store
	Server      *dnsd.Server
	Nameservers []string // apex NS of every zone (default panel.DefaultNameservers)
	SOA         SOA
	// NotifyTargets are the secondaries ("host:port") told about every
	// change of a zone.
	NotifyTargets []string
	Logger        *slog.Logger

	mu sync.Mutex // serialises snapshot updates
}

var _ panel.ZonePublisher = (*Syncer)(nil)

// Load reads every zone from the store and installs the snapshot.
func (s *Syncer) Load(ctx context.Context) error {
	all, err := s.Store.ZonesAll(ctx)
	if err != nil {
		return fmt.Errorf("load zones: %w", err)
	}
	zones := make([]dnsd.Zone, 0, len(all))
	for _, z := range all {
		dz, ok, err := s.build(z.Zone, z.Records)
		if err != nil {
			// One broken zone must not take every other zone down.
			s.logger().Error("zone not served", "zone", z.Domain, "err", err)
			continue
		}
		if ok {
			zones = append(zones, dz)
		}
	}
	snap, err := dnsd.NewSnapshot(zones)
	if err != nil {
		return fmt.Errorf("build snapshot: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.Server.SetSnapshot(snap)
	return nil
}

// ZoneChanged reloads the zone of domain (stored form, e.g. "example.com")
// and installs a new snapshot in which only that zone is rebuilt; a zone
// that no longer exists stops being served. Then it sends NOTIFY to the
// secondaries in the background.
func (s *Syncer) ZoneChanged(ctx context.Context, domain string) {
	origin := dns.Fqdn(strings.ToLower(domain))
	dz, serial, ok, err := s.loadZone(ctx, domain)
	if err != nil {
		s.logger().Error("reload zone", "zone", domain, "err", err)
		return
	}
	s.mu.Lock()
	snap := s.Server.Snapshot()
	if snap == nil {
		snap = dnsd.EmptySnapshot()
	}
	if ok {
		snap, err = snap.WithZone(dz)
	} else {
		snap = snap.WithoutZone(origin)
	}
	if err == nil {
		s.Server.SetSnapshot(snap)
	}
	s.mu.Unlock()
	if err != nil {
		s.logger().Error("install snapshot", "zone", domain, "err", err)
		return
	}
	if ok && len(s.NotifyTargets) > 0 {
		go func() {
			nctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), dnsNotifyTimeout)
			defer cancel()
			if err := dnsd.Notify(nctx, origin, serial, s.NotifyTargets); err != nil {
				s.logger().Warn("notify secondaries", "zone", origin, "err", err)
			}
		}()
	}
}

const dnsNotifyTimeout = 30e9 // 30 s

// loadZone reads one zone and its records from the store.
func (s *Syncer) loadZone(ctx context.Context, domain string) (dnsd.Zone, uint32, bool, error) {
	z, err := s.Store.ZoneByDomain(ctx, domain)
	if errors.Is(err, store.ErrNotFound) {
		return dnsd.Zone{}, 0, false, nil
	}
	if err != nil {
		return dnsd.Zone{}, 0, false, err
	}
	recs, err := s.Store.ZoneRecords(ctx, z.CustomerID, z.ID)
	if err != nil {
		return dnsd.Zone{}, 0, false, err
	}
	dz, ok, err := s.build(z, recs)
	return dz, uint32(z.Serial), ok, err
}

// build converts a stored zone to the records the server answers from.
// Secondary zones are not built here (they are served from their
// transferred content); ok is false for them.
func (s *Syncer) build(z store.Zone, recs []store.ZoneRecord) (dnsd.Zone, bool, error) {
	if z.Type != store.ZoneTypePrimary {
		return dnsd.Zone{}, false, nil
	}
	origin := dns.Fqdn(strings.ToLower(z.Domain))
	served, err := panel.ServedRecords(z.Domain, recs)
	if err != nil {
		return dnsd.Zone{}, false, err
	}
	soa := s.SOA
	if soa.MName == "" {
		soa = DefaultSOA()
	}
	rrs := make([]dns.RR, 0, len(served)+3)
	rrs = append(rrs, &dns.SOA{
		Hdr: dns.RR_Header{Name: origin, Rrtype: dns.TypeSOA, Class: dns.ClassINET, Ttl: soa.TTL},
		Ns:  dns.Fqdn(soa.MName), Mbox: dns.Fqdn(soa.RName), Serial: uint32(z.Serial),
		Refresh: soa.Refresh, Retry: soa.Retry, Expire: soa.Expire, Minttl: soa.Minimum,
	})
	nameservers := s.Nameservers
	if len(nameservers) == 0 {
		nameservers = panel.DefaultNameservers
	}
	for _, ns := range nameservers {
		rrs = append(rrs, &dns.NS{Hdr: dns.RR_Header{Name: origin, Rrtype: dns.TypeNS, Class: dns.ClassINET, Ttl: soa.TTL}, Ns: dns.Fqdn(ns)})
	}
	for i, r := range served {
		rr, err := toRR(r)
		if err != nil {
			return dnsd.Zone{}, false, fmt.Errorf("zone %s record %d: %w", z.Domain, i, err)
		}
		rrs = append(rrs, rr)
	}
	return dnsd.Zone{Origin: origin, Records: rrs}, true, nil
}

// toRR converts one served record (absolute names) to a miekg/dns RR, per
// the data1..data4 layout of panel.DNSRecordLayouts.
func toRR(r panel.ServedRecord) (dns.RR, error) {
	hdr := dns.RR_Header{Name: r.Owner, Class: dns.ClassINET, Ttl: r.TTL}
	num := func(i, bits int) (uint64, error) { return strconv.ParseUint(r.Data[i], 10, bits) }
	switch r.Type {
	case artnet.DNSRecordA:
		ip := net.ParseIP(r.Data[0]).To4()
		if ip == nil {
			return nil, fmt.Errorf("bad IPv4 address %q", r.Data[0])
		}
		hdr.Rrtype = dns.TypeA
		return &dns.A{Hdr: hdr, A: ip}, nil
	case artnet.DNSRecordAAAA:
		ip := net.ParseIP(r.Data[0])
		if ip == nil || ip.To4() != nil {
			return nil, fmt.Errorf("bad IPv6 address %q", r.Data[0])
		}
		hdr.Rrtype = dns.TypeAAAA
		return &dns.AAAA{Hdr: hdr, AAAA: ip}, nil
	case artnet.DNSRecordCNAME:
		hdr.Rrtype = dns.TypeCNAME
		return &dns.CNAME{Hdr: hdr, Target: r.Data[0]}, nil
	case artnet.DNSRecordNS:
		hdr.Rrtype = dns.TypeNS
		return &dns.NS{Hdr: hdr, Ns: r.Data[0]}, nil
	case artnet.DNSRecordMX:
		pref, err := num(0, 16)
		if err != nil {
			return nil, fmt.Errorf("bad MX priority %q", r.Data[0])
		}
		hdr.Rrtype = dns.TypeMX
		return &dns.MX{Hdr: hdr, Preference: uint16(pref), Mx: r.Data[1]}, nil
	case artnet.DNSRecordTXT:
		hdr.Rrtype = dns.TypeTXT
		return &dns.TXT{Hdr: hdr, Txt: panel.SplitTXT(r.Data[0])}, nil
	case artnet.DNSRecordSRV:
		var v [3]uint64
		for i := range v {
			n, err := num(i, 16)
			if err != nil {
				return nil, fmt.Errorf("bad SRV data%d %q", i+1, r.Data[i])
			}
			v[i] = n
		}
		hdr.Rrtype = dns.TypeSRV
		return &dns.SRV{Hdr: hdr, Priority: uint16(v[0]), Weight: uint16(v[1]), Port: uint16(v[2]), Target: r.Data[3]}, nil
	case artnet.DNSRecordCAA:
		flags, err := num(0, 8)
		if err != nil {
			return nil, fmt.Errorf("bad CAA flags %q", r.Data[0])
		}
		hdr.Rrtype = dns.TypeCAA
		return &dns.CAA{Hdr: hdr, Flag: uint8(flags), Tag: r.Data[1], Value: r.Data[2]}, nil
	}
	return nil, fmt.Errorf("unsupported type %q", r.Type)
}

func (s *Syncer) logger() *slog.Logger {
	if s.Logger == nil {
		return slog.Default()
	}
	return s.Logger
}
