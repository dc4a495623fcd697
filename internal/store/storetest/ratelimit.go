package storetest

import (
	"errors"
	"fmt"
	"reflect"
	"testing"

	"github.com/artnet-panel/artnet-panel/internal/store"
)

var rateLimitTests = []namedTest{{"RateLimits", testRateLimits}}

func testRateLimits(t *testing.T, s store.Store) {
	a, b := newCustomer(t, s), newCustomer(t, s)
	last := mustDNSChangesLast(t, s)
	if err := s.RateLimitSet(ctx(t), store.RateLimit{CustomerID: a, RPS: 2.5, Burst: 10}); err != nil {
		t.Fatal(err)
	}
	expectKindChanges(t, s, &last, "RateLimitSet", store.ChangeRateLimit, fmt.Sprint(a))
	if err := s.RateLimitSet(ctx(t), store.RateLimit{CustomerID: b, RPS: 0, Burst: 1}); err != nil {
		t.Fatal(err)
	}
	if err := s.RateLimitSet(ctx(t), store.RateLimit{CustomerID: a, RPS: 5, Burst: 20}); err != nil {
		t.Fatal(err)
	}
	if err := s.RateLimitSet(ctx(t), store.RateLimit{CustomerID: 987654321, RPS: 1, Burst: 1}); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("missing customer: %v", err)
	}
	got, err := s.RateLimits(ctx(t))
	want := []store.RateLimit{{CustomerID: a, RPS: 5, Burst: 20}, {CustomerID: b, RPS: 0, Burst: 1}}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("RateLimits = %+v, %v; want %+v", got, err, want)
	}
	last = mustDNSChangesLast(t, s)
	if err := s.RateLimitClear(ctx(t), a); err != nil {
		t.Fatal(err)
	}
	expectKindChanges(t, s, &last, "RateLimitClear", store.ChangeRateLimit, fmt.Sprint(a))
	if got, _ := s.RateLimits(ctx(t)); len(got) != 1 || got[0].CustomerID != b {
		t.Fatalf("after clear: %+v", got)
	}
}
