package dnsd

import (
	"strconv"
	"strings"
	"testing"

	"github.com/miekg/dns"
)

func TestNewSnapshotRejects(t *testing.T) {
	const head = "@ 60 IN SOA ns1 hostmaster 1 7200 3600 1209600 300\n@ 60 IN NS ns1\n"
	tests := []struct {
		name   string
		origin string
		text   string
		want   string
	}{
		{"no SOA", "example.com.", "@ 60 IN NS ns1\n", "no SOA"},
		{"two SOA", "example.com.", head + "@ 60 IN SOA ns2 hostmaster 2 7200 3600 1209600 300\n", "2 SOA records"},
		{"SOA below apex", "example.com.", head + "sub 60 IN SOA ns1 hostmaster 1 7200 3600 1209600 300\n", "SOA below the apex"},
		{"no NS", "example.com.", "@ 60 IN SOA ns1 hostmaster 1 7200 3600 1209600 300\n", "no NS records"},
		{"outside", "example.com.", head + "www.example.org. 60 IN A 192.0.2.1\n", "outside the zone"},
		{"CNAME beside A", "example.com.", head + "www 60 IN CNAME x\nwww 60 IN A 192.0.2.1\n", "CNAME beside other data (A)"},
		{"CNAME at apex", "example.com.", head + "@ 60 IN CNAME x.example.org.\n", "CNAME beside other data"},
		{"two CNAMEs", "example.com.", head + "www 60 IN CNAME x\nwww 60 IN CNAME y\n", "more than one CNAME"},
		{"DNAME", "example.com.", head + "old 60 IN DNAME new.example.org.\n", "DNAME"},
		{"class CH", "example.com.", head + "www 60 CH A 192.0.2.1\n", "only IN"},
		{"origin not FQDN", "example.com", head, "not a fully qualified"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			origin := dns.Fqdn(tc.origin)
			z := parseZone(t, origin, "$ORIGIN "+origin+"\n"+tc.text)
			z.Origin = tc.origin
			_, err := NewSnapshot([]Zone{z})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one containing %q", err, tc.want)
			}
		})
	}

	z := parseZone(t, "example.com.", "$ORIGIN example.com.\n"+head)
	if _, err := NewSnapshot([]Zone{z, z}); err == nil || !strings.Contains(err.Error(), "twice") {
		t.Errorf("duplicate zone: error %v", err)
	}
	if _, err := NewSnapshot([]Zone{{Origin: "example.com.", Records: []dns.RR{nil}}}); err == nil {
		t.Error("nil record accepted")
	}
}

func TestNewSnapshotNormalises(t *testing.T) {
	z := parseZone(t, "Example.COM.", `
$ORIGIN Example.COM.
@     60 IN SOA ns1 hostmaster 42 7200 3600 1209600 300
@     60 IN NS  ns1
WWW  300 IN A   192.0.2.1
www  100 IN A   192.0.2.2
www   60 IN A   192.0.2.1
`)
	snap, err := NewSnapshot([]Zone{z})
	if err != nil {
		t.Fatal(err)
	}
	if got := snap.Zones(); len(got) != 1 || got[0] != "example.com." {
		t.Errorf("zones %v", got)
	}
	if serial, ok := snap.Serial("EXAMPLE.com."); !ok || serial != 42 {
		t.Errorf("serial %d %v", serial, ok)
	}
	if snap.Records() != 4 {
		t.Errorf("%d records, want 4 (one duplicate dropped)", snap.Records())
	}
	m := snap.answer(newQuery("www.example.com.", dns.TypeA))
	checkSection(t, "answer", m.Answer, []string{"www.example.com. 60 IN A 192.0.2.1", "www.example.com. 60 IN A 192.0.2.2"})
}

func TestEmptySnapshotRefuses(t *testing.T) {
	m := EmptySnapshot().answer(newQuery("example.com.", dns.TypeA))
	if m.Rcode != dns.RcodeRefused || m.Authoritative {
		t.Errorf("rcode %s AA %v", dns.RcodeToString[m.Rcode], m.Authoritative)
	}
}

func TestSnapshotWithZone(t *testing.T) {
	base := testSnapshot(t)
	before := base.Zones()
	records := base.Records()
	add := parseZone(t, "added.test.", `
@ 3600 IN SOA ns1.added.test. hostmaster.added.test. 7 3600 900 1209600 300
@ 3600 IN NS ns1.added.test.
ns1 3600 IN A 192.0.2.1
www 300 IN A 192.0.2.2`)
	snap, err := base.WithZone(add)
	if err != nil {
		t.Fatal(err)
	}
	if got := snap.Zones(); len(got) != len(before)+1 || snap.Records() != records+4 {
		t.Fatalf("after WithZone: zones %v, records %d (was %d)", got, snap.Records(), records)
	}
	if serial, ok := snap.Serial("ADDED.test."); !ok || serial != 7 {
		t.Fatalf("serial %d %v", serial, ok)
	}
	if _, ok := base.Serial("added.test."); ok || len(base.Zones()) != len(before) {
		t.Fatal("WithZone changed the original snapshot")
	}
	// Replacing the zone swaps its content; removing it drops its records.
	repl := parseZone(t, "added.test.", `
@ 3600 IN SOA ns1.added.test. hostmaster.added.test. 8 3600 900 1209600 300
@ 3600 IN NS ns1.added.test.
ns1 3600 IN A 192.0.2.1`)
	snap2, err := snap.WithZone(repl)
	if err != nil {
		t.Fatal(err)
	}
	if serial, _ := snap2.Serial("added.test."); serial != 8 || snap2.Records() != records+3 {
		t.Fatalf("replace: serial %d records %d", serial, snap2.Records())
	}
	if r := snap2.answer(newQuery("www.added.test.", dns.TypeA)); r.Rcode != dns.RcodeNameError {
		t.Fatalf("removed name still answered: %v", r)
	}
	gone := snap2.WithoutZone("Added.Test.")
	if len(gone.Zones()) != len(before) || gone.Records() != records {
		t.Fatalf("WithoutZone: zones %v records %d", gone.Zones(), gone.Records())
	}
	// An invalid zone is rejected and changes nothing.
	bad := Zone{Origin: "bad.test.", Records: nil}
	if _, err := snap.WithZone(bad); err == nil {
		t.Fatal("a zone without SOA was accepted")
	}
}

func TestSnapshotUpdate(t *testing.T) {
	base := testSnapshot(t)
	before := base.Zones()
	records := base.Records()
	zone := func(origin string, serial int, extra string) Zone {
		return parseZone(t, origin, "$ORIGIN "+origin+"\n@ 3600 IN SOA ns1 hostmaster "+strconv.Itoa(serial)+
			" 3600 900 1209600 300\n@ 3600 IN NS ns1\nns1 3600 IN A 192.0.2.1\n"+extra)
	}
	snap, errs := base.Update([]Zone{zone("a.test.", 1, ""), zone("B.test.", 2, "www 60 IN A 192.0.2.2\n")}, nil)
	if errs != nil {
		t.Fatal(errs)
	}
	if got := snap.Zones(); len(got) != len(before)+2 || snap.Records() != records+7 {
		t.Fatalf("after adding two zones: %v, %d records (was %d)", got, snap.Records(), records)
	}
	if len(base.Zones()) != len(before) || base.Records() != records {
		t.Fatal("Update changed the original snapshot")
	}
	// One call replaces a zone, removes another and keeps the old content
	// of a zone whose new form does not build.
	bad := zone("a.test.", 9, "www 60 IN CNAME x\nwww 60 IN A 192.0.2.3\n")
	next, errs := snap.Update([]Zone{zone("b.test.", 3, ""), bad}, []string{"B.TEST.", "nothing.test."})
	if len(errs) != 1 || errs["a.test."] == nil || !strings.Contains(errs["a.test."].Error(), "CNAME beside other data") {
		t.Fatalf("errors %v, want one for a.test.", errs)
	}
	if serial, ok := next.Serial("a.test."); !ok || serial != 1 {
		t.Fatalf("a.test. serial %d %v: the zone that did not build must keep its old content", serial, ok)
	}
	if serial, ok := next.Serial("b.test."); !ok || serial != 3 {
		t.Fatalf("b.test. serial %d %v: a zone both removed and put is put", serial, ok)
	}
	if next.Records() != records+6 {
		t.Fatalf("%d records, want %d", next.Records(), records+6)
	}
	gone, errs := next.Update(nil, []string{"a.test.", "b.test."})
	if errs != nil || len(gone.Zones()) != len(before) || gone.Records() != records {
		t.Fatalf("removing both: %v %v %d", errs, gone.Zones(), gone.Records())
	}
}
