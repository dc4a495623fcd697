package panel_test

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/artnet-panel/artnet-panel/internal/apperr"
	"github.com/artnet-panel/artnet-panel/internal/changefeed"
	"github.com/artnet-panel/artnet-panel/internal/panel"
	"github.com/artnet-panel/artnet-panel/internal/store"
	"github.com/artnet-panel/artnet-panel/internal/store/sqlite"
)

// countingStore counts CustomerAuth reads.
type countingStore struct {
	store.Store
	auths atomic.Int64
}

func (s *countingStore) CustomerAuth(ctx context.Context, id int64) (store.Credentials, error) {
	s.auths.Add(1)
	return s.Store.CustomerAuth(ctx, id)
}

// TestCredentialsCache: two nodes on one database, each with a cache fed
// by its change feed. Authentication reads the database once per
// customer; a key regenerated or access disabled through node 1 is refused
// by node 1 at once and by node 2 after its feed has read the log; a cache
// that is not fresh is not used.
func TestCredentialsCache(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "cache.db")
	open := func() store.Store {
		st, err := sqlite.Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		return st
	}
	type node struct {
		p     *panel.Panel
		st    *countingStore
		feed  *changefeed.Feed
		fresh atomic.Bool
	}
	newNode := func() *node {
		n := &node{st: &countingStore{Store: open()}}
		n.fresh.Store(true)
		n.p = panel.New(n.st)
		n.feed = &changefeed.Feed{Store: n.st}
		n.p.UseCaches(n.feed, n.fresh.Load)
		if err := n.feed.Start(ctx); err != nil {
			t.Fatal(err)
		}
		return n
	}
	n1, n2 := newNode(), newNode()
	id, key, err := n1.p.CreateCustomer(ctx, panel.NewCustomer{Name: "Cached", Language: "pl", Currency: "PLN"})
	if err != nil {
		t.Fatal(err)
	}
	auth := func(n *node, key string) error {
		_, err := n.p.Authenticate(ctx, id, key)
		return err
	}
	for i := range 5 {
		for _, n := range []*node{n1, n2} {
			if err := auth(n, key); err != nil {
				t.Fatalf("login %d: %v", i, err)
			}
			if err := auth(n, key+"x"); !apperr.Is(err, apperr.CodeAuthorizationFailed) {
				t.Fatalf("wrong key %d: %v", i, err)
			}
		}
	}
	if a1, a2 := n1.st.auths.Load(), n2.st.auths.Load(); a1 != 1 || a2 != 1 {
		t.Fatalf("database reads for 10 logins: node 1 %d, node 2 %d; want 1 each", a1, a2)
	}
	// A missing customer is not cached.
	for range 2 {
		if _, err := n1.p.Authenticate(ctx, id+1000, key); !apperr.Is(err, apperr.CodeAuthorizationFailed) {
			t.Fatal(err)
		}
	}
	if a := n1.st.auths.Load(); a != 3 {
		t.Fatalf("database reads after two logins of a missing customer: %d, want 3", a)
	}

	newKey, err := n1.p.RegenerateAPIKey(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if err := auth(n1, key); !apperr.Is(err, apperr.CodeAuthorizationFailed) {
		t.Fatalf("node 1 accepts the old key after regenerating it: %v", err)
	}
	if err := auth(n1, newKey); err != nil {
		t.Fatalf("node 1 refuses the new key: %v", err)
	}
	if err := auth(n2, key); err != nil {
		t.Fatalf("node 2 before reading the log: %v (the cached old key should still be accepted)", err)
	}
	if err := n2.feed.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	if err := auth(n2, key); !apperr.Is(err, apperr.CodeAuthorizationFailed) {
		t.Fatalf("node 2 accepts the old key after reading the log: %v", err)
	}
	if err := auth(n2, newKey); err != nil {
		t.Fatalf("node 2 refuses the new key: %v", err)
	}

	// Access disabled by the operator (another process: no cache).
	op := panel.New(open())
	if err := op.SetAPIAccess(ctx, id, false); err != nil {
		t.Fatal(err)
	}
	// Node 1's cache is not fresh: it reads the database.
	n1.fresh.Store(false)
	if err := auth(n1, newKey); !apperr.Is(err, apperr.CodeAuthorizationFailed) {
		t.Fatalf("node 1 with a stale cache accepts a disabled customer: %v", err)
	}
	n1.fresh.Store(true)
	for _, n := range []*node{n1, n2} {
		if err := n.feed.CatchUp(ctx); err != nil {
			t.Fatal(err)
		}
		if err := auth(n, newKey); !apperr.Is(err, apperr.CodeAuthorizationFailed) {
			t.Fatalf("a disabled customer logs in after the feed: %v", err)
		}
	}
}

// TestServiceCache: a cached service is answered without the database,
// never to another customer, and a change of its row made through another
// node is answered after this node's feed has read the log.
func TestServiceCache(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "svc.db")
	st1, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer st1.Close()
	st2, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer st2.Close()
	var ids [2]int64
	for i := range ids {
		c := store.Customer{Name: "Owner", Language: "pl", Currency: "PLN", APIAccess: true}
		if err := st1.CustomerCreate(ctx, &c); err != nil {
			t.Fatal(err)
		}
		ids[i] = c.ID
	}
	svc := store.Service{CustomerID: ids[0], Type: "dedicated", Name: "srv", Currency: "PLN", PaymentPeriod: 1,
		Details: []byte(`{"active":true}`)}
	if err := st1.ServiceCreate(ctx, &svc); err != nil {
		t.Fatal(err)
	}
	p := panel.New(st1)
	p.Services = &panel.ServiceCache{}
	feed := &changefeed.Feed{Store: st1}
	feed.Subscribe(p.Services, store.ChangeService)
	if err := feed.Start(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := p.ServiceDetails(ctx, ids[0], svc.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := p.ServiceDetails(ctx, ids[1], svc.ID); !apperr.Is(err, apperr.CodeAuthorizationFailed) {
		t.Fatalf("another customer reads a cached service: %v", err)
	}
	// Node 2 changes the row.
	if err := st2.ServiceDetailsUpdate(ctx, ids[0], svc.ID, []byte(`{"active":false}`)); err != nil {
		t.Fatal(err)
	}
	active := func() bool {
		d, err := p.ModuleDetails(ctx, ids[0], svc.ID, "dedicated")
		if err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(d)
		return strings.Contains(string(b), `"active":true`)
	}
	if !active() {
		t.Fatal("the cached row was not used before the feed read the log")
	}
	if err := feed.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	if active() {
		t.Fatal("the old row is still answered after the feed read the log")
	}
}

// TestCredentialsCacheSubKeys: two nodes on one database cache a
// customer's sub-keys beside its main key; a sub-key deleted through node 1
// is refused by node 1 at once and by node 2 once its feed has read the
// log, without a database read per request before that.
func TestCredentialsCacheSubKeys(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "subkeys.db")
	newNode := func() (*panel.Panel, *changefeed.Feed) {
		st, err := sqlite.Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		p := panel.New(st)
		feed := &changefeed.Feed{Store: st}
		p.UseCaches(feed, nil)
		if err := feed.Start(ctx); err != nil {
			t.Fatal(err)
		}
		return p, feed
	}
	p1, _ := newNode()
	p2, feed2 := newNode()
	id, _, err := p1.CreateCustomer(ctx, panel.NewCustomer{Name: "Sub", Language: "en", Currency: "PLN"})
	if err != nil {
		t.Fatal(err)
	}
	k, err := p1.CreateAPIKey(ctx, panel.Principal{CustomerID: id}, panel.NewAPIKeyParams{Label: "bot", Scope: []string{"read-only"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []*panel.Panel{p1, p2} {
		pr, err := p.AuthenticateKey(ctx, id, k.APIKey)
		if err != nil || pr.KeyID() != k.KeyID || pr.Key.Scope[0] != "read-only" {
			t.Fatalf("sub-key login: %+v, %v", pr, err)
		}
	}
	if err := p1.DeleteAPIKey(ctx, id, k.KeyID); err != nil {
		t.Fatal(err)
	}
	if _, err := p1.AuthenticateKey(ctx, id, k.APIKey); !apperr.Is(err, apperr.CodeAuthorizationFailed) {
		t.Fatalf("node 1 accepts a deleted sub-key: %v", err)
	}
	if _, err := p2.AuthenticateKey(ctx, id, k.APIKey); err != nil {
		t.Fatalf("node 2 before reading the log: %v (its cached sub-key should still be accepted)", err)
	}
	if err := feed2.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := p2.AuthenticateKey(ctx, id, k.APIKey); !apperr.Is(err, apperr.CodeAuthorizationFailed) {
		t.Fatalf("node 2 accepts a deleted sub-key after reading the log: %v", err)
	}
}
