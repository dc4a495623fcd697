package httpapi_test

import (
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// The demo customer A's subnetworks (internal/demo/demo.json): 501
// 123.123.124.0/29 and 502 2a01:1234:5678::/64 of the dedicated server, 503
// 123.123.125.8/29 of the colocation, 504 123.123.123.124/32 of the
// additional IP. B has none.

// ptrPairs returns ptr_records[key][field]=value pairs; each record is key,
// origin, ptr, delete ("" fields are not sent).
func ptrPairs(recs ...[]string) []string {
	var out []string
	fields := []string{"origin", "ptr", "delete"}
	for _, r := range recs {
		for i, f := range fields {
			if i+1 < len(r) && r[i+1] != "" {
				out = append(out, "ptr_records["+r[0]+"]["+f+"]", r[i+1])
			}
		}
	}
	return out
}

// revDetails calls rev-dns/details as A.
func revDetails(t *testing.T, e *testEnv, subnetwork, subclass string) answer {
	t.Helper()
	return mustOK(t, e.asA("rev-dns/details", "subnetwork_id", subnetwork, "dns_subclass", subclass))
}

// revRecords summarises the ptr_records of a details answer as
// "origin=ptr@address".
func revRecords(a answer) []string {
	var out []string
	list, _ := a.get("subclass_details", "ptr_records").([]any)
	for _, r := range list {
		m := r.(map[string]any)
		out = append(out, fmt.Sprintf("%v=%v@%v", m["origin"], m["ptr"], m["address"]))
	}
	return out
}

func revEdit(e *testEnv, id int64, key, subnetwork, subclass, serial string, recs ...[]string) answer {
	pairs := append([]string{"subnetwork_id", subnetwork, "dns_subclass", subclass, "serial", serial}, ptrPairs(recs...)...)
	return e.callOrdered("rev-dns/edit", id, key, pairs...)
}

func TestRevDNSList(t *testing.T) {
	e, _ := newDNSEnv(t)
	a := mustOK(t, e.asA("rev-dns/list"))
	type sub struct {
		ID                        float64
		IP, Mask, MaskShort, Type string
		Subclasses                []string
	}
	var got []sub
	for _, it := range a.get("subnetworks_list").([]any) {
		m := it.(map[string]any)
		if k := keysOf(m); !slices.Equal(k, []string{"dns_subclasses", "id", "ip", "mask", "mask_short", "type"}) {
			t.Errorf("subnetwork fields %v", k)
		}
		var scs []string
		for _, s := range m["dns_subclasses"].([]any) {
			scs = append(scs, s.(string))
		}
		got = append(got, sub{m["id"].(float64), m["ip"].(string), m["mask"].(string), m["mask_short"].(string), m["type"].(string), scs})
	}
	want := []sub{
		{501, "123.123.124.0", "255.255.255.248", "/29", "IPv4", []string{"123.123.124"}},
		{502, "2a01:1234:5678::", "ffff:ffff:ffff:ffff::", "/64", "IPv6", []string{"2a01:1234:5678::/64"}},
		{503, "123.123.125.8", "255.255.255.248", "/29", "IPv4", []string{"123.123.125"}},
		{504, "123.123.123.124", "255.255.255.255", "/32", "IPv4", []string{"123.123.123"}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("A's subnetworks\n got %+v\nwant %+v", got, want)
	}
	// B has no subnetworks: an empty list, not null.
	b := mustOK(t, e.asB("rev-dns/list"))
	if !strings.Contains(string(b.raw), `"subnetworks_list":[]`) {
		t.Errorf("B's list: %s", b.raw)
	}
}

func TestRevDNSDetails(t *testing.T) {
	e, _ := newDNSEnv(t)
	d := revDetails(t, e, "501", "123.123.124")
	if k := keysOf(d.get("subclass_details")); !slices.Equal(k, []string{"prefix", "ptr_records", "serial", "type"}) {
		t.Errorf("subclass_details fields %v", k)
	}
	if d.get("subclass_details", "serial") != float64(0) || d.get("subclass_details", "type") != "IPv4" ||
		d.get("subclass_details", "prefix") != "123.123.124" || !strings.Contains(string(d.raw), `"ptr_records":[]`) {
		t.Errorf("details of a new subclass: %s", d.raw)
	}
	d = revDetails(t, e, "502", "2a01:1234:5678::/64")
	if d.get("subclass_details", "type") != "IPv6" || d.get("subclass_details", "prefix") != "2a01:1234:5678:0" {
		t.Errorf("IPv6 details: %s", d.raw)
	}
	revDetails(t, e, "504", "123.123.123")

	for _, tc := range []struct {
		name string
		a    answer
		code string
	}{
		{"missing subnetwork", e.asA("rev-dns/details", "subnetwork_id", missingID, "dns_subclass", "123.123.124"), "authorization-failed"},
		{"B asks for A's subnetwork", e.asB("rev-dns/details", "subnetwork_id", "501", "dns_subclass", "123.123.124"), "authorization-failed"},
		{"unknown subclass", e.asA("rev-dns/details", "subnetwork_id", "501", "dns_subclass", "123.123.125"), "invalid-subclass"},
		{"another subnetwork's subclass", e.asA("rev-dns/details", "subnetwork_id", "503", "dns_subclass", "123.123.124"), "invalid-subclass"},
		{"no subclass", e.asA("rev-dns/details", "subnetwork_id", "501"), "incorrect-param-value"},
		{"no subnetwork", e.asA("rev-dns/details", "dns_subclass", "123.123.124"), "incorrect-param-value"},
		{"subnetwork not a number", e.asA("rev-dns/details", "subnetwork_id", "x", "dns_subclass", "123.123.124"), "incorrect-param-value"},
		{"wrong key", e.call("rev-dns/details", idA, "wrong", "subnetwork_id", "501", "dns_subclass", "123.123.124"), "authorization-failed"},
	} {
		t.Run(tc.name, func(t *testing.T) { mustFail(t, tc.a, tc.code) })
	}
}

func TestRevDNSEdit(t *testing.T) {
	e, pub := newDNSEnv(t)
	const zone = "124.123.123.in-addr.arpa"
	a := mustOK(t, revEdit(e, idA, keyA, "501", "123.123.124", "0",
		[]string{"0", "1", "gw.acme.test."},
		[]string{"1", "5", "Mail.Acme.Test"},
		[]string{"2", "7", "last.acme.test"}))
	if !strings.Contains(string(a.raw), `"warnings":[]`) {
		t.Errorf("edit without problems: %s", a.raw)
	}
	d := revDetails(t, e, "501", "123.123.124")
	if d.get("subclass_details", "serial") != float64(2025061501) {
		t.Errorf("serial after the first change: %s", d.raw)
	}
	want := []string{"1=gw.acme.test@123.123.124.1", "5=mail.acme.test@123.123.124.5", "7=last.acme.test@123.123.124.7"}
	if got := revRecords(d); !slices.Equal(got, want) {
		t.Errorf("records\n got %v\nwant %v", got, want)
	}
	if k := keysOf(d.get("subclass_details", "ptr_records", "0")); !slices.Equal(k, []string{"address", "origin", "ptr"}) {
		t.Errorf("record fields %v", k)
	}
	if got := pub.take(); !slices.Equal(got, []string{zone}) {
		t.Errorf("published %v", got)
	}

	// Warnings: the records they name are left alone, the others applied.
	a = mustOK(t, revEdit(e, idA, keyA, "501", "123.123.124", "2025061501",
		[]string{"0", "8", "outside.acme.test"},
		[]string{"1", "x", "", "delete"},
		[]string{"2", "5", "bad_name.acme.test"},
		[]string{"3", "7", "", "delete"},
		[]string{"4", "2", "two.acme.test"}))
	ws, _ := a.get("warnings").([]any)
	if len(ws) != 3 {
		t.Fatalf("warnings: %s", a.raw)
	}
	type warning struct{ origin, address, task, code string }
	var got []warning
	for _, w := range ws {
		m := w.(map[string]any)
		if k := keysOf(m); !slices.Equal(k, []string{"address", "code", "description", "origin", "task"}) {
			t.Errorf("warning fields %v", k)
		}
		desc, _ := m["description"].(map[string]any)
		if s, _ := desc["pl"].(string); s == "" {
			t.Errorf("warning without a Polish description: %v", m)
		}
		if s, _ := desc["en"].(string); s == "" {
			t.Errorf("warning without an English description: %v", m)
		}
		got = append(got, warning{m["origin"].(string), m["address"].(string), m["task"].(string), m["code"].(string)})
	}
	wantW := []warning{
		{"8", "123.123.124.8", "edit", "invalid-origin"},
		{"x", "", "delete", "invalid-origin"},
		{"5", "123.123.124.5", "edit", "incorrect-param-value"},
	}
	if !reflect.DeepEqual(got, wantW) {
		t.Errorf("warnings\n got %+v\nwant %+v", got, wantW)
	}
	d = revDetails(t, e, "501", "123.123.124")
	want = []string{"1=gw.acme.test@123.123.124.1", "2=two.acme.test@123.123.124.2", "5=mail.acme.test@123.123.124.5"}
	if got := revRecords(d); !slices.Equal(got, want) || d.get("subclass_details", "serial") != float64(2025061502) {
		t.Errorf("after the edit with warnings: %s", d.raw)
	}
	pub.take()

	// Nothing changes: the serial stays, nothing is published.
	a = mustOK(t, revEdit(e, idA, keyA, "501", "123.123.124", "2025061502",
		[]string{"0", "1", "GW.acme.test"}, []string{"1", "3", "", "delete"}))
	if !strings.Contains(string(a.raw), `"warnings":[]`) {
		t.Errorf("edit without changes: %s", a.raw)
	}
	mustOK(t, revEdit(e, idA, keyA, "501", "123.123.124", "2025061502")) // no records at all
	if d := revDetails(t, e, "501", "123.123.124"); d.get("subclass_details", "serial") != float64(2025061502) {
		t.Errorf("serial after edits without changes: %s", d.raw)
	}
	if got := pub.take(); len(got) != 0 {
		t.Errorf("edits without changes published %v", got)
	}

	// IPv6.
	a = mustOK(t, revEdit(e, idA, keyA, "502", "2a01:1234:5678::/64", "0",
		[]string{"0", "::1", "v6.acme.test"}, []string{"1", "1:2", "short.acme.test"}))
	if ws, _ := a.get("warnings").([]any); len(ws) != 1 || a.get("warnings", "0", "code") != "invalid-origin" {
		t.Errorf("IPv6 edit: %s", a.raw)
	}
	d = revDetails(t, e, "502", "2a01:1234:5678::/64")
	if got := revRecords(d); !slices.Equal(got, []string{"0:0:0:1=v6.acme.test@2a01:1234:5678::1"}) {
		t.Errorf("IPv6 records %v", got)
	}
	if got := pub.take(); !slices.Equal(got, []string{"0.0.0.0.8.7.6.5.4.3.2.1.1.0.a.2.ip6.arpa"}) {
		t.Errorf("published %v", got)
	}

	// Errors; nothing changes on any of them.
	before := string(revDetails(t, e, "501", "123.123.124").raw)
	for _, tc := range []struct {
		name string
		a    answer
		code string
	}{
		{"stale serial", revEdit(e, idA, keyA, "501", "123.123.124", "2025061501", []string{"0", "3", "x.acme.test"}), "invalid-serial"},
		{"serial from the future", revEdit(e, idA, keyA, "501", "123.123.124", "2025061599", []string{"0", "3", "x.acme.test"}), "invalid-serial"},
		{"unknown subclass", revEdit(e, idA, keyA, "501", "123.123.125", "2025061502", []string{"0", "3", "x.acme.test"}), "invalid-subclass"},
		{"missing subnetwork", revEdit(e, idA, keyA, missingID, "123.123.124", "2025061502", []string{"0", "3", "x.acme.test"}), "authorization-failed"},
		{"B with A's subnetwork", revEdit(e, idB, keyB, "501", "123.123.124", "2025061502", []string{"0", "3", "x.acme.test"}), "authorization-failed"},
		{"no serial", e.callOrdered("rev-dns/edit", idA, keyA, "subnetwork_id", "501", "dns_subclass", "123.123.124"), "incorrect-param-value"},
		{"serial not a number", revEdit(e, idA, keyA, "501", "123.123.124", "abc"), "incorrect-param-value"},
		{"record without origin", revEdit(e, idA, keyA, "501", "123.123.124", "2025061502", []string{"0", "", "x.acme.test"}), "incorrect-param-value"},
	} {
		t.Run(tc.name, func(t *testing.T) { mustFail(t, tc.a, tc.code) })
	}
	if after := string(revDetails(t, e, "501", "123.123.124").raw); after != before {
		t.Errorf("failed edits changed the subclass:\n%s\n%s", before, after)
	}
	if got := pub.take(); len(got) != 0 {
		t.Errorf("failed edits published %v", got)
	}
}

// TestRevDNSIsolation: B naming A's subnetworks gets exactly the answers
// for subnetworks that do not exist, and changes nothing.
func TestRevDNSIsolation(t *testing.T) {
	e, _ := newDNSEnv(t)
	mustOK(t, revEdit(e, idA, keyA, "501", "123.123.124", "0", []string{"0", "3", "secret-host.acme.test"}))
	before := string(revDetails(t, e, "501", "123.123.124").raw)
	for _, sub := range [][2]string{{"501", "123.123.124"}, {"502", "2a01:1234:5678::/64"}, {"503", "123.123.125"}, {"504", "123.123.123"}} {
		for _, tc := range []struct {
			name       string
			of, absent answer
		}{
			{"details", e.asB("rev-dns/details", "subnetwork_id", sub[0], "dns_subclass", sub[1]),
				e.asB("rev-dns/details", "subnetwork_id", missingID, "dns_subclass", sub[1])},
			{"edit", revEdit(e, idB, keyB, sub[0], sub[1], "2025061501", []string{"0", "3", "b.beta.test"}),
				revEdit(e, idB, keyB, missingID, sub[1], "2025061501", []string{"0", "3", "b.beta.test"})},
			{"edit with serial 0", revEdit(e, idB, keyB, sub[0], sub[1], "0", []string{"0", "4", "b.beta.test"}),
				revEdit(e, idB, keyB, missingID, sub[1], "0", []string{"0", "4", "b.beta.test"})},
			{"details of a wrong subclass", e.asB("rev-dns/details", "subnetwork_id", sub[0], "dns_subclass", "1.2.3"),
				e.asB("rev-dns/details", "subnetwork_id", missingID, "dns_subclass", "1.2.3")},
		} {
			mustFail(t, tc.of, "authorization-failed")
			if tc.of.status != tc.absent.status || string(tc.of.raw) != string(tc.absent.raw) {
				t.Errorf("%s %s: A's subnetwork answers differently from a missing one:\n%s\n%s", tc.name, sub[0], tc.of.raw, tc.absent.raw)
			}
			for _, s := range []string{"secret-host", "123.123.12", "2a01:"} {
				if strings.Contains(string(tc.of.raw), s) {
					t.Errorf("%s %s: answer to B contains %q: %s", tc.name, sub[0], s, tc.of.raw)
				}
			}
		}
	}
	if after := string(revDetails(t, e, "501", "123.123.124").raw); after != before {
		t.Errorf("B's attempts changed A's subclass:\n%s\n%s", before, after)
	}
	if b := mustOK(t, e.asB("rev-dns/list")); strings.Contains(string(b.raw), "123.123") {
		t.Errorf("B's list shows A's subnetworks: %s", b.raw)
	}
}

// TestRevDNSEditConcurrent sends edits with the same serial at once:
// exactly one succeeds, the others answer invalid-serial.
func TestRevDNSEditConcurrent(t *testing.T) {
	e, pub := newDNSEnv(t)
	const n = 10
	answers := make([]answer, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			<-start
			answers[i] = revEdit(e, idA, keyA, "501", "123.123.124", "0", []string{"0", "1", "w" + strconv.Itoa(i) + ".acme.test"})
		})
	}
	close(start)
	wg.Wait()
	winner := -1
	for i, a := range answers {
		switch {
		case a.success():
			if winner >= 0 {
				t.Errorf("edits %d and %d both succeeded", winner, i)
			}
			winner = i
		case a.code() != "invalid-serial":
			t.Errorf("edit %d: %s", i, a.raw)
		}
	}
	if winner < 0 {
		t.Fatal("no edit succeeded")
	}
	d := revDetails(t, e, "501", "123.123.124")
	if got := revRecords(d); !slices.Equal(got, []string{fmt.Sprintf("1=w%d.acme.test@123.123.124.1", winner)}) {
		t.Errorf("records %v, want the winner's (%d)", got, winner)
	}
	if got := pub.take(); len(got) != 1 {
		t.Errorf("published %v, want one change", got)
	}
}
