package httpapi_test

import (
	"testing"
	"time"

	"github.com/artnet-panel/artnet-panel/internal/httpapi"
)

// TestRateLimiterBuckets: a key's bucket and its customer's bucket, with a
// clock the test moves.
func TestRateLimiterBuckets(t *testing.T) {
	now := time.Unix(1000, 0)
	l := &httpapi.RateLimiter{RPS: 2, Burst: 3, Now: func() time.Time { return now }}
	for i := range 3 {
		if ok, _ := l.Allow(1, 0); !ok {
			t.Fatalf("request %d of the burst refused", i)
		}
	}
	ok, wait := l.Allow(1, 0)
	if ok || wait != 500*time.Millisecond {
		t.Fatalf("over the burst: %v, wait %s (want 500ms: one token at 2/s)", ok, wait)
	}
	// The customer's bucket is empty too: its sub-key waits as well.
	if ok, _ := l.Allow(1, 7); ok {
		t.Fatal("a sub-key of a customer over its limit was allowed")
	}
	// Another customer is not affected.
	if ok, _ := l.Allow(2, 0); !ok {
		t.Fatal("another customer refused")
	}
	now = now.Add(500 * time.Millisecond)
	if ok, _ := l.Allow(1, 0); !ok {
		t.Fatal("refused after the refill")
	}
	if ok, _ := l.Allow(1, 0); ok {
		t.Fatal("a second token after half a second at 2/s")
	}
	// A per-customer override; RPS 0 is off.
	l.Overrides = func(id int64) (float64, int, bool) { return 0, 0, id == 1 }
	for range 100 {
		if ok, _ := l.Allow(1, 0); !ok {
			t.Fatal("refused with the limit off for the customer")
		}
	}
	off := &httpapi.RateLimiter{}
	if ok, _ := off.Allow(1, 0); !ok {
		t.Fatal("refused with no limit")
	}
}

// TestRateLimit429: over the limit the answer is HTTP 429 with
// Retry-After and the JSON envelope rate-limited; each key has its own
// bucket within the customer's.
func TestRateLimit429(t *testing.T) {
	e := newEnv(t)
	sub, _ := createKey(t, e, "scope[]", "read-only")
	e.api.RateLimit = &httpapi.RateLimiter{RPS: 0.5, Burst: 2}
	mustOK(t, e.asA("customer/details"))
	mustOK(t, e.call("customer/details", idA, sub))
	a := mustFail(t, e.asA("customer/details"), "rate-limited")
	if a.status != 429 || a.header.Get("Retry-After") != "2" {
		t.Fatalf("HTTP %d, Retry-After %q; want 429 and 2", a.status, a.header.Get("Retry-After"))
	}
	if d, _ := a.get("error", "description", "pl").(string); d == "" {
		t.Fatalf("no Polish text: %s", a.raw)
	}
	mustFail(t, e.call("customer/details", idA, sub), "rate-limited")
	// Another customer has its own buckets.
	mustOK(t, e.asB("customer/details"))
	// A failed login is not limited by the customer's bucket (the guard
	// counts it).
	mustFail(t, e.call("customer/details", idA, "Wrong0Wrong0Wrong0Wrong0Wrong0Wrong0Wrong0"), "authorization-failed")
}
