package dnsd

import (
	"errors"
	"net"
	"net/netip"
	"strings"
	"time"

	"github.com/miekg/dns"
	"golang.org/x/net/ipv4"
	"golang.org/x/net/ipv6"
)

// udpSocket is one UDP socket with its worker loop.
type udpSocket interface {
	LocalAddr() net.Addr
	Close() error
	// serve reads and answers queries until the socket is closed.
	serve(w *udpWorker)
}

// listenFast, where the system has one (Linux), binds a socket served by a
// dedicated thread with batched system calls (see udp_linux.go). It is used
// for a specific address; the portable loop below serves the others.
var listenFast func(ap netip.AddrPort, reuse bool) (udpSocket, error)

// udpWorker is one UDP read loop: its buffers and answer cache are its own,
// so a query is answered without locks or allocations when the answer is
// cached.
type udpWorker struct {
	s     *Server
	out   []byte
	key   [maxKey]byte
	cache *answerCache
	// rcodes counts the answers (its own counters: no sharing between
	// workers on the hot path).
	rcodes rcodeCounts
}

// netUDP is a socket served through Go's netpoller.
type netUDP struct {
	*net.UDPConn
	// wildcard: bound to 0.0.0.0 or ::, so that each answer must leave
	// from the address the query was sent to, which the kernel reports in
	// a control message (IP_PKTINFO).
	wildcard bool
}

func (c *netUDP) serve(w *udpWorker) {
	if c.wildcard {
		c.serveSessions(w)
		return
	}
	in := make([]byte, dns.MaxMsgSize)
	for {
		n, from, err := c.ReadFromUDPAddrPort(in)
		if err != nil {
			if w.closed(err) {
				return
			}
			continue
		}
		if resp := w.respond(in[:n], from.Addr()); resp != nil {
			if _, err := c.WriteToUDPAddrPort(resp, from); err != nil && w.closed(err) {
				return
			}
		}
	}
}

func (c *netUDP) serveSessions(w *udpWorker) {
	err6 := ipv6.NewPacketConn(c.UDPConn).SetControlMessage(ipv6.FlagDst|ipv6.FlagInterface, true)
	err4 := ipv4.NewPacketConn(c.UDPConn).SetControlMessage(ipv4.FlagDst|ipv4.FlagInterface, true)
	if err4 != nil && err6 != nil {
		w.s.log.Warn("dnsd: cannot read the destination address of UDP queries; answers may leave from another address", "err", err4)
	}
	in := make([]byte, dns.MaxMsgSize)
	for {
		n, sess, err := dns.ReadFromSessionUDP(c.UDPConn, in)
		if err != nil {
			if w.closed(err) {
				return
			}
			continue
		}
		if resp := w.respond(in[:n], addrOf(sess.RemoteAddr())); resp != nil {
			if _, err := dns.WriteToSessionUDP(c.UDPConn, resp, sess); err != nil && w.closed(err) {
				return
			}
		}
	}
}

func (w *udpWorker) closed(err error) bool {
	if errors.Is(err, net.ErrClosed) {
		return true
	}
	w.s.log.Debug("dnsd: udp", "err", err)
	return false
}

// respond returns the answer to the UDP message p (nil: no answer). The
// result is valid until the next call.
func (w *udpWorker) respond(p []byte, from netip.Addr) []byte {
	snap := w.s.snap.Load()
	if w.cache == nil || w.cache.snap != snap {
		w.cache = newAnswerCache(snap, w.s.cfg.CacheEntries)
	}
	q, n, plain := parseQuery(p, &w.key)
	if plain {
		if b := w.cache.get(w.key[:n]); b != nil {
			w.out = patch(w.out, b, p, q)
			w.rcodes.count(w.out)
			return w.out
		}
	}
	b, cacheable := w.s.respondUDP(snap, p, from, w.out)
	if b == nil {
		return nil
	}
	w.rcodes.count(b)
	w.out = b[:0]
	if plain && cacheable {
		w.cache.put(w.key[:n], b)
	}
	return b
}

// respondUDP is the slow path: it parses p fully and answers it, packing the
// answer into buf within the client's UDP size. cacheable tells whether the
// answer depends only on the cache key.
func (s *Server) respondUDP(snap *Snapshot, p []byte, from netip.Addr, buf []byte) (b []byte, cacheable bool) {
	if len(p) < 12 || p[2]&0x80 != 0 {
		return nil, false // too short to answer, or a response: never answer
	}
	if op := int(p[2]>>3) & 0xf; op != dns.OpcodeQuery && op != dns.OpcodeNotify {
		return headerOnly(p, dns.RcodeNotImplemented, buf), false
	}
	req := new(dns.Msg)
	if err := req.Unpack(p); err != nil {
		return headerOnly(p, dns.RcodeFormatError, buf), false
	}
	tsig := req.IsTsig()
	var secret string
	if tsig != nil {
		var ok bool
		secret, ok = s.cfg.TSIG[strings.ToLower(tsig.Hdr.Name)]
		if !ok || dns.TsigVerify(p, secret, "", false) != nil {
			s.log.Warn("dnsd: bad TSIG", "from", from, "key", tsig.Hdr.Name)
			return headerOnly(p, dns.RcodeNotAuth, buf), false
		}
	}
	m := s.handle(snap, req, from)
	if m == nil {
		return nil, false
	}
	if tsig != nil {
		m.SetTsig(tsig.Hdr.Name, tsig.Algorithm, 300, time.Now().Unix())
		b, _, err := dns.TsigGenerate(m, secret, tsig.MAC, false)
		if err != nil {
			s.log.Error("dnsd: sign answer", "err", err)
			return headerOnly(p, dns.RcodeServerFailure, buf), false
		}
		return b, false
	}
	b, err := fit(m, udpSize(req), buf[:cap(buf)])
	if err != nil {
		s.log.Error("dnsd: pack answer", "err", err, "question", questionString(req))
		return headerOnly(p, dns.RcodeServerFailure, buf), false
	}
	return b, req.Opcode == dns.OpcodeQuery && m.Rcode != dns.RcodeFormatError && m.Rcode != dns.RcodeServerFailure
}

// headerOnly writes into buf an answer to p made of a header: p's ID,
// opcode and RD flag, QR set, the given rcode, and no records.
func headerOnly(p []byte, rcode int, buf []byte) []byte {
	return append(buf[:0], p[0], p[1], 0x80|p[2]&0x79, byte(rcode&0xf), 0, 0, 0, 0, 0, 0, 0, 0)
}
