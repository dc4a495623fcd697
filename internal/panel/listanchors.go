package panel

import (
	"context"
	"slices"
	"strconv"
	"sync"

	"github.com/artnet-panel/artnet-panel/internal/store"
)

// ListAnchors makes deep pages of services/list cheap: the API pages by
// offset, and an offset makes the database step over every earlier entry
// of the index. ListAnchors remembers, per customer and filter, where
// pages served before started ("the services at offset O are those with
// an id greater than A") and turns a later request at or beyond O into a
// keyset query that enters the index at A and steps over only the rest.
//
// Anchors hold while the customer's list does not change. It is a
// changefeed.Handler of store.ChangeServiceList (ServiceCreate logs it):
// every node drops a customer's anchors when its list changes, and, like
// the other caches, anchors are used only while Fresh says the feed is
// up to date.
type ListAnchors struct {
	// Fresh: see idCache. Nil: always.
	Fresh func() bool

	mu    sync.Mutex
	lists map[anchorKey][]anchor // each sorted by offset
	epoch uint64                 // under mu
}

type anchorKey struct {
	customer int64
	typ      string
	parent   int64
}

type anchor struct {
	offset  int
	afterID int64
}

const (
	maxAnchorLists   = 10_000
	maxAnchorsInList = 256
)

// list returns the page of f through the nearest anchor at or below
// f.Offset, and remembers the anchors the page shows.
func (a *ListAnchors) list(ctx context.Context, st store.Store, f store.ServiceFilter) ([]store.Service, error) {
	fresh := a.Fresh == nil || a.Fresh()
	key := anchorKey{f.CustomerID, f.Type, f.ParentServiceID}
	var base anchor
	a.mu.Lock()
	epoch := a.epoch
	if fresh {
		l := a.lists[key]
		i, found := slices.BinarySearchFunc(l, f.Offset, func(x anchor, o int) int { return x.offset - o })
		if found {
			base = l[i]
		} else if i > 0 {
			base = l[i-1]
		}
	}
	a.mu.Unlock()
	q := f
	q.AfterID, q.Offset = base.afterID, f.Offset-base.offset
	list, err := st.ServiceList(ctx, q)
	if err != nil || !fresh || f.Offset == 0 || len(list) == 0 {
		return list, err
	}
	// The page starts at f.Offset: after the id before its first entry.
	learn := []anchor{{f.Offset, list[0].ID - 1}}
	if f.Limit > 0 && len(list) == f.Limit {
		learn = append(learn, anchor{f.Offset + len(list), list[len(list)-1].ID})
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.epoch != epoch { // the list changed meanwhile
		return list, nil
	}
	if a.lists == nil || len(a.lists) >= maxAnchorLists {
		a.lists = make(map[anchorKey][]anchor)
	}
	l := a.lists[key]
	for _, n := range learn {
		i, found := slices.BinarySearchFunc(l, n.offset, func(x anchor, o int) int { return x.offset - o })
		if found {
			continue
		}
		if len(l) >= maxAnchorsInList {
			l = slices.Delete(l, 0, 1)
			i = max(0, i-1)
		}
		l = slices.Insert(l, i, n)
	}
	a.lists[key] = l
	return list, nil
}

// invalidate drops the customer's anchors; a may be nil.
func (a *ListAnchors) invalidate(customerID int64) {
	if a == nil {
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	a.epoch++
	for k := range a.lists {
		if k.customer == customerID {
			delete(a.lists, k)
		}
	}
}

// Changes implements changefeed.Handler for store.ChangeServiceList.
func (a *ListAnchors) Changes(_ context.Context, changes []store.Change) {
	for _, c := range changes {
		if c.Kind != store.ChangeServiceList {
			continue
		}
		id, err := strconv.ParseInt(c.Key, 10, 64)
		if err != nil {
			a.Reset(context.Background())
			continue
		}
		a.invalidate(id)
	}
}

// Reset implements changefeed.Handler: it drops every anchor.
func (a *ListAnchors) Reset(context.Context) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.epoch++
	a.lists = nil
}
