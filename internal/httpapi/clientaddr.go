package httpapi

import (
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// clientAddr is the address the login guard counts failures against and
// the audit journal and the access log record: the TCP peer's IP, or, when
// the peer is one of TrustedProxies, the rightmost address of
// X-Forwarded-For that is not a trusted proxy (each proxy appends the
// address it was connected from, so that is the address our outermost
// trusted proxy saw; what a client wrote into the header itself is left of
// it). A hop that is not an IP address ends the walk at the last trusted
// one. Without TrustedProxies the header is ignored.
func (s *Server) clientAddr(r *http.Request) string {
	peer := peerAddr(r)
	if len(s.TrustedProxies) == 0 {
		return peer
	}
	ip, err := netip.ParseAddr(peer)
	if err != nil || !s.trusted(ip) {
		return peer
	}
	hops := r.Header.Values("X-Forwarded-For")
	client := peer
	for i := len(hops) - 1; i >= 0; i-- {
		list := hops[i]
		for list != "" {
			var hop string
			if j := strings.LastIndexByte(list, ','); j >= 0 {
				hop, list = list[j+1:], list[:j]
			} else {
				hop, list = list, ""
			}
			hop = strings.TrimSpace(hop)
			if hop == "" {
				continue
			}
			a, err := netip.ParseAddr(hop)
			if err != nil {
				return client
			}
			client = a.Unmap().String()
			if !s.trusted(a) {
				return client
			}
		}
	}
	return client
}

func (s *Server) trusted(a netip.Addr) bool {
	a = a.Unmap()
	for _, p := range s.TrustedProxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// peerAddr is the TCP peer's IP.
func peerAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	if a, err := netip.ParseAddr(host); err == nil && a.Is4In6() {
		return a.Unmap().String()
	}
	return host
}
