package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/artnet-panel/artnet-panel/internal/panel"
	"github.com/artnet-panel/artnet-panel/internal/store"
	"github.com/artnet-panel/artnet-panel/internal/zonefile"
)

// bindZone is a BIND-style zone file: $ORIGIN and $TTL, relative and
// absolute names, omitted owners and TTLs, MX, SRV, TXT with quotes, CAA.
const bindZone = `$ORIGIN shop.example.
$TTL 2h
@	IN	SOA	ns1.shop.example. hostmaster.shop.example. ( 2020010101 3h 15m 2w 1h )
	IN	NS	ns1.elsewhere.example.
	IN	NS	ns2.elsewhere.example.
@		IN	A	192.0.2.10
		IN	AAAA	2001:db8::10
		IN	MX	10 mail
		IN	MX	20 mx.backup.example.
		IN	TXT	"v=spf1 mx -all"
		IN	CAA	0 issue "letsencrypt.org"
		IN	CAA	128 iodef "mailto:abuse@shop.example"
www		IN	CNAME	shop.example.
mail.shop.example.	300	IN	A	192.0.2.25
_submission._tcp	IN	SRV	0 1 587 mail
_dmarc	IN	TXT	( "v=DMARC1; p=reject; "
			  "rua=mailto:dmarc@shop.example" )
note	IN	TXT	"she said \"hi\" \\o/"
`

// writeFile writes data to a new file of the test and returns its path.
func writeFile(t *testing.T, name, data string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// runErr runs artnetd with args, which must fail, and returns the error.
func runErr(t *testing.T, args ...string) error {
	t.Helper()
	err := run(context.Background(), args, io.Discard, io.Discard)
	if err == nil {
		t.Fatalf("artnetd %v succeeded", args)
	}
	return err
}

// demoDB returns a database holding the demo inventory (customer 19052,
// its zone 1 of acme.test).
func demoDB(t *testing.T) string {
	t.Helper()
	dsn := sqliteDSN(t)
	data, err := os.ReadFile("../../internal/demo/demo.json")
	if err != nil {
		t.Fatal(err)
	}
	runOK(t, "admin", "import", "--db", dsn, writeFile(t, "demo.json", string(data)))
	return dsn
}

var importedRE = regexp.MustCompile(`^(created|replaced the records of) zone (\d+) \(([^)]+)\) of customer (\d+): (\d+) records, serial (\d+)\n$`)

func TestAdminZoneImportExport(t *testing.T) {
	dsn := demoDB(t)
	src := writeFile(t, "shop.example.zone", bindZone)

	// A new zone of the customer.
	out := runOK(t, "admin", "zone", "import", "--db", dsn, "--customer", "19052", "--domain", "Shop.Example.", src)
	m := importedRE.FindStringSubmatch(out)
	if m == nil || m[1] != "created" || m[3] != "shop.example" || m[4] != "19052" || m[5] != "12" {
		t.Fatalf("zone import printed %q", out)
	}
	if want := strconv.FormatInt(panel.NewZoneSerial(time.Now()), 10); m[6] != want && m[6] != strconv.FormatInt(panel.NewZoneSerial(time.Now().Add(-time.Minute)), 10) {
		t.Errorf("new zone's serial %s, want %s", m[6], want)
	}
	zoneID, serial := m[2], m[6]

	// Export: the SOA and NS as configured, then the records.
	exported := runOK(t, "admin", "zone", "export", "--db", dsn, "--domain", "shop.example",
		"--dns-nameservers", "ns-a.example.net, ns-b.example.net", "--dns-soa-mbox", "dns.example.net")
	for _, line := range []string{
		"$ORIGIN shop.example.\n",
		"shop.example.\t3600\tIN\tSOA\tns-a.example.net. dns.example.net. " + serial + " 3600 900 1209600 3600\n",
		"shop.example.\t3600\tIN\tNS\tns-a.example.net.\n",
		"shop.example.\t3600\tIN\tNS\tns-b.example.net.\n",
		"shop.example.\t7200\tIN\tMX\t10 mail.shop.example.\n",
		"shop.example.\t7200\tIN\tCAA\t128 iodef \"mailto:abuse@shop.example\"\n",
		"www.shop.example.\t7200\tIN\tCNAME\tshop.example.\n",
		"mail.shop.example.\t300\tIN\tA\t192.0.2.25\n",
		"_submission._tcp.shop.example.\t7200\tIN\tSRV\t0 1 587 mail.shop.example.\n",
		"_dmarc.shop.example.\t7200\tIN\tTXT\t\"v=DMARC1; p=reject; rua=mailto:dmarc@shop.example\"\n",
		"note.shop.example.\t7200\tIN\tTXT\t\"she said \\\"hi\\\" \\\\o/\"\n",
	} {
		if !strings.Contains(exported, line) {
			t.Errorf("export lacks %q:\n%s", line, exported)
		}
	}
	if strings.Contains(exported, "elsewhere") || strings.Contains(exported, "2020010101") {
		t.Errorf("the file's own SOA or apex NS were kept:\n%s", exported)
	}
	// The same records through the API's view.
	st, err := openStore(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	id, _ := strconv.ParseInt(zoneID, 10, 64)
	recs, err := st.ZoneRecords(context.Background(), 19052, id)
	st.Close()
	if err != nil {
		t.Fatal(err)
	}
	if r := recs[len(recs)-1]; r.Name != "note" || r.TTL != 7200 || r.Type != "TXT" || r.Data1 != `she said "hi" \o/` {
		t.Errorf("last record %+v", r)
	}
	if r := recs[2]; r.Type != "MX" || r.Data1 != "10" || r.Data2 != "mail" {
		t.Errorf("MX record %+v", r)
	}

	// Importing the export again replaces the records with the same ones:
	// only the serial moves.
	again := writeFile(t, "again.zone", exported)
	out = runOK(t, "admin", "zone", "import", "--db", dsn, "--customer", "19052", "--domain", "shop.example", again)
	m = importedRE.FindStringSubmatch(out)
	if m == nil || m[1] != "replaced the records of" || m[2] != zoneID || m[5] != "12" {
		t.Fatalf("second import printed %q", out)
	}
	if s, _ := strconv.ParseInt(m[6], 10, 64); strconv.FormatInt(s-1, 10) != serial {
		t.Errorf("serial %s after %s", m[6], serial)
	}
	exported2 := runOK(t, "admin", "zone", "export", "--db", dsn, "--domain", "shop.example",
		"--dns-nameservers", "ns-a.example.net,ns-b.example.net", "--dns-soa-mbox", "dns.example.net")
	if strings.ReplaceAll(exported2, m[6], serial) != exported {
		t.Errorf("export after re-import differs:\n%s\n%s", exported, exported2)
	}

	// The default name servers, and the demo zone (records of the demo).
	demo := runOK(t, "admin", "zone", "export", "--db", dsn, "--domain", "acme.test")
	for _, line := range []string{
		"acme.test.\t3600\tIN\tSOA\tns1.artnet.pl. hostmaster.artnet.pl. 2025010101 ",
		"acme.test.\t3600\tIN\tNS\tns2.artnet.pl.\n",
		"www.acme.test.\t3600\tIN\tCNAME\tacme.test.\n",
		"acme.test.\t3600\tIN\tTXT\t\"v=spf1 mx a ip4:123.123.123.124 -all\"\n",
	} {
		if !strings.Contains(demo, line) {
			t.Errorf("demo zone export lacks %q:\n%s", line, demo)
		}
	}
	// The demo zone read back is the demo's records.
	read, err := zonefile.Read(strings.NewReader(demo), "acme.test", "demo")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := zonefile.Validate("acme.test", read, "demo"); err != nil || len(read) != 6 {
		t.Errorf("demo zone read back: %d records, %v", len(read), err)
	}
	// An existing zone of the customer is replaced: zone 1 keeps its id.
	out = runOK(t, "admin", "zone", "import", "--db", dsn, "--customer", "19052", "--domain", "acme.test",
		writeFile(t, "acme.zone", "@ 600 IN A 192.0.2.99\n"))
	if m := importedRE.FindStringSubmatch(out); m == nil || m[1] != "replaced the records of" || m[2] != "1" || m[5] != "1" {
		t.Errorf("import into the demo zone printed %q", out)
	}
}

func TestAdminZoneImportErrors(t *testing.T) {
	dsn := demoDB(t)

	// An unsupported record type: its line, and nothing imported.
	bad := writeFile(t, "bad.zone", "$ORIGIN shop.example.\n$TTL 300\n\n@ IN A 192.0.2.1\n4.2 IN PTR host.shop.example.\nwww IN A 192.0.2.2\n")
	err := runErr(t, "admin", "zone", "import", "--db", dsn, "--customer", "19052", "--domain", "shop.example", bad)
	if !strings.Contains(err.Error(), bad+":5: unsupported record type PTR") || !strings.Contains(err.Error(), "nothing was imported") {
		t.Errorf("unsupported type: %v", err)
	}
	// A record breaking the panel's rules: its line and field.
	conflict := writeFile(t, "conflict.zone", "$ORIGIN shop.example.\nwww IN A 192.0.2.1\nwww IN CNAME @\nmx IN MX 10 www\n")
	err = runErr(t, "admin", "zone", "import", "--db", dsn, "--customer", "19052", "--domain", "shop.example", conflict)
	for _, w := range []string{conflict + ":3: type: a CNAME record must be the only record", conflict + ":4: data2: "} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q lacks %q", err, w)
		}
	}
	// A syntax error names the line (miekg's text).
	syntax := writeFile(t, "syntax.zone", "www IN A 192.0.2.1\nx IN A 192.0.2\n")
	if err := runErr(t, "admin", "zone", "import", "--db", dsn, "--customer", "19052", "--domain", "shop.example", syntax); !strings.Contains(err.Error(), "line: 2") {
		t.Errorf("syntax error: %v", err)
	}

	// Another customer's zone, a missing customer, a secondary zone.
	var created struct {
		ID int64 `json:"id"`
	}
	if err := json.Unmarshal([]byte(runOK(t, "admin", "customer", "create", "--db", dsn, "--name", "Other")), &created); err != nil {
		t.Fatal(err)
	}
	ok := writeFile(t, "ok.zone", "@ IN A 192.0.2.1\n")
	err = runErr(t, "admin", "zone", "import", "--db", dsn, "--customer", strconv.FormatInt(created.ID, 10), "--domain", "acme.test", ok)
	if !strings.Contains(err.Error(), "belongs to customer 19052") {
		t.Errorf("another customer's zone: %v", err)
	}
	if err := runErr(t, "admin", "zone", "import", "--db", dsn, "--customer", "777777", "--domain", "new.example", ok); !strings.Contains(err.Error(), "customer 777777 does not exist") {
		t.Errorf("missing customer: %v", err)
	}
	st, err := openStore(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	sec := store.Zone{CustomerID: 19052, Domain: "sec.acme.test", Type: store.ZoneTypeSecondary, MasterNameserver: "192.0.2.53"}
	if err := st.ZoneCreate(context.Background(), &sec); err != nil {
		t.Fatal(err)
	}
	st.Close()
	if err := runErr(t, "admin", "zone", "import", "--db", dsn, "--customer", "19052", "--domain", "sec.acme.test", ok); !strings.Contains(err.Error(), "secondary zone") {
		t.Errorf("secondary zone import: %v", err)
	}
	if err := runErr(t, "admin", "zone", "export", "--db", dsn, "--domain", "sec.acme.test"); !strings.Contains(err.Error(), "secondary zone") {
		t.Errorf("secondary zone export: %v", err)
	}
	if err := runErr(t, "admin", "zone", "export", "--db", dsn, "--domain", "nowhere.example"); !strings.Contains(err.Error(), "no zone of nowhere.example") {
		t.Errorf("missing zone export: %v", err)
	}
	if err := runErr(t, "admin", "zone", "import", "--db", dsn, "--customer", "19052", "--domain", "bad..example", ok); !strings.Contains(err.Error(), "--domain") {
		t.Errorf("bad domain: %v", err)
	}
	for _, args := range [][]string{
		{"admin", "zone"},
		{"admin", "zone", "delete"},
		{"admin", "zone", "import", "--db", dsn, "--domain", "x.example", ok},
		{"admin", "zone", "import", "--db", dsn, "--customer", "19052", ok},
		{"admin", "zone", "import", "--db", dsn, "--customer", "19052", "--domain", "x.example"},
		{"admin", "zone", "export", "--db", dsn},
		{"admin", "zone", "allow", "--db", dsn, "--domain", "x.example"},
	} {
		var errb bytes.Buffer
		// The usage error names the command (a group lists its commands).
		if err := run(context.Background(), args, io.Discard, &errb); !errors.Is(err, errUsage) || !strings.Contains(errb.String(), "usage: artnetd admin zone ") && !strings.Contains(errb.String(), "artnetd admin zone import [--db DSN]") {
			t.Errorf("%v: %v, usage %q", args, err, errb.String())
		}
	}

	// Nothing but the secondary zone made above changed.
	after := runOK(t, "admin", "export", "--db", dsn)
	if !strings.Contains(after, `"sec.acme.test"`) || strings.Contains(after, "shop.example") {
		t.Errorf("failed imports changed the database:\n%s", after)
	}
	if help := runOK(t, "admin", "zone", "help"); !strings.Contains(help, "replaced") || !strings.Contains(help, "created") {
		t.Errorf("help does not say what import does: %s", help)
	}
}

func TestAdminZoneAllow(t *testing.T) {
	dsn := demoDB(t)
	out := runOK(t, "admin", "zone", "allow", "--db", dsn, "--customer", "19052", "--domain", "Przykład.PL.")
	if out != "customer 19052 may add zones for xn--przykad-rjb.pl and its subdomains\n" {
		t.Errorf("allow printed %q", out)
	}
	runOK(t, "admin", "zone", "allow", "--db", dsn, "--customer", "19052", "--domain", "xn--przykad-rjb.pl") // again: no error
	export := runOK(t, "admin", "export", "--db", dsn)
	if !strings.Contains(export, `"dns_allowed_domains": [`+"\n"+`        "acme-shop.test",`+"\n"+`        "xn--przykad-rjb.pl"`) {
		t.Errorf("export after allow:\n%s", export)
	}
	// The customer may now add such a zone over the API.
	st, err := openStore(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := panel.New(st).DNSAddPrimary(context.Background(), 19052, "sklep.przykład.pl"); err != nil {
		t.Errorf("add-primary after allow: %v", err)
	}
	if err := runErr(t, "admin", "zone", "allow", "--db", dsn, "--customer", "777777", "--domain", "x.example"); !strings.Contains(err.Error(), "customer 777777 does not exist") {
		t.Errorf("missing customer: %v", err)
	}
	if err := runErr(t, "admin", "zone", "allow", "--db", dsn, "--customer", "19052", "--domain", "x"); !strings.Contains(err.Error(), "--domain") {
		t.Errorf("bad domain: %v", err)
	}
}
