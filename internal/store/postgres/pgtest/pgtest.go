// Package pgtest gives tests a private PostgreSQL schema on the cluster
// named by ARTNET_TEST_POSTGRES (scripts/pgtest.sh starts a throwaway
// cluster and sets it). Tests skip loudly when it is not set.
package pgtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver
)

// EnvDSN names the environment variable holding the cluster's DSN.
const EnvDSN = "ARTNET_TEST_POSTGRES"

// BaseDSN returns the cluster's DSN, or skips t loudly when it is not set.
func BaseDSN(t testing.TB) string {
	dsn := os.Getenv(EnvDSN)
	if dsn == "" {
		t.Skip("SKIP: PostgreSQL tests not run: " + EnvDSN + " is not set (scripts/pgtest.sh starts a throwaway cluster)")
	}
	return dsn
}

// WithSearchPath returns dsn (URL or key=value form) selecting schema.
func WithSearchPath(t testing.TB, dsn, schema string) string {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		u, err := url.Parse(dsn)
		if err != nil {
			t.Fatalf("%s: %v", EnvDSN, err)
		}
		q := u.Query()
		q.Set("search_path", schema)
		u.RawQuery = q.Encode()
		return u.String()
	}
	return dsn + " search_path=" + schema
}

var admin struct {
	once sync.Once
	db   *sql.DB
	err  error
}

// NewSchema creates a uniquely named schema, dropped when the test ends,
// and returns a DSN whose search_path selects it.
func NewSchema(t testing.TB) string {
	dsn := BaseDSN(t)
	admin.once.Do(func() {
		admin.db, admin.err = sql.Open("pgx", dsn)
		if admin.err == nil {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			admin.err = admin.db.PingContext(ctx)
		}
	})
	if admin.err != nil {
		t.Fatalf("connect to %s: %v", EnvDSN, admin.err)
	}
	var b [6]byte
	rand.Read(b[:])
	schema := "artnet_test_" + hex.EncodeToString(b[:])
	if _, err := admin.db.Exec("CREATE SCHEMA " + schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		if _, err := admin.db.Exec("DROP SCHEMA " + schema + " CASCADE"); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
	})
	return WithSearchPath(t, dsn, schema)
}
