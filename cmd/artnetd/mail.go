package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/artnet-panel/artnet-panel/internal/mailq"
	"github.com/artnet-panel/artnet-panel/internal/panel"
	"github.com/artnet-panel/artnet-panel/internal/store"
	"github.com/artnet-panel/artnet-panel/internal/store/sqldb"
)

// MailConfig configures e-mail delivery and the job queue.
type MailConfig struct {
	// SMTP.Host empty: e-mails are recorded, not delivered.
	SMTP mailq.SMTPConfig
	// Queue runs the job queue (reservation expiry) without SMTP too.
	Queue       bool
	MaxAttempts int
	RetryBase   time.Duration
	Poll        time.Duration
	RescueAfter time.Duration
	// ManagementURL and TokenTTL configure express orders' links.
	ManagementURL string
	TokenTTL      time.Duration
}

// mailFlags registers the mail flags on fs; the returned function checks
// them after Parse.
func mailFlags(fs *flag.FlagSet, c *MailConfig) func() error {
	fs.StringVar(&c.SMTP.Host, "smtp-host", env("ARTNETD_SMTP_HOST", ""), "SMTP submission server of outgoing e-mail (empty: e-mails are only recorded)")
	port := fs.String("smtp-port", env("ARTNETD_SMTP_PORT", "0"), "SMTP port (0: 587, or 465 with --smtp-tls tls)")
	fs.StringVar(&c.SMTP.TLS, "smtp-tls", env("ARTNETD_SMTP_TLS", "starttls"), "SMTP encryption: starttls (required), tls (implicit, SMTPS) or none")
	fs.StringVar(&c.SMTP.Username, "smtp-user", env("ARTNETD_SMTP_USER", ""), "SMTP AUTH user (empty: no authentication); the password is read from ARTNETD_SMTP_PASSWORD")
	fs.StringVar(&c.SMTP.From, "mail-from", env("ARTNETD_MAIL_FROM", ""), "sender address of outgoing e-mail (required with --smtp-host)")
	fs.StringVar(&c.SMTP.HELO, "smtp-helo", env("ARTNETD_SMTP_HELO", ""), "host name sent in EHLO (empty: this host's name)")
	attempts := fs.String("mail-max-attempts", env("ARTNETD_MAIL_MAX_ATTEMPTS", "10"), "delivery attempts of an e-mail before it is recorded as failed")
	base := fs.String("mail-retry-base", env("ARTNETD_MAIL_RETRY_BASE", "30s"), "wait before the second delivery attempt, doubled for each next one (at most 1h)")
	poll := fs.String("queue-poll", env("ARTNETD_QUEUE_POLL", "1s"), "how often the job queue looks for jobs (PostgreSQL also wakes it by NOTIFY)")
	rescue := fs.String("queue-rescue-after", env("ARTNETD_QUEUE_RESCUE_AFTER", "3m"), "a job running this long is taken for stuck (its node died) and run again")
	fs.BoolVar(&c.Queue, "queue", envBool("ARTNETD_QUEUE"), "run the job queue (reservation expiry) even without --smtp-host")
	fs.StringVar(&c.ManagementURL, "management-url", env("ARTNETD_MANAGEMENT_URL", panel.DefaultManagementURL), "base URL of the server management panel links of express orders")
	ttl := fs.String("management-token-ttl", env("ARTNETD_MANAGEMENT_TOKEN_TTL", "720h"), "how long the token of a management panel link is valid")
	return func() error {
		c.SMTP.Password = os.Getenv("ARTNETD_SMTP_PASSWORD")
		var err error
		if c.SMTP.Port, err = strconv.Atoi(*port); err != nil || c.SMTP.Port < 0 || c.SMTP.Port > 65535 {
			return fmt.Errorf("--smtp-port %q: want a port number", *port)
		}
		if c.MaxAttempts, err = strconv.Atoi(*attempts); err != nil || c.MaxAttempts < 1 {
			return fmt.Errorf("--mail-max-attempts %q: want a positive number", *attempts)
		}
		if c.RetryBase, err = time.ParseDuration(*base); err != nil || c.RetryBase <= 0 {
			return fmt.Errorf("--mail-retry-base %q: want a positive duration such as 30s", *base)
		}
		if c.Poll, err = time.ParseDuration(*poll); err != nil || c.Poll <= 0 {
			return fmt.Errorf("--queue-poll %q: want a positive duration such as 1s", *poll)
		}
		if c.RescueAfter, err = time.ParseDuration(*rescue); err != nil || c.RescueAfter < 2*time.Second {
			return fmt.Errorf("--queue-rescue-after %q: want a duration of at least 2s such as 3m", *rescue)
		}
		if c.TokenTTL, err = time.ParseDuration(*ttl); err != nil || c.TokenTTL <= 0 {
			return fmt.Errorf("--management-token-ttl %q: want a positive duration such as 720h", *ttl)
		}
		if c.SMTP.Host != "" {
			if _, err := mailq.NewSMTP(c.SMTP); err != nil {
				return fmt.Errorf("--smtp-host/--mail-from/--smtp-tls: %w", err)
			}
		}
		return nil
	}
}

// mailStore is what the queue needs of the store beyond store.Store.
type mailStore interface {
	WriteDB() *sql.DB
	SetMailEnqueuer(sqldb.MailEnqueuer)
}

func isPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// startQueue starts the job queue when e-mails are delivered or --queue is
// given, and from then on queues every new e-mail.
func (m *Main) startQueue(p *panel.Panel) error {
	p.Orders.ManagementURL, p.Orders.TokenTTL = m.Mail.ManagementURL, m.Mail.TokenTTL
	if m.Mail.SMTP.Host == "" && !m.Mail.Queue {
		return nil
	}
	ms, ok := m.store.(mailStore)
	if !ok {
		return fmt.Errorf("the job queue needs the SQLite or PostgreSQL store")
	}
	cfg := mailq.Config{From: m.Mail.SMTP.From, MaxAttempts: m.Mail.MaxAttempts, RetryBase: m.Mail.RetryBase,
		Poll: m.Mail.Poll, RescueAfter: m.Mail.RescueAfter, Expire: p.ExpireReservations, Logger: m.Logger}
	if m.Mail.SMTP.Host != "" {
		snd, err := mailq.NewSMTP(m.Mail.SMTP)
		if err != nil {
			return err
		}
		cfg.Sender = snd
	}
	var err error
	if isPostgres(m.DB) {
		m.queue, err = mailq.StartPostgres(context.Background(), m.DB, ms.WriteDB(), m.store, cfg)
	} else {
		m.queue, err = mailq.StartSQLite(context.Background(), ms.WriteDB(), m.store, cfg)
	}
	if err != nil {
		return fmt.Errorf("job queue: %w", err)
	}
	if enq := m.queue.Enqueuer(); enq != nil {
		ms.SetMailEnqueuer(enq)
	}
	return nil
}

// stopQueue stops queueing e-mails and lets running jobs finish (at most
// 10 seconds).
func (m *Main) stopQueue() {
	if m.queue == nil {
		return
	}
	if ms, ok := m.store.(mailStore); ok {
		ms.SetMailEnqueuer(nil)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := m.queue.Stop(ctx); err != nil {
		m.Logger.Warn("job queue: stop", "err", err)
	}
	m.queue = nil
}

// newMailCommand returns artnetd admin mail list|retry.
func newMailCommand(a *app) *cobra.Command {
	g := groupCommand(a, &cobra.Command{
		Use:   "mail",
		Short: "List the e-mails the panel recorded and queue failed ones again",
	})
	list := &cobra.Command{
		Use:   "list [--db DSN] [--status recorded|queued|sent|failed] [--limit N]",
		Short: "List e-mails, newest first (JSON: id, customer, address, subject, status, attempts, last_error)",
		Args:  cobra.NoArgs,
	}
	retry := &cobra.Command{
		Use:   "retry [--db DSN] [--max-attempts N] ID...",
		Short: "Queue failed (or recorded) e-mails again",
		Long: `Queues the e-mails ID... again for delivery by a node started with
--smtp-host: failed ones, and recorded ones (written before delivery was
configured, or by artnetd admin commands).`,
		Args: cobra.MinimumNArgs(1),
	}
	for _, c := range []*cobra.Command{list, retry} {
		db := dbFlag(c)
		status := c.Flags().String("status", "", "only e-mails of this delivery status")
		limit := c.Flags().Int("limit", 100, "at most this many e-mails, newest first (0: all)")
		attempts := c.Flags().Int("max-attempts", 10, "delivery attempts of the requeued e-mails")
		if c == list {
			_ = c.Flags().MarkHidden("max-attempts")
			completeFixed(c, "status", "recorded", "queued", "sent", "failed")
		} else {
			_ = c.Flags().MarkHidden("status")
			_ = c.Flags().MarkHidden("limit")
		}
		g.AddCommand(leafCommand(a, c, func(c *cobra.Command, args []string) error {
			return adminMail(c.Context(), c.Name(), *db, *status, *limit, *attempts, args, a.stdout)
		}))
	}
	return g
}

// adminMail runs artnetd admin mail list or retry (what).
func adminMail(ctx context.Context, what, db, status string, limit, attempts int, args []string, stdout io.Writer) error {
	st, err := openStore(ctx, db)
	if err != nil {
		return err
	}
	defer st.Close()
	if what == "list" {
		list, err := st.MailList(ctx, status, limit)
		if err != nil {
			return err
		}
		type item struct {
			ID         int64  `json:"id"`
			CustomerID int64  `json:"customer_id"`
			Time       string `json:"time"`
			Address    string `json:"address"`
			Subject    string `json:"subject"`
			Status     string `json:"status"`
			Attempts   int    `json:"attempts"`
			LastError  string `json:"last_error,omitempty"`
			SentAt     string `json:"sent_at,omitempty"`
		}
		out := []item{}
		for _, e := range list {
			it := item{ID: e.ID, CustomerID: e.CustomerID, Time: time.Unix(e.Time, 0).UTC().Format(time.RFC3339), Address: e.Address,
				Subject: e.Subject, Status: e.Status, Attempts: e.Attempts, LastError: e.LastError}
			if e.SentAt != 0 {
				it.SentAt = time.Unix(e.SentAt, 0).UTC().Format(time.RFC3339)
			}
			out = append(out, it)
		}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	ms, ok := st.(mailStore)
	if !ok {
		return fmt.Errorf("the job queue needs the SQLite or PostgreSQL store")
	}
	enq, err := mailq.Inserter(ctx, ms.WriteDB(), isPostgres(db), attempts)
	if err != nil {
		return err
	}
	ms.SetMailEnqueuer(enq)
	for _, a := range args {
		id, err := strconv.ParseInt(a, 10, 64)
		if err != nil {
			return fmt.Errorf("e-mail id %q: %w", a, err)
		}
		if err := st.MailRequeue(ctx, id); err != nil {
			if err == store.ErrNotFound {
				return fmt.Errorf("e-mail %d: no such e-mail, or it is queued or sent already", id)
			}
			return fmt.Errorf("e-mail %d: %w", id, err)
		}
		fmt.Fprintf(stdout, "e-mail %d queued again\n", id)
	}
	return nil
}
