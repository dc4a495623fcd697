package dnsd

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/miekg/dns"
)

// TestServerUDPTCP queries a server on real sockets with dns.Exchange.
func TestServerUDPTCP(t *testing.T) {
	for _, loop := range udpLoops {
		t.Run(loop.name, func(t *testing.T) {
			_, addr := startServerLoop(t, Config{}, testSnapshot(t), loop.portable)

			for _, network := range []string{"udp", "tcp"} {
				for i := 0; i < 3; i++ { // the second and third UDP answers come from the cache
					r := exchange(t, network, addr, newQuery("WwW.ExAmPlE.CoM.", dns.TypeA))
					if r.Rcode != dns.RcodeSuccess || !r.Authoritative || len(r.Answer) != 1 ||
						r.Answer[0].Header().Name != "WwW.ExAmPlE.CoM." || r.Question[0].Name != "WwW.ExAmPlE.CoM." {
						t.Fatalf("%s: %v", network, r)
					}
					r = exchange(t, network, addr, newQuery("www.example.com.", dns.TypeA))
					if len(r.Answer) != 1 || r.Answer[0].Header().Name != "www.example.com." {
						t.Fatalf("%s: %v", network, r)
					}
					r = exchange(t, network, addr, newQuery("x.c.example.com.", dns.TypeA))
					if r.Rcode != dns.RcodeNameError || len(r.Ns) != 1 || r.Ns[0].Header().Ttl != 300 {
						t.Fatalf("%s NXDOMAIN: %v", network, r)
					}
					r = exchange(t, network, addr, newQuery("www.example.org.", dns.TypeA))
					if r.Rcode != dns.RcodeRefused || r.Authoritative {
						t.Fatalf("%s REFUSED: %v", network, r)
					}
				}
			}

			// Too big for 512 bytes: TC over UDP, whole over TCP, whole over UDP
			// with EDNS.
			big := newQuery("big.example.com.", dns.TypeTXT)
			if r := exchange(t, "udp", addr, big); !r.Truncated || len(r.Answer) != 0 {
				t.Errorf("UDP without EDNS: TC %v, %d answers", r.Truncated, len(r.Answer))
			}
			if r := exchange(t, "tcp", addr, big); r.Truncated || len(r.Answer) != 15 {
				t.Errorf("TCP: TC %v, %d answers", r.Truncated, len(r.Answer))
			}
			big.SetEdns0(4096, false)
			if r := exchange(t, "udp", addr, big); r.Truncated || len(r.Answer) != 15 || r.IsEdns0() == nil {
				t.Errorf("UDP with EDNS 4096: TC %v, %d answers, OPT %v", r.Truncated, len(r.Answer), r.IsEdns0())
			}
		})
	}
}

// TestServerSetSnapshot: the query right after SetSnapshot sees the new
// data, on UDP (cached answers included) and TCP.
func TestServerSetSnapshot(t *testing.T) {
	for _, loop := range udpLoops {
		t.Run(loop.name, func(t *testing.T) {
			s, addr := startServerLoop(t, Config{}, testSnapshot(t), loop.portable)
			q := newQuery("www.example.com.", dns.TypeA)
			for i := 0; i < 5; i++ { // fill every worker's cache
				exchange(t, "udp", addr, q)
			}
			changed := strings.Replace(exampleZone, "192.0.2.80", "192.0.2.81", 1)
			for round, want := range []string{"192.0.2.81", "192.0.2.80", "192.0.2.81"} {
				zone := exampleZone
				if want == "192.0.2.81" {
					zone = changed
				}
				snap, err := NewSnapshot([]Zone{parseZone(t, "example.com.", zone)})
				if err != nil {
					t.Fatal(err)
				}
				start := time.Now()
				s.SetSnapshot(snap)
				for _, network := range []string{"udp", "tcp", "udp"} {
					r := exchange(t, network, addr, q)
					if len(r.Answer) != 1 || r.Answer[0].(*dns.A).A.String() != want {
						t.Fatalf("round %d, %s: %v; want %s right after SetSnapshot", round, network, r.Answer, want)
					}
				}
				t.Logf("round %d: change answered %v after SetSnapshot", round, time.Since(start))
			}
			s.SetSnapshot(nil)
			if r := exchange(t, "udp", addr, q); r.Rcode != dns.RcodeRefused {
				t.Errorf("nil snapshot: rcode %s, want REFUSED", dns.RcodeToString[r.Rcode])
			}
		})
	}
}

// TestServerMalformed sends raw packets: garbage gets FORMERR, an UPDATE
// gets NOTIMP, a response gets nothing.
func TestServerMalformed(t *testing.T) {
	for _, loop := range udpLoops {
		t.Run(loop.name, func(t *testing.T) {
			_, addr := startServerLoop(t, Config{}, testSnapshot(t), loop.portable)
			conn, err := net.Dial("udp", addr)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			roundTrip := func(p []byte) *dns.Msg {
				t.Helper()
				if _, err := conn.Write(p); err != nil {
					t.Fatal(err)
				}
				conn.SetReadDeadline(time.Now().Add(500 * time.Millisecond))
				buf := make([]byte, 4096)
				n, err := conn.Read(buf)
				if err != nil {
					return nil
				}
				var m dns.Msg
				if err := m.Unpack(buf[:n]); err != nil {
					t.Fatalf("answer does not parse: %v", err)
				}
				return &m
			}

			// A question whose name runs past the end of the packet.
			garbage := []byte{0x12, 0x34, 0x00, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, 7, 'e', 'x', 'a'}
			if m := roundTrip(garbage); m == nil || m.Rcode != dns.RcodeFormatError || m.Id != 0x1234 || !m.Response {
				t.Errorf("garbage: %v; want FORMERR", m)
			}
			upd := new(dns.Msg)
			upd.SetUpdate("example.com.")
			if m := roundTrip(packed(t, upd)); m == nil || m.Rcode != dns.RcodeNotImplemented || m.Opcode != dns.OpcodeUpdate {
				t.Errorf("UPDATE: %v; want NOTIMP", m)
			}
			resp := newQuery("www.example.com.", dns.TypeA)
			resp.Response = true
			if m := roundTrip(packed(t, resp)); m != nil {
				t.Errorf("a response was answered: %v", m)
			}
			two := newQuery("www.example.com.", dns.TypeA)
			two.Question = append(two.Question, two.Question[0])
			if m := roundTrip(packed(t, two)); m == nil || m.Rcode != dns.RcodeFormatError {
				t.Errorf("two questions: %v; want FORMERR", m)
			}
			// The server still answers.
			if r := exchange(t, "udp", addr, newQuery("www.example.com.", dns.TypeA)); len(r.Answer) != 1 {
				t.Errorf("after malformed packets: %v", r)
			}

			// Over TCP, miekg's server enforces the same rules.
			c := &dns.Client{Net: "tcp", Timeout: 3 * time.Second}
			if r, _, err := c.Exchange(upd, addr); err != nil || r.Rcode != dns.RcodeNotImplemented {
				t.Errorf("UPDATE over TCP: %v %v; want NOTIMP", r, err)
			}
		})
	}
}

// TestServerNotifyReceived: a NOTIFY is acknowledged with AA and reported
// to OnNotify; it is sent with Notify, over UDP.
func TestServerNotifyReceived(t *testing.T) {
	got := make(chan string, 4)
	_, addr := startServer(t, Config{OnNotify: func(zone string, from netip.Addr) {
		got <- zone + " " + from.String()
	}}, testSnapshot(t))

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := Notify(ctx, "Example.COM.", 2024010102, []string{addr}); err != nil {
		t.Fatal(err)
	}
	select {
	case s := <-got:
		if s != "example.com. 127.0.0.1" {
			t.Errorf("OnNotify(%s)", s)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("OnNotify not called")
	}

	m := new(dns.Msg)
	m.SetNotify("example.com.")
	for _, network := range []string{"udp", "tcp"} {
		r := exchange(t, network, addr, m)
		if r.Rcode != dns.RcodeSuccess || !r.Authoritative || r.Opcode != dns.OpcodeNotify || !r.Response {
			t.Errorf("%s NOTIFY answer: %v", network, r)
		}
		<-got
	}
}

// TestNotifyRetries: Notify retries a target that does not answer, gives up
// on one that answers an error, and is bounded by ctx.
func TestNotifyRetries(t *testing.T) {
	oldAttempts, oldTimeout := notifyAttempts, notifyTimeout
	notifyAttempts, notifyTimeout = 3, 100*time.Millisecond
	t.Cleanup(func() { notifyAttempts, notifyTimeout = oldAttempts, oldTimeout })

	// A fake secondary that ignores the first NOTIFY and acknowledges the
	// second; another that REFUSES.
	fake := func(t *testing.T, drop int32, rcode int) (string, *atomic.Int32) {
		pc, err := net.ListenPacket("udp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { pc.Close() })
		seen := new(atomic.Int32)
		go func() {
			buf := make([]byte, 1500)
			for {
				n, from, err := pc.ReadFrom(buf)
				if err != nil {
					return
				}
				var m dns.Msg
				if m.Unpack(buf[:n]) != nil || m.Opcode != dns.OpcodeNotify {
					continue
				}
				if seen.Add(1) <= drop {
					continue
				}
				if len(m.Answer) != 1 || m.Answer[0].(*dns.SOA).Serial != 99 {
					continue
				}
				r := new(dns.Msg)
				r.SetRcode(&m, rcode)
				b, _ := r.Pack()
				pc.WriteTo(b, from)
			}
		}()
		return pc.LocalAddr().String(), seen
	}

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	slow, seen := fake(t, 1, dns.RcodeSuccess)
	if err := Notify(ctx, "example.com.", 99, []string{slow}); err != nil {
		t.Errorf("retried target: %v", err)
	}
	if n := seen.Load(); n != 2 {
		t.Errorf("%d tries, want 2", n)
	}

	refusing, seen := fake(t, 0, dns.RcodeRefused)
	err := Notify(ctx, "example.com.", 99, []string{refusing, slow})
	if err == nil || !strings.Contains(err.Error(), "REFUSED") || strings.Contains(err.Error(), slow) {
		t.Errorf("error %v; want REFUSED from %s only", err, refusing)
	}
	if n := seen.Load(); n != 1 {
		t.Errorf("a REFUSED NOTIFY was tried %d times, want 1", n)
	}

	silent, _ := fake(t, 1000, dns.RcodeSuccess)
	start := time.Now()
	if err := Notify(ctx, "example.com.", 99, []string{silent}); err == nil {
		t.Error("a silent target acknowledged")
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("3 tries took %v", d)
	}

	short, cancel2 := context.WithTimeout(context.Background(), 150*time.Millisecond)
	defer cancel2()
	notifyAttempts = 100
	start = time.Now()
	if err := Notify(short, "example.com.", 99, []string{silent}); err == nil {
		t.Error("no error once ctx ended")
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("Notify ran %v past a 150 ms context", d)
	}
}

// TestServerStops: cancelling the context stops the server and frees the
// port.
func TestServerStops(t *testing.T) {
	s := NewServer(Config{Logger: quietLogger()})
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- s.ListenAndServe(ctx, "127.0.0.1:0") }()
	deadline := time.Now().Add(5 * time.Second)
	var udp, tcp net.Addr
	for udp == nil && time.Now().Before(deadline) {
		udp, tcp = s.Addrs()
		time.Sleep(time.Millisecond)
	}
	if udp == nil {
		t.Fatal("server did not start")
	}
	exchange(t, "tcp", tcp.String(), newQuery("example.com.", dns.TypeA))
	cancel()
	select {
	case err := <-errc:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("ListenAndServe did not return")
	}
	if ln, err := net.Listen("tcp", tcp.String()); err != nil {
		t.Errorf("TCP port still bound: %v", err)
	} else {
		ln.Close()
	}
	if pc, err := net.ListenPacket("udp", udp.String()); err != nil {
		t.Errorf("UDP port still bound: %v", err)
	} else {
		pc.Close()
	}
	if err := s.Start(context.Background(), "127.0.0.1:0"); err == nil {
		t.Error("a server started twice")
	}
}

// TestServeDNSOnMiekgUDP: a Server is a dns.Handler for any miekg server;
// over UDP it applies the UDP size limit and refuses transfers.
func TestServeDNSOnMiekgUDP(t *testing.T) {
	s := NewServer(Config{Logger: quietLogger(), AXFRAllowed: loopback})
	s.SetSnapshot(testSnapshot(t))
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	started := make(chan struct{})
	ms := &dns.Server{PacketConn: pc, Handler: s, NotifyStartedFunc: func() { close(started) }}
	go ms.ActivateAndServe()
	<-started
	t.Cleanup(func() { ms.Shutdown() })
	addr := pc.LocalAddr().String()

	r := exchange(t, "udp", addr, newQuery("WwW.ExAmPlE.CoM.", dns.TypeA))
	if len(r.Answer) != 1 || r.Answer[0].Header().Name != "WwW.ExAmPlE.CoM." || !r.Authoritative {
		t.Errorf("A: %v", r)
	}
	if r := exchange(t, "udp", addr, newQuery("big.example.com.", dns.TypeTXT)); !r.Truncated || len(r.Answer) != 0 {
		t.Errorf("big answer over UDP: TC %v, %d answers", r.Truncated, len(r.Answer))
	}
	if r := exchange(t, "udp", addr, newQuery("example.com.", dns.TypeAXFR)); r.Rcode != dns.RcodeNotImplemented {
		t.Errorf("AXFR over UDP: %s", dns.RcodeToString[r.Rcode])
	}
}

// TestServerConcurrent queries over UDP and TCP from several goroutines
// while snapshots are swapped; run with -race it checks that answering
// shares the snapshot's records safely.
func TestServerConcurrent(t *testing.T) {
	for _, loop := range udpLoops {
		t.Run(loop.name, func(t *testing.T) {
			s, addr := startServerLoop(t, Config{UDPWorkers: 2}, testSnapshot(t), loop.portable)
			snaps := []*Snapshot{testSnapshot(t), testSnapshot(t)}
			stop := make(chan struct{})
			swapped := make(chan struct{})
			go func() {
				defer close(swapped)
				for i := 0; ; i++ {
					select {
					case <-stop:
						return
					default:
					}
					s.SetSnapshot(snaps[i%2])
					time.Sleep(time.Millisecond)
				}
			}()
			names := []string{"www.example.com.", "FoO.example.com.", "chain1.example.com.", "x.c.example.com.", "example.com."}
			errs := make(chan error, 8)
			var wg sync.WaitGroup
			for g := 0; g < 8; g++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					network := []string{"udp", "tcp"}[g%2]
					c := &dns.Client{Net: network, Timeout: 3 * time.Second}
					for i := 0; i < 100; i++ {
						q := newQuery(names[(g+i)%len(names)], []uint16{dns.TypeA, dns.TypeMX, dns.TypeNS}[i%3])
						if i%2 == 0 {
							q.SetEdns0(1232, i%4 == 0)
						}
						r, _, err := c.Exchange(q, addr)
						if err != nil {
							errs <- err
							return
						}
						if r.Rcode == dns.RcodeRefused || r.Question[0].Name != q.Question[0].Name {
							errs <- fmt.Errorf("%s %s: %v", network, questionString(q), r)
							return
						}
					}
				}()
			}
			wg.Wait()
			close(stop)
			<-swapped
			close(errs)
			for err := range errs {
				t.Error(err)
			}
		})
	}
}
