// Package zonefile reads and writes the records of a primary zone as an
// RFC 1035 master file ("zone file", the BIND format), converting between
// the panel's record form (name relative to the zone, ttl, type,
// data1..data4 as panel.DNSRecordLayouts lays them out) and
// github.com/miekg/dns resource records.
//
// Read parses with miekg's ZoneParser: $ORIGIN and $TTL, relative and
// absolute names, "@", omitted owners (the previous one), omitted TTLs
// ($TTL, else the previous record's, else panel.DefaultTTL), parentheses,
// quoted strings with escapes. $INCLUDE and $GENERATE are refused. The
// SOA record and the NS records of the apex are skipped: the panel makes
// them from the zone's serial and its configured name servers. Every other
// record must be of class IN and of a type the panel accepts
// (artnet.DNSRecordTypes); anything else is reported with its line number.
// Names inside the zone come back relative ("www", "@"), others absolute
// with the trailing dot; TXT character-strings are unescaped and joined
// into one text (the panel splits it again at 255 bytes).
//
// Write prints a complete zone: $ORIGIN, $TTL, the SOA, the apex NS set,
// then the records in order, one per line in miekg's presentation format
// (absolute names).
package zonefile

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"

	"github.com/miekg/dns"

	"github.com/artnet-panel/artnet-panel/artnet"
	"github.com/artnet-panel/artnet-panel/internal/apperr"
	"github.com/artnet-panel/artnet-panel/internal/panel"
	"github.com/artnet-panel/artnet-panel/internal/store"
)

// MaxFileSize bounds the size of a zone file Read accepts (far above
// panel.MaxZoneRecords records).
const MaxFileSize = 8 << 20

// LineError is a problem of one line of a zone file.
type LineError struct {
	File string // as given to Read; "" for none
	Line int    // 1-based; 0 when unknown
	Msg  string
}

func (e *LineError) Error() string {
	var b strings.Builder
	if e.File != "" {
		b.WriteString(e.File)
		b.WriteByte(':')
	}
	if e.Line > 0 {
		b.WriteString(strconv.Itoa(e.Line))
		b.WriteByte(':')
	}
	if b.Len() > 0 {
		b.WriteByte(' ')
	}
	b.WriteString(e.Msg)
	return b.String()
}

// Read parses the zone file r of the zone of domain (the stored form:
// lower case, punycode, no trailing dot) and returns its records in order,
// ready for panel.ValidateZoneRecords (or Validate): Key is the line the
// record starts on (decimal), TTL is always set, names and data are in the
// panel's form. file names the input in errors. Every unsupported record
// is reported (a *LineError each, joined); a syntax error stops the
// reading and is reported with miekg's text, which names the line.
func Read(r io.Reader, domain, file string) ([]panel.DNSRecordInput, error) {
	src, err := io.ReadAll(io.LimitReader(r, MaxFileSize+1))
	if err != nil {
		return nil, err
	}
	if len(src) > MaxFileSize {
		return nil, &LineError{File: file, Msg: fmt.Sprintf("larger than %d bytes", MaxFileSize)}
	}
	lines, err := entryLines(src, file)
	if err != nil {
		return nil, err
	}
	origin := dns.Fqdn(strings.ToLower(domain))
	zp := dns.NewZoneParser(bytes.NewReader(src), origin, file)
	zp.SetDefaultTTL(panel.DefaultTTL)
	var (
		out  []panel.DNSRecordInput
		errs []error
		n    int
	)
	lineOf := func(i int) int {
		if i < len(lines) {
			return lines[i]
		}
		return 0
	}
	var lineKeyed []int // the line of each record of out
	for rr, ok := zp.Next(); ok; rr, ok = zp.Next() {
		line := lineOf(n)
		n++
		rec, skip, err := fromRR(rr, origin)
		if err != nil {
			errs = append(errs, &LineError{File: file, Line: line, Msg: err.Error()})
			continue
		}
		if skip {
			continue
		}
		out = append(out, rec)
		lineKeyed = append(lineKeyed, line)
	}
	if err := zp.Err(); err != nil {
		return nil, err
	}
	if n != len(lines) {
		// The line map does not match what the parser saw: give no line
		// rather than a wrong one.
		for _, e := range errs {
			e.(*LineError).Line = 0
		}
		lineKeyed = nil
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	for i := range out {
		if lineKeyed != nil && lineKeyed[i] > 0 {
			out[i].Key = strconv.Itoa(lineKeyed[i])
		}
	}
	return out, nil
}

// Validate checks records read by Read for the zone of domain with
// panel.ValidateZoneRecords and returns them in the stored form. Its
// errors name the line of each bad record: "FILE:LINE: field: message",
// one per line.
func Validate(domain string, recs []panel.DNSRecordInput, file string) ([]store.ZoneRecord, error) {
	out, err := panel.ValidateZoneRecords(domain, recs)
	if err == nil {
		return out, nil
	}
	var ae *apperr.Error
	if !errors.As(err, &ae) || len(ae.Details) == 0 {
		if ae != nil && ae.Detail != "" {
			return nil, &LineError{File: file, Msg: ae.Detail}
		}
		return nil, err
	}
	errs := make([]error, len(ae.Details))
	for i, d := range ae.Details {
		line, _ := strconv.Atoi(d.Index)
		msg := d.Message
		if line == 0 {
			msg = "record " + d.Index + ": " + msg
		}
		if d.Field != "" {
			msg = d.Field + ": " + msg
		}
		errs[i] = &LineError{File: file, Line: line, Msg: msg}
	}
	return nil, errors.Join(errs...)
}

// fromRR converts a parsed record; skip is set for the SOA and the apex
// NS records.
func fromRR(rr dns.RR, origin string) (panel.DNSRecordInput, bool, error) {
	h := rr.Header()
	typ := dns.TypeToString[h.Rrtype]
	if typ == "" {
		typ = "TYPE" + strconv.Itoa(int(h.Rrtype))
	}
	if h.Class != dns.ClassINET {
		return panel.DNSRecordInput{}, false, fmt.Errorf("%s record of class %s: only IN records are supported", typ, dns.Class(h.Class))
	}
	apex := strings.EqualFold(h.Name, origin)
	ttl := int64(h.Ttl)
	rec := panel.DNSRecordInput{Name: relative(h.Name, origin), TTL: &ttl, Type: typ}
	switch v := rr.(type) {
	case *dns.SOA:
		if !apex {
			return rec, false, fmt.Errorf("SOA record of %s, below the zone's apex %s", h.Name, origin)
		}
		return rec, true, nil
	case *dns.NS:
		if apex {
			return rec, true, nil
		}
		rec.Data1 = relative(v.Ns, origin)
	case *dns.A:
		rec.Data1 = v.A.String()
	case *dns.AAAA:
		rec.Data1 = v.AAAA.String()
	case *dns.CNAME:
		rec.Data1 = relative(v.Target, origin)
	case *dns.MX:
		rec.Data1 = strconv.Itoa(int(v.Preference))
		rec.Data2 = relative(v.Mx, origin)
	case *dns.TXT:
		var b strings.Builder
		for _, s := range v.Txt {
			b.WriteString(unescape(s))
		}
		rec.Data1 = b.String()
	case *dns.SRV:
		rec.Data1 = strconv.Itoa(int(v.Priority))
		rec.Data2 = strconv.Itoa(int(v.Weight))
		rec.Data3 = strconv.Itoa(int(v.Port))
		rec.Data4 = relative(v.Target, origin)
	case *dns.CAA:
		rec.Data1 = strconv.Itoa(int(v.Flag))
		rec.Data2 = v.Tag
		rec.Data3 = unescape(v.Value)
	default:
		return rec, false, fmt.Errorf("unsupported record type %s (%s): the panel accepts %s",
			typ, strings.TrimSuffix(h.Name, "."), strings.Join(artnet.DNSRecordTypes, ", "))
	}
	return rec, false, nil
}

// relative returns name (absolute, as the parser made it) in the panel's
// form: "@" for the apex, relative inside the zone, absolute otherwise;
// "." stays ".".
func relative(name, origin string) string {
	switch {
	case name == ".":
		return name
	case strings.EqualFold(name, origin):
		return "@"
	case len(name) > len(origin) && name[len(name)-len(origin)-1] == '.' && strings.EqualFold(name[len(name)-len(origin):], origin):
		return name[:len(name)-len(origin)-1]
	}
	return name
}

// unescape decodes the presentation escapes miekg keeps in a
// character-string ("\"", "\\", "\DDD").
func unescape(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' || i+1 == len(s) {
			b.WriteByte(c)
			continue
		}
		if i+3 < len(s) && isDigit(s[i+1]) && isDigit(s[i+2]) && isDigit(s[i+3]) {
			n := int(s[i+1]-'0')*100 + int(s[i+2]-'0')*10 + int(s[i+3]-'0')
			if n <= 255 {
				b.WriteByte(byte(n))
				i += 3
				continue
			}
		}
		b.WriteByte(s[i+1])
		i++
	}
	return b.String()
}

// escape encodes text for a miekg character-string: backslashes and quotes
// escaped (miekg escapes the other special bytes when printing).
func escape(s string) string {
	if !strings.ContainsAny(s, `\"`) {
		return s
	}
	return strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s)
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// entryLines returns the line on which each record entry of a zone file
// starts, in order: the n-th record the parser returns is the n-th entry.
// An entry ends at a line break outside parentheses and quotes; blank and
// comment-only lines and the $ORIGIN and $TTL directives are no entries.
// $INCLUDE and $GENERATE are refused.
func entryLines(src []byte, file string) ([]int, error) {
	var (
		lines    []int
		line     = 1
		depth    int
		inQuote  bool
		start    int  // line of the current entry's first token; 0 = none yet
		dir      bool // the current entry is a directive
		tokStart = -1
	)
	end := func() {
		if start > 0 && !dir {
			lines = append(lines, start)
		}
		start, dir = 0, false
	}
	for i := 0; i < len(src); i++ {
		c := src[i]
		if inQuote {
			switch c {
			case '\\':
				if i+1 < len(src) && src[i+1] == '\n' {
					line++
				}
				i++
			case '"':
				inQuote = false
			case '\n':
				line++
			}
			continue
		}
		switch c {
		case ';':
			for i+1 < len(src) && src[i+1] != '\n' {
				i++
			}
		case '\n':
			line++
			if depth == 0 {
				end()
			}
		case '(':
			depth++
		case ')':
			if depth > 0 {
				depth--
			}
		case ' ', '\t', '\r':
		default:
			if start == 0 {
				start = line
				tokStart = i
				if c == '$' {
					dir = true
					j := i
					for j < len(src) && !strings.ContainsRune(" \t\r\n;(", rune(src[j])) {
						j++
					}
					switch d := strings.ToUpper(string(src[tokStart:j])); d {
					case "$INCLUDE", "$GENERATE":
						return nil, &LineError{File: file, Line: line, Msg: d + " is not supported: give the records themselves"}
					}
				}
			}
			switch c {
			case '"':
				inQuote = true
			case '\\':
				if i+1 < len(src) && src[i+1] == '\n' {
					line++
				}
				i++
			}
		}
	}
	end()
	return lines, nil
}

// SOA holds the fields of the SOA record written with a zone, but the
// serial.
type SOA struct {
	MName   string // primary name server; "" = the first of Zone.Nameservers
	RName   string // responsible mailbox in DNS form, e.g. "hostmaster.artnet.pl"
	TTL     uint32 // also the TTL of the apex NS records; 0 = panel.DefaultTTL
	Refresh uint32
	Retry   uint32
	Expire  uint32
	Minimum uint32 // negative-caching TTL (RFC 2308)
}

// Zone is a primary zone to write.
type Zone struct {
	Domain      string // the stored form: lower case, punycode, no trailing dot
	Serial      int64
	SOA         SOA
	Nameservers []string // the apex NS set, host names; at least one
	Records     []store.ZoneRecord
}

// RRs returns the zone's records as miekg RRs: the SOA, the apex NS set,
// then the records in order, with absolute names.
func RRs(z Zone) ([]dns.RR, error) {
	if len(z.Nameservers) == 0 {
		return nil, errors.New("zonefile: a zone needs at least one name server")
	}
	if z.Serial < 0 || z.Serial > 1<<32-1 {
		return nil, fmt.Errorf("zonefile: serial %d out of range", z.Serial)
	}
	origin := dns.Fqdn(strings.ToLower(z.Domain))
	ttl := z.SOA.TTL
	if ttl == 0 {
		ttl = panel.DefaultTTL
	}
	mname := z.SOA.MName
	if mname == "" {
		mname = z.Nameservers[0]
	}
	rname := z.SOA.RName
	if rname == "" {
		rname = "hostmaster." + strings.TrimSuffix(origin, ".")
	}
	served, err := panel.ServedRecords(z.Domain, z.Records)
	if err != nil {
		return nil, err
	}
	out := make([]dns.RR, 0, 1+len(z.Nameservers)+len(served))
	out = append(out, &dns.SOA{
		Hdr: dns.RR_Header{Name: origin, Rrtype: dns.TypeSOA, Class: dns.ClassINET, Ttl: ttl},
		Ns:  dns.Fqdn(mname), Mbox: dns.Fqdn(rname), Serial: uint32(z.Serial),
		Refresh: z.SOA.Refresh, Retry: z.SOA.Retry, Expire: z.SOA.Expire, Minttl: z.SOA.Minimum,
	})
	for _, ns := range z.Nameservers {
		out = append(out, &dns.NS{Hdr: dns.RR_Header{Name: origin, Rrtype: dns.TypeNS, Class: dns.ClassINET, Ttl: ttl}, Ns: dns.Fqdn(ns)})
	}
	for i, r := range served {
		rr, err := ToRR(r)
		if err != nil {
			return nil, fmt.Errorf("zone %s record %d: %w", z.Domain, i, err)
		}
		out = append(out, rr)
	}
	return out, nil
}

// ToRR converts one record in absolute form (panel.ServedRecords) to a
// miekg RR. TXT text and CAA values are escaped as miekg expects (its
// String and Pack interpret backslash escapes).
func ToRR(r panel.ServedRecord) (dns.RR, error) {
	hdr := dns.RR_Header{Name: r.Owner, Class: dns.ClassINET, Ttl: r.TTL}
	num := func(i, bits int) (uint64, error) {
		n, err := strconv.ParseUint(r.Data[i], 10, bits)
		if err != nil {
			return 0, fmt.Errorf("%s data%d: %q is not a number", r.Type, i+1, r.Data[i])
		}
		return n, nil
	}
	switch r.Type {
	case artnet.DNSRecordA:
		ip := net.ParseIP(r.Data[0]).To4()
		if ip == nil {
			return nil, fmt.Errorf("bad IPv4 address %q", r.Data[0])
		}
		hdr.Rrtype = dns.TypeA
		return &dns.A{Hdr: hdr, A: ip}, nil
	case artnet.DNSRecordAAAA:
		ip := net.ParseIP(r.Data[0])
		if ip == nil || ip.To4() != nil {
			return nil, fmt.Errorf("bad IPv6 address %q", r.Data[0])
		}
		hdr.Rrtype = dns.TypeAAAA
		return &dns.AAAA{Hdr: hdr, AAAA: ip}, nil
	case artnet.DNSRecordCNAME:
		hdr.Rrtype = dns.TypeCNAME
		return &dns.CNAME{Hdr: hdr, Target: r.Data[0]}, nil
	case artnet.DNSRecordNS:
		hdr.Rrtype = dns.TypeNS
		return &dns.NS{Hdr: hdr, Ns: r.Data[0]}, nil
	case artnet.DNSRecordMX:
		pref, err := num(0, 16)
		if err != nil {
			return nil, err
		}
		hdr.Rrtype = dns.TypeMX
		return &dns.MX{Hdr: hdr, Preference: uint16(pref), Mx: r.Data[1]}, nil
	case artnet.DNSRecordTXT:
		parts := panel.SplitTXT(r.Data[0])
		for i := range parts {
			parts[i] = escape(parts[i])
		}
		hdr.Rrtype = dns.TypeTXT
		return &dns.TXT{Hdr: hdr, Txt: parts}, nil
	case artnet.DNSRecordSRV:
		var v [3]uint64
		for i := range v {
			n, err := num(i, 16)
			if err != nil {
				return nil, err
			}
			v[i] = n
		}
		hdr.Rrtype = dns.TypeSRV
		return &dns.SRV{Hdr: hdr, Priority: uint16(v[0]), Weight: uint16(v[1]), Port: uint16(v[2]), Target: r.Data[3]}, nil
	case artnet.DNSRecordCAA:
		flags, err := num(0, 8)
		if err != nil {
			return nil, err
		}
		hdr.Rrtype = dns.TypeCAA
		return &dns.CAA{Hdr: hdr, Flag: uint8(flags), Tag: r.Data[1], Value: escape(r.Data[2])}, nil
	}
	return nil, fmt.Errorf("unsupported type %q", r.Type)
}

// Write writes z as a zone file: a comment naming the zone, $ORIGIN,
// $TTL, the SOA, the apex NS set and the records, one per line.
func Write(w io.Writer, z Zone) error {
	rrs, err := RRs(z)
	if err != nil {
		return err
	}
	origin := dns.Fqdn(strings.ToLower(z.Domain))
	ttl := z.SOA.TTL
	if ttl == 0 {
		ttl = panel.DefaultTTL
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "; zone %s, serial %d\n$ORIGIN %s\n$TTL %d\n", origin, z.Serial, origin, ttl)
	for _, rr := range rrs {
		b.WriteString(rr.String())
		b.WriteByte('\n')
	}
	_, err = w.Write(b.Bytes())
	return err
}
