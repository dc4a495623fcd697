package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"strings"

	"github.com/artnet-panel/artnet-panel/internal/apperr"
	"github.com/artnet-panel/artnet-panel/internal/form"
	"github.com/artnet-panel/artnet-panel/internal/spec"
	"github.com/artnet-panel/artnet-panel/internal/store"
)

// The audit journal (store.AuditStore). Every authenticated call of a
// catalogued command that is not ReadOnly is journaled, whatever its
// handler: serveCommand puts a pending entry into the request's context
// (startAudit), the store writes it in the first transaction of the request
// that changes something, so a change and its row commit together, and
// finishAudit writes what is left before the answer goes out: the row of a
// failed command (its transaction rolled back; the row carries the error
// code), the error code of a command whose change committed before it
// failed, or the row of a successful command that changed nothing in the
// database. New commands are journaled without code of their own.
//
// Not journaled: read-only commands, failed logins (the login guard and
// the metrics count them; the customer is not known), unknown and
// not-implemented commands.

// maxAuditParams bounds the parameters kept in one row; larger parameter
// sets (a firewall/save with thousands of rules) are summarised.
const maxAuditParams = 64 << 10

// redacted replaces the value of a secret parameter.
const redacted = "[redacted]"

// startAudit returns ctx carrying the pending audit entry of the call, or
// ctx itself for a read-only command.
func (s *Server) startAudit(ctx context.Context, x *exchange, cmd spec.Command, params *form.Value, client string) context.Context {
	if cmd.ReadOnly || s.Panel == nil || s.Panel.Store == nil {
		return ctx
	}
	x.audit = store.NewPendingAudit(store.AuditEntry{
		CustomerID: x.customerID,
		Command:    cmd.Path(),
		Params:     auditParams(params),
		RequestID:  x.requestID,
		Client:     client,
		KeyID:      x.keyID,
	})
	return store.WithAudit(ctx, x.audit)
}

// journalRefusal writes the row of a call a sub-key was not allowed to
// make (api-key-out-of-scope), read-only commands included: nothing else
// was done. A failure to write is logged.
func (s *Server) journalRefusal(x *exchange, cmd spec.Command, params *form.Value, client string, err error) {
	if s.Panel == nil || s.Panel.Store == nil {
		return
	}
	result := apperr.CodeInternal
	var ae *apperr.Error
	if errors.As(err, &ae) {
		result = ae.Code
	}
	e := store.AuditEntry{
		CustomerID: x.customerID,
		Command:    cmd.Path(),
		Params:     auditParams(params),
		Result:     result,
		RequestID:  x.requestID,
		Client:     client,
		KeyID:      x.keyID,
	}
	if werr := s.Panel.Store.AuditWrite(context.Background(), &e); werr != nil {
		s.Logger.Error("audit journal: write", "request_id", x.requestID, "err", werr.Error())
	}
}

// finishAudit writes what the request's transactions left to write (see
// the top of this file); err is the command's error (nil: success). A
// failure to write is logged: the answer stays what the command did.
func (s *Server) finishAudit(x *exchange, err error) {
	if x.audit == nil {
		return
	}
	p := x.audit
	x.audit = nil
	result := ""
	if err != nil {
		var ae *apperr.Error
		result = apperr.CodeInternal
		if errors.As(err, &ae) {
			result = ae.Code
		}
	}
	// The client's going away must not lose the row.
	ctx := context.Background()
	if _, werr := p.Finish(ctx, s.Panel.Store, result); werr != nil {
		s.Logger.Error("audit journal: write", "request_id", x.requestID, "err", werr.Error())
	}
}

// auditParams returns the parameters as a JSON object without the
// credentials (id, api_key) and with every secret value replaced.
func auditParams(params *form.Value) string {
	b := make([]byte, 0, 128)
	b = append(b, '{')
	first := true
	for k, v := range params.All() {
		if k == "id" || k == "api_key" {
			continue
		}
		if !first {
			b = append(b, ',')
		}
		first = false
		b = appendAuditValue(appendJSONString(b, k), k, v)
		if len(b) > maxAuditParams {
			return `{"_truncated":"parameters longer than 64 KiB"}`
		}
	}
	return string(append(b, '}'))
}

// appendAuditValue appends ":" and v (named key) as JSON.
func appendAuditValue(b []byte, key string, v *form.Value) []byte {
	b = append(b, ':')
	if secretName(key) {
		return appendJSONString(b, redacted)
	}
	if v.IsLeaf() {
		return appendJSONString(b, v.String())
	}
	b = append(b, '{')
	first := true
	for k, c := range v.All() {
		if !first {
			b = append(b, ',')
		}
		first = false
		b = appendAuditValue(appendJSONString(b, k), k, c)
		if len(b) > maxAuditParams {
			return b
		}
	}
	return append(b, '}')
}

// secretName reports whether a parameter (at any depth) holds a secret:
// api_key, password, instance_password, any *password*, *passwd*, *key*,
// *secret* or *token*.
func secretName(name string) bool {
	n := strings.ToLower(name)
	for _, w := range [...]string{"password", "passwd", "key", "secret", "token"} {
		if strings.Contains(n, w) {
			return true
		}
	}
	return false
}

func appendJSONString(b []byte, s string) []byte {
	q, _ := json.Marshal(s) // a string always encodes
	return append(b, q...)
}
