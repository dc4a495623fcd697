// Package zonesync keeps the authoritative DNS server's snapshot in step
// with the zones in the database. It implements panel.ZonePublisher: after
// every committed change the panel tells it the zone's name, it reloads that
// zone from the store, installs a new snapshot (answered by the very next
// query) and sends NOTIFY to the configured secondaries.
//
// Changes made through other nodes (other artnetd processes on the same
// database) reach this one through the store's change log: a Syncer is the
// changefeed.Handler of store.ChangeDNS. Only the node that made a change
// sends NOTIFY.
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
	"strings"
	"sync"

	"github.com/miekg/dns"

	"github.com/artnet-panel/artnet-panel/internal/dnsd"
	"github.com/artnet-panel/artnet-panel/internal/panel"
	"github.com/artnet-panel/artnet-panel/internal/store"
	"github.com/artnet-panel/artnet-panel/internal/zonefile"
)

// SOA holds the SOA fields of every hosted zone except the serial.
type SOA = zonefile.SOA

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
	// Secondary, when set, gives the served form of a secondary zone (its
	// transferred content); ok is false while it has none or has expired.
	// Nil: secondary zones are not served.
	Secondary func(ctx context.Context, z store.Zone) (zone dnsd.Zone, ok bool, err error)

	mu sync.Mutex // serialises snapshot updates

	// The NOTIFY senders (notify), stopped by Close.
	notifyMu   sync.Mutex
	notifying  sync.WaitGroup
	notifyStop chan struct{} // closed by Close
}

var _ panel.ZonePublisher = (*Syncer)(nil)

// Load reads every zone from the store and installs the snapshot. A node
// following other nodes' changes starts its change feed before Load
// (changefeed.Feed.Start), so that a change committed during Load is
// applied once more, never missed.
func (s *Syncer) Load(ctx context.Context) error {
	all, err := s.Store.ZonesAll(ctx)
	if err != nil {
		return fmt.Errorf("load zones: %w", err)
	}
	zones := make([]dnsd.Zone, 0, len(all))
	for _, z := range all {
		dz, ok, err := s.build(ctx, z.Zone, z.Records)
		if err != nil {
			// One broken zone must not take every other zone down.
			s.logger().Error("zone not served", "zone", z.Domain, "err", err)
			continue
		}
		if ok {
			zones = append(zones, dz)
		}
	}
	reverse, err := s.Store.PTRsAll(ctx)
	if err != nil {
		return fmt.Errorf("load reverse zones: %w", err)
	}
	served, err := panel.RevDNSServable(ctx, s.Store, reverse)
	if err != nil {
		return fmt.Errorf("load reverse zones: %w", err)
	}
	for _, rz := range served {
		zones = append(zones, s.buildReverse(rz))
	}
	snap, err := dnsd.NewSnapshot(zones)
	if err != nil {
		return fmt.Errorf("build snapshot: %w", err)
	}
	s.mu.Lock()
	s.Server.SetSnapshot(snap)
	s.mu.Unlock()
	return nil
}

// ZoneChanged reloads the zone of domain (stored form, e.g. "example.com")
// and installs a new snapshot in which only that zone is rebuilt; a zone
// that no longer exists stops being served. Then it sends NOTIFY to the
// secondaries in the background.
func (s *Syncer) ZoneChanged(ctx context.Context, domain string) {
	s.reload(ctx, domain, true)
}

// reload installs the current state of the zone domain and, when notify is
// set, sends NOTIFY to the secondaries (only the node that made the change
// does).
func (s *Syncer) reload(ctx context.Context, domain string, notify bool) {
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
	if notify && ok && len(s.NotifyTargets) > 0 {
		s.notify(origin, serial)
	}
}

// notify tells the secondaries about the zone's new serial in the
// background (the change has committed; a caller that hangs up does not
// cut it short) until Close.
func (s *Syncer) notify(origin string, serial uint32) {
	s.notifyMu.Lock()
	defer s.notifyMu.Unlock()
	if s.notifyStop == nil {
		s.notifyStop = make(chan struct{})
	}
	stop := s.notifyStop
	select {
	case <-stop:
		return // closed
	default:
	}
	s.notifying.Go(func() {
		nctx, cancel := context.WithTimeout(context.Background(), dnsNotifyTimeout)
		defer cancel()
		go func() {
			select {
			case <-stop:
				cancel()
			case <-nctx.Done():
			}
		}()
		if err := dnsd.Notify(nctx, origin, serial, s.NotifyTargets); err != nil && nctx.Err() == nil {
			s.logger().Warn("notify secondaries", "zone", origin, "err", err)
		}
	})
}

// Close stops the NOTIFY senders and waits for them; later changes send
// none.
func (s *Syncer) Close() {
	s.notifyMu.Lock()
	if s.notifyStop == nil {
		s.notifyStop = make(chan struct{})
	}
	select {
	case <-s.notifyStop:
	default:
		close(s.notifyStop)
	}
	s.notifyMu.Unlock()
	s.notifying.Wait()
}

const dnsNotifyTimeout = 30e9 // 30 s

// Changes implements changefeed.Handler for store.ChangeDNS: it reloads
// every zone named, once each, without sending NOTIFY (the node that made
// the change did).
func (s *Syncer) Changes(ctx context.Context, changes []store.Change) {
	seen := make(map[string]bool, len(changes))
	for _, c := range changes {
		if c.Kind != store.ChangeDNS || seen[c.Key] {
			continue
		}
		seen[c.Key] = true
		s.reload(ctx, c.Key, false)
	}
}

// Reset implements changefeed.Handler: it reloads every zone.
func (s *Syncer) Reset(ctx context.Context) {
	if err := s.Load(ctx); err != nil {
		s.logger().Error("reload every zone", "err", err)
	}
}

// loadZone reads one zone and its records from the store: a customer's
// zone, or a reverse zone (in-addr.arpa, ip6.arpa) of the PTR records.
func (s *Syncer) loadZone(ctx context.Context, domain string) (dnsd.Zone, uint32, bool, error) {
	if name := strings.ToLower(strings.TrimSuffix(domain, ".")); strings.HasSuffix(name, ".in-addr.arpa") || strings.HasSuffix(name, ".ip6.arpa") {
		z, err := s.Store.ReverseZoneGet(ctx, name)
		if errors.Is(err, store.ErrNotFound) {
			return dnsd.Zone{}, 0, false, nil
		}
		if err != nil {
			return dnsd.Zone{}, 0, false, err
		}
		served, err := panel.RevDNSServable(ctx, s.Store, []store.ReverseZone{z})
		if err != nil {
			return dnsd.Zone{}, 0, false, err
		}
		return s.buildReverse(served[0]), uint32(served[0].Serial), true, nil
	}
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
	dz, ok, err := s.build(ctx, z, recs)
	return dz, uint32(z.Serial), ok, err
}

// build converts a stored zone to the records the server answers from: a
// primary zone through zonefile.RRs (the SOA, the apex NS set, then the
// records), a secondary zone through s.Secondary. ok is false for a zone
// that is not to be served.
func (s *Syncer) build(ctx context.Context, z store.Zone, recs []store.ZoneRecord) (dnsd.Zone, bool, error) {
	if z.Type == store.ZoneTypeSecondary {
		if s.Secondary == nil {
			return dnsd.Zone{}, false, nil
		}
		return s.Secondary(ctx, z)
	}
	soa, nameservers := s.soaAndNS()
	rrs, err := zonefile.RRs(zonefile.Zone{Domain: z.Domain, Serial: z.Serial, SOA: soa,
		Nameservers: nameservers, Records: recs})
	if err != nil {
		return dnsd.Zone{}, false, err
	}
	return dnsd.Zone{Origin: dns.Fqdn(strings.ToLower(z.Domain)), Records: rrs}, true, nil
}

// buildReverse builds a reverse zone: SOA, apex NS and the PTR records.
func (s *Syncer) buildReverse(z panel.ServedReverseZone) dnsd.Zone {
	origin := dns.Fqdn(z.Name)
	soa, nameservers := s.soaAndNS()
	rrs := make([]dns.RR, 0, 1+len(nameservers)+len(z.PTRs))
	rrs = append(rrs, &dns.SOA{
		Hdr: dns.RR_Header{Name: origin, Rrtype: dns.TypeSOA, Class: dns.ClassINET, Ttl: soa.TTL},
		Ns:  dns.Fqdn(nameservers[0]), Mbox: dns.Fqdn(soa.RName), Serial: uint32(z.Serial),
		Refresh: soa.Refresh, Retry: soa.Retry, Expire: soa.Expire, Minttl: soa.Minimum,
	})
	for _, ns := range nameservers {
		rrs = append(rrs, &dns.NS{Hdr: dns.RR_Header{Name: origin, Rrtype: dns.TypeNS, Class: dns.ClassINET, Ttl: soa.TTL}, Ns: dns.Fqdn(ns)})
	}
	for _, p := range z.PTRs {
		rrs = append(rrs, &dns.PTR{Hdr: dns.RR_Header{Name: p.Owner, Rrtype: dns.TypePTR, Class: dns.ClassINET, Ttl: soa.TTL}, Ptr: p.Target})
	}
	return dnsd.Zone{Origin: origin, Records: rrs}
}

// soaAndNS returns the configured SOA fields and name servers, with the
// defaults filled in.
func (s *Syncer) soaAndNS() (SOA, []string) {
	soa := s.SOA
	if soa.RName == "" {
		soa = DefaultSOA()
	}
	nameservers := s.Nameservers
	if len(nameservers) == 0 {
		nameservers = panel.DefaultNameservers
	}
	return soa, nameservers
}

func (s *Syncer) logger() *slog.Logger {
	if s.Logger == nil {
		return slog.Default()
	}
	return s.Logger
}
