package zonefile_test

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/miekg/dns"

	"github.com/artnet-panel/artnet-panel/internal/panel"
	"github.com/artnet-panel/artnet-panel/internal/store"
	"github.com/artnet-panel/artnet-panel/internal/zonefile"
)

// bindZone is a zone file as BIND users write them.
const bindZone = `; example.com, as exported from BIND
$ORIGIN example.com.
$TTL 1h
@	IN	SOA	ns1.example.com. hostmaster.example.com. (
		2024051501 ; serial
		3h         ; refresh
		15m        ; retry
		2w         ; expire
		1h )       ; minimum
	IN	NS	ns1.example.com.
	IN	NS	ns2.example.net.
@	300	IN	A	192.0.2.1
	IN	AAAA	2001:DB8:0:0::1
	IN	MX	10 mail
	IN	MX	20 mx2.example.net.
	IN	TXT	"v=spf1 mx include:_spf.example.net -all"
	IN	CAA	0 issue "letsencrypt.org"
	IN	CAA	0 iodef "mailto:security@example.com"
www	IN	CNAME	@
ns1	IN	A	192.0.2.53
mail.example.com.	600	IN	A	192.0.2.25
_sip._tcp	IN	SRV	10 60 5060 sip.example.com.
_xmpp._tcp	IN	SRV	0 0 0 .
dkim._domainkey	IN	TXT	( "v=DKIM1; k=rsa; "
		"p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA" )
quoted	IN	TXT	"say \"hello\"; not a comment \\ backslash" "zażółć"
$ORIGIN dev.example.com.
api	60	IN	A	192.0.2.80
@	IN	NS	ns1	; a delegated subdomain with its glue
ns1	IN	A	192.0.2.81
`

// want are bindZone's records in the panel's form (before validation).
var want = []panel.DNSRecordInput{
	{Key: "12", Name: "@", TTL: ttl(300), Type: "A", Data1: "192.0.2.1"},
	{Key: "13", Name: "@", TTL: ttl(3600), Type: "AAAA", Data1: "2001:db8::1"},
	{Key: "14", Name: "@", TTL: ttl(3600), Type: "MX", Data1: "10", Data2: "mail"},
	{Key: "15", Name: "@", TTL: ttl(3600), Type: "MX", Data1: "20", Data2: "mx2.example.net."},
	{Key: "16", Name: "@", TTL: ttl(3600), Type: "TXT", Data1: "v=spf1 mx include:_spf.example.net -all"},
	{Key: "17", Name: "@", TTL: ttl(3600), Type: "CAA", Data1: "0", Data2: "issue", Data3: "letsencrypt.org"},
	{Key: "18", Name: "@", TTL: ttl(3600), Type: "CAA", Data1: "0", Data2: "iodef", Data3: "mailto:security@example.com"},
	{Key: "19", Name: "www", TTL: ttl(3600), Type: "CNAME", Data1: "@"},
	{Key: "20", Name: "ns1", TTL: ttl(3600), Type: "A", Data1: "192.0.2.53"},
	{Key: "21", Name: "mail", TTL: ttl(600), Type: "A", Data1: "192.0.2.25"},
	{Key: "22", Name: "_sip._tcp", TTL: ttl(3600), Type: "SRV", Data1: "10", Data2: "60", Data3: "5060", Data4: "sip"},
	{Key: "23", Name: "_xmpp._tcp", TTL: ttl(3600), Type: "SRV", Data1: "0", Data2: "0", Data3: "0", Data4: "."},
	{Key: "24", Name: "dkim._domainkey", TTL: ttl(3600), Type: "TXT", Data1: "v=DKIM1; k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA"},
	{Key: "26", Name: "quoted", TTL: ttl(3600), Type: "TXT", Data1: `say "hello"; not a comment \ backslash` + "zażółć"},
	{Key: "28", Name: "api.dev", TTL: ttl(60), Type: "A", Data1: "192.0.2.80"},
	{Key: "29", Name: "dev", TTL: ttl(3600), Type: "NS", Data1: "ns1.dev"},
	{Key: "30", Name: "ns1.dev", TTL: ttl(3600), Type: "A", Data1: "192.0.2.81"},
}

func ttl(n int64) *int64 { return &n }

func show(recs []panel.DNSRecordInput) string {
	var b strings.Builder
	for _, r := range recs {
		t := int64(-1)
		if r.TTL != nil {
			t = *r.TTL
		}
		fmt.Fprintf(&b, "%s: %q %d %s %q %q %q %q\n", r.Key, r.Name, t, r.Type, r.Data1, r.Data2, r.Data3, r.Data4)
	}
	return b.String()
}

func TestRead(t *testing.T) {
	got, err := zonefile.Read(strings.NewReader(bindZone), "example.com", "example.com.zone")
	if err != nil {
		t.Fatal(err)
	}
	if show(got) != show(want) {
		t.Fatalf("records:\n%s\nwant:\n%s", show(got), show(want))
	}
	if _, err := zonefile.Validate("example.com", got, "example.com.zone"); err != nil {
		t.Fatalf("the records do not validate: %v", err)
	}
}

// TestRoundTrip reads the BIND file, writes the zone, reads it again: the
// same records, and the written file reads back to the same RRs in miekg's
// own parser.
func TestRoundTrip(t *testing.T) {
	in, err := zonefile.Read(strings.NewReader(bindZone), "example.com", "bind.zone")
	if err != nil {
		t.Fatal(err)
	}
	recs, err := zonefile.Validate("example.com", in, "bind.zone")
	if err != nil {
		t.Fatal(err)
	}
	z := zonefile.Zone{Domain: "example.com", Serial: 2025061501, Nameservers: []string{"ns1.artnet.pl", "ns2.artnet.pl"},
		SOA:     zonefile.SOA{RName: "hostmaster.artnet.pl", TTL: 3600, Refresh: 3600, Retry: 900, Expire: 1209600, Minimum: 300},
		Records: recs}
	var out bytes.Buffer
	if err := zonefile.Write(&out, z); err != nil {
		t.Fatal(err)
	}
	text := out.String()
	for _, line := range []string{
		"$ORIGIN example.com.\n",
		"example.com.\t3600\tIN\tSOA\tns1.artnet.pl. hostmaster.artnet.pl. 2025061501 3600 900 1209600 300\n",
		"example.com.\t3600\tIN\tNS\tns1.artnet.pl.\n",
		"example.com.\t3600\tIN\tNS\tns2.artnet.pl.\n",
		"www.example.com.\t3600\tIN\tCNAME\texample.com.\n",
		"_sip._tcp.example.com.\t3600\tIN\tSRV\t10 60 5060 sip.example.com.\n",
		"example.com.\t300\tIN\tA\t192.0.2.1\n",
		"example.com.\t3600\tIN\tCAA\t0 issue \"letsencrypt.org\"\n",
		"dev.example.com.\t3600\tIN\tNS\tns1.dev.example.com.\n",
		`quoted.example.com.	3600	IN	TXT	"say \"hello\"; not a comment \\ backslashza\197\188\195\179\197\130\196\135"` + "\n",
	} {
		if !strings.Contains(text, line) {
			t.Errorf("written zone lacks %q:\n%s", line, text)
		}
	}

	// Read back: the same records (names of the zone come back relative,
	// targets too).
	again, err := zonefile.Read(strings.NewReader(text), "example.com", "written.zone")
	if err != nil {
		t.Fatalf("reading the written zone: %v\n%s", err, text)
	}
	recs2, err := zonefile.Validate("example.com", again, "written.zone")
	if err != nil {
		t.Fatal(err)
	}
	if len(recs2) != len(recs) {
		t.Fatalf("%d records after the round trip, want %d", len(recs2), len(recs))
	}
	served1, err := panel.ServedRecords("example.com", recs)
	if err != nil {
		t.Fatal(err)
	}
	served2, err := panel.ServedRecords("example.com", recs2)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(served1, served2) {
		t.Errorf("round trip changed the records:\n%v\n%v", served1, served2)
	}
	// Writing again gives the same file.
	z.Records = recs2
	var out2 bytes.Buffer
	if err := zonefile.Write(&out2, z); err != nil {
		t.Fatal(err)
	}
	if out2.String() != text {
		t.Errorf("second write differs:\n%s\n%s", text, out2.String())
	}

	// miekg's parser reads the written file to the RRs Write made.
	rrs, err := zonefile.RRs(z)
	if err != nil {
		t.Fatal(err)
	}
	zp := dns.NewZoneParser(strings.NewReader(text), "", "")
	i := 0
	for rr, ok := zp.Next(); ok; rr, ok = zp.Next() {
		if i >= len(rrs) || !sameWire(t, rr, rrs[i]) {
			t.Errorf("RR %d: read %v, wrote %v", i, rr, rrs[min(i, len(rrs)-1)])
		}
		i++
	}
	if zp.Err() != nil || i != len(rrs) {
		t.Errorf("read %d RRs of %d: %v", i, len(rrs), zp.Err())
	}
}

// sameWire reports whether two RRs have the same wire form.
func sameWire(t *testing.T, a, b dns.RR) bool {
	t.Helper()
	pack := func(rr dns.RR) []byte {
		buf := make([]byte, 65535)
		n, err := dns.PackRR(rr, buf, 0, nil, false)
		if err != nil {
			t.Fatalf("pack %v: %v", rr, err)
		}
		return buf[:n]
	}
	return bytes.Equal(pack(a), pack(b))
}

// TestLongTXT: a text longer than 255 bytes is split into character
// strings on writing and joined on reading.
func TestLongTXT(t *testing.T) {
	long := strings.Repeat("0123456789abcdef", 40) // 640 bytes
	z := zonefile.Zone{Domain: "example.com", Serial: 1, Nameservers: []string{"ns1.artnet.pl"},
		Records: []store.ZoneRecord{{Name: "@", TTL: 3600, Type: "TXT", Data1: long}}}
	var out bytes.Buffer
	if err := zonefile.Write(&out, z); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), `" "`) {
		t.Errorf("a 640-byte text is not split:\n%s", out.String())
	}
	recs, err := zonefile.Read(&out, "example.com", "")
	if err != nil || len(recs) != 1 || recs[0].Data1 != long {
		t.Fatalf("read back %v, %v", recs, err)
	}
}

func TestReadErrors(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		want      []string // substrings of the error, in order
	}{
		{"unsupported types with their lines", "$ORIGIN example.com.\n$TTL 300\n@ IN A 192.0.2.1\n\n; a comment\n" +
			"host IN HINFO \"PC\" \"Linux\"\n1 IN PTR host.example.com.\nwww IN A 192.0.2.2\n  IN TYPE65534 \\# 3 010203\n",
			[]string{"f.zone:6: unsupported record type HINFO (host.example.com)", "f.zone:7: unsupported record type PTR", "f.zone:9: unsupported record type TYPE65534 (www.example.com)"}},
		{"a line break inside parentheses", "@ IN SOA ns1 host (\n 1 2 3 4 5 )\nwww IN A 192.0.2.1\ntxt IN TXT ( \"a\"\n \"b\" )\nx IN LOC ( 52 14 05 N\n 21 00 59 E 100m )\n",
			[]string{"f.zone:6: unsupported record type LOC (x.example.com)"}},
		{"a class other than IN", "www CH A 1.2.3.4\n", []string{"f.zone:1: A record of class CH"}},
		{"SOA below the apex", "www IN SOA ns1 host 1 2 3 4 5\n", []string{"f.zone:1: SOA record of www.example.com."}},
		{"syntax error", "www IN A 1.2.3\n", []string{"f.zone", "line: 1"}},
		{"$INCLUDE", "$TTL 60\n$INCLUDE /etc/passwd\n", []string{"f.zone:2: $INCLUDE is not supported"}},
		{"$GENERATE", "$GENERATE 1-100 host$ A 192.0.2.$\n", []string{"f.zone:1: $GENERATE is not supported"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := zonefile.Read(strings.NewReader(tc.src), "example.com", "f.zone")
			if err == nil {
				t.Fatal("no error")
			}
			msg := err.Error()
			for _, w := range tc.want {
				i := strings.Index(msg, w)
				if i < 0 {
					t.Fatalf("error %q lacks %q", msg, w)
				}
				msg = msg[i+len(w):]
			}
		})
	}
	// A *LineError for each record.
	_, err := zonefile.Read(strings.NewReader("a IN PTR x.\nb IN PTR y.\n"), "example.com", "f")
	var le *zonefile.LineError
	if !errors.As(err, &le) || le.Line != 1 {
		t.Errorf("error %v is no *LineError of line 1", err)
	}
}

func TestValidateNamesLines(t *testing.T) {
	src := "$ORIGIN example.com.\n@ 3600 IN A 192.0.2.1\n\nwww IN CNAME @\nwww IN A 192.0.2.2\nmail.other.org. IN A 192.0.2.3\n"
	recs, err := zonefile.Read(strings.NewReader(src), "example.com", "z")
	if err != nil {
		t.Fatal(err)
	}
	_, err = zonefile.Validate("example.com", recs, "z")
	if err == nil {
		t.Fatal("no error")
	}
	for _, w := range []string{"z:4: type: a CNAME record must be the only record", "z:6: name: \"mail.other.org.\" is outside the zone"} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q lacks %q", err, w)
		}
	}
}

// TestToRRWire: TXT text and CAA values reach the wire byte for byte,
// backslashes and quotes included (miekg interprets escapes when packing).
func TestToRRWire(t *testing.T) {
	text := `a\b"c; ż`
	for _, tc := range []struct {
		rec  panel.ServedRecord
		want []byte // the end of the RDATA
	}{
		{panel.ServedRecord{Owner: "example.com.", TTL: 60, Type: "TXT", Data: [4]string{text}}, append([]byte{byte(len(text))}, text...)},
		{panel.ServedRecord{Owner: "example.com.", TTL: 60, Type: "CAA", Data: [4]string{"0", "issue", `ca\x"y`}}, []byte(`issueca\x"y`)},
	} {
		rr, err := zonefile.ToRR(tc.rec)
		if err != nil {
			t.Fatal(err)
		}
		buf := make([]byte, 512)
		n, err := dns.PackRR(rr, buf, 0, nil, false)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.HasSuffix(buf[:n], tc.want) {
			t.Errorf("%s packs to %q, want it to end with %q", tc.rec.Type, buf[:n], tc.want)
		}
	}
}
