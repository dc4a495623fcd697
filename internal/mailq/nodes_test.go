package mailq_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/artnet-panel/artnet-panel/internal/mailq"
	"github.com/artnet-panel/artnet-panel/internal/panel"
	"github.com/artnet-panel/artnet-panel/internal/store"
	"github.com/artnet-panel/artnet-panel/internal/store/postgres"
	"github.com/artnet-panel/artnet-panel/internal/store/postgres/pgtest"
	"github.com/artnet-panel/artnet-panel/internal/store/sqldb"
	"github.com/artnet-panel/artnet-panel/internal/store/sqlite"
)

// TestTwoNodes: two nodes (two stores and two queues on one database)
// record a burst of e-mails alternately; each arrives exactly once.
func TestTwoNodes(t *testing.T) {
	type node struct {
		st store.Store
		db *sqldb.DB
		q  *mailq.Queue
	}
	run := func(t *testing.T, open func() (store.Store, *sqldb.DB), start func(st store.Store, db *sqldb.DB, cfg mailq.Config) (*mailq.Queue, error)) {
		srv := startSMTP(t, 3)
		cfg := mailq.Config{Sender: sender(t, srv), From: "panel@artnet.test", RetryBase: 10 * time.Millisecond, Poll: 50 * time.Millisecond}
		var nodes []node
		for range 2 {
			st, db := open()
			q, err := start(st, db, cfg)
			if err != nil {
				t.Fatal(err)
			}
			db.SetMailEnqueuer(q.Enqueuer())
			t.Cleanup(func() { stopQueue(t, q, db) })
			nodes = append(nodes, node{st, db, q})
		}
		c := newCustomer(t, nodes[0].st, "Burst", "burst@example.test", "en")
		const burst = 30
		for i := range burst {
			p := &panel.Panel{Store: nodes[i%2].st}
			if err := p.ChangeLanguage(context.Background(), c, []string{"pl", "en"}[i%2]); err != nil {
				t.Fatal(err)
			}
		}
		deadline := time.Now().Add(90 * time.Second)
		for {
			sent, err := nodes[0].st.MailList(context.Background(), store.MailSent, 0)
			if err != nil {
				t.Fatal(err)
			}
			if len(sent) == burst {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("%d of %d sent", len(sent), burst)
			}
			time.Sleep(50 * time.Millisecond)
		}
		time.Sleep(200 * time.Millisecond) // anything sent twice would arrive by now
		seen := map[string]int{}
		for _, m := range srv.messages() {
			i := strings.Index(m.data, "Message-ID: ")
			if i < 0 {
				t.Fatalf("no Message-ID in %s", m.data)
			}
			id := m.data[i : i+strings.IndexByte(m.data[i:], '\r')]
			seen[id]++
		}
		if len(seen) != burst {
			t.Fatalf("%d distinct messages, want %d", len(seen), burst)
		}
		for id, n := range seen {
			if n != 1 {
				t.Errorf("%s arrived %d times", id, n)
			}
		}
	}
	t.Run("sqlite", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "nodes.db")
		run(t, func() (store.Store, *sqldb.DB) {
			db, err := sqlite.Open(t.Context(), path)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { db.Close() })
			return db, db.DB
		}, func(st store.Store, db *sqldb.DB, cfg mailq.Config) (*mailq.Queue, error) {
			return mailq.StartSQLite(context.Background(), db.WriteDB(), st, cfg)
		})
	})
	t.Run("postgres", func(t *testing.T) {
		dsn := pgtest.NewSchema(t)
		run(t, func() (store.Store, *sqldb.DB) {
			db, err := postgres.Open(t.Context(), dsn)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { db.Close() })
			return db, db.DB
		}, func(st store.Store, db *sqldb.DB, cfg mailq.Config) (*mailq.Queue, error) {
			return mailq.StartPostgres(context.Background(), dsn, db.WriteDB(), st, cfg)
		})
	})
}
