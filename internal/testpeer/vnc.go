package testpeer

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"testing"
	"time"

	"github.com/artnet-panel/artnet-panel/internal/vncproxy"
)

// NeedQEMU returns the paths of qemu-system-x86_64 and qemu-img, installing
// Debian's qemu-system-x86 and qemu-utils when they are missing.
func NeedQEMU(t testing.TB) (system, img string) {
	t.Helper()
	return NeedTool(t, "qemu-system-x86_64", "qemu-system-x86"), NeedTool(t, "qemu-img", "qemu-utils")
}

// FreeVNCPort returns a TCP port on 127.0.0.1, at least 5900 (QEMU names
// VNC ports by display number from 5900), free at the time of the call.
func FreeVNCPort(t testing.TB) int {
	t.Helper()
	for i := 0; i < 100; i++ {
		port := 20000 + rand.IntN(30000)
		ln, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", port))
		if err == nil {
			ln.Close()
			return port
		}
	}
	t.Fatal("no free VNC port")
	return 0
}

// ErrVNCAuthFailed is returned by VNCAuth when the server refuses the
// password.
var ErrVNCAuthFailed = errors.New("vnc: authentication failed")

// VNCAuth speaks RFB 3.8 to addr up to the end of VNC authentication (the
// DES challenge) with password: nil when the server accepts it,
// ErrVNCAuthFailed when it refuses it, another error when the server does
// not speak RFB or offers no VNC authentication.
func VNCAuth(addr, password string) error {
	c, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		return err
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	version := make([]byte, 12)
	if _, err := io.ReadFull(c, version); err != nil {
		return fmt.Errorf("vnc: read version: %w", err)
	}
	if string(version[:4]) != "RFB " {
		return fmt.Errorf("vnc: not RFB: %q", version)
	}
	if _, err := c.Write([]byte("RFB 003.008\n")); err != nil {
		return err
	}
	var n [1]byte
	if _, err := io.ReadFull(c, n[:]); err != nil {
		return err
	}
	if n[0] == 0 {
		return errors.New("vnc: server refused the connection")
	}
	types := make([]byte, n[0])
	if _, err := io.ReadFull(c, types); err != nil {
		return err
	}
	found := false
	for _, ty := range types {
		found = found || ty == 2
	}
	if !found {
		return fmt.Errorf("vnc: no VNC authentication offered (types %v)", types)
	}
	if _, err := c.Write([]byte{2}); err != nil {
		return err
	}
	challenge := make([]byte, 16)
	if _, err := io.ReadFull(c, challenge); err != nil {
		return err
	}
	resp, err := vncproxy.AuthResponse(password, challenge)
	if err != nil {
		return err
	}
	if _, err := c.Write(resp); err != nil {
		return err
	}
	var result [4]byte
	if _, err := io.ReadFull(c, result[:]); err != nil {
		return err
	}
	if binary.BigEndian.Uint32(result[:]) != 0 {
		return ErrVNCAuthFailed
	}
	return nil
}
