package vncproxy_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/artnet-panel/artnet-panel/internal/driver/qemu"
	"github.com/artnet-panel/artnet-panel/internal/hypervisor"
	"github.com/artnet-panel/artnet-panel/internal/testpeer"
	"github.com/artnet-panel/artnet-panel/internal/vncproxy"
)

const password = "Cons0le.pw" // VNC uses "Cons0le."

// machine starts a QEMU machine with no operating system (SeaBIOS shows
// its boot messages in text mode) whose console has password; it is
// deleted when the test ends.
func machine(t *testing.T, name string) (*qemu.Driver, string) {
	t.Helper()
	system, img := testpeer.NeedQEMU(t)
	d := &qemu.Driver{StateDir: t.TempDir(), System: system, Img: img, Timeout: 30 * time.Second}
	t.Cleanup(func() { d.Delete(context.Background(), name) })
	spec := hypervisor.Spec{Name: name, CPUs: 1, RAMMB: 64, DiskGB: 1, VNCPort: testpeer.FreeVNCPort(t), VNCPassword: password}
	if err := d.Start(context.Background(), spec); err != nil {
		t.Fatal(err)
	}
	return d, fmt.Sprintf("127.0.0.1:%d", spec.VNCPort)
}

// logBuffer is a log destination safe for concurrent use.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// proxy serves the console of target on a test HTTP server; Serve's
// results arrive on the channel.
func proxy(t *testing.T, ctx context.Context, target vncproxy.Target) (*httptest.Server, <-chan error, *logBuffer) {
	t.Helper()
	logs := &logBuffer{}
	log := slog.New(slog.NewTextHandler(logs, nil))
	errc := make(chan error, 4)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		errc <- vncproxy.Serve(ctx, w, r, target, log, "customer_id", 500, "instance_id", 7)
	}))
	t.Cleanup(srv.Close)
	return srv, errc, logs
}

// dial opens the proxy's WebSocket as a browser of the same origin.
func dial(t *testing.T, srv *httptest.Server) net.Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	ws, resp, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(srv.URL, "http"), &websocket.DialOptions{
		HTTPHeader: http.Header{"Origin": {srv.URL}}, Subprotocols: []string{"binary"}})
	if err != nil {
		t.Fatalf("websocket: %v", err)
	}
	if resp.Header.Get("Sec-WebSocket-Protocol") != "binary" {
		t.Errorf("subprotocol %q, want binary", resp.Header.Get("Sec-WebSocket-Protocol"))
	}
	c := websocket.NetConn(context.Background(), ws, websocket.MessageBinary)
	t.Cleanup(func() { c.Close() })
	c.SetDeadline(time.Now().Add(90 * time.Second))
	return c
}

func readFull(t *testing.T, r io.Reader, n int) []byte {
	t.Helper()
	b := make([]byte, n)
	if _, err := io.ReadFull(r, b); err != nil {
		t.Fatalf("read %d bytes: %v", n, err)
	}
	return b
}

// framebuffer reads the screen through an RFB client that already passed
// the security handshake: ClientInit, ServerInit, a 32-bit pixel format
// and full updates until accept says the screen is what it waits for
// (or 90 s).
func framebuffer(t *testing.T, c net.Conn, accept func(*image.RGBA) bool) (*image.RGBA, string) {
	t.Helper()
	br := bufio.NewReader(c)
	c.Write([]byte{1}) // ClientInit: shared
	init := readFull(t, br, 24)
	w, h := int(binary.BigEndian.Uint16(init[0:])), int(binary.BigEndian.Uint16(init[2:]))
	name := string(readFull(t, br, int(binary.BigEndian.Uint32(init[20:]))))
	// SetPixelFormat: 32 bpp, depth 24, little endian, true colour,
	// red at 16, green at 8, blue at 0.
	pf := []byte{0, 0, 0, 0, 32, 24, 0, 1, 0, 255, 0, 255, 0, 255, 16, 8, 0, 0, 0, 0}
	// SetEncodings: raw, and DesktopSize (-223): the guest switches
	// between graphics and text modes.
	enc := []byte{2, 0, 0, 2, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0x21}
	c.Write(append(pf, enc...))
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	deadline := time.Now().Add(90 * time.Second)
	for {
		// FramebufferUpdateRequest: not incremental, x 0, y 0, w, h.
		req := []byte{3, 0, 0, 0, 0, 0, byte(w >> 8), byte(w), byte(h >> 8), byte(h)}
		if _, err := c.Write(req); err != nil {
			t.Fatal(err)
		}
		for {
			typ := readFull(t, br, 1)[0]
			if typ == 0 {
				break
			}
			switch typ {
			case 2: // Bell
			case 3: // ServerCutText
				hdr := readFull(t, br, 7)
				readFull(t, br, int(binary.BigEndian.Uint32(hdr[3:])))
			default:
				t.Fatalf("server message type %d", typ)
			}
		}
		hdr := readFull(t, br, 3)
		for range int(binary.BigEndian.Uint16(hdr[1:])) {
			r := readFull(t, br, 12)
			x, y := int(binary.BigEndian.Uint16(r[0:])), int(binary.BigEndian.Uint16(r[2:]))
			rw, rh := int(binary.BigEndian.Uint16(r[4:])), int(binary.BigEndian.Uint16(r[6:]))
			switch e := int32(binary.BigEndian.Uint32(r[8:])); e {
			case 0:
			case -223:
				w, h = rw, rh
				img = image.NewRGBA(image.Rect(0, 0, w, h))
				continue
			default:
				t.Fatalf("rectangle encoding %d, want raw", e)
			}
			px := readFull(t, br, rw*rh*4)
			for j := range rh {
				for i := range rw {
					p := px[(j*rw+i)*4:]
					img.SetRGBA(x+i, y+j, color.RGBA{p[2], p[1], p[0], 255})
				}
			}
		}
		if accept(img) {
			return img, name
		}
		if time.Now().After(deadline) {
			t.Fatalf("the screen did not show what was awaited in 90 s (%d non-black pixels)", nonBlack(img))
		}
		time.Sleep(500 * time.Millisecond)
	}
}

func nonBlack(img *image.RGBA) int {
	n := 0
	for i := 0; i < len(img.Pix); i += 4 {
		if img.Pix[i]|img.Pix[i+1]|img.Pix[i+2] != 0 {
			n++
		}
	}
	return n
}

// screendump is QEMU's own picture of the screen (QMP screendump, PPM).
func screendump(t *testing.T, d *qemu.Driver, name string) *image.RGBA {
	t.Helper()
	file := filepath.Join(t.TempDir(), "screen.ppm")
	if _, err := d.QMP(context.Background(), name, "screendump", map[string]string{"filename": file}); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	img, err := testpeer.DecodePPM(b)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// same reports whether a and b have the same size and differ in at most
// 1% of their pixels (the text cursor blinks).
func same(a, b *image.RGBA) bool {
	if a.Rect != b.Rect {
		return false
	}
	diff := 0
	for i := 0; i < len(a.Pix); i += 4 {
		if a.Pix[i] != b.Pix[i] || a.Pix[i+1] != b.Pix[i+1] || a.Pix[i+2] != b.Pix[i+2] {
			diff++
		}
	}
	return diff*100 <= len(a.Pix)/4
}

// The proxy authenticates to QEMU's VNC server with the password and
// gives the browser's side a console without authentication (RFB 3.8,
// security type None, SecurityResult OK): the screen read through it is
// the machine's (SeaBIOS's boot text: as QEMU's own screendump).
func TestConsoleProxyQEMU(t *testing.T) {
	d, addr := machine(t, "t-vncproxy")
	srv, errc, logs := proxy(t, context.Background(), vncproxy.Target{Addr: addr, Password: password})
	c := dial(t, srv)
	if v := string(readFull(t, c, 12)); v != "RFB 003.008\n" {
		t.Fatalf("version %q", v)
	}
	c.Write([]byte("RFB 003.008\n"))
	if types := readFull(t, c, 2); !bytes.Equal(types, []byte{1, 1}) {
		t.Fatalf("security types %v, want only None", types)
	}
	c.Write([]byte{1})
	if res := readFull(t, c, 4); !bytes.Equal(res, []byte{0, 0, 0, 0}) {
		t.Fatalf("security result %v, want OK", res)
	}
	var dump *image.RGBA
	img, name := framebuffer(t, c, func(img *image.RGBA) bool {
		// SeaBIOS's text screen down to "No bootable device." has some
		// 4000 lit pixels.
		if nonBlack(img) < 3000 {
			return false
		}
		dump = screendump(t, d, "t-vncproxy")
		return same(img, dump)
	})
	if !strings.Contains(name, "t-vncproxy") {
		t.Errorf("desktop name %q, want the machine's", name)
	}
	colours := map[color.RGBA]bool{}
	for i := 0; i < len(img.Pix); i += 4 {
		colours[color.RGBA{img.Pix[i], img.Pix[i+1], img.Pix[i+2], 255}] = true
	}
	t.Logf("screen %v, %d non-black pixels, %d colours", img.Rect.Size(), nonBlack(img), len(colours))
	if dir := os.Getenv("ARTNET_WEB_SHOTS"); dir != "" {
		var buf bytes.Buffer
		png.Encode(&buf, img)
		os.WriteFile(filepath.Join(dir, "TestConsoleProxyQEMU-screen.png"), buf.Bytes(), 0o644)
	}
	if len(colours) < 2 {
		t.Fatal("the screen has one colour")
	}
	c.Close()
	select {
	case err := <-errc:
		if err != nil {
			t.Fatalf("Serve: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("Serve did not return after the browser closed")
	}
	l := logs.String()
	if !strings.Contains(l, "console connected") || !strings.Contains(l, "console disconnected") || !strings.Contains(l, "instance_id=7") {
		t.Errorf("log:\n%s", l)
	}
	if strings.Contains(l, "Cons0le") {
		t.Errorf("the password is in the log:\n%s", l)
	}
}

// With a password the VNC server refuses, the proxy reports the
// authentication failure and the browser's side gets RFB's refusal (no
// security type, a reason) and is closed: no screen.
func TestConsoleProxyWrongPassword(t *testing.T) {
	_, addr := machine(t, "t-vncproxy-pw")
	srv, errc, logs := proxy(t, context.Background(), vncproxy.Target{Addr: addr, Password: "wrong"})
	c := dial(t, srv)
	if v := string(readFull(t, c, 12)); v != "RFB 003.008\n" {
		t.Fatalf("version %q", v)
	}
	c.Write([]byte("RFB 003.008\n"))
	if n := readFull(t, c, 1); n[0] != 0 {
		t.Fatalf("%d security types offered after a refused password, want 0", n[0])
	}
	reason := readFull(t, c, int(binary.BigEndian.Uint32(readFull(t, c, 4))))
	t.Logf("reason: %s", reason)
	if _, err := c.Read(make([]byte, 1)); err == nil {
		t.Fatal("the browser's side is still open")
	}
	select {
	case err := <-errc:
		if !errors.Is(err, vncproxy.ErrAuthFailed) {
			t.Fatalf("Serve: %v, want ErrAuthFailed", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("Serve did not return")
	}
	if l := logs.String(); !strings.Contains(l, "refused the console password") || strings.Contains(l, "wrong") {
		t.Errorf("log:\n%s", l)
	}
}

// A page of another origin cannot open the console (websocket.Accept's
// origin check: 403, no upgrade, the VNC server not dialled); a server
// shutting down (ctx) ends an open console.
func TestConsoleProxyOriginAndShutdown(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	accepted := make(chan net.Conn, 4)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			accepted <- c
			// A VNC server without authentication.
			go func() {
				c.Write([]byte("RFB 003.008\n"))
				io.ReadFull(c, make([]byte, 12))
				c.Write([]byte{1, 1})
				io.ReadFull(c, make([]byte, 1))
				c.Write([]byte{0, 0, 0, 0})
				io.Copy(io.Discard, c)
			}()
		}
	}()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	srv, errc, _ := proxy(t, ctx, vncproxy.Target{Addr: ln.Addr().String()})

	dctx, dcancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer dcancel()
	_, resp, err := websocket.Dial(dctx, "ws"+strings.TrimPrefix(srv.URL, "http"), &websocket.DialOptions{
		HTTPHeader: http.Header{"Origin": {"http://evil.example"}}})
	if err == nil || resp == nil || resp.StatusCode != http.StatusForbidden {
		t.Fatalf("another origin: %v, %v; want 403", resp, err)
	}
	if err := <-errc; err == nil {
		t.Fatal("Serve accepted another origin")
	}
	select {
	case <-accepted:
		t.Fatal("the VNC server was dialled for another origin")
	default:
	}

	c := dial(t, srv)
	readFull(t, c, 12)
	c.Write([]byte("RFB 003.008\n"))
	readFull(t, c, 2)
	c.Write([]byte{1})
	readFull(t, c, 4)
	cancel()
	if _, err := c.Read(make([]byte, 1)); err == nil {
		t.Fatal("the console is still open after the server's context ended")
	}
	select {
	case <-errc:
	case <-time.After(30 * time.Second):
		t.Fatal("Serve did not return after its context ended")
	}
}

// AuthResponse takes a 16-byte challenge only and uses the password's
// first 8 bytes (QEMU's acceptance of it is TestConsoleProxyQEMU).
func TestConsoleAuthResponse(t *testing.T) {
	if _, err := vncproxy.AuthResponse("pw", make([]byte, 15)); err == nil {
		t.Fatal("a 15-byte challenge was taken")
	}
	a, err := vncproxy.AuthResponse("password", make([]byte, 16))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := vncproxy.AuthResponse("password-longer", make([]byte, 16))
	if !bytes.Equal(a, b) {
		t.Fatal("bytes past the 8th change the answer")
	}
	c, _ := vncproxy.AuthResponse("passwore", make([]byte, 16))
	if bytes.Equal(a, c) {
		t.Fatal("the 8th byte does not change the answer")
	}
}

// Greet answers what each RFB version expects: 3.3 the server's choice
// (None) and no result, 3.7 the list and no result, 3.8 the list and a
// SecurityResult OK; anything else is refused. Refuse gives 3.8 clients
// no security type and the reason.
func TestConsoleGreetVersions(t *testing.T) {
	for _, c := range []struct {
		version string
		choose  bool
		want    []byte
		fails   bool
	}{
		{"RFB 003.003\n", false, []byte{0, 0, 0, 1}, false},
		{"RFB 003.007\n", true, []byte{1, 1}, false},
		{"RFB 003.008\n", true, []byte{1, 1, 0, 0, 0, 0}, false},
		{"RFB 003.889\n", true, []byte{1, 1, 0, 0, 0, 0}, false}, // Apple's: taken as 3.8
		{"HTTP/1.1 200\n", false, nil, true},
	} {
		server, client := net.Pipe()
		errc := make(chan error, 1)
		go func() { errc <- vncproxy.Greet(server); server.Close() }()
		client.SetDeadline(time.Now().Add(10 * time.Second))
		if v := string(readFull(t, client, 12)); v != "RFB 003.008\n" {
			t.Fatalf("version %q", v)
		}
		client.Write([]byte(c.version))
		var got []byte
		if !c.fails {
			if c.choose {
				got = append(got, readFull(t, client, 2)...)
				client.Write([]byte{1})
				if c.version != "RFB 003.007\n" {
					got = append(got, readFull(t, client, 4)...)
				}
			} else {
				got = readFull(t, client, 4)
			}
		}
		err := <-errc
		if c.fails != (err != nil) || !bytes.Equal(got, c.want) {
			t.Errorf("%q: %v, Greet %v; want %v (fails %v)", c.version, got, err, c.want, c.fails)
		}
		client.Close()
	}

	server, client := net.Pipe()
	go func() { vncproxy.Refuse(server, "no console"); server.Close() }()
	client.SetDeadline(time.Now().Add(10 * time.Second))
	readFull(t, client, 12)
	client.Write([]byte("RFB 003.008\n"))
	if got := readFull(t, client, 1+4+10); !bytes.Equal(got, append([]byte{0, 0, 0, 0, 10}, "no console"...)) {
		t.Errorf("refusal %q", got)
	}
}

// TestConsoleKeepAlive: an open console pings the browser every
// KeepAlive; a browser that answers (its reader runs) keeps it open, one
// that stopped reading (gone without closing) ends it.
func TestConsoleKeepAlive(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			// A VNC server without authentication that never sends
			// anything after the handshake (an idle screen).
			go func() {
				c.Write([]byte("RFB 003.008\n"))
				io.ReadFull(c, make([]byte, 12))
				c.Write([]byte{1, 1})
				io.ReadFull(c, make([]byte, 1))
				c.Write([]byte{0, 0, 0, 0})
				io.Copy(io.Discard, c)
			}()
		}
	}()
	defer func(k time.Duration) { vncproxy.KeepAlive = k }(vncproxy.KeepAlive)
	vncproxy.KeepAlive = time.Second
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	srv, errc, logs := proxy(t, ctx, vncproxy.Target{Addr: ln.Addr().String()})
	handshake := func(c net.Conn) {
		readFull(t, c, 12)
		c.Write([]byte("RFB 003.008\n"))
		readFull(t, c, 2)
		c.Write([]byte{1})
		readFull(t, c, 4)
	}

	// A browser whose reader runs answers the pings: still open after
	// three of them.
	c := dial(t, srv)
	handshake(c)
	go io.Copy(io.Discard, c)
	select {
	case err := <-errc:
		t.Fatalf("a console answering the pings ended: %v\n%s", err, logs.String())
	case <-time.After(3*vncproxy.KeepAlive + 500*time.Millisecond):
	}
	c.Close()
	<-errc

	// A browser that stopped reading never answers: the console ends.
	c = dial(t, srv)
	handshake(c)
	select {
	case <-errc:
	case <-time.After(30 * time.Second):
		t.Fatal("a console whose browser stopped answering is still open after 30 s")
	}
	if n := strings.Count(logs.String(), "console disconnected"); n != 2 {
		t.Errorf("%d disconnections logged, want 2:\n%s", n, logs.String())
	}
}
