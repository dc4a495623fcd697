package httpapi_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/artnet-panel/artnet-panel/internal/store"
)

func auditOf(t *testing.T, e *testEnv, customerID int64) []store.AuditEntry {
	t.Helper()
	list, err := e.store.AuditList(context.Background(), store.AuditFilter{CustomerID: customerID})
	if err != nil {
		t.Fatal(err)
	}
	return list
}

// callWithID posts a command with the X-Request-Id header set.
func (e *testEnv) callWithID(requestID, path string, id int64, key string, params ...string) answer {
	e.t.Helper()
	v := url.Values{"id": {strconv.FormatInt(id, 10)}, "api_key": {key}}
	for i := 0; i+1 < len(params); i += 2 {
		v.Add(params[i], params[i+1])
	}
	req, err := http.NewRequest("POST", e.srv.URL+"/api/"+path, strings.NewReader(v.Encode()))
	if err != nil {
		e.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Request-Id", requestID)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	return readAnswer(e.t, resp)
}

func TestAuditJournal(t *testing.T) {
	e := newEnv(t)
	// Reads are not journaled.
	mustOK(t, e.asA("customer/get-language"))
	mustOK(t, e.asA("services/list"))
	if rows := auditOf(t, e, idA); len(rows) != 0 {
		t.Fatalf("reads journaled: %+v", rows)
	}
	// A change: one row, committed with it.
	mustOK(t, e.callWithID("req-lang-1", "customer/change-language", idA, keyA, "language", "pl"))
	// A command refused before it changes anything: a failure row.
	mustFail(t, e.callWithID("req-lang-2", "customer/change-language", idA, keyA, "language", "xx"), "incorrect-param-value")
	// A new key: the answer carries it; the journal does not.
	a := mustOK(t, e.callWithID("req-key", "customer/regenerate-api-key", idA, keyA))
	newKey, _ := a.get("api_key").(string)
	if newKey == "" {
		t.Fatalf("no api_key in %s", a.raw)
	}
	// Customer B's change is B's.
	mustOK(t, e.asB("customer/change-language", "language", "en"))
	// A failed login is not journaled (the customer is not known).
	mustFail(t, e.call("customer/change-language", idA, "wrong", "language", "en"), "authorization-failed")

	rows := auditOf(t, e, idA)
	want := []struct{ command, params, result, requestID string }{
		{"customer/change-language", `{"language":"pl"}`, "ok", "req-lang-1"},
		{"customer/change-language", `{"language":"xx"}`, "incorrect-param-value", "req-lang-2"},
		{"customer/regenerate-api-key", `{}`, "ok", "req-key"},
	}
	if len(rows) != len(want) {
		t.Fatalf("journal of A: %+v", rows)
	}
	for i, w := range want {
		r := rows[i]
		if r.CustomerID != idA || r.Command != w.command || r.Params != w.params || r.Result != w.result ||
			r.RequestID != w.requestID || r.Client != "127.0.0.1" || r.At == 0 {
			t.Errorf("row %d = %+v, want %+v", i, r, w)
		}
		for _, secret := range []string{keyA, newKey} {
			if strings.Contains(r.Params, secret) || strings.Contains(r.Command, secret) {
				t.Errorf("row %d carries an API key: %+v", i, r)
			}
		}
	}
	if rows := auditOf(t, e, idB); len(rows) != 1 || rows[0].Command != "customer/change-language" || rows[0].Result != "ok" {
		t.Errorf("journal of B: %+v", rows)
	}
}

// failingEmails makes every e-mail written in a transaction fail, after
// the transaction's other writes.
type failingEmails struct{ store.Store }

var errDiskFull = errors.New("disk full")

func (s failingEmails) InTx(ctx context.Context, fn func(tx store.Store) error) error {
	return s.Store.InTx(ctx, func(tx store.Store) error { return fn(failingEmailsTx{tx}) })
}

type failingEmailsTx struct{ store.Store }

func (failingEmailsTx) EmailCreate(context.Context, *store.Email) error { return errDiskFull }

func TestAuditRolledBackChange(t *testing.T) {
	e := newEnv(t)
	e.api.Panel.Store = failingEmails{e.store}
	// change-language updates the customer, then fails to queue its
	// e-mail: the transaction rolls back with the journal row it would
	// have written, and only the failure row remains.
	a := e.asA("customer/change-language", "language", "pl")
	if a.success() {
		t.Fatalf("change-language succeeded: %s", a.raw)
	}
	if c, err := e.store.CustomerGet(context.Background(), idA); err != nil || c.Language == "pl" {
		t.Fatalf("the change was not rolled back: %+v, %v", c, err)
	}
	rows := auditOf(t, e, idA)
	if len(rows) != 1 || rows[0].Result != a.code() || rows[0].Result == "ok" || rows[0].Command != "customer/change-language" {
		t.Fatalf("journal: %+v, want one failure row with %s", rows, a.code())
	}
	if !strings.Contains(e.logBuf.String(), rows[0].RequestID) {
		t.Errorf("the internal error is not logged with the request id %s", rows[0].RequestID)
	}
	// With the store healthy again the same command commits with its row.
	e.api.Panel.Store = e.store
	mustOK(t, e.asA("customer/change-language", "language", "pl"))
	if rows := auditOf(t, e, idA); len(rows) != 2 || rows[1].Result != "ok" {
		t.Fatalf("journal: %+v", rows)
	}
}

func TestAuditNestedParams(t *testing.T) {
	e := newEnv(t)
	// customer/edit's nested object goes to the journal as an object.
	mustOK(t, e.asA("customer/edit", "customer[name]", "Acme \"quoted\"", "customer[city]", "Łódź"))
	rows := auditOf(t, e, idA) // url.Values sorts the parameters
	if len(rows) != 1 || rows[0].Params != `{"customer":{"city":"Łódź","name":"Acme \"quoted\""}}` {
		t.Fatalf("journal: %+v", rows)
	}
}

func TestTrustedProxies(t *testing.T) {
	e := newEnv(t)
	e.api.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("2001:db8::/32")}
	from := func(peer, xff string) string {
		t.Helper()
		v := url.Values{"id": {strconv.Itoa(idA)}, "api_key": {keyA}, "language": {"en"}}
		r := httptest.NewRequest("POST", "/api/customer/change-language", strings.NewReader(v.Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if xff != "" {
			for _, h := range strings.Split(xff, "|") {
				r.Header.Add("X-Forwarded-For", h)
			}
		}
		r.RemoteAddr = peer
		w := httptest.NewRecorder()
		e.api.ServeHTTP(w, r)
		mustOK(t, readAnswer(t, w.Result()))
		rows := auditOf(t, e, idA)
		return rows[len(rows)-1].Client
	}
	for _, c := range []struct{ peer, xff, want string }{
		{"192.0.2.1:1000", "", "192.0.2.1"},
		{"192.0.2.1:1000", "198.51.100.1", "192.0.2.1"},                      // untrusted peer: header ignored
		{"10.1.1.1:1000", "198.51.100.1", "198.51.100.1"},                    // trusted proxy
		{"10.1.1.1:1000", "6.6.6.6, 198.51.100.1, 10.2.2.2", "198.51.100.1"}, // a client's forged hop and a second proxy
		{"10.1.1.1:1000", "6.6.6.6|198.51.100.1", "198.51.100.1"},            // two header lines
		{"10.1.1.1:1000", "10.3.3.3, 10.2.2.2", "10.3.3.3"},                  // all trusted: the leftmost
		{"10.1.1.1:1000", "", "10.1.1.1"},                                    // no header
		{"10.1.1.1:1000", "garbage, 198.51.100.1", "198.51.100.1"},
		{"10.1.1.1:1000", "198.51.100.1, garbage", "10.1.1.1"}, // a hop that is no address ends the walk
		{"[2001:db8::5]:1000", "2001:db8:ffff::1, 2a00::9", "2a00::9"},
		{"[::ffff:10.1.1.1]:1000", "::ffff:198.51.100.2", "198.51.100.2"},
	} {
		if got := from(c.peer, c.xff); got != c.want {
			t.Errorf("peer %s, X-Forwarded-For %q: client %s, want %s", c.peer, c.xff, got, c.want)
		}
	}
}

func TestTrustedProxiesLoginGuard(t *testing.T) {
	e := newEnv(t)
	e.api.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}
	try := func(peer, xff, key string) answer {
		t.Helper()
		v := url.Values{"id": {strconv.Itoa(idA)}, "api_key": {key}}
		r := httptest.NewRequest("POST", "/api/customer/get-language", strings.NewReader(v.Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		r.Header.Set("X-Forwarded-For", xff)
		r.RemoteAddr = peer
		w := httptest.NewRecorder()
		e.api.ServeHTTP(w, r)
		return readAnswer(t, w.Result())
	}
	// Ten failures of one client behind the proxy block that client, not
	// the proxy's other clients.
	for i := range 10 {
		mustFail(t, try("10.0.0.1:1", "198.51.100.1", "wrong"+strconv.Itoa(i)), "authorization-failed")
	}
	if a := try("10.0.0.1:1", "198.51.100.1", keyA); a.status != http.StatusTooManyRequests {
		t.Fatalf("blocked client: %d %s", a.status, a.raw)
	}
	mustOK(t, try("10.0.0.1:1", "198.51.100.2", keyA))
	// An untrusted peer cannot escape its block by sending the header.
	for i := range 10 {
		mustFail(t, try("192.0.2.50:1", "198.51.100.3", "wrong"+strconv.Itoa(i)), "authorization-failed")
	}
	if a := try("192.0.2.50:1", "198.51.100.4", keyA); a.status != http.StatusTooManyRequests {
		t.Fatalf("untrusted peer with a new X-Forwarded-For: %d %s", a.status, a.raw)
	}
}
