package httpapi

import (
	"log/slog"
	"sync"
	"time"

	"github.com/artnet-panel/artnet-panel/internal/store"
)

// LoginGuard blocks client addresses that fail to log in too often: after
// MaxFailures failed logins within Window, the address is blocked for Block
// whatever it sends. Other addresses are unaffected. It is safe for
// concurrent use and keeps at most MaxTracked addresses in memory (the
// oldest quiet ones are forgotten first).
type LoginGuard struct {
	MaxFailures int
	Window      time.Duration
	Block       time.Duration
	MaxTracked  int
	Now         func() time.Time
	// Store, when set, counts the failures in the database shared by
	// every node (guard_shared.go); the blocks stay in memory here, fed by
	// the change feed (Changes, Reset).
	Store  store.LoginStore
	Logger *slog.Logger

	mu      sync.Mutex
	entries map[string]*guardEntry
}

type guardEntry struct {
	failures     []time.Time // recent failures, oldest first, at most MaxFailures
	blockedUntil time.Time
}

// NewLoginGuard returns a guard with the default policy: 10 failures in 10
// minutes block the address for 10 minutes.
func NewLoginGuard() *LoginGuard {
	return &LoginGuard{MaxFailures: 10, Window: 10 * time.Minute, Block: 10 * time.Minute, MaxTracked: 100_000, Now: time.Now}
}

// Blocked returns how long addr stays blocked, or 0 if it may try to log in.
func (g *LoginGuard) Blocked(addr string) time.Duration {
	g.mu.Lock()
	defer g.mu.Unlock()
	e := g.entries[addr]
	if e == nil {
		return 0
	}
	if d := e.blockedUntil.Sub(g.Now()); d > 0 {
		return d
	}
	return 0
}

// Fail records a failed login from addr and reports whether addr is now
// blocked.
func (g *LoginGuard) Fail(addr string) bool {
	if g.Store != nil {
		if blocked, ok := g.failShared(addr); ok {
			return blocked
		}
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	now := g.Now()
	e := g.entry(addr, now)
	// Forget failures older than the window.
	cut := 0
	for cut < len(e.failures) && now.Sub(e.failures[cut]) >= g.Window {
		cut++
	}
	e.failures = append(e.failures[cut:], now)
	if len(e.failures) > g.MaxFailures {
		e.failures = e.failures[len(e.failures)-g.MaxFailures:]
	}
	if len(e.failures) >= g.MaxFailures {
		e.blockedUntil = now.Add(g.Block)
		e.failures = e.failures[:0]
	}
	return e.blockedUntil.After(now)
}

// prune drops entries that are neither blocked nor within the window; if
// that frees nothing, it drops arbitrary unblocked entries so memory stays
// bounded.
func (g *LoginGuard) prune(now time.Time) {
	for k, e := range g.entries {
		last := time.Time{}
		if n := len(e.failures); n > 0 {
			last = e.failures[n-1]
		}
		if !e.blockedUntil.After(now) && now.Sub(last) >= g.Window {
			delete(g.entries, k)
		}
	}
	for k, e := range g.entries {
		if len(g.entries) < g.MaxTracked {
			return
		}
		if !e.blockedUntil.After(now) {
			delete(g.entries, k)
		}
	}
}
