package driver

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// waitFor polls cond for up to two seconds.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestReconcilerFollowsGenerationRetriesAndAcks(t *testing.T) {
	var gen, runs atomic.Int64
	var failing atomic.Bool
	var mu sync.Mutex
	var acks []string
	r := &Reconciler{
		Kind:       "test",
		Generation: func(context.Context) (int64, error) { return gen.Load(), nil },
		Reconcile: func(context.Context) error {
			runs.Add(1)
			if failing.Load() {
				return errors.New("device down")
			}
			return nil
		},
		Ack: func(_ context.Context, g int64, err error) {
			mu.Lock()
			defer mu.Unlock()
			s := "ok"
			if err != nil {
				s = err.Error()
			}
			acks = append(acks, s+"@"+strconv.FormatInt(g, 10))
		},
		Follow:   5 * time.Millisecond,
		Interval: time.Hour,
	}
	ctx, cancel := context.WithCancel(context.Background())
	done, err := r.Start(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if runs.Load() != 1 {
		t.Fatalf("Start made %d reconciles, want 1", runs.Load())
	}
	lastAck := func() string {
		mu.Lock()
		defer mu.Unlock()
		if len(acks) == 0 {
			return ""
		}
		return acks[len(acks)-1]
	}
	if lastAck() != "ok@0" {
		t.Errorf("first ack %q", lastAck())
	}
	// Nothing changes: no reconcile.
	time.Sleep(50 * time.Millisecond)
	if runs.Load() != 1 {
		t.Errorf("%d reconciles without a change", runs.Load())
	}
	// Another node raised the generation.
	gen.Store(1)
	waitFor(t, "a reconcile after the generation moved", func() bool { return lastAck() == "ok@1" })
	// A failure is acknowledged and retried until it succeeds.
	failing.Store(true)
	gen.Store(2)
	waitFor(t, "the failure's ack", func() bool { return lastAck() == "device down@2" })
	n := runs.Load()
	failing.Store(false)
	waitFor(t, "a retry after the failure", func() bool { return lastAck() == "ok@2" })
	if runs.Load() <= n {
		t.Error("no retry")
	}
	r.Kick()
	m := runs.Load()
	waitFor(t, "a kick", func() bool { return runs.Load() > m })
	cancel()
	<-done
}

func TestReconcilerStartFails(t *testing.T) {
	r := &Reconciler{Kind: "test", Reconcile: func(context.Context) error { return errors.New("no netlink") }}
	if _, err := r.Start(context.Background()); err == nil {
		t.Fatal("Start succeeded though the first reconcile failed")
	}
}
