package secondary

import (
	"fmt"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/miekg/dns"
)

// testMaster is a small authoritative master on 127.0.0.1: it answers
// SOA queries (UDP and TCP) and AXFR (TCP) for its zones, REFUSED for
// anything else, and counts what it was asked.
type testMaster struct {
	port uint16

	mu    sync.Mutex
	zones map[string][]dns.RR // by lower-case origin: SOA first, without the closing SOA
	// down: queries go unanswered (UDP) or the connection is closed (TCP).
	down bool
	// closing overrides the closing SOA of an AXFR (nil: the zone's SOA).
	closing dns.RR
	// soaGate, when set, holds every SOA answer until it is closed; the
	// answer is made before waiting (so it carries the zone of then) and
	// soaHeld receives a value when a query is held.
	soaGate chan struct{}
	soaHeld chan struct{}
	// axfrDelay delays every AXFR answer.
	axfrDelay time.Duration

	soaQueries atomic.Int32
	axfrs      atomic.Int32
	inFlight   atomic.Int32 // AXFRs in their axfrDelay now
	maxFlight  atomic.Int32 // the most at once
}

// startMaster starts a master serving zone (text in zone file format,
// names relative to origin) for origin.
func startMaster(t testing.TB, origin, zone string) *testMaster {
	t.Helper()
	m := &testMaster{zones: map[string][]dns.RR{}}
	m.setZone(t, origin, zone)
	var udp net.PacketConn
	var tcp net.Listener
	for range 20 {
		pc, err := net.ListenPacket("udp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		port := pc.LocalAddr().(*net.UDPAddr).Port
		ln, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", port))
		if err != nil {
			pc.Close()
			continue
		}
		udp, tcp, m.port = pc, ln, uint16(port)
		break
	}
	if udp == nil {
		t.Fatal("no port free for both UDP and TCP")
	}
	for _, srv := range []*dns.Server{{PacketConn: udp, Handler: m}, {Listener: tcp, Handler: m}} {
		started := make(chan struct{})
		srv.NotifyStartedFunc = func() { close(started) }
		go srv.ActivateAndServe()
		<-started
		t.Cleanup(func() { srv.Shutdown() })
	}
	return m
}

func parseZone(t testing.TB, origin, zone string) []dns.RR {
	t.Helper()
	zp := dns.NewZoneParser(strings.NewReader(zone), origin, "")
	var rrs []dns.RR
	for rr, ok := zp.Next(); ok; rr, ok = zp.Next() {
		rrs = append(rrs, rr)
	}
	if err := zp.Err(); err != nil {
		t.Fatalf("zone: %v", err)
	}
	return rrs
}

// setZone serves zone for origin (replacing what was served); zone ""
// stops serving origin.
func (m *testMaster) setZone(t testing.TB, origin, zone string) {
	t.Helper()
	origin = dns.CanonicalName(origin)
	m.mu.Lock()
	defer m.mu.Unlock()
	if zone == "" {
		delete(m.zones, origin)
		return
	}
	rrs := parseZone(t, origin, zone)
	if _, ok := rrs[0].(*dns.SOA); !ok {
		t.Fatal("the zone does not start with its SOA")
	}
	m.zones[origin] = rrs
}

func (m *testMaster) records(origin string) []dns.RR {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.zones[dns.CanonicalName(origin)]
}

func (m *testMaster) setDown(down bool) {
	m.mu.Lock()
	m.down = down
	m.mu.Unlock()
}

func (m *testMaster) ServeDNS(w dns.ResponseWriter, r *dns.Msg) {
	_, tcp := w.RemoteAddr().(*net.TCPAddr)
	if len(r.Question) != 1 {
		return
	}
	q := r.Question[0]
	m.mu.Lock()
	down, records, closing, gate, held, delay := m.down, m.zones[dns.CanonicalName(q.Name)], m.closing, m.soaGate, m.soaHeld, m.axfrDelay
	m.mu.Unlock()
	if down {
		if tcp {
			w.Close()
		}
		return
	}
	reply := new(dns.Msg)
	reply.SetReply(r)
	reply.Authoritative = true
	if records == nil {
		reply.Rcode = dns.RcodeRefused
		reply.Authoritative = false
		w.WriteMsg(reply)
		return
	}
	switch q.Qtype {
	case dns.TypeSOA:
		m.soaQueries.Add(1)
		reply.Answer = []dns.RR{records[0]}
		if gate != nil {
			held <- struct{}{}
			<-gate
		}
		w.WriteMsg(reply)
	case dns.TypeAXFR:
		if !tcp {
			reply.Rcode = dns.RcodeNotImplemented
			w.WriteMsg(reply)
			return
		}
		m.axfrs.Add(1)
		// Count the transfers in their delay: it lies wholly inside the
		// client's wait for the answer.
		n := m.inFlight.Add(1)
		for {
			old := m.maxFlight.Load()
			if n <= old || m.maxFlight.CompareAndSwap(old, n) {
				break
			}
		}
		time.Sleep(delay)
		m.inFlight.Add(-1)
		if closing == nil {
			closing = records[0]
		}
		all := append(append([]dns.RR(nil), records...), closing)
		// Several messages, as real masters send a large zone.
		for len(all) > 0 {
			n := min(len(all), 50)
			msg := new(dns.Msg)
			msg.SetReply(r)
			msg.Authoritative = true
			msg.Answer = all[:n]
			all = all[n:]
			if err := w.WriteMsg(msg); err != nil {
				return
			}
		}
	default:
		w.WriteMsg(reply) // NODATA
	}
}
