package httpapi

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"runtime/debug"
	"time"

	"github.com/artnet-panel/artnet-panel/internal/apperr"
	"github.com/artnet-panel/artnet-panel/internal/form"
	"github.com/artnet-panel/artnet-panel/internal/panel"
)

// InvokeIdempotent runs command as Invoke does, sent with an
// Idempotency-Key as the API's header sends it (idempotency.go): for the
// commands that take one (spec.Command.IdempotencyKey), the first call
// with a key runs and its answer is kept; a repeat with the same key and
// parameters gets that answer again and changes nothing; the same key with
// other parameters answers idempotency-key-mismatch. The web panel sends
// the key of its order form, so a form sent twice orders once.
//
// The answer is decoded into out (a pointer to the command's artnet
// response type, or nil) from the JSON the API answers, the kept one on a
// repeat; a failure is an *apperr.Error with the answer's code. An empty
// key, or a command that takes none, is Invoke.
func (s *Server) InvokeIdempotent(ctx context.Context, p panel.Principal, command string, params *form.Value, remote, key string, out any) (err error) {
	c := s.commands[command]
	if key == "" || c == nil || !c.cmd.IdempotencyKey {
		resp, err := s.Invoke(ctx, p, command, params, remote)
		if err != nil || out == nil || resp == nil {
			return err
		}
		b, err := json.Marshal(resp)
		if err != nil {
			return apperr.Internal(apperr.CodeInternal, err)
		}
		if err := json.Unmarshal(b, out); err != nil {
			return apperr.Internal(apperr.CodeInternal, err)
		}
		return nil
	}
	start := time.Now()
	id, _ := ctx.Value(requestIDKey{}).(string)
	if id == "" {
		id = newRequestID()
	}
	x := &exchange{requestID: id, status: http.StatusOK, customerID: p.CustomerID, keyID: p.KeyID(), remote: remote, metrics: c.metrics}
	defer func() {
		if v := recover(); v != nil {
			err = apperr.Internal(apperr.CodeInternal, fmt.Errorf("panic: %v\n%s", v, debug.Stack()))
			s.finishAudit(x, err)
			s.Logger.Error("internal error", "request_id", id, "code", apperr.CodeInternal, "err", err.(*apperr.Error).Cause.Error())
			x.code = apperr.CodeInternal
		}
		c.metrics.record(x.code, time.Since(start))
	}()
	if params == nil {
		params, _ = form.ParseURLEncoded(nil, s.Limits)
	}
	if c.handler == nil {
		x.code = apperr.CodeNotImplemented
		return apperr.New(apperr.CodeNotImplemented)
	}
	ctx, err = s.prepare(ctx, x, c, p, params)
	if err != nil {
		x.code = apperr.CodeOf(err)
		return err
	}
	w := &captured{header: http.Header{}}
	s.serveIdempotent(ctx, w, x, c.cmd, params, []string{key}, func(w http.ResponseWriter) {
		resp, err := s.execute(ctx, x, c, p, params)
		if err != nil {
			s.writeError(w, x, err)
			return
		}
		s.writeSuccess(w, x, resp)
	})
	return decodeAnswer(w.body.Bytes(), out)
}

// decodeAnswer reads an API answer: a success into out, a failure as an
// *apperr.Error of its code.
func decodeAnswer(body []byte, out any) error {
	var env struct {
		Success bool `json:"success"`
		Error   struct {
			Code string `json:"code"`
		} `json:"error"`
	}
	if err := json.Unmarshal(body, &env); err != nil {
		return apperr.Internal(apperr.CodeInternal, fmt.Errorf("answer: %w", err))
	}
	if !env.Success {
		if env.Error.Code == "" {
			return apperr.New(apperr.CodeInternal)
		}
		return apperr.New(env.Error.Code)
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(body, out); err != nil {
		return apperr.Internal(apperr.CodeInternal, fmt.Errorf("answer: %w", err))
	}
	return nil
}
