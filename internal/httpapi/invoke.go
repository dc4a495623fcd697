package httpapi

import (
	"context"
	"fmt"
	"net/http"
	"runtime/debug"
	"time"

	"github.com/artnet-panel/artnet-panel/internal/apperr"
	"github.com/artnet-panel/artnet-panel/internal/form"
	"github.com/artnet-panel/artnet-panel/internal/panel"
)

// requestIDKey carries a request id in a context (WithRequestID).
type requestIDKey struct{}

// WithRequestID returns ctx carrying the request id Invoke journals its
// command with (the web panel's X-Request-Id of the page request).
func WithRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, requestIDKey{}, id)
}

// Invoke runs command ("module/command") for the already authenticated
// principal p with params, as a POST to /api/<command> runs it after
// authentication: the same sub-key limits (Authorize), the same audit
// journal row (with the request id of WithRequestID and remote as the
// client), the same parameter check against the catalogue, the same
// handler and the same command metrics. It returns the handler's typed
// answer (artnet.* response types; nil for a command that answers only
// success) or an *apperr.Error: unknown-command, not-implemented (a
// disabled command), or the command's own error. The web panel calls it;
// the caller authenticated p (a signed-in session) and throttles failed
// sign-ins itself. Per-key rate limits and Idempotency-Key are the API's.
func (s *Server) Invoke(ctx context.Context, p panel.Principal, command string, params *form.Value, remote string) (resp any, err error) {
	start := time.Now()
	id, _ := ctx.Value(requestIDKey{}).(string)
	if id == "" {
		id = newRequestID()
	}
	x := &exchange{requestID: id, status: 200, customerID: p.CustomerID, keyID: p.KeyID(), remote: remote}
	c := s.commands[command]
	if c == nil {
		return nil, apperr.New(apperr.CodeUnknownCommand)
	}
	x.metrics = c.metrics
	defer func() {
		if v := recover(); v != nil {
			err = apperr.Internal(apperr.CodeInternal, fmt.Errorf("panic: %v\n%s", v, debug.Stack()))
			s.finishAudit(x, err)
			resp = nil
		}
		code := ""
		if err != nil {
			code = apperr.CodeOf(err)
			if ae, ok := err.(*apperr.Error); ok && ae.Cause != nil {
				s.Logger.Error("internal error", "request_id", id, "code", ae.Code, "err", ae.Cause.Error())
			}
		}
		c.metrics.record(code, time.Since(start))
	}()
	if params == nil {
		params, _ = form.ParseURLEncoded(nil, s.Limits)
	}
	if c.handler == nil {
		return nil, apperr.New(apperr.CodeNotImplemented)
	}
	ctx, err = s.prepare(ctx, x, c, p, params)
	if err != nil {
		return nil, err
	}
	return s.execute(ctx, x, c, p, params)
}

// newRequestID returns a new random request id.
func newRequestID() string { return requestIDValue(nil)[0] }

// ClientAddr returns the client's address of r as the API finds it (the
// peer, or X-Forwarded-For from a trusted proxy).
func (s *Server) ClientAddr(r *http.Request) string { return s.clientAddr(r) }
