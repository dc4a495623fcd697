package tfprovider

import (
	"context"
	"net/netip"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/artnet-panel/artnet-panel/internal/panel"
)

// Plan-time validators with the server's own rules (internal/panel), so
// that a plan fails where the apply would.

// domainValidator: a zone's domain as the server accepts it
// (panel.NormalizeDomain).
type domainValidator struct{}

func (domainValidator) Description(context.Context) string {
	return "a domain name of at least two labels"
}
func (v domainValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (domainValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if _, err := panel.NormalizeDomain(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid domain", err.Error())
	}
}

// masterValidator: a secondary zone's master name server, a host name or
// an IP address zones may be transferred from (not loopback, link-local,
// multicast or unspecified).
type masterValidator struct{}

func (masterValidator) Description(context.Context) string {
	return "a host name or a routable IP address"
}
func (v masterValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (masterValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	s := strings.TrimSpace(req.ConfigValue.ValueString())
	if ip, err := netip.ParseAddr(strings.TrimSuffix(strings.TrimPrefix(s, "["), "]")); err == nil {
		ip = ip.Unmap()
		if ip.Zone() != "" || ip.IsUnspecified() || ip.IsLoopback() || ip.IsMulticast() ||
			ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() || ip.IsInterfaceLocalMulticast() {
			resp.Diagnostics.AddAttributeError(req.Path, "Invalid master_nameserver",
				s+" cannot be a master name server (loopback, link-local, multicast and unspecified addresses are refused).")
		}
		return
	}
	if _, err := panel.NormalizeDomain(s); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid master_nameserver", err.Error())
	}
}

// keepSpelling returns the server's value, or the configured one when the
// two are the same by same (the server normalises case, dots...): the
// configuration then shows no diff, and a real change made on the server
// still does.
func keepSpelling(configured types.String, server string, same func(a, b string) bool) types.String {
	if !configured.IsNull() && !configured.IsUnknown() && same(configured.ValueString(), server) {
		return configured
	}
	return types.StringValue(server)
}
