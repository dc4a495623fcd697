package storetest

import (
	"errors"
	"sync"
	"testing"

	"github.com/artnet-panel/artnet-panel/internal/store"
)

var idempotencyTests = []namedTest{
	{"Idempotency", testIdempotency},
	{"IdempotencyConcurrentBegin", testIdempotencyConcurrent},
}

func testIdempotency(t *testing.T, s store.Store) {
	r := store.Idempotency{CustomerID: 1, Key: "k1", Command: "additional-ip/order", Fingerprint: "f1", RequestID: "r1", CreatedAt: 1000, LockedUntil: 61000}
	got, created, err := s.IdempotencyBegin(ctx(t), r)
	if err != nil || !created || got.RequestID != "r1" || got.Done {
		t.Fatalf("begin = %+v, %v, %v", got, created, err)
	}
	// The same key of another customer is another row.
	other := r
	other.CustomerID, other.RequestID = 2, "r9"
	if _, created, err := s.IdempotencyBegin(ctx(t), other); err != nil || !created {
		t.Fatalf("another customer's key: %v, %v", created, err)
	}
	dup := r
	dup.RequestID, dup.Fingerprint = "r2", "f2"
	got, created, err = s.IdempotencyBegin(ctx(t), dup)
	if err != nil || created || got.RequestID != "r1" || got.Fingerprint != "f1" {
		t.Fatalf("second begin = %+v, %v, %v", got, created, err)
	}
	// Take-over only with the lease seen.
	if ok, err := s.IdempotencyTakeOver(ctx(t), 1, "k1", 999, "r2", 99000); err != nil || ok {
		t.Fatalf("take-over with a wrong lease: %v, %v", ok, err)
	}
	if ok, err := s.IdempotencyTakeOver(ctx(t), 1, "k1", 61000, "r2", 99000); err != nil || !ok {
		t.Fatalf("take-over: %v, %v", ok, err)
	}
	// Only the holder finishes.
	if err := s.IdempotencyFinish(ctx(t), 1, "k1", "r1", 200, []byte("old")); err != nil {
		t.Fatal(err)
	}
	if err := s.IdempotencyFinish(ctx(t), 1, "k1", "r2", 200, []byte(`{"success":true}`)); err != nil {
		t.Fatal(err)
	}
	got, err = s.IdempotencyGet(ctx(t), 1, "k1")
	if err != nil || !got.Done || got.Status != 200 || string(got.Body) != `{"success":true}` || got.RequestID != "r2" {
		t.Fatalf("get = %+v, %v", got, err)
	}
	// Release deletes only a pending row of its attempt.
	if err := s.IdempotencyRelease(ctx(t), 1, "k1", "r2"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.IdempotencyGet(ctx(t), 1, "k1"); err != nil {
		t.Fatalf("a done row was released: %v", err)
	}
	if err := s.IdempotencyRelease(ctx(t), 2, "k1", "r9"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.IdempotencyGet(ctx(t), 2, "k1"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("released row: %v", err)
	}
	// After 24 hours the key is new again.
	late := r
	late.CreatedAt, late.RequestID = 1000+store.IdempotencyTTL, "r3"
	if got, created, err := s.IdempotencyBegin(ctx(t), late); err != nil || !created || got.RequestID != "r3" {
		t.Fatalf("begin after 24 h = %+v, %v, %v", got, created, err)
	}
	if n, err := s.IdempotencyPrune(ctx(t), 2000+store.IdempotencyTTL); err != nil || n != 1 {
		t.Fatalf("prune = %d, %v", n, err)
	}
}

// testIdempotencyConcurrent: of concurrent begins of one key exactly one
// creates the row, and every caller sees that row.
func testIdempotencyConcurrent(t *testing.T, s store.Store) {
	const n = 20
	var wg sync.WaitGroup
	var mu sync.Mutex
	created := 0
	holders := map[string]bool{}
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := store.Idempotency{CustomerID: 1, Key: "c", Command: "x", Fingerprint: "f", RequestID: string(rune('a' + i)), CreatedAt: 1000, LockedUntil: 2000}
			got, ok, err := s.IdempotencyBegin(ctx(t), r)
			if err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			if ok {
				created++
			}
			holders[got.RequestID] = true
			mu.Unlock()
		}()
	}
	wg.Wait()
	if created != 1 || len(holders) != 1 {
		t.Fatalf("%d creations, holders %v", created, holders)
	}
}
