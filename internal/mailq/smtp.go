package mailq

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"html/template"
	"net"
	"strings"
	"time"

	mail "github.com/wneessen/go-mail"

	"github.com/artnet-panel/artnet-panel/internal/store"
)

// SMTPConfig says how e-mails leave: the submission server and its TLS
// and authentication.
type SMTPConfig struct {
	Host string
	Port int // 0: 587 for starttls and none, 465 for tls
	// TLS is "starttls" (STARTTLS required; the default), "tls" (implicit
	// TLS, SMTPS) or "none" (plain text; for a relay on localhost).
	TLS string
	// Username and Password, when Username is set, authenticate (SMTP
	// AUTH, the best mechanism both sides have; never over an unencrypted
	// connection unless TLS is "none").
	Username, Password string
	From               string // the envelope and header sender
	HELO               string // "": go-mail's default (the host name)
	// TLSConfig overrides the TLS settings (tests trust their own CA).
	TLSConfig *tls.Config
	Timeout   time.Duration // per connection; 0: 30s
}

// Message is one e-mail as delivered: Text is the plain-text part (always
// present), HTML the alternative part.
type Message struct {
	MessageID string
	To        string
	Subject   string
	Text      string
	HTML      string
}

// Sender delivers a message. Errors are temporary (the job is retried)
// unless Permanent says otherwise.
type Sender interface {
	Send(ctx context.Context, m Message) error
}

// SMTP is a Sender over SMTP (github.com/wneessen/go-mail).
type SMTP struct{ cfg SMTPConfig }

// NewSMTP checks cfg and returns its sender.
func NewSMTP(cfg SMTPConfig) (*SMTP, error) {
	if cfg.Host == "" || cfg.From == "" {
		return nil, errors.New("mail: the SMTP host and the sender address are required")
	}
	switch cfg.TLS {
	case "":
		cfg.TLS = "starttls"
	case "starttls", "tls", "none":
	default:
		return nil, fmt.Errorf("mail: TLS mode %q: want starttls, tls or none", cfg.TLS)
	}
	if cfg.Port == 0 {
		cfg.Port = 587
		if cfg.TLS == "tls" {
			cfg.Port = 465
		}
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 30 * time.Second
	}
	m := mail.NewMsg()
	if err := m.From(cfg.From); err != nil {
		return nil, fmt.Errorf("mail: sender %q: %w", cfg.From, err)
	}
	return &SMTP{cfg: cfg}, nil
}

func (s *SMTP) client() (*mail.Client, error) {
	c := s.cfg
	opts := []mail.Option{mail.WithPort(c.Port), mail.WithTimeout(c.Timeout)}
	switch c.TLS {
	case "starttls":
		opts = append(opts, mail.WithTLSPolicy(mail.TLSMandatory))
	case "tls":
		opts = append(opts, mail.WithSSL())
	case "none":
		opts = append(opts, mail.WithTLSPolicy(mail.NoTLS))
	}
	if c.TLSConfig != nil {
		opts = append(opts, mail.WithTLSConfig(c.TLSConfig))
	}
	if c.HELO != "" {
		opts = append(opts, mail.WithHELO(c.HELO))
	}
	if c.Username != "" {
		auth := mail.SMTPAuthAutoDiscover
		if c.TLS == "none" {
			auth = mail.SMTPAuthPlainNoEnc
		}
		opts = append(opts, mail.WithSMTPAuth(auth), mail.WithUsername(c.Username), mail.WithPassword(c.Password))
	}
	return mail.NewClient(c.Host, opts...)
}

// Send implements Sender.
func (s *SMTP) Send(ctx context.Context, msg Message) error {
	m := mail.NewMsg()
	if err := m.From(s.cfg.From); err != nil {
		return permanent(err)
	}
	if err := m.To(msg.To); err != nil {
		return permanent(fmt.Errorf("recipient %q: %w", msg.To, err))
	}
	m.Subject(msg.Subject)
	m.SetMessageIDWithValue(msg.MessageID)
	m.SetDate()
	m.SetBodyString(mail.TypeTextPlain, msg.Text)
	if msg.HTML != "" {
		m.AddAlternativeString(mail.TypeTextHTML, msg.HTML)
	}
	c, err := s.client()
	if err != nil {
		return permanent(err)
	}
	if err := c.DialAndSendWithContext(ctx, m); err != nil {
		var se *mail.SendError
		if errors.As(err, &se) && !se.IsTemp() && !isNetError(err) {
			return permanent(err)
		}
		return err
	}
	return nil
}

func isNetError(err error) bool {
	var ne net.Error
	return errors.As(err, &ne)
}

// permanentError marks an error retrying cannot fix (a 5xx answer, a bad
// address).
type permanentError struct{ error }

func (e permanentError) Unwrap() error { return e.error }

func permanent(err error) error { return permanentError{err} }

// Permanent reports whether err is a permanent delivery failure.
func Permanent(err error) bool {
	var p permanentError
	return errors.As(err, &p)
}

// The HTML part, in the customer's language; the plain-text part is the
// e-mail as recorded (what /customer/emails-list shows).
var htmlTemplate = template.Must(template.New("mail").Parse(`<!DOCTYPE html>
<html lang="{{.Lang}}"><head><meta charset="utf-8"><title>{{.Subject}}</title></head>
<body style="font-family: sans-serif; color: #222">
<p style="color: #666">{{.Header}}</p>
<div style="white-space: pre-wrap">{{.Body}}</div>
<hr><p style="color: #666; font-size: small">{{.Footer}}</p>
</body></html>
`))

var templateTexts = map[string]struct{ header, footer string }{
	"pl": {"Wiadomość z Panelu Klienta Artnet", "Ta wiadomość została wysłana automatycznie, prosimy na nią nie odpowiadać."},
	"en": {"A message from the Artnet Customers Panel", "This message was sent automatically; please do not reply to it."},
}

// Render builds the message of an outbox e-mail in lang ("pl" or "en";
// anything else is English). The Message-ID is derived from the e-mail's
// id, so a receiver can tell a repeated delivery.
func Render(e store.OutboxEmail, lang, from string) (Message, error) {
	t, ok := templateTexts[lang]
	if !ok {
		lang, t = "en", templateTexts["en"]
	}
	domain := "artnet-panel.invalid"
	if i := strings.LastIndexByte(from, '@'); i >= 0 {
		domain = strings.Trim(from[i+1:], "> ")
	}
	var html bytes.Buffer
	if err := htmlTemplate.Execute(&html, map[string]string{"Lang": lang, "Subject": e.Subject, "Header": t.header,
		"Body": e.Body, "Footer": t.footer}); err != nil {
		return Message{}, err
	}
	return Message{MessageID: fmt.Sprintf("email-%d@%s", e.ID, domain), To: e.Address, Subject: e.Subject,
		Text: e.Body + "\n\n" + t.footer + "\n", HTML: html.String()}, nil
}
