package vncproxy

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/coder/websocket"
)

// Target is the VNC console a browser is joined to: the server's address
// (host:port) and its password (never sent to the browser).
type Target struct {
	Addr     string
	Password string
}

// refusal is the reason a browser is told when the VNC server cannot be
// reached or refuses the password (the details go to the log only).
const refusal = "the console could not be opened"

// Serve upgrades the request to a WebSocket (same origin only, as
// websocket.Accept checks; binary messages; the "binary" subprotocol when
// the client asks for it), connects to t and authenticates there (Dial),
// then greets the browser as a VNC server without authentication (Greet)
// and relays both ways until either side closes or ctx ends (a server
// shutting down). The caller has checked the browser's right to the
// console. Connects and disconnects are logged with attrs (the customer
// and instance ids); the password never is. Serve returns when the
// console is closed; the error says why it could not be opened (nil once
// it was).
func Serve(ctx context.Context, w http.ResponseWriter, r *http.Request, t Target, log *slog.Logger, attrs ...any) error {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	// The server's read and write timeouts are set on the connection and
	// stay after the hijack: a console lives longer.
	rc := http.NewResponseController(w)
	if err := rc.SetReadDeadline(time.Time{}); err != nil && !errors.Is(err, http.ErrNotSupported) {
		return err
	}
	if err := rc.SetWriteDeadline(time.Time{}); err != nil && !errors.Is(err, http.ErrNotSupported) {
		return err
	}
	ws, err := websocket.Accept(w, r, &websocket.AcceptOptions{Subprotocols: []string{"binary"},
		CompressionMode: websocket.CompressionDisabled})
	if err != nil {
		// Accept has answered (403 for another origin).
		log.Warn("console: websocket refused", with(attrs, "err", err.Error())...)
		return err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	browser := websocket.NetConn(ctx, ws, websocket.MessageBinary)
	defer browser.Close()

	start := time.Now()
	hctx, hcancel := context.WithTimeout(ctx, HandshakeTimeout)
	vnc, err := Dial(hctx, t.Addr, t.Password)
	hcancel()
	if err != nil {
		log.Warn("console: cannot open the VNC console", with(attrs, "err", err.Error())...)
		browser.SetDeadline(time.Now().Add(HandshakeTimeout))
		Refuse(browser, refusal)
		return err
	}
	defer vnc.Close()
	browser.SetDeadline(time.Now().Add(HandshakeTimeout))
	if err := Greet(browser); err != nil {
		log.Warn("console: browser handshake", with(attrs, "err", err.Error())...)
		return err
	}
	browser.SetDeadline(time.Time{})
	log.Info("console connected", attrs...)
	go keepAlive(ctx, cancel, ws)
	up, down := Relay(browser, vnc)
	log.Info("console disconnected", with(attrs, "bytes_from_browser", up, "bytes_to_browser", down,
		"seconds", int64(time.Since(start).Seconds()))...)
	return nil
}

// KeepAlive is how often an open console pings the browser: an idle
// console (a screen that does not change sends nothing) then still has
// traffic for the proxies between, and a browser gone without closing is
// noticed (no pong within KeepAlive ends the console).
var KeepAlive = 30 * time.Second

// keepAlive pings ws every KeepAlive until ctx ends; a ping without a
// pong in time cancels the console. The pong is read by the relay's
// reader (websocket.NetConn), so it needs nothing else.
func keepAlive(ctx context.Context, cancel context.CancelFunc, ws *websocket.Conn) {
	tick := time.NewTicker(KeepAlive)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			pctx, pcancel := context.WithTimeout(ctx, KeepAlive)
			err := ws.Ping(pctx)
			pcancel()
			if err != nil {
				cancel()
				return
			}
		}
	}
}

// with returns attrs followed by kv (a new slice: attrs is the caller's).
func with(attrs []any, kv ...any) []any {
	return append(append(make([]any, 0, len(attrs)+len(kv)), attrs...), kv...)
}
