package main

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/mail"
	"net/url"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/artnet-panel/artnet-panel/internal/mailq"
	"github.com/artnet-panel/artnet-panel/internal/store"
)

// sink is an in-process SMTP server (emersion/go-smtp, no TLS, no AUTH)
// that takes delay per recipient and records each message's Message-ID
// when it accepts the data.
type sink struct {
	port  int
	delay time.Duration
	mu    sync.Mutex
	ids   []string
	to    []string
}

func startSink(t *testing.T, delay time.Duration) *sink {
	t.Helper()
	s := &sink{delay: delay}
	srv := smtp.NewServer(s)
	srv.Domain = "localhost"
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.port = ln.Addr().(*net.TCPAddr).Port
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return s
}

func (s *sink) NewSession(*smtp.Conn) (smtp.Session, error) { return &sinkSession{s: s}, nil }

func (s *sink) got() (ids, to []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.ids...), append([]string(nil), s.to...)
}

type sinkSession struct {
	s  *sink
	to string
}

func (ss *sinkSession) Mail(string, *smtp.MailOptions) error { return nil }
func (ss *sinkSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	time.Sleep(ss.s.delay) // a kill now loses nothing: the message is not taken yet
	ss.to = to
	return nil
}
func (ss *sinkSession) Data(r io.Reader) error {
	m, err := mail.ReadMessage(r)
	if err != nil {
		return err
	}
	io.Copy(io.Discard, m.Body)
	ss.s.mu.Lock()
	ss.s.ids = append(ss.s.ids, m.Header.Get("Message-Id"))
	ss.s.to = append(ss.s.to, ss.to)
	ss.s.mu.Unlock()
	return nil
}
func (ss *sinkSession) Reset()        {}
func (ss *sinkSession) Logout() error { return nil }

// TestServeDeliversMail runs Main with SMTP delivery: a key regeneration's
// e-mail reaches the SMTP server, and admin mail list shows it sent.
func TestServeDeliversMail(t *testing.T) {
	srv := startSink(t, 0)
	dsn := sqliteDSN(t)
	m := &Main{DB: dsn, HTTPAddr: "127.0.0.1:0", Demo: true, Firewall: FirewallConfig{Driver: "none"}, Follow: -1}
	m.Mail = MailConfig{SMTP: mailq.SMTPConfig{Host: "127.0.0.1", Port: srv.port, TLS: "none", From: "panel@artnet.test"},
		MaxAttempts: 3, RetryBase: 100 * time.Millisecond, Poll: 50 * time.Millisecond}
	if err := m.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	key := strings.Repeat("K", 40)
	if err := m.store.CustomerSetAPIKey(context.Background(), 19052, hashKey(key)); err != nil {
		t.Fatal(err)
	}
	resp, err := http.PostForm("http://"+m.Addr()+"/api/customer/change-language", url.Values{"id": {"19052"}, "api_key": {key}, "language": {"pl"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	deadline := time.Now().Add(30 * time.Second)
	for {
		if ids, to := srv.got(); len(ids) == 1 {
			if to[0] != "it@acme.test" {
				t.Fatalf("sent to %v", to)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no e-mail arrived")
		}
		time.Sleep(20 * time.Millisecond)
	}
	var list []struct {
		Status   string `json:"status"`
		Subject  string `json:"subject"`
		Attempts int    `json:"attempts"`
	}
	for time.Now().Before(deadline) {
		if err := json.Unmarshal([]byte(runOK(t, "admin", "mail", "list", "--db", dsn, "--status", "sent")), &list); err != nil {
			t.Fatal(err)
		}
		if len(list) == 1 {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if len(list) != 1 || list[0].Subject != "Zmiana języka konta" || list[0].Attempts != 1 {
		t.Fatalf("admin mail list: %+v", list)
	}
	// The demo's e-mail was recorded before delivery started; the
	// operator sends it with admin mail retry.
	if err := json.Unmarshal([]byte(runOK(t, "admin", "mail", "list", "--db", dsn, "--status", "recorded")), &list); err != nil || len(list) != 1 {
		t.Fatalf("recorded: %+v %v", list, err)
	}
	if out := runOK(t, "admin", "mail", "retry", "--db", dsn, "1"); out != "e-mail 1 queued again\n" {
		t.Fatalf("retry: %q", out)
	}
	for {
		if ids, _ := srv.got(); len(ids) == 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the requeued e-mail did not arrive")
		}
		time.Sleep(20 * time.Millisecond)
	}
	var errb strings.Builder
	if err := run(context.Background(), []string{"admin", "mail", "retry", "--db", dsn, "1"}, io.Discard, &errb); err == nil {
		t.Fatal("retry of a sent e-mail succeeded")
	}
}

// TestMailKill9 builds artnetd, makes a burst of e-mails, kills the server
// with SIGKILL while it is sending them and starts it again: every e-mail
// arrives. One the SMTP server accepted in the instant before the kill,
// before the outbox row was marked, may arrive twice; its copies carry the
// same Message-ID, and there are never more of them than jobs were
// running.
func TestMailKill9(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the artnetd binary")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	dir := t.TempDir()
	bin := artnetdBinary(t)
	srv := startSink(t, 40*time.Millisecond)
	dsn := "sqlite:" + filepath.Join(dir, "artnet.db")
	httpAddr := freeAddr(t)
	start := func(demo bool) *exec.Cmd {
		args := []string{"serve", "--db", dsn, "--http", httpAddr, "--smtp-host", "127.0.0.1", "--smtp-port", strconv.Itoa(srv.port),
			"--smtp-tls", "none", "--mail-from", "panel@artnet.test", "--queue-poll", "100ms", "--mail-retry-base", "100ms",
			"--queue-rescue-after", "3s"}
		if demo {
			args = append(args, "--demo")
		}
		return startArtnetd(t, bin, nil, httpAddr, args...)
	}
	proc := start(true)
	defer func() { proc.Process.Kill(); proc.Wait() }()
	key := strings.Repeat("K", 40)
	st := mustStore(t, ctx, dsn)
	if err := st.CustomerSetAPIKey(ctx, 19052, hashKey(key)); err != nil {
		t.Fatal(err)
	}
	const burst = 40
	for i := range burst {
		lang := []string{"pl", "en"}[i%2]
		resp, err := http.PostForm("http://"+httpAddr+"/api/customer/change-language", url.Values{"id": {"19052"}, "api_key": {key}, "language": {lang}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	for {
		if ids, _ := srv.got(); len(ids) >= 8 {
			break
		}
		if ctx.Err() != nil {
			t.Fatal("the burst did not start")
		}
		time.Sleep(5 * time.Millisecond)
	}
	proc.Process.Signal(syscall.SIGKILL)
	proc.Wait()
	atKill, _ := srv.got()
	proc = start(false)
	var sent []store.OutboxEmail
	var err error
	for {
		sent, err = st.MailList(ctx, store.MailSent, 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(sent) == burst {
			break
		}
		if ctx.Err() != nil {
			t.Fatalf("%d of %d e-mails sent", len(sent), burst)
		}
		time.Sleep(50 * time.Millisecond)
	}
	ids, _ := srv.got()
	seen := map[string]int{}
	for _, id := range ids {
		seen[id]++
	}
	dups := 0
	for _, e := range sent {
		n := seen["<email-"+strconv.FormatInt(e.ID, 10)+"@artnet.test>"]
		if n == 0 {
			t.Errorf("e-mail %d is marked sent but never arrived", e.ID)
		}
		dups += n - 1
	}
	if len(seen) != burst {
		t.Errorf("%d distinct messages arrived, want %d", len(seen), burst)
	}
	if dups > 4 { // at most the jobs running at the kill (--queue workers: 4)
		t.Errorf("%d duplicate deliveries", dups)
	}
	t.Logf("killed after %d of %d messages; after the restart all %d arrived, %d of them twice", len(atKill), burst, len(seen), dups)
}
