package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"time"

	"github.com/artnet-panel/artnet-panel/artnet"
	"github.com/artnet-panel/artnet-panel/internal/apperr"
	"github.com/artnet-panel/artnet-panel/internal/panel"
	"github.com/artnet-panel/artnet-panel/internal/vncproxy"
)

// The console of a cloud instance: GET /cloud/{id}/console is a page
// with noVNC (static/novnc, started by static/console.js: the one page
// that needs JavaScript, which says so without it), and GET
// /cloud/{id}/console/ws its WebSocket: the VNC proxy (internal/vncproxy).
// The proxy authenticates to the machine's VNC server with the console
// password itself; the browser gets a console without authentication and
// never the password. Both answer 404 for an instance that is not the
// signed-in customer's, exactly as for a missing one, before any
// WebSocket upgrade or VNC connection. Only a node whose hypervisor runs
// the machines (--hypervisor qemu) reaches the consoles; elsewhere the
// page says the console is not available on this node.

var consoleTexts = texts{
	"console.title":        {"Konsola", "Console"},
	"console.back":         {"Wróć do instancji", "Back to the instance"},
	"console.screen":       {"Ekran instancji %s", "Screen of the instance %s"},
	"console.cad":          {"Wyślij Ctrl+Alt+Del", "Send Ctrl+Alt+Del"},
	"console.status":       {"Stan połączenia", "Connection"},
	"console.connecting":   {"Łączenie z konsolą…", "Connecting to the console…"},
	"console.connected":    {"Połączono. Kliknij ekran, aby pisać na klawiaturze instancji.", "Connected. Click the screen to type on the instance's keyboard."},
	"console.disconnected": {"Rozłączono.", "Disconnected."},
	"console.failed":       {"Połączenie z konsolą zostało przerwane.", "The connection to the console was lost."},
	"console.refused":      {"Nie udało się otworzyć konsoli instancji. Spróbuj ponownie za chwilę.", "The instance's console could not be opened. Try again in a moment."},
	"console.reconnect":    {"Połącz ponownie", "Connect again"},
	"console.nojs": {"Konsola działa w przeglądarce i wymaga JavaScriptu. Włącz JavaScript dla tej strony, aby zobaczyć ekran instancji.",
		"The console runs in the browser and needs JavaScript. Turn JavaScript on for this site to see the instance's screen."},
	"console.unavailable": {"Konsola nie jest dostępna na tym serwerze panelu: ten węzeł nie uruchamia maszyn instancji.",
		"The console is not available on this panel server: this node does not run the instances' machines."},
	"console.stopped": {"Instancja nie jest uruchomiona. Włącz ją, aby skorzystać z konsoli.",
		"The instance is not running. Power it on to use the console."},
	"console.hint": {"Klawiatura i mysz trafiają do instancji, gdy ekran jest aktywny. Hasło konsoli nie jest potrzebne: panel łączy się z konsolą za Ciebie.",
		"The keyboard and mouse go to the instance while the screen has the focus. No console password is needed: the panel connects to the console for you."},
}

func init() {
	register(consoleTexts)
	handle("GET /cloud/{id}/console", consolePage)
	handle("GET /cloud/{id}/console/ws", consoleSocket)
}

// consoleView is the console page's data.
type consoleView struct {
	ID   int64
	Name string // the instance's custom name, else its name
	// Here: this node reaches the consoles; Running: the machine runs
	// (or its state could not be read: the console is tried).
	Here    bool
	Running bool
}

// consoleInstance returns the signed-in customer's instance {id} through
// cloud-instance/details; ok is false when the answer was written (404
// for an instance that is not the customer's, as for a missing one).
func consoleInstance(q *Req) (artnet.CloudInstanceDetails, bool) {
	id, err := strconv.ParseInt(q.R.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		q.NotFound()
		return artnet.CloudInstanceDetails{}, false
	}
	resp, err := q.Invoke("cloud-instance/details", url.Values{"instance_id": {strconv.FormatInt(id, 10)}})
	if err != nil {
		if NotFoundCode(err) || apperr.Is(err, apperr.CodeAuthorizationFailed) {
			q.NotFound()
		} else {
			q.Render(http.StatusInternalServerError, "console.html", &View{Title: "console.title", Nav: "cloud", Err: q.Error(err)})
		}
		return artnet.CloudInstanceDetails{}, false
	}
	switch r := resp.(type) {
	case artnet.CloudInstanceDetailsResponse:
		return r.InstanceDetails, true
	case *artnet.CloudInstanceDetailsResponse:
		return r.InstanceDetails, true
	}
	q.Render(http.StatusInternalServerError, "console.html", &View{Title: "console.title", Nav: "cloud", Err: q.Error(apperr.New(apperr.CodeInternal))})
	return artnet.CloudInstanceDetails{}, false
}

// consolePage shows the console (a full page load: an htmx navigation is
// sent to load it whole, since its module script must run).
func consolePage(q *Req) {
	if q.R.Header.Get("HX-Request") == "true" {
		q.W.Header().Set("HX-Redirect", q.R.URL.Path)
		q.W.WriteHeader(http.StatusOK)
		return
	}
	d, ok := consoleInstance(q)
	if !ok {
		return
	}
	v := consoleView{ID: d.ID, Name: d.CustomName, Here: q.S.API.Panel.CloudConsoleHere(),
		Running: d.State == "running" || d.State == "unknown"}
	if v.Name == "" {
		v.Name = d.Name
	}
	q.Render(http.StatusOK, "console.html", &View{Title: "console.title", Nav: "cloud", Data: v})
}

// consoleSocket is the console's WebSocket: after the ownership check
// (404, no upgrade, no VNC connection for another customer's instance)
// it runs the VNC proxy until either side closes or the server shuts
// down.
func consoleSocket(q *Req) {
	d, ok := consoleInstance(q)
	if !ok {
		return
	}
	ctx := q.R.Context()
	target, err := q.S.API.Panel.CloudConsole(ctx, q.CustomerID, d.ID)
	switch {
	case errors.Is(err, panel.ErrNoConsoleHere):
		http.Error(q.W, q.T("console.unavailable"), http.StatusServiceUnavailable)
		return
	case NotFoundCode(err) || apperr.Is(err, apperr.CodeAuthorizationFailed):
		q.NotFound()
		return
	case err != nil:
		q.Error(err) // logged
		http.Error(q.W, q.T("console.refused"), http.StatusInternalServerError)
		return
	}
	cs := q.S.consoles()
	if !cs.add() {
		http.Error(q.W, q.T("console.refused"), http.StatusServiceUnavailable)
		return
	}
	defer cs.wg.Done()
	ctx, stop := context.WithCancel(cs.ctx)
	defer stop()
	go q.S.watchConsoleSession(ctx, stop, q)
	vncproxy.Serve(ctx, q.W, q.R, vncproxy.Target{Addr: target.Addr, Password: target.Password}, q.S.Logger,
		"customer_id", q.CustomerID, "instance_id", d.ID, "machine", target.Machine, "request_id", q.RequestID, "client", q.Remote)
}

// ConsoleSessionCheck is how often an open console checks the session
// that opened it.
var ConsoleSessionCheck = 10 * time.Second

// watchConsoleSession keeps the session of an open console alive (a
// person at the console is using the panel) and ends the console (stop)
// once the session is gone: signed out, revoked on any node, or past its
// absolute end. It returns when ctx ends.
func (s *Server) watchConsoleSession(ctx context.Context, stop context.CancelFunc, q *Req) {
	tick := time.NewTicker(ConsoleSessionCheck)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		sess, err := s.session(q.R)
		if errors.Is(err, errNoSession) || err == nil && sess.ID != q.Session.ID {
			s.Logger.Info("console: the session ended; closing the console", "customer_id", q.CustomerID, "request_id", q.RequestID)
			stop()
			return
		}
		if err == nil {
			s.Store.WebSessionTouch(ctx, sess.CustomerID, sess.ID, s.now().UnixMilli())
		}
	}
}

// consoleSet is a server's open consoles: CloseConsoles ends them.
type consoleSet struct {
	ctx    context.Context
	cancel context.CancelFunc
	mu     sync.Mutex
	closed bool
	wg     sync.WaitGroup
}

// add counts a console that opens; false once the server shuts down.
func (c *consoleSet) add() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return false
	}
	c.wg.Add(1)
	return true
}

// consoleSets holds each Server's consoleSet (kept out of the Server
// struct, which every page file shares).
var consoleSets sync.Map // *Server → *consoleSet

func (s *Server) consoles() *consoleSet {
	if c, ok := consoleSets.Load(s); ok {
		return c.(*consoleSet)
	}
	ctx, cancel := context.WithCancel(context.Background())
	c, loaded := consoleSets.LoadOrStore(s, &consoleSet{ctx: ctx, cancel: cancel})
	if loaded {
		cancel()
	}
	return c.(*consoleSet)
}

// CloseConsoles ends every open console and refuses new ones, and waits
// until their proxies have returned. A console's WebSocket is a hijacked
// connection, which http.Server.Shutdown neither tracks nor closes:
// artnetd calls this from RegisterOnShutdown.
func (s *Server) CloseConsoles() {
	c := s.consoles()
	c.mu.Lock()
	c.closed = true
	c.mu.Unlock()
	c.cancel()
	c.wg.Wait()
}
