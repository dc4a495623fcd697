package artnet_test

import (
	"context"
	"errors"
	"github.com/artnet-panel/artnet-panel/internal/driver/powersim"
	"github.com/artnet-panel/artnet-panel/internal/power"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync/atomic"
	"testing"

	"github.com/artnet-panel/artnet-panel/artnet"
	"github.com/artnet-panel/artnet-panel/internal/demo"
	"github.com/artnet-panel/artnet-panel/internal/httpapi"
	"github.com/artnet-panel/artnet-panel/internal/inventory"
	"github.com/artnet-panel/artnet-panel/internal/panel"
	"github.com/artnet-panel/artnet-panel/internal/store/sqlite"
)

// The demo customer (internal/demo): one service of each of the 13 types.
const (
	demoID  = 19052
	demoKey = "DEMOkeyDEMOkeyDEMOkeyDEMOkeyDEMOkey12345"
)

// Demo services by type.
const (
	svcDedicated    = 12345
	svcColocation   = 12346
	svcVPS          = 12347
	svcDomain       = 12348
	svcAdditionalIP = 12349
	svcAVX          = 12350
	svcEasyISP      = 12351
	svcHosting      = 12352
	svcFOIP         = 12353
	svcLink         = 12354
	svcSoftware     = 12355
	svcSSL          = 12356
	svcOther        = 12357
)

// testServer is a real artnetd API over a fresh SQLite database holding
// the demo inventory.
type testServer struct {
	t        *testing.T
	api      *httpapi.Server
	srv      *httptest.Server
	requests atomic.Int64 // requests received
}

func newServer(t *testing.T) *testServer {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "sdk.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	inv, err := demo.Inventory()
	if err != nil {
		t.Fatal(err)
	}
	inv.Customers[0].APIKey = demoKey
	if err := inventory.Import(ctx, st, inv); err != nil {
		t.Fatal(err)
	}
	ts := &testServer{t: t}
	p := panel.New(st)
	p.Power = &power.Registry{} // as under --demo: the demo VPS is on a simulated switch
	p.Power.Register("sim", powersim.New(st))
	ts.api = httpapi.New(p, slog.New(slog.DiscardHandler))
	ts.api.Ready.Store(true)
	ts.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ts.requests.Add(1)
		ts.api.ServeHTTP(w, r)
	}))
	t.Cleanup(ts.srv.Close)
	return ts
}

// client returns a client of the demo customer.
func (s *testServer) client(opts ...artnet.Option) *artnet.Client {
	return s.clientAs(demoID, demoKey, opts...)
}

func (s *testServer) clientAs(id int64, key string, opts ...artnet.Option) *artnet.Client {
	opts = append([]artnet.Option{artnet.WithEndpoint(s.srv.URL + "/api"), artnet.WithRetry(0, 0)}, opts...)
	return artnet.NewClient(id, key, opts...)
}

// wantCode fails unless err is an API error with code.
func wantCode(t *testing.T, err error, code string) *artnet.Error {
	t.Helper()
	if !artnet.IsError(err, code) {
		t.Fatalf("want API error %s, got %v", code, err)
	}
	var e *artnet.Error
	if !errors.As(err, &e) || e.Description.EN == "" || e.Description.PL == "" {
		t.Fatalf("error %s without both descriptions: %#v", code, e)
	}
	return e
}

func must[T any](t *testing.T) func(v T, err error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}
