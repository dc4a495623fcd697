package tfprovider

import (
	"slices"
	"testing"

	"github.com/artnet-panel/artnet-panel/artnet"
)

// TestRecordKey: two spellings of one record are the same record, as the
// server compares them; a different datum is another record.
func TestRecordKey(t *testing.T) {
	const domain = "zone.test"
	same := [][2]artnet.DNSRecord{
		{{Name: "www", Type: "A", Data1: "192.0.2.1"}, {Name: "WWW.zone.test.", Type: "a", Data1: "192.0.2.1"}},
		{{Name: "@", Type: "MX", Data1: "10", Data2: "mail"}, {Name: "zone.test.", Type: "MX", Data1: "010", Data2: "MAIL.zone.test."}},
		{{Name: "v6", Type: "AAAA", Data1: "2001:DB8::0001"}, {Name: "v6", Type: "AAAA", Data1: "2001:db8::1"}},
		{{Name: "@", Type: "CAA", Data1: "0", Data2: "ISSUE", Data3: "ca.example"}, {Name: "@", Type: "CAA", Data1: "0", Data2: "issue", Data3: "ca.example"}},
		{{Name: "@", Type: "MX", Data1: "0", Data2: "."}, {Name: "@", Type: "MX", Data1: "0", Data2: "."}},
	}
	for _, p := range same {
		if a, b := recordKey(domain, "", p[0]), recordKey(domain, "", p[1]); a != b {
			t.Errorf("%+v and %+v differ: %q, %q", p[0], p[1], a, b)
		}
	}
	other := [][2]artnet.DNSRecord{
		{{Name: "www", Type: "A", Data1: "192.0.2.1"}, {Name: "www", Type: "A", Data1: "192.0.2.2"}},
		{{Name: "www", Type: "A", Data1: "192.0.2.1"}, {Name: "web", Type: "A", Data1: "192.0.2.1"}},
		{{Name: "@", Type: "TXT", Data1: "Hello"}, {Name: "@", Type: "TXT", Data1: "hello"}}, // text is as it is
		{{Name: "@", Type: "MX", Data1: "10", Data2: "mail"}, {Name: "@", Type: "MX", Data1: "10", Data2: "mail."}},
	}
	for _, p := range other {
		if recordKey(domain, "", p[0]) == recordKey(domain, "", p[1]) {
			t.Errorf("%+v and %+v are the same record", p[0], p[1])
		}
	}
}

// TestFindRecordAndDetach: a record with an empty name is the previous
// record's owner's; changing or removing the record before it names the
// owner explicitly first, so that it stays where it was.
func TestFindRecordAndDetach(t *testing.T) {
	const domain = "zone.test"
	recs := []artnet.DNSRecord{
		{Name: "www", Type: "A", Data1: "192.0.2.1"},
		{Name: "", Type: "AAAA", Data1: "2001:db8::1"}, // www too
		{Name: "mail", Type: "A", Data1: "192.0.2.25"},
	}
	if i := findRecord(domain, recs, recordKey(domain, "", artnet.DNSRecord{Name: "www", Type: "AAAA", Data1: "2001:db8::1"})); i != 1 {
		t.Fatalf("the unnamed www AAAA at %d, want 1", i)
	}
	if i := findRecord(domain, recs, recordKey(domain, "", artnet.DNSRecord{Name: "mail", Type: "AAAA", Data1: "2001:db8::1"})); i != -1 {
		t.Fatalf("found a mail AAAA at %d", i)
	}
	detach(recs, 0)
	recs = slices.Delete(recs, 0, 1)
	want := []artnet.DNSRecord{{Name: "www", Type: "AAAA", Data1: "2001:db8::1"}, {Name: "mail", Type: "A", Data1: "192.0.2.25"}}
	if !slices.Equal(recs, want) {
		t.Errorf("after deleting www A: %+v", recs)
	}
	detach(recs, 1) // the last record: nothing follows
	if !slices.Equal(recs, want) {
		t.Errorf("detach of the last record changed %+v", recs)
	}
}

// TestSplitImportID: the last part takes the rest of the id.
func TestSplitImportID(t *testing.T) {
	got, err := splitImportID("7/@/TXT/v=spf1 ip4:192.0.2.0/24 -all", 4, dnsRecordImportFormat)
	if err != nil || !slices.Equal(got, []string{"7", "@", "TXT", "v=spf1 ip4:192.0.2.0/24 -all"}) {
		t.Errorf("%q, %v", got, err)
	}
	for _, bad := range []string{"7/www/A", "7//A/192.0.2.1", ""} {
		if _, err := splitImportID(bad, 4, dnsRecordImportFormat); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
