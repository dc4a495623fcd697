package dnsd

import (
	"context"
	"encoding/json"
	"net"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"
)

// digResult is what the tests read from dig's output.
type digResult struct {
	status  string
	flags   []string
	answer  []string // records in miekg's text form
	auth    []string
	extra   []string // without the OPT pseudo-record
	edns    bool
	failed  bool // "; Transfer failed."
	tsig    int  // TSIG records printed (not in the sections)
	badSig  bool // dig could not verify a TSIG
	records int
}

var (
	digStatus = regexp.MustCompile(`status: ([A-Z]+)`)
	digFlags  = regexp.MustCompile(`;; flags: ([a-z ]*);`)
)

// dig runs the real dig against addr with +noall +answer +authority
// +additional +comments and parses status, flags and sections.
func dig(t *testing.T, bin, addr string, args ...string) digResult {
	t.Helper()
	host, port, _ := net.SplitHostPort(addr)
	full := append([]string{"@" + host, "-p", port, "+noall", "+answer", "+authority", "+additional", "+comments",
		"+norec", "+tries=1", "+time=3"}, args...)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, bin, full...).CombinedOutput()
	if err != nil {
		t.Fatalf("dig %s: %v\n%s", strings.Join(full, " "), err, out)
	}
	var r digResult
	section := &r.answer
	for _, line := range strings.Split(string(out), "\n") {
		switch {
		case strings.HasPrefix(line, ";; ->>HEADER<<-"):
			if m := digStatus.FindStringSubmatch(line); m != nil && r.status == "" {
				r.status = m[1]
			}
		case strings.HasPrefix(line, ";; flags:"):
			if m := digFlags.FindStringSubmatch(line); m != nil && r.flags == nil {
				r.flags = strings.Fields(m[1])
			}
		case strings.HasPrefix(line, "; EDNS:"):
			r.edns = true
		case strings.HasPrefix(line, "; Transfer failed"):
			r.failed = true
		case strings.Contains(line, "Couldn't verify signature"):
			r.badSig = true
		case line == ";; ANSWER SECTION:":
			section = &r.answer
		case line == ";; AUTHORITY SECTION:":
			section = &r.auth
		case line == ";; ADDITIONAL SECTION:":
			section = &r.extra
		case line == "" || strings.HasPrefix(line, ";"):
		case strings.Contains(line, "\tTSIG\t"):
			r.tsig++
		default:
			rr, err := dns.NewRR(line)
			if err != nil {
				t.Fatalf("dig printed a record miekg cannot read: %q: %v", line, err)
			}
			*section = append(*section, rr.String())
			r.records++
		}
	}
	if r.status == "" {
		t.Fatalf("no status in dig's output:\n%s", out)
	}
	return r
}

func rrStrings(t *testing.T, texts ...string) []string {
	t.Helper()
	var out []string
	for _, s := range texts {
		rr, err := dns.NewRR(s)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, rr.String())
	}
	return out
}

// TestDig queries the server with the real dig (BIND's dnsutils).
func TestDig(t *testing.T) {
	bin := needTool(t, "dig", "dnsutils")
	_, addr := startServer(t, Config{}, testSnapshot(t))

	tests := []struct {
		args   []string
		status string
		flags  []string
		edns   bool
		answer []string
		auth   []string
		extra  []string
	}{
		{args: []string{"WwW.ExAmPlE.CoM.", "A"}, status: "NOERROR", flags: []string{"qr", "aa"}, edns: true,
			answer: []string{"WwW.ExAmPlE.CoM. 3600 IN A 192.0.2.80"}},
		{args: []string{"+noedns", "www.example.com.", "AAAA"}, status: "NOERROR", flags: []string{"qr", "aa"},
			answer: []string{"www.example.com. 3600 IN AAAA 2001:db8::80"}},
		{args: []string{"example.com.", "MX"}, status: "NOERROR", flags: []string{"qr", "aa"}, edns: true,
			answer: []string{"example.com. 3600 IN MX 10 mail.example.com.", "example.com. 3600 IN MX 20 mx.example.org."},
			extra:  []string{"mail.example.com. 3600 IN A 192.0.2.25"}},
		{args: []string{"x.c.example.com.", "A"}, status: "NXDOMAIN", flags: []string{"qr", "aa"}, edns: true, auth: []string{soaCom}},
		{args: []string{"www.example.com.", "MX"}, status: "NOERROR", flags: []string{"qr", "aa"}, edns: true, auth: []string{soaCom}},
		{args: []string{"chain1.example.com.", "A"}, status: "NOERROR", flags: []string{"qr", "aa"}, edns: true,
			answer: []string{"chain1.example.com. 3600 IN CNAME chain2.example.com.", "chain2.example.com. 3600 IN CNAME www.example.com.",
				"www.example.com. 3600 IN A 192.0.2.80"}},
		{args: []string{"anything.example.com.", "TXT"}, status: "NOERROR", flags: []string{"qr", "aa"}, edns: true,
			answer: []string{`anything.example.com. 3600 IN TXT "wildcard"`}},
		{args: []string{"host.sub.example.com.", "A"}, status: "NOERROR", flags: []string{"qr"}, edns: true,
			auth: subReferral, extra: []string{"ns1.sub.example.com. 3600 IN A 192.0.2.54"}},
		{args: []string{"example.com.", "ANY"}, status: "NOERROR", flags: []string{"qr", "aa"}, edns: true,
			answer: []string{"example.com. 3600 IN A 192.0.2.1"}},
		{args: []string{"+tcp", "example.com.", "ANY"}, status: "NOERROR", flags: []string{"qr", "aa"}, edns: true,
			answer: []string{"example.com. 3600 IN A 192.0.2.1"}},
		{args: []string{"www.example.org.", "A"}, status: "REFUSED", flags: []string{"qr"}, edns: true},
		{args: []string{"+noedns", "+ignore", "big.example.com.", "TXT"}, status: "NOERROR", flags: []string{"qr", "aa", "tc"}},
		{args: []string{"+bufsize=4096", "big.example.com.", "TXT"}, status: "NOERROR", flags: []string{"qr", "aa"}, edns: true},
		{args: []string{"+edns=1", "+noednsnegotiation", "www.example.com.", "A"}, status: "BADVERS", flags: []string{"qr"}, edns: true},
	}
	for _, tc := range tests {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			r := dig(t, bin, addr, tc.args...)
			if r.status != tc.status || !slices.Equal(r.flags, tc.flags) || r.edns != tc.edns {
				t.Errorf("status %s flags %v EDNS %v; want %s %v %v", r.status, r.flags, r.edns, tc.status, tc.flags, tc.edns)
			}
			if slices.Contains(tc.args, "big.example.com.") {
				return // only the flags matter
			}
			for _, s := range []struct {
				name      string
				got, want []string
			}{{"answer", r.answer, tc.answer}, {"authority", r.auth, tc.auth}, {"additional", r.extra, tc.extra}} {
				if want := rrStrings(t, s.want...); !slices.Equal(s.got, want) {
					t.Errorf("%s: got %q, want %q", s.name, s.got, want)
				}
			}
		})
	}
	// dig retries a truncated answer over TCP by itself.
	r := dig(t, bin, addr, "+noedns", "big.example.com.", "TXT")
	if slices.Contains(r.flags, "tc") || len(r.answer) != 15 {
		t.Errorf("dig after TC: flags %v, %d answers; want 15 over TCP", r.flags, len(r.answer))
	}
}

// kdigJSON is the part of kdig's +json output (RFC 8427) the test reads.
type kdigJSON struct {
	ID        int    `json:"ID"`
	AA        int    `json:"AA"`
	TC        int    `json:"TC"`
	RCODE     int    `json:"RCODE"`
	QNAME     string `json:"QNAME"`
	AnswerRRs []struct {
		NAME     string `json:"NAME"`
		TYPEname string `json:"TYPEname"`
		TTL      int    `json:"TTL"`
		RdataA   string `json:"rdataA"`
	} `json:"answerRRs"`
	AuthorityRRs []struct {
		NAME     string `json:"NAME"`
		TYPEname string `json:"TYPEname"`
		TTL      int    `json:"TTL"`
	} `json:"authorityRRs"`
}

// TestKdig queries the server with Knot's kdig and reads its JSON output.
func TestKdig(t *testing.T) {
	bin := needTool(t, "kdig", "knot-dnsutils")
	_, addr := startServer(t, Config{}, testSnapshot(t))
	host, port, _ := net.SplitHostPort(addr)
	kdig := func(args ...string) kdigJSON {
		t.Helper()
		full := append([]string{"@" + host, "-p", port, "+json", "+norec", "+timeout=3", "+retry=0"}, args...)
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		out, err := exec.CommandContext(ctx, bin, full...).Output()
		if err != nil {
			t.Fatalf("kdig %s: %v\n%s", strings.Join(full, " "), err, out)
		}
		var r kdigJSON
		if err := json.Unmarshal(out, &r); err != nil {
			t.Fatalf("kdig +json output: %v\n%s", err, out)
		}
		return r
	}
	for _, transport := range []string{"+notcp", "+tcp"} {
		// kdig sends names in lower case; TestDig checks the 0x20 case.
		r := kdig(transport, "www.example.com.", "A")
		if r.RCODE != 0 || r.AA != 1 || r.QNAME != "www.example.com." || len(r.AnswerRRs) != 1 ||
			r.AnswerRRs[0].NAME != "www.example.com." || r.AnswerRRs[0].RdataA != "192.0.2.80" {
			t.Errorf("%s A: %+v", transport, r)
		}
		r = kdig(transport, "+edns", "x.c.example.com.", "A")
		if r.RCODE != dns.RcodeNameError || r.AA != 1 || len(r.AuthorityRRs) != 1 || r.AuthorityRRs[0].TYPEname != "SOA" ||
			r.AuthorityRRs[0].TTL != 300 {
			t.Errorf("%s NXDOMAIN: %+v", transport, r)
		}
	}
	r := kdig("+notcp", "big.example.com.", "TXT")
	if r.TC != 1 || len(r.AnswerRRs) != 0 {
		t.Errorf("big answer without EDNS: TC %d, %d answers", r.TC, len(r.AnswerRRs))
	}
}
