package store

import (
	"context"
	"sync"
)

// AuditEntry is one row of the audit journal: a command that changes
// something (or tried to), by whom, with what and how it ended.
type AuditEntry struct {
	ID         int64
	At         int64 // Unix milliseconds
	CustomerID int64
	Command    string // "module/command"
	// Params are the request parameters as a JSON object, secrets
	// replaced (httpapi redacts them before they reach the store).
	Params    string
	Result    string // "ok" or the error code answered
	RequestID string
	Client    string // client address
	// KeyID is the public id of the sub-key the command was called with
	// (0: the customer's main key).
	KeyID int64
}

// AuditResultOK is the Result of a command that succeeded.
const AuditResultOK = "ok"

// AuditFilter selects audit rows. Zero values mean "any"; Limit 0 means no
// limit. Rows are returned oldest first (by id).
type AuditFilter struct {
	CustomerID int64
	Since      int64 // Unix milliseconds, inclusive
	Until      int64 // Unix milliseconds, exclusive; 0: no bound
	Limit      int
}

// AuditStore is the part of Store for the audit journal.
//
// The journal row of a request is normally written by InTx: when the
// context carries a PendingAudit (WithAudit), the first transaction of the
// request that changes something writes the row in that same transaction,
// so the change and its row commit or roll back together. A transaction
// that only reads writes nothing. Store methods that write outside a
// transaction (CustomerUpdate, EmailCreate, ...) run in one of their own
// when the context carries a pending entry. What InTx could not write (a
// failed command, whose transaction rolled back) the caller writes
// afterwards with AuditWrite, or corrects with AuditSetResult.
type AuditStore interface {
	// AuditWrite inserts e (e.ID is assigned and written back).
	AuditWrite(ctx context.Context, e *AuditEntry) error
	// AuditSetResult replaces the result of the row id (a command whose
	// change committed but which then failed). Returns ErrNotFound.
	AuditSetResult(ctx context.Context, id int64, result string) error
	// AuditList returns the rows matching f, oldest first.
	AuditList(ctx context.Context, f AuditFilter) ([]AuditEntry, error)
	// AuditPrune deletes the rows written before the Unix time before
	// (milliseconds) and returns how many it deleted.
	AuditPrune(ctx context.Context, before int64) (int64, error)
}

// PendingAudit is the audit entry of a request in progress, put into the
// request's context with WithAudit. It is safe for concurrent use.
type PendingAudit struct {
	mu    sync.Mutex
	entry AuditEntry
	state int // auditPending, auditWriting, auditWritten
}

const (
	auditPending = iota
	auditWriting // a transaction is about to write it
	auditWritten // committed; entry.ID is its row
)

// NewPendingAudit returns a pending entry with e's fields (Result is set
// when the entry is written: AuditResultOK by a transaction).
func NewPendingAudit(e AuditEntry) *PendingAudit { return &PendingAudit{entry: e} }

type auditKey struct{}

// WithAudit returns ctx carrying p.
func WithAudit(ctx context.Context, p *PendingAudit) context.Context {
	return context.WithValue(ctx, auditKey{}, p)
}

// AuditFrom returns the pending entry ctx carries, or nil.
func AuditFrom(ctx context.Context) *PendingAudit {
	p, _ := ctx.Value(auditKey{}).(*PendingAudit)
	return p
}

// Pending reports whether the entry still waits to be written. A nil p is
// never pending.
func (p *PendingAudit) Pending() bool {
	if p == nil {
		return false
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.state == auditPending
}

// Claim is for store implementations: it reserves the entry for a
// transaction about to commit and returns a copy with Result
// AuditResultOK. ok is false when the entry is not pending (written, or
// claimed by another transaction). The caller must call Done.
func (p *PendingAudit) Claim() (e AuditEntry, ok bool) {
	if p == nil {
		return AuditEntry{}, false
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.state != auditPending {
		return AuditEntry{}, false
	}
	p.state = auditWriting
	e = p.entry
	e.Result = AuditResultOK
	return e, true
}

// Done ends a Claim: id is the row written by the committed transaction, or
// 0 when it did not commit (the entry is pending again).
func (p *PendingAudit) Done(id int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if id == 0 {
		p.state = auditPending
		return
	}
	p.state = auditWritten
	p.entry.ID = id
}

// Written returns the id of the row a transaction committed, or 0.
func (p *PendingAudit) Written() int64 {
	if p == nil {
		return 0
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.state != auditWritten {
		return 0
	}
	return p.entry.ID
}

// Finish writes what the request's transactions did not: with result ""
// (success) a row only if none was written; with an error code, the row
// of a committed change gets that result, or a new row is written. It
// returns the row's id. The pending entry is written afterwards in any
// case.
func (p *PendingAudit) Finish(ctx context.Context, s AuditStore, result string) (int64, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.state == auditWritten {
		if result == "" || result == AuditResultOK {
			return p.entry.ID, nil
		}
		p.entry.Result = result
		return p.entry.ID, s.AuditSetResult(ctx, p.entry.ID, result)
	}
	e := p.entry
	e.Result = result
	if e.Result == "" {
		e.Result = AuditResultOK
	}
	if err := s.AuditWrite(ctx, &e); err != nil {
		return 0, err
	}
	p.state = auditWritten
	p.entry = e
	return e.ID, nil
}
