package httpapi_test

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"net/netip"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/artnet-panel/artnet-panel/internal/panel"
	"github.com/artnet-panel/artnet-panel/internal/spec"
	"github.com/artnet-panel/artnet-panel/internal/store"
)

// createKey creates a sub-key of A with the main key and returns its key
// and public id.
func createKey(t *testing.T, e *testEnv, params ...string) (string, int64) {
	t.Helper()
	a := mustOK(t, e.asA("api-keys/create", append([]string{"label", "test key"}, params...)...))
	key, _ := a.get("api_key_details", "api_key").(string)
	id, _ := a.get("api_key_details", "key_id").(float64)
	if len(key) != panel.APIKeyLength || id <= 0 {
		t.Fatalf("create answered %s", a.raw)
	}
	return key, int64(id)
}

// dbSnapshot returns every row of every table but the audit journal, each
// table's rows printed and sorted.
func dbSnapshot(t *testing.T, e *testEnv) map[string][]string {
	t.Helper()
	db, err := sql.Open(e.db[0], e.db[1])
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	q := "SELECT name FROM sqlite_master WHERE type = 'table'"
	if e.db[0] == "pgx" {
		q = "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
	}
	rows, err := db.Query(q)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var n string
		rows.Scan(&n)
		tables = append(tables, n)
	}
	rows.Close()
	if len(tables) < 20 {
		t.Fatalf("only %d tables: %v", len(tables), tables)
	}
	snap := map[string][]string{}
	for _, table := range tables {
		if table == "audit_log" {
			continue
		}
		rows, err := db.Query("SELECT * FROM " + table)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		var list []string
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			list = append(list, fmt.Sprintf("%v", vals))
		}
		rows.Close()
		slices.Sort(list)
		snap[table] = list
	}
	return snap
}

// TestSubKeyReadOnly: a read-only sub-key reads every read command of the
// catalogue (none refused) and every command that changes something is
// refused with api-key-out-of-scope, changes nothing in the database, and
// is journaled with the key's id.
func TestSubKeyReadOnly(t *testing.T) {
	e := newEnv(t)
	key, keyID := createKey(t, e, "scope[]", "read-only")
	request := func(cmd spec.Command) answer {
		v := url.Values{}
		fill(v, cmd.Params, "", func(name string) string {
			if name == "service_id" {
				return moduleServiceOfA(cmd.Module)
			}
			return idsOfA[name]
		})
		v.Set("id", strconv.FormatInt(idA, 10))
		v.Set("api_key", key)
		return e.post("/api/"+cmd.Path(), "application/x-www-form-urlencoded", strings.NewReader(v.Encode()))
	}
	mustOK(t, e.call("customer/details", idA, key))
	mustOK(t, e.call("services/list", idA, key))
	var writes []string
	for _, cmd := range spec.All() {
		if !cmd.ReadOnly || cmd.Module == spec.APIKeysModule {
			writes = append(writes, cmd.Path())
			continue
		}
		if a := request(cmd); a.code() == "api-key-out-of-scope" || a.code() == "authorization-failed" {
			t.Errorf("%s refused to a read-only key: %s", cmd.Path(), a.raw)
		}
	}
	before := dbSnapshot(t, e)
	for _, cmd := range spec.All() {
		if slices.Contains(writes, cmd.Path()) {
			a := mustFail(t, request(cmd), "api-key-out-of-scope")
			if d := a.get("error", "description", "en"); !strings.Contains(fmt.Sprint(d), "not allowed") {
				t.Errorf("%s: description %v", cmd.Path(), d)
			}
		}
	}
	after := dbSnapshot(t, e)
	for table, rows := range before {
		if !slices.Equal(rows, after[table]) {
			t.Errorf("table %s changed:\nbefore %v\nafter  %v", table, rows, after[table])
		}
	}
	rows, err := e.store.AuditList(context.Background(), store.AuditFilter{CustomerID: idA})
	if err != nil {
		t.Fatal(err)
	}
	var journaled []string
	for _, r := range rows {
		if r.KeyID == keyID {
			if r.Result != "api-key-out-of-scope" {
				t.Errorf("journal row of the key: %+v", r)
			}
			journaled = append(journaled, r.Command)
		}
	}
	if !slices.Equal(journaled, writes) {
		t.Errorf("journaled refusals %v\nwant %v", journaled, writes)
	}
	t.Logf("%d read commands answered, %d writes refused and journaled", len(spec.All())-len(writes), len(writes))
}

// TestSubKeyDNSZone: a key scoped to dns/* for one zone manages that zone
// only, and nothing outside dns.
func TestSubKeyDNSZone(t *testing.T) {
	e := newEnv(t)
	key, _ := createKey(t, e, "scope[]", "dns/*", "service_ids[]", strconv.Itoa(zoneA))
	zone := strconv.Itoa(zoneA)
	a := mustOK(t, e.call("dns/details-primary", idA, key, "zone_id", zone))
	serial := printed(a.get("zone_details", "serial"))
	mustOK(t, e.call("dns/edit-primary-records", idA, key, "zone_id", zone, "serial", serial,
		"records[0][name]", "www", "records[0][type]", "A", "records[0][data1]", "192.0.2.10"))
	// Another zone of A, a zone that does not exist, a command naming no
	// zone, and another module.
	other := mustOK(t, e.asA("dns/add-primary", "domain", "other.acme.test"))
	otherID := printed(other.get("zone_details", "id"))
	mustFail(t, e.call("dns/details-primary", idA, key, "zone_id", otherID), "api-key-out-of-scope")
	mustFail(t, e.call("dns/delete", idA, key, "zone_id", otherID), "api-key-out-of-scope")
	mustFail(t, e.call("dns/details-primary", idA, key, "zone_id", missingID), "api-key-out-of-scope")
	mustFail(t, e.call("dns/list", idA, key), "api-key-out-of-scope")
	mustFail(t, e.call("dns/add-primary", idA, key, "domain", "third.acme.test"), "api-key-out-of-scope")
	mustFail(t, e.call("customer/details", idA, key), "api-key-out-of-scope")
	mustFail(t, e.call("api-keys/list", idA, key), "api-key-out-of-scope")
	mustOK(t, e.asA("dns/details-primary", "zone_id", otherID))
	// The key is A's: B's id with it is a failed login.
	mustFail(t, e.call("dns/details-primary", idB, key, "zone_id", zone), "authorization-failed")
}

// TestSubKeySourcePrefix: a key limited to a prefix is refused from
// another address, directly and through a trusted proxy.
func TestSubKeySourcePrefix(t *testing.T) {
	e := newEnv(t)
	key, _ := createKey(t, e, "scope[]", "read-only", "source_prefixes[]", "192.0.2.0/24", "source_prefixes[]", "2001:db8:1::5")
	mustFail(t, e.call("customer/details", idA, key), "api-key-out-of-scope") // from 127.0.0.1
	// Another key of A from loopback works: the refusal is the key's own.
	loop, _ := createKey(t, e, "scope[]", "read-only", "source_prefixes[]", "127.0.0.0/8")
	mustOK(t, e.call("customer/details", idA, loop))

	e.api.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}
	via := func(forwarded string) answer {
		v := url.Values{"id": {strconv.FormatInt(idA, 10)}, "api_key": {key}}
		req, _ := http.NewRequest("POST", e.srv.URL+"/api/customer/details", strings.NewReader(v.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Forwarded-For", forwarded)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		return readAnswer(t, resp)
	}
	mustOK(t, via("192.0.2.77"))
	mustOK(t, via("2001:db8:1::5"))
	mustFail(t, via("198.51.100.1"), "api-key-out-of-scope")
	mustFail(t, via("2001:db8:1::6"), "api-key-out-of-scope")
	// The client's own X-Forwarded-For before the proxy's hop counts for nothing.
	mustFail(t, via("192.0.2.77, 198.51.100.1"), "api-key-out-of-scope")
	// Without the trusted proxy the header is ignored.
	e.api.TrustedProxies = nil
	mustFail(t, via("192.0.2.77"), "api-key-out-of-scope")
}

// TestSubKeyLifecycle: expiry, management rights, the main key's
// regeneration and API access.
func TestSubKeyLifecycle(t *testing.T) {
	e := newEnv(t)
	e.api.Guard.MaxFailures = 1 << 30
	now := time.Now()
	e.api.Panel.Now = func() time.Time { return now }
	exp := strconv.FormatInt(now.Unix()+100, 10)
	key, keyID := createKey(t, e, "scope[]", "read-only", "expires_at", exp)
	mustOK(t, e.call("customer/details", idA, key))
	now = now.Add(101 * time.Second)
	mustFail(t, e.call("customer/details", idA, key), "authorization-failed")
	mustFail(t, e.asA("api-keys/create", "label", "past", "scope[]", "read-only", "expires_at", exp), "incorrect-param-value")

	// Bad parameters.
	mustFail(t, e.asA("api-keys/create", "label", "x", "scope[]", "nosuch/*"), "incorrect-param-value")
	mustFail(t, e.asA("api-keys/create", "label", "x", "scope[]", "dns/nosuch"), "incorrect-param-value")
	mustFail(t, e.asA("api-keys/create", "label", "x", "scope[]", "dns/*", "source_prefixes[]", "not-an-address"), "incorrect-param-value")
	mustFail(t, e.asA("api-keys/create", "label", "", "scope[]", "dns/*"), "incorrect-param-value")

	// The list shows every key without the key itself.
	list := mustOK(t, e.asA("api-keys/list"))
	items, _ := list.get("api_keys_list").([]any)
	if len(items) != 1 || printed(list.get("api_keys_list", "0", "key_id")) != printed(keyID) ||
		list.get("api_keys_list", "0", "api_key") != nil || printed(list.get("api_keys_list", "0", "expires_at")) != exp {
		t.Fatalf("list: %s", list.raw)
	}

	// A manager key (api-keys/* and dns/*) creates keys within its limits only.
	mgr, _ := createKey(t, e, "scope[]", "api-keys/*", "scope[]", "dns/*")
	ro, _ := createKey(t, e, "scope[]", "read-only")
	mustFail(t, e.call("api-keys/create", idA, ro, "label", "y", "scope[]", "read-only"), "api-key-out-of-scope")
	mustFail(t, e.call("api-keys/create", idA, mgr, "label", "y", "scope[]", "read-only"), "api-key-out-of-scope")
	mustFail(t, e.call("api-keys/create", idA, mgr, "label", "y", "scope[]", "customer/*"), "api-key-out-of-scope")
	a := mustOK(t, e.call("api-keys/create", idA, mgr, "label", "y", "scope[]", "dns/list"))
	sub, _ := a.get("api_key_details", "api_key").(string)
	mustOK(t, e.call("dns/list", idA, sub))
	mustFail(t, e.call("dns/details-primary", idA, sub, "zone_id", strconv.Itoa(zoneA)), "api-key-out-of-scope")
	subID := printed(a.get("api_key_details", "key_id"))
	mustOK(t, e.call("api-keys/delete", idA, mgr, "key_id", subID))
	mustFail(t, e.call("dns/list", idA, sub), "authorization-failed")
	mustFail(t, e.asA("api-keys/delete", "key_id", subID), "invalid-key-id")
	// Another customer cannot delete A's key.
	mustFail(t, e.asB("api-keys/delete", "key_id", printed(keyID)), "invalid-key-id")

	// No sub-key replaces the main key, whatever its scope.
	cust, _ := createKey(t, e, "scope[]", "customer/*")
	mustOK(t, e.call("customer/get-language", idA, cust))
	mustFail(t, e.call("customer/regenerate-api-key", idA, cust), "api-key-out-of-scope")
	mustOK(t, e.asA("customer/details"))

	// Regenerating the main key leaves sub-keys alone; API access off
	// disables them all.
	newMain := mustOK(t, e.asA("customer/regenerate-api-key")).get("api_key").(string)
	mustOK(t, e.call("customer/details", idA, ro))
	if err := e.api.Panel.SetAPIAccess(context.Background(), idA, false); err != nil {
		t.Fatal(err)
	}
	mustFail(t, e.call("customer/details", idA, ro), "authorization-failed")
	mustFail(t, e.call("customer/details", idA, newMain), "authorization-failed")
	if err := e.api.Panel.SetAPIAccess(context.Background(), idA, true); err != nil {
		t.Fatal(err)
	}
	mustOK(t, e.call("customer/details", idA, ro))
}
