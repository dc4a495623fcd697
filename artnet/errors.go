package artnet

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// Error codes answered by the API: every code the documentation lists, plus
// the codes of this server that the original service does not document
// (ErrCodeNotImplemented, ErrCodeUnknownCommand, ErrCodeInternalError,
// ErrCodeTooManyFailedLogins and the transport codes). Test them with
// IsError.
const (
	ErrCodeAdminBlackhole                         = "admin-blackhole"
	ErrCodeAuthorizationFailed                    = "authorization-failed"
	ErrCodeDNSServersInsufficient                 = "dns-servers-insufficient"
	ErrCodeDomainAlreadyExists                    = "domain-already-exists"
	ErrCodeDomainNotAllowed                       = "domain-not-allowed"
	ErrCodeEditDNSError                           = "edit-dns-error"
	ErrCodeIncorrectIP                            = "incorrect-ip"
	ErrCodeIncorrectParamValue                    = "incorrect-param-value"
	ErrCodeIncorrectSOASerial                     = "incorrect-soa-serial"
	ErrCodeInstanceBootIncorrectInstallationImage = "instance-boot-incorrect-installation-image"
	ErrCodeInstanceDisplayNameTooLong             = "instance-custom-properties-display-name-too-long"
	ErrCodeInstanceNotesTooLong                   = "instance-custom-properties-notes-too-long"
	ErrCodeInstancePasswordIncorrect              = "instance-password-incorrect"
	ErrCodeInstanceNegotiateCannotDecreaseHDD     = "instance-resources-negotiate-cannot-decrease-hdd"
	ErrCodeInstanceNegotiateIncorrectParameters   = "instance-resources-negotiate-incorrect-parameters"
	ErrCodeInstanceUnableShutdown                 = "instance-unable-shutdown"
	ErrCodeInternalAdditionalIPError              = "internal-additional-ip-error"
	ErrCodeInternalBlackholingIPError             = "internal-blackholing-ip-error"
	ErrCodeInternalCloudPowerOnError              = "internal-cloud-power-on-error"
	ErrCodeInternalDNSError                       = "internal-dns-error"
	ErrCodeInternalErrorInvalidData               = "internal-error-invalid-data"
	ErrCodeInternalErrorInvalidService            = "internal-error-invalid-service"
	ErrCodeInternalFailOverIPError                = "internal-fail-over-ip-error"
	ErrCodeInternalFirewallError                  = "internal-firewall-error"
	ErrCodeInternalInstanceBootMode               = "internal-instance-boot-mode-installation-image"
	ErrCodeInternalInstancePropertiesEdit         = "internal-instance-custom-properties-edit-error"
	ErrCodeInternalInstanceDelete                 = "internal-instance-delete-error"
	ErrCodeInternalInstanceNegotiate              = "internal-instance-resources-negotiate"
	ErrCodeInternalOperationError                 = "internal-operation-error"
	ErrCodeInternalServiceCreateError             = "internal-service-create-error"
	ErrCodeInternalServiceUpdateError             = "internal-service-update-error"
	ErrCodeInternalUpdateError                    = "internal-update-error"
	ErrCodeInvalidID                              = "invalid-id"
	ErrCodeInvalidIPsNumber                       = "invalid-ips-number"
	ErrCodeInvalidOrigin                          = "invalid-origin"
	ErrCodeInvalidParamValue                      = "invalid-param-value"
	ErrCodeInvalidParentServiceType               = "invalid-parent-service-type"
	ErrCodeInvalidRulesetID                       = "invalid-ruleset-id"
	ErrCodeInvalidSerial                          = "invalid-serial"
	ErrCodeInvalidServerID                        = "invalid-server-id"
	ErrCodeInvalidServiceType                     = "invalid-service-type"
	ErrCodeInvalidSubclass                        = "invalid-subclass"
	ErrCodeInvalidZoneID                          = "invalid-zone-id"
	ErrCodeInvalidZoneType                        = "invalid-zone-type"
	ErrCodeIPAlreadyBlackholed                    = "ip-already-blackholed"
	ErrCodeIPNotAllowed                           = "ip-not-allowed"
	ErrCodeIPNotBlackholed                        = "ip-not-blackholed"
	ErrCodePasswordInvalid                        = "password-invalid"
	ErrCodePasswordTooShort                       = "password-too-short"
	ErrCodeRulesSyntaxError                       = "rules-syntax-error"
	ErrCodeServiceSuspended                       = "service-suspended"
	ErrCodeTooManyRules                           = "too-many-rules"
	ErrCodeUnconfirmed                            = "unconfirmed"
	ErrCodeUnresolveableMasterNameserver          = "unresolveable-master-nameserver"
	ErrCodeUnsupportedFeature                     = "unsupported-feature"

	// Codes of artnetd that the original documentation does not list.
	ErrCodeUnknownCommand      = "unknown-command" // shown in the documentation's example only
	ErrCodeNotImplemented      = "not-implemented"
	ErrCodeInternalError       = "internal-error"
	ErrCodeTooManyFailedLogins = "too-many-failed-logins" // HTTP 429 with Retry-After
	ErrCodeRequestTooLarge     = "request-too-large"      // HTTP 413
	ErrCodeTooManyParameters   = "too-many-parameters"    // HTTP 413
	ErrCodeMalformedRequest    = "malformed-request"      // HTTP 400
	ErrCodeMethodNotAllowed    = "method-not-allowed"     // HTTP 405
	ErrCodeServiceUnavailable  = "service-unavailable"

	// Codes of this server's extensions (not in the original documentation).
	ErrCodeNothingToConfirm = "nothing-to-confirm" // /firewall/save-confirm with no save waiting
	// ErrCodeInvalidInvoiceNumber: /invoices/details or download-proforma
	// of an invoice the customer does not have.
	ErrCodeInvalidInvoiceNumber = "invalid-invoice-number"
	// ErrCodeAPIKeyOutOfScope: a sub-key called a command outside its
	// scope, named a service outside its service_ids or came from an
	// address outside its source_prefixes; nothing was done.
	ErrCodeAPIKeyOutOfScope = "api-key-out-of-scope"
	ErrCodeInvalidKeyID     = "invalid-key-id"    // /api-keys/delete of a key the customer does not have
	ErrCodeTooManyAPIKeys   = "too-many-api-keys" // /api-keys/create over the limit
	// ErrCodeRateLimited: HTTP 429 with Retry-After, the key or the
	// customer is over artnetd's --rate-limit (read-only and idempotent
	// commands are retried after Retry-After).
	ErrCodeRateLimited = "rate-limited"
	// Codes of Idempotency-Key (the commands Command.Idempotent).
	ErrCodeIdempotencyKeyMismatch = "idempotency-key-mismatch" // HTTP 422
	ErrCodeIdempotencyKeyInUse    = "idempotency-key-in-use"   // HTTP 409, retried
	ErrCodeIdempotentRequestDone  = "idempotent-request-done"  // carried out, its answer lost
	// Codes of the DNSSEC commands of the dns module (an extension).
	ErrCodeDNSSECAlreadyEnabled   = "dnssec-already-enabled"   // /dns/dnssec-enable of a signed zone
	ErrCodeDNSSECNotEnabled       = "dnssec-not-enabled"       // /dns/dnssec-disable of an unsigned zone
	ErrCodeInvalidDNSSECAlgorithm = "invalid-dnssec-algorithm" // neither ECDSAP256SHA256 nor ED25519
)

// errorCodes lists the ErrCode constants (for the tests).
var errorCodes = []string{
	ErrCodeAdminBlackhole, ErrCodeAuthorizationFailed, ErrCodeDNSServersInsufficient,
	ErrCodeDomainAlreadyExists, ErrCodeDomainNotAllowed, ErrCodeEditDNSError, ErrCodeIncorrectIP,
	ErrCodeIncorrectParamValue, ErrCodeIncorrectSOASerial, ErrCodeInstanceBootIncorrectInstallationImage,
	ErrCodeInstanceDisplayNameTooLong, ErrCodeInstanceNotesTooLong, ErrCodeInstancePasswordIncorrect,
	ErrCodeInstanceNegotiateCannotDecreaseHDD, ErrCodeInstanceNegotiateIncorrectParameters,
	ErrCodeInstanceUnableShutdown, ErrCodeInternalAdditionalIPError, ErrCodeInternalBlackholingIPError,
	ErrCodeInternalCloudPowerOnError, ErrCodeInternalDNSError, ErrCodeInternalErrorInvalidData,
	ErrCodeInternalErrorInvalidService, ErrCodeInternalFailOverIPError, ErrCodeInternalFirewallError,
	ErrCodeInternalInstanceBootMode, ErrCodeInternalInstancePropertiesEdit, ErrCodeInternalInstanceDelete,
	ErrCodeInternalInstanceNegotiate, ErrCodeInternalOperationError, ErrCodeInternalServiceCreateError,
	ErrCodeInternalServiceUpdateError, ErrCodeInternalUpdateError, ErrCodeInvalidID, ErrCodeInvalidIPsNumber,
	ErrCodeInvalidOrigin, ErrCodeInvalidParamValue, ErrCodeInvalidParentServiceType, ErrCodeInvalidRulesetID,
	ErrCodeInvalidSerial, ErrCodeInvalidServerID, ErrCodeInvalidServiceType, ErrCodeInvalidSubclass,
	ErrCodeInvalidZoneID, ErrCodeInvalidZoneType, ErrCodeIPAlreadyBlackholed, ErrCodeIPNotAllowed,
	ErrCodeIPNotBlackholed, ErrCodePasswordInvalid, ErrCodePasswordTooShort, ErrCodeRulesSyntaxError,
	ErrCodeServiceSuspended, ErrCodeTooManyRules, ErrCodeUnconfirmed, ErrCodeUnresolveableMasterNameserver,
	ErrCodeUnsupportedFeature,
	ErrCodeUnknownCommand, ErrCodeNotImplemented, ErrCodeInternalError, ErrCodeTooManyFailedLogins,
	ErrCodeRequestTooLarge, ErrCodeTooManyParameters, ErrCodeMalformedRequest, ErrCodeMethodNotAllowed,
	ErrCodeServiceUnavailable,
	ErrCodeNothingToConfirm,
	ErrCodeInvalidInvoiceNumber,
	ErrCodeAPIKeyOutOfScope, ErrCodeInvalidKeyID, ErrCodeTooManyAPIKeys,
	ErrCodeRateLimited, ErrCodeIdempotencyKeyMismatch, ErrCodeIdempotencyKeyInUse, ErrCodeIdempotentRequestDone,
	ErrCodeDNSSECAlreadyEnabled, ErrCodeDNSSECNotEnabled, ErrCodeInvalidDNSSECAlgorithm,
}

// Error is an error answered by the API ({"success": false, "error": {...}}).
type Error struct {
	// Code is the documented error code (ErrCode* constants).
	Code string
	// Description is the server's explanation in Polish and English.
	Description Description
	// ErrorsDetails names the offending items of a list parameter, when the
	// server sends them (e.g. rules-syntax-error of /firewall/save).
	ErrorsDetails []ErrorDetail
	// HTTPStatus is the HTTP status of the answer: 200 for answered
	// commands; 405, 413 or 429 for transport failures.
	HTTPStatus int
	// RetryAfter is the wait the server asked for (Retry-After), or 0.
	RetryAfter time.Duration
}

// Error returns "artnet: <code>: <English description>".
func (e *Error) Error() string {
	if e.Description.EN == "" {
		return "artnet: " + e.Code
	}
	return "artnet: " + e.Code + ": " + e.Description.EN
}

// ErrorDetail is one entry of errors_details: the index of the offending
// item of a list parameter, the field, and what is wrong with it.
type ErrorDetail struct {
	// Direction is the traffic direction of a firewall rule ("in" or
	// "out") in the errors_details of /firewall/save; empty otherwise.
	Direction string `json:"direction,omitempty"`
	Index     string `json:"index"`
	Field     string `json:"field,omitempty"`
	Message   string `json:"message"`
}

// UnmarshalJSON reads an entry whose index is a string or a number.
func (d *ErrorDetail) UnmarshalJSON(b []byte) error {
	var raw struct {
		Direction string          `json:"direction"`
		Index     json.RawMessage `json:"index"`
		Field     string          `json:"field"`
		Message   string          `json:"message"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	idx := strings.TrimSpace(string(raw.Index))
	if strings.HasPrefix(idx, `"`) {
		if err := json.Unmarshal(raw.Index, &idx); err != nil {
			return err
		}
	} else if idx == "null" {
		idx = ""
	}
	*d = ErrorDetail{Direction: raw.Direction, Index: idx, Field: raw.Field, Message: raw.Message}
	return nil
}

// IsError reports whether err is (or wraps) an *Error whose code is one of
// codes. With no codes it reports whether err is an API error at all.
func IsError(err error, codes ...string) bool {
	var e *Error
	if !errors.As(err, &e) {
		return false
	}
	if len(codes) == 0 {
		return true
	}
	for _, c := range codes {
		if e.Code == c {
			return true
		}
	}
	return false
}

// ResponseError is returned when the server's answer is not the API's JSON
// envelope (an HTML error page of a proxy, a truncated body, ...).
type ResponseError struct {
	Path       string // the command, e.g. "services/list"
	HTTPStatus int
	// RetryAfter is the wait the server asked for (Retry-After), or 0.
	RetryAfter time.Duration
	// Snippet is the beginning of the body (at most 256 bytes).
	Snippet string
	// Err says what is wrong with the body.
	Err error
}

func (e *ResponseError) Error() string {
	return fmt.Sprintf("artnet: %s: unexpected answer (HTTP %d %s): %v", e.Path, e.HTTPStatus, http.StatusText(e.HTTPStatus), e.Err)
}

func (e *ResponseError) Unwrap() error { return e.Err }

// ValidationError is returned by the options' Validate methods, and by the
// client before it sends anything when the options are not valid.
type ValidationError struct {
	Field  string // the parameter, e.g. "service_id", "records[2][type]"
	Reason string
}

func (e *ValidationError) Error() string {
	return "artnet: invalid " + e.Field + ": " + e.Reason
}

func invalid(field, format string, args ...any) error {
	return &ValidationError{Field: field, Reason: fmt.Sprintf(format, args...)}
}
