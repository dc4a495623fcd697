package tfprovider

import (
	"context"
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/artnet-panel/artnet-panel/artnet"
	"github.com/artnet-panel/artnet-panel/internal/apperr"
	"github.com/artnet-panel/artnet-panel/internal/panel"
)

func init() { registerResource(newDomainDelegationResource) }

// domainDelegationResource is artnet_domain_delegation: the DNS servers
// of a domain service (/domain/edit-dns-servers), in order.
type domainDelegationResource struct{ c *artnet.Client }

func newDomainDelegationResource() resource.Resource { return &domainDelegationResource{} }

type domainDelegationModel struct {
	ServiceID  types.Int64  `tfsdk:"service_id"`
	DNSServers types.List   `tfsdk:"dns_servers"`
	DomainName types.String `tfsdk:"domain_name"`
}

var (
	_ resource.ResourceWithConfigure   = (*domainDelegationResource)(nil)
	_ resource.ResourceWithImportState = (*domainDelegationResource)(nil)
)

func (r *domainDelegationResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_domain_delegation"
}

func (r *domainDelegationResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The delegation of a domain service: its DNS servers at the registry, in order " +
			"(`/domain/edit-dns-servers`; the order is significant). A domain always has a delegation: " +
			"destroying the resource leaves the DNS servers as they are (and says so).\n\n" +
			"Import: `tofu import artnet_domain_delegation.NAME SERVICE_ID`.",
		Attributes: map[string]schema.Attribute{
			"service_id": schema.Int64Attribute{
				Required:            true,
				MarkdownDescription: "The domain service (`/domain/list`).",
				PlanModifiers:       []planmodifier.Int64{int64planmodifier.RequiresReplace()},
				Validators:          []validator.Int64{int64validator.AtLeast(1)},
			},
			"dns_servers": schema.ListAttribute{
				Required:    true,
				ElementType: types.StringType,
				MarkdownDescription: fmt.Sprintf("Host names of the DNS servers, in order: %d to %d, no IP addresses, "+
					"no repeats. The server stores them in lower case without a trailing dot; a configuration "+
					"differing only so is kept as written.", panel.MinDNSServers, panel.MaxDNSServers),
				Validators: []validator.List{dnsServersValidator{}},
			},
			"domain_name": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The domain of the service.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
		},
	}
}

func (r *domainDelegationResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.c = clientFrom(req.ProviderData, &resp.Diagnostics)
}

// dnsServersValidator checks the list with the server's rules
// (panel.NormalizeDNSServers).
type dnsServersValidator struct{}

func (dnsServersValidator) Description(context.Context) string {
	return fmt.Sprintf("%d to %d distinct host names", panel.MinDNSServers, panel.MaxDNSServers)
}
func (v dnsServersValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (dnsServersValidator) ValidateList(ctx context.Context, req validator.ListRequest, resp *validator.ListResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	var names []types.String
	resp.Diagnostics.Append(req.ConfigValue.ElementsAs(ctx, &names, false)...)
	list := make([]string, 0, len(names))
	for _, n := range names {
		if n.IsUnknown() {
			return
		}
		list = append(list, n.ValueString())
	}
	if _, err := panel.NormalizeDNSServers(list); err != nil {
		var ae *apperr.Error
		msg := err.Error()
		if errors.As(err, &ae) {
			msg = ae.Code
			if ae.Detail != "" {
				msg += ": " + ae.Detail
			}
			if ae.Code == apperr.CodeDNSServersInsufficient {
				msg += fmt.Sprintf(" (at least %d DNS servers)", panel.MinDNSServers)
			}
		}
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid dns_servers", msg)
	}
}

func (r *domainDelegationResource) write(ctx context.Context, plan tfsdkPlan, state setter, diags *diag.Diagnostics) {
	var m domainDelegationModel
	diags.Append(plan.Get(ctx, &m)...)
	if diags.HasError() {
		return
	}
	var servers []string
	diags.Append(m.DNSServers.ElementsAs(ctx, &servers, false)...)
	if diags.HasError() {
		return
	}
	err := r.c.Domain.EditDNSServers(ctx, artnet.DomainEditDNSServersOpts{ServiceID: m.ServiceID.ValueInt64(), DNSServers: servers})
	if err != nil {
		addAPIError(diags, fmt.Sprintf("Changing the DNS servers of domain service %d", m.ServiceID.ValueInt64()), err)
		return
	}
	if !r.read(ctx, &m, diags) {
		if !diags.HasError() {
			diags.AddError("Domain service vanished", fmt.Sprintf("service %d is no longer listed", m.ServiceID.ValueInt64()))
		}
		return
	}
	diags.Append(state.Set(ctx, &m)...)
}

// read fills m from /domain/details (false: the service is gone).
func (r *domainDelegationResource) read(ctx context.Context, m *domainDelegationModel, diags *diag.Diagnostics) bool {
	d, err := r.c.Domain.Details(ctx, m.ServiceID.ValueInt64())
	if err != nil {
		if gone, err2 := serviceGone(ctx, r.c, err); gone {
			return false
		} else if err2 != nil {
			err = err2
		}
		addAPIError(diags, fmt.Sprintf("Reading domain service %d", m.ServiceID.ValueInt64()), err)
		return false
	}
	m.DomainName = types.StringValue(d.DomainName)
	var configured []types.String
	if !m.DNSServers.IsNull() && !m.DNSServers.IsUnknown() {
		diags.Append(m.DNSServers.ElementsAs(ctx, &configured, false)...)
	}
	out := make([]types.String, len(d.DNSServers))
	for i, s := range d.DNSServers {
		out[i] = types.StringValue(s)
		if len(configured) == len(d.DNSServers) {
			out[i] = keepSpelling(configured[i], s, sameDomain)
		}
	}
	l, dd := types.ListValueFrom(ctx, types.StringType, out)
	diags.Append(dd...)
	m.DNSServers = l
	return true
}

func (r *domainDelegationResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	if notConfigured(r.c, &resp.Diagnostics) {
		return
	}
	r.write(ctx, req.Plan, &resp.State, &resp.Diagnostics)
}

func (r *domainDelegationResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	if notConfigured(r.c, &resp.Diagnostics) {
		return
	}
	r.write(ctx, req.Plan, &resp.State, &resp.Diagnostics)
}

func (r *domainDelegationResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	if notConfigured(r.c, &resp.Diagnostics) {
		return
	}
	var m domainDelegationModel
	resp.Diagnostics.Append(req.State.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !r.read(ctx, &m, &resp.Diagnostics) {
		if !resp.Diagnostics.HasError() {
			resp.State.RemoveResource(ctx)
		}
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// Delete leaves the delegation as it is: a domain cannot be without DNS
// servers.
func (r *domainDelegationResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var m domainDelegationModel
	resp.Diagnostics.Append(req.State.Get(ctx, &m)...)
	resp.Diagnostics.AddWarning("Delegation left as it is",
		fmt.Sprintf("artnet_domain_delegation only stops managing domain service %d (%s): its DNS servers stay as they are; "+
			"a domain cannot be without DNS servers.", m.ServiceID.ValueInt64(), m.DomainName.ValueString()))
}

func (r *domainDelegationResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	id, err := parseID("service id", req.ID)
	if err != nil {
		resp.Diagnostics.AddError("Invalid import id", err.Error()+" (the domain service's id)")
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("service_id"), id)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("dns_servers"), types.ListNull(types.StringType))...)
}
