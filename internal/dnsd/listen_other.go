//go:build !linux

package dnsd

import "net"

// listenUDP binds one UDP socket on addr; SO_REUSEPORT is only used on
// Linux, so reused is always false here.
func listenUDP(addr string, _ bool) (c *net.UDPConn, reused bool, err error) {
	pc, err := net.ListenPacket("udp", addr)
	if err != nil {
		return nil, false, err
	}
	return pc.(*net.UDPConn), false, nil
}
