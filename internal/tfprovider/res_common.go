package tfprovider

import (
	"fmt"
	"net/netip"
	"strconv"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/artnet-panel/artnet-panel/artnet"
)

// Helpers of the network and cloud resources (firewall, blackhole,
// fail-over IP, cloud instance).

// resClient takes the SDK client the provider hands to its resources.
func resClient(req resource.ConfigureRequest, resp *resource.ConfigureResponse) *artnet.Client {
	if req.ProviderData == nil { // ValidateResourceConfig runs before the provider is configured
		return nil
	}
	c, ok := req.ProviderData.(*artnet.Client)
	if !ok {
		resp.Diagnostics.AddError("Unexpected provider data", fmt.Sprintf("want *artnet.Client, got %T", req.ProviderData))
		return nil
	}
	return c
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

// parseImportID reads a numeric import id.
func parseImportID(diags *diag.Diagnostics, id, what string) (int64, bool) {
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil || n <= 0 {
		diags.AddError("Invalid import id", fmt.Sprintf("The import id is the %s, a positive number; got %q.", what, id))
		return 0, false
	}
	return n, true
}

// apiError reports a failed API call as an error diagnostic.
func apiError(diags *diag.Diagnostics, what string, err error) {
	diags.AddError("Artnet API: "+what, err.Error())
}

func netipParse(s string) (netip.Addr, error) { return netip.ParseAddr(s) }
