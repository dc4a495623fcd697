// Package zonesync keeps the authoritative DNS server's snapshot in step
// with the zones in the database. It implements panel.ZonePublisher: after
// every committed change the panel tells it the zone's name, it reloads that
// zone from the store, installs a new snapshot (answered by the very next
// query) and sends NOTIFY to the configured secondaries.
//
// Changes made through other nodes (other artnetd processes on the same
// database) reach this one through the store's change log: a Syncer is the
// changefeed.Handler of store.ChangeDNS. Only the node that made a change
// sends NOTIFY, except for signed zones (see Changes).
//
// Zones with DNSSEC keys (Keys) are signed when they are built and at every
// signing epoch, see package dnssec.
//
// A load that fails (a database error, a zone that does not build) leaves
// the zone pending: it is served as last loaded, or not at all, while the
// syncer's driver.Reconciler retries it; the same reconciler reloads every
// zone periodically, so a zone changed in the database without a change-log
// row (by hand, or a change this node missed) is served within one period.
// Pending zones are counted in artnet_dns_zones_failed and every failed load
// in artnet_dns_load_failures_total; the log says once per zone and error
// that it failed and once that it loaded again.
//
// SOA and apex NS records are not stored with the zones: they are built
// here from the zone's serial and the configured name servers and SOA
// fields.
package zonesync

import (
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/miekg/dns"

	"github.com/artnet-panel/artnet-panel/internal/dnsd"
	"github.com/artnet-panel/artnet-panel/internal/dnssec"
	"github.com/artnet-panel/artnet-panel/internal/driver"
	"github.com/artnet-panel/artnet-panel/internal/metrics"
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
	// Interval is the period of the full reload (the reconciler's
	// Interval; default 30s). While zones are pending, Reconcile retries
	// only them unless the last full reload is Interval/2 old.
	Interval time.Duration
	// Kick, when set, is called when a zone fails to load outside
	// Reconcile (ZoneChanged, Changes, Load), so that the reconciler
	// retries it at once and then until it loads (Reconciler sets it).
	Kick func()
	// Keys, when set, gives the DNSSEC keys of the primary and reverse
	// zones: a zone with keys is signed (Policy) when it is built, and
	// again at every signing epoch (the full reload notices it); nil or a
	// zone without keys: served unsigned. See package dnssec.
	Keys dnssec.KeySource
	// Policy is the signing policy (zero: dnssec.DefaultPolicy).
	Policy dnssec.Policy
	// Now is the clock of the signer (nil: time.Now); tests fake it.
	Now func() time.Time

	// mu serialises snapshot updates and guards the state below.
	mu sync.Mutex
	// Every load takes a ticket (seq) before it reads the store. A load
	// installs a zone only over one installed by an older ticket, so a
	// slow load never replaces the zone a later one installed: a full
	// reload that read the store before an edit does not bring back the
	// zone as it was.
	seq  uint64
	base uint64            // ticket of the last full reload installed
	ver  map[string]uint64 // ticket of the one-zone load installed (or removal) since base, by key
	sums map[string]uint64 // fingerprint of each served zone's records, by key
	// pending holds the zones whose last load failed, by key.
	pending  map[string]pendingZone
	lastFull time.Time // when the last full reload installed started
	fullErr  string    // error of the last full reload, "" when it succeeded

	// The NOTIFY senders (notify), stopped by Close.
	notifyMu   sync.Mutex
	notifying  sync.WaitGroup
	notifyStop chan struct{} // closed by Close
}

// pendingZone is a zone whose last load failed.
type pendingZone struct {
	ticket uint64
	err    string
	// notify: a load meant to send NOTIFY failed; the retry that loads
	// the zone sends it.
	notify bool
}

var _ panel.ZonePublisher = (*Syncer)(nil)

// Reconciler returns the driver.Reconciler that keeps the snapshot in step
// with the store: its first reconcile is Load (a zone that fails to load
// does not stop the node: it is retried), later ones Reconcile: every
// interval a full reload, and retries of the pending zones, on the
// reconciler's retry schedule after a failure, until they load. It sets
// s.Interval and s.Kick. Start it before the syncer publishes anything.
// Failures are logged by the syncer (once per zone and error), not by the
// reconciler.
func (s *Syncer) Reconciler(interval time.Duration) *driver.Reconciler {
	s.Interval = interval
	r := &driver.Reconciler{Kind: "dns", Interval: interval}
	first := true
	r.Reconcile = func(ctx context.Context) error {
		if first {
			first = false
			return s.Load(ctx)
		}
		return s.Reconcile(ctx)
	}
	s.Kick = r.Kick
	return r
}

// Load reads every zone from the store and installs those that changed
// (all of them the first time). It fails only when the zones cannot be
// read at all; a zone that fails to load is left pending (and Kick
// called). A node following other nodes' changes starts its change feed
// before Load (changefeed.Feed.Start), so that a change committed during
// Load is applied once more, never missed.
func (s *Syncer) Load(ctx context.Context) error {
	err := s.loadAll(ctx)
	if s.pendingCount() > 0 {
		s.kick()
	}
	return err
}

// Reconcile brings the snapshot in step with the store: it reloads every
// zone, or, while zones are pending and the last full reload succeeded
// less than Interval/2 ago, only the pending ones. It returns an error
// while any zone is pending or the full reload fails, so that the
// reconciler calling it retries.
func (s *Syncer) Reconcile(ctx context.Context) error {
	s.mu.Lock()
	var retry []string
	if len(s.pending) > 0 && s.fullErr == "" && !s.lastFull.IsZero() && time.Since(s.lastFull) < s.interval()/2 {
		for k := range s.pending {
			retry = append(retry, k)
		}
	}
	s.mu.Unlock()
	if retry != nil {
		slices.Sort(retry)
		for _, k := range retry {
			s.reload(ctx, k, false)
		}
	} else if err := s.loadAll(ctx); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.pending) == 0 {
		return nil
	}
	first := ""
	for k := range s.pending {
		if first == "" || k < first {
			first = k
		}
	}
	return fmt.Errorf("zonesync: zones not loaded: %d (%s: %s)", len(s.pending), first, s.pending[first].err)
}

func (s *Syncer) interval() time.Duration {
	if s.Interval > 0 {
		return s.Interval
	}
	return 30 * time.Second
}

// ZoneChanged reloads the zone of domain (stored form, e.g. "example.com")
// and installs a new snapshot in which only that zone is rebuilt; a zone
// that no longer exists stops being served. Then it sends NOTIFY to the
// secondaries in the background. A zone that fails to load is left
// pending.
func (s *Syncer) ZoneChanged(ctx context.Context, domain string) {
	if s.reload(ctx, domain, true) {
		s.kick()
	}
}

// Changes implements changefeed.Handler for store.ChangeDNS: it reloads
// every zone named, once each, without sending NOTIFY (the node that made
// the change did), except for a signed zone whose serial moved: a change
// of its keys may come from a node that did not publish it, so every node
// tells its secondaries (a NOTIFY more is harmless).
func (s *Syncer) Changes(ctx context.Context, changes []store.Change) {
	seen := make(map[string]bool, len(changes))
	failed := false
	for _, c := range changes {
		if c.Kind != store.ChangeDNS || seen[c.Key] {
			continue
		}
		seen[c.Key] = true
		if s.reload(ctx, c.Key, false) {
			failed = true
		}
	}
	if failed {
		s.kick()
	}
}

// Reset implements changefeed.Handler: it reloads every zone.
func (s *Syncer) Reset(ctx context.Context) {
	// loadAll logs a failure.
	_ = s.Load(ctx)
}

// key is the form zones are known by here: the stored one (lower case,
// without the trailing dot).
func key(domain string) string {
	return strings.TrimSuffix(strings.ToLower(domain), ".")
}

// ticket hands out the ticket of a load about to read the store.
func (s *Syncer) ticket() uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seq++
	return s.seq
}

// installed returns the ticket of the load whose form of the zone k is
// installed. Callers hold mu.
func (s *Syncer) installed(k string) uint64 {
	return max(s.base, s.ver[k])
}

// reload installs the current state of the zone domain and, when notify is
// set (only the node that made the change does) or an earlier failed load
// of the zone was to, sends NOTIFY to the secondaries. It reports whether
// the zone is pending afterwards.
func (s *Syncer) reload(ctx context.Context, domain string, notify bool) (pending bool) {
	k := key(domain)
	origin := k + "."
	t := s.ticket()
	b, ok, err := s.loadZone(ctx, k)
	var sum uint64
	if err == nil && ok {
		sum = b.fingerprint()
	}
	s.mu.Lock()
	if err == nil && t > s.installed(k) {
		cur, served := s.sums[k]
		switch {
		case ok && (!served || cur != sum):
			var dz dnsd.Zone
			if dz, err = s.sign(b); err != nil {
				break
			}
			before, _ := s.snapshot().Serial(origin)
			snap, errs := s.snapshot().Update([]dnsd.Zone{dz}, nil)
			if err = errs[dns.CanonicalName(dz.Origin)]; err == nil {
				s.Server.SetSnapshot(snap)
				s.setSum(k, sum)
				if after, _ := snap.Serial(origin); served && b.keys.Signed() && after != before {
					// Re-signed with a new serial (keys changed, on
					// any node): the secondaries are told.
					notify = true
				}
			}
		case !ok && served:
			s.Server.SetSnapshot(s.snapshot().WithoutZone(origin))
			delete(s.sums, k)
		}
		if err == nil {
			s.setVer(k, t)
		}
	}
	var report func()
	if err != nil {
		report = s.failedLocked(ctx, k, t, err, notify)
	} else {
		var was bool
		report, was = s.loadedLocked(k, t)
		notify = notify || was
	}
	_, pending = s.pending[k]
	serial, served := s.snapshot().Serial(origin)
	s.mu.Unlock()
	report()
	if err == nil && ok && notify && served {
		s.notify(ctx, origin, serial)
	}
	return pending
}

// loadAll reads every zone, and installs, in one new snapshot, those that
// changed since they were installed and those that are gone; a zone that
// fails to build is left pending and served as before.
func (s *Syncer) loadAll(ctx context.Context) error {
	t := s.ticket()
	start := time.Now()
	zones, failed, err := s.readAll(ctx)
	if err != nil {
		metrics.DNSLoadFailures.WithLabelValues("all").Inc()
		s.mu.Lock()
		again := s.fullErr == err.Error()
		s.fullErr = err.Error()
		s.mu.Unlock()
		if !again && ctx.Err() == nil {
			s.logger().Error("DNS zones not reloaded: serving them as last loaded until a retry succeeds", "err", err)
		}
		return err
	}
	sums := make(map[string]uint64, len(zones))
	for k, z := range zones {
		sums[k] = z.fingerprint()
	}
	// Sign the signed zones that changed outside the lock (signing a
	// zone costs a signature per RRset); one that changes again in the
	// meantime is signed under the lock below.
	s.mu.Lock()
	var toSign []string
	for k, z := range zones {
		if cur, served := s.sums[k]; z.keys.Signed() && (!served || cur != sums[k]) {
			toSign = append(toSign, k)
		}
	}
	s.mu.Unlock()
	signed := make(map[string]dnsd.Zone, len(toSign))
	for _, k := range toSign {
		dz, err := s.sign(zones[k])
		if err != nil {
			failed[k] = err
			delete(zones, k)
			continue
		}
		signed[k] = dz
	}

	s.mu.Lock()
	if t < s.base {
		// A full reload that read the store later has been installed.
		s.mu.Unlock()
		return nil
	}
	var put []dnsd.Zone
	var putKeys, remove, resigned []string
	for k, z := range zones {
		cur, served := s.sums[k]
		if s.ver[k] > t || served && cur == sums[k] {
			continue
		}
		dz, ok := signed[k]
		if !ok {
			var err error
			if dz, err = s.sign(z); err != nil {
				failed[k] = err
				continue
			}
		}
		put = append(put, dz)
		putKeys = append(putKeys, k)
		if served && z.keys.Signed() {
			// Re-signed (a new epoch, or keys changed): the secondaries
			// are told, whichever node changed the records.
			resigned = append(resigned, k+".")
		}
	}
	for k := range s.sums {
		if _, ok := zones[k]; !ok && failed[k] == nil && s.ver[k] < t {
			remove = append(remove, k+".")
		}
	}
	if len(put) > 0 || len(remove) > 0 {
		snap, errs := s.snapshot().Update(put, remove)
		if len(remove) > 0 || len(errs) < len(put) {
			s.Server.SetSnapshot(snap)
		}
		for i, z := range put {
			k := putKeys[i]
			if err := errs[dns.CanonicalName(z.Origin)]; err != nil {
				failed[k] = err
				continue
			}
			s.setSum(k, sums[k])
		}
		for _, o := range remove {
			delete(s.sums, key(o))
		}
	}
	var reports []func()
	var notifies []string
	for k, err := range failed {
		if s.ver[k] < t {
			reports = append(reports, s.failedLocked(ctx, k, t, err, false))
		}
	}
	for k, p := range s.pending {
		if _, bad := failed[k]; !bad && p.ticket < t && s.ver[k] < t {
			r, notify := s.loadedLocked(k, t)
			reports = append(reports, r)
			if _, served := s.sums[k]; notify && served {
				notifies = append(notifies, k+".")
			}
		}
	}
	s.base = t
	for k, v := range s.ver {
		if v < t {
			delete(s.ver, k)
		}
	}
	s.lastFull = start
	recovered := s.fullErr != ""
	s.fullErr = ""
	snap := s.snapshot()
	s.mu.Unlock()
	if recovered {
		s.logger().Info("DNS zones reloaded again")
	}
	for _, r := range reports {
		r()
	}
	for _, origin := range append(notifies, resigned...) {
		if serial, ok := snap.Serial(origin); ok {
			s.notify(ctx, origin, serial)
		}
	}
	return nil
}

// readAll reads and builds every zone to serve, by key; failed holds the
// zones that did not build. err is set when the zones cannot be read.
func (s *Syncer) readAll(ctx context.Context) (zones map[string]built, failed map[string]error, err error) {
	all, err := s.Store.ZonesAll(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("load zones: %w", err)
	}
	keys, err := s.allKeys(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("load DNSSEC keys: %w", err)
	}
	zones = make(map[string]built, len(all))
	failed = make(map[string]error)
	for _, z := range all {
		b, ok, err := s.build(ctx, z.Zone, z.Records, keys)
		switch {
		case err != nil:
			// One broken zone must not take every other zone down.
			failed[key(z.Domain)] = err
		case ok:
			zones[key(z.Domain)] = b
		}
	}
	reverse, err := s.Store.PTRsAll(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("load reverse zones: %w", err)
	}
	served, err := panel.RevDNSServable(ctx, s.Store, reverse)
	if err != nil {
		return nil, nil, fmt.Errorf("load reverse zones: %w", err)
	}
	for _, rz := range served {
		b, err := s.buildReverse(ctx, rz, keys)
		if err != nil {
			failed[key(rz.Name)] = err
			continue
		}
		zones[key(rz.Name)] = b
	}
	return zones, failed, nil
}

// failedLocked records that the load of zone k with ticket t failed with
// err and returns what is to be logged once mu is released. Callers hold
// mu.
func (s *Syncer) failedLocked(ctx context.Context, k string, t uint64, err error, notify bool) (report func()) {
	metrics.DNSLoadFailures.WithLabelValues("zone").Inc()
	p, was := s.pending[k]
	if was && p.ticket > t {
		return func() {}
	}
	if !was {
		metrics.DNSZonesFailed.Inc()
	}
	msg := err.Error()
	if s.pending == nil {
		s.pending = make(map[string]pendingZone)
	}
	s.pending[k] = pendingZone{ticket: t, err: msg, notify: notify || p.notify}
	if was && p.err == msg || ctx.Err() != nil {
		return func() {}
	}
	_, served := s.sums[k]
	return func() {
		s.logger().Error("DNS zone not loaded: retrying", "zone", k, "served_as_last_loaded", served, "err", msg)
	}
}

// loadedLocked records that a load of zone k with ticket t succeeded and
// returns what is to be logged once mu is released, and whether a failed
// load of the zone was to send NOTIFY. Callers hold mu.
func (s *Syncer) loadedLocked(k string, t uint64) (report func(), notify bool) {
	p, was := s.pending[k]
	if !was || p.ticket > t {
		return func() {}, false
	}
	delete(s.pending, k)
	metrics.DNSZonesFailed.Dec()
	return func() { s.logger().Info("DNS zone loaded again", "zone", k) }, p.notify
}

func (s *Syncer) pendingCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.pending)
}

func (s *Syncer) kick() {
	if s.Kick != nil {
		s.Kick()
	}
}

// snapshot returns the snapshot served. Callers hold mu.
func (s *Syncer) snapshot() *dnsd.Snapshot {
	if snap := s.Server.Snapshot(); snap != nil {
		return snap
	}
	return dnsd.EmptySnapshot()
}

func (s *Syncer) setSum(k string, sum uint64) {
	if s.sums == nil {
		s.sums = make(map[string]uint64)
	}
	s.sums[k] = sum
}

func (s *Syncer) setVer(k string, t uint64) {
	if s.ver == nil {
		s.ver = make(map[string]uint64)
	}
	s.ver[k] = t
}

// notify tells the secondaries about the zone's new serial in the
// background (the change has committed; a caller that hangs up does not
// cut it short) until Close.
func (s *Syncer) notify(_ context.Context, origin string, serial uint32) {
	if len(s.NotifyTargets) == 0 {
		return
	}
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

// seed keys the fingerprints of this process.
var seed = maphash.MakeSeed()

// fingerprint hashes a built zone's records as zonesync built them (before
// signing, before dnsd normalises them) and, for a signed zone, what its
// signatures depend on (dnssec.Policy.State), to tell whether a zone
// changed since it was installed.
func (b built) fingerprint() uint64 {
	z := b.zone
	var h maphash.Hash
	h.SetSeed(seed)
	h.WriteString(z.Origin)
	h.WriteString(b.state)
	h.WriteByte(0)
	buf := make([]byte, 512)
	for _, rr := range z.Records {
		for {
			n, err := dns.PackRR(rr, buf, 0, nil, false)
			if err == nil {
				h.Write(buf[:n])
				break
			}
			if len(buf) >= 1<<17 {
				h.WriteString(rr.String())
				break
			}
			buf = make([]byte, 2*len(buf))
		}
		h.WriteByte(0)
	}
	return h.Sum64()
}

// built is a zone as read from the store, before signing. It is kept
// within 128 bytes, so that a map holds it without an allocation per zone.
type built struct {
	zone    dnsd.Zone
	keys    dnssec.ZoneKeys // none: served unsigned
	changed int64           // the zone's last change (store.Zone.UpdatedAt, Unix seconds)
	state   string          // dnssec.Policy.State, "" unsigned
}

// loadZone reads one zone and its records from the store: a customer's
// zone, or a reverse zone (in-addr.arpa, ip6.arpa) of the PTR records.
func (s *Syncer) loadZone(ctx context.Context, domain string) (built, bool, error) {
	if name := strings.ToLower(strings.TrimSuffix(domain, ".")); strings.HasSuffix(name, ".in-addr.arpa") || strings.HasSuffix(name, ".ip6.arpa") {
		z, err := s.Store.ReverseZoneGet(ctx, name)
		if errors.Is(err, store.ErrNotFound) {
			return built{}, false, nil
		}
		if err != nil {
			return built{}, false, err
		}
		served, err := panel.RevDNSServable(ctx, s.Store, []store.ReverseZone{z})
		if err != nil {
			return built{}, false, err
		}
		b, err := s.buildReverse(ctx, served[0], nil)
		return b, err == nil, err
	}
	z, err := s.Store.ZoneByDomain(ctx, domain)
	if errors.Is(err, store.ErrNotFound) {
		return built{}, false, nil
	}
	if err != nil {
		return built{}, false, err
	}
	recs, err := s.Store.ZoneRecords(ctx, z.CustomerID, z.ID)
	if err != nil {
		return built{}, false, err
	}
	return s.build(ctx, z, recs, nil)
}

// build converts a stored zone to the records the server answers from: a
// primary zone through zonefile.RRs (the SOA, the apex NS set, then the
// records) with its DNSSEC keys (from all, the keys of every zone read by
// allKeys, or else asked of s.Keys), a secondary zone through s.Secondary.
// ok is false for a zone that is not to be served.
func (s *Syncer) build(ctx context.Context, z store.Zone, recs []store.ZoneRecord, all map[string]dnssec.ZoneKeys) (built, bool, error) {
	if z.Type == store.ZoneTypeSecondary {
		if s.Secondary == nil {
			return built{}, false, nil
		}
		dz, ok, err := s.Secondary(ctx, z)
		return built{zone: dz}, ok, err
	}
	soa, nameservers := s.soaAndNS()
	rrs, err := zonefile.RRs(zonefile.Zone{Domain: z.Domain, Serial: z.Serial, SOA: soa,
		Nameservers: nameservers, Records: recs})
	if err != nil {
		return built{}, false, err
	}
	b := built{zone: dnsd.Zone{Origin: dns.Fqdn(strings.ToLower(z.Domain)), Records: rrs}, changed: z.UpdatedAt}
	return b, true, s.withKeys(ctx, &b, all)
}

// buildReverse builds a reverse zone: SOA, apex NS and the PTR records,
// with its DNSSEC keys as build does.
func (s *Syncer) buildReverse(ctx context.Context, z panel.ServedReverseZone, all map[string]dnssec.ZoneKeys) (built, error) {
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
	b := built{zone: dnsd.Zone{Origin: origin, Records: rrs}}
	return b, s.withKeys(ctx, &b, all)
}

// withKeys sets b's DNSSEC keys and signing state: from all when it is
// not nil (the keys of every zone, read at once), else asked of s.Keys.
func (s *Syncer) withKeys(ctx context.Context, b *built, all map[string]dnssec.ZoneKeys) error {
	if s.Keys == nil {
		return nil
	}
	origin := dns.CanonicalName(b.zone.Origin)
	if all != nil {
		b.keys = all[origin]
	} else {
		zk, err := s.Keys.ZoneKeys(ctx, origin)
		if err != nil {
			return fmt.Errorf("DNSSEC keys of %s: %w", origin, err)
		}
		b.keys = zk
	}
	b.state = s.Policy.State(origin, b.keys, s.now(), time.Unix(b.changed, 0))
	return nil
}

// allKeys returns the keys of every zone when s.Keys can list them at once
// (dnssec.KeyLister), else nil (build asks per zone).
func (s *Syncer) allKeys(ctx context.Context) (map[string]dnssec.ZoneKeys, error) {
	l, ok := s.Keys.(dnssec.KeyLister)
	if !ok {
		return nil, nil
	}
	all, err := l.AllZoneKeys(ctx)
	if err == nil && all == nil {
		all = map[string]dnssec.ZoneKeys{}
	}
	return all, err
}

// sign returns the zone to install: b's zone, signed when it has keys.
func (s *Syncer) sign(b built) (dnsd.Zone, error) {
	if !b.keys.Signed() {
		return b.zone, nil
	}
	rrs, err := s.Policy.SignZone(b.zone.Origin, b.zone.Records, b.keys, s.now(), time.Unix(b.changed, 0))
	if err != nil {
		return dnsd.Zone{}, err
	}
	return dnsd.Zone{Origin: b.zone.Origin, Records: rrs}, nil
}

func (s *Syncer) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
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
