package driver

import (
	"context"
	"errors"
	"log/slog"
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

// logCounter counts the records of each level and message.
type logCounter struct {
	mu sync.Mutex
	n  map[string]int
}

func (c *logCounter) Enabled(context.Context, slog.Level) bool { return true }
func (c *logCounter) Handle(_ context.Context, rec slog.Record) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.n == nil {
		c.n = map[string]int{}
	}
	c.n[rec.Level.String()+" "+rec.Message]++
	return nil
}
func (c *logCounter) WithAttrs([]slog.Attr) slog.Handler { return c }
func (c *logCounter) WithGroup(string) slog.Handler      { return c }
func (c *logCounter) count(key string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n[key]
}

// A device that keeps failing is retried with exponentially growing
// delays (10ms, 20ms, … capped at 160ms here): over about a second that
// is some ten tries, where retrying at the first delay would be about a
// hundred. The failure is logged once per distinct error, not per retry,
// and the recovery once.
func TestReconcilerBacksOffAndLogsOncePerError(t *testing.T) {
	var runs atomic.Int64
	var errText atomic.Value
	errText.Store("port 5901 in use")
	logs := &logCounter{}
	r := &Reconciler{
		Kind: "test",
		Reconcile: func(context.Context) error {
			if runs.Add(1) == 1 {
				return nil // the start succeeds
			}
			if s := errText.Load().(string); s != "" {
				return errors.New(s)
			}
			return nil
		},
		Follow:   time.Millisecond,
		Interval: time.Hour,
		RetryMin: 10 * time.Millisecond,
		RetryMax: 160 * time.Millisecond,
		Logger:   slog.New(logs),
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done, err := r.Start(ctx)
	if err != nil {
		t.Fatal(err)
	}
	r.Kick()
	// The first failure, then its retries for about a second.
	waitFor(t, "the first failure", func() bool { return runs.Load() >= 2 })
	time.Sleep(time.Second)
	n := runs.Load() - 2
	t.Logf("%d retries in about a second", n)
	if n < 3 || n > 30 {
		t.Errorf("%d retries in about a second against a failing device, want a handful (backing off to 160ms)", n)
	}
	if got := logs.count("ERROR reconcile failed"); got != 1 {
		t.Errorf("one repeated failure logged %d times, want once", got)
	}
	// Another error is logged once more; the recovery once.
	errText.Store("qemu exited")
	m := runs.Load()
	waitFor(t, "a retry with the new error", func() bool { return logs.count("ERROR reconcile failed") == 2 })
	waitFor(t, "more retries", func() bool { return runs.Load() >= m+3 })
	if got := logs.count("ERROR reconcile failed"); got != 2 {
		t.Errorf("two distinct failures logged %d times, want twice", got)
	}
	errText.Store("")
	waitFor(t, "the recovery", func() bool { return logs.count("INFO reconcile succeeded again") == 1 })
	cancel()
	<-done
}
