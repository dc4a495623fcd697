package dnsd

import (
	"context"
	"net"
	"syscall"

	"golang.org/x/sys/unix"
)

// listenUDP binds a UDP socket on addr, with SO_REUSEPORT when reuse is
// asked so that several sockets (one per worker) share the address and the
// kernel spreads the clients over them. reused tells whether SO_REUSEPORT
// was set.
func listenUDP(addr string, reuse bool) (c *net.UDPConn, reused bool, err error) {
	if reuse {
		lc := net.ListenConfig{Control: func(_, _ string, rc syscall.RawConn) error {
			var serr error
			if err := rc.Control(func(fd uintptr) {
				serr = unix.SetsockoptInt(int(fd), unix.SOL_SOCKET, unix.SO_REUSEPORT, 1)
			}); err != nil {
				return err
			}
			return serr
		}}
		pc, err := lc.ListenPacket(context.Background(), "udp", addr)
		if err == nil {
			return pc.(*net.UDPConn), true, nil
		}
	}
	pc, err := net.ListenPacket("udp", addr)
	if err != nil {
		return nil, false, err
	}
	return pc.(*net.UDPConn), false, nil
}
