// Package secondary keeps the panel's secondary zones in step with their
// masters: a Worker checks each zone's master for a newer SOA serial, on
// the zone's timers and when the master sends a NOTIFY, transfers the zone
// (AXFR over TCP) when it changed, validates it and stores it, and tells
// the DNS server to serve the new content.
//
// # Per zone
//
//  1. The master name (store.Zone.MasterNameserver: an IP address or a host
//     name) is resolved (Worker.Resolve); the addresses Worker.AllowMaster
//     refuses are dropped.
//  2. The master's SOA is asked for over UDP (TCP when truncated), one
//     address after the other until one answers authoritatively.
//  3. When the zone was never transferred, or the master's serial is newer
//     than the stored one (RFC 1982 serial arithmetic), the zone is
//     transferred with AXFR from the address that answered, and validated:
//     SOA first and last with the same serial, class IN, every owner inside
//     the zone, at most Worker.MaxRecords records and Worker.MaxBytes
//     bytes, every record surviving a round trip through its presentation
//     format (how it is stored), and the whole zone accepted by
//     dnsd.NewSnapshot (so that the DNS server can load it). A zone that
//     fails is not stored: the previous content stays, and the check counts
//     as failed (the SOA answer does not restart the expire timer).
//  4. The transfer is stored atomically (store.SecondaryTransferStore, a
//     compare-and-swap, so that two artnetd processes sharing one database
//     cannot store an older zone over a newer one) and Worker.Publish is
//     called with the zone's domain.
//
// # Timers (RFC 1034 §4.3.5, RFC 1996)
//
// After a successful check or transfer the next check is due after the
// master SOA's REFRESH; after a failure after RETRY (the master's SOA
// RETRY when its SOA was seen, else the one of the last transfer, else
// Worker.InitialRetry). Both are clamped to [MinInterval, MaxInterval],
// and EXPIRE is taken as at least REFRESH+RETRY; the store keeps the values
// used. A master whose serial is older than ours is logged and the check
// counts as successful (ours is kept). When the master has not been reached for EXPIRE seconds since the last
// successful check, the zone is marked expired in the store (the next check
// after a failure is brought forward to that moment) and Publish is
// called: the DNS server must then stop answering for it —
// store.SecondaryContent.Expired is set, and ServedZone reports it as not
// to be served. The expired zone keeps its records and is served again
// after the next successful check.
//
// # Wiring
//
//	w := &secondary.Worker{Store: st, Logger: log,
//		AllowMaster: secondary.PublicMaster, // or DefaultAllowMaster, see AllowMaster
//		Publish: func(ctx context.Context, domain string) {
//			// reload the zone into the DNS server's snapshot, e.g.:
//			// z, _ := st.ZoneByDomain(ctx, domain)
//			// c, _ := st.SecondaryZoneContent(ctx, z.ID)
//			// dz, ok, err := secondary.ServedZone(c) // !ok: remove the zone
//		}}
//	srv := dnsd.NewServer(dnsd.Config{OnNotify: w.Notified, ...})
//	go w.Run(ctx)
//	// a secondary zone added or deleted through the API: w.Wake()
//
// Publish is also called when a zone's served state changed without a
// transfer by this worker: it expired, came back after expiring, or another
// process sharing the database stored a transfer. After a start, every
// zone with content is published once, at its first check. The expired
// flag is set by a check, so after a long stop the zone is served until
// its first (overdue, hence immediate) check fails.
//
// Every check runs under Worker.Concurrency; the network part of one check
// is bounded (QueryTimeout per name resolution, SOA query and transfer
// message, TransferTimeout per transfer).
package secondary

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net/netip"
	"strings"
	"sync"
	"time"

	"github.com/artnet-panel/artnet-panel/internal/store"
)

// Defaults of the Worker's zero fields.
const (
	DefaultConcurrency     = 8
	DefaultQueryTimeout    = 5 * time.Second
	DefaultTransferTimeout = 2 * time.Minute
	DefaultMaxRecords      = 100000
	DefaultMaxBytes        = 64 << 20
	DefaultMinInterval     = time.Minute
	DefaultMaxInterval     = 24 * time.Hour
	DefaultInitialRetry    = 5 * time.Minute
	DefaultPoll            = time.Minute
	// maxAddresses bounds the master addresses tried per check.
	maxAddresses = 4
)

// ErrNotSecondary is returned by Refresh for a domain that is not a
// secondary zone.
var ErrNotSecondary = errors.New("secondary: no such secondary zone")

// Worker transfers the secondary zones from their masters. Set the fields
// before calling any method and do not change them afterwards; the methods
// are safe for concurrent use.
type Worker struct {
	// Store holds the zones and their transferred content. Required.
	Store store.Store
	// Now is the clock (nil: time.Now). The timers are kept in the store in
	// Unix seconds.
	Now func() time.Time
	// Resolve returns the addresses of a master given by name (nil: the
	// system resolver). It is not called for masters given as an address.
	Resolve func(ctx context.Context, host string) ([]netip.Addr, error)
	// AllowMaster decides which master addresses may be contacted (nil:
	// DefaultAllowMaster, which refuses unspecified, multicast and
	// link-local addresses only). Whether loopback and private addresses
	// are allowed is the operator's decision: a customer's master name can
	// be made to resolve to any address at any time (the panel checks it
	// only when the zone is added), so a worker allowed to reach loopback or
	// internal addresses will transfer, and publish, any zone a name server
	// there gives out by AXFR. Use PublicMaster unless masters on internal
	// networks are wanted.
	AllowMaster func(netip.Addr) bool
	// Port is the masters' DNS port (0: 53).
	Port uint16
	// Publish is told, with the zone's domain in the stored form ("example.com"),
	// that a zone's served content or state changed (transferred, expired,
	// back from expiry); it is to reload the zone into the DNS server's
	// snapshot. Nil: nothing is published.
	Publish func(ctx context.Context, domain string)
	// Logger receives transfers and failures (nil: slog.Default()).
	Logger *slog.Logger

	// Concurrency bounds the checks running at once (0: DefaultConcurrency).
	Concurrency int
	// QueryTimeout bounds the resolution of a master's name, an SOA query
	// to one address, and the wait for each message of a transfer (0:
	// DefaultQueryTimeout).
	QueryTimeout time.Duration
	// TransferTimeout bounds a whole transfer (0: DefaultTransferTimeout).
	TransferTimeout time.Duration
	// MaxRecords bounds the records of a transferred zone (0:
	// DefaultMaxRecords); a larger zone is refused.
	MaxRecords int
	// MaxBytes bounds the size of a transferred zone, counted as the
	// uncompressed wire size of its records (0: DefaultMaxBytes).
	MaxBytes int
	// MinInterval and MaxInterval clamp the SOA's REFRESH and RETRY (0:
	// DefaultMinInterval, DefaultMaxInterval).
	MinInterval time.Duration
	MaxInterval time.Duration
	// InitialRetry is the retry interval of a zone whose master's SOA was
	// never seen (0: DefaultInitialRetry).
	InitialRetry time.Duration
	// Poll bounds the sleep of Run between two looks at the store, so that
	// zones added by other processes are found (0: DefaultPoll).
	Poll time.Duration

	initOnce sync.Once
	sem      chan struct{}
	wake     chan struct{}
	mu       sync.Mutex
	base     context.Context // Run's context, for Notified
	// notified counts the Notified calls running; Run waits for them.
	notified  sync.WaitGroup
	seq       uint64
	flights   map[int64]*flight
	lastNow   map[int64]*flight // the last forced check of each zone, ended
	notifying map[string]bool   // zones of NOTIFYs waiting for their check to start
	published map[int64]served
	holdOff   map[int64]time.Time // Run does not start a check before
}

// served is what decides whether a zone is served, and with which content.
type served struct {
	serial, refreshedAt int64
	transferred         bool
	expired             bool
}

func stateOf(st store.SecondaryState) served {
	return served{serial: st.Serial, refreshedAt: st.RefreshedAt, transferred: st.Transferred, expired: st.Expired}
}

// flight is one check of one zone; at most one runs per zone.
type flight struct {
	id    int64
	seq   uint64
	force bool // checks even when not due (Refresh)
	done  chan struct{}
	err   error
	// storeFailed is set when the result could not be written to the store.
	storeFailed bool
}

func (w *Worker) init() {
	w.initOnce.Do(func() {
		w.sem = make(chan struct{}, orDefault(w.Concurrency, DefaultConcurrency))
		w.wake = make(chan struct{}, 1)
		w.flights = map[int64]*flight{}
		w.lastNow = map[int64]*flight{}
		w.notifying = map[string]bool{}
		w.published = map[int64]served{}
		w.holdOff = map[int64]time.Time{}
	})
}

func orDefault[T int | time.Duration](v, def T) T {
	if v <= 0 {
		return def
	}
	return v
}

func (w *Worker) now() time.Time {
	if w.Now != nil {
		return w.Now()
	}
	return time.Now()
}

func (w *Worker) log() *slog.Logger {
	if w.Logger != nil {
		return w.Logger
	}
	return slog.Default()
}

// DefaultAllowMaster is the AllowMaster of a Worker that sets none: it
// refuses invalid, unspecified, multicast and link-local addresses and
// allows everything else, loopback and private addresses included.
func DefaultAllowMaster(a netip.Addr) bool {
	a = a.Unmap()
	return a.IsValid() && !a.IsUnspecified() && !a.IsMulticast() &&
		!a.IsLinkLocalUnicast() && !a.IsLinkLocalMulticast() && !a.IsInterfaceLocalMulticast()
}

// sharedAddressSpace is RFC 6598's carrier-grade NAT range.
var sharedAddressSpace = netip.MustParsePrefix("100.64.0.0/10")

// PublicMaster allows what DefaultAllowMaster allows except loopback and
// private addresses (RFC 1918, RFC 4193, RFC 6598): the policy for a
// worker whose masters are on the Internet.
func PublicMaster(a netip.Addr) bool {
	a = a.Unmap()
	return DefaultAllowMaster(a) && !a.IsLoopback() && !a.IsPrivate() && !sharedAddressSpace.Contains(a)
}

// Wake makes Run look at the store now (after a secondary zone was added
// or deleted, for instance).
func (w *Worker) Wake() {
	w.init()
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// Run checks the zones when they are due until ctx ends, then waits for
// the running checks (those started by Notified too) and returns ctx's
// error. It sleeps until the next
// zone is due, a check ends, Wake is called, or Poll passes.
func (w *Worker) Run(ctx context.Context) error {
	w.init()
	w.mu.Lock()
	w.base = ctx
	w.mu.Unlock()
	var wg sync.WaitGroup
	defer func() {
		wg.Wait()
		// ctx has ended: a Notified that has not counted itself yet
		// will not (it checks under w.mu).
		w.mu.Lock()
		w.mu.Unlock() //nolint:staticcheck // a barrier, see above
		w.notified.Wait()
	}()
	poll := orDefault(w.Poll, DefaultPoll)
	batch := 4 * orDefault(w.Concurrency, DefaultConcurrency)
	var pruned time.Time
	for {
		if time.Since(pruned) >= pruneEvery {
			pruned = time.Now()
			if err := w.prune(ctx); err != nil && ctx.Err() == nil {
				w.log().Warn("secondary: prune", "err", err)
			}
		}
		wait, err := w.dispatchDue(ctx, &wg, poll, batch)
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			w.log().Error("secondary: list the zones due", "err", err)
			wait = min(poll, 5*time.Second)
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-w.wake:
		case <-t.C:
		}
		t.Stop()
	}
}

// pruneEvery is how often Run forgets the zones deleted meanwhile.
const pruneEvery = 10 * time.Minute

// prune forgets what is remembered of zones that no longer exist.
func (w *Worker) prune(ctx context.Context) error {
	all, err := w.Store.SecondaryZonesDue(ctx, math.MaxInt64, 0)
	if err != nil {
		return err
	}
	exists := make(map[int64]bool, len(all))
	for _, st := range all {
		exists[st.ID] = true
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	for id := range w.published {
		if !exists[id] {
			delete(w.published, id)
		}
	}
	for id := range w.lastNow {
		if !exists[id] {
			delete(w.lastNow, id)
		}
	}
	return nil
}

// dispatchDue starts a check of each zone due, unless one is running or
// the zone is held off after a failure to store a result, and returns how
// long Run may sleep (at most poll): until the next zone not being checked
// is due, or the next hold-off ends. It looks at the first limit zones due
// within poll, the most overdue first; zones being checked end with a
// wake-up.
func (w *Worker) dispatchDue(ctx context.Context, wg *sync.WaitGroup, poll time.Duration, limit int) (time.Duration, error) {
	now := w.now()
	list, err := w.Store.SecondaryZonesDue(ctx, now.Add(poll).Unix(), limit)
	if err != nil {
		return 0, err
	}
	wait := poll
	w.mu.Lock()
	defer w.mu.Unlock()
	for id, until := range w.holdOff {
		if !now.Before(until) {
			delete(w.holdOff, id)
		}
	}
	for _, st := range list {
		if w.flights[st.ID] != nil {
			continue
		}
		if until := w.holdOff[st.ID]; !until.IsZero() {
			wait = min(wait, until.Sub(now))
			continue
		}
		if st.NextCheck > now.Unix() {
			// The list is in NextCheck order: the first one not being
			// checked is the next due.
			wait = min(wait, time.Unix(st.NextCheck, 0).Sub(now))
			break
		}
		f := w.startLocked(st.ID, false)
		wg.Go(func() { w.fly(ctx, f) })
	}
	return max(wait, 0), nil
}

// CheckDue checks every zone due now (by Now) and waits for these checks;
// zones being checked already are left to their running check. It returns
// the checks' failures joined. Run does this on its own; CheckDue is for
// tests and one-shot use.
func (w *Worker) CheckDue(ctx context.Context) error {
	w.init()
	due, err := w.Store.SecondaryZonesDue(ctx, w.now().Unix(), 0)
	if err != nil {
		return err
	}
	var wg sync.WaitGroup
	var flights []*flight
	w.mu.Lock()
	for _, st := range due {
		if w.flights[st.ID] != nil {
			continue
		}
		f := w.startLocked(st.ID, false)
		flights = append(flights, f)
		wg.Go(func() { w.fly(ctx, f) })
	}
	w.mu.Unlock()
	wg.Wait()
	var errs []error
	for _, f := range flights {
		errs = append(errs, f.err)
	}
	return errors.Join(errs...)
}

// Refresh checks the secondary zone of domain now ("example.com" or
// "example.com.", any case) — what a NOTIFY asks for — and transfers it if
// the master has a newer serial. It waits for the check and returns its
// failure (which is also recorded in the store, with the retry timer), or
// ErrNotSecondary. A check of the zone that started before the call is
// waited for, and then the zone is checked again; callers arriving while a
// check is queued share it.
func (w *Worker) Refresh(ctx context.Context, domain string) error {
	return w.refresh(ctx, domain, netip.Addr{}, func() {})
}

// Notified is the hook for dnsd.Config.OnNotify: a NOTIFY for zone came
// from the address from. As RFC 1996 §3.10 asks, it is ignored (and logged)
// unless from is one of the zone's master's addresses; otherwise the zone
// is refreshed (Refresh) in the background of Run's context. A master that
// sends its NOTIFYs from another address than its name resolves to is
// still followed, on the zone's timers.
func (w *Worker) Notified(zone string, from netip.Addr) {
	w.init()
	w.mu.Lock()
	base := w.base
	if base != nil && base.Err() != nil {
		w.mu.Unlock()
		return
	}
	w.notified.Add(1)
	w.mu.Unlock()
	defer w.notified.Done()
	if base == nil {
		base = context.Background()
	}
	ctx, cancel := context.WithTimeout(base, w.checkTimeout())
	defer cancel()
	if !from.IsValid() {
		from = netip.IPv6Unspecified() // never a master address
	}
	// A NOTIFY for a zone for which another NOTIFY waits for its check to
	// start is covered by that check: drop it (a flood of NOTIFYs then
	// costs one lookup and one check per zone at a time).
	d := normalize(zone)
	w.mu.Lock()
	if w.notifying[d] {
		w.mu.Unlock()
		return
	}
	w.notifying[d] = true
	w.mu.Unlock()
	var once sync.Once
	started := func() {
		once.Do(func() {
			w.mu.Lock()
			delete(w.notifying, d)
			w.mu.Unlock()
		})
	}
	defer started()
	err := w.refresh(ctx, d, from, started)
	if err != nil && !errors.Is(err, errNotFromMaster) {
		w.log().Debug("secondary: refresh after NOTIFY", "zone", zone, "from", from, "err", err)
	}
}

// normalize returns domain in the stored form (lower case, no trailing
// dot).
func normalize(domain string) string {
	return strings.TrimSuffix(strings.ToLower(strings.TrimSpace(domain)), ".")
}

var errNotFromMaster = errors.New("NOTIFY not from the zone's master")

// checkTimeout bounds one whole check: resolving, the SOA queries, the
// transfer and the store.
func (w *Worker) checkTimeout() time.Duration {
	q := orDefault(w.QueryTimeout, DefaultQueryTimeout)
	return q*(2+maxAddresses) + orDefault(w.TransferTimeout, DefaultTransferTimeout) + 30*time.Second
}

// refresh checks the zone of domain now; from, when valid, must be an
// address of its master. started is called once the check that will
// answer the call has started.
func (w *Worker) refresh(ctx context.Context, domain string, from netip.Addr, started func()) error {
	w.init()
	z, err := w.Store.ZoneByDomain(ctx, normalize(domain))
	if errors.Is(err, store.ErrNotFound) || err == nil && z.Type != store.ZoneTypeSecondary {
		if from.IsValid() {
			w.log().Debug("secondary: NOTIFY for a zone that is not a secondary zone here", "zone", domain, "from", from)
		}
		return fmt.Errorf("%w: %s", ErrNotSecondary, domain)
	}
	if err != nil {
		return err
	}
	if from.IsValid() {
		addrs, err := w.masterAddrs(ctx, z.MasterNameserver)
		if err != nil {
			return err
		}
		if !containsAddr(addrs, from) {
			w.log().Warn("secondary: NOTIFY ignored: not from the zone's master",
				"zone", z.Domain, "from", from, "master", z.MasterNameserver)
			return errNotFromMaster
		}
	}
	return w.checkNow(ctx, z.ID, started)
}

func containsAddr(list []netip.Addr, a netip.Addr) bool {
	a = a.Unmap()
	for _, x := range list {
		if x == a {
			return true
		}
	}
	return false
}

// startLocked registers a new flight for zone id. w.mu must be held.
func (w *Worker) startLocked(id int64, force bool) *flight {
	w.seq++
	f := &flight{id: id, seq: w.seq, force: force, done: make(chan struct{})}
	w.flights[id] = f
	return f
}

// fly runs the check of f and ends the flight.
func (w *Worker) fly(ctx context.Context, f *flight) {
	f.storeFailed, f.err = w.check(ctx, f.id, f.force)
	w.mu.Lock()
	delete(w.flights, f.id)
	if f.force {
		w.lastNow[f.id] = f
	}
	if f.storeFailed && ctx.Err() == nil {
		// The store did not take the result, so the zone is still due:
		// do not let Run hammer the master meanwhile.
		w.holdOff[f.id] = w.now().Add(orDefault(w.MinInterval, DefaultMinInterval))
	}
	w.mu.Unlock()
	close(f.done)
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// testHookWait, when set by a test, is called when Refresh waits for a
// running check.
var testHookWait func()

// checkNow checks zone id with a check started after the call; started
// is called when that check has started.
func (w *Worker) checkNow(ctx context.Context, id int64, started func()) error {
	w.mu.Lock()
	arrival := w.seq
	for {
		f := w.flights[id]
		if l := w.lastNow[id]; f == nil && l != nil && l.seq > arrival {
			w.mu.Unlock()
			started()
			return l.err // a forced check started after our call has ended
		}
		if f == nil {
			f = w.startLocked(id, true)
			w.mu.Unlock()
			started()
			w.fly(ctx, f)
			return f.err
		}
		if f.force && f.seq > arrival {
			w.mu.Unlock()
			started()
			select {
			case <-f.done:
				return f.err
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		w.mu.Unlock()
		if testHookWait != nil {
			testHookWait()
		}
		select {
		case <-f.done:
		case <-ctx.Done():
			return ctx.Err()
		}
		w.mu.Lock()
	}
}

// acquire takes a slot of the concurrency bound.
func (w *Worker) acquire(ctx context.Context) error {
	select {
	case w.sem <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (w *Worker) release() { <-w.sem }
