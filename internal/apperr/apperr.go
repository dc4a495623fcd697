// Package apperr holds the one application error type and the catalogue of
// error codes with their Polish and English descriptions.
//
// Every error a customer can see is an *Error with a code from the catalogue
// (codes.go). Anything else that reaches the HTTP edge is reported as
// internal-error and logged with the request id; its text never reaches the
// customer.
package apperr

import (
	"errors"
	"fmt"
)

// Error is an application error: a documented code, plus optional detail
// for the customer.
type Error struct {
	// Code is one of the codes of the catalogue (Code* constants).
	Code string
	// Detail, when set, is appended to both descriptions (e.g. "record 3:
	// invalid IPv4 address"). It must never contain internal information.
	Detail string
	// Details, when set, is sent as errors_details beside the error object:
	// one entry per offending item (record index, field, message).
	Details []ItemError
	// Cause is the internal error behind an internal-* code. It is logged
	// with the request id and never sent to the customer.
	Cause error
}

// ItemError names the item of a list parameter that failed validation.
type ItemError struct {
	// Direction is the traffic direction of a firewall rule ("in", "out").
	Direction string `json:"direction,omitempty"`
	Index     string `json:"index"`
	Field     string `json:"field,omitempty"`
	Message   string `json:"message"`
}

// Unwrap returns the internal cause, if any.
func (e *Error) Unwrap() error { return e.Cause }

// Internal returns an *Error with an internal-* code that hides cause from
// the customer.
func Internal(code string, cause error) *Error { return &Error{Code: code, Cause: cause} }

func (e *Error) Error() string {
	if e.Cause != nil {
		return e.Code + ": " + e.Cause.Error()
	}
	if e.Detail != "" {
		return e.Code + ": " + e.Detail
	}
	return e.Code
}

// New returns an *Error with the given code.
func New(code string) *Error { return &Error{Code: code} }

// Errorf returns an *Error with the given code and a customer-visible detail.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Detail: fmt.Sprintf(format, args...)}
}

// CodeOf returns the application error code of err, or CodeInternal when
// err is not (and does not wrap) an *Error.
func CodeOf(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return CodeInternal
}

// Is reports whether err is an application error with one of the codes.
func Is(err error, codes ...string) bool {
	var e *Error
	if !errors.As(err, &e) {
		return false
	}
	for _, c := range codes {
		if e.Code == c {
			return true
		}
	}
	return false
}
