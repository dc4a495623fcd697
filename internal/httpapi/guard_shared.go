package httpapi

import (
	"context"
	"time"

	"github.com/artnet-panel/artnet-panel/internal/store"
)

// The failed-login guard shared by the nodes on one database: with
// LoginGuard.Store set, every failure is counted in the database
// (store.LoginStore.LoginFail, serialised per address), so N nodes
// together allow MaxFailures per Window and a restart forgets nothing. A
// block is logged in the change log (store.ChangeLoginBlock); every node's
// change feed hands it to Changes, which copies it into the in-memory
// table that Blocked reads. The happy path (Blocked, a good login) does
// not touch the database.

// sharedTimeout bounds the database work of one failed login.
const sharedTimeout = 5 * time.Second

// failShared counts a failure of addr in the database. ok is false when the
// database could not be reached: the caller then counts in memory.
func (g *LoginGuard) failShared(addr string) (blocked, ok bool) {
	ctx, cancel := context.WithTimeout(context.Background(), sharedTimeout)
	defer cancel()
	now := g.Now()
	until, err := g.Store.LoginFail(ctx, addr, now.UnixMilli(), store.LoginPolicy{
		MaxFailures: g.MaxFailures, Window: g.Window.Milliseconds(), Block: g.Block.Milliseconds()})
	if err != nil {
		if g.Logger != nil {
			g.Logger.Warn("login guard: counting in memory only", "err", err)
		}
		return false, false
	}
	if until == 0 {
		return false, true
	}
	g.setBlock(addr, time.UnixMilli(until), now)
	return time.UnixMilli(until).After(now), true
}

// setBlock makes addr blocked until until (a later block is kept).
func (g *LoginGuard) setBlock(addr string, until, now time.Time) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if e := g.entry(addr, now); until.After(e.blockedUntil) {
		e.blockedUntil = until
	}
}

// entry returns addr's entry, made if needed (memory stays bounded:
// prune). g.mu must be held.
func (g *LoginGuard) entry(addr string, now time.Time) *guardEntry {
	if g.entries == nil {
		g.entries = make(map[string]*guardEntry)
	}
	e := g.entries[addr]
	if e == nil {
		if len(g.entries) >= g.MaxTracked {
			g.prune(now)
		}
		e = &guardEntry{}
		g.entries[addr] = e
	}
	return e
}

// Load reads the blocks in force from the database (at start).
func (g *LoginGuard) Load(ctx context.Context) error {
	if g.Store == nil {
		return nil
	}
	return g.load(ctx, "")
}

func (g *LoginGuard) load(ctx context.Context, addr string) error {
	now := g.Now()
	blocks, err := g.Store.LoginBlocks(ctx, addr, now.UnixMilli())
	if err != nil {
		return err
	}
	for a, until := range blocks {
		g.setBlock(a, time.UnixMilli(until), now)
	}
	return nil
}

// Changes implements changefeed.Handler for store.ChangeLoginBlock: a node
// blocked the addresses; block them here too.
func (g *LoginGuard) Changes(ctx context.Context, changes []store.Change) {
	if g.Store == nil {
		return
	}
	for _, c := range changes {
		if err := g.load(ctx, c.Key); err != nil && g.Logger != nil {
			g.Logger.Warn("login guard: read block", "addr", c.Key, "err", err)
		}
	}
}

// Reset implements changefeed.Handler: reload every block.
func (g *LoginGuard) Reset(ctx context.Context) {
	if err := g.Load(ctx); err != nil && g.Logger != nil {
		g.Logger.Warn("login guard: reload blocks", "err", err)
	}
}
