// Package driver is the seam between the panel and the devices it drives
// (firewall, BGP, IPMI, SNMP, hypervisor, mail). The database holds the
// desired state of each kind; a device driver only applies it. Each kind
// has a small interface in the domain (firewall.Device, …), a simulator
// and a real driver under internal/driver/, chosen by configuration.
//
// A command applies its change to the node's device inside the
// transaction that stores it (panel code), so the call answers only once
// the device has it, or answers the module's internal-*-error with the
// database unchanged. The Reconciler here applies the whole desired state
// of one kind at start, whenever the kind's generation in the database
// moves (a change made through another node), and periodically, so a
// restarted node, a node that missed a change or a device changed by hand
// converges back.
package driver

import (
	"context"
	"log/slog"
	"time"
)

// Reconciler keeps one device kind in its desired state.
type Reconciler struct {
	// Kind names the driver kind in logs ("firewall").
	Kind string
	// Reconcile applies the whole desired state, idempotently.
	Reconcile func(ctx context.Context) error
	// Generation returns the kind's generation in the database
	// (store.DriverGeneration); nil: not followed.
	Generation func(ctx context.Context) (int64, error)
	// Follow is how often Generation is read (default 200ms: one
	// primary-key read).
	Follow time.Duration
	// Tick runs every TickEvery (default 1s) for deadlines
	// (commit-confirmed reverts, expiries) and reports whether it changed
	// the desired state.
	Tick      func(ctx context.Context) (bool, error)
	TickEvery time.Duration
	// Interval is the period of a full reconcile (default 30s).
	Interval time.Duration
	// Ack, when set, is told after every reconcile the generation read
	// before it and its error (nil: applied); nodes without a device wait
	// for these (store.DriverAckSet).
	Ack func(ctx context.Context, gen int64, err error)
	// RetryMin and RetryMax bound the retries after a failed reconcile:
	// the first comes RetryMin (default 1s) after the failure, each
	// further one twice as long after the last, at most RetryMax (default
	// 30s, or Interval when that is shorter). A change of the generation,
	// a Kick and the periodic reconcile still run at once.
	RetryMin, RetryMax time.Duration
	// Logger records failures: once per change of the error (a failure
	// repeated by the retries is logged once, with the next retry's
	// delay), and the recovery; nil discards them.
	Logger *slog.Logger

	kick chan struct{}
}

// Kick asks for a reconcile as soon as possible (it never blocks).
func (r *Reconciler) Kick() {
	select {
	case r.kickChan() <- struct{}{}:
	default:
	}
}

func (r *Reconciler) kickChan() chan struct{} {
	if r.kick == nil {
		r.kick = make(chan struct{}, 1)
	}
	return r.kick
}

// Start makes the first reconcile and returns its error: a node whose
// device cannot take the desired state should say so at start. It then
// runs the loop in the background until ctx ends; done is closed when the
// loop has stopped.
func (r *Reconciler) Start(ctx context.Context) (done <-chan struct{}, err error) {
	r.kickChan()
	var gen int64
	if r.Generation != nil {
		if gen, err = r.Generation(ctx); err != nil {
			return nil, err
		}
	}
	err = r.Reconcile(ctx)
	r.ack(ctx, gen, err)
	if err != nil {
		return nil, err
	}
	d := make(chan struct{})
	go func() {
		defer close(d)
		r.loop(ctx, gen)
	}()
	return d, nil
}

func (r *Reconciler) loop(ctx context.Context, gen int64) {
	log := r.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	follow, interval, every := r.Follow, r.Interval, r.TickEvery
	if follow <= 0 {
		follow = 200 * time.Millisecond
	}
	if every <= 0 {
		every = time.Second
	}
	if interval <= 0 {
		interval = 30 * time.Second
	}
	retryMin, retryMax := r.RetryMin, r.RetryMax
	if retryMin <= 0 {
		retryMin = time.Second
	}
	if retryMax <= 0 {
		retryMax = min(30*time.Second, interval)
	}
	retryMax = max(retryMax, retryMin)
	tick := time.NewTicker(follow)
	defer tick.Stop()
	deadlines := time.NewTicker(every)
	defer deadlines.Stop()
	full := time.NewTicker(interval)
	defer full.Stop()
	// After a failure: the error last logged, the delay before the next
	// retry and when it is due.
	var (
		lastErr string
		delay   time.Duration
		retryAt time.Time
	)
	failed := func() bool { return lastErr != "" }
	run := func(why string) {
		if r.Generation != nil {
			if g, err := r.Generation(ctx); err == nil {
				gen = g
			}
		}
		err := r.Reconcile(ctx)
		r.ack(ctx, gen, err)
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			if delay == 0 {
				delay = retryMin
			} else {
				delay = min(2*delay, retryMax)
			}
			retryAt = time.Now().Add(delay)
			if msg := err.Error(); msg != lastErr {
				log.Error("reconcile failed", "kind", r.Kind, "why", why, "err", err, "retry_in", delay)
				lastErr = msg
			} else {
				log.Debug("reconcile failed again", "kind", r.Kind, "why", why, "retry_in", delay)
			}
			return
		}
		if failed() {
			log.Info("reconcile succeeded again", "kind", r.Kind, "why", why)
		}
		lastErr, delay = "", 0
	}
	for {
		select {
		case <-ctx.Done():
			return
		case <-r.kick:
			run("kick")
		case <-full.C:
			run("periodic")
		case <-deadlines.C:
			if r.Tick == nil {
				continue
			}
			changed, err := r.Tick(ctx)
			if err != nil && ctx.Err() == nil {
				log.Error("deadline sweep failed", "kind", r.Kind, "err", err)
			}
			if changed {
				run("deadline")
			}
		case <-tick.C:
			changed := false
			if r.Generation != nil {
				g, err := r.Generation(ctx)
				if err != nil {
					if ctx.Err() == nil {
						log.Error("reading the generation failed", "kind", r.Kind, "err", err)
					}
				} else if g != gen {
					changed = true
				}
			}
			switch {
			case changed:
				run("changed")
			case failed() && !time.Now().Before(retryAt):
				run("retry")
			}
		}
	}
}

// ack reports a reconcile's outcome when Ack is set.
func (r *Reconciler) ack(ctx context.Context, gen int64, err error) {
	if r.Ack != nil && ctx.Err() == nil {
		r.Ack(ctx, gen, err)
	}
}
