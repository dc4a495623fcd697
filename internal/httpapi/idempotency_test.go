package httpapi_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/artnet-panel/artnet-panel/internal/store"
)

// postIdem sends a command as A with an Idempotency-Key.
func postIdem(t *testing.T, e *testEnv, key, path string, pairs ...string) answer {
	t.Helper()
	v := url.Values{"id": {strconv.FormatInt(idA, 10)}, "api_key": {keyA}}
	for i := 0; i+1 < len(pairs); i += 2 {
		v.Add(pairs[i], pairs[i+1])
	}
	req, _ := http.NewRequest("POST", e.srv.URL+"/api/"+path, strings.NewReader(v.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if key != "" {
		req.Header.Set("Idempotency-Key", key)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Error(err)
		return answer{}
	}
	return readAnswer(t, resp)
}

func additionalIPs(t *testing.T, e *testEnv) int {
	t.Helper()
	list, err := e.store.ServiceList(context.Background(), store.ServiceFilter{CustomerID: idA, Type: "additional-ip"})
	if err != nil {
		t.Fatal(err)
	}
	return len(list)
}

// TestIdempotentOrderConcurrent: 20 concurrent additional-ip/order with
// one Idempotency-Key make exactly one order and get 20 identical
// answers; a later repeat gets the same answer, other parameters with the
// key are refused, and no key orders again.
func TestIdempotentOrderConcurrent(t *testing.T) {
	e := newEnv(t)
	withBGP(t, e)
	importInventory(t, e.store, rywPoolInventory)
	parent := strconv.Itoa(dedicatedA)
	before := additionalIPs(t, e)
	const n = 20
	answers := make([]answer, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			answers[i] = postIdem(t, e, `"order-7f3a"`, "additional-ip/order", "parent_service_id", parent, "ips_number", "1")
		}()
	}
	wg.Wait()
	mustOK(t, answers[0])
	replayed := 0
	for i, a := range answers {
		if string(a.raw) != string(answers[0].raw) || a.status != answers[0].status {
			t.Errorf("answer %d differs:\n%s\n%s", i, a.raw, answers[0].raw)
		}
		if a.header.Get("Idempotent-Replayed") == "true" {
			replayed++
		}
	}
	if replayed != n-1 {
		t.Errorf("%d answers replayed, want %d", replayed, n-1)
	}
	if got := additionalIPs(t, e); got != before+1 {
		t.Fatalf("%d orders made, want 1", got-before)
	}
	// A later repeat: the same answer, nothing ordered.
	again := postIdem(t, e, "order-7f3a", "additional-ip/order", "parent_service_id", parent, "ips_number", "1")
	if string(again.raw) != string(answers[0].raw) {
		t.Fatalf("repeat: %s", again.raw)
	}
	// Other parameters, or another command, with the key: refused.
	a := mustFail(t, postIdem(t, e, "order-7f3a", "additional-ip/order", "parent_service_id", parent, "ips_number", "2"), "idempotency-key-mismatch")
	if a.status != http.StatusUnprocessableEntity {
		t.Errorf("mismatch: HTTP %d", a.status)
	}
	mustFail(t, postIdem(t, e, "order-7f3a", "offer-dedicated/express-reservation", "server_id", "1"), "idempotency-key-mismatch")
	if got := additionalIPs(t, e); got != before+1 {
		t.Fatalf("%d orders made, want 1", got-before)
	}
	// A malformed key.
	if a := mustFail(t, postIdem(t, e, `"a b"`, "additional-ip/order", "parent_service_id", parent, "ips_number", "1"), "malformed-request"); a.status != http.StatusBadRequest {
		t.Errorf("malformed key: HTTP %d", a.status)
	}
	// Another key orders again; so does no key.
	mustOK(t, postIdem(t, e, "order-2", "additional-ip/order", "parent_service_id", parent, "ips_number", "1"))
	mustOK(t, postIdem(t, e, "", "additional-ip/order", "parent_service_id", parent, "ips_number", "1"))
	if got := additionalIPs(t, e); got != before+3 {
		t.Fatalf("%d orders made, want 3", got-before)
	}
	// An answer that is an error is kept too (nothing was ordered).
	first := mustFail(t, postIdem(t, e, "order-3", "additional-ip/order", "parent_service_id", parent, "ips_number", "999"), "invalid-ips-number")
	if again := postIdem(t, e, "order-3", "additional-ip/order", "parent_service_id", parent, "ips_number", "999"); string(again.raw) != string(first.raw) {
		t.Fatalf("repeat of an error: %s", again.raw)
	}
	// The journal: one ok row per order made, the repeats as replayed.
	rows, err := e.store.AuditList(context.Background(), store.AuditFilter{CustomerID: idA})
	if err != nil {
		t.Fatal(err)
	}
	results := map[string]int{}
	for _, r := range rows {
		if r.Command == "additional-ip/order" {
			results[r.Result]++
		}
	}
	if results["ok"] != 3 || results["replayed"] != n+1 { // 19 concurrent, one later, one of the error
		t.Fatalf("journal results %v", results)
	}
}
