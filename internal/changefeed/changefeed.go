// Package changefeed lets every artnetd node hear of the changes made
// through the others: it follows the store's change log (store.ChangeStore)
// and hands each new change to the handlers subscribed to its kind.
//
// The log is the source of truth. The feed reads it every Poll (the
// safety net, and all there is with SQLite) and whenever it is woken
// (Wake): with PostgreSQL a LISTEN connection on store.ChangesChannel
// (postgres.DB.Listen) wakes it as each change commits, and wakes it again
// after every reconnect, so a node that lost its connection catches up
// from the log. Ids grow in commit order (see store.ChangeStore), so the
// feed's position is a plain id: nothing committed later can appear below
// it.
//
// Handlers run on the feed's goroutine, one batch at a time, in log order.
// A node that could not read the log for longer than the log is kept may
// have missed pruned changes: the feed then calls every handler's Reset
// (reload everything) instead.
package changefeed

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/artnet-panel/artnet-panel/internal/store"
)

// Source is what the feed reads: the store's change log, and its commit
// hook (Start gives it Committed).
type Source interface {
	ChangesSince(ctx context.Context, afterID int64, limit int) ([]store.Change, error)
	ChangesLast(ctx context.Context) (int64, error)
	ChangesPrune(ctx context.Context, before int64) error
	OnCommit(fn func(ctx context.Context, changes []store.Change))
}

// Handler receives the changes of the kinds it subscribed to.
type Handler interface {
	// Changes is called with new changes of the subscribed kinds, in log
	// order. The same key may appear more than once.
	Changes(ctx context.Context, changes []store.Change)
	// Reset is called when changes may have been missed: the handler must
	// reload all its state of the subscribed kinds.
	Reset(ctx context.Context)
}

// Funcs adapts two functions to a Handler; either may be nil.
type Funcs struct {
	OnChanges func(ctx context.Context, changes []store.Change)
	OnReset   func(ctx context.Context)
}

// Changes implements Handler.
func (f Funcs) Changes(ctx context.Context, c []store.Change) {
	if f.OnChanges != nil {
		f.OnChanges(ctx, c)
	}
}

// Reset implements Handler.
func (f Funcs) Reset(ctx context.Context) {
	if f.OnReset != nil {
		f.OnReset(ctx)
	}
}

// Defaults.
const (
	DefaultPoll = time.Second
	DefaultKeep = 24 * time.Hour
	pruneEvery  = time.Hour
	batch       = 1000
)

// Feed follows the change log. Set the fields, Subscribe, then Start
// before the subscribers load their state, and Run.
type Feed struct {
	Store Source
	// Poll is how often the log is read without a wake-up (0:
	// DefaultPoll; negative: only when woken).
	Poll time.Duration
	// Keep is how long changes stay in the log (0: DefaultKeep); the feed
	// prunes older ones about once an hour.
	Keep   time.Duration
	Logger *slog.Logger
	// Observe, when set, is called for every change applied with the time
	// from its commit (the writer's clock) to its hand-over (metrics).
	Observe func(kind string, lag time.Duration)

	mu       sync.Mutex // serialises CatchUp
	subs     []sub
	pos      int64
	started  bool
	readAt   time.Time // start of the last successful read
	prunedAt time.Time
	wake     chan struct{}

	freshAt atomic.Int64          // readAt in Unix nanoseconds, for Fresh
	local   atomic.Pointer[[]sub] // SubscribeLocal's, read by Committed without mu
}

type sub struct {
	kinds []string
	h     Handler
}

// Subscribe hands h the changes of kinds (store.ChangeDNS, ...). Call it
// before Start.
func (f *Feed) Subscribe(h Handler, kinds ...string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.subs = append(f.subs, sub{kinds: kinds, h: h})
}

// SubscribeLocal is Subscribe, and h also gets the changes this node
// commits, at once: Committed (the store's commit hook, store.OnCommit)
// hands them to h on the committing goroutine before the write returns, so
// the next read on this node shows the write. For quick handlers safe for
// concurrent use, such as cache invalidations; they see each of this
// node's changes twice (at commit and from the log), so must be
// idempotent. Call it before Start.
func (f *Feed) SubscribeLocal(h Handler, kinds ...string) {
	f.Subscribe(h, kinds...)
	f.mu.Lock()
	defer f.mu.Unlock()
	var l []sub
	if old := f.local.Load(); old != nil {
		l = append(l, *old...)
	}
	l = append(l, sub{kinds: kinds, h: h})
	f.local.Store(&l)
}

// Committed hands changes just committed by this node to the handlers of
// SubscribeLocal. Start makes it the store's commit hook.
func (f *Feed) Committed(ctx context.Context, changes []store.Change) {
	if l := f.local.Load(); l != nil {
		dispatchTo(ctx, *l, changes)
	}
}

// Start reads the log's current position: changes committed after it are
// handed to the subscribers. Subscribers load their state after Start, so
// a change committed in between is applied once more, never missed. The
// first Start also makes Committed the store's commit hook (OnCommit).
func (f *Feed) Start(ctx context.Context) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	now := time.Now()
	last, err := f.Store.ChangesLast(ctx)
	if err != nil {
		return fmt.Errorf("change feed: %w", err)
	}
	if !f.started {
		f.Store.OnCommit(f.Committed)
	}
	f.pos, f.started = last, true
	f.setRead(now)
	f.prunedAt = now
	return nil
}

// Position returns the id of the last change handed over.
func (f *Feed) Position() int64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.pos
}

// Wake asks Run to read the log now. It never blocks.
func (f *Feed) Wake() {
	select {
	case f.wakeChan() <- struct{}{}:
	default:
	}
}

func (f *Feed) wakeChan() chan struct{} {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.wake == nil {
		f.wake = make(chan struct{}, 1)
	}
	return f.wake
}

// Fresh reports whether the feed has read the whole log within maxAge: a
// change committed before the last read started has been handed over. A
// cache invalidated by the feed may be trusted only while it is fresh.
func (f *Feed) Fresh(maxAge time.Duration) bool {
	at := f.freshAt.Load()
	return at != 0 && time.Since(time.Unix(0, at)) <= maxAge
}

// LastRead returns when the last complete read of the log started.
func (f *Feed) LastRead() time.Time { return time.Unix(0, f.freshAt.Load()) }

func (f *Feed) setRead(t time.Time) {
	f.readAt = t
	f.freshAt.Store(t.UnixNano())
}

// Run reads the log every Poll and on every Wake until ctx is done. Start
// must have been called.
func (f *Feed) Run(ctx context.Context) {
	poll := f.Poll
	if poll == 0 {
		poll = DefaultPoll
	}
	var tick <-chan time.Time
	if poll > 0 {
		t := time.NewTicker(poll)
		defer t.Stop()
		tick = t.C
	}
	wake := f.wakeChan()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick:
		case <-wake:
		}
		if err := f.CatchUp(ctx); err != nil && ctx.Err() == nil {
			f.logger().Error("change feed", "err", err)
		}
	}
}

// CatchUp hands every change after the position to the subscribers and
// advances the position. About once an hour it prunes the changes older
// than Keep; a feed that could not read the log for nearly that long
// resets every subscriber instead.
func (f *Feed) CatchUp(ctx context.Context) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.started {
		return fmt.Errorf("change feed: CatchUp before Start")
	}
	keep := f.Keep
	if keep <= 0 {
		keep = DefaultKeep
	}
	now := time.Now()
	if now.Sub(f.readAt) > keep-pruneEvery {
		// Changes this node has not seen may have been pruned.
		last, err := f.Store.ChangesLast(ctx)
		if err != nil {
			return fmt.Errorf("change feed: %w", err)
		}
		f.logger().Warn("change feed: the log was not read for too long; reloading everything", "since", f.readAt)
		for _, s := range f.subs {
			s.h.Reset(ctx)
		}
		f.pos = last
		f.setRead(now)
		return nil
	}
	for {
		changes, err := f.Store.ChangesSince(ctx, f.pos, batch)
		if err != nil {
			return fmt.Errorf("change feed: read: %w", err)
		}
		f.dispatch(ctx, changes)
		if len(changes) > 0 {
			f.pos = changes[len(changes)-1].ID
		}
		if len(changes) < batch {
			break
		}
	}
	f.setRead(now)
	if now.Sub(f.prunedAt) >= pruneEvery {
		f.prunedAt = now
		if err := f.Store.ChangesPrune(ctx, now.Add(-keep).Unix()); err != nil {
			return fmt.Errorf("change feed: prune: %w", err)
		}
	}
	return nil
}

func (f *Feed) dispatch(ctx context.Context, changes []store.Change) {
	if len(changes) == 0 {
		return
	}
	if f.Observe != nil {
		now := time.Now().UnixMilli()
		for _, c := range changes {
			f.Observe(c.Kind, time.Duration(max(0, now-c.At))*time.Millisecond)
		}
	}
	dispatchTo(ctx, f.subs, changes)
}

// dispatchTo hands each subscriber the changes of its kinds.
func dispatchTo(ctx context.Context, subs []sub, changes []store.Change) {
	for _, s := range subs {
		var mine []store.Change
		for _, c := range changes {
			if slices.Contains(s.kinds, c.Kind) {
				mine = append(mine, c)
			}
		}
		if len(mine) > 0 {
			s.h.Changes(ctx, mine)
		}
	}
}

func (f *Feed) logger() *slog.Logger {
	if f.Logger == nil {
		return slog.Default()
	}
	return f.Logger
}
