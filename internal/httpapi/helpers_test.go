package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"github.com/artnet-panel/artnet-panel/internal/changefeed"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/artnet-panel/artnet-panel/internal/demo"
	"github.com/artnet-panel/artnet-panel/internal/httpapi"
	"github.com/artnet-panel/artnet-panel/internal/inventory"
	"github.com/artnet-panel/artnet-panel/internal/panel"
	"github.com/artnet-panel/artnet-panel/internal/store"
	"github.com/artnet-panel/artnet-panel/internal/store/postgres"
	"github.com/artnet-panel/artnet-panel/internal/store/postgres/pgtest"
	"github.com/artnet-panel/artnet-panel/internal/store/sqlite"
)

// Two customers: A is the demo customer (19052, one service of each type),
// B owns a dedicated server and a domain of its own.
const (
	idA  = 19052
	keyA = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAaaaa"
	idB  = 20001
	keyB = "BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBbbbb"
	// Ids of customer B's objects.
	serviceB = 30001
	domainB  = 30002
	emailB   = 900
	zoneB    = 40001
	// Customer A's primary zone acme.test of the demo inventory (zone_id 1
	// of the isolation walk) and its serial.
	zoneA       = 1
	zoneASerial = 2025010101
)

// zoneARecords are the records of A's zone in the demo inventory
// (internal/demo/demo.json); newEnv checks that they still are.
var zoneARecords = []store.ZoneRecord{
	{Name: "@", TTL: 3600, Type: "A", Data1: "123.123.123.123"},
	{Name: "www", TTL: 3600, Type: "CNAME", Data1: "@"},
	{Name: "@", TTL: 3600, Type: "MX", Data1: "10", Data2: "mail.acme.test."},
	{Name: "mail", TTL: 300, Type: "A", Data1: "123.123.123.124"},
	{Name: "@", TTL: 3600, Type: "AAAA", Data1: "2a01:1234:5678::10"},
	{Name: "@", TTL: 3600, Type: "TXT", Data1: "v=spf1 mx a ip4:123.123.123.124 -all"},
}

const inventoryB = `{"customers":[{
  "customer": {"id": 20001, "name": "Beta Jan Kowalski", "email": "jan@beta.test", "country_code": "PL",
               "postcode": "30-001", "language": "pl", "currency": "PLN", "business": false},
  "api_key": "` + keyB + `",
  "services": [
    {"service": {"id": 30001, "type": "dedicated", "name": "Secret server of B", "expiration_time": 1900000000,
                 "payment_details": {"price": 100, "price_brutto": 123, "currency": "PLN", "payment_period": 1},
                 "parent_service_id": 0, "ip": "10.9.9.9", "custom_description": "B-private"},
     "details": {"active": true}},
    {"service": {"id": 30002, "type": "domain", "name": "beta-secret.test", "expiration_time": 1900000000,
                 "payment_details": {"price": 50, "price_brutto": 61.5, "currency": "PLN", "payment_period": 12},
                 "parent_service_id": 0, "ip": "", "custom_description": null},
     "details": {"domain_name": "beta-secret.test", "manageable": true}}
  ],
  "emails": [{"id": 900, "time": 1700000000, "address": "jan@beta.test", "subject": "B secret subject", "body": "B secret body"}],
  "dns_zones": [{"id": 40001, "domain": "beta-secret.test", "type": "primary", "serial": 2025010101,
                 "records": [{"name": "@", "ttl": 3600, "type": "A", "data1": "10.9.9.9"}]}]
}]}`

type testEnv struct {
	t      *testing.T
	store  store.Store
	api    *httpapi.Server
	srv    *httptest.Server
	logBuf *syncBuffer
	db     [2]string // database/sql driver and data source (openStoreDSN)
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// openStore opens an empty store: SQLite, or PostgreSQL (a private schema)
// when ARTNET_TEST_E2E_DB=postgres — scripts/test.sh runs this package both
// ways.
func openStore(t *testing.T) store.Store {
	st, _ := openStoreDSN(t)
	return st
}

// openStoreDSN is openStore that also says where the database is (the
// database/sql driver name and its data source), for tests that look at
// every table.
func openStoreDSN(t *testing.T) (store.Store, [2]string) {
	t.Helper()
	var st store.Store
	var err error
	var where [2]string
	if os.Getenv("ARTNET_TEST_E2E_DB") == "postgres" {
		dsn := pgtest.NewSchema(t)
		where = [2]string{"pgx", dsn}
		st, err = postgres.Open(context.Background(), dsn)
	} else {
		path := filepath.Join(t.TempDir(), "test.db")
		where = [2]string{"sqlite", path}
		st, err = sqlite.Open(context.Background(), path)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st, where
}

// testDNSSECKey seals the test zones' DNSSEC private keys.
var testDNSSECKey = []byte("artnet-panel httpapi tests 32 B!")

// newEnv starts the API on port 0 over a fresh SQLite database holding
// customers A and B, with the commands or modules disable turned off
// (Server.Disable).
func newEnv(t *testing.T, disable ...string) *testEnv {
	t.Helper()
	ctx := context.Background()
	st, where := openStoreDSN(t)
	inv, err := demo.Inventory()
	if err != nil {
		t.Fatal(err)
	}
	inv.Customers[0].APIKey = keyA
	invB, err := inventory.Parse([]byte(inventoryB))
	if err != nil {
		t.Fatal(err)
	}
	inv.Customers = append(inv.Customers, invB.Customers...)
	if err := inventory.Import(ctx, st, inv); err != nil {
		t.Fatal(err)
	}
	// A's primary zone 1 comes with the demo inventory, B's primary zone of
	// its own domain with inventoryB.
	if z, err := st.ZoneGet(ctx, idA, zoneA); err != nil || z.Domain != "acme.test" || z.Serial != zoneASerial {
		t.Fatalf("the demo inventory's zone %d: %+v, %v", zoneA, z, err)
	}
	if recs, err := st.ZoneRecords(ctx, idA, zoneA); err != nil || !reflect.DeepEqual(recs, zoneARecords) {
		t.Fatalf("the demo zone's records changed (update zoneARecords):\n%+v, %v", recs, err)
	}
	buf := &syncBuffer{}
	// The caches artnetd uses, kept true only by this node's commits (the
	// feed never reads the log): every read after a write below shows it.
	p := panel.New(st)
	p.DNSSEC = &panel.DNSSECConfig{SecretKey: testDNSSECKey}
	feed := &changefeed.Feed{Store: st, Poll: -1, Logger: slog.New(slog.DiscardHandler)}
	p.UseCaches(feed, nil)
	if err := feed.Start(ctx); err != nil {
		t.Fatal(err)
	}
	api := httpapi.New(p, slog.New(slog.NewJSONHandler(buf, nil)))
	if err := api.Disable(disable...); err != nil {
		t.Fatal(err)
	}
	api.Ready.Store(true)
	srv := httptest.NewServer(api)
	t.Cleanup(srv.Close)
	return &testEnv{t: t, store: st, api: api, srv: srv, logBuf: buf, db: where}
}

// answer is a decoded API answer.
type answer struct {
	status int
	header http.Header
	raw    []byte
	body   map[string]any
}

func (a answer) success() bool { b, _ := a.body["success"].(bool); return b }

func (a answer) code() string {
	e, _ := a.body["error"].(map[string]any)
	c, _ := e["code"].(string)
	return c
}

// get walks the decoded body along keys ("service", "name").
func (a answer) get(keys ...string) any {
	var v any = a.body
	for _, k := range keys {
		switch m := v.(type) {
		case map[string]any:
			v = m[k]
		case []any:
			i, err := strconv.Atoi(k)
			if err != nil || i >= len(m) {
				return nil
			}
			v = m[i]
		default:
			return nil
		}
	}
	return v
}

// call posts an urlencoded command as customer (id, key) with params.
func (e *testEnv) call(path string, id int64, key string, params ...string) answer {
	e.t.Helper()
	v := url.Values{}
	v.Set("id", strconv.FormatInt(id, 10))
	v.Set("api_key", key)
	for i := 0; i+1 < len(params); i += 2 {
		v.Add(params[i], params[i+1])
	}
	return e.post("/api/"+path, "application/x-www-form-urlencoded", strings.NewReader(v.Encode()))
}

// asA and asB call as the two customers.
func (e *testEnv) asA(path string, params ...string) answer {
	return e.call(path, idA, keyA, params...)
}
func (e *testEnv) asB(path string, params ...string) answer {
	return e.call(path, idB, keyB, params...)
}

func (e *testEnv) post(path, contentType string, body io.Reader) answer {
	e.t.Helper()
	resp, err := http.Post(e.srv.URL+path, contentType, body)
	if err != nil {
		e.t.Fatal(err)
	}
	return readAnswer(e.t, resp)
}

func readAnswer(t *testing.T, resp *http.Response) answer {
	t.Helper()
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	a := answer{status: resp.StatusCode, header: resp.Header, raw: raw}
	if err := json.Unmarshal(raw, &a.body); err != nil {
		t.Fatalf("answer is not a JSON object: %v: %s", err, raw)
	}
	if _, ok := a.body["success"].(bool); !ok {
		t.Fatalf("answer has no boolean success: %s", raw)
	}
	return a
}

// multipartBody encodes pairs as multipart/form-data.
func multipartBody(t *testing.T, pairs ...string) (string, *bytes.Buffer) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for i := 0; i+1 < len(pairs); i += 2 {
		if err := w.WriteField(pairs[i], pairs[i+1]); err != nil {
			t.Fatal(err)
		}
	}
	w.Close()
	return w.FormDataContentType(), &buf
}

// mustOK fails unless a is a success.
func mustOK(t *testing.T, a answer) answer {
	t.Helper()
	if a.status != 200 || !a.success() {
		t.Fatalf("want success, got %d %s", a.status, a.raw)
	}
	return a
}

// mustFail fails unless a is a failure with code (HTTP 200).
func mustFail(t *testing.T, a answer, code string) answer {
	t.Helper()
	if a.success() || a.code() != code {
		t.Fatalf("want error %s, got %d %s", code, a.status, a.raw)
	}
	desc, _ := a.get("error", "description").(map[string]any)
	if desc["pl"] == "" || desc["en"] == "" || desc["pl"] == nil || desc["en"] == nil {
		t.Fatalf("error %s without both descriptions: %s", code, a.raw)
	}
	return a
}
