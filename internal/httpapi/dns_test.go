package httpapi_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/artnet-panel/artnet-panel/internal/form"
)

// dnsClock is the fixed clock of the dns tests: serials of the day are
// 2025061501, 2025061502, ...
var dnsClock = time.Date(2025, 6, 15, 9, 30, 0, 0, time.UTC)

// zonePublished records the zones the panel announces.
type zonePublished struct {
	mu      sync.Mutex
	domains []string
}

func (z *zonePublished) ZoneChanged(_ context.Context, domain string) {
	z.mu.Lock()
	defer z.mu.Unlock()
	z.domains = append(z.domains, domain)
}

func (z *zonePublished) take() []string {
	z.mu.Lock()
	defer z.mu.Unlock()
	d := z.domains
	z.domains = nil
	return d
}

// newDNSEnv is newEnv with the fixed clock, a fake resolver (which knows
// ns.master.example and ns-local.example, the latter resolving to loopback
// only) and a recording zone publisher.
func newDNSEnv(t *testing.T) (*testEnv, *zonePublished) {
	t.Helper()
	e := newEnv(t)
	pub := &zonePublished{}
	p := e.api.Panel
	p.Now = func() time.Time { return dnsClock }
	p.Zones = pub
	p.LookupHost = func(_ context.Context, host string) ([]string, error) {
		switch host {
		case "ns.master.example":
			return []string{"198.51.100.53"}, nil
		case "ns-local.example":
			return []string{"127.0.0.1"}, nil
		}
		return nil, errors.New("no such host")
	}
	return e, pub
}

// callOrdered posts the pairs in the order given (url.Values would sort
// them, and the order of records[N] is the order of the zone).
func (e *testEnv) callOrdered(path string, id int64, key string, pairs ...string) answer {
	e.t.Helper()
	ps := []form.Pair{{Name: "id", Value: strconv.FormatInt(id, 10)}, {Name: "api_key", Value: key}}
	for i := 0; i+1 < len(pairs); i += 2 {
		ps = append(ps, form.Pair{Name: pairs[i], Value: pairs[i+1]})
	}
	return e.post("/api/"+path, "application/x-www-form-urlencoded", strings.NewReader(form.Encode(ps)))
}

// recordPairs returns records[key][field]=value pairs; each record is
// key, name, ttl, type, data1..data4 ("" fields are not sent).
func recordPairs(recs ...[]string) []string {
	var out []string
	fields := []string{"name", "ttl", "type", "data1", "data2", "data3", "data4"}
	for _, r := range recs {
		for i, f := range fields {
			if i+1 < len(r) && (r[i+1] != "" || f == "name") {
				out = append(out, "records["+r[0]+"]["+f+"]", r[i+1])
			}
		}
	}
	return out
}

func keysOf(m any) []string {
	obj, _ := m.(map[string]any)
	var keys []string
	for k := range obj {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func zoneIDOf(t *testing.T, a answer) string {
	t.Helper()
	id, ok := a.get("zone_details", "id").(float64)
	if !ok || id <= 0 {
		t.Fatalf("no zone id in %s", a.raw)
	}
	return strconv.FormatInt(int64(id), 10)
}

func TestDNSList(t *testing.T) {
	e, _ := newDNSEnv(t)
	a := mustOK(t, e.asA("dns/list"))
	list := a.get("zones_list").([]any)
	if len(list) != 1 {
		t.Fatalf("A has %d zones: %s", len(list), a.raw)
	}
	z := list[0].(map[string]any)
	if z["id"] != float64(zoneA) || z["domain"] != "acme.test" || z["type"] != "primary" {
		t.Errorf("A's zone %v", z)
	}
	if !slices.Equal(keysOf(z), []string{"domain", "id", "type"}) {
		t.Errorf("primary zone in the list has fields %v, want id, domain, type", keysOf(z))
	}
	// A secondary zone shows its master.
	mustOK(t, e.asA("dns/add-secoundary", "domain", "sec.acme.test", "master_nameserver", "ns.master.example"))
	list = mustOK(t, e.asA("dns/list")).get("zones_list").([]any)
	if len(list) != 2 || list[1].(map[string]any)["master_nameserver"] != "ns.master.example" || list[1].(map[string]any)["type"] != "secoundary" {
		t.Errorf("A's zones after add-secoundary: %v", list)
	}
	// B sees its own zone only.
	b := mustOK(t, e.asB("dns/list"))
	if list := b.get("zones_list").([]any); len(list) != 1 || list[0].(map[string]any)["id"] != float64(zoneB) {
		t.Errorf("B's zones %s", b.raw)
	}
	if strings.Contains(string(b.raw), "acme") {
		t.Errorf("B's list shows A's zones: %s", b.raw)
	}
	mustFail(t, e.call("dns/list", idA, "wrong"), "authorization-failed")
}

func TestDNSAddPrimary(t *testing.T) {
	e, pub := newDNSEnv(t)
	a := mustOK(t, e.asA("dns/add-primary", "domain", " Shop.ACME.test. "))
	zd := a.get("zone_details")
	if !slices.Equal(keysOf(zd), []string{"domain", "id", "type"}) {
		t.Errorf("zone_details fields %v", keysOf(zd))
	}
	if a.get("zone_details", "domain") != "shop.acme.test" || a.get("zone_details", "type") != "primary" {
		t.Errorf("add-primary answered %s", a.raw)
	}
	id := zoneIDOf(t, a)
	if got := pub.take(); !slices.Equal(got, []string{"shop.acme.test"}) {
		t.Errorf("published %v", got)
	}
	d := mustOK(t, e.asA("dns/details-primary", "zone_id", id))
	if d.get("zone_details", "serial") != float64(2025061501) {
		t.Errorf("new zone's serial: %s", d.raw)
	}
	if recs, ok := d.get("zone_details", "records").([]any); !ok || len(recs) != 0 {
		t.Errorf("new zone's records: %s", d.raw)
	}
	// An internationalised name is stored as punycode.
	if err := e.api.Panel.AllowDomain(t.Context(), idA, "zażółć.test"); err != nil {
		t.Fatal(err)
	}
	idn := mustOK(t, e.asA("dns/add-primary", "domain", "ZAŻÓŁĆ.test"))
	if idn.get("zone_details", "domain") != "xn--za-6ja4f8n1l.test" {
		t.Errorf("IDN zone: %s", idn.raw)
	}
	pub.take()

	for _, tc := range []struct {
		name   string
		a      answer
		code   string
		detail string
	}{
		{"missing domain", e.asA("dns/add-primary"), "incorrect-param-value", "domain"},
		{"invalid domain", e.asA("dns/add-primary", "domain", "bad..acme.test"), "incorrect-param-value", "domain"},
		{"single label", e.asA("dns/add-primary", "domain", "test"), "incorrect-param-value", "domain"},
		{"underscore", e.asA("dns/add-primary", "domain", "a_b.acme.test"), "incorrect-param-value", "domain"},
		{"another customer's domain", e.asA("dns/add-primary", "domain", "beta-secret.test"), "domain-not-allowed", ""},
		{"a domain nobody owns", e.asA("dns/add-primary", "domain", "example.org"), "domain-not-allowed", ""},
		{"existing zone", e.asA("dns/add-primary", "domain", "acme.test"), "domain-already-exists", ""},
		{"existing zone of the other type", e.asA("dns/add-primary", "domain", "ACME.TEST."), "domain-already-exists", ""},
		{"B adds A's domain", e.asB("dns/add-primary", "domain", "acme.test"), "domain-not-allowed", ""},
		{"B adds a subdomain of A's", e.asB("dns/add-primary", "domain", "www.acme.test"), "domain-not-allowed", ""},
		{"B adds its existing zone", e.asB("dns/add-primary", "domain", "beta-secret.test"), "domain-already-exists", ""},
	} {
		f := mustFail(t, tc.a, tc.code)
		if desc := fmt.Sprint(f.get("error", "description", "en")); tc.detail != "" && !strings.Contains(desc, tc.detail) {
			t.Errorf("%s: description %q does not name %s", tc.name, desc, tc.detail)
		}
	}
	if got := pub.take(); len(got) != 0 {
		t.Errorf("failures published %v", got)
	}
	// B asking for A's domain learns nothing about A's zone.
	notAllowed := e.asB("dns/add-primary", "domain", "acme.test")
	nobody := e.asB("dns/add-primary", "domain", "nobody-has-it.test")
	if string(notAllowed.raw) != string(nobody.raw) {
		t.Errorf("A's existing zone answers differently to B:\n%s\n%s", notAllowed.raw, nobody.raw)
	}
}

func TestDNSAddSecondary(t *testing.T) {
	e, pub := newDNSEnv(t)
	a := mustOK(t, e.asA("dns/add-secoundary", "domain", "sec.acme.test", "master_nameserver", "NS.Master.Example."))
	want := map[string]any{"domain": "sec.acme.test", "type": "secoundary", "master_nameserver": "ns.master.example"}
	for k, v := range want {
		if got := a.get("zone_details", k); got != v {
			t.Errorf("zone_details.%s = %v, want %v", k, got, v)
		}
	}
	if !slices.Equal(keysOf(a.get("zone_details")), []string{"domain", "id", "master_nameserver", "type"}) {
		t.Errorf("zone_details fields %v", keysOf(a.get("zone_details")))
	}
	id := zoneIDOf(t, a)
	d := mustOK(t, e.asA("dns/details-secoundary", "zone_id", id))
	if !reflect.DeepEqual(d.get("zone_details"), a.get("zone_details")) {
		t.Errorf("details-secoundary %s, add-secoundary %s", d.raw, a.raw)
	}
	ip := mustOK(t, e.asA("dns/add-secoundary", "domain", "ip.acme.test", "master_nameserver", "198.51.100.7"))
	if ip.get("zone_details", "master_nameserver") != "198.51.100.7" {
		t.Errorf("IP master: %s", ip.raw)
	}
	if got := pub.take(); !slices.Equal(got, []string{"sec.acme.test", "ip.acme.test"}) {
		t.Errorf("published %v", got)
	}
	for _, tc := range []struct {
		name string
		a    answer
		code string
	}{
		{"missing master", e.asA("dns/add-secoundary", "domain", "x.acme.test"), "incorrect-param-value"},
		{"missing domain", e.asA("dns/add-secoundary", "master_nameserver", "ns.master.example"), "incorrect-param-value"},
		{"invalid domain", e.asA("dns/add-secoundary", "domain", "x..acme.test", "master_nameserver", "ns.master.example"), "incorrect-param-value"},
		{"invalid master", e.asA("dns/add-secoundary", "domain", "x.acme.test", "master_nameserver", "ns master"), "incorrect-param-value"},
		{"loopback master", e.asA("dns/add-secoundary", "domain", "x.acme.test", "master_nameserver", "127.0.0.1"), "incorrect-param-value"},
		{"unresolvable master", e.asA("dns/add-secoundary", "domain", "x.acme.test", "master_nameserver", "ns.nowhere.example"), "unresolveable-master-nameserver"},
		{"master resolving to loopback", e.asA("dns/add-secoundary", "domain", "x.acme.test", "master_nameserver", "ns-local.example"), "unresolveable-master-nameserver"},
		{"not allowed", e.asA("dns/add-secoundary", "domain", "beta-secret.test", "master_nameserver", "ns.master.example"), "domain-not-allowed"},
		{"not allowed, unresolvable", e.asB("dns/add-secoundary", "domain", "acme.test", "master_nameserver", "ns.nowhere.example"), "domain-not-allowed"},
		{"exists", e.asA("dns/add-secoundary", "domain", "acme.test", "master_nameserver", "ns.master.example"), "domain-already-exists"},
		{"exists, unresolvable", e.asA("dns/add-secoundary", "domain", "sec.acme.test", "master_nameserver", "ns.nowhere.example"), "domain-already-exists"},
	} {
		mustFail(t, tc.a, tc.code)
	}
	if got := pub.take(); len(got) != 0 {
		t.Errorf("failures published %v", got)
	}
	if n := len(mustOK(t, e.asA("dns/list")).get("zones_list").([]any)); n != 3 {
		t.Errorf("A has %d zones after the failures, want 3", n)
	}
}

func TestDNSDetails(t *testing.T) {
	e, _ := newDNSEnv(t)
	a := mustOK(t, e.asA("dns/details-primary", "zone_id", strconv.Itoa(zoneA)))
	if !slices.Equal(keysOf(a.get("zone_details")), []string{"domain", "id", "nameservers", "records", "serial", "type"}) {
		t.Errorf("zone_details fields %v", keysOf(a.get("zone_details")))
	}
	if a.get("zone_details", "serial") != float64(zoneASerial) || a.get("zone_details", "domain") != "acme.test" ||
		a.get("zone_details", "type") != "primary" {
		t.Errorf("details-primary %s", a.raw)
	}
	if ns := fmt.Sprint(a.get("zone_details", "nameservers")); ns != "[ns1.artnet.pl ns2.artnet.pl]" {
		t.Errorf("nameservers %s", ns)
	}
	var got struct {
		ZoneDetails struct {
			Records []map[string]any `json:"records"`
		} `json:"zone_details"`
	}
	if err := json.Unmarshal(a.raw, &got); err != nil {
		t.Fatal(err)
	}
	if len(got.ZoneDetails.Records) != len(zoneARecords) {
		t.Fatalf("%d records, want %d", len(got.ZoneDetails.Records), len(zoneARecords))
	}
	for i, r := range zoneARecords {
		g := got.ZoneDetails.Records[i]
		if g["name"] != r.Name || g["ttl"] != float64(r.TTL) || g["type"] != r.Type || g["data1"] != r.Data1 || fmt.Sprint(g["data2"]) != fmt.Sprint(map[bool]any{true: nil, false: r.Data2}[r.Data2 == ""]) {
			t.Errorf("record %d = %v, want %+v", i, g, r)
		}
	}
	// Other nameservers configured.
	e.api.Panel.Nameservers = []string{"ns-a.example.net", "ns-b.example.net"}
	if ns := fmt.Sprint(mustOK(t, e.asA("dns/details-primary", "zone_id", "1")).get("zone_details", "nameservers")); ns != "[ns-a.example.net ns-b.example.net]" {
		t.Errorf("configured nameservers %s", ns)
	}

	sec := zoneIDOf(t, mustOK(t, e.asA("dns/add-secoundary", "domain", "sec.acme.test", "master_nameserver", "192.0.2.53")))
	mustFail(t, e.asA("dns/details-secoundary", "zone_id", "1"), "invalid-zone-type")
	mustFail(t, e.asA("dns/details-primary", "zone_id", sec), "invalid-zone-type")
	for _, cmd := range []string{"dns/details-primary", "dns/details-secoundary"} {
		mustFail(t, e.asA(cmd, "zone_id", missingID), "invalid-zone-id")
		mustFail(t, e.asA(cmd, "zone_id", "0"), "invalid-zone-id")
		mustFail(t, e.asA(cmd, "zone_id", "x"), "incorrect-param-value")
		mustFail(t, e.asA(cmd), "incorrect-param-value")
		// B asking for A's zones: exactly what a missing zone answers.
		for _, id := range []string{"1", sec} {
			foreign := mustFail(t, e.asB(cmd, "zone_id", id), "invalid-zone-id")
			absent := e.asB(cmd, "zone_id", missingID)
			if string(foreign.raw) != string(absent.raw) {
				t.Errorf("%s of A's zone %s for B: %s, missing zone: %s", cmd, id, foreign.raw, absent.raw)
			}
		}
	}
	// A does not see B's zone either.
	mustFail(t, e.asA("dns/details-primary", "zone_id", strconv.Itoa(zoneB)), "invalid-zone-id")
	mustOK(t, e.asB("dns/details-primary", "zone_id", strconv.Itoa(zoneB)))
}

func TestDNSDelete(t *testing.T) {
	e, pub := newDNSEnv(t)
	// B cannot delete A's zone, and learns nothing: the answer is that of a missing zone.
	foreign := mustFail(t, e.asB("dns/delete", "zone_id", "1"), "invalid-zone-id")
	absent := mustFail(t, e.asB("dns/delete", "zone_id", missingID), "invalid-zone-id")
	if string(foreign.raw) != string(absent.raw) {
		t.Errorf("B deleting A's zone: %s, a missing zone: %s", foreign.raw, absent.raw)
	}
	mustOK(t, e.asA("dns/details-primary", "zone_id", "1"))
	mustFail(t, e.asA("dns/delete", "zone_id", "one"), "incorrect-param-value")
	mustFail(t, e.asA("dns/delete"), "incorrect-param-value")
	if got := pub.take(); len(got) != 0 {
		t.Errorf("failures published %v", got)
	}

	mustOK(t, e.asA("dns/delete", "zone_id", "1"))
	if got := pub.take(); !slices.Equal(got, []string{"acme.test"}) {
		t.Errorf("published %v", got)
	}
	mustFail(t, e.asA("dns/details-primary", "zone_id", "1"), "invalid-zone-id")
	mustFail(t, e.asA("dns/delete", "zone_id", "1"), "invalid-zone-id")
	if n := len(mustOK(t, e.asA("dns/list")).get("zones_list").([]any)); n != 0 {
		t.Errorf("A has %d zones after the delete", n)
	}
	if _, err := e.store.ZoneRecords(t.Context(), idA, zoneA); err == nil {
		t.Error("the records of the deleted zone remain")
	}
	// Secondary zones are deleted too, and the domain can be added again.
	sec := zoneIDOf(t, mustOK(t, e.asA("dns/add-secoundary", "domain", "acme.test", "master_nameserver", "192.0.2.53")))
	mustOK(t, e.asA("dns/delete", "zone_id", sec))
	mustOK(t, e.asA("dns/add-primary", "domain", "acme.test"))
	// B's zone is untouched.
	mustOK(t, e.asB("dns/details-primary", "zone_id", strconv.Itoa(zoneB)))
}

func TestDNSEditPrimaryRecords(t *testing.T) {
	e, pub := newDNSEnv(t)
	edit := func(id int64, key, serial string, recs ...[]string) answer {
		t.Helper()
		return e.callOrdered("dns/edit-primary-records", id, key,
			append([]string{"zone_id", "1", "serial", serial}, recordPairs(recs...)...)...)
	}
	details := func() answer { return mustOK(t, e.asA("dns/details-primary", "zone_id", "1")) }

	// Keys in no particular order: the order sent is the zone's order.
	mustOK(t, edit(idA, keyA, strconv.Itoa(zoneASerial),
		[]string{"5", "@", "", "A", "192.0.2.1"},
		[]string{"2", "", "300", "aaaa", "2001:DB8::1"},
		[]string{"10", "www", "", "CNAME", "@"},
		[]string{"1", "@", "", "MX", "10", "mail"},
		[]string{"0", "mail", "60", "A", "192.0.2.2"},
		[]string{"11", "@", "", "TXT", "v=spf1 mx -all"},
		[]string{"3", "_sip._tcp", "", "SRV", "10", "5", "5060", "sip.example.net."},
		[]string{"4", "@", "", "CAA", "0", "issue", "letsencrypt.org"},
		[]string{"9", "dev", "", "NS", "ns1.example.net."},
	))
	if got := pub.take(); !slices.Equal(got, []string{"acme.test"}) {
		t.Errorf("published %v", got)
	}
	d := details()
	if d.get("zone_details", "serial") != float64(2025061501) {
		t.Errorf("serial after the first edit of the day: %v", d.get("zone_details", "serial"))
	}
	var got struct {
		ZoneDetails struct {
			Records []struct {
				Name, Type, Data1, Data2, Data3, Data4 string
				TTL                                    int64
			} `json:"records"`
		} `json:"zone_details"`
	}
	if err := json.Unmarshal(d.raw, &got); err != nil {
		t.Fatal(err)
	}
	var summary []string
	for _, r := range got.ZoneDetails.Records {
		summary = append(summary, fmt.Sprintf("%s %d %s %s %s %s %s", r.Name, r.TTL, r.Type, r.Data1, r.Data2, r.Data3, r.Data4))
	}
	want := []string{
		"@ 3600 A 192.0.2.1   ",
		" 300 AAAA 2001:db8::1   ",
		"www 3600 CNAME @   ",
		"@ 3600 MX 10 mail  ",
		"mail 60 A 192.0.2.2   ",
		"@ 3600 TXT v=spf1 mx -all   ",
		"_sip._tcp 3600 SRV 10 5 5060 sip.example.net.",
		"@ 3600 CAA 0 issue letsencrypt.org ",
		"dev 3600 NS ns1.example.net.   ",
	}
	if !slices.Equal(summary, want) {
		t.Errorf("records\n got %q\nwant %q", summary, want)
	}
	// Omitted data fields are absent from the answer.
	if !slices.Equal(keysOf(d.get("zone_details", "records", "0")), []string{"data1", "name", "ttl", "type"}) {
		t.Errorf("A record fields %v", keysOf(d.get("zone_details", "records", "0")))
	}

	// The same day the serial counts on; multipart works too.
	ct, body := multipartBody(t, "id", strconv.Itoa(idA), "api_key", keyA, "zone_id", "1", "serial", "2025061501",
		"records[0][name]", "@", "records[0][type]", "A", "records[0][data1]", "192.0.2.9")
	mustOK(t, e.post("/api/dns/edit-primary-records", ct, body))
	d = details()
	if d.get("zone_details", "serial") != float64(2025061502) || len(d.get("zone_details", "records").([]any)) != 1 {
		t.Errorf("after the multipart edit: %s", d.raw)
	}
	pub.take()

	before := string(details().raw)
	// Validation failures name every bad record, in errors_details.
	f := mustFail(t, edit(idA, keyA, "2025061502",
		[]string{"0", "@", "", "A", "192.0.2.1"},
		[]string{"1", "www", "", "A", "999.0.0.1"},
		[]string{"2", "mail", "30", "MX", "70000", "192.0.2.1"},
		[]string{"3", "www", "", "CNAME", "@"},
		[]string{"4", "@", "", "PTR", "x"},
		[]string{"5", "", "", "A", "192.0.2.1"},
	), "incorrect-param-value")
	if desc := fmt.Sprint(f.get("error", "description", "en")); !strings.Contains(desc, "record 1: data1") {
		t.Errorf("description %q does not name the first bad record", desc)
	}
	var fe struct {
		Error struct {
			ErrorsDetails []struct{ Index, Field, Message string } `json:"errors_details"`
		} `json:"error"`
	}
	if err := json.Unmarshal(f.raw, &fe); err != nil {
		t.Fatal(err)
	}
	var bad []string
	for _, it := range fe.Error.ErrorsDetails {
		bad = append(bad, it.Index+"/"+it.Field)
		if it.Message == "" {
			t.Errorf("errors_details item without a message: %+v", it)
		}
	}
	if want := []string{"1/data1", "2/ttl", "2/data1", "2/data2", "3/type", "4/type", "5/"}; !slices.Equal(bad, want) {
		t.Errorf("errors_details %v, want %v\n%s", bad, want, f.raw)
	}
	for _, tc := range []struct {
		name string
		a    answer
		code string
	}{
		{"stale serial", edit(idA, keyA, "2025061501", []string{"0", "@", "", "A", "192.0.2.1"}), "incorrect-soa-serial"},
		{"future serial", edit(idA, keyA, "2025061503", []string{"0", "@", "", "A", "192.0.2.1"}), "incorrect-soa-serial"},
		{"empty zone, stale serial", edit(idA, keyA, "1"), "incorrect-soa-serial"},
		{"serial not a number", edit(idA, keyA, "today", []string{"0", "@", "", "A", "192.0.2.1"}), "incorrect-param-value"},
		{"missing serial", e.asA("dns/edit-primary-records", "zone_id", "1"), "incorrect-param-value"},
		{"missing zone_id", e.asA("dns/edit-primary-records", "serial", "2025061502"), "incorrect-param-value"},
		{"record without type", e.callOrdered("dns/edit-primary-records", idA, keyA, "zone_id", "1", "serial", "2025061502",
			"records[0][name]", "@", "records[0][data1]", "192.0.2.1"), "incorrect-param-value"},
		{"ttl not a number", edit(idA, keyA, "2025061502", []string{"0", "@", "long", "A", "192.0.2.1"}), "incorrect-param-value"},
		{"records not a list", e.asA("dns/edit-primary-records", "zone_id", "1", "serial", "2025061502", "records", "x"), "incorrect-param-value"},
		{"missing zone", e.asA("dns/edit-primary-records", "zone_id", missingID, "serial", "2025061502"), "invalid-zone-id"},
		{"B edits A's zone", edit(idB, keyB, "2025061502", []string{"0", "@", "", "A", "192.0.2.66"}), "invalid-zone-id"},
	} {
		mustFail(t, tc.a, tc.code)
	}
	sec := zoneIDOf(t, mustOK(t, e.asA("dns/add-secoundary", "domain", "sec.acme.test", "master_nameserver", "192.0.2.53")))
	mustFail(t, e.asA("dns/edit-primary-records", "zone_id", sec, "serial", "0"), "invalid-zone-type")
	if after := string(details().raw); after != before {
		t.Errorf("failed edits changed the zone:\n%s\n%s", before, after)
	}
	if got := pub.take(); !slices.Equal(got, []string{"sec.acme.test"}) {
		t.Errorf("published %v (only the add-secoundary)", got)
	}
	// B editing A's zone answers as for a missing zone.
	foreign := edit(idB, keyB, "2025061502")
	absent := e.callOrdered("dns/edit-primary-records", idB, keyB, "zone_id", missingID, "serial", "2025061502")
	if string(foreign.raw) != string(absent.raw) {
		t.Errorf("B editing A's zone: %s, a missing zone: %s", foreign.raw, absent.raw)
	}

	// No records empties the zone.
	mustOK(t, edit(idA, keyA, "2025061502"))
	if d := details(); d.get("zone_details", "serial") != float64(2025061503) || len(d.get("zone_details", "records").([]any)) != 0 {
		t.Errorf("emptied zone: %s", d.raw)
	}
}

// TestDNSEditSerialPastTheDay makes 100 edits on one day and one the next.
func TestDNSEditSerialPastTheDay(t *testing.T) {
	e, _ := newDNSEnv(t)
	serial := int64(zoneASerial)
	for i := 1; i <= 100; i++ {
		mustOK(t, e.asA("dns/edit-primary-records", "zone_id", "1", "serial", strconv.FormatInt(serial, 10),
			"records[0][name]", "@", "records[0][type]", "TXT", "records[0][data1]", fmt.Sprint("edit ", i)))
		serial = int64(mustOK(t, e.asA("dns/details-primary", "zone_id", "1")).get("zone_details", "serial").(float64))
		if want := int64(2025061500 + i); serial != want {
			t.Fatalf("edit %d: serial %d, want %d", i, serial, want)
		}
	}
	// 2025061600 after 100 edits on the 15th; the 16th continues from it.
	e.api.Panel.Now = func() time.Time { return dnsClock.Add(24 * time.Hour) }
	mustOK(t, e.asA("dns/edit-primary-records", "zone_id", "1", "serial", "2025061600"))
	if s := mustOK(t, e.asA("dns/details-primary", "zone_id", "1")).get("zone_details", "serial"); s != float64(2025061601) {
		t.Errorf("serial the next day %v, want 2025061601", s)
	}
}

// TestDNSEditConcurrent sends edits with the same serial at once: exactly
// one succeeds, the others answer incorrect-soa-serial.
func TestDNSEditConcurrent(t *testing.T) {
	e, _ := newDNSEnv(t)
	const n = 12
	type result struct {
		code string
		err  error
	}
	results := make([]result, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			body := form.Encode([]form.Pair{
				{Name: "id", Value: strconv.Itoa(idA)}, {Name: "api_key", Value: keyA},
				{Name: "zone_id", Value: "1"}, {Name: "serial", Value: strconv.Itoa(zoneASerial)},
				{Name: "records[0][name]", Value: "@"}, {Name: "records[0][type]", Value: "TXT"},
				{Name: "records[0][data1]", Value: fmt.Sprint("writer ", i)},
			})
			<-start
			resp, err := http.Post(e.srv.URL+"/api/dns/edit-primary-records", "application/x-www-form-urlencoded", strings.NewReader(body))
			if err != nil {
				results[i].err = err
				return
			}
			defer resp.Body.Close()
			raw, err := io.ReadAll(resp.Body)
			var a struct {
				Success bool `json:"success"`
				Error   struct {
					Code string `json:"code"`
				} `json:"error"`
			}
			if err == nil {
				err = json.Unmarshal(raw, &a)
			}
			results[i] = result{code: a.Error.Code, err: err}
			if a.Success {
				results[i].code = "success"
			}
		})
	}
	close(start)
	wg.Wait()
	winner := -1
	for i, r := range results {
		switch {
		case r.err != nil:
			t.Errorf("writer %d: %v", i, r.err)
		case r.code == "success":
			if winner >= 0 {
				t.Errorf("writers %d and %d both succeeded", winner, i)
			}
			winner = i
		case r.code != "incorrect-soa-serial":
			t.Errorf("writer %d: %s, want success or incorrect-soa-serial", i, r.code)
		}
	}
	if winner < 0 {
		t.Fatal("no edit succeeded")
	}
	d := mustOK(t, e.asA("dns/details-primary", "zone_id", "1"))
	if d.get("zone_details", "serial") != float64(2025061501) || d.get("zone_details", "records", "0", "data1") != fmt.Sprint("writer ", winner) ||
		len(d.get("zone_details", "records").([]any)) != 1 {
		t.Errorf("zone after the race (winner %d): %s", winner, d.raw)
	}
}
