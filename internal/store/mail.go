package store

import "context"

// MailStore is the part of Store for the delivery of the outbox (the
// emails table, what /customer/emails-list shows). An e-mail written while
// delivery is configured (sqldb.DB.SetMailEnqueuer) is "queued" and its
// delivery job is inserted in the same transaction; one written without is
// "recorded" (never delivered unless requeued).
type MailStore interface {
	// MailGet returns the e-mail id with its delivery state, whoever it
	// belongs to (delivery and operator use), or ErrNotFound.
	MailGet(ctx context.Context, id int64) (OutboxEmail, error)
	// MailList returns e-mails of any customer, newest first; status ""
	// is any status; limit 0 is no limit (operator use).
	MailList(ctx context.Context, status string, limit int) ([]OutboxEmail, error)
	// MailAttempt records a delivery attempt of a not yet sent e-mail: one
	// more attempt, the new status (MailQueued after a temporary failure,
	// MailSent, MailFailed) and the error text (empty when sent); when sent,
	// sent_at = now. Returns ErrNotFound when the e-mail is missing or
	// already sent (so it is marked sent once).
	MailAttempt(ctx context.Context, id int64, status, errText string, now int64) error
	// MailRequeue makes a recorded or failed e-mail queued again with no
	// attempts and inserts its delivery job in the same transaction.
	// Returns ErrNotFound when it is missing, queued or sent, and an error
	// when no delivery is configured.
	MailRequeue(ctx context.Context, id int64) error
}

// Delivery states of an e-mail.
const (
	MailRecorded = "recorded"
	MailQueued   = "queued"
	MailSent     = "sent"
	MailFailed   = "failed"
)

// OutboxEmail is an e-mail with its delivery state.
type OutboxEmail struct {
	Email
	Status    string
	Attempts  int
	LastError string
	SentAt    int64 // Unix seconds; 0 until sent
}
