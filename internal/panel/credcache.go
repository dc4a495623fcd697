package panel

import (
	"context"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/artnet-panel/artnet-panel/internal/changefeed"
	"github.com/artnet-panel/artnet-panel/internal/store"
)

// UseCaches gives p its in-memory caches (Credentials, Services,
// ListAnchors), kept true by feed: this node's own writes drop their
// entries when they commit, before the command answers (the store's commit
// hook: SubscribeLocal), other nodes' when the feed reads the log. fresh
// says whether the feed has read the whole log recently enough for cached
// entries to be used (see idCache.Fresh). Call it before feed.Start.
func (p *Panel) UseCaches(feed *changefeed.Feed, fresh func() bool) {
	p.Credentials = &CredentialsCache{}
	p.Credentials.Fresh = fresh
	p.Credentials.keys.Fresh = fresh
	feed.SubscribeLocal(p.Credentials, store.ChangeCredentials)
	p.Services = &ServiceCache{}
	p.Services.Fresh = fresh
	feed.SubscribeLocal(p.Services, store.ChangeService)
	p.ListAnchors = &ListAnchors{Fresh: fresh}
	feed.SubscribeLocal(p.ListAnchors, store.ChangeServiceList)
}

// idCache keeps rows by id in memory for a cache that the change feed
// invalidates (CredentialsCache, ServiceCache). Entries are used only
// while Fresh says the change log has been read recently; otherwise every
// lookup goes to the database. Rows that do not exist are not cached.
type idCache[V any] struct {
	// Fresh reports whether every change committed more than the allowed
	// staleness ago has been applied (artnetd: the change feed has read
	// the whole log within the last second). Nil: always.
	Fresh func() bool
	// MaxEntries bounds the memory: when it is reached the cache is
	// emptied (0: 1,000,000).
	MaxEntries int

	entries sync.Map // int64 → V
	n       atomic.Int64
	mu      sync.Mutex // orders fills against invalidations
	epoch   atomic.Uint64
}

// get returns the row id from the cache or from load.
func (c *idCache[V]) get(id int64, load func() (V, error)) (V, error) {
	fresh := c.Fresh == nil || c.Fresh()
	if fresh {
		if v, ok := c.entries.Load(id); ok {
			return v.(V), nil
		}
	}
	epoch := c.epoch.Load()
	v, err := load()
	if err != nil || !fresh {
		return v, err
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
		if _, loaded := c.entries.Swap(id, v); !loaded {
			c.n.Add(1)
		}
	}
	c.mu.Unlock()
	return v, nil
}

// Invalidate drops the entry of id.
func (c *idCache[V]) Invalidate(id int64) {
	c.mu.Lock()
	c.epoch.Add(1)
	if _, ok := c.entries.LoadAndDelete(id); ok {
		c.n.Add(-1)
	}
	c.mu.Unlock()
}

// InvalidateAll empties the cache.
func (c *idCache[V]) InvalidateAll() {
	c.mu.Lock()
	c.epoch.Add(1)
	c.entries.Clear()
	c.n.Store(0)
	c.mu.Unlock()
}

// changes drops the entries named by the changes of kind.
func (c *idCache[V]) changes(kind string, changes []store.Change) {
	for _, ch := range changes {
		if ch.Kind != kind {
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

// CredentialsCache keeps customers' API credentials (the key's hash and
// the API-access flag, never a key) in memory, so that authenticating a
// request does not read the database. It is a changefeed.Handler of
// store.ChangeCredentials: every node drops a customer's entry when the
// change log says its credentials changed (the store writes it in the
// transaction of every such change), and the node that made the change
// drops it when the transaction commits (UseCaches). Set Fresh (see
// idCache).
//
// It also keeps each customer's sub-keys (hashes, scopes: never a key),
// read only when a key is not the main key, dropped by the same changes.
type CredentialsCache struct {
	idCache[store.Credentials]
	keys idCache[[]store.APIKey]
}

func (c *CredentialsCache) lookup(ctx context.Context, st store.Store, id int64) (store.Credentials, error) {
	return c.get(id, func() (store.Credentials, error) { return st.CustomerAuth(ctx, id) })
}

func (c *CredentialsCache) lookupKeys(ctx context.Context, st store.Store, id int64) ([]store.APIKey, error) {
	return c.keys.get(id, func() ([]store.APIKey, error) { return st.APIKeyList(ctx, id) })
}

// Changes implements changefeed.Handler for store.ChangeCredentials.
func (c *CredentialsCache) Changes(_ context.Context, changes []store.Change) {
	c.changes(store.ChangeCredentials, changes)
	c.keys.changes(store.ChangeCredentials, changes)
}

// Invalidate drops the entries of customer id.
func (c *CredentialsCache) Invalidate(id int64) {
	c.idCache.Invalidate(id)
	c.keys.Invalidate(id)
}

// InvalidateAll empties the cache.
func (c *CredentialsCache) InvalidateAll() {
	c.idCache.InvalidateAll()
	c.keys.InvalidateAll()
}

// Reset implements changefeed.Handler: it empties the cache.
func (c *CredentialsCache) Reset(context.Context) { c.InvalidateAll() }

// ServiceCache keeps services' stored rows in memory, so that the read
// commands of services (services/details, the modules' details) do not
// read the database. It is a changefeed.Handler of store.ChangeService,
// which every write of an existing service logs; the node that made the
// change drops the entry when the transaction commits (UseCaches). Cached
// rows are shared: callers must not modify them. Set Fresh (see idCache).
type ServiceCache struct {
	idCache[store.Service]
}

// Changes implements changefeed.Handler for store.ChangeService.
func (c *ServiceCache) Changes(_ context.Context, changes []store.Change) {
	c.changes(store.ChangeService, changes)
}

// Reset implements changefeed.Handler: it empties the cache.
func (c *ServiceCache) Reset(context.Context) { c.InvalidateAll() }
