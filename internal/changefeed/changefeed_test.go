package changefeed_test

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/artnet-panel/artnet-panel/internal/changefeed"
	"github.com/artnet-panel/artnet-panel/internal/store"
	"github.com/artnet-panel/artnet-panel/internal/store/postgres"
	"github.com/artnet-panel/artnet-panel/internal/store/postgres/pgtest"
	"github.com/artnet-panel/artnet-panel/internal/store/sqlite"
)

// recorder is a Handler that remembers what it was given.
type recorder struct {
	mu     sync.Mutex
	keys   []string
	resets int
	got    chan struct{}
}

func newRecorder() *recorder { return &recorder{got: make(chan struct{}, 100)} }

func (r *recorder) Changes(_ context.Context, cs []store.Change) {
	r.mu.Lock()
	for _, c := range cs {
		r.keys = append(r.keys, c.Kind+":"+c.Key)
	}
	r.mu.Unlock()
	select {
	case r.got <- struct{}{}:
	default:
	}
}

func (r *recorder) Reset(context.Context) {
	r.mu.Lock()
	r.resets++
	r.mu.Unlock()
}

func (r *recorder) seen() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.keys)
}

func openSQLite(t *testing.T) store.Store {
	t.Helper()
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "feed.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func openPostgres(t *testing.T) *postgres.DB {
	t.Helper()
	dsn := pgtest.NewSchema(t)
	st, err := postgres.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func logChange(t *testing.T, st store.Store, kind, key string) {
	t.Helper()
	if err := st.ChangeLog(context.Background(), kind, key); err != nil {
		t.Fatal(err)
	}
}

func TestDispatchByKind(t *testing.T) {
	ctx := context.Background()
	st := openSQLite(t)
	logChange(t, st, store.ChangeDNS, "before.example") // before Start: not handed over
	f := &changefeed.Feed{Store: st, Logger: slog.New(slog.DiscardHandler)}
	dns, creds, both := newRecorder(), newRecorder(), newRecorder()
	f.Subscribe(dns, store.ChangeDNS)
	f.Subscribe(creds, store.ChangeCredentials)
	f.Subscribe(both, store.ChangeDNS, store.ChangeDriver)
	if f.Fresh(time.Hour) {
		t.Fatal("fresh before Start")
	}
	if err := f.Start(ctx); err != nil {
		t.Fatal(err)
	}
	logChange(t, st, store.ChangeDNS, "a.example")
	logChange(t, st, store.ChangeCredentials, "17")
	logChange(t, st, store.ChangeDriver, "firewall")
	logChange(t, st, store.ChangeDNS, "b.example")
	if err := f.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	if got, want := dns.seen(), []string{"dns:a.example", "dns:b.example"}; !slices.Equal(got, want) {
		t.Errorf("dns handler got %q, want %q", got, want)
	}
	if got, want := creds.seen(), []string{"credentials:17"}; !slices.Equal(got, want) {
		t.Errorf("credentials handler got %q, want %q", got, want)
	}
	if got, want := both.seen(), []string{"dns:a.example", "driver:firewall", "dns:b.example"}; !slices.Equal(got, want) {
		t.Errorf("two-kind handler got %q, want %q", got, want)
	}
	if !f.Fresh(time.Hour) {
		t.Error("not fresh after CatchUp")
	}
	last, _ := st.ChangesLast(ctx)
	if f.Position() != last {
		t.Errorf("Position = %d, want %d", f.Position(), last)
	}
	// Nothing new: nothing handed over again.
	if err := f.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	if n := len(dns.seen()); n != 2 {
		t.Errorf("dns handler got %d changes after a second CatchUp", n)
	}
}

// TestResetAfterLongSilence: a feed that has not read the log for nearly
// as long as the log is kept resets its handlers instead of reading.
func TestResetAfterLongSilence(t *testing.T) {
	ctx := context.Background()
	st := openSQLite(t)
	// Keep just over the prune period: every read after 1ms of silence
	// counts as too late.
	f := &changefeed.Feed{Store: st, Keep: time.Hour + time.Millisecond, Logger: slog.New(slog.DiscardHandler)}
	r := newRecorder()
	f.Subscribe(r, store.ChangeDNS)
	if err := f.Start(ctx); err != nil {
		t.Fatal(err)
	}
	logChange(t, st, store.ChangeDNS, "a.example")
	time.Sleep(5 * time.Millisecond)
	if err := f.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	if r.resets != 1 || len(r.seen()) != 0 {
		t.Fatalf("resets %d, changes %q; want one reset instead of the changes", r.resets, r.seen())
	}
	last, _ := st.ChangesLast(ctx)
	if f.Position() != last {
		t.Errorf("Position after reset = %d, want %d", f.Position(), last)
	}
}

// TestOutOfOrderCommits commits two transactions out of order on purpose:
// A logs its change first but commits last. A reader that stepped past
// the id of B must still see A's change (with ids handed out at insert it
// would not: A's id is lower than B's and the reader's position is already
// past it). PostgreSQL only: SQLite runs one writing transaction at a time.
func TestOutOfOrderCommits(t *testing.T) {
	ctx := context.Background()
	st := openPostgres(t)
	f := &changefeed.Feed{Store: st, Logger: slog.New(slog.DiscardHandler)}
	r := newRecorder()
	f.Subscribe(r, store.ChangeDNS)
	if err := f.Start(ctx); err != nil {
		t.Fatal(err)
	}

	aLogged, aCommit := make(chan struct{}), make(chan struct{})
	aDone := make(chan error, 1)
	go func() {
		aDone <- st.InTx(ctx, func(tx store.Store) error {
			// A real write of A first, so that A is a transaction that
			// started and wrote before B.
			if err := tx.ChangeLog(ctx, store.ChangeDNS, "a.example"); err != nil {
				return err
			}
			if _, err := tx.ChangesLast(ctx); err != nil {
				return err
			}
			close(aLogged)
			<-aCommit
			return nil
		})
	}()
	<-aLogged
	if err := st.InTx(ctx, func(tx store.Store) error {
		return tx.ChangeLog(ctx, store.ChangeDNS, "b.example")
	}); err != nil {
		t.Fatal(err)
	}
	if err := f.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	if got := r.seen(); !slices.Equal(got, []string{"dns:b.example"}) {
		t.Fatalf("after B committed: %q", got)
	}
	close(aCommit)
	if err := <-aDone; err != nil {
		t.Fatal(err)
	}
	if err := f.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	if got := r.seen(); !slices.Equal(got, []string{"dns:b.example", "dns:a.example"}) {
		t.Fatalf("after A committed: %q (A's change was stepped over)", got)
	}
}

// TestConcurrentWritersNoneMissed: many transactions on several
// connections log changes while a reader catches up as fast as it can; the
// reader must end with every change exactly once.
func TestConcurrentWritersNoneMissed(t *testing.T) {
	ctx := context.Background()
	st := openPostgres(t)
	f := &changefeed.Feed{Store: st, Logger: slog.New(slog.DiscardHandler)}
	r := newRecorder()
	f.Subscribe(r, store.ChangeDNS)
	if err := f.Start(ctx); err != nil {
		t.Fatal(err)
	}
	const writers, each = 8, 40
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			for i := range each {
				err := st.InTx(ctx, func(tx store.Store) error {
					if err := tx.ChangeLog(ctx, store.ChangeDNS, fmt.Sprintf("w%d-%d", w, i)); err != nil {
						return err
					}
					// Some work between the change and the commit.
					_, err := tx.ChangesLast(ctx)
					return err
				})
				if err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	stop := make(chan struct{})
	readerDone := make(chan struct{})
	go func() {
		defer close(readerDone)
		for {
			select {
			case <-stop:
				return
			default:
			}
			if err := f.CatchUp(ctx); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	wg.Wait()
	close(stop)
	<-readerDone
	if err := f.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	got := r.seen()
	if len(got) != writers*each {
		t.Fatalf("the reader saw %d changes, want %d", len(got), writers*each)
	}
	slices.Sort(got)
	if n := len(slices.Compact(got)); n != writers*each {
		t.Fatalf("the reader saw %d distinct changes, want %d", n, writers*each)
	}
}

// TestListenWakes: with PostgreSQL the LISTEN connection wakes a feed
// that does not poll, for changes committed through another connection
// pool (another node).
func TestListenWakes(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	dsn := pgtest.NewSchema(t)
	node1, err := postgres.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer node1.Close()
	node2, err := postgres.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer node2.Close()

	f := &changefeed.Feed{Store: node2, Poll: -1, Logger: slog.New(slog.DiscardHandler)}
	r := newRecorder()
	f.Subscribe(r, store.ChangeCredentials)
	if err := f.Start(ctx); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	defer wg.Wait()
	defer cancel()
	wg.Go(func() { f.Run(ctx) })
	connected := make(chan struct{}, 1)
	wg.Go(func() {
		node2.Listen(ctx, func() {
			select {
			case connected <- struct{}{}:
			default:
			}
			f.Wake()
		}, nil)
	})
	<-connected // the backlog wake-up: listening
	for i := range 3 {
		logChange(t, node1, store.ChangeCredentials, fmt.Sprint(i))
		select { // no poll: only a NOTIFY can have woken the feed
		case <-r.got:
		case <-time.After(30 * time.Second):
			t.Fatalf("change %d never handed over", i)
		}
	}
	if got := r.seen(); !slices.Equal(got, []string{"credentials:0", "credentials:1", "credentials:2"}) {
		t.Fatalf("got %q", got)
	}
}
