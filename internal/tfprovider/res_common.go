package tfprovider

import (
	"context"
	"errors"
	"fmt"
	"net/netip"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
)

// Helpers of the network and cloud resources (firewall, blackhole,
// fail-over IP, cloud instance).

func init() {
	registerResource(NewFirewallRulesetResource)
	registerResource(NewIPBlackholeResource)
	registerResource(NewFailoverIPResource)
	registerResource(NewCloudInstanceResource)
}

// canonicalIP checks that s is an IPv4 or IPv6 address written the way the
// API writes it back (lower case, shortest IPv6 form, IPv4 not mapped), so
// that what is planned is what is read. It returns the address.
func canonicalIP(diags *diag.Diagnostics, p path.Path, s string) (netip.Addr, bool) {
	a, err := netip.ParseAddr(s)
	if err != nil || a.Zone() != "" {
		diags.AddAttributeError(p, "Not an IP address", fmt.Sprintf("%q is not an IPv4 or IPv6 address.", s))
		return a, false
	}
	if c := a.Unmap().String(); c != s {
		diags.AddAttributeError(p, "IP address not in canonical form",
			fmt.Sprintf("Write %q as %q: the API answers addresses in this form, and anything else would show as a change on every plan.", s, c))
		return a, false
	}
	return a, true
}

// notedError is an API error with what it means for the user (the note),
// which addAPIError alone would drop: it shows the API's answer only.
type notedError struct {
	err  error
	note string
}

func (e *notedError) Error() string { return e.err.Error() + "; " + e.note }
func (e *notedError) Unwrap() error { return e.err }

// addNotedError adds err as addAPIError does, followed by its note.
func addNotedError(diags *diag.Diagnostics, what string, err error) {
	detail := describeError(err)
	var n *notedError
	if errors.As(err, &n) {
		detail += "\n\n" + n.note
	}
	diags.AddError(what, detail)
}

// refresh is the Read of a resource whose read fills its model from the
// API: an object gone (or another customer's: the API answers alike)
// leaves the state, so the next plan creates it again.
func refresh[M any](ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse, what string,
	read func(context.Context, *M) (bool, error)) {
	var m M
	resp.Diagnostics.Append(req.State.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	found, err := read(ctx, &m)
	if err != nil {
		addAPIError(&resp.Diagnostics, what, err)
		return
	}
	if !found {
		resp.State.RemoveResource(ctx)
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, m)...)
}
