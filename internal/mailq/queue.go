// Package mailq delivers the panel's e-mails and runs its other background
// jobs on a durable job queue: River (github.com/riverqueue/river), whose
// tables live in the panel's database — SQLite through the riversqlite
// driver, PostgreSQL through riverpgxv5 (the workers; LISTEN/NOTIFY) and
// riverdatabasesql (inserts inside the store's database/sql transactions).
//
// Every e-mail the panel records is written to the outbox (the emails
// table) with status "queued", and its delivery job is inserted by River's
// InsertTx in the same transaction (sqldb.DB.SetMailEnqueuer): a rolled
// back command leaves neither, a committed one both. A job sends the
// e-mail over SMTP (SMTP, github.com/wneessen/go-mail) and marks it sent;
// a temporary failure (4xx, no connection) is retried with exponential
// backoff (RetryBase × 2^(attempt−1), at most an hour) up to MaxAttempts,
// then recorded as failed; a permanent one (5xx) is recorded as failed at
// once. `artnetd admin mail list|retry` shows and requeues them.
//
// With several nodes River hands each job to one worker at a time, and an
// e-mail already marked sent is never sent again. The one window left is a
// node dying after the SMTP server accepted the message and before the
// outbox row was marked: River then runs the job again after
// RescueStuckJobsAfter and the message goes out twice, with the same
// Message-ID (derived from the e-mail's id) so the receiver can tell.
//
// The queue also clears lapsed express-server reservations (a periodic
// job; reads never depend on it).
package mailq

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
	"github.com/riverqueue/river/rivertype"

	"github.com/artnet-panel/artnet-panel/internal/store"
	"github.com/artnet-panel/artnet-panel/internal/store/sqldb"
)

// Config configures the queue.
type Config struct {
	// Sender delivers e-mails; nil: e-mails are not delivered (the queue
	// runs the other jobs, and e-mails stay "recorded").
	Sender Sender
	// From is the sender address (for the Message-ID's domain).
	From string
	// MaxAttempts is how often an e-mail is tried; 0: 10.
	MaxAttempts int
	// RetryBase is the wait before the second attempt, doubled for each
	// one after; 0: 30s.
	RetryBase time.Duration
	// Workers is how many e-mails one node sends at once; 0: 4.
	Workers int
	// Poll is how often a node looks for jobs (on SQLite the only way it
	// finds them; PostgreSQL also wakes it by NOTIFY); 0: 1s.
	Poll time.Duration
	// Expire clears lapsed reservations; nil: no such job.
	Expire func(ctx context.Context) (int64, error)
	// ExpireEvery is the period of Expire; 0: 1 minute.
	ExpireEvery time.Duration
	// RescueAfter is how long a job may run before River takes it for
	// stuck (its node died) and runs it again; 0: 3 minutes. A job times
	// out after half of it (at most 2 minutes).
	RescueAfter time.Duration
	// Now is the clock of the outbox's sent_at; nil: time.Now.
	Now    func() time.Time
	Logger *slog.Logger
}

func (c *Config) defaults() {
	if c.MaxAttempts <= 0 {
		c.MaxAttempts = 10
	}
	if c.RetryBase <= 0 {
		c.RetryBase = 30 * time.Second
	}
	if c.Workers <= 0 {
		c.Workers = 4
	}
	if c.Poll <= 0 {
		c.Poll = time.Second
	}
	if c.ExpireEvery <= 0 {
		c.ExpireEvery = time.Minute
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.RescueAfter <= 0 {
		c.RescueAfter = 3 * time.Minute
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
}

// SendArgs is the job of delivering one e-mail of the outbox.
type SendArgs struct {
	EmailID int64 `json:"email_id"`
}

// Kind implements river.JobArgs.
func (SendArgs) Kind() string { return "artnet_send_email" }

// ExpireArgs is the periodic job clearing lapsed reservations.
type ExpireArgs struct{}

// Kind implements river.JobArgs.
func (ExpireArgs) Kind() string { return "artnet_expire_reservations" }

type sendWorker struct {
	river.WorkerDefaults[SendArgs]
	st  store.Store
	cfg *Config
}

func (w *sendWorker) Work(ctx context.Context, job *river.Job[SendArgs]) error {
	id := job.Args.EmailID
	e, err := w.st.MailGet(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return river.JobCancel(fmt.Errorf("e-mail %d is gone", id))
	}
	if err != nil {
		return err
	}
	if e.Status == store.MailSent {
		return nil
	}
	lang := "en"
	if c, err := w.st.CustomerGet(ctx, e.CustomerID); err == nil {
		lang = c.Language
	}
	msg, err := Render(e, lang, w.cfg.From)
	if err != nil {
		return err
	}
	sendErr := w.cfg.Sender.Send(ctx, msg)
	now := w.cfg.Now().Unix()
	if sendErr == nil {
		err := w.st.MailAttempt(ctx, id, store.MailSent, "", now)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			// Sent, but not marked: retrying the mark here keeps a
			// database hiccup from sending it again.
			for range 5 {
				time.Sleep(200 * time.Millisecond)
				if err = w.st.MailAttempt(ctx, id, store.MailSent, "", now); err == nil || errors.Is(err, store.ErrNotFound) {
					break
				}
			}
		}
		w.cfg.Logger.Info("mail sent", "email_id", id, "attempt", job.Attempt)
		return nil
	}
	final := Permanent(sendErr) || job.Attempt >= job.MaxAttempts
	status := store.MailQueued
	if final {
		status = store.MailFailed
	}
	if err := w.st.MailAttempt(ctx, id, status, trim(sendErr.Error()), now); err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	w.cfg.Logger.Warn("mail not sent", "email_id", id, "attempt", job.Attempt, "final", final, "err", sendErr)
	if Permanent(sendErr) {
		return river.JobCancel(sendErr)
	}
	return sendErr
}

func trim(s string) string {
	if len(s) > 500 {
		return s[:500]
	}
	return s
}

type expireWorker struct {
	river.WorkerDefaults[ExpireArgs]
	cfg *Config
}

func (w *expireWorker) Work(ctx context.Context, job *river.Job[ExpireArgs]) error {
	n, err := w.cfg.Expire(ctx)
	if n > 0 {
		w.cfg.Logger.Info("reservations lapsed", "count", n)
	}
	return err
}

// retryPolicy is exponential: RetryBase × 2^(attempt−1), at most an hour.
type retryPolicy struct{ base time.Duration }

func (r retryPolicy) NextRetry(job *rivertype.JobRow) time.Time {
	d := r.base
	for i := 1; i < job.Attempt && d < time.Hour; i++ {
		d *= 2
	}
	return time.Now().Add(min(d, time.Hour))
}

// Queue is a running queue.
type Queue struct {
	stop    func(ctx context.Context) error
	close   func()
	enqueue sqldb.MailEnqueuer
}

// Enqueuer returns what inserts an e-mail's delivery job in the store's
// transaction (for sqldb.DB.SetMailEnqueuer), or nil when e-mails are not
// delivered.
func (q *Queue) Enqueuer() sqldb.MailEnqueuer { return q.enqueue }

// Stop stops working jobs (those running finish, within ctx) and releases
// the queue's connections.
func (q *Queue) Stop(ctx context.Context) error {
	err := q.stop(ctx)
	if q.close != nil {
		q.close()
	}
	return err
}

func riverConfig(st store.Store, cfg *Config) *river.Config {
	workers := river.NewWorkers()
	rc := &river.Config{
		Workers:     workers,
		Queues:      map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: cfg.Workers}},
		MaxAttempts: cfg.MaxAttempts,
		RetryPolicy: retryPolicy{cfg.RetryBase},
		// FetchPollInterval is how often jobs are looked for without a
		// NOTIFY; FetchCooldown must not exceed it.
		FetchPollInterval:    cfg.Poll,
		FetchCooldown:        min(100*time.Millisecond, cfg.Poll),
		Logger:               cfg.Logger,
		JobTimeout:           min(2*time.Minute, cfg.RescueAfter/2),
		RescueStuckJobsAfter: cfg.RescueAfter,
	}
	if cfg.Sender != nil {
		river.AddWorker(workers, &sendWorker{st: st, cfg: cfg})
	}
	if cfg.Expire != nil {
		river.AddWorker(workers, &expireWorker{cfg: cfg})
		rc.PeriodicJobs = append(rc.PeriodicJobs, river.NewPeriodicJob(river.PeriodicInterval(cfg.ExpireEvery),
			func() (river.JobArgs, *river.InsertOpts) { return ExpireArgs{}, nil }, &river.PeriodicJobOpts{RunOnStart: true}))
	}
	return rc
}

// Migrate creates or updates River's tables with its own migrator.
func Migrate[TTx any](ctx context.Context, d riverdriver.Driver[TTx]) error {
	m, err := rivermigrate.New(d, nil)
	if err != nil {
		return err
	}
	_, err = m.Migrate(ctx, rivermigrate.DirectionUp, nil)
	return err
}

// StartSQLite migrates River's tables into the SQLite database db (the
// store's write pool: one connection, as riversqlite advises) and starts
// the queue. Jobs are found by polling every cfg.Poll.
func StartSQLite(ctx context.Context, db *sql.DB, st store.Store, cfg Config) (*Queue, error) {
	cfg.defaults()
	d := riversqlite.New(db)
	if err := Migrate(ctx, d); err != nil {
		return nil, fmt.Errorf("river migrations (sqlite): %w", err)
	}
	rc := riverConfig(st, &cfg)
	rc.PollOnly = true
	client, err := river.NewClient(d, rc)
	if err != nil {
		return nil, err
	}
	if err := client.Start(ctx); err != nil {
		return nil, err
	}
	q := &Queue{stop: client.Stop}
	if cfg.Sender != nil {
		q.enqueue = func(ctx context.Context, tx *sql.Tx, id int64) error {
			_, err := client.InsertTx(ctx, tx, SendArgs{EmailID: id}, &river.InsertOpts{MaxAttempts: cfg.MaxAttempts})
			return err
		}
	}
	return q, nil
}

// StartPostgres migrates River's tables into the PostgreSQL database dsn
// (its search_path) and starts the queue: a pgx pool of its own works the
// jobs (riverpgxv5, woken by NOTIFY); inserts go through writeDB, the
// store's database/sql pool, inside the store's transactions
// (riverdatabasesql).
func StartPostgres(ctx context.Context, dsn string, writeDB *sql.DB, st store.Store, cfg Config) (*Queue, error) {
	cfg.defaults()
	pool, err := pgxpool.New(ctx, dsn)
	if err != nil {
		return nil, err
	}
	d := riverpgxv5.New(pool)
	if err := Migrate(ctx, d); err != nil {
		pool.Close()
		return nil, fmt.Errorf("river migrations (postgres): %w", err)
	}
	client, err := river.NewClient(d, riverConfig(st, &cfg))
	if err != nil {
		pool.Close()
		return nil, err
	}
	inserter, err := river.NewClient(riverdatabasesql.New(writeDB), &river.Config{MaxAttempts: cfg.MaxAttempts})
	if err != nil {
		pool.Close()
		return nil, err
	}
	if err := client.Start(ctx); err != nil {
		pool.Close()
		return nil, err
	}
	q := &Queue{stop: client.Stop, close: pool.Close}
	if cfg.Sender != nil {
		q.enqueue = func(ctx context.Context, tx *sql.Tx, id int64) error {
			_, err := inserter.InsertTx(ctx, tx, SendArgs{EmailID: id}, &river.InsertOpts{MaxAttempts: cfg.MaxAttempts})
			return err
		}
	}
	return q, nil
}

// Inserter returns an enqueuer for a process that only inserts jobs
// (`artnetd admin mail retry`): River's tables are migrated, no job is
// worked here. postgres selects riverdatabasesql over db (the store's
// write pool), else riversqlite.
func Inserter(ctx context.Context, db *sql.DB, postgres bool, maxAttempts int) (sqldb.MailEnqueuer, error) {
	if maxAttempts <= 0 {
		maxAttempts = 10
	}
	insert := func(client interface {
		InsertTx(ctx context.Context, tx *sql.Tx, args river.JobArgs, opts *river.InsertOpts) (*rivertype.JobInsertResult, error)
	}) sqldb.MailEnqueuer {
		return func(ctx context.Context, tx *sql.Tx, id int64) error {
			_, err := client.InsertTx(ctx, tx, SendArgs{EmailID: id}, &river.InsertOpts{MaxAttempts: maxAttempts})
			return err
		}
	}
	if postgres {
		d := riverdatabasesql.New(db)
		if err := Migrate(ctx, d); err != nil {
			return nil, fmt.Errorf("river migrations (postgres): %w", err)
		}
		c, err := river.NewClient(d, &river.Config{MaxAttempts: maxAttempts})
		if err != nil {
			return nil, err
		}
		return insert(c), nil
	}
	d := riversqlite.New(db)
	if err := Migrate(ctx, d); err != nil {
		return nil, fmt.Errorf("river migrations (sqlite): %w", err)
	}
	c, err := river.NewClient(d, &river.Config{MaxAttempts: maxAttempts})
	if err != nil {
		return nil, err
	}
	return insert(c), nil
}
