package artnet_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/artnet-panel/artnet-panel/artnet"
	"github.com/artnet-panel/artnet-panel/internal/inventory"
)

// TestAPIKeys: a sub-key made with the SDK works in a client made as for
// the main key (NewClient(id, subKey)), within its scope only; the list
// never shows the key; deleting it ends it.
func TestAPIKeys(t *testing.T) {
	s := newServer(t)
	c := s.client()
	ctx := context.Background()
	exp := time.Now().Add(time.Hour).Truncate(time.Second)
	k, err := c.APIKeys.Create(ctx, artnet.APIKeyCreateOpts{Label: "reader", Scope: []string{artnet.ScopeReadOnly}, ExpiresAt: exp})
	if err != nil {
		t.Fatal(err)
	}
	if k.APIKey == "" || k.KeyID <= 0 || !k.ExpiresAt.Equal(exp) || k.Label != "reader" {
		t.Fatalf("created %+v", k)
	}
	sub := s.clientAs(demoID, k.APIKey)
	if _, err := sub.Customer.Details(ctx); err != nil {
		t.Fatalf("read with the sub-key: %v", err)
	}
	wantCode(t, sub.Customer.ChangeLanguage(ctx, "en"), artnet.ErrCodeAPIKeyOutOfScope)
	list, err := c.APIKeys.List(ctx)
	if err != nil || len(list) != 1 || list[0].KeyID != k.KeyID || list[0].APIKey != "" || list[0].LastUsedAt.IsZero() {
		t.Fatalf("list = %+v, %v", list, err)
	}
	_, err = sub.APIKeys.List(ctx)
	wantCode(t, err, artnet.ErrCodeAPIKeyOutOfScope)
	if err := c.APIKeys.Delete(ctx, k.KeyID); err != nil {
		t.Fatal(err)
	}
	_, err = sub.Customer.Details(ctx)
	wantCode(t, err, artnet.ErrCodeAuthorizationFailed)
	wantCode(t, c.APIKeys.Delete(ctx, k.KeyID), artnet.ErrCodeInvalidKeyID)
	if _, err := c.APIKeys.Create(ctx, artnet.APIKeyCreateOpts{Label: "x"}); err == nil || artnet.IsError(err) {
		t.Fatalf("no scope: want a client-side error, got %v", err)
	}
}

// TestIdempotentRetry: additional-ip/order carries an Idempotency-Key and
// is retried with the same key after an answer lost on the way (a proxy
// answered 502 after the server ordered); artnetd orders once and the
// retry gets the first answer.
func TestIdempotentRetry(t *testing.T) {
	s := newServer(t)
	pools, err := inventory.Parse([]byte(`{"customers": [], "ip_pools": [{"id": 7, "network": "198.51.100.0/25", "max_per_server": 64,
		"one_ip_monthly_price": [{"currency": "PLN", "price": 10, "price_brutto": 12.3}]}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if err := inventory.Import(context.Background(), s.api.Panel.Store, pools); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var keys []string
	lose := true
	inner := s.srv.Config.Handler
	s.srv.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasSuffix(r.URL.Path, "/additional-ip/order") {
			inner.ServeHTTP(w, r)
			return
		}
		mu.Lock()
		keys = append(keys, r.Header.Get("Idempotency-Key"))
		first := lose
		lose = false
		mu.Unlock()
		if first {
			// Run the order, then lose its answer, as a proxy that timed
			// out would (net/http's transport itself resends a request with
			// an Idempotency-Key on a dropped connection; a 502 it does not).
			inner.ServeHTTP(httptest.NewRecorder(), r)
			http.Error(w, "upstream timed out", http.StatusBadGateway)
			return
		}
		inner.ServeHTTP(w, r)
	})
	c := s.client(artnet.WithRetry(3, time.Millisecond))
	ctx := context.Background()
	before := must[[]artnet.Service](t)(c.AdditionalIP.List(ctx, artnet.ListOpts{}))
	d, err := c.AdditionalIP.Order(ctx, artnet.AdditionalIPOrderOpts{ParentServiceID: 12345, IPsNumber: 1})
	if err != nil {
		t.Fatalf("order through a lost answer: %v", err)
	}
	after := must[[]artnet.Service](t)(c.AdditionalIP.List(ctx, artnet.ListOpts{}))
	if len(after) != len(before)+1 || d == nil {
		t.Fatalf("%d services ordered, want 1 (%+v)", len(after)-len(before), d)
	}
	if len(keys) != 2 || keys[0] == "" || keys[0] != keys[1] {
		t.Fatalf("Idempotency-Key of the attempts: %q", keys)
	}
}
