// Package vncproxy is the web console's VNC proxy: it joins a browser's
// WebSocket (noVNC) to a machine's VNC server (QEMU's) without the browser
// ever seeing the console password.
//
// The proxy is the VNC client of the server: it speaks RFB 3.8 up to the
// end of VNC authentication itself (Dial: version, security type 2, the
// DES challenge keyed with the password). To the browser it is a VNC
// server that asks for no authentication (Greet: RFB 3.8, security type 1
// "None", SecurityResult OK). From the ClientInit on, both sides are past
// their security handshake and the proxy relays the bytes unchanged both
// ways until either side closes (Relay). The browser's right to the
// console is checked before the proxy is reached (the web panel checks
// that the signed-in customer owns the instance).
package vncproxy

import (
	"context"
	"crypto/des"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"time"
)

// HandshakeTimeout bounds each side's RFB handshake (and the TCP connect
// to the VNC server) when the caller gives no deadline of its own.
const HandshakeTimeout = 15 * time.Second

// ErrAuthFailed is returned by Dial when the VNC server refuses the
// password.
var ErrAuthFailed = errors.New("vnc: the server refused the console password")

// rfbVersion is the protocol version both sides are offered: RFB 3.8.
const rfbVersion = "RFB 003.008\n"

// Security types (RFC 6143 7.1.2).
const (
	securityInvalid = 0
	securityNone    = 1
	securityVNCAuth = 2
)

// Dial connects to the VNC server at addr (host:port) and authenticates
// with password (VNC authentication: its first 8 bytes). The connection it
// returns is past the SecurityResult: the next message is the client's
// ClientInit. ErrAuthFailed when the server refuses the password; the
// handshake is bounded by ctx's deadline, else HandshakeTimeout.
func Dial(ctx context.Context, addr, password string) (net.Conn, error) {
	ctx, cancel := context.WithTimeout(ctx, HandshakeTimeout)
	defer cancel()
	var d net.Dialer
	c, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("vnc: connect to %s: %w", addr, err)
	}
	deadline, _ := ctx.Deadline()
	c.SetDeadline(deadline)
	// The context may end before the deadline (a cancelled request).
	stop := context.AfterFunc(ctx, func() { c.SetDeadline(time.Unix(1, 0)) })
	err = clientHandshake(c, password)
	if !stop() || err != nil {
		c.Close()
		if err == nil {
			err = ctx.Err()
		}
		return nil, err
	}
	c.SetDeadline(time.Time{})
	return c, nil
}

// clientHandshake is the client side of RFB 3.8 up to the end of VNC
// authentication.
func clientHandshake(c io.ReadWriter, password string) error {
	version := make([]byte, 12)
	if _, err := io.ReadFull(c, version); err != nil {
		return fmt.Errorf("vnc: read the server's version: %w", err)
	}
	var major, minor int
	if _, err := fmt.Sscanf(string(version), "RFB %03d.%03d\n", &major, &minor); err != nil {
		return fmt.Errorf("vnc: not an RFB server (%q)", version)
	}
	if major != 3 || minor < 8 {
		return fmt.Errorf("vnc: server speaks RFB %d.%d, want 3.8", major, minor)
	}
	if _, err := io.WriteString(c, rfbVersion); err != nil {
		return err
	}
	var n [1]byte
	if _, err := io.ReadFull(c, n[:]); err != nil {
		return fmt.Errorf("vnc: read the security types: %w", err)
	}
	if n[0] == 0 {
		return fmt.Errorf("vnc: the server refused the connection: %s", readReason(c))
	}
	types := make([]byte, n[0])
	if _, err := io.ReadFull(c, types); err != nil {
		return fmt.Errorf("vnc: read the security types: %w", err)
	}
	has := func(t byte) bool {
		for _, x := range types {
			if x == t {
				return true
			}
		}
		return false
	}
	switch {
	case has(securityVNCAuth):
		if _, err := c.Write([]byte{securityVNCAuth}); err != nil {
			return err
		}
		challenge := make([]byte, 16)
		if _, err := io.ReadFull(c, challenge); err != nil {
			return fmt.Errorf("vnc: read the challenge: %w", err)
		}
		resp, err := AuthResponse(password, challenge)
		if err != nil {
			return err
		}
		if _, err := c.Write(resp); err != nil {
			return err
		}
	case has(securityNone) && password == "":
		if _, err := c.Write([]byte{securityNone}); err != nil {
			return err
		}
	default:
		return fmt.Errorf("vnc: the server offers no VNC authentication (security types %v)", types)
	}
	var result [4]byte
	if _, err := io.ReadFull(c, result[:]); err != nil {
		return fmt.Errorf("vnc: read the security result: %w", err)
	}
	if binary.BigEndian.Uint32(result[:]) != 0 {
		// RFB 3.8 follows a failure with a reason, which QEMU gives.
		if r := readReason(c); r != "" {
			return fmt.Errorf("%w (%s)", ErrAuthFailed, r)
		}
		return ErrAuthFailed
	}
	return nil
}

// readReason reads an RFB failure reason (u32 length, text), at most 1 KiB
// of it; "" when there is none.
func readReason(r io.Reader) string {
	var n [4]byte
	if _, err := io.ReadFull(r, n[:]); err != nil {
		return ""
	}
	l := binary.BigEndian.Uint32(n[:])
	if l > 1024 {
		l = 1024
	}
	b := make([]byte, l)
	k, _ := io.ReadFull(r, b)
	return string(b[:k])
}

// AuthResponse is the answer of VNC authentication to a 16-byte
// challenge: the challenge encrypted with DES (two ECB blocks) under the
// password's first 8 bytes, zero-padded, each byte's bits reversed (the
// RFB quirk inherited from the original VNC's DES code).
func AuthResponse(password string, challenge []byte) ([]byte, error) {
	if len(challenge) != 16 {
		return nil, fmt.Errorf("vnc: challenge of %d bytes, want 16", len(challenge))
	}
	key := make([]byte, 8)
	copy(key, password)
	for i, b := range key {
		var r byte
		for j := 0; j < 8; j++ {
			r = r<<1 | (b>>j)&1
		}
		key[i] = r
	}
	block, err := des.NewCipher(key)
	if err != nil {
		return nil, err
	}
	resp := make([]byte, 16)
	block.Encrypt(resp[:8], challenge[:8])
	block.Encrypt(resp[8:], challenge[8:])
	return resp, nil
}

// Greet is the server side of the RFB handshake towards the browser: it
// offers RFB 3.8 and the security type None, and ends after the
// SecurityResult OK (a client that answers 3.3 or 3.7 gets what those
// versions expect). The next message is the client's ClientInit.
func Greet(c io.ReadWriter) error {
	if _, err := io.WriteString(c, rfbVersion); err != nil {
		return err
	}
	minor, err := readClientVersion(c)
	if err != nil {
		return err
	}
	if minor == 3 {
		// RFB 3.3: the server chooses; no SecurityResult for None.
		_, err := c.Write([]byte{0, 0, 0, securityNone})
		return err
	}
	if _, err := c.Write([]byte{1, securityNone}); err != nil {
		return err
	}
	var choice [1]byte
	if _, err := io.ReadFull(c, choice[:]); err != nil {
		return fmt.Errorf("vnc client: read the security type: %w", err)
	}
	if choice[0] != securityNone {
		return fmt.Errorf("vnc client: chose security type %d, not offered", choice[0])
	}
	if minor < 8 {
		return nil // 3.7: no SecurityResult for None
	}
	_, err = c.Write([]byte{0, 0, 0, 0})
	return err
}

// Refuse is the server side of the RFB handshake towards a browser whose
// console cannot be opened: RFB 3.8, then no security type and reason,
// which the client shows (noVNC: a "securityfailure" event).
func Refuse(c io.ReadWriter, reason string) error {
	if _, err := io.WriteString(c, rfbVersion); err != nil {
		return err
	}
	minor, err := readClientVersion(c)
	if err != nil {
		return err
	}
	msg := make([]byte, 0, 8+len(reason))
	if minor == 3 {
		msg = append(msg, 0, 0, 0, securityInvalid)
	} else {
		msg = append(msg, 0)
	}
	msg = binary.BigEndian.AppendUint32(msg, uint32(len(reason)))
	msg = append(msg, reason...)
	_, err = c.Write(msg)
	return err
}

// readClientVersion reads the client's ProtocolVersion and returns its
// minor version (3, 7 or 8; later ones are taken as 8).
func readClientVersion(r io.Reader) (int, error) {
	version := make([]byte, 12)
	if _, err := io.ReadFull(r, version); err != nil {
		return 0, fmt.Errorf("vnc client: read its version: %w", err)
	}
	var major, minor int
	if _, err := fmt.Sscanf(string(version), "RFB %03d.%03d\n", &major, &minor); err != nil || major != 3 || minor < 3 {
		return 0, fmt.Errorf("vnc client: bad version %q", version)
	}
	switch {
	case minor >= 8:
		return 8, nil
	case minor >= 7:
		return 7, nil
	}
	return 3, nil
}

// Relay copies bytes both ways between a and b until either side ends
// (EOF or an error), then closes both. It returns how many bytes went
// from a to b and from b to a.
func Relay(a, b net.Conn) (aToB, bToA int64) {
	done := make(chan int64, 1)
	go func() {
		n, _ := io.Copy(a, b)
		// b ended (or a failed): end a's side too, so the copy below
		// returns.
		a.Close()
		b.Close()
		done <- n
	}()
	aToB, _ = io.Copy(b, a)
	a.Close()
	b.Close()
	bToA = <-done
	return aToB, bToA
}
