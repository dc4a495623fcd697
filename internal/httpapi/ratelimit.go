package httpapi

import (
	"context"
	"log/slog"
	"math"
	"sync"
	"sync/atomic"
	"time"

	"github.com/artnet-panel/artnet-panel/internal/store"
)

// RateLimiter limits authenticated requests with token buckets: one per
// key (the main key or a sub-key) and one per customer (all its keys
// together), each refilled at RPS tokens a second up to Burst. A request
// takes a token from both. The buckets are this node's: with N nodes
// behind a balancer a customer gets up to N times the limit (the operator
// sets --rate-limit to the cluster's limit divided by the node count).
//
// Overrides, when set, gives a customer's own RPS and burst (artnetd
// admin customer rate-limit); ok false: the defaults.
type RateLimiter struct {
	RPS       float64
	Burst     int
	Overrides func(customerID int64) (rps float64, burst int, ok bool)
	// Now is the clock (tests); nil: time.Now.
	Now func() time.Time

	mu      sync.Mutex
	buckets map[bucketKey]*bucket
	sweep   time.Time
}

type bucketKey struct {
	customer int64
	key      int64 // sub-key id, 0 the main key, -1 the customer's bucket
}

type bucket struct {
	tokens float64
	last   time.Time
}

// Allow takes a token for a request of the customer with the key (0: the
// main key). When the customer or the key is over its limit it takes
// nothing and returns how long until a token is there.
func (l *RateLimiter) Allow(customerID, keyID int64) (bool, time.Duration) {
	rps, burst := l.RPS, l.Burst
	if l.Overrides != nil {
		if r, b, ok := l.Overrides(customerID); ok {
			rps, burst = r, b
		}
	}
	if rps <= 0 {
		return true, 0
	}
	if burst < 1 {
		burst = 1
	}
	now := time.Now()
	if l.Now != nil {
		now = l.Now()
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.buckets == nil {
		l.buckets = make(map[bucketKey]*bucket)
	}
	l.sweepIdle(now, rps, burst)
	kb := l.fill(bucketKey{customerID, keyID}, now, rps, burst)
	cb := l.fill(bucketKey{customerID, -1}, now, rps, burst)
	if kb.tokens >= 1 && cb.tokens >= 1 {
		kb.tokens--
		cb.tokens--
		return true, 0
	}
	need := max(1-kb.tokens, 1-cb.tokens)
	return false, time.Duration(math.Ceil(need / rps * float64(time.Second)))
}

// fill returns the bucket of k refilled up to now.
func (l *RateLimiter) fill(k bucketKey, now time.Time, rps float64, burst int) *bucket {
	b := l.buckets[k]
	if b == nil {
		b = &bucket{tokens: float64(burst), last: now}
		l.buckets[k] = b
		return b
	}
	if d := now.Sub(b.last); d > 0 {
		b.tokens = min(float64(burst), b.tokens+d.Seconds()*rps)
		b.last = now
	}
	return b
}

// sweepIdle forgets, at most once a minute, the buckets full again (they
// start full when next used): the map holds only recent clients.
func (l *RateLimiter) sweepIdle(now time.Time, rps float64, burst int) {
	if now.Sub(l.sweep) < time.Minute {
		return
	}
	l.sweep = now
	full := time.Duration(float64(burst) / rps * float64(time.Second))
	for k, b := range l.buckets {
		if now.Sub(b.last) > full {
			delete(l.buckets, k)
		}
	}
}

// RateOverrides keeps the operators' per-customer rate limits
// (store.RateLimitStore) in memory for RateLimiter.Overrides. It is a
// changefeed.Handler of store.ChangeRateLimit: every change reloads them
// (they are few). Load them once before serving.
type RateOverrides struct {
	Store  store.Store
	Logger *slog.Logger
	m      atomic.Pointer[map[int64]store.RateLimit]
}

// Load reads every override.
func (o *RateOverrides) Load(ctx context.Context) error {
	list, err := o.Store.RateLimits(ctx)
	if err != nil {
		return err
	}
	m := make(map[int64]store.RateLimit, len(list))
	for _, r := range list {
		m[r.CustomerID] = r
	}
	o.m.Store(&m)
	return nil
}

// Get is RateLimiter.Overrides.
func (o *RateOverrides) Get(customerID int64) (float64, int, bool) {
	m := o.m.Load()
	if m == nil {
		return 0, 0, false
	}
	r, ok := (*m)[customerID]
	return r.RPS, r.Burst, ok
}

// Changes implements changefeed.Handler: it reloads the overrides (a
// failure keeps the ones loaded and is logged; the next change or Reset
// tries again).
func (o *RateOverrides) Changes(ctx context.Context, _ []store.Change) { o.reload(ctx) }

// Reset implements changefeed.Handler.
func (o *RateOverrides) Reset(ctx context.Context) { o.reload(ctx) }

func (o *RateOverrides) reload(ctx context.Context) {
	if err := o.Load(ctx); err != nil && o.Logger != nil {
		o.Logger.Warn("rate limits: reload the per-customer overrides", "err", err)
	}
}
