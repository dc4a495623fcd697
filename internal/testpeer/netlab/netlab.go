// Package netlab builds a small routed network out of Linux network
// namespaces for tests and benchmarks of the firewall drivers:
//
//	client ns                 gateway ns (forwarding)            server ns
//	192.0.2.2, 192.0.2.3 --- 192.0.2.1 | 198.51.100.1 --- 198.51.100.10, .11, .20, .130
//	2001:db8:c::2, ::3       2001:db8:c::1 | 2001:db8:5::1    2001:db8:5::10, ::11
//
// The gateway also routes networks through the server (RoutedNets: as an
// additional-ip subnetwork, a subnetwork wider than /24 and a server's
// IPv6 subnet would be), and the server holds one address of each
// (SubnetAddr, WideSubnetAddr, Subnet6Addr). The client and the server
// route everything through the gateway, so a table applied in the gateway
// namespace filters all traffic between them, IPv4 and IPv6.
// Names are unique per lab (prefix + random), so labs of parallel tests do
// not meet; Close (or the test's cleanup, with New) deletes them.
//
// Probes (Dial, UDPExchange, Ping) run on a fresh OS thread moved into the
// namespace, so they need no helper binary; they use short timeouts, and
// each uses a new source port or ICMP id unless told otherwise, so that
// connection tracking sees a new connection every time.
package netlab

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/artnet-panel/artnet-panel/internal/testpeer"
)

// The lab's addresses.
var (
	ClientAddr  = netip.MustParseAddr("192.0.2.2")
	Client2Addr = netip.MustParseAddr("192.0.2.3") // a second client address (e.g. not an iLO remote)
	GatewayC    = netip.MustParseAddr("192.0.2.1")
	GatewayS    = netip.MustParseAddr("198.51.100.1")
	ServerAddr  = netip.MustParseAddr("198.51.100.10")
	Server2Addr = netip.MustParseAddr("198.51.100.11")
	ILOAddr     = netip.MustParseAddr("198.51.100.20") // on the server ns, for iLO tests
	// AdditionalAddr is a second address of the server on its link (as
	// an additional IP ordered from a pool would be).
	AdditionalAddr = netip.MustParseAddr("198.51.100.130")

	Client6Addr  = netip.MustParseAddr("2001:db8:c::2")
	Client26Addr = netip.MustParseAddr("2001:db8:c::3")
	GatewayC6    = netip.MustParseAddr("2001:db8:c::1")
	GatewayS6    = netip.MustParseAddr("2001:db8:5::1")
	Server6Addr  = netip.MustParseAddr("2001:db8:5::10")
	Server26Addr = netip.MustParseAddr("2001:db8:5::11")

	// RoutedNets are routed by the gateway to ServerAddr / Server6Addr.
	RoutedNets = []netip.Prefix{
		netip.MustParsePrefix("203.0.113.0/24"),
		netip.MustParsePrefix("100.64.0.0/22"),
		netip.MustParsePrefix("2001:db8:5:100::/56"),
	}
	SubnetAddr     = netip.MustParseAddr("203.0.113.49")      // in 203.0.113.48/29
	WideSubnetAddr = netip.MustParseAddr("100.64.1.200")      // in 100.64.0.0/23, past its first /24
	Subnet6Addr    = netip.MustParseAddr("2001:db8:5:1a0::1") // in 2001:db8:5:100::/56
)

// ClientAddrs are the client namespace's addresses; every other address
// of the lab is the server's.
var ClientAddrs = []netip.Addr{ClientAddr, Client2Addr, Client6Addr, Client26Addr}

// NSOf returns the namespace (the client's or the server's) holding a.
func (l *Lab) NSOf(a netip.Addr) string {
	for _, c := range ClientAddrs {
		if c == a {
			return l.ClientNS
		}
	}
	return l.ServerNS
}

// Lab is a set of three namespaces joined by veth pairs.
type Lab struct {
	// ClientNS, GatewayNS and ServerNS are namespace names (under
	// /var/run/netns), usable with "ip netns exec" and nft.Driver.NetNS.
	ClientNS, GatewayNS, ServerNS string

	mu      sync.Mutex
	closers []io.Closer
	closed  bool
}

// New creates a lab for t and deletes it when t ends. It skips t, loudly,
// when not root or when namespaces cannot be created; it installs iproute2
// when ip is missing (as root).
func New(t testing.TB) *Lab {
	t.Helper()
	if os.Geteuid() != 0 {
		skip(t, "not running as root")
	}
	testpeer.NeedTool(t, "ip", "iproute2")
	l, err := Create("anl")
	if err != nil {
		if errors.Is(err, errNoNetNS) {
			skip(t, "%v", err)
		}
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := l.Close(); err != nil {
			t.Errorf("netlab cleanup: %v", err)
		}
	})
	return l
}

func skip(t testing.TB, format string, args ...any) {
	t.Helper()
	msg := "SKIP (needs root and network namespaces): " + fmt.Sprintf(format, args...)
	fmt.Fprintln(os.Stderr, "\n*** "+msg+" ***")
	t.Skip(msg)
}

var errNoNetNS = errors.New("cannot create network namespaces")

// Create builds a lab whose namespaces are named prefix-RANDOM-{c,g,s}.
// The caller must Close it. Errors wrapping errNoNetNS (tested by New)
// mean the machine cannot make namespaces; others are setup failures.
func Create(prefix string) (*Lab, error) {
	var rb [4]byte
	rand.Read(rb[:])
	base := prefix + "-" + hex.EncodeToString(rb[:])
	l := &Lab{ClientNS: base + "-c", GatewayNS: base + "-g", ServerNS: base + "-s"}
	if out, err := exec.Command("ip", "netns", "add", l.ClientNS).CombinedOutput(); err != nil {
		return nil, fmt.Errorf("%w: ip netns add: %v: %s", errNoNetNS, err, strings.TrimSpace(string(out)))
	}
	for _, ns := range []string{l.GatewayNS, l.ServerNS} {
		if out, err := exec.Command("ip", "netns", "add", ns).CombinedOutput(); err != nil {
			l.Close()
			return nil, fmt.Errorf("%w: ip netns add: %v: %s", errNoNetNS, err, strings.TrimSpace(string(out)))
		}
	}
	c, g, s := l.ClientNS, l.GatewayNS, l.ServerNS
	// No duplicate address detection (link-local addresses included):
	// IPv6 works at once.
	for _, ns := range []string{c, g, s} {
		err := l.Do(ns, func() error {
			for _, conf := range []string{"all", "default"} {
				if err := os.WriteFile("/proc/sys/net/ipv6/conf/"+conf+"/accept_dad", []byte("0\n"), 0); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			l.Close()
			return nil, fmt.Errorf("netlab: accept_dad: %w", err)
		}
	}
	steps := [][]string{
		{"-n", g, "link", "add", "gc", "type", "veth", "peer", "name", "cg", "netns", c},
		{"-n", g, "link", "add", "gs", "type", "veth", "peer", "name", "sg", "netns", s},
		{"-n", c, "addr", "add", ClientAddr.String() + "/24", "dev", "cg"},
		{"-n", c, "addr", "add", Client2Addr.String() + "/24", "dev", "cg"},
		{"-n", g, "addr", "add", GatewayC.String() + "/24", "dev", "gc"},
		{"-n", g, "addr", "add", GatewayS.String() + "/24", "dev", "gs"},
		{"-n", s, "addr", "add", ServerAddr.String() + "/24", "dev", "sg"},
		{"-n", s, "addr", "add", Server2Addr.String() + "/24", "dev", "sg"},
		{"-n", s, "addr", "add", ILOAddr.String() + "/24", "dev", "sg"},
		{"-n", s, "addr", "add", AdditionalAddr.String() + "/24", "dev", "sg"},
		{"-n", s, "addr", "add", SubnetAddr.String() + "/32", "dev", "sg"},
		{"-n", s, "addr", "add", WideSubnetAddr.String() + "/32", "dev", "sg"},
		// nodad: usable at once, without duplicate address detection.
		{"-n", c, "addr", "add", Client6Addr.String() + "/64", "dev", "cg", "nodad"},
		{"-n", c, "addr", "add", Client26Addr.String() + "/64", "dev", "cg", "nodad"},
		{"-n", g, "addr", "add", GatewayC6.String() + "/64", "dev", "gc", "nodad"},
		{"-n", g, "addr", "add", GatewayS6.String() + "/64", "dev", "gs", "nodad"},
		{"-n", s, "addr", "add", Server6Addr.String() + "/64", "dev", "sg", "nodad"},
		{"-n", s, "addr", "add", Server26Addr.String() + "/64", "dev", "sg", "nodad"},
		{"-n", s, "addr", "add", Subnet6Addr.String() + "/128", "dev", "sg", "nodad"},
	}
	for _, ns := range []string{c, g, s} {
		steps = append(steps, []string{"-n", ns, "link", "set", "lo", "up"})
	}
	steps = append(steps,
		[]string{"-n", c, "link", "set", "cg", "up"},
		[]string{"-n", g, "link", "set", "gc", "up"},
		[]string{"-n", g, "link", "set", "gs", "up"},
		[]string{"-n", s, "link", "set", "sg", "up"},
		[]string{"-n", c, "route", "add", "default", "via", GatewayC.String()},
		[]string{"-n", s, "route", "add", "default", "via", GatewayS.String()},
		[]string{"-6", "-n", c, "route", "add", "default", "via", GatewayC6.String()},
		[]string{"-6", "-n", s, "route", "add", "default", "via", GatewayS6.String()},
	)
	for _, n := range RoutedNets {
		via := ServerAddr
		if n.Addr().Is6() {
			via = Server6Addr
		}
		steps = append(steps, []string{"-n", g, "route", "add", n.String(), "via", via.String()})
	}
	for _, st := range steps {
		if out, err := exec.Command("ip", st...).CombinedOutput(); err != nil {
			l.Close()
			return nil, fmt.Errorf("netlab: ip %s: %v: %s", strings.Join(st, " "), err, strings.TrimSpace(string(out)))
		}
	}
	if err := l.staticNeighbours(); err != nil {
		l.Close()
		return nil, err
	}
	err := l.Do(g, func() error {
		if err := os.WriteFile("/proc/sys/net/ipv4/ip_forward", []byte("1\n"), 0); err != nil {
			return err
		}
		return os.WriteFile("/proc/sys/net/ipv6/conf/all/forwarding", []byte("1\n"), 0)
	})
	if err != nil {
		l.Close()
		return nil, fmt.Errorf("netlab: ip_forward: %w", err)
	}
	return l, nil
}

// staticNeighbours makes every neighbour entry on the three links
// permanent. Probes start many connections at once to addresses nobody
// has talked to: while ARP or neighbour discovery resolves one, the kernel
// queues only a few packets and drops the rest, and a dropped SYN is sent
// again only after a second, so on a loaded machine a probe that the
// firewall passes could time out. With static entries every packet is
// sent at once.
func (l *Lab) staticNeighbours() error {
	c, g, s := l.ClientNS, l.GatewayNS, l.ServerNS
	links := []struct {
		ns, dev, peerNS, peerDev string
		peerAddrs                []netip.Addr
	}{
		{c, "cg", g, "gc", []netip.Addr{GatewayC, GatewayC6}},
		{g, "gc", c, "cg", []netip.Addr{ClientAddr, Client2Addr, Client6Addr, Client26Addr}},
		{g, "gs", s, "sg", []netip.Addr{ServerAddr, Server2Addr, ILOAddr, AdditionalAddr, Server6Addr, Server26Addr}},
		{s, "sg", g, "gs", []netip.Addr{GatewayS, GatewayS6}},
	}
	for _, k := range links {
		mac, err := l.macOf(k.peerNS, k.peerDev)
		if err != nil {
			return err
		}
		for _, a := range k.peerAddrs {
			args := []string{"-n", k.ns, "neigh", "replace", a.String(), "lladdr", mac, "dev", k.dev, "nud", "permanent"}
			if out, err := exec.Command("ip", args...).CombinedOutput(); err != nil {
				return fmt.Errorf("netlab: ip %s: %v: %s", strings.Join(args, " "), err, strings.TrimSpace(string(out)))
			}
		}
	}
	return nil
}

// macOf returns the link-layer address of dev in ns.
func (l *Lab) macOf(ns, dev string) (string, error) {
	out, err := exec.Command("ip", "-n", ns, "-j", "link", "show", "dev", dev).Output()
	if err != nil {
		return "", fmt.Errorf("netlab: ip -n %s link show %s: %w", ns, dev, err)
	}
	var links []struct {
		Address string `json:"address"`
	}
	if err := json.Unmarshal(out, &links); err != nil || len(links) != 1 || links[0].Address == "" {
		return "", fmt.Errorf("netlab: the link-layer address of %s in %s: %s", dev, ns, out)
	}
	return links[0].Address, nil
}

// Close closes the lab's listeners and deletes its namespaces. It returns
// the first error; closing twice does nothing.
func (l *Lab) Close() error {
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		return nil
	}
	l.closed = true
	closers := l.closers
	l.closers = nil
	l.mu.Unlock()
	for _, c := range closers {
		c.Close()
	}
	var first error
	for _, ns := range []string{l.ClientNS, l.GatewayNS, l.ServerNS} {
		if _, err := os.Stat("/var/run/netns/" + ns); err != nil {
			continue
		}
		if out, err := exec.Command("ip", "netns", "del", ns).CombinedOutput(); err != nil && first == nil {
			first = fmt.Errorf("ip netns del %s: %v: %s", ns, err, strings.TrimSpace(string(out)))
		}
	}
	return first
}

func (l *Lab) track(c io.Closer) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		c.Close()
		return
	}
	l.closers = append(l.closers, c)
}

// Exec runs a command inside ns ("ip netns exec ns args...") and returns
// its combined output; the error tells the exit status.
func (l *Lab) Exec(ns string, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, "ip", append([]string{"netns", "exec", ns}, args...)...).CombinedOutput()
	if err != nil {
		err = fmt.Errorf("ip netns exec %s %s: %v: %s", ns, strings.Join(args, " "), err, strings.TrimSpace(string(out)))
	}
	return string(out), err
}

// Do runs fn on an OS thread that has joined the network namespace ns (a
// name under /var/run/netns), and returns its error. Sockets fn creates
// belong to ns and keep working from any goroutine; goroutines fn starts
// do not run in ns. Afterwards the thread goes back to its own namespace
// and is unlocked; only if that fails does it end with the goroutine.
// Ending threads is avoided on purpose: a child process started with
// Pdeathsig (terraform-exec starts tofu so) from a thread gets SIGKILL
// when that thread ends (golang/go#27505).
func (l *Lab) Do(ns string, fn func() error) error {
	errc := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		own, err := os.Open("/proc/thread-self/ns/net")
		if err != nil {
			runtime.UnlockOSThread()
			errc <- err
			return
		}
		defer own.Close()
		f, err := os.Open("/var/run/netns/" + ns)
		if err != nil {
			runtime.UnlockOSThread()
			errc <- err
			return
		}
		err = unix.Setns(int(f.Fd()), unix.CLONE_NEWNET)
		f.Close()
		if err != nil {
			runtime.UnlockOSThread()
			errc <- fmt.Errorf("setns %s: %w", ns, err)
			return
		}
		err = fn()
		if unix.Setns(int(own.Fd()), unix.CLONE_NEWNET) == nil {
			// Back home: the thread may serve other goroutines again.
			runtime.UnlockOSThread()
		} // else: still locked, so the runtime ends the thread in ns.
		errc <- err
	}()
	return <-errc
}

// network is "tcp4" or "tcp6" (proto "tcp", "udp") for the address
// "ip:port" or "[ip6]:port".
func network(proto, addr string) string {
	if strings.HasPrefix(addr, "[") {
		return proto + "6"
	}
	return proto + "4"
}

// Listen starts a TCP listener in ns on addr ("ip:port" or "[ip6]:port") that accepts
// connections, reads until the peer closes (DialFrom resets its end) and
// resets its own end, so no TIME_WAIT is left behind. It runs until the
// lab is closed.
func (l *Lab) Listen(ns, addr string) error {
	var ln net.Listener
	err := l.Do(ns, func() (err error) {
		ln, err = net.Listen(network("tcp", addr), addr)
		return err
	})
	if err != nil {
		return fmt.Errorf("netlab: listen %s in %s: %w", addr, ns, err)
	}
	l.track(ln)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				c.SetReadDeadline(time.Now().Add(10 * time.Second))
				io.Copy(io.Discard, c)
				c.(*net.TCPConn).SetLinger(0)
				c.Close()
			}()
		}
	}()
	return nil
}

// ListenUDP starts a UDP echo server in ns on addr ("ip:port"; give a
// specific address, so answers leave from the address asked). It runs
// until the lab is closed.
func (l *Lab) ListenUDP(ns, addr string) error {
	var pc net.PacketConn
	err := l.Do(ns, func() (err error) {
		pc, err = net.ListenPacket(network("udp", addr), addr)
		return err
	})
	if err != nil {
		return fmt.Errorf("netlab: listen udp %s in %s: %w", addr, ns, err)
	}
	l.track(pc)
	go func() {
		buf := make([]byte, 2048)
		for {
			n, from, err := pc.ReadFrom(buf)
			if err != nil {
				return
			}
			pc.WriteTo(buf[:n], from)
		}
	}()
	return nil
}

var nextPort atomic.Uint32

func init() {
	var b [2]byte
	rand.Read(b[:])
	nextPort.Store(32768 + uint32(binary.BigEndian.Uint16(b[:]))%8192)
}

// Port returns a source port not handed out before by this process (from
// 32768 upwards, wrapping below 61000), so each probe is a new connection
// for connection tracking.
func Port() uint16 {
	return uint16(32768 + (nextPort.Add(1)-32768)%(61000-32768))
}

// Dial connects over TCP from ns to addr ("ip:port") with a new source
// port and the address the route chooses. Nil means connected; a dropped
// SYN shows as a timeout error after timeout.
func (l *Lab) Dial(ns, addr string, timeout time.Duration) error {
	src := netip.IPv4Unspecified()
	if network("tcp", addr) == "tcp6" {
		src = netip.IPv6Unspecified()
	}
	return l.DialFrom(ns, netip.AddrPortFrom(src, Port()), addr, timeout)
}

// DialFrom is Dial from the given local address and port (an unspecified
// address lets the route choose; port 0 lets the kernel choose). The
// connection is reset right away (SO_LINGER 0), so the same source port
// can be used again at once.
func (l *Lab) DialFrom(ns string, src netip.AddrPort, addr string, timeout time.Duration) error {
	return l.Do(ns, func() error {
		d := net.Dialer{
			Timeout:   timeout,
			LocalAddr: net.TCPAddrFromAddrPort(src),
			Control: func(_, _ string, rc syscall.RawConn) error {
				var serr error
				rc.Control(func(fd uintptr) {
					serr = unix.SetsockoptInt(int(fd), unix.SOL_SOCKET, unix.SO_REUSEADDR, 1)
				})
				return serr
			},
		}
		c, err := d.Dial(network("tcp", addr), addr)
		if err != nil {
			return err
		}
		c.(*net.TCPConn).SetLinger(0)
		return c.Close()
	})
}

// UDPExchange sends one datagram from src (as in DialFrom) in ns to addr
// and waits up to timeout for the echo. Nil means the echo came back.
func (l *Lab) UDPExchange(ns string, src netip.AddrPort, addr string, timeout time.Duration) error {
	return l.Do(ns, func() error {
		c, err := net.DialUDP(network("udp", addr), net.UDPAddrFromAddrPort(src), net.UDPAddrFromAddrPort(netip.MustParseAddrPort(addr)))
		if err != nil {
			return err
		}
		defer c.Close()
		msg := []byte("netlab " + src.String())
		if _, err := c.Write(msg); err != nil {
			return err
		}
		c.SetReadDeadline(time.Now().Add(timeout))
		buf := make([]byte, 2048)
		n, err := c.Read(buf)
		if err != nil {
			return err
		}
		if string(buf[:n]) != string(msg) {
			return fmt.Errorf("netlab: udp echo: got %q", buf[:n])
		}
		return nil
	})
}

var nextID atomic.Uint32

// Ping sends one ICMP echo request from ns to dst and reports whether the
// reply arrived within 500 ms.
func (l *Lab) Ping(ns string, dst netip.Addr) bool {
	return l.PingFrom(ns, netip.Addr{}, dst, 500*time.Millisecond) == nil
}

// PingFrom sends one ICMP (ICMPv6 for an IPv6 dst) echo request (a new
// identifier each call) from src (the zero Addr lets the route choose) in
// ns to dst over a raw socket, and waits up to timeout for the matching
// reply. Nil means the reply came.
func (l *Lab) PingFrom(ns string, src, dst netip.Addr, timeout time.Duration) error {
	id := uint16(nextID.Add(1)) ^ uint16(os.Getpid())
	netw, reqType, replyType := "ip4:icmp", byte(8), byte(0)
	if dst.Is6() {
		// The kernel fills in the ICMPv6 checksum.
		netw, reqType, replyType = "ip6:ipv6-icmp", 128, 129
	}
	return l.Do(ns, func() error {
		laddr := ""
		if src.IsValid() {
			laddr = src.String()
		}
		c, err := net.ListenPacket(netw, laddr)
		if err != nil {
			return err
		}
		defer c.Close()
		req := make([]byte, 8, 24)
		req[0] = reqType
		binary.BigEndian.PutUint16(req[4:], id)
		binary.BigEndian.PutUint16(req[6:], 1)
		req = append(req, "netlab-ping-pad!"...)
		if dst.Is4() {
			binary.BigEndian.PutUint16(req[2:], checksum(req))
		}
		if _, err := c.WriteTo(req, &net.IPAddr{IP: dst.AsSlice()}); err != nil {
			return err
		}
		deadline := time.Now().Add(timeout)
		c.SetReadDeadline(deadline)
		buf := make([]byte, 1500)
		for {
			n, from, err := c.ReadFrom(buf)
			if err != nil {
				return err
			}
			ip, _ := from.(*net.IPAddr)
			if ip == nil || !ip.IP.Equal(dst.AsSlice()) || n < 8 {
				continue
			}
			if buf[0] == replyType && binary.BigEndian.Uint16(buf[4:]) == id {
				return nil
			}
		}
	})
}

func checksum(b []byte) uint16 {
	var sum uint32
	for i := 0; i+1 < len(b); i += 2 {
		sum += uint32(binary.BigEndian.Uint16(b[i:]))
	}
	if len(b)%2 == 1 {
		sum += uint32(b[len(b)-1]) << 8
	}
	for sum>>16 != 0 {
		sum = sum&0xffff + sum>>16
	}
	return ^uint16(sum)
}
