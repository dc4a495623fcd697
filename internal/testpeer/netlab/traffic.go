package netlab

import (
	"net"
	"net/netip"
	"time"
)

// Sink listens for UDP on addr (port 0: any) in ns and discards what
// arrives (so no ICMP answers add traffic) until the lab closes. It
// returns the address it listens on.
func (l *Lab) Sink(ns string, addr netip.Addr) (netip.AddrPort, error) {
	var c *net.UDPConn
	if err := l.Do(ns, func() error {
		var err error
		c, err = net.ListenUDP("udp", net.UDPAddrFromAddrPort(netip.AddrPortFrom(addr, 0)))
		return err
	}); err != nil {
		return netip.AddrPort{}, err
	}
	l.track(c)
	go func() {
		buf := make([]byte, 65536)
		for {
			if _, err := c.Read(buf); err != nil {
				return
			}
		}
	}()
	return c.LocalAddr().(*net.UDPAddr).AddrPort(), nil
}

// Blast sends n UDP datagrams of size bytes from ns to dst and returns
// the bytes they take on an Ethernet link: payload, UDP (8), IPv4 (20) and
// Ethernet (14) headers.
func (l *Lab) Blast(ns string, dst netip.AddrPort, n, size int) (int64, error) {
	payload := make([]byte, size)
	err := l.Do(ns, func() error {
		c, err := net.DialUDP("udp", nil, net.UDPAddrFromAddrPort(dst))
		if err != nil {
			return err
		}
		defer c.Close()
		for i := 0; i < n; i++ {
			if _, err := c.Write(payload); err != nil {
				return err
			}
			if i%64 == 63 {
				time.Sleep(time.Millisecond) // let the veth queues drain
			}
		}
		return nil
	})
	return int64(n) * int64(size+42), err
}
