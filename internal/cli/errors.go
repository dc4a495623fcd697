package cli

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/artnet-panel/artnet-panel/artnet"
	"github.com/artnet-panel/artnet-panel/internal/apperr"
)

// Exit statuses.
const (
	exitOK    = 0
	exitError = 1 // the command failed (API error, network, refused confirmation)
	exitUsage = 2 // bad flags or arguments
)

// UsageError is a mistake in the command line.
type UsageError struct{ Err error }

func (e *UsageError) Error() string { return e.Err.Error() }
func (e *UsageError) Unwrap() error { return e.Err }

// usageErrorf returns a *UsageError.
func usageErrorf(format string, args ...any) error {
	return &UsageError{fmt.Errorf(format, args...)}
}

// silentError has been reported already; only its exit status matters.
type silentError struct{ code int }

func (e *silentError) Error() string { return fmt.Sprintf("exit status %d", e.code) }

// reportError prints err to stderr and returns the exit status.
func (f *Factory) reportError(cmd *cobra.Command, err error) int {
	w := f.IO.ErrOut
	var silent *silentError
	if errors.As(err, &silent) {
		return silent.code
	}
	var apiErr *artnet.Error
	if errors.As(err, &apiErr) {
		writeAPIError(w, apiErr, f.Lang())
		return exitError
	}
	var ue *UsageError
	var ve *artnet.ValidationError
	switch {
	case errors.As(err, &ue) || !f.ran:
		// cobra's own errors (unknown command or flag, wrong arguments)
		// come before any RunE.
		fmt.Fprintf(w, "error: %v\n", err)
		if cmd != nil {
			fmt.Fprintf(w, "Run '%s --help' for usage.\n", cmd.CommandPath())
		}
		return exitUsage
	case errors.As(err, &ve):
		// The SDK checks the options before sending anything.
		fmt.Fprintf(w, "error: invalid %s: %s\n", ve.Field, ve.Reason)
		if cmd != nil {
			fmt.Fprintf(w, "Run '%s --help' for usage.\n", cmd.CommandPath())
		}
		return exitUsage
	case errors.Is(err, context.Canceled):
		fmt.Fprintln(w, "error: interrupted")
		return exitError
	case errors.Is(err, context.DeadlineExceeded):
		fmt.Fprintln(w, "error: timed out (see --timeout)")
		return exitError
	}
	fmt.Fprintf(w, "error: %v\n", err)
	return exitError
}

// writeAPIError prints "error: <code>: <description>" in lang, then the
// offending items the server named.
func writeAPIError(w io.Writer, e *artnet.Error, lang string) {
	desc := e.Description.EN
	if lang == "pl" {
		desc = e.Description.PL
	}
	if desc == "" {
		// An answer without descriptions: use the catalogue's texts.
		if d, ok := apperr.Descriptions[e.Code]; ok {
			desc = d.EN
			if lang == "pl" {
				desc = d.PL
			}
		}
	}
	if desc == "" {
		fmt.Fprintf(w, "error: %s\n", e.Code)
	} else {
		fmt.Fprintf(w, "error: %s: %s\n", e.Code, desc)
	}
	for _, d := range e.ErrorsDetails {
		item := d.Index
		if d.Direction != "" {
			// A firewall rule: its direction and index, as in the rules file.
			item = d.Direction + "[" + d.Index + "]"
		}
		if d.Field != "" {
			item += " " + d.Field
		}
		fmt.Fprintf(w, "  %s: %s\n", item, d.Message)
	}
	if e.RetryAfter > 0 {
		if lang == "pl" {
			fmt.Fprintf(w, "  ponów za %s\n", e.RetryAfter)
		} else {
			fmt.Fprintf(w, "  retry after %s\n", e.RetryAfter)
		}
	}
}
