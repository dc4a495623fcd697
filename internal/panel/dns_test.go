package panel_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/artnet-panel/artnet-panel/artnet"
	"github.com/artnet-panel/artnet-panel/internal/apperr"
	"github.com/artnet-panel/artnet-panel/internal/panel"
	"github.com/artnet-panel/artnet-panel/internal/store"
	"github.com/artnet-panel/artnet-panel/internal/store/sqlite"
)

func TestNormalizeDomain(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"example.com", "example.com"},
		{" Example.COM. ", "example.com"},
		{"shop.example.co.uk", "shop.example.co.uk"},
		{"przykład.pl", "xn--przykad-rjb.pl"},
		{"PRZYKŁAD.PL.", "xn--przykad-rjb.pl"},
		{"xn--przykad-rjb.pl", "xn--przykad-rjb.pl"},
		{"a-b.example", "a-b.example"},
		{"123.example", "123.example"},
		{strings.Repeat("a", 63) + ".example", strings.Repeat("a", 63) + ".example"},
	} {
		got, err := panel.NormalizeDomain(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("NormalizeDomain(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
	for _, in := range []string{
		"", " ", ".", "com", "example..com", ".example.com", "example.com..", "-a.example", "a-.example",
		"a_b.example", "exa mple.com", "1.2.3.4", "example.123", "a\x00.example", "*.example.com", "a/b.example",
		strings.Repeat("a", 64) + ".example", strings.Repeat("abcdefghi.", 26) + "example",
	} {
		if got, err := panel.NormalizeDomain(in); err == nil {
			t.Errorf("NormalizeDomain(%q) = %q, want an error", in, got)
		}
	}
}

func TestZoneSerials(t *testing.T) {
	day := func(s string) time.Time {
		tm, err := time.Parse(time.DateTime, s)
		if err != nil {
			t.Fatal(err)
		}
		return tm
	}
	if got := panel.NewZoneSerial(day("2025-03-15 10:00:00")); got != 2025031501 {
		t.Errorf("NewZoneSerial = %d, want 2025031501", got)
	}
	// The date is the UTC date.
	warsaw := time.FixedZone("CET", 3600)
	if got := panel.NewZoneSerial(time.Date(2025, 3, 16, 0, 30, 0, 0, warsaw)); got != 2025031501 {
		t.Errorf("NewZoneSerial(00:30 CET on the 16th) = %d, want 2025031501", got)
	}
	for _, tc := range []struct {
		name    string
		current int64
		now     string
		want    int64
	}{
		{"same day", 2025031501, "2025-03-15 12:00:00", 2025031502},
		{"same day, later change", 2025031542, "2025-03-15 23:59:59", 2025031543},
		{"next day", 2025031507, "2025-03-16 00:00:00", 2025031601},
		{"months later", 2025031507, "2025-11-02 08:00:00", 2025110201},
		{"99th change of the day", 2025031598, "2025-03-15 12:00:00", 2025031599},
		{"100th change of the day", 2025031599, "2025-03-15 12:00:00", 2025031600},
		{"101st change of the day", 2025031600, "2025-03-15 12:00:00", 2025031601},
		{"the day after 100+ changes", 2025031605, "2025-03-16 12:00:00", 2025031606},
		{"clock went back", 2025031510, "2025-03-14 12:00:00", 2025031511},
		{"serial ahead of the date", 2099010101, "2025-03-15 12:00:00", 2099010102},
		{"small old serial", 1, "2025-03-15 12:00:00", 2025031501},
	} {
		if got := panel.NextZoneSerial(tc.current, day(tc.now)); got != tc.want {
			t.Errorf("%s: NextZoneSerial(%d, %s) = %d, want %d", tc.name, tc.current, tc.now, got, tc.want)
		}
	}
}

func ttl(n int64) *int64 { return &n }

// rec builds a record input: name, type, data1..data4.
func rec(name, typ string, data ...string) panel.DNSRecordInput {
	r := panel.DNSRecordInput{Name: name, Type: typ}
	d := append(data, "", "", "", "")
	r.Data1, r.Data2, r.Data3, r.Data4 = d[0], d[1], d[2], d[3]
	return r
}

func withTTL(r panel.DNSRecordInput, n int64) panel.DNSRecordInput { r.TTL = ttl(n); return r }

func withKey(r panel.DNSRecordInput, k string) panel.DNSRecordInput { r.Key = k; return r }

// bad names a failing record and field ("" for the whole record).
type bad struct{ index, field string }

func TestValidateZoneRecords(t *testing.T) {
	const zone = "example.com"
	ok := func(recs ...panel.DNSRecordInput) []panel.DNSRecordInput { return recs }
	for _, tc := range []struct {
		name string
		recs []panel.DNSRecordInput
		bad  []bad // nil: valid
	}{
		// A
		{"A", ok(rec("@", "A", "192.0.2.1")), nil},
		{"A not an address", ok(rec("@", "A", "192.0.2")), []bad{{"0", "data1"}}},
		{"A with IPv6", ok(rec("@", "A", "2001:db8::1")), []bad{{"0", "data1"}}},
		{"A with a host name", ok(rec("@", "A", "www.example.com.")), []bad{{"0", "data1"}}},
		{"A with data2", ok(rec("@", "A", "192.0.2.1", "x")), []bad{{"0", "data2"}}},
		{"A with data4", ok(rec("@", "A", "192.0.2.1", "", "", "x")), []bad{{"0", "data4"}}},
		// AAAA
		{"AAAA", ok(rec("@", "AAAA", "2001:db8::1")), nil},
		{"AAAA with IPv4", ok(rec("@", "AAAA", "192.0.2.1")), []bad{{"0", "data1"}}},
		{"AAAA with a zone", ok(rec("@", "AAAA", "fe80::1%eth0")), []bad{{"0", "data1"}}},
		{"AAAA with data3", ok(rec("@", "AAAA", "2001:db8::1", "", "x")), []bad{{"0", "data3"}}},
		// CNAME
		{"CNAME relative", ok(rec("www", "CNAME", "web")), nil},
		{"CNAME absolute", ok(rec("www", "CNAME", "web.example.net.")), nil},
		{"CNAME to the apex", ok(rec("www", "CNAME", "@")), nil},
		{"CNAME with underscores", ok(rec("s1._domainkey", "CNAME", "s1.domainkey.u1.wl.example.net.")), nil},
		{"CNAME to an IP", ok(rec("www", "CNAME", "192.0.2.1")), []bad{{"0", "data1"}}},
		{"CNAME at the apex", ok(rec("@", "CNAME", "web.example.net.")), []bad{{"0", "name"}}},
		{"CNAME at the apex by FQDN", ok(rec("example.com.", "CNAME", "web.example.net.")), []bad{{"0", "name"}}},
		{"CNAME to itself", ok(rec("www", "CNAME", "www.example.com.")), []bad{{"0", "data1"}}},
		{"CNAME beside A", ok(rec("www", "CNAME", "web"), rec("www", "A", "192.0.2.1")), []bad{{"0", "type"}}},
		{"CNAME beside TXT, other case", ok(rec("WWW", "TXT", "x"), rec("www", "CNAME", "web")), []bad{{"1", "type"}}},
		{"CNAME beside an invalid A", ok(rec("www", "A", "300.1.1.1"), rec("www", "CNAME", "web")), []bad{{"0", "data1"}, {"1", "type"}}},
		{"two CNAMEs", ok(rec("www", "CNAME", "a"), rec("www", "CNAME", "b")), []bad{{"0", "type"}, {"1", "type"}}},
		{"CNAME with data2", ok(rec("www", "CNAME", "web", "x")), []bad{{"0", "data2"}}},
		{"CNAME at a wildcard", ok(rec("*", "CNAME", "@")), nil},
		// MX
		{"MX", ok(rec("@", "MX", "10", "mail"), rec("mail", "A", "192.0.2.2")), nil},
		{"MX absolute exchange", ok(rec("@", "MX", "0", "mx.example.net.")), nil},
		{"MX priority 65535", ok(rec("@", "MX", "65535", "mx.example.net.")), nil},
		{"null MX", ok(rec("@", "MX", "0", ".")), nil},
		{"MX priority too big", ok(rec("@", "MX", "65536", "mx.example.net.")), []bad{{"0", "data1"}}},
		{"MX priority negative", ok(rec("@", "MX", "-1", "mx.example.net.")), []bad{{"0", "data1"}}},
		{"MX priority not a number", ok(rec("@", "MX", "high", "mx.example.net.")), []bad{{"0", "data1"}}},
		{"MX without exchange", ok(rec("@", "MX", "10")), []bad{{"0", "data2"}}},
		{"MX exchange an IP", ok(rec("@", "MX", "10", "192.0.2.1")), []bad{{"0", "data2"}}},
		{"MX exchange with underscore", ok(rec("@", "MX", "10", "mail_1")), []bad{{"0", "data2"}}},
		{"MX exchange a CNAME", ok(rec("@", "MX", "10", "mail"), rec("mail", "CNAME", "mx.example.net.")), []bad{{"0", "data2"}}},
		{"MX exchange a CNAME by FQDN", ok(rec("mail", "CNAME", "mx.example.net."), rec("@", "MX", "10", "MAIL.example.com.")), []bad{{"1", "data2"}}},
		{"MX with data3", ok(rec("@", "MX", "10", "mx.example.net.", "x")), []bad{{"0", "data3"}}},
		// TXT
		{"TXT", ok(rec("@", "TXT", "v=spf1 mx -all")), nil},
		{"TXT long", ok(rec("@", "TXT", strings.Repeat("k", 1000))), nil},
		{"TXT at the limit", ok(rec("@", "TXT", strings.Repeat("k", panel.MaxTXTLength))), nil},
		{"TXT too long", ok(rec("@", "TXT", strings.Repeat("k", panel.MaxTXTLength+1))), []bad{{"0", "data1"}}},
		{"TXT with a line break", ok(rec("@", "TXT", "a\nb")), []bad{{"0", "data1"}}},
		{"TXT not UTF-8", ok(rec("@", "TXT", "a\xffb")), []bad{{"0", "data1"}}},
		{"TXT with data2", ok(rec("@", "TXT", "a", "b")), []bad{{"0", "data2"}}},
		{"TXT beside a CNAME target", ok(rec("_dmarc", "TXT", "v=DMARC1; p=none")), nil},
		// SRV
		{"SRV", ok(rec("_sip._tcp", "SRV", "10", "5", "5060", "sip.example.net.")), nil},
		{"SRV no service", ok(rec("_sip._tcp", "SRV", "0", "0", "0", ".")), nil},
		{"SRV port too big", ok(rec("_sip._tcp", "SRV", "10", "5", "65536", "sip")), []bad{{"0", "data3"}}},
		{"SRV weight bad", ok(rec("_sip._tcp", "SRV", "10", "x", "5060", "sip")), []bad{{"0", "data2"}}},
		{"SRV without target", ok(rec("_sip._tcp", "SRV", "10", "5", "5060")), []bad{{"0", "data4"}}},
		{"SRV target a CNAME", ok(rec("sip", "CNAME", "sip.example.net."), rec("_sip._tcp", "SRV", "10", "5", "5060", "sip")), []bad{{"1", "data4"}}},
		{"SRV several bad fields", ok(rec("_sip._tcp", "SRV", "a", "b", "c", "1.2.3.4")), []bad{{"0", "data1"}, {"0", "data2"}, {"0", "data3"}, {"0", "data4"}}},
		// CAA
		{"CAA issue", ok(rec("@", "CAA", "0", "issue", "letsencrypt.org")), nil},
		{"CAA issuewild, critical", ok(rec("@", "CAA", "128", "issuewild", ";")), nil},
		{"CAA issue nobody", ok(rec("@", "CAA", "0", "issue")), nil},
		{"CAA iodef mailto", ok(rec("@", "CAA", "0", "iodef", "mailto:security@example.com")), nil},
		{"CAA iodef https", ok(rec("@", "CAA", "0", "iodef", "https://example.com/caa")), nil},
		{"CAA flags too big", ok(rec("@", "CAA", "256", "issue", "ca.example")), []bad{{"0", "data1"}}},
		{"CAA unknown tag", ok(rec("@", "CAA", "0", "issuer", "ca.example")), []bad{{"0", "data2"}}},
		{"CAA iodef ftp", ok(rec("@", "CAA", "0", "iodef", "ftp://example.com/")), []bad{{"0", "data3"}}},
		{"CAA iodef empty", ok(rec("@", "CAA", "0", "iodef")), []bad{{"0", "data3"}}},
		{"CAA value not ASCII", ok(rec("@", "CAA", "0", "issue", "ca.przykład.pl")), []bad{{"0", "data3"}}},
		{"CAA with data4", ok(rec("@", "CAA", "0", "issue", "ca.example", "x")), []bad{{"0", "data4"}}},
		// NS
		{"NS delegation", ok(rec("dev", "NS", "ns1.example.net."), rec("dev", "NS", "ns2.example.net.")), nil},
		{"NS at the apex", ok(rec("@", "NS", "ns1.example.net.")), []bad{{"0", "name"}}},
		{"NS at a wildcard", ok(rec("*", "NS", "ns1.example.net.")), []bad{{"0", "name"}}},
		{"NS with glue", ok(rec("dev", "NS", "ns.dev"), rec("ns.dev", "A", "192.0.2.53"), rec("ns.dev", "AAAA", "2001:db8::53")), nil},
		{"NS without glue", ok(rec("dev", "NS", "ns.dev")), []bad{{"0", "data1"}}},
		{"NS glue at the cut", ok(rec("dev", "NS", "dev"), rec("dev", "A", "192.0.2.53")), nil},
		{"NS target a CNAME", ok(rec("dev", "NS", "ns"), rec("ns", "CNAME", "ns.example.net.")), []bad{{"0", "data1"}}},
		{"NS target in the zone", ok(rec("dev", "NS", "ns1"), rec("ns1", "A", "192.0.2.53")), nil},
		{"NS target in the zone without address", ok(rec("dev", "NS", "ns1")), []bad{{"0", "data1"}}},
		{"NS target in the zone, a TXT only", ok(rec("dev", "NS", "ns1"), rec("ns1", "TXT", "x")), []bad{{"0", "data1"}}},
		{"NS target an IP", ok(rec("dev", "NS", "192.0.2.53")), []bad{{"0", "data1"}}},
		{"data below a delegation", ok(rec("dev", "NS", "ns1.example.net."), rec("www.dev", "TXT", "hidden")), []bad{{"1", "name"}}},
		{"data at a delegation", ok(rec("dev", "NS", "ns1.example.net."), rec("dev", "MX", "10", "mx.example.net.")), []bad{{"1", "name"}}},
		{"CNAME at a delegation", ok(rec("dev", "NS", "ns1.example.net."), rec("dev", "CNAME", "x.example.net.")), []bad{{"1", "type"}}},
		{"NS below a delegation", ok(rec("dev", "NS", "ns1.example.net."), rec("x.dev", "NS", "ns1.example.net.")), []bad{{"1", "name"}}},
		{"glue below a delegation", ok(rec("dev", "NS", "ns1.example.net."), rec("a.b.dev", "AAAA", "2001:db8::1")), nil},
		// Names
		{"FQDN inside", ok(rec("www.example.com.", "A", "192.0.2.1")), nil},
		{"FQDN of the apex", ok(rec("example.com.", "A", "192.0.2.1")), nil},
		{"FQDN outside", ok(rec("www.example.net.", "A", "192.0.2.1")), []bad{{"0", "name"}}},
		{"FQDN of a parent", ok(rec("com.", "A", "192.0.2.1")), []bad{{"0", "name"}}},
		{"FQDN of a look-alike", ok(rec("badexample.com.", "A", "192.0.2.1")), []bad{{"0", "name"}}},
		{"upper case", ok(rec("WWW", "A", "192.0.2.1")), nil},
		{"deep relative", ok(rec("a.b.c", "A", "192.0.2.1")), nil},
		{"underscore", ok(rec("_acme-challenge", "TXT", "token")), nil},
		{"wildcard", ok(rec("*", "A", "192.0.2.1"), rec("*.dev", "A", "192.0.2.1")), nil},
		{"wildcard inside", ok(rec("a.*", "A", "192.0.2.1")), []bad{{"0", "name"}}},
		{"space in a name", ok(rec("my host", "A", "192.0.2.1")), []bad{{"0", "name"}}},
		{"empty label", ok(rec("a..b", "A", "192.0.2.1")), []bad{{"0", "name"}}},
		{"leading dot", ok(rec(".www", "A", "192.0.2.1")), []bad{{"0", "name"}}},
		{"label too long", ok(rec(strings.Repeat("x", 64), "A", "192.0.2.1")), []bad{{"0", "name"}}},
		{"label at the limit", ok(rec(strings.Repeat("x", 63), "A", "192.0.2.1")), nil},
		{"name at the limit", ok(rec(strings.Repeat("abcdefghi.", 24)+"x", "A", "192.0.2.1")), nil},
		{"name too long", ok(rec(strings.Repeat("abcdefghi.", 24)+"xy", "A", "192.0.2.1")), []bad{{"0", "name"}}},
		{"not ASCII", ok(rec("zażółć", "A", "192.0.2.1")), []bad{{"0", "name"}}},
		{"not ASCII, absolute", ok(rec(strings.Repeat("İ", 100)+".example.com.", "A", "192.0.2.1")), []bad{{"0", "name"}}},
		{"not ASCII target", ok(rec("www", "CNAME", strings.Repeat("İ", 100)+".example.com.")), []bad{{"0", "data1"}}},
		{"punycode", ok(rec("xn--zaw-ola8ax4c", "A", "192.0.2.1")), nil},
		{"first name empty", ok(rec("", "A", "192.0.2.1")), []bad{{"0", "name"}}},
		{"empty name repeats the previous", ok(rec("www", "A", "192.0.2.1"), rec("", "AAAA", "2001:db8::1")), nil},
		{"empty name after a bad one", ok(rec("a..b", "A", "192.0.2.1"), rec("", "A", "192.0.2.2")), []bad{{"0", "name"}, {"1", "name"}}},
		{"empty name after the apex", ok(rec("@", "A", "192.0.2.1"), rec("", "CNAME", "x.example.net.")), []bad{{"1", "name"}}},
		// TTL
		{"TTL minimum", ok(withTTL(rec("@", "A", "192.0.2.1"), panel.MinTTL)), nil},
		{"TTL maximum", ok(withTTL(rec("@", "A", "192.0.2.1"), panel.MaxTTL)), nil},
		{"TTL too small", ok(withTTL(rec("@", "A", "192.0.2.1"), 59)), []bad{{"0", "ttl"}}},
		{"TTL zero", ok(withTTL(rec("@", "A", "192.0.2.1"), 0)), []bad{{"0", "ttl"}}},
		{"TTL too big", ok(withTTL(rec("@", "A", "192.0.2.1"), 604801)), []bad{{"0", "ttl"}}},
		// Types
		{"lower-case type", ok(rec("@", "mx", "10", "mx.example.net.")), nil},
		{"unknown type", ok(rec("@", "PTR", "x.example.net.")), []bad{{"0", "type"}}},
		{"empty type", ok(rec("@", "", "x")), []bad{{"0", "type"}}},
		// Duplicates
		{"duplicate", ok(rec("www", "A", "192.0.2.1"), rec("WWW.example.com.", "A", "192.0.2.1")), []bad{{"1", ""}}},
		{"duplicate by canonical form", ok(rec("@", "AAAA", "2001:db8::1"), rec("@", "AAAA", "2001:DB8:0::1")), []bad{{"1", ""}}},
		{"duplicate by empty name", ok(rec("@", "MX", "10", "mx.example.net."), rec("", "MX", "010", "MX.example.net.")), []bad{{"1", ""}}},
		{"not duplicate: other TTL only is still a duplicate", ok(withTTL(rec("@", "TXT", "a"), 60), withTTL(rec("@", "TXT", "a"), 120)), []bad{{"1", ""}}},
		{"not duplicate: other data", ok(rec("@", "TXT", "a"), rec("@", "TXT", "A")), nil},
		// Keys and several records
		{"keys name the records", ok(withKey(rec("@", "A", "192.0.2.1"), "10"), withKey(rec("@", "A", "bad"), "7"), withKey(rec("x", "A", "also bad"), "3")),
			[]bad{{"7", "data1"}, {"3", "data1"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := panel.ValidateZoneRecords(zone, tc.recs)
			if tc.bad == nil {
				if err != nil {
					t.Fatalf("want valid, got %v (%+v)", err, detailsOf(err))
				}
				if len(out) != len(tc.recs) {
					t.Fatalf("%d records out of %d", len(out), len(tc.recs))
				}
				return
			}
			if !apperr.Is(err, apperr.CodeIncorrectParamValue) {
				t.Fatalf("want incorrect-param-value, got %v", err)
			}
			var got []bad
			for _, d := range detailsOf(err) {
				got = append(got, bad{d.Index, d.Field})
				if d.Message == "" {
					t.Errorf("empty message for %+v", d)
				}
			}
			if !reflect.DeepEqual(got, tc.bad) {
				t.Errorf("errors %v, want %v: %v (%+v)", got, tc.bad, err, detailsOf(err))
			}
			var ae *apperr.Error
			errors.As(err, &ae)
			if want := "record " + tc.bad[0].index + ": "; !strings.HasPrefix(ae.Detail, want) {
				t.Errorf("detail %q does not start with %q", ae.Detail, want)
			}
		})
	}
}

func detailsOf(err error) []apperr.ItemError {
	var ae *apperr.Error
	if errors.As(err, &ae) {
		return ae.Details
	}
	return nil
}

// TestValidateZoneRecordsStoredForm checks what is stored: names as
// given, defaults applied, canonical numbers and addresses.
func TestValidateZoneRecordsStoredForm(t *testing.T) {
	out, err := panel.ValidateZoneRecords("example.com", []panel.DNSRecordInput{
		rec(" WWW ", "a", " 192.0.2.1 "),
		withTTL(rec("", "aaaa", "2001:DB8:0:0::1"), 300),
		rec("@", "Mx", "010", "Mail.Example.com."),
		rec("@", "txt", "  spaced text  "),
		rec("_sip._tcp", "SRV", "01", "002", "05060", "sip"),
		rec("@", "caa", "0", "IssueWild", ";"),
		rec("dev", "ns", "ns1.example.net."),
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []store.ZoneRecord{
		{Name: "WWW", TTL: panel.DefaultTTL, Type: "A", Data1: "192.0.2.1"},
		{Name: "", TTL: 300, Type: "AAAA", Data1: "2001:db8::1"},
		{Name: "@", TTL: panel.DefaultTTL, Type: "MX", Data1: "10", Data2: "Mail.Example.com."},
		{Name: "@", TTL: panel.DefaultTTL, Type: "TXT", Data1: "  spaced text  "},
		{Name: "_sip._tcp", TTL: panel.DefaultTTL, Type: "SRV", Data1: "1", Data2: "2", Data3: "5060", Data4: "sip"},
		{Name: "@", TTL: panel.DefaultTTL, Type: "CAA", Data1: "0", Data2: "issuewild", Data3: ";"},
		{Name: "dev", TTL: panel.DefaultTTL, Type: "NS", Data1: "ns1.example.net."},
	}
	if !reflect.DeepEqual(out, want) {
		t.Errorf("stored\n got %+v\nwant %+v", out, want)
	}
	served, err := panel.ServedRecords("example.com", out)
	if err != nil {
		t.Fatal(err)
	}
	wantServed := []panel.ServedRecord{
		{Owner: "www.example.com.", TTL: 3600, Type: "A", Data: [4]string{"192.0.2.1"}},
		{Owner: "www.example.com.", TTL: 300, Type: "AAAA", Data: [4]string{"2001:db8::1"}},
		{Owner: "example.com.", TTL: 3600, Type: "MX", Data: [4]string{"10", "mail.example.com."}},
		{Owner: "example.com.", TTL: 3600, Type: "TXT", Data: [4]string{"  spaced text  "}},
		{Owner: "_sip._tcp.example.com.", TTL: 3600, Type: "SRV", Data: [4]string{"1", "2", "5060", "sip.example.com."}},
		{Owner: "example.com.", TTL: 3600, Type: "CAA", Data: [4]string{"0", "issuewild", ";"}},
		{Owner: "dev.example.com.", TTL: 3600, Type: "NS", Data: [4]string{"ns1.example.net."}},
	}
	if !reflect.DeepEqual(served, wantServed) {
		t.Errorf("served\n got %+v\nwant %+v", served, wantServed)
	}
}

func TestValidateZoneRecordsLimits(t *testing.T) {
	recs := make([]panel.DNSRecordInput, panel.MaxZoneRecords+1)
	for i := range recs {
		recs[i] = rec(fmt.Sprint("h", i), "A", "192.0.2.1")
	}
	if _, err := panel.ValidateZoneRecords("example.com", recs[:panel.MaxZoneRecords]); err != nil {
		t.Errorf("%d records: %v", panel.MaxZoneRecords, err)
	}
	if _, err := panel.ValidateZoneRecords("example.com", recs); !apperr.Is(err, apperr.CodeIncorrectParamValue) {
		t.Errorf("%d records: %v, want incorrect-param-value", len(recs), err)
	}
	if out, err := panel.ValidateZoneRecords("example.com", nil); err != nil || len(out) != 0 {
		t.Errorf("no records: %v, %v", out, err)
	}
	// The layout table and the wire's record types agree.
	var types []string
	for _, l := range panel.DNSRecordLayouts {
		types = append(types, l.Type)
		if l.Data[0].Kind == panel.DNSDataUnused {
			t.Errorf("%s: data1 unused", l.Type)
		}
	}
	if !slices.Equal(types, artnet.DNSRecordTypes) {
		t.Errorf("layout types %v, wire types %v", types, artnet.DNSRecordTypes)
	}
}

func TestSplitTXT(t *testing.T) {
	for _, n := range []int{1, 254, 255, 256, 510, 511, 4096} {
		text := strings.Repeat("x", n)
		parts := panel.SplitTXT(text)
		if strings.Join(parts, "") != text || len(parts) != (n+254)/255 {
			t.Errorf("%d bytes: %d parts", n, len(parts))
		}
		for _, p := range parts {
			if len(p) > 255 || len(p) == 0 {
				t.Errorf("%d bytes: part of %d", n, len(p))
			}
		}
	}
}

// dnsFixture is a panel over a fresh SQLite store with two customers: a
// owns a domain service for "acme.test", b for "beta.test".
type dnsFixture struct {
	p         *panel.Panel
	st        store.Store
	a, b      int64
	clock     time.Time
	published *recorder
	lookups   map[string][]string
}

type recorder struct {
	mu      sync.Mutex
	domains []string
}

func (r *recorder) ZoneChanged(_ context.Context, domain string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.domains = append(r.domains, domain)
}

func (r *recorder) take() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	d := r.domains
	r.domains = nil
	return d
}

func newDNSFixture(t *testing.T) *dnsFixture {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "dns.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	f := &dnsFixture{st: st, published: &recorder{}, clock: time.Date(2025, 3, 15, 12, 0, 0, 0, time.UTC),
		lookups: map[string][]string{
			"ns1.master.example": {"198.51.100.53", "2001:db8::53"},
			"localhost.example":  {"127.0.0.1", "::1"},
		}}
	for i, domain := range []string{"acme.test", "beta.test"} {
		c := store.Customer{Name: domain, Language: "pl"}
		if err := st.CustomerCreate(ctx, &c); err != nil {
			t.Fatal(err)
		}
		s := store.Service{CustomerID: c.ID, Type: artnet.ServiceTypeDomain, Name: domain,
			Details: []byte(`{"domain_name":"` + strings.ToUpper(domain) + `","manageable":true}`)}
		if err := st.ServiceCreate(ctx, &s); err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			f.a = c.ID
		} else {
			f.b = c.ID
		}
	}
	f.p = panel.New(st)
	f.p.Now = func() time.Time { return f.clock }
	f.p.Zones = f.published
	f.p.LookupHost = func(_ context.Context, host string) ([]string, error) {
		if a, ok := f.lookups[host]; ok {
			return a, nil
		}
		return nil, errors.New("no such host")
	}
	return f
}

func wantCode(t *testing.T, what string, err error, code string) {
	t.Helper()
	if !apperr.Is(err, code) {
		t.Errorf("%s: %v, want %s", what, err, code)
	}
}

func TestDNSAddZones(t *testing.T) {
	f := newDNSFixture(t)
	ctx := context.Background()
	z, err := f.p.DNSAddPrimary(ctx, f.a, " ACME.test. ")
	if err != nil {
		t.Fatal(err)
	}
	if z.Domain != "acme.test" || z.Type != artnet.DNSZoneTypePrimary || z.ID <= 0 || z.MasterNameserver != "" {
		t.Errorf("DNSAddPrimary = %+v", z)
	}
	if got := f.published.take(); !slices.Equal(got, []string{"acme.test"}) {
		t.Errorf("published %v", got)
	}
	d, err := f.p.DNSPrimaryDetails(ctx, f.a, z.ID)
	if err != nil {
		t.Fatal(err)
	}
	if d.Serial != 2025031501 || len(d.Records) != 0 || d.Records == nil || !slices.Equal(d.Nameservers, panel.DefaultNameservers) {
		t.Errorf("new zone details %+v", d)
	}
	// A subdomain of the domain service; an allowance; IDN.
	if _, err := f.p.DNSAddPrimary(ctx, f.a, "shop.acme.test"); err != nil {
		t.Errorf("subdomain of the service: %v", err)
	}
	if err := f.p.AllowDomain(ctx, f.a, "Zażółć.PL"); err != nil {
		t.Fatal(err)
	}
	if z, err := f.p.DNSAddPrimary(ctx, f.a, "www.zażółć.pl"); err != nil || z.Domain != "www.xn--za-6ja4f8n1l.pl" {
		t.Errorf("allowed IDN subdomain: %+v, %v", z, err)
	}
	f.published.take()

	for _, tc := range []struct {
		name, domain, code string
	}{
		{"invalid name", "bad..name", apperr.CodeIncorrectParamValue},
		{"single label", "test", apperr.CodeIncorrectParamValue},
		{"empty", " ", apperr.CodeIncorrectParamValue},
		{"another customer's domain", "beta.test", apperr.CodeDomainNotAllowed},
		{"a look-alike", "xacme.test", apperr.CodeDomainNotAllowed},
		{"the parent", "test", apperr.CodeIncorrectParamValue},
		{"a parent of the allowance", "xn--za-6ja4f8n1l.pl.eu", apperr.CodeDomainNotAllowed},
		{"existing zone", "acme.test", apperr.CodeDomainAlreadyExists},
		{"existing zone, other case", "SHOP.ACME.TEST", apperr.CodeDomainAlreadyExists},
	} {
		_, err := f.p.DNSAddPrimary(ctx, f.a, tc.domain)
		wantCode(t, tc.name, err, tc.code)
	}
	// B may not add A's domain, and does not learn that it exists.
	_, err = f.p.DNSAddPrimary(ctx, f.b, "acme.test")
	wantCode(t, "B adds A's zone", err, apperr.CodeDomainNotAllowed)
	// With an allowance B is allowed, and then the zone exists.
	if err := f.p.AllowDomain(ctx, f.b, "acme.test"); err != nil {
		t.Fatal(err)
	}
	_, err = f.p.DNSAddPrimary(ctx, f.b, "acme.test")
	wantCode(t, "B adds A's zone with an allowance", err, apperr.CodeDomainAlreadyExists)
	if got := f.published.take(); len(got) != 0 {
		t.Errorf("failures published %v", got)
	}

	// Secondary zones.
	sz, err := f.p.DNSAddSecondary(ctx, f.b, "beta.test", "NS1.Master.Example.")
	if err != nil {
		t.Fatal(err)
	}
	if sz.Type != artnet.DNSZoneTypeSecondary || sz.MasterNameserver != "ns1.master.example" || sz.Domain != "beta.test" {
		t.Errorf("DNSAddSecondary = %+v", sz)
	}
	if z, err := f.p.DNSAddSecondary(ctx, f.b, "sub.beta.test", " 2001:DB8::35 "); err != nil || z.MasterNameserver != "2001:db8::35" {
		t.Errorf("secondary with an IPv6 master: %+v, %v", z, err)
	}
	if got := f.published.take(); !slices.Equal(got, []string{"beta.test", "sub.beta.test"}) {
		t.Errorf("published %v", got)
	}
	for _, tc := range []struct {
		name, domain, master, code string
	}{
		{"unresolvable", "a.beta.test", "nowhere.example", apperr.CodeUnresolveableMasterNameserver},
		{"resolves to loopback only", "a.beta.test", "localhost.example", apperr.CodeUnresolveableMasterNameserver},
		{"loopback IP", "a.beta.test", "127.0.0.1", apperr.CodeIncorrectParamValue},
		{"unspecified IP", "a.beta.test", "::", apperr.CodeIncorrectParamValue},
		{"bad host", "a.beta.test", "bad..host", apperr.CodeIncorrectParamValue},
		{"empty master", "a.beta.test", "", apperr.CodeIncorrectParamValue},
		{"bad domain", "a..beta.test", "192.0.2.53", apperr.CodeIncorrectParamValue},
		{"not allowed before unresolvable", "acme-other.test", "nowhere.example", apperr.CodeDomainNotAllowed},
		{"exists before unresolvable", "beta.test", "nowhere.example", apperr.CodeDomainAlreadyExists},
		{"exists as a primary", "acme.test", "192.0.2.53", apperr.CodeDomainAlreadyExists},
	} {
		_, err := f.p.DNSAddSecondary(ctx, f.b, tc.domain, tc.master)
		wantCode(t, tc.name, err, tc.code)
	}

	// Lists: ids in order, master only for secondary zones.
	la, err := f.p.DNSZonesList(ctx, f.a)
	if err != nil || len(la) != 3 {
		t.Fatalf("A's zones %+v, %v", la, err)
	}
	lb, err := f.p.DNSZonesList(ctx, f.b)
	if err != nil || len(lb) != 2 || lb[0].MasterNameserver != "ns1.master.example" || lb[0].ID > lb[1].ID {
		t.Fatalf("B's zones %+v, %v", lb, err)
	}
	for _, z := range la {
		if z.MasterNameserver != "" || z.Type != artnet.DNSZoneTypePrimary {
			t.Errorf("A's zone %+v", z)
		}
	}
	if l, err := f.p.DNSZonesList(ctx, f.b+100); err != nil || l == nil || len(l) != 0 {
		t.Errorf("zones of nobody: %#v, %v", l, err)
	}

	// Details of the wrong type, of another customer, missing.
	_, err = f.p.DNSSecondaryDetails(ctx, f.a, z.ID)
	wantCode(t, "details-secoundary of a primary zone", err, apperr.CodeInvalidZoneType)
	_, err = f.p.DNSPrimaryDetails(ctx, f.b, sz.ID)
	wantCode(t, "details-primary of a secondary zone", err, apperr.CodeInvalidZoneType)
	_, err = f.p.DNSPrimaryDetails(ctx, f.b, z.ID)
	wantCode(t, "details-primary of A's zone for B", err, apperr.CodeInvalidZoneID)
	_, err = f.p.DNSSecondaryDetails(ctx, f.a, sz.ID)
	wantCode(t, "details-secoundary of B's zone for A", err, apperr.CodeInvalidZoneID)
	for _, id := range []int64{0, -1, 999999} {
		_, err = f.p.DNSPrimaryDetails(ctx, f.a, id)
		wantCode(t, "details-primary of zone "+strconv.FormatInt(id, 10), err, apperr.CodeInvalidZoneID)
	}
	if got, err := f.p.DNSSecondaryDetails(ctx, f.b, sz.ID); err != nil || got != sz {
		t.Errorf("details-secoundary = %+v, %v; want %+v", got, err, sz)
	}

	// Delete: only one's own; the domain is free again.
	wantCode(t, "B deletes A's zone", f.p.DNSDeleteZone(ctx, f.b, z.ID), apperr.CodeInvalidZoneID)
	if err := f.p.DNSDeleteZone(ctx, f.b, sz.ID); err != nil {
		t.Fatal(err)
	}
	wantCode(t, "delete again", f.p.DNSDeleteZone(ctx, f.b, sz.ID), apperr.CodeInvalidZoneID)
	if got := f.published.take(); !slices.Equal(got, []string{"beta.test"}) {
		t.Errorf("published %v", got)
	}
	if _, err := f.p.DNSAddPrimary(ctx, f.b, "beta.test"); err != nil {
		t.Errorf("re-adding a deleted zone: %v", err)
	}
}

func TestDNSEditPrimaryRecords(t *testing.T) {
	f := newDNSFixture(t)
	ctx := context.Background()
	z, err := f.p.DNSAddPrimary(ctx, f.a, "acme.test")
	if err != nil {
		t.Fatal(err)
	}
	sec, err := f.p.DNSAddSecondary(ctx, f.a, "sec.acme.test", "192.0.2.53")
	if err != nil {
		t.Fatal(err)
	}
	f.published.take()
	details := func() artnet.DNSPrimaryZone {
		t.Helper()
		d, err := f.p.DNSPrimaryDetails(ctx, f.a, z.ID)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	edit := func(serial int64, recs ...panel.DNSRecordInput) error {
		return f.p.DNSEditPrimaryRecords(ctx, f.a, z.ID, strconv.FormatInt(serial, 10), recs)
	}
	records := []panel.DNSRecordInput{
		rec("@", "A", "192.0.2.1"),
		rec("www", "CNAME", "@"),
		withTTL(rec("@", "MX", "10", "mail"), 300),
		rec("mail", "A", "192.0.2.2"),
	}
	if err := edit(2025031501, records...); err != nil {
		t.Fatal(err)
	}
	d := details()
	if d.Serial != 2025031502 || len(d.Records) != 4 {
		t.Fatalf("after the first edit: %+v", d)
	}
	wantRecs := []artnet.DNSRecord{
		{Name: "@", TTL: 3600, Type: "A", Data1: "192.0.2.1"},
		{Name: "www", TTL: 3600, Type: "CNAME", Data1: "@"},
		{Name: "@", TTL: 300, Type: "MX", Data1: "10", Data2: "mail"},
		{Name: "mail", TTL: 3600, Type: "A", Data1: "192.0.2.2"},
	}
	if !reflect.DeepEqual(d.Records, wantRecs) {
		t.Errorf("records\n got %+v\nwant %+v", d.Records, wantRecs)
	}
	if got := f.published.take(); !slices.Equal(got, []string{"acme.test"}) {
		t.Errorf("published %v", got)
	}

	// Failures change nothing and publish nothing.
	for _, tc := range []struct {
		name string
		err  error
		code string
	}{
		{"old serial", edit(2025031501, records[:1]...), apperr.CodeIncorrectSOASerial},
		{"future serial", edit(2025031503, records[:1]...), apperr.CodeIncorrectSOASerial},
		{"bad records", edit(2025031502, rec("@", "A", "x")), apperr.CodeIncorrectParamValue},
		{"serial not a number", f.p.DNSEditPrimaryRecords(ctx, f.a, z.ID, "2025-03-15", nil), apperr.CodeIncorrectParamValue},
		{"secondary zone", f.p.DNSEditPrimaryRecords(ctx, f.a, sec.ID, "0", nil), apperr.CodeInvalidZoneType},
		{"B edits A's zone", f.p.DNSEditPrimaryRecords(ctx, f.b, z.ID, "2025031502", nil), apperr.CodeInvalidZoneID},
		{"missing zone", f.p.DNSEditPrimaryRecords(ctx, f.a, 999999, "2025031502", nil), apperr.CodeInvalidZoneID},
	} {
		wantCode(t, tc.name, tc.err, tc.code)
	}
	if got := details(); got.Serial != d.Serial || !reflect.DeepEqual(got.Records, d.Records) {
		t.Errorf("failed edits changed the zone: %+v", got)
	}
	if got := f.published.take(); len(got) != 0 {
		t.Errorf("failures published %v", got)
	}

	// The rest of the day: 2025031503 ... past 99 changes.
	serial := d.Serial
	for i := 3; i <= 101; i++ {
		if err := edit(serial, records[:1+i%4]...); err != nil {
			t.Fatalf("edit %d: %v", i, err)
		}
		next := details().Serial
		if next != 2025031500+int64(i) {
			t.Fatalf("edit %d: serial %d, want %d", i, next, 2025031500+int64(i))
		}
		serial = next
	}
	if serial != 2025031601 { // the 101st serial of the 15th
		t.Fatalf("serial %d after 101 serials on one day", serial)
	}
	// The next day, still counting up from the borrowed serial.
	f.clock = f.clock.Add(24 * time.Hour)
	if err := edit(serial); err != nil {
		t.Fatal(err)
	}
	if got := details(); got.Serial != 2025031602 || len(got.Records) != 0 || got.Records == nil {
		t.Errorf("emptied zone the next day: %+v", got)
	}
	// Two days later the date wins again.
	f.clock = f.clock.Add(48 * time.Hour)
	if err := edit(2025031602, records...); err != nil {
		t.Fatal(err)
	}
	if got := details().Serial; got != 2025031801 {
		t.Errorf("serial %d, want 2025031801", got)
	}

	// Custom name servers.
	f.p.Nameservers = []string{"a.ns.example", "b.ns.example", "c.ns.example"}
	if got := details().Nameservers; !slices.Equal(got, f.p.Nameservers) {
		t.Errorf("nameservers %v", got)
	}
}

// TestDNSEditConcurrent runs edits with the same serial at once: exactly
// one succeeds, the others answer incorrect-soa-serial.
func TestDNSEditConcurrent(t *testing.T) {
	f := newDNSFixture(t)
	ctx := context.Background()
	z, err := f.p.DNSAddPrimary(ctx, f.a, "acme.test")
	if err != nil {
		t.Fatal(err)
	}
	const n = 10
	errs := make([]error, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			<-start
			errs[i] = f.p.DNSEditPrimaryRecords(ctx, f.a, z.ID, "2025031501",
				[]panel.DNSRecordInput{rec("@", "TXT", fmt.Sprint("writer ", i))})
		})
	}
	close(start)
	wg.Wait()
	winner := -1
	for i, err := range errs {
		switch {
		case err == nil:
			if winner >= 0 {
				t.Errorf("edits %d and %d both succeeded", winner, i)
			}
			winner = i
		case !apperr.Is(err, apperr.CodeIncorrectSOASerial):
			t.Errorf("edit %d: %v", i, err)
		}
	}
	if winner < 0 {
		t.Fatal("no edit succeeded")
	}
	d, err := f.p.DNSPrimaryDetails(ctx, f.a, z.ID)
	if err != nil || d.Serial != 2025031502 || len(d.Records) != 1 || d.Records[0].Data1 != fmt.Sprint("writer ", winner) {
		t.Errorf("zone after the race: %+v, %v (winner %d)", d, err, winner)
	}
}

// FuzzValidateZoneRecords checks that no input makes validation panic and
// that what passes is served: ServedRecords accepts every stored record.
func FuzzValidateZoneRecords(f *testing.F) {
	f.Add("@", "A", "192.0.2.1", "", "", "", "www", "CNAME", "@", "")
	f.Add("_sip._tcp", "SRV", "10", "5", "5060", "sip", "", "TXT", "x", "")
	f.Add("dev", "NS", "ns.dev", "", "", "", "ns.dev", "A", "192.0.2.53", "")
	f.Add("x.example.com.", "MX", "10", "mail.example.com.", "", "", "@", "CAA", "0", "iodef")
	f.Add("İİ.example.com.", "CNAME", "a..b", "", "", "", "", "TXT", "\xff", "")
	f.Fuzz(func(t *testing.T, n1, t1, a1, b1, c1, d1, n2, t2, a2, b2 string) {
		recs := []panel.DNSRecordInput{
			{Name: n1, Type: t1, Data1: a1, Data2: b1, Data3: c1, Data4: d1},
			{Name: n2, Type: t2, Data1: a2, Data2: b2},
		}
		out, err := panel.ValidateZoneRecords("example.com", recs)
		if err != nil {
			if !apperr.Is(err, apperr.CodeIncorrectParamValue) || len(detailsOf(err)) == 0 {
				t.Fatalf("error %v without details", err)
			}
			return
		}
		served, err := panel.ServedRecords("example.com", out)
		if err != nil || len(served) != len(out) {
			t.Fatalf("valid records %+v not served: %v", out, err)
		}
		for _, s := range served {
			if !strings.HasSuffix(s.Owner, ".example.com.") && s.Owner != "example.com." {
				t.Fatalf("owner %q outside the zone", s.Owner)
			}
		}
	})
}
