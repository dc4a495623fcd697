package qemu

import (
	"net"
	"strconv"
)

// VNCDialAddr returns the address (host:port) at which this host reaches
// the VNC console of a machine on port: the driver's VNCAddr (the loopback
// address when it listens on every address). The web console's proxy
// dials it (panel.ConsoleHost).
func (d *Driver) VNCDialAddr(port int) string {
	host := d.VNCAddr
	switch host {
	case "", "0.0.0.0":
		host = "127.0.0.1"
	case "::", "[::]":
		host = "::1"
	}
	if len(host) > 1 && host[0] == '[' && host[len(host)-1] == ']' {
		host = host[1 : len(host)-1]
	}
	return net.JoinHostPort(host, strconv.Itoa(port))
}
