package panel

import (
	"context"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/artnet-panel/artnet-panel/internal/store"
)

// CredentialsCache keeps customers' API credentials (the key's hash and
// the API-access flag, never a key) in memory, so that authenticating a
// request does not read the database. It is a changefeed.Handler of
// store.ChangeCredentials: every node drops a customer's entry when the
// change log says its credentials changed (RegenerateAPIKey, SetAPIAccess
// and the operator's commands write it in the transaction of the change),
// and the node that made the change drops it right after the commit.
//
// Entries are used only while Fresh says the change log has been read
// recently; otherwise (a node that cannot read the log) every lookup goes
// to the database. Customers that do not exist are not cached.
type CredentialsCache struct {
	// Fresh reports whether every change committed more than the allowed
	// staleness ago has been applied (artnetd: the change feed has read
	// the whole log within the last second). Nil: always.
	Fresh func() bool
	// MaxEntries bounds the memory: when it is reached the cache is
	// emptied (0: 1,000,000).
	MaxEntries int

	entries sync.Map // int64 → store.Credentials
	n       atomic.Int64
	mu      sync.Mutex // orders fills against invalidations
	epoch   atomic.Uint64
}

// lookup returns the customer's credentials from the cache or from st.
func (c *CredentialsCache) lookup(ctx context.Context, st store.Store, id int64) (store.Credentials, error) {
	fresh := c.Fresh == nil || c.Fresh()
	if fresh {
		if v, ok := c.entries.Load(id); ok {
			return v.(store.Credentials), nil
		}
	}
	epoch := c.epoch.Load()
	cr, err := st.CustomerAuth(ctx, id)
	if err != nil || !fresh {
		return cr, err
	}
	c.mu.Lock()
	// An invalidation since the read may have been of what was read.
	if c.epoch.Load() == epoch {
		max := c.MaxEntries
		if max <= 0 {
			max = 1_000_000
		}
		if c.n.Load() >= int64(max) {
			c.entries.Clear()
			c.n.Store(0)
		}
		if _, loaded := c.entries.Swap(id, cr); !loaded {
			c.n.Add(1)
		}
	}
	c.mu.Unlock()
	return cr, nil
}

// Invalidate drops the customer's entry.
func (c *CredentialsCache) Invalidate(id int64) {
	if c == nil {
		return
	}
	c.mu.Lock()
	c.epoch.Add(1)
	if _, ok := c.entries.LoadAndDelete(id); ok {
		c.n.Add(-1)
	}
	c.mu.Unlock()
}

// InvalidateAll empties the cache.
func (c *CredentialsCache) InvalidateAll() {
	if c == nil {
		return
	}
	c.mu.Lock()
	c.epoch.Add(1)
	c.entries.Clear()
	c.n.Store(0)
	c.mu.Unlock()
}

// Changes implements changefeed.Handler: it drops the entries of the
// customers named by store.ChangeCredentials changes.
func (c *CredentialsCache) Changes(_ context.Context, changes []store.Change) {
	for _, ch := range changes {
		if ch.Kind != store.ChangeCredentials {
			continue
		}
		id, err := strconv.ParseInt(ch.Key, 10, 64)
		if err != nil {
			c.InvalidateAll()
			continue
		}
		c.Invalidate(id)
	}
}

// Reset implements changefeed.Handler: it empties the cache.
func (c *CredentialsCache) Reset(context.Context) { c.InvalidateAll() }
