package openapi

import (
	"fmt"
	"strings"

	"github.com/artnet-panel/artnet-panel/internal/apperr"
	"github.com/artnet-panel/artnet-panel/internal/spec"
)

// serverCodes are the codes this server may answer to any command besides
// the command's own: the transport and the codes of commands that have not
// landed yet. They follow the command's codes in every error enum.
var serverCodes = []string{
	apperr.CodeUnknownCommand,
	apperr.CodeNotImplemented,
	apperr.CodeInternal,
	apperr.CodeTooManyFailedLogins,
	apperr.CodeRequestTooLarge,
	apperr.CodeTooManyParameters,
	apperr.CodeMalformedRequest,
	apperr.CodeMethodNotAllowed,
	apperr.CodeAPIKeyOutOfScope, // a sub-key outside its limits (api-keys)
	apperr.CodeRateLimited,      // HTTP 429 over --rate-limit
}

// errorCode is one code a command may answer, with its texts.
type errorCode struct {
	Code string
	apperr.Description
	// Scope is "command" for the catalogue's codes of the command and the
	// ones every authenticated command can answer (authorization-failed, the
	// parameter error code), "server" for serverCodes.
	Scope string
}

// commandCodes returns the codes cmd may answer that are specific to it:
// its catalogue codes in catalogue order, then authorization-failed (every
// request is authenticated) and, for a command with parameters, the
// parameter error code the decoder answers (cmd.ParamErrorCode), when the
// catalogue does not list them already.
func commandCodes(cmd spec.Command) ([]errorCode, error) {
	codes := make([]string, 0, len(cmd.Errors)+2)
	codes = append(codes, cmd.Errors...)
	codes = append(codes, apperr.CodeAuthorizationFailed)
	if len(cmd.Params) > 0 {
		codes = append(codes, cmd.ParamErrorCode())
	}
	if cmd.IdempotencyKey {
		codes = append(codes, spec.IdempotencyCodes...)
	}
	return describe(codes, "command", cmd.Path())
}

// allCodes returns commandCodes followed by serverCodes.
func allCodes(cmd spec.Command) ([]errorCode, error) {
	own, err := commandCodes(cmd)
	if err != nil {
		return nil, err
	}
	srv, err := describe(serverCodes, "server", cmd.Path())
	if err != nil {
		return nil, err
	}
	seen := make(map[string]bool, len(own))
	for _, c := range own {
		seen[c.Code] = true
	}
	for _, c := range srv {
		if !seen[c.Code] {
			own = append(own, c)
		}
	}
	return own, nil
}

// describe looks codes up in apperr.Descriptions, dropping repeats. A code
// without both texts is an error: the document must not promise a code the
// server cannot describe.
func describe(codes []string, scope, where string) ([]errorCode, error) {
	out := make([]errorCode, 0, len(codes))
	seen := make(map[string]bool, len(codes))
	for _, c := range codes {
		if seen[c] {
			continue
		}
		seen[c] = true
		d, ok := apperr.Descriptions[c]
		if !ok || d.PL == "" || d.EN == "" {
			return nil, fmt.Errorf("%s: error code %q has no pl/en description", where, c)
		}
		out = append(out, errorCode{Code: c, Description: d, Scope: scope})
	}
	return out, nil
}

// formName returns the wire name of parameter p nested in prefix:
// "prefix[name]", or "name" at the top level. The children of an object-list
// item have the prefix "name[N]".
func formName(prefix string, p spec.Param) string {
	name := p.Name
	if prefix != "" {
		name = prefix + "[" + p.Name + "]"
	}
	return name
}

// operationID returns the camelCase operationId of cmd:
// "rev-dns/edit-primary-records" gives "revDnsEditPrimaryRecords".
func operationID(cmd spec.Command) string {
	var b strings.Builder
	words := strings.FieldsFunc(cmd.Module+"-"+cmd.Name, func(r rune) bool {
		return r == '-' || r == '_' || r == '/' || r == '.'
	})
	for i, w := range words {
		if i > 0 && w != "" {
			w = strings.ToUpper(w[:1]) + w[1:]
		}
		b.WriteString(w)
	}
	return b.String()
}
