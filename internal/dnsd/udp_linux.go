//go:build linux

package dnsd

import (
	"net"
	"net/netip"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// The Linux UDP loop. Each worker owns a blocking socket (SO_REUSEPORT
// spreads the clients over the workers) and an OS thread: it waits in
// recvmmsg for up to rawBatch queries, answers them, and sends the answers
// with one sendmmsg. The kernel wakes the thread directly when a query
// arrives, which costs far less CPU than Go's netpoller round trip (epoll,
// goroutine wake-up, a read that ends in EAGAIN) at moderate rates, and the
// batches save system calls under load.

const (
	rawBatch  = 32   // messages per recvmmsg/sendmmsg
	rawInSize = 4096 // largest query read; longer ones are dropped
)

func init() { listenFast = listenRaw }

// rawUDP is a blocking UDP socket served by one worker thread.
type rawUDP struct {
	fd      int
	addr    *net.UDPAddr
	stop    atomic.Bool
	once    sync.Once
	serving atomic.Bool
}

// listenRaw binds a blocking UDP socket on ap, a specific address.
func listenRaw(ap netip.AddrPort, reuse bool) (udpSocket, error) {
	family := unix.AF_INET
	if ap.Addr().Is6() && !ap.Addr().Is4In6() {
		family = unix.AF_INET6
	}
	fd, err := unix.Socket(family, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, unix.IPPROTO_UDP)
	if err != nil {
		return nil, err
	}
	fail := func(err error) (udpSocket, error) {
		unix.Close(fd)
		return nil, err
	}
	if reuse {
		if err := unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_REUSEPORT, 1); err != nil {
			return fail(err)
		}
	}
	// A larger receive buffer absorbs bursts; the kernel caps it at
	// net.core.rmem_max.
	unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_RCVBUF, 4<<20)
	// Wake up now and then to notice a stop even if shutdown(2) did not
	// interrupt the wait.
	if err := unix.SetsockoptTimeval(fd, unix.SOL_SOCKET, unix.SO_RCVTIMEO, &unix.Timeval{Usec: 200_000}); err != nil {
		return fail(err)
	}
	var sa unix.Sockaddr
	if family == unix.AF_INET {
		sa = &unix.SockaddrInet4{Port: int(ap.Port()), Addr: ap.Addr().Unmap().As4()}
	} else {
		sa6 := &unix.SockaddrInet6{Port: int(ap.Port()), Addr: ap.Addr().As16()}
		if z := ap.Addr().Zone(); z != "" {
			if ifi, err := net.InterfaceByName(z); err == nil {
				sa6.ZoneId = uint32(ifi.Index)
			}
		}
		sa = sa6
	}
	if err := unix.Bind(fd, sa); err != nil {
		return fail(&net.OpError{Op: "listen", Net: "udp", Addr: net.UDPAddrFromAddrPort(ap), Err: err})
	}
	bound, err := unix.Getsockname(fd)
	if err != nil {
		return fail(err)
	}
	r := &rawUDP{fd: fd}
	switch b := bound.(type) {
	case *unix.SockaddrInet4:
		r.addr = &net.UDPAddr{IP: net.IP(b.Addr[:]).To16(), Port: b.Port}
	case *unix.SockaddrInet6:
		r.addr = &net.UDPAddr{IP: net.IP(b.Addr[:]), Port: b.Port, Zone: ap.Addr().Zone()}
	}
	return r, nil
}

func (r *rawUDP) LocalAddr() net.Addr { return r.addr }

// Close stops the worker: shutdown(2) wakes a thread blocked in recvmmsg,
// which then closes the socket.
func (r *rawUDP) Close() error {
	r.once.Do(func() {
		r.stop.Store(true)
		unix.Shutdown(r.fd, unix.SHUT_RDWR)
		if !r.serving.Load() {
			unix.Close(r.fd)
		}
	})
	return nil
}

// rawBuffers are a worker's message headers and buffers, on the heap so
// that the kernel may keep pointers into them for a call.
type rawBuffers struct {
	in    [rawBatch]unix.Mmsghdr
	out   [rawBatch]unix.Mmsghdr
	inv   [rawBatch]unix.Iovec
	outv  [rawBatch]unix.Iovec
	names [rawBatch]unix.RawSockaddrInet6
	data  [rawBatch][rawInSize]byte
	resp  [rawBatch][]byte
}

func (r *rawUDP) serve(w *udpWorker) {
	r.serving.Store(true)
	if r.stop.Load() {
		unix.Close(r.fd)
		return
	}
	defer unix.Close(r.fd)
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()

	b := new(rawBuffers)
	for i := range b.in {
		b.inv[i].Base = &b.data[i][0]
		b.inv[i].SetLen(rawInSize)
		b.in[i].Hdr.Iov = &b.inv[i]
		b.in[i].Hdr.SetIovlen(1)
		b.in[i].Hdr.Name = (*byte)(unsafe.Pointer(&b.names[i]))
		b.out[i].Hdr.Iov = &b.outv[i]
		b.out[i].Hdr.SetIovlen(1)
		b.resp[i] = make([]byte, 0, 512)
	}
	lastYield := time.Now()
	for !r.stop.Load() {
		// A goroutine that never passes through the scheduler looks stuck
		// to the runtime's monitor (sysmon): every 10 ms it would preempt
		// the thread with a signal and take its P, and stay awake polling
		// every 20 µs. Yielding now and then avoids that.
		if now := time.Now(); now.Sub(lastYield) > 2*time.Millisecond {
			lastYield = now
			runtime.Gosched()
		}
		for i := range b.in {
			b.in[i].Hdr.Namelen = unix.SizeofSockaddrInet6
			b.in[i].Hdr.Flags = 0
		}
		n, _, errno := unix.Syscall6(unix.SYS_RECVMMSG, uintptr(r.fd), uintptr(unsafe.Pointer(&b.in[0])),
			rawBatch, unix.MSG_WAITFORONE, 0, 0)
		if errno != 0 {
			switch errno {
			case unix.EINTR, unix.EAGAIN:
			default:
				if !r.stop.Load() {
					w.s.log.Debug("dnsd: recvmmsg", "err", errno)
				}
			}
			continue
		}
		k := 0
		for i := 0; i < int(n); i++ {
			h := &b.in[i]
			if h.Hdr.Flags&unix.MSG_TRUNC != 0 {
				continue // longer than rawInSize: not a query worth answering
			}
			resp := w.respond(b.data[i][:h.Len], sockaddrAddr(&b.names[i]))
			if len(resp) == 0 {
				continue
			}
			b.resp[k] = append(b.resp[k][:0], resp...)
			o := &b.out[k]
			o.Hdr.Name = (*byte)(unsafe.Pointer(&b.names[i]))
			o.Hdr.Namelen = h.Hdr.Namelen
			b.outv[k].Base = &b.resp[k][0]
			b.outv[k].SetLen(len(b.resp[k]))
			k++
		}
		for off := 0; off < k; {
			sent, _, errno := unix.Syscall6(unix.SYS_SENDMMSG, uintptr(r.fd), uintptr(unsafe.Pointer(&b.out[off])),
				uintptr(k-off), 0, 0, 0)
			switch {
			case errno == unix.EINTR:
			case errno != 0 || sent == 0:
				off++ // this answer cannot go: skip it
			default:
				off += int(sent)
			}
		}
	}
}

// sockaddrAddr returns the IP address of a sockaddr filled by the kernel.
func sockaddrAddr(sa *unix.RawSockaddrInet6) netip.Addr {
	switch sa.Family {
	case unix.AF_INET:
		return netip.AddrFrom4((*unix.RawSockaddrInet4)(unsafe.Pointer(sa)).Addr)
	case unix.AF_INET6:
		return netip.AddrFrom16(sa.Addr).Unmap()
	}
	return netip.Addr{}
}
