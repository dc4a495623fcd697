package panel_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/netip"
	"path/filepath"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/artnet-panel/artnet-panel/artnet"
	"github.com/artnet-panel/artnet-panel/internal/apperr"
	"github.com/artnet-panel/artnet-panel/internal/panel"
	"github.com/artnet-panel/artnet-panel/internal/store"
	"github.com/artnet-panel/artnet-panel/internal/store/sqlite"
)

func subnet(id int64, ip, maskShort string) artnet.Subnetwork {
	typ := "IPv4"
	if netip.MustParseAddr(ip).Is6() {
		typ = "IPv6"
	}
	return artnet.Subnetwork{ID: id, IP: ip, MaskShort: maskShort, Type: typ}
}

func TestRevDNSSubclasses(t *testing.T) {
	type sc struct{ name, prefix, zone string }
	for _, tc := range []struct {
		name string
		sn   artnet.Subnetwork
		want []sc
	}{
		{"IPv4 /29", subnet(1, "123.123.124.0", "/29"), []sc{{"123.123.124", "123.123.124", "124.123.123.in-addr.arpa"}}},
		{"IPv4 /32", subnet(1, "123.123.123.124", "/32"), []sc{{"123.123.123", "123.123.123", "123.123.123.in-addr.arpa"}}},
		{"IPv4 /24", subnet(1, "10.1.2.0", "/24"), []sc{{"10.1.2", "10.1.2", "2.1.10.in-addr.arpa"}}},
		{"IPv4 /22", subnet(1, "123.123.124.0", "/22"), []sc{
			{"123.123.124", "123.123.124", "124.123.123.in-addr.arpa"},
			{"123.123.125", "123.123.125", "125.123.123.in-addr.arpa"},
			{"123.123.126", "123.123.126", "126.123.123.in-addr.arpa"},
			{"123.123.127", "123.123.127", "127.123.123.in-addr.arpa"},
		}},
		{"IPv4 /22 with host bits, mask only", artnet.Subnetwork{ID: 1, IP: "123.123.125.77", Mask: "255.255.252.0", Type: "IPv4"}, []sc{
			{"123.123.124", "123.123.124", "124.123.123.in-addr.arpa"},
			{"123.123.125", "123.123.125", "125.123.123.in-addr.arpa"},
			{"123.123.126", "123.123.126", "126.123.123.in-addr.arpa"},
			{"123.123.127", "123.123.127", "127.123.123.in-addr.arpa"},
		}},
		{"IPv4 /23 across a /16 boundary", subnet(1, "10.0.254.0", "23"), []sc{
			{"10.0.254", "10.0.254", "254.0.10.in-addr.arpa"},
			{"10.0.255", "10.0.255", "255.0.10.in-addr.arpa"},
		}},
		{"IPv6 /64", subnet(1, "2a01:1234:5678::", "/64"), []sc{
			{"2a01:1234:5678::/64", "2a01:1234:5678:0", "0.0.0.0.8.7.6.5.4.3.2.1.1.0.a.2.ip6.arpa"}}},
		{"IPv6 /64, mask only", artnet.Subnetwork{ID: 1, IP: "2a01:1234:5678::", Mask: "ffff:ffff:ffff:ffff::", Type: "IPv6"}, []sc{
			{"2a01:1234:5678::/64", "2a01:1234:5678:0", "0.0.0.0.8.7.6.5.4.3.2.1.1.0.a.2.ip6.arpa"}}},
		{"IPv6 /56", subnet(1, "2A01:1234:5678:1200::", "/56"), []sc{
			{"2a01:1234:5678:1200::/56", "2a01:1234:5678", "2.1.8.7.6.5.4.3.2.1.1.0.a.2.ip6.arpa"}}},
		{"IPv6 /62 is in its /60 nibble zone", subnet(1, "2a01:db8:0:abcc::", "/62"), []sc{
			{"2a01:db8:0:abc0::/60", "2a01:db8:0", "c.b.a.0.0.0.0.8.b.d.0.1.0.a.2.ip6.arpa"}}},
		{"IPv6 /48", subnet(1, "2a01:1234:5678::", "/48"), []sc{
			{"2a01:1234:5678::/48", "2a01:1234:5678", "8.7.6.5.4.3.2.1.1.0.a.2.ip6.arpa"}}},
		{"IPv6 /128", subnet(1, "2a01:1234:5678::1", "/128"), []sc{
			{"2a01:1234:5678::1/128", "2a01:1234:5678:0:0:0:0",
				"1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.7.6.5.4.3.2.1.1.0.a.2.ip6.arpa"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			subs, err := panel.RevDNSSubclasses(tc.sn)
			if err != nil {
				t.Fatal(err)
			}
			var got []sc
			for _, s := range subs {
				got = append(got, sc{s.Name, s.Prefix, s.Zone})
				if panel.ReverseZoneName(s.Range) != s.Zone {
					t.Errorf("%s: zone %s, ReverseZoneName(%s) = %s", s.Name, s.Zone, s.Range, panel.ReverseZoneName(s.Range))
				}
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("subclasses\n got %+v\nwant %+v", got, tc.want)
			}
		})
	}
	// A /16 has 256 subclasses, the first and the last as expected.
	subs, err := panel.RevDNSSubclasses(subnet(1, "172.16.0.0", "/16"))
	if err != nil || len(subs) != 256 || subs[0].Name != "172.16.0" || subs[255].Name != "172.16.255" {
		t.Errorf("/16: %d subclasses, %v", len(subs), err)
	}
	for _, sn := range []artnet.Subnetwork{
		{ID: 1, IP: "not an ip", MaskShort: "/29"},
		{ID: 1, IP: "fe80::1%eth0", MaskShort: "/64"},
		{ID: 1, IP: "10.0.0.0", MaskShort: "/33"},
		{ID: 1, IP: "10.0.0.0", MaskShort: "/x"},
		{ID: 1, IP: "10.0.0.0"},
		{ID: 1, IP: "10.0.0.0", Mask: "255.0.255.0"},
		{ID: 1, IP: "10.0.0.0", Mask: "ffff::"},
		{ID: 1, IP: "10.0.0.0", MaskShort: "/15"},
		{ID: 1, IP: "2a01::", MaskShort: "/12"},
	} {
		if subs, err := panel.RevDNSSubclasses(sn); err == nil {
			t.Errorf("RevDNSSubclasses(%+v) = %+v, want an error", sn, subs)
		}
	}
}

func subclassOf(t *testing.T, sn artnet.Subnetwork, i int) panel.RevDNSSubclass {
	t.Helper()
	subs, err := panel.RevDNSSubclasses(sn)
	if err != nil || len(subs) <= i {
		t.Fatalf("RevDNSSubclasses(%+v) = %+v, %v", sn, subs, err)
	}
	return subs[i]
}

func TestRevDNSOrigins(t *testing.T) {
	v4 := subclassOf(t, subnet(1, "123.123.124.0", "/29"), 0)
	v4b := subclassOf(t, subnet(1, "123.123.124.0", "/22"), 1) // 123.123.125
	v432 := subclassOf(t, subnet(1, "123.123.123.124", "/32"), 0)
	v6 := subclassOf(t, subnet(1, "2a01:1234:5678::", "/64"), 0)
	v656 := subclassOf(t, subnet(1, "2a01:1234:5678:1200::", "/56"), 0)
	v6128 := subclassOf(t, subnet(1, "2a01:1234:5678::1", "/128"), 0)
	for _, tc := range []struct {
		name     string
		sc       panel.RevDNSSubclass
		origin   string
		addr     string // "" = not a valid origin
		editable bool
		canon    string // the origin as shown
	}{
		{"v4 first", v4, "0", "123.123.124.0", true, "0"},
		{"v4 in", v4, "5", "123.123.124.5", true, "5"},
		{"v4 last", v4, "7", "123.123.124.7", true, "7"},
		{"v4 spaces", v4, " 3 ", "123.123.124.3", true, "3"},
		{"v4 outside the /29", v4, "8", "123.123.124.8", false, "8"},
		{"v4 outside, 255", v4, "255", "123.123.124.255", false, "255"},
		{"v4 256", v4, "256", "", false, ""},
		{"v4 leading zero", v4, "05", "", false, ""},
		{"v4 negative", v4, "-1", "", false, ""},
		{"v4 empty", v4, "", "", false, ""},
		{"v4 full address", v4, "123.123.124.5", "", false, ""},
		{"v4 hex", v4, "0x5", "", false, ""},
		{"/22 second subclass", v4b, "200", "123.123.125.200", true, "200"},
		{"/32 its address", v432, "124", "123.123.123.124", true, "124"},
		{"/32 another", v432, "125", "123.123.123.125", false, "125"},
		{"v6 groups", v6, "0:0:0:1", "2a01:1234:5678::1", true, "0:0:0:1"},
		{"v6 compressed", v6, "::1", "2a01:1234:5678::1", true, "0:0:0:1"},
		{"v6 leading zeros, upper case", v6, "0000:0000:00AB:0001", "2a01:1234:5678::ab:1", true, "0:0:ab:1"},
		{"v6 compressed middle", v6, "1::2", "2a01:1234:5678:0:1::2", true, "1:0:0:2"},
		{"v6 trailing ::", v6, "abcd::", "2a01:1234:5678:0:abcd::", true, "abcd:0:0:0"},
		{"v6 too few groups", v6, "1:2", "", false, ""},
		{"v6 too many groups", v6, "1:2:3:4:5", "", false, ""},
		{"v6 :: for no group", v6, "1:2::3:4", "", false, ""},
		{"v6 two ::", v6, "1::2::3", "", false, ""},
		{"v6 group too long", v6, "0:0:0:12345", "", false, ""},
		{"v6 not hex", v6, "0:0:0:g", "", false, ""},
		{"v6 full address", v6, "2a01:1234:5678::1", "", false, ""},
		{"v6 empty", v6, "", "", false, ""},
		{"v6 leading colon", v6, ":0:0:1", "", false, ""},
		{"v6 :::", v6, ":::1", "", false, ""},
		{"/56 in", v656, "1234:0:0:0:1", "2a01:1234:5678:1234::1", true, "1234:0:0:0:1"},
		{"/56 in, compressed", v656, "12ff::1", "2a01:1234:5678:12ff::1", true, "12ff:0:0:0:1"},
		{"/56 outside", v656, "1300::1", "2a01:1234:5678:1300::1", false, "1300:0:0:0:1"},
		{"/56 four groups", v656, "0:0:0:1", "", false, ""},
		{"/128 its address", v6128, "1", "2a01:1234:5678::1", true, "1"},
		{"/128 another", v6128, "2", "2a01:1234:5678::2", false, "2"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, err := tc.sc.Address(tc.origin)
			if tc.addr == "" {
				if err == nil {
					t.Fatalf("Address(%q) = %s, want an error", tc.origin, a)
				}
				return
			}
			if err != nil || a != netip.MustParseAddr(tc.addr) {
				t.Fatalf("Address(%q) = %s, %v; want %s", tc.origin, a, err, tc.addr)
			}
			if got := tc.sc.Editable(a); got != tc.editable {
				t.Errorf("Editable(%s) = %v, want %v", a, got, tc.editable)
			}
			if got := tc.sc.Origin(a); got != tc.canon {
				t.Errorf("Origin(%s) = %q, want %q", a, got, tc.canon)
			}
			// prefix + separator + origin is the address.
			sep := "."
			if a.Is6() {
				sep = ":"
			}
			if full, err := netip.ParseAddr(tc.sc.Prefix + sep + tc.sc.Origin(a)); err != nil || full != a {
				t.Errorf("prefix %q + origin %q = %s, %v; want %s", tc.sc.Prefix, tc.sc.Origin(a), full, err, a)
			}
		})
	}
}

func TestReversePTRName(t *testing.T) {
	for _, tc := range []struct{ addr, want string }{
		{"123.123.124.5", "5.124.123.123.in-addr.arpa"},
		{"2a01:1234:5678::1", "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.7.6.5.4.3.2.1.1.0.a.2.ip6.arpa"},
	} {
		if got := panel.ReversePTRName(netip.MustParseAddr(tc.addr)); got != tc.want {
			t.Errorf("ReversePTRName(%s) = %s, want %s", tc.addr, got, tc.want)
		}
	}
}

// revDNSFixture: customer a holds a dedicated server (subnetworks 501
// 123.123.124.0/29 and 502 2a01:1234:5678::/64), a colocation (503
// 123.123.125.8/29 and 505 10.20.0.0/22) and an additional IP (504
// 123.123.123.124/32); customer b holds 601 123.123.124.8/29, in the same
// /24 as 501.
type revDNSFixture struct {
	p         *panel.Panel
	st        store.Store
	a, b      int64
	clock     time.Time
	published *recorder
}

func newRevDNSFixture(t *testing.T) *revDNSFixture {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "revdns.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	f := &revDNSFixture{st: st, published: &recorder{}, clock: time.Date(2025, 6, 15, 12, 0, 0, 0, time.UTC)}
	addService := func(cust int64, typ string, details any) {
		b, err := json.Marshal(details)
		if err != nil {
			t.Fatal(err)
		}
		s := store.Service{CustomerID: cust, Type: typ, Name: typ, Details: b}
		if err := st.ServiceCreate(ctx, &s); err != nil {
			t.Fatal(err)
		}
	}
	for _, id := range []*int64{&f.a, &f.b} {
		c := store.Customer{Name: "c", Language: "pl"}
		if err := st.CustomerCreate(ctx, &c); err != nil {
			t.Fatal(err)
		}
		*id = c.ID
	}
	addService(f.a, artnet.ServiceTypeDedicated, artnet.DedicatedDetails{NetworkConfiguration: artnet.ServerNetwork{
		Subnetworks: []artnet.Subnetwork{subnet(502, "2a01:1234:5678::", "/64"), subnet(501, "123.123.124.0", "/29")}}})
	addService(f.a, artnet.ServiceTypeColocation, artnet.ColocationDetails{NetworkConfiguration: artnet.ServerNetwork{
		Subnetworks: []artnet.Subnetwork{subnet(503, "123.123.125.8", "/29"), subnet(505, "10.20.0.0", "/22"),
			{ID: 506, IP: "garbage", Mask: "255.255.255.0", MaskShort: "/24", Type: "IPv4"}}}})
	addService(f.a, artnet.ServiceTypeAdditionalIP, artnet.AdditionalIPDetails{
		Subnetworks: []artnet.Subnetwork{subnet(504, "123.123.123.124", "/32"),
			// The same id again (another service): the first service's wins.
			subnet(501, "99.99.99.0", "/24")}})
	addService(f.a, artnet.ServiceTypeVPS, artnet.VPSDetails{})
	addService(f.b, artnet.ServiceTypeDedicated, artnet.DedicatedDetails{NetworkConfiguration: artnet.ServerNetwork{
		Subnetworks: []artnet.Subnetwork{subnet(601, "123.123.124.8", "/29")}}})
	f.p = panel.New(st)
	f.p.Now = func() time.Time { return f.clock }
	f.p.Zones = f.published
	return f
}

func TestRevDNSList(t *testing.T) {
	f := newRevDNSFixture(t)
	ctx := context.Background()
	list, err := f.p.RevDNSList(ctx, f.a)
	if err != nil {
		t.Fatal(err)
	}
	want := []artnet.RevDNSSubnetwork{
		{ID: 501, IP: "123.123.124.0", MaskShort: "/29", Type: "IPv4", DNSSubclasses: []string{"123.123.124"}},
		{ID: 502, IP: "2a01:1234:5678::", MaskShort: "/64", Type: "IPv6", DNSSubclasses: []string{"2a01:1234:5678::/64"}},
		{ID: 503, IP: "123.123.125.8", MaskShort: "/29", Type: "IPv4", DNSSubclasses: []string{"123.123.125"}},
		{ID: 504, IP: "123.123.123.124", MaskShort: "/32", Type: "IPv4", DNSSubclasses: []string{"123.123.123"}},
		{ID: 505, IP: "10.20.0.0", MaskShort: "/22", Type: "IPv4", DNSSubclasses: []string{"10.20.0", "10.20.1", "10.20.2", "10.20.3"}},
		{ID: 506, IP: "garbage", Mask: "255.255.255.0", MaskShort: "/24", Type: "IPv4", DNSSubclasses: []string{}},
	}
	if !reflect.DeepEqual(list, want) {
		t.Errorf("RevDNSList(a):\n got %+v\nwant %+v", list, want)
	}
	list, err = f.p.RevDNSList(ctx, f.b)
	if err != nil || len(list) != 1 || list[0].ID != 601 {
		t.Errorf("RevDNSList(b) = %+v, %v", list, err)
	}
}

func TestRevDNSDetailsErrors(t *testing.T) {
	f := newRevDNSFixture(t)
	ctx := context.Background()
	for _, tc := range []struct {
		name     string
		cust     int64
		subnet   int64
		subclass string
		code     string
	}{
		{"missing subnetwork", f.a, 987654, "123.123.124", apperr.CodeAuthorizationFailed},
		{"zero id", f.a, 0, "123.123.124", apperr.CodeAuthorizationFailed},
		{"another customer's", f.b, 501, "123.123.124", apperr.CodeAuthorizationFailed},
		{"another customer's, missing subclass", f.b, 501, "nonsense", apperr.CodeAuthorizationFailed},
		{"unknown subclass", f.a, 501, "123.123.125", apperr.CodeInvalidSubclass},
		{"another subnetwork's subclass", f.a, 501, "2a01:1234:5678::/64", apperr.CodeInvalidSubclass},
		{"empty subclass", f.a, 501, "", apperr.CodeInvalidSubclass},
		{"reversed name", f.a, 501, "124.123.123", apperr.CodeInvalidSubclass},
		{"unparseable subnetwork", f.a, 506, "garbage", apperr.CodeInvalidSubclass},
	} {
		_, err := f.p.RevDNSDetails(ctx, tc.cust, tc.subnet, tc.subclass)
		wantCode(t, tc.name, err, tc.code)
		_, err = f.p.RevDNSEdit(ctx, tc.cust, tc.subnet, tc.subclass, 0, []panel.PTRInput{{Origin: "1", PTR: "x.example.com"}})
		wantCode(t, tc.name+" (edit)", err, tc.code)
	}
	// Other spellings of a subclass name.
	for _, name := range []string{" 123.123.124 ", "123.123.124.0/24"} {
		if _, err := f.p.RevDNSDetails(ctx, f.a, 501, name); err != nil {
			t.Errorf("subclass %q: %v", name, err)
		}
	}
	for _, name := range []string{"2A01:1234:5678:0::/64", "2a01:1234:5678:0:0:0:0:0/64"} {
		if _, err := f.p.RevDNSDetails(ctx, f.a, 502, name); err != nil {
			t.Errorf("subclass %q: %v", name, err)
		}
	}
	if got := f.published.take(); len(got) != 0 {
		t.Errorf("failed commands published %v", got)
	}
}

// warn is the expected warning of one record: origin, address, task, code.
type warn struct{ origin, address, task, code string }

func warningsOf(ws []artnet.RevDNSWarning) []warn {
	out := []warn{}
	for _, w := range ws {
		out = append(out, warn{w.Origin, w.Address, w.Task, w.Code})
	}
	return out
}

func ptrsOf(d artnet.RevDNSSubclass) []string {
	var out []string
	for _, r := range d.PTRRecords {
		out = append(out, r.Origin+"="+r.PTR+"@"+r.Address)
	}
	return out
}

func TestRevDNSEdit(t *testing.T) {
	f := newRevDNSFixture(t)
	ctx := context.Background()
	d, err := f.p.RevDNSDetails(ctx, f.a, 501, "123.123.124")
	if err != nil {
		t.Fatal(err)
	}
	if d.Serial != 0 || d.Type != "IPv4" || d.Prefix != "123.123.124" || d.PTRRecords == nil || len(d.PTRRecords) != 0 {
		t.Fatalf("new subclass: %+v", d)
	}
	serial := int64(0)
	for _, st := range []struct {
		name    string
		records []panel.PTRInput
		want    []warn
		ptrs    []string // the records after, "origin=ptr@address"
		changed bool
	}{
		{"add", []panel.PTRInput{
			{Origin: "5", PTR: "Mail.Acme.TEST."},
			{Origin: "1", PTR: "gw.acme.test"},
			{Origin: "7", PTR: "przykład.pl"},
		}, nil, []string{"1=gw.acme.test@123.123.124.1", "5=mail.acme.test@123.123.124.5", "7=xn--przykad-rjb.pl@123.123.124.7"}, true},
		{"bad records are warned about, good ones applied", []panel.PTRInput{
			{Origin: "8", PTR: "outside.acme.test"},           // b's /29
			{Origin: "300", PTR: "x.acme.test"},               // not an octet
			{Origin: "abc", Delete: true},                     // not an origin
			{Origin: "9", Delete: true},                       // outside, delete
			{Origin: "2", PTR: "bad_name.acme.test"},          // invalid host name
			{Origin: "3", PTR: ""},                            // no ptr
			{Origin: "4", PTR: "1.2.3.4"},                     // an address, not a name
			{Origin: "6", PTR: "six.acme.test"},               // fine
			{Origin: "1", Delete: true},                       // fine
			{Origin: "0", PTR: "net.acme.test", Delete: true}, // delete wins; nothing to delete
		}, []warn{
			{"8", "123.123.124.8", "edit", apperr.CodeInvalidOrigin},
			{"300", "", "edit", apperr.CodeInvalidOrigin},
			{"abc", "", "delete", apperr.CodeInvalidOrigin},
			{"9", "123.123.124.9", "delete", apperr.CodeInvalidOrigin},
			{"2", "123.123.124.2", "edit", apperr.CodeIncorrectParamValue},
			{"3", "123.123.124.3", "edit", apperr.CodeIncorrectParamValue},
			{"4", "123.123.124.4", "edit", apperr.CodeIncorrectParamValue},
		}, []string{"5=mail.acme.test@123.123.124.5", "6=six.acme.test@123.123.124.6", "7=xn--przykad-rjb.pl@123.123.124.7"}, true},
		{"nothing changes: same values, deletes of nothing", []panel.PTRInput{
			{Origin: "5", PTR: "mail.acme.test."},
			{Origin: "2", Delete: true},
		}, nil, []string{"5=mail.acme.test@123.123.124.5", "6=six.acme.test@123.123.124.6", "7=xn--przykad-rjb.pl@123.123.124.7"}, false},
		{"only warnings", []panel.PTRInput{{Origin: "200", PTR: "x.acme.test"}},
			[]warn{{"200", "123.123.124.200", "edit", apperr.CodeInvalidOrigin}},
			[]string{"5=mail.acme.test@123.123.124.5", "6=six.acme.test@123.123.124.6", "7=xn--przykad-rjb.pl@123.123.124.7"}, false},
		{"set then delete in one request: no change", []panel.PTRInput{
			{Origin: "3", PTR: "tmp.acme.test"}, {Origin: "3", Delete: true},
		}, nil, []string{"5=mail.acme.test@123.123.124.5", "6=six.acme.test@123.123.124.6", "7=xn--przykad-rjb.pl@123.123.124.7"}, false},
		{"later records win", []panel.PTRInput{
			{Origin: "5", PTR: "first.acme.test"}, {Origin: "5", PTR: "second.acme.test"}, {Origin: "6", Delete: true}, {Origin: "7", Delete: true},
		}, nil, []string{"5=second.acme.test@123.123.124.5"}, true},
		{"no records", nil, nil, []string{"5=second.acme.test@123.123.124.5"}, false},
	} {
		ws, err := f.p.RevDNSEdit(ctx, f.a, 501, "123.123.124", serial, st.records)
		if err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		if ws == nil {
			t.Errorf("%s: warnings nil, want a list", st.name)
		}
		want := st.want
		if want == nil {
			want = []warn{}
		}
		if got := warningsOf(ws); !reflect.DeepEqual(got, want) {
			t.Errorf("%s: warnings\n got %+v\nwant %+v", st.name, got, want)
		}
		for _, w := range ws {
			if w.Description.PL == "" || w.Description.EN == "" || w.Description.EN == w.Description.PL {
				t.Errorf("%s: warning %+v without both descriptions", st.name, w)
			}
		}
		d, err := f.p.RevDNSDetails(ctx, f.a, 501, "123.123.124")
		if err != nil {
			t.Fatal(err)
		}
		if got := ptrsOf(d); !slices.Equal(got, st.ptrs) {
			t.Errorf("%s: records\n got %v\nwant %v", st.name, got, st.ptrs)
		}
		wantSerial := serial
		if st.changed {
			wantSerial = panel.NextZoneSerial(serial, f.clock)
		}
		if d.Serial != wantSerial {
			t.Errorf("%s: serial %d, want %d", st.name, d.Serial, wantSerial)
		}
		pub := f.published.take()
		if st.changed != (len(pub) == 1) || (st.changed && pub[0] != "124.123.123.in-addr.arpa") {
			t.Errorf("%s: published %v (changed %v)", st.name, pub, st.changed)
		}
		serial = d.Serial
	}
	if serial != 2025061503 {
		t.Errorf("serial after three changes on 2025-06-15: %d", serial)
	}
	// A stale serial changes nothing, even records that would be fine.
	for _, stale := range []int64{0, serial - 1, serial + 1, -1} {
		_, err := f.p.RevDNSEdit(ctx, f.a, 501, "123.123.124", stale, []panel.PTRInput{{Origin: "2", PTR: "x.acme.test"}})
		wantCode(t, fmt.Sprintf("serial %d", stale), err, apperr.CodeInvalidSerial)
	}
	d, _ = f.p.RevDNSDetails(ctx, f.a, 501, "123.123.124")
	if d.Serial != serial || !slices.Equal(ptrsOf(d), []string{"5=second.acme.test@123.123.124.5"}) {
		t.Errorf("after stale edits: %+v", d)
	}
	if pub := f.published.take(); len(pub) != 0 {
		t.Errorf("stale edits published %v", pub)
	}

	// b's /29 in the same /24: its own subclass and serial; the reverse
	// zone's serial grows with both.
	ws, err := f.p.RevDNSEdit(ctx, f.b, 601, "123.123.124", 0, []panel.PTRInput{
		{Origin: "9", PTR: "b.beta.test"}, {Origin: "5", PTR: "steal.beta.test"}})
	if err != nil || !reflect.DeepEqual(warningsOf(ws), []warn{{"5", "123.123.124.5", "edit", apperr.CodeInvalidOrigin}}) {
		t.Fatalf("b's edit: %+v, %v", ws, err)
	}
	db, _ := f.p.RevDNSDetails(ctx, f.b, 601, "123.123.124")
	if db.Serial != 2025061501 || !slices.Equal(ptrsOf(db), []string{"9=b.beta.test@123.123.124.9"}) {
		t.Errorf("b's subclass: %+v", db)
	}
	if da, _ := f.p.RevDNSDetails(ctx, f.a, 501, "123.123.124"); da.Serial != serial || len(da.PTRRecords) != 1 {
		t.Errorf("a's subclass after b's edit: %+v", da)
	}
	z, err := f.st.ReverseZoneGet(ctx, "124.123.123.in-addr.arpa")
	if err != nil || z.Serial != serial+1 || len(z.PTRs) != 2 {
		t.Errorf("reverse zone: %+v, %v", z, err)
	}
	if pub := f.published.take(); !slices.Equal(pub, []string{"124.123.123.in-addr.arpa"}) {
		t.Errorf("b's edit published %v", pub)
	}
}

func TestRevDNSEditIPv6(t *testing.T) {
	f := newRevDNSFixture(t)
	ctx := context.Background()
	const sc = "2a01:1234:5678::/64"
	ws, err := f.p.RevDNSEdit(ctx, f.a, 502, sc, 0, []panel.PTRInput{
		{Origin: "::1", PTR: "v6.acme.test"},
		{Origin: "0:0:0:a", PTR: "a.acme.test"},
		{Origin: "1:0:0:0", PTR: "high.acme.test"},
		{Origin: "0:0:1", PTR: "short.acme.test"},
	})
	if err != nil || !reflect.DeepEqual(warningsOf(ws), []warn{{"0:0:1", "", "edit", apperr.CodeInvalidOrigin}}) {
		t.Fatalf("edit: %+v, %v", ws, err)
	}
	d, err := f.p.RevDNSDetails(ctx, f.a, 502, sc)
	if err != nil {
		t.Fatal(err)
	}
	if d.Type != "IPv6" || d.Prefix != "2a01:1234:5678:0" || d.Serial != 2025061501 {
		t.Errorf("details: %+v", d)
	}
	want := []string{"0:0:0:1=v6.acme.test@2a01:1234:5678::1", "0:0:0:a=a.acme.test@2a01:1234:5678::a",
		"1:0:0:0=high.acme.test@2a01:1234:5678:0:1::"}
	if got := ptrsOf(d); !slices.Equal(got, want) {
		t.Errorf("records\n got %v\nwant %v", got, want)
	}
	if pub := f.published.take(); !slices.Equal(pub, []string{"0.0.0.0.8.7.6.5.4.3.2.1.1.0.a.2.ip6.arpa"}) {
		t.Errorf("published %v", pub)
	}
	// The /22's subclasses: any /24 of it, all its addresses.
	ws, err = f.p.RevDNSEdit(ctx, f.a, 505, "10.20.3", 0, []panel.PTRInput{{Origin: "255", PTR: "last.acme.test"}, {Origin: "0", PTR: "first.acme.test"}})
	if err != nil || len(ws) != 0 {
		t.Fatalf("/22 edit: %+v, %v", ws, err)
	}
	if pub := f.published.take(); !slices.Equal(pub, []string{"3.20.10.in-addr.arpa"}) {
		t.Errorf("published %v", pub)
	}
}

func TestRevDNSEditLimit(t *testing.T) {
	f := newRevDNSFixture(t)
	ctx := context.Background()
	const sc = "2a01:1234:5678::/64"
	recs := make([]panel.PTRInput, panel.MaxSubclassPTRs+2)
	for i := range recs {
		recs[i] = panel.PTRInput{Origin: fmt.Sprintf("::%x", i+1), PTR: fmt.Sprintf("h%d.acme.test", i)}
	}
	ws, err := f.p.RevDNSEdit(ctx, f.a, 502, sc, 0, recs)
	if err != nil || len(ws) != 2 || ws[0].Code != apperr.CodeIncorrectParamValue {
		t.Fatalf("edit over the limit: %d warnings %v, %v", len(ws), ws[:min(len(ws), 3)], err)
	}
	d, _ := f.p.RevDNSDetails(ctx, f.a, 502, sc)
	if len(d.PTRRecords) != panel.MaxSubclassPTRs {
		t.Errorf("%d records, want %d", len(d.PTRRecords), panel.MaxSubclassPTRs)
	}
	// Changing an existing record of a full subclass is fine.
	ws, err = f.p.RevDNSEdit(ctx, f.a, 502, sc, d.Serial, []panel.PTRInput{{Origin: "::1", PTR: "changed.acme.test"}})
	if err != nil || len(ws) != 0 {
		t.Errorf("edit of a full subclass: %+v, %v", ws, err)
	}
}

// TestRevDNSEditConcurrent sends edits with the same serial at once:
// exactly one succeeds, the others answer invalid-serial.
func TestRevDNSEditConcurrent(t *testing.T) {
	f := newRevDNSFixture(t)
	ctx := context.Background()
	const n = 12
	errs := make([]error, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			<-start
			_, errs[i] = f.p.RevDNSEdit(ctx, f.a, 501, "123.123.124", 0, []panel.PTRInput{{Origin: "1", PTR: fmt.Sprintf("w%d.acme.test", i)}})
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
		case !apperr.Is(err, apperr.CodeInvalidSerial):
			t.Errorf("edit %d: %v", i, err)
		}
	}
	d, err := f.p.RevDNSDetails(ctx, f.a, 501, "123.123.124")
	if err != nil || winner < 0 || !slices.Equal(ptrsOf(d), []string{fmt.Sprintf("1=w%d.acme.test@123.123.124.1", winner)}) {
		t.Errorf("after the race (winner %d): %+v, %v", winner, d, err)
	}
	if pub := f.published.take(); len(pub) != 1 {
		t.Errorf("published %v, want one change", pub)
	}
}

func TestServedReverseZones(t *testing.T) {
	f := newRevDNSFixture(t)
	ctx := context.Background()
	edit := func(cust, subnetwork int64, subclass string, recs ...panel.PTRInput) {
		t.Helper()
		d, err := f.p.RevDNSDetails(ctx, cust, subnetwork, subclass)
		if err != nil {
			t.Fatal(err)
		}
		if ws, err := f.p.RevDNSEdit(ctx, cust, subnetwork, subclass, d.Serial, recs); err != nil || len(ws) != 0 {
			t.Fatalf("edit %d %s: %+v, %v", subnetwork, subclass, ws, err)
		}
	}
	edit(f.a, 501, "123.123.124", panel.PTRInput{Origin: "5", PTR: "mail.acme.test"}, panel.PTRInput{Origin: "1", PTR: "gw.acme.test"})
	edit(f.b, 601, "123.123.124", panel.PTRInput{Origin: "9", PTR: "b.beta.test"})
	edit(f.a, 502, "2a01:1234:5678::/64", panel.PTRInput{Origin: "::1", PTR: "v6.acme.test"})
	// Rows the panel would never write: b's records under a's subnetwork
	// id, a record outside the subnetwork, a subclass that is not the
	// subnetwork's, a record in the wrong zone.
	for _, p := range []store.PTRReplaceParams{
		{CustomerID: f.b, SubnetworkID: 501, Subclass: "123.123.124", Zone: "124.123.123.in-addr.arpa", NewSerial: 1,
			Records: []store.PTRRecord{{Address: "123.123.124.6", PTR: "hijack.beta.test"}}},
		{CustomerID: f.b, SubnetworkID: 601, Subclass: "123.123.125", Zone: "124.123.123.in-addr.arpa", NewSerial: 1,
			Records: []store.PTRRecord{{Address: "123.123.124.10", PTR: "wrong-subclass.beta.test"}}},
		{CustomerID: f.a, SubnetworkID: 503, Subclass: "123.123.125", Zone: "124.123.123.in-addr.arpa", NewSerial: 1,
			Records: []store.PTRRecord{{Address: "123.123.125.9", PTR: "wrong-zone.acme.test"}}},
	} {
		if err := f.st.PTRReplace(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	zones, err := f.p.ServedReverseZones(ctx)
	if err != nil {
		t.Fatal(err)
	}
	type z struct {
		name string
		ptrs []string
	}
	var got []z
	for _, sz := range zones {
		var ptrs []string
		for _, r := range sz.PTRs {
			ptrs = append(ptrs, r.Owner+" "+r.Target)
		}
		got = append(got, z{sz.Name, ptrs})
		if sz.Serial < 2025061501 {
			t.Errorf("zone %s serial %d", sz.Name, sz.Serial)
		}
	}
	want := []z{
		{"0.0.0.0.8.7.6.5.4.3.2.1.1.0.a.2.ip6.arpa", []string{
			"1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.7.6.5.4.3.2.1.1.0.a.2.ip6.arpa. v6.acme.test."}},
		{"124.123.123.in-addr.arpa", []string{
			"1.124.123.123.in-addr.arpa. gw.acme.test.",
			"5.124.123.123.in-addr.arpa. mail.acme.test.",
			"9.124.123.123.in-addr.arpa. b.beta.test.",
		}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("served zones\n got %+v\nwant %+v", got, want)
	}
	one, ok, err := f.p.ServedReverseZone(ctx, "124.123.123.IN-ADDR.ARPA.")
	if err != nil || !ok || one.Name != "124.123.123.in-addr.arpa" || len(one.PTRs) != 3 {
		t.Errorf("ServedReverseZone = %+v, %v, %v", one, ok, err)
	}
	if _, ok, err := f.p.ServedReverseZone(ctx, "1.1.10.in-addr.arpa"); ok || err != nil {
		t.Errorf("ServedReverseZone(never written) = %v, %v", ok, err)
	}

	// b is given the subnetwork 501 too (overlapping data of the
	// operator): b's records under 501 are served now, and of two records
	// of one address the lower customer id's (a's) wins.
	b, _ := json.Marshal(artnet.AdditionalIPDetails{Subnetworks: []artnet.Subnetwork{subnet(501, "123.123.124.0", "/29")}})
	s := store.Service{CustomerID: f.b, Type: artnet.ServiceTypeAdditionalIP, Details: b}
	if err := f.st.ServiceCreate(ctx, &s); err != nil {
		t.Fatal(err)
	}
	if err := f.st.PTRReplace(ctx, store.PTRReplaceParams{CustomerID: f.b, SubnetworkID: 501, Subclass: "123.123.124",
		Zone: "124.123.123.in-addr.arpa", ExpectSerial: 1, NewSerial: 2, Records: []store.PTRRecord{
			{Address: "123.123.124.5", PTR: "dup.beta.test"}, {Address: "123.123.124.6", PTR: "six.beta.test"}}}); err != nil {
		t.Fatal(err)
	}
	if f.a > f.b {
		t.Fatal("the fixture creates a first")
	}
	one, _, _ = f.p.ServedReverseZone(ctx, "124.123.123.in-addr.arpa")
	var targets []string
	for _, r := range one.PTRs {
		targets = append(targets, r.Target)
	}
	if want := []string{"gw.acme.test.", "mail.acme.test.", "six.beta.test.", "b.beta.test."}; !slices.Equal(targets, want) {
		t.Errorf("after the overlap: %v, want %v", targets, want)
	}
}
