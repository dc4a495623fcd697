package mailq_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"io"
	"math/big"
	"net"
	"net/mail"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/artnet-panel/artnet-panel/internal/mailq"
	"github.com/artnet-panel/artnet-panel/internal/panel"
	"github.com/artnet-panel/artnet-panel/internal/store"
	"github.com/artnet-panel/artnet-panel/internal/store/postgres"
	"github.com/artnet-panel/artnet-panel/internal/store/postgres/pgtest"
	"github.com/artnet-panel/artnet-panel/internal/store/sqldb"
	"github.com/artnet-panel/artnet-panel/internal/store/sqlite"
)

// smtpServer is an in-process SMTP server (emersion/go-smtp) on
// 127.0.0.1 with STARTTLS and AUTH PLAIN. It answers 451 to the first
// refuse MAIL commands, 550 to recipients in reject, and records what it
// accepts.
type smtpServer struct {
	addr   string
	tls    *tls.Config // what a client trusts
	mu     sync.Mutex
	refuse int
	reject map[string]bool
	tries  int
	got    []received
}

type received struct {
	from string
	to   []string
	data string
}

const smtpUser, smtpPass = "panel", "s3cret"

func startSMTP(t *testing.T, refuse int) *smtpServer {
	t.Helper()
	cert, pool := selfSigned(t)
	s := &smtpServer{refuse: refuse, reject: map[string]bool{}, tls: &tls.Config{RootCAs: pool, ServerName: "localhost"}}
	srv := smtp.NewServer(s)
	srv.Domain = "localhost"
	srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}}
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.addr = ln.Addr().String()
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return s
}

func (s *smtpServer) NewSession(c *smtp.Conn) (smtp.Session, error) {
	return &session{s: s}, nil
}

func (s *smtpServer) messages() []received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]received(nil), s.got...)
}

type session struct {
	s      *smtpServer
	authed bool
	cur    received
}

func (ss *session) AuthMechanisms() []string { return []string{sasl.Plain} }

func (ss *session) Auth(mech string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(identity, user, pass string) error {
		if user != smtpUser || pass != smtpPass {
			return errors.New("bad credentials")
		}
		ss.authed = true
		return nil
	}), nil
}

func (ss *session) Mail(from string, _ *smtp.MailOptions) error {
	if !ss.authed {
		return &smtp.SMTPError{Code: 530, EnhancedCode: smtp.EnhancedCode{5, 7, 0}, Message: "authentication required"}
	}
	ss.s.mu.Lock()
	defer ss.s.mu.Unlock()
	ss.s.tries++
	if ss.s.refuse > 0 {
		ss.s.refuse--
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try again later"}
	}
	ss.cur = received{from: from}
	return nil
}

func (ss *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	ss.s.mu.Lock()
	defer ss.s.mu.Unlock()
	if ss.s.reject[to] {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such user"}
	}
	ss.cur.to = append(ss.cur.to, to)
	return nil
}

func (ss *session) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	ss.cur.data = string(b)
	ss.s.mu.Lock()
	ss.s.got = append(ss.s.got, ss.cur)
	ss.s.mu.Unlock()
	return nil
}

func (ss *session) Reset()        { ss.cur = received{} }
func (ss *session) Logout() error { return nil }

// selfSigned makes a certificate for localhost and 127.0.0.1 and a pool
// trusting it.
func selfSigned(t *testing.T) (tls.Certificate, *x509.CertPool) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "localhost"},
		DNSNames: []string{"localhost"}, IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(c)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, pool
}

type backend struct {
	name  string
	st    store.Store
	start func(t *testing.T, cfg mailq.Config) *mailq.Queue
}

// backends runs fn on SQLite and PostgreSQL, each with its queue.
func backends(t *testing.T, fn func(t *testing.T, b backend)) {
	t.Run("sqlite", func(t *testing.T) {
		db, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "mail.db"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		fn(t, backend{"sqlite", db, func(t *testing.T, cfg mailq.Config) *mailq.Queue {
			q, err := mailq.StartSQLite(t.Context(), db.WriteDB(), db, cfg)
			if err != nil {
				t.Fatal(err)
			}
			db.SetMailEnqueuer(q.Enqueuer())
			t.Cleanup(func() { stopQueue(t, q, db.DB) })
			return q
		}})
	})
	t.Run("postgres", func(t *testing.T) {
		dsn := pgtest.NewSchema(t)
		db, err := postgres.Open(t.Context(), dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		fn(t, backend{"postgres", db, func(t *testing.T, cfg mailq.Config) *mailq.Queue {
			q, err := mailq.StartPostgres(t.Context(), dsn, db.WriteDB(), db, cfg)
			if err != nil {
				t.Fatal(err)
			}
			db.SetMailEnqueuer(q.Enqueuer())
			t.Cleanup(func() { stopQueue(t, q, db.DB) })
			return q
		}})
	})
}

func stopQueue(t *testing.T, q *mailq.Queue, db *sqldb.DB) {
	db.SetMailEnqueuer(nil)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := q.Stop(ctx); err != nil {
		t.Errorf("stop: %v", err)
	}
}

func sender(t *testing.T, s *smtpServer) mailq.Sender {
	host, port, _ := net.SplitHostPort(s.addr)
	var p int
	for _, c := range port {
		p = p*10 + int(c-'0')
	}
	snd, err := mailq.NewSMTP(mailq.SMTPConfig{Host: host, Port: p, TLS: "starttls", Username: smtpUser, Password: smtpPass,
		From: "Artnet <panel@artnet.test>", TLSConfig: s.tls, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return snd
}

// waitMail waits (up to 60 s) until the e-mail id has status want.
func waitMail(t *testing.T, st store.Store, id int64, want string) store.OutboxEmail {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		e, err := st.MailGet(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		if e.Status == want {
			return e
		}
		if time.Now().After(deadline) {
			t.Fatalf("e-mail %d: status %q (attempts %d, %q), want %q", id, e.Status, e.Attempts, e.LastError, want)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func newCustomer(t *testing.T, st store.Store, name, email, lang string) int64 {
	c := store.Customer{Name: name, Email: email, Language: lang, Currency: "PLN", NIP: "5261040828", Reseller: true}
	if err := st.CustomerCreate(t.Context(), &c); err != nil {
		t.Fatal(err)
	}
	return c.ID
}

// TestDeliveryWithRetries: the server refuses the first two attempts with
// 451; the order's e-mail arrives once, to the customer, in Polish, with
// a plain-text part, and emails-list shows it. An English customer's
// e-mail comes in English.
func TestDeliveryWithRetries(t *testing.T) {
	backends(t, func(t *testing.T, b backend) {
		ctx := t.Context()
		srv := startSMTP(t, 2)
		b.start(t, mailq.Config{Sender: sender(t, srv), From: "panel@artnet.test", RetryBase: 10 * time.Millisecond, Poll: 50 * time.Millisecond})
		p := &panel.Panel{Store: b.st}
		pl := newCustomer(t, b.st, "Zażółć sp. z o.o.", "biuro@zazolc.test", "pl")
		en := newCustomer(t, b.st, "English Ltd", "office@english.test", "en")
		if err := b.st.ExpressServerPut(ctx, store.ExpressServer{ID: 1, Hardware: []byte(`{"server":{"vendor":"Dell","model":"R640"}}`),
			RegularPrice: 10000, ResellerPrice: 9000, Currency: "PLN", PaymentPeriod: 1}); err != nil {
			t.Fatal(err)
		}
		order, err := p.ExpressOrder(ctx, pl, 1)
		if err != nil {
			t.Fatal(err)
		}
		list, err := p.EmailsList(ctx, pl, 0, 0)
		if err != nil || len(list) != 1 {
			t.Fatalf("emails-list %+v %v", list, err)
		}
		e := waitMail(t, b.st, list[0].ID, store.MailSent)
		if e.Attempts != 3 || e.SentAt == 0 || e.LastError != "" {
			t.Fatalf("outbox row %+v", e)
		}
		if err := p.ChangeLanguage(ctx, en, "en"); err != nil {
			t.Fatal(err)
		}
		enList, _ := p.EmailsList(ctx, en, 0, 0)
		if len(enList) != 1 {
			t.Fatalf("english e-mails %+v", enList)
		}
		waitMail(t, b.st, enList[0].ID, store.MailSent)

		got := srv.messages()
		if len(got) != 2 {
			t.Fatalf("the server accepted %d messages, want 2", len(got))
		}
		m := parse(t, got[0])
		if got[0].from != "panel@artnet.test" || strings.Join(got[0].to, ",") != "biuro@zazolc.test" {
			t.Fatalf("envelope %q %v", got[0].from, got[0].to)
		}
		if m.subject != "Zamówienie serwera dedykowanego" || !strings.Contains(m.text, order.InvoiceNumber) ||
			!strings.Contains(m.text, order.ManagementPanelURL) || !strings.Contains(m.text, "Dzień dobry Zażółć sp. z o.o.") ||
			!strings.Contains(m.html, "Wiadomość z Panelu Klienta Artnet") {
			t.Fatalf("Polish message: %+v", m)
		}
		m2 := parse(t, got[1])
		if strings.Join(got[1].to, ",") != "office@english.test" || m2.subject != "Account language changed" ||
			!strings.Contains(m2.text, "Hello English Ltd") || !strings.Contains(m2.html, "Artnet Customers Panel") {
			t.Fatalf("English message: %+v", m2)
		}
		srv.mu.Lock()
		tries := srv.tries
		srv.mu.Unlock()
		if tries != 4 {
			t.Fatalf("%d MAIL commands, want 4 (2 refused, 2 accepted)", tries)
		}
	})
}

// TestPermanentFailureAndRetry: a 550 recipient fails at once and is
// recorded; after the operator's retry (MailRequeue) it goes out.
func TestPermanentFailureAndRetry(t *testing.T) {
	backends(t, func(t *testing.T, b backend) {
		ctx := t.Context()
		srv := startSMTP(t, 0)
		srv.reject["gone@example.test"] = true
		b.start(t, mailq.Config{Sender: sender(t, srv), From: "panel@artnet.test", RetryBase: 10 * time.Millisecond, Poll: 50 * time.Millisecond, MaxAttempts: 3})
		p := &panel.Panel{Store: b.st}
		c := newCustomer(t, b.st, "Gone", "gone@example.test", "en")
		if err := p.ChangeLanguage(ctx, c, "pl"); err != nil {
			t.Fatal(err)
		}
		list, _ := p.EmailsList(ctx, c, 0, 0)
		e := waitMail(t, b.st, list[0].ID, store.MailFailed)
		if e.Attempts != 1 || !strings.Contains(e.LastError, "550") {
			t.Fatalf("failed row %+v", e)
		}
		failed, err := b.st.MailList(ctx, store.MailFailed, 0)
		if err != nil || len(failed) != 1 || failed[0].ID != e.ID {
			t.Fatalf("failed list %+v %v", failed, err)
		}
		srv.mu.Lock()
		delete(srv.reject, "gone@example.test")
		srv.mu.Unlock()
		if err := b.st.MailRequeue(ctx, e.ID); err != nil {
			t.Fatal(err)
		}
		if err := b.st.MailRequeue(ctx, e.ID); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("requeue of a queued e-mail: %v", err)
		}
		waitMail(t, b.st, e.ID, store.MailSent)
		if n := len(srv.messages()); n != 1 {
			t.Fatalf("%d messages", n)
		}
	})
}

// TestMaxAttempts: a server that always answers 451 makes the e-mail
// fail after MaxAttempts attempts.
func TestMaxAttempts(t *testing.T) {
	backends(t, func(t *testing.T, b backend) {
		ctx := t.Context()
		srv := startSMTP(t, 1000)
		b.start(t, mailq.Config{Sender: sender(t, srv), From: "panel@artnet.test", RetryBase: 10 * time.Millisecond, Poll: 50 * time.Millisecond, MaxAttempts: 2})
		p := &panel.Panel{Store: b.st}
		c := newCustomer(t, b.st, "Later", "later@example.test", "en")
		if err := p.ChangeLanguage(ctx, c, "en"); err != nil {
			t.Fatal(err)
		}
		list, _ := p.EmailsList(ctx, c, 0, 0)
		e := waitMail(t, b.st, list[0].ID, store.MailFailed)
		if e.Attempts != 2 || !strings.Contains(e.LastError, "451") {
			t.Fatalf("row %+v", e)
		}
	})
}

type parsed struct{ subject, text, html string }

// parse reads a message's subject and its text/plain and text/html parts.
func parse(t *testing.T, r received) parsed {
	t.Helper()
	m, err := mail.ReadMessage(strings.NewReader(r.data))
	if err != nil {
		t.Fatal(err)
	}
	dec := new(mimeDecoder)
	subject, err := dec.DecodeHeader(m.Header.Get("Subject"))
	if err != nil {
		t.Fatal(err)
	}
	text, html := parts(t, m)
	if text == "" {
		t.Fatalf("no text/plain part in %s", r.data)
	}
	return parsed{subject: subject, text: text, html: html}
}

// TestReservationExpiryJob: the queue's periodic job clears a lapsed
// reservation (run at start, then every ExpireEvery), without SMTP.
func TestReservationExpiryJob(t *testing.T) {
	backends(t, func(t *testing.T, b backend) {
		ctx := t.Context()
		c := newCustomer(t, b.st, "Reseller", "r@example.test", "en")
		if err := b.st.ExpressServerPut(ctx, store.ExpressServer{ID: 1, Hardware: []byte(`{}`), Currency: "PLN", PaymentPeriod: 1,
			ReservedBy: c, ReservedUntil: time.Now().Add(-time.Minute).Unix()}); err != nil {
			t.Fatal(err)
		}
		p := &panel.Panel{Store: b.st}
		b.start(t, mailq.Config{Expire: p.ExpireReservations, ExpireEvery: 200 * time.Millisecond, Poll: 50 * time.Millisecond})
		deadline := time.Now().Add(60 * time.Second)
		for {
			s, err := b.st.ExpressServerGet(ctx, 1)
			if err != nil {
				t.Fatal(err)
			}
			if s.ReservedBy == 0 {
				return
			}
			if time.Now().After(deadline) {
				t.Fatal("the lapsed reservation was not cleared")
			}
			time.Sleep(50 * time.Millisecond)
		}
	})
}
