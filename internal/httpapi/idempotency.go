package httpapi

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/artnet-panel/artnet-panel/internal/apperr"
	"github.com/artnet-panel/artnet-panel/internal/form"
	"github.com/artnet-panel/artnet-panel/internal/spec"
	"github.com/artnet-panel/artnet-panel/internal/store"
)

// Idempotency-Key (draft-ietf-httpapi-idempotency-key-header) on the
// commands that buy or change billing. The first request with a key runs
// and its answer is kept 24 hours; a repeat with the same key and the same
// parameters gets that answer again without running; with other
// parameters it is refused (HTTP 422, idempotency-key-mismatch). A
// duplicate sent while the first runs waits for its answer (up to
// idemWait; then HTTP 409 idempotency-key-in-use with Retry-After).
//
// The attempt holding a key keeps a lease (idemLease, renewed every
// idemRenew while it runs). A repeat that finds the lease ended (the
// holder's process died) looks in the audit journal, written in the
// transaction of the change, for the holder's request: committed, the
// repeat answers idempotent-request-done (the change was made, its answer
// was lost: nothing is done again); not committed, the repeat takes the
// key over and runs.

const idempotencyHeader = spec.IdempotencyHeader

var (
	idemLease = 15 * time.Second
	idemRenew = 5 * time.Second
	idemWait  = 20 * time.Second
	idemPoll  = 20 * time.Millisecond
)

// idempotencyKey reads the header: one value, a structured-field string
// ("...") or a bare token, 1 to 255 visible ASCII characters.
func idempotencyKey(values []string) (string, bool) {
	if len(values) != 1 {
		return "", false
	}
	k := strings.TrimSpace(values[0])
	if len(k) >= 2 && k[0] == '"' && k[len(k)-1] == '"' {
		k = k[1 : len(k)-1]
	}
	if k == "" || len(k) > 255 {
		return "", false
	}
	for i := 0; i < len(k); i++ {
		if k[i] < 0x21 || k[i] > 0x7e || k[i] == '"' || k[i] == '\\' {
			return "", false
		}
	}
	return k, true
}

// fingerprint is the SHA-256 of the command and its parameters (without
// the credentials), in the order sent.
func fingerprint(path string, params *form.Value) string {
	h := sha256.New()
	h.Write([]byte(path))
	var walk func(prefix string, v *form.Value)
	walk = func(prefix string, v *form.Value) {
		if v.IsLeaf() {
			h.Write([]byte{0})
			h.Write([]byte(prefix))
			h.Write([]byte{1})
			h.Write([]byte(v.String()))
			return
		}
		for k, c := range v.All() {
			walk(prefix+"["+k+"]", c)
		}
	}
	for k, v := range params.All() {
		if k == "id" || k == "api_key" {
			continue
		}
		walk(k, v)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// captured is an answer written into memory.
type captured struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (c *captured) Header() http.Header { return c.header }
func (c *captured) WriteHeader(status int) {
	if c.status == 0 {
		c.status = status
	}
}
func (c *captured) Write(b []byte) (int, error) {
	if c.status == 0 {
		c.status = http.StatusOK
	}
	return c.body.Write(b)
}

// serveIdempotent answers a command sent with an Idempotency-Key; run
// runs it and writes its answer.
func (s *Server) serveIdempotent(ctx context.Context, w http.ResponseWriter, x *exchange, cmd spec.Command, params *form.Value, values []string, run func(http.ResponseWriter)) {
	key, ok := idempotencyKey(values)
	if !ok {
		x.status = http.StatusBadRequest
		s.finishAudit(x, apperr.Errorf(apperr.CodeMalformedRequest, "Idempotency-Key"))
		s.writeError(w, x, apperr.Errorf(apperr.CodeMalformedRequest, "Idempotency-Key: one value, 1 to 255 visible ASCII characters"))
		return
	}
	st := s.Panel.Store
	path := cmd.Path()
	fp := fingerprint(path, params)
	nonce := make([]byte, 8)
	rand.Read(nonce)
	attempt := x.requestID + "#" + hex.EncodeToString(nonce)
	now := time.Now()
	rec := store.Idempotency{CustomerID: x.customerID, Key: key, Command: path, Fingerprint: fp, RequestID: attempt,
		CreatedAt: now.UnixMilli(), LockedUntil: now.Add(idemLease).UnixMilli()}
	got, created, err := st.IdempotencyBegin(context.WithoutCancel(ctx), rec)
	deadline := now.Add(idemWait)
	for err == nil && !created {
		if got.Command != path || got.Fingerprint != fp {
			x.status = http.StatusUnprocessableEntity
			s.finishAudit(x, apperr.New(apperr.CodeIdempotencyKeyMismatch))
			s.writeError(w, x, apperr.New(apperr.CodeIdempotencyKeyMismatch))
			return
		}
		if got.Done {
			s.journalReplay(x)
			w.Header().Set("Idempotent-Replayed", "true")
			x.status = got.Status
			x.code = errorCode(got.Body)
			writeJSON(w, got.Status, got.Body)
			return
		}
		if t := time.Now(); t.UnixMilli() >= got.LockedUntil {
			// The holder is gone: did its change commit?
			committed, cerr := s.committed(ctx, got)
			if cerr != nil {
				err = cerr
				break
			}
			if committed {
				// Kept as the key's answer: later repeats replay it.
				done := apperr.New(apperr.CodeIdempotentRequestDone)
				s.finishAudit(x, done)
				c := &captured{header: http.Header{}}
				s.writeError(c, x, done)
				if err := st.IdempotencyFinish(context.Background(), x.customerID, key, got.RequestID, c.status, c.body.Bytes()); err != nil {
					s.Logger.Error("idempotency: store the answer", "request_id", x.requestID, "err", err.Error())
				}
				copyAnswer(w, c)
				return
			}
			rec.LockedUntil = t.Add(idemLease).UnixMilli()
			ok, terr := st.IdempotencyTakeOver(context.WithoutCancel(ctx), x.customerID, key, got.LockedUntil, attempt, rec.LockedUntil)
			if terr != nil {
				err = terr
				break
			}
			if ok {
				created = true
				break
			}
		} else if t.After(deadline) {
			w.Header().Set("Retry-After", "1")
			x.status = http.StatusConflict
			s.finishAudit(x, apperr.New(apperr.CodeIdempotencyKeyInUse))
			s.writeError(w, x, apperr.New(apperr.CodeIdempotencyKeyInUse))
			return
		}
		select {
		case <-ctx.Done():
			s.finishAudit(x, ctx.Err())
			s.writeError(w, x, apperr.Internal(apperr.CodeInternal, ctx.Err()))
			return
		case <-time.After(idemPoll):
		}
		got, err = st.IdempotencyGet(context.WithoutCancel(ctx), x.customerID, key)
		if errors.Is(err, store.ErrNotFound) {
			// Released (the holder changed nothing): start again.
			got, created, err = st.IdempotencyBegin(context.WithoutCancel(ctx), rec)
		}
	}
	if err != nil {
		ierr := apperr.Internal(apperr.CodeInternal, err)
		s.finishAudit(x, ierr)
		s.writeError(w, x, ierr)
		return
	}

	// This attempt holds the key: run, renewing the lease.
	stop := make(chan struct{})
	renewed := make(chan struct{})
	go func() {
		defer close(renewed)
		t := time.NewTicker(idemRenew)
		defer t.Stop()
		until := rec.LockedUntil
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				next := time.Now().Add(idemLease).UnixMilli()
				if ok, err := st.IdempotencyTakeOver(context.Background(), x.customerID, key, until, attempt, next); err == nil && ok {
					until = next
				}
			}
		}
	}()
	c := &captured{header: http.Header{}}
	func() {
		// A panic of the handler (answered by serveCommandPath's recover)
		// must not leave the renewal running: the lease then ends and a
		// repeat finds out from the journal what was committed.
		defer close(stop)
		run(c)
	}()
	<-renewed
	if s.IdempotencyFailpoint != nil {
		s.IdempotencyFailpoint(path)
	}
	bg := context.Background()
	code := errorCode(c.body.Bytes())
	if c.status >= 500 || strings.HasPrefix(code, "internal-") {
		// Not kept when nothing committed: a repeat runs again.
		if committed, err := s.committed(ctx, store.Idempotency{CustomerID: x.customerID, Command: path, RequestID: attempt, CreatedAt: rec.CreatedAt}); err == nil && !committed {
			if err := st.IdempotencyRelease(bg, x.customerID, key, attempt); err != nil {
				s.Logger.Error("idempotency: release", "request_id", x.requestID, "err", err.Error())
			}
			copyAnswer(w, c)
			return
		}
	}
	if err := st.IdempotencyFinish(bg, x.customerID, key, attempt, c.status, c.body.Bytes()); err != nil {
		s.Logger.Error("idempotency: store the answer", "request_id", x.requestID, "err", err.Error())
	}
	copyAnswer(w, c)
}

func copyAnswer(w http.ResponseWriter, c *captured) {
	h := w.Header()
	for k, v := range c.header {
		h[k] = v
	}
	w.WriteHeader(c.status)
	w.Write(c.body.Bytes())
}

// committed reports whether the attempt r.RequestID committed a change:
// its audit journal row (written in the change's transaction) says ok.
func (s *Server) committed(ctx context.Context, r store.Idempotency) (bool, error) {
	reqID, _, _ := strings.Cut(r.RequestID, "#")
	rows, err := s.Panel.Store.AuditList(context.WithoutCancel(ctx), store.AuditFilter{CustomerID: r.CustomerID, Since: r.CreatedAt})
	if err != nil {
		return false, err
	}
	for _, row := range rows {
		if row.Command == r.Command && row.RequestID == reqID && row.Result == store.AuditResultOK {
			return true, nil
		}
	}
	return false, nil
}

// errorCode returns the error code of an answer ("" for a success).
func errorCode(body []byte) string {
	var env struct {
		Error struct {
			Code string `json:"code"`
		} `json:"error"`
	}
	if json.Unmarshal(body, &env) != nil {
		return ""
	}
	return env.Error.Code
}

// journalReplay journals a repeat answered from the kept answer with the
// result "replayed" (nothing was done again).
func (s *Server) journalReplay(x *exchange) {
	p := x.audit
	x.audit = nil
	if p == nil {
		return
	}
	if _, err := p.Finish(context.Background(), s.Panel.Store, "replayed"); err != nil {
		s.Logger.Error("audit journal: write", "request_id", x.requestID, "err", err.Error())
	}
}
