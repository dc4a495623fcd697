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
// A bucket is one atomic number (the generic cell rate algorithm: the
// time at which the bucket would be full again), changed by compare and
// swap: requests of one customer on every CPU do not queue on a lock.
//
// Overrides, when set, gives a customer's own RPS and burst (artnetd
// admin customer rate-limit); ok false: the defaults.
type RateLimiter struct {
	RPS       float64
	Burst     int
	Overrides func(customerID int64) (rps float64, burst int, ok bool)
	// Now is the clock (tests); nil: time.Now.
	Now func() time.Time

	buckets sync.Map // bucketKey → *atomic.Int64 (Unix ns when full again)
	sweep   atomic.Int64
}

type bucketKey struct {
	customer int64
	key      int64 // sub-key id, 0 the main key, -1 the customer's bucket
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
	var now int64
	if l.Now != nil {
		now = l.Now().UnixNano()
	} else {
		now = time.Now().UnixNano()
	}
	every := int64(math.Max(1, float64(time.Second)/rps)) // ns per token
	window := every * int64(burst)
	l.sweepIdle(now)
	kb := l.bucket(bucketKey{customerID, keyID})
	ok, wait := take(kb, now, every, window)
	if !ok {
		return false, time.Duration(wait)
	}
	cb := l.bucket(bucketKey{customerID, -1})
	if ok, wait := take(cb, now, every, window); !ok {
		kb.Add(-every) // give the key's token back
		return false, time.Duration(wait)
	}
	return true, 0
}

// take takes a token of the bucket whose full time is b, or says how long
// until one is there (ns).
func take(b *atomic.Int64, now, every, window int64) (bool, int64) {
	for {
		full := b.Load()
		next := max(full, now) + every
		if next-now > window {
			return false, next - now - window
		}
		if b.CompareAndSwap(full, next) {
			return true, 0
		}
	}
}

func (l *RateLimiter) bucket(k bucketKey) *atomic.Int64 {
	if v, ok := l.buckets.Load(k); ok {
		return v.(*atomic.Int64)
	}
	v, _ := l.buckets.LoadOrStore(k, new(atomic.Int64))
	return v.(*atomic.Int64)
}

// sweepIdle forgets, at most once a minute, the buckets full again (a
// missing bucket is a full one): the map holds only recent clients.
func (l *RateLimiter) sweepIdle(now int64) {
	last := l.sweep.Load()
	if now-last < int64(time.Minute) || !l.sweep.CompareAndSwap(last, now) {
		return
	}
	l.buckets.Range(func(k, v any) bool {
		if v.(*atomic.Int64).Load() < now {
			l.buckets.CompareAndDelete(k, v)
		}
		return true
	})
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
