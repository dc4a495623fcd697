package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/miekg/dns"

	"github.com/artnet-panel/artnet-panel/internal/dnsd"
	"github.com/artnet-panel/artnet-panel/internal/httpapi"
	"github.com/artnet-panel/artnet-panel/internal/panel"
	"github.com/artnet-panel/artnet-panel/internal/store"
	"github.com/artnet-panel/artnet-panel/internal/store/sqlite"
	"github.com/artnet-panel/artnet-panel/internal/zonesync"
)

// editCase is one setting of the edit-to-answer measurement.
type editCase struct {
	name         string
	zoneRecords  int // records of the edited zone besides the one edited
	otherZones   int // zones loaded besides the edited one
	otherRecords int // records in those zones, in all
}

// edit measures the edit-to-answer time of artnetd assembled in-process as
// `artnetd serve --dns` assembles it: a SQLite store on a temporary file, a
// dnsd.Server on 127.0.0.1:0 fed by a zonesync.Syncer, the panel publishing
// every change to it and the HTTP API on 127.0.0.1:0. For each case it adds
// a primary zone over the API, then n times changes one A record with
// POST /api/dns/edit-primary-records and, as soon as the call returns,
// queries the DNS server over UDP in a tight loop until the new address is
// answered.
func edit(args []string) error {
	fs := flag.NewFlagSet("edit", flag.ExitOnError)
	n := fs.Int("n", 500, "edits per case")
	zoneRecords := fs.Int("zone-records", 1000, "records of the edited zone in the big-zone case")
	otherZones := fs.String("other-zones", "1000,10000", "comma-separated numbers of other zones holding -other-records: one case each (empty: none)")
	otherRecords := fs.Int("other-records", 100000, "records in the other zones, in all")
	maxTime := fs.Duration("max-time", 10*time.Minute, "give up after this long")
	tmp := fs.String("dir", os.TempDir(), "directory for the temporary SQLite databases")
	profile := fs.String("cpuprofile", "", "write a CPU profile of the measured edits to this file")
	fs.Parse(args)
	if *profile != "" {
		f, err := os.Create(*profile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	if *n < 1 {
		return errors.New("edit: -n must be at least 1")
	}
	ctx, cancel := context.WithTimeout(context.Background(), *maxTime)
	defer cancel()

	cases := []editCase{
		{name: "small zone, nothing else"},
		{name: fmt.Sprintf("zone of %d records", *zoneRecords), zoneRecords: *zoneRecords},
	}
	for _, f := range strings.Split(*otherZones, ",") {
		if strings.TrimSpace(f) == "" {
			continue
		}
		k, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || k < 1 || k > *otherRecords {
			return fmt.Errorf("edit: -other-zones: %q is not a number of zones in [1, -other-records]", f)
		}
		cases = append(cases, editCase{name: "small zone + other zones", otherZones: k, otherRecords: *otherRecords})
	}
	fmt.Printf("edit-to-answer: %d edits per case of one A record with POST /api/dns/edit-primary-records (all the zone's records\n", *n)
	fmt.Printf("sent, as the API requires), then UDP queries in a tight loop until the new address is answered; loopback only\n\n")
	fmt.Printf("%-28s %6s %14s | %-28s | %-28s | %-28s | %s\n", "case", "zone", "other", "call return -> new answer", "call start -> new answer", "of which publish", "RTT")
	fmt.Printf("%-28s %6s %14s | %-28s | %-28s | %-28s | %s\n", "", "recs", "zones/recs", "p50 / p99 / max", "p50 / p99 / max", "p50 / p99 / max", "p50")
	for _, c := range cases {
		if err := runEditCase(ctx, c, *n, *tmp); err != nil {
			return fmt.Errorf("%s: %w", c.name, err)
		}
	}
	return nil
}

func runEditCase(ctx context.Context, c editCase, n int, tmp string) error {
	quiet := slog.New(slog.DiscardHandler)
	dir, err := os.MkdirTemp(tmp, "dnsbench-edit-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	st, err := sqlite.Open(ctx, filepath.Join(dir, "artnet.db"))
	if err != nil {
		return err
	}
	defer st.Close()

	if c.otherZones > 0 {
		if err := fillOtherZones(ctx, st, c.otherZones, c.otherRecords); err != nil {
			return err
		}
	}

	// DNS: what `artnetd serve --dns 127.0.0.1:0` starts.
	srv := dnsd.NewServer(dnsd.Config{Logger: quiet})
	dctx, stopDNS := context.WithCancel(ctx)
	defer func() { stopDNS(); <-srv.Done() }()
	if err := srv.Start(dctx, "127.0.0.1:0"); err != nil {
		return err
	}
	syncer := &zonesync.Syncer{Store: st, Server: srv, Logger: quiet}
	if err := syncer.Load(ctx); err != nil {
		return err
	}
	loaded := srv.Snapshot()
	if len(loaded.Zones()) != c.otherZones {
		return fmt.Errorf("%d zones loaded, want %d", len(loaded.Zones()), c.otherZones)
	}

	// The panel publishing to the DNS server, and the HTTP API.
	p := panel.New(st)
	pub := &timedPublisher{inner: syncer}
	p.Zones = pub
	id, key, err := p.CreateCustomer(ctx, panel.NewCustomer{Name: "Edit Bench"})
	if err != nil {
		return err
	}
	const domain = "edit.test"
	if err := p.AllowDomain(ctx, id, domain); err != nil {
		return err
	}
	api := httpapi.New(p, quiet)
	api.Ready.Store(true)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	hs := &http.Server{Handler: api, ReadHeaderTimeout: 10 * time.Second}
	go hs.Serve(ln)
	defer hs.Close()
	cl := &apiClient{base: "http://" + ln.Addr().String() + "/api/", id: id, key: key,
		http: &http.Client{Timeout: 30 * time.Second}}

	zone, err := cl.call(ctx, "dns/add-primary", url.Values{"domain": {domain}})
	if err != nil {
		return err
	}
	zoneID := fmt.Sprint(zone["zone_details"].(map[string]any)["id"])

	udp, _ := srv.Addrs()
	dc, err := newPoller(udp.String(), "www."+domain+".")
	if err != nil {
		return err
	}
	defer dc.Close()
	serial, err := dc.serial(domain + ".")
	if err != nil {
		return err
	}

	filler := fillerRecords(c.zoneRecords)
	// edit sends the zone with www's address set to addr and returns when
	// the call has returned, with its start and end times.
	edit := func(addr string) (start, end time.Time, err error) {
		v := url.Values{"zone_id": {zoneID}, "serial": {strconv.FormatUint(uint64(serial), 10)}}
		for i, r := range append(filler, [5]string{"www", "300", "A", addr}) {
			k := fmt.Sprintf("records[%d]", i)
			v.Set(k+"[name]", r[0])
			v.Set(k+"[ttl]", r[1])
			v.Set(k+"[type]", r[2])
			v.Set(k+"[data1]", r[3])
			if r[4] != "" {
				v.Set(k+"[data2]", r[4])
			}
		}
		body := v.Encode()
		start = time.Now()
		_, err = cl.callBody(ctx, "dns/edit-primary-records", body)
		end = time.Now()
		return start, end, err
	}

	// The first edit loads the zone's records (not measured).
	if _, _, err := edit("192.0.2.1"); err != nil {
		return err
	}
	if _, _, err := dc.waitFor(ctx, net.IPv4(192, 0, 2, 1)); err != nil {
		return err
	}
	if serial, err = dc.serial(domain + "."); err != nil {
		return err
	}
	if got := srv.Snapshot().Records(); got < c.otherRecords+c.zoneRecords {
		return fmt.Errorf("%d records served, want at least %d", got, c.otherRecords+c.zoneRecords)
	}

	fromReturn := make([]time.Duration, 0, n)
	fromStart := make([]time.Duration, 0, n)
	pub.took = make([]time.Duration, 0, n)
	queries := 0
	for i := 0; i < n; i++ {
		ip := net.IPv4(10, byte(i>>16), byte(i>>8), byte(i))
		start, end, err := edit(ip.String())
		if err != nil {
			return fmt.Errorf("edit %d: %w", i, err)
		}
		seen, polls, err := dc.waitFor(ctx, ip)
		if err != nil {
			return fmt.Errorf("edit %d: %w", i, err)
		}
		fromReturn = append(fromReturn, seen.Sub(end))
		fromStart = append(fromStart, seen.Sub(start))
		queries += polls
		if serial, err = dc.serial(domain + "."); err != nil {
			return err
		}
	}
	other := "0"
	if c.otherZones > 0 {
		other = fmt.Sprintf("%d/%d", c.otherZones, c.otherRecords)
	}
	if queries != n {
		fmt.Fprintf(os.Stderr, "%s: %d queries for %d edits: the first query after a call did not always see the change\n", c.name, queries, n)
	}
	// For reference: the round trip of a query answered from the cache,
	// with nothing changing.
	rtt := make([]time.Duration, 0, n)
	for i := 0; i < n; i++ {
		start := time.Now()
		if _, err := dc.exchange(dc.query); err != nil {
			return err
		}
		rtt = append(rtt, time.Since(start))
	}
	slices.Sort(rtt)
	fmt.Printf("%-28s %6d %14s | %-28s | %-28s | %-28s | %s\n", c.name, c.zoneRecords+1, other,
		quantiles(fromReturn), quantiles(fromStart), quantiles(pub.took), short(rtt[len(rtt)/2]))
	return nil
}

// timedPublisher times the Syncer's ZoneChanged: reading the changed zone
// back from the store, building it (Snapshot.WithZone) and installing the
// new snapshot; the panel calls it before the API call returns.
type timedPublisher struct {
	inner panel.ZonePublisher
	took  []time.Duration
}

func (t *timedPublisher) ZoneChanged(ctx context.Context, domain string) {
	start := time.Now()
	t.inner.ZoneChanged(ctx, domain)
	t.took = append(t.took, time.Since(start))
}

// quantiles formats the p50, p99 and maximum of d.
func quantiles(d []time.Duration) string {
	s := slices.Clone(d)
	slices.Sort(s)
	at := func(q float64) time.Duration {
		i := int(q*float64(len(s))+0.5) - 1
		return s[min(max(i, 0), len(s)-1)]
	}
	return fmt.Sprintf("%s / %s / %s", short(at(0.50)), short(at(0.99)), short(s[len(s)-1]))
}

// short prints d in µs below a millisecond, else in ms, 3 digits.
func short(d time.Duration) string {
	if d < time.Millisecond {
		return fmt.Sprintf("%.0fµs", float64(d)/float64(time.Microsecond))
	}
	return fmt.Sprintf("%.2fms", float64(d)/float64(time.Millisecond))
}

// fillerRecords returns n records (name, ttl, type, data1, data2) of the
// usual kinds: A, AAAA, TXT, MX and CNAME, on host names of their own.
func fillerRecords(n int) [][5]string {
	out := make([][5]string, 0, n+1)
	for i := 0; i < n; i++ {
		h := fmt.Sprintf("host%d", i/4)
		switch i % 5 {
		case 0:
			out = append(out, [5]string{h, "3600", "A", fmt.Sprintf("10.%d.%d.%d", i>>16&255, i>>8&255, i&255)})
		case 1:
			out = append(out, [5]string{h, "3600", "AAAA", fmt.Sprintf("2001:db8::%x:%x", i>>16, i&0xffff)})
		case 2:
			out = append(out, [5]string{h, "3600", "TXT", fmt.Sprintf("host %d", i)})
		case 3:
			out = append(out, [5]string{h, "3600", "MX", "10", "mail"})
		case 4:
			out = append(out, [5]string{fmt.Sprintf("alias%d", i), "3600", "CNAME", h})
		}
	}
	return out
}

// fillOtherZones stores zones primary zones other<k>.test holding records
// records in all, for another customer, straight into the store.
func fillOtherZones(ctx context.Context, st store.Store, zones, records int) error {
	c := store.Customer{Name: "Other Zones", Language: "pl", Currency: "PLN", APIAccess: true}
	if err := st.CustomerCreate(ctx, &c); err != nil {
		return err
	}
	for k := 0; k < zones; k++ {
		per := records / zones
		if k < records%zones {
			per++
		}
		z := store.Zone{CustomerID: c.ID, Domain: fmt.Sprintf("other%d.test", k), Type: store.ZoneTypePrimary, Serial: 2025010101}
		if err := st.ZoneCreate(ctx, &z); err != nil {
			return err
		}
		recs := make([]store.ZoneRecord, 0, per)
		for _, r := range fillerRecords(per) {
			recs = append(recs, store.ZoneRecord{Name: r[0], TTL: 3600, Type: r[2], Data1: r[3], Data2: r[4]})
		}
		if err := st.ZoneRecordsReplace(ctx, store.ZoneRecordsReplaceParams{CustomerID: c.ID, ZoneID: z.ID,
			ExpectSerial: z.Serial, NewSerial: z.Serial + 1, Records: recs}); err != nil {
			return err
		}
	}
	return nil
}

// apiClient calls the HTTP API as one customer.
type apiClient struct {
	base string
	id   int64
	key  string
	http *http.Client
}

func (c *apiClient) call(ctx context.Context, path string, v url.Values) (map[string]any, error) {
	return c.callBody(ctx, path, v.Encode())
}

// callBody posts body (urlencoded parameters, without the credentials) to
// path and returns the decoded answer; a failure answer is an error.
func (c *apiClient) callBody(ctx context.Context, path, body string) (map[string]any, error) {
	auth := url.Values{"id": {strconv.FormatInt(c.id, 10)}, "api_key": {c.key}}.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base+path, strings.NewReader(auth+"&"+body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	var out map[string]any
	if err := json.Unmarshal(raw, &out); err != nil {
		return nil, fmt.Errorf("%s: %v: %s", path, err, raw)
	}
	if out["success"] != true {
		return nil, fmt.Errorf("%s: %s", path, raw)
	}
	return out, nil
}

// poller queries one name's A record over one UDP socket.
type poller struct {
	conn  *net.UDPConn
	query *dns.Msg
	buf   []byte
	out   []byte
}

func newPoller(addr, name string) (*poller, error) {
	ua, err := net.ResolveUDPAddr("udp", addr)
	if err != nil {
		return nil, err
	}
	conn, err := net.DialUDP("udp", nil, ua)
	if err != nil {
		return nil, err
	}
	q := new(dns.Msg)
	q.SetQuestion(name, dns.TypeA)
	q.RecursionDesired = false
	return &poller{conn: conn, query: q, buf: make([]byte, 0, 512), out: make([]byte, 1500)}, nil
}

func (p *poller) Close() error { return p.conn.Close() }

// exchange sends m and returns the answer with its ID, skipping late
// answers to earlier queries; it gives up after 200 ms.
func (p *poller) exchange(m *dns.Msg) (*dns.Msg, error) {
	m.Id = dns.Id()
	b, err := m.PackBuffer(p.buf)
	if err != nil {
		return nil, err
	}
	if _, err := p.conn.Write(b); err != nil {
		return nil, err
	}
	p.conn.SetReadDeadline(time.Now().Add(200 * time.Millisecond))
	for {
		k, err := p.conn.Read(p.out)
		if err != nil {
			return nil, err
		}
		r := new(dns.Msg)
		if err := r.Unpack(p.out[:k]); err != nil || r.Id != m.Id {
			continue
		}
		return r, nil
	}
}

// waitFor queries until the answer holds ip, and returns when that answer
// arrived and how many queries it took. It gives up after 5 seconds.
func (p *poller) waitFor(ctx context.Context, ip net.IP) (time.Time, int, error) {
	deadline := time.Now().Add(5 * time.Second)
	for polls := 1; ; polls++ {
		r, err := p.exchange(p.query)
		now := time.Now()
		if err == nil && r.Rcode == dns.RcodeSuccess {
			for _, rr := range r.Answer {
				if a, ok := rr.(*dns.A); ok && a.A.Equal(ip) {
					return now, polls, nil
				}
			}
		}
		if now.After(deadline) || ctx.Err() != nil {
			return now, polls, fmt.Errorf("%s is not answered after %d queries (last: %v %v)", ip, polls, r, err)
		}
	}
}

// serial returns the SOA serial served for origin.
func (p *poller) serial(origin string) (uint32, error) {
	q := new(dns.Msg)
	q.SetQuestion(origin, dns.TypeSOA)
	for try := 0; try < 5; try++ {
		r, err := p.exchange(q)
		if err != nil {
			continue
		}
		if len(r.Answer) == 1 {
			if soa, ok := r.Answer[0].(*dns.SOA); ok {
				return soa.Serial, nil
			}
		}
		return 0, fmt.Errorf("SOA of %s: %v", origin, r)
	}
	return 0, fmt.Errorf("SOA of %s: no answer", origin)
}
