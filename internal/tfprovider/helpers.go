package tfprovider

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/artnet-panel/artnet-panel/artnet"
)

// clientFrom is the Configure step of every resource and data source: the
// provider's *artnet.Client, or nil (with no error) before the provider is
// configured (at validation time).
func clientFrom(providerData any, diags *diag.Diagnostics) *artnet.Client {
	if providerData == nil {
		return nil
	}
	c, ok := providerData.(*artnet.Client)
	if !ok {
		diags.AddError("Unexpected provider data",
			fmt.Sprintf("want *artnet.Client, got %T (a bug of the provider)", providerData))
		return nil
	}
	return c
}

// notConfigured adds the error of a resource used while the provider's
// configuration is unknown, and reports whether it did.
func notConfigured(c *artnet.Client, diags *diag.Diagnostics) bool {
	if c != nil {
		return false
	}
	diags.AddError("artnet provider not configured",
		"The provider's id, api_key or endpoint is not known yet (it depends on a value known only after apply).")
	return true
}

// addAPIError adds err as an error diagnostic: what failed in the summary;
// for an API error its code, English text and errors_details in the
// detail (the code is what the API documentation lists).
func addAPIError(diags *diag.Diagnostics, what string, err error) {
	diags.AddError(what, describeError(err))
}

// describeError is the detail of addAPIError.
func describeError(err error) string {
	var e *artnet.Error
	if !errors.As(err, &e) {
		return err.Error()
	}
	var b strings.Builder
	fmt.Fprintf(&b, "The API answered %s", e.Code)
	if e.Description.EN != "" {
		fmt.Fprintf(&b, ": %s", e.Description.EN)
	}
	for _, d := range e.ErrorsDetails {
		b.WriteString("\n  - ")
		if d.Direction != "" {
			b.WriteString(d.Direction + " ")
		}
		if d.Index != "" {
			b.WriteString("[" + d.Index + "] ")
		}
		if d.Field != "" {
			b.WriteString(d.Field + ": ")
		}
		b.WriteString(d.Message)
	}
	if e.RetryAfter > 0 {
		fmt.Fprintf(&b, "\n(the server asked to retry after %s)", e.RetryAfter)
	}
	return b.String()
}

// isNotFound reports whether err is the API's answer for a missing object:
// one of codes (the "invalid-…-id" code of the command). Another
// customer's object answers exactly the same, so it is gone for us too;
// Read then removes the resource from the state.
func isNotFound(err error, codes ...string) bool {
	return len(codes) > 0 && artnet.IsError(err, codes...)
}

// splitImportID splits an import id of n parts joined by "/" (the last
// part takes the rest, so it may contain "/"); format names the parts for
// the error message ("zone_id/name/type/data1").
func splitImportID(id string, n int, format string) ([]string, error) {
	parts := strings.SplitN(id, "/", n)
	if len(parts) != n {
		return nil, fmt.Errorf("import id %q: want %s", id, format)
	}
	for i, p := range parts {
		if p == "" && i < n-1 {
			return nil, fmt.Errorf("import id %q: want %s (part %d is empty)", id, format, i+1)
		}
	}
	return parts, nil
}

// parseID parses a positive integer id (an import id part).
func parseID(field, s string) (int64, error) {
	v, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil || v <= 0 {
		return 0, fmt.Errorf("%s %q: want a positive integer", field, s)
	}
	return v, nil
}

// tfsdkPlan and setter are the Get of a plan and the Set of a state, so
// that Create and Update can share their code.
type (
	tfsdkPlan interface {
		Get(ctx context.Context, target any) diag.Diagnostics
	}
	setter interface {
		Set(ctx context.Context, val any) diag.Diagnostics
	}
)

// serviceGone tells whether err, the answer of a command naming a
// service, means the service is gone: the API answers a missing service
// (or another customer's) with authorization-failed, the code of a bad
// key too. That code counts as "gone" only when the key still works (a
// /services/list call succeeds); else that call's error is returned.
func serviceGone(ctx context.Context, c *artnet.Client, err error) (bool, error) {
	if !artnet.IsError(err, artnet.ErrCodeAuthorizationFailed, artnet.ErrCodeInvalidID) {
		return false, nil
	}
	if _, err := c.Services.List(ctx, artnet.ServiceListOpts{Limit: 1}); err != nil {
		return false, err
	}
	return true, nil
}

// retrySerial runs one read-modify-write round of an object guarded by a
// serial (a zone's records, a rev-dns subclass) until it does not fail
// with mismatchCode (the object changed between the round's read and its
// write), at most maxEditAttempts rounds, with a jittered backoff between
// them. Each round reads again, so another writer's change is never
// overwritten. what names the object in the final error.
func retrySerial(ctx context.Context, mismatchCode, what string, round func() error) error {
	delay := 50 * time.Millisecond
	for attempt := 1; ; attempt++ {
		err := round()
		if err == nil || !artnet.IsError(err, mismatchCode) {
			return err
		}
		if attempt == maxEditAttempts {
			return fmt.Errorf("%s changed under every one of %d attempts: %w", what, attempt, err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(delay/2 + rand.N(delay)):
		}
		delay = min(2*delay, 2*time.Second)
	}
}
