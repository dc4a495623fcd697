package tfprovider

import (
	"context"
	"fmt"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/listplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/artnet-panel/artnet-panel/artnet"
)

// artnet_failover_ip: the real IP (the target) of a fail-over IP service
// (/fail-over-ip/details, /fail-over-ip/switch). The service is the
// operator's: the resource manages only where its virtual IP points.
// Destroy leaves the address routed where it is and says so.

var (
	_ resource.ResourceWithConfigure      = (*failoverResource)(nil)
	_ resource.ResourceWithImportState    = (*failoverResource)(nil)
	_ resource.ResourceWithModifyPlan     = (*failoverResource)(nil)
	_ resource.ResourceWithValidateConfig = (*failoverResource)(nil)
)

// NewFailoverIPResource returns the artnet_failover_ip resource.
func NewFailoverIPResource() resource.Resource { return &failoverResource{} }

type failoverResource struct{ c *artnet.Client }

type failoverModel struct {
	ServiceID          types.Int64  `tfsdk:"service_id"`
	RealIP             types.String `tfsdk:"real_ip"`
	VirtualIP          types.String `tfsdk:"virtual_ip"`
	RealIPsAllowedList types.List   `tfsdk:"real_ips_allowed_list"`
}

func (r *failoverResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_failover_ip"
}

func (r *failoverResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		Description: "The real IP (target) of a fail-over IP service: where the traffic of its virtual IP goes " +
			"(/fail-over-ip/switch). The service itself is not created or deleted: destroying the resource " +
			"leaves the virtual IP routed to its last real IP (a warning says so).",
		MarkdownDescription: "The real IP (target) of a fail-over IP service: where the traffic of its virtual IP goes (`/fail-over-ip/details`, " +
			"`/fail-over-ip/switch`; artnetd announces the virtual IP's host route with the real IP as next hop over BGP).\n\n" +
			"The service belongs to the operator and always points somewhere: **create** switches it to `real_ip`; **destroy changes " +
			"nothing**: the virtual IP stays routed to its last real IP, and a warning says so. `real_ip` is checked at plan time against " +
			"the service's `real_ips_allowed_list` (one `/fail-over-ip/details` call). A switch made outside this configuration shows as a " +
			"change of `real_ip` in the next plan.\n\n" +
			"Import: `tofu import artnet_failover_ip.NAME SERVICE_ID` (the id of `/fail-over-ip/list`).",
		Attributes: map[string]schema.Attribute{
			"service_id": schema.Int64Attribute{
				Required:      true,
				Description:   "ID of the fail-over IP service (import id).",
				PlanModifiers: []planmodifier.Int64{int64planmodifier.RequiresReplace()},
			},
			"real_ip": schema.StringAttribute{
				Required:    true,
				Description: "The address the virtual IP is routed to: one of real_ips_allowed_list (checked at plan time), in canonical form.",
			},
			"virtual_ip": schema.StringAttribute{
				Computed:      true,
				Description:   "The service's virtual IP.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"real_ips_allowed_list": schema.ListAttribute{
				Computed:      true,
				ElementType:   types.StringType,
				Description:   "The addresses real_ip may be.",
				PlanModifiers: []planmodifier.List{listplanmodifier.UseStateForUnknown()},
			},
		},
	}
}

func (r *failoverResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.c = clientFrom(req.ProviderData, &resp.Diagnostics)
}

func (r *failoverResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var m failoverModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !m.ServiceID.IsNull() && !m.ServiceID.IsUnknown() && m.ServiceID.ValueInt64() <= 0 {
		resp.Diagnostics.AddAttributeError(path.Root("service_id"), "Invalid service_id", "service_id must be a positive number.")
	}
	if !m.RealIP.IsNull() && !m.RealIP.IsUnknown() {
		canonicalIP(&resp.Diagnostics, path.Root("real_ip"), m.RealIP.ValueString())
	}
}

// ModifyPlan checks real_ip against the service's real_ips_allowed_list
// (one /fail-over-ip/details call), so a plan never promises a switch the
// server refuses.
func (r *failoverResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || r.c == nil {
		return
	}
	var m failoverModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() || m.ServiceID.IsUnknown() || m.RealIP.IsUnknown() {
		return
	}
	d, err := r.c.FailOverIP.Details(ctx, m.ServiceID.ValueInt64())
	if err != nil {
		if artnet.IsError(err, artnet.ErrCodeAuthorizationFailed, artnet.ErrCodeInvalidServiceType) {
			resp.Diagnostics.AddAttributeError(path.Root("service_id"), "No such fail-over IP service",
				fmt.Sprintf("Service %d is not one of your fail-over IP services (%v).", m.ServiceID.ValueInt64(), err))
			return
		}
		addAPIError(&resp.Diagnostics, "fail-over-ip/details", err)
		return
	}
	if !slices.Contains(d.RealIPsAllowedList, m.RealIP.ValueString()) {
		resp.Diagnostics.AddAttributeError(path.Root("real_ip"), "real_ip not allowed",
			fmt.Sprintf("%s is not in the service's real_ips_allowed_list %v.", m.RealIP.ValueString(), d.RealIPsAllowedList))
		return
	}
	if m.VirtualIP.IsUnknown() {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("virtual_ip"), d.VirtualIP)...)
	}
	if m.RealIPsAllowedList.IsUnknown() {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("real_ips_allowed_list"), d.RealIPsAllowedList)...)
	}
}

// read fills m from the API; found is false when the service is gone
// (or not the customer's: the API answers both alike).
func (r *failoverResource) read(ctx context.Context, m *failoverModel) (found bool, err error) {
	d, err := r.c.FailOverIP.Details(ctx, m.ServiceID.ValueInt64())
	if artnet.IsError(err, artnet.ErrCodeAuthorizationFailed) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	m.RealIP = types.StringValue(string(d.RealIP))
	if d.RealIP == "" {
		m.RealIP = types.StringNull()
	}
	m.VirtualIP = types.StringValue(d.VirtualIP)
	list, _ := types.ListValueFrom(ctx, types.StringType, d.RealIPsAllowedList)
	m.RealIPsAllowedList = list
	return true, nil
}

func (r *failoverResource) apply(ctx context.Context, plan failoverModel) (failoverModel, error) {
	err := r.c.FailOverIP.Switch(ctx, artnet.FailOverIPSwitchOpts{ServiceID: plan.ServiceID.ValueInt64(), RealIP: plan.RealIP.ValueString()})
	if err != nil {
		return plan, err
	}
	found, err := r.read(ctx, &plan)
	if err == nil && !found {
		err = fmt.Errorf("fail-over IP service %d vanished after the switch", plan.ServiceID.ValueInt64())
	}
	return plan, err
}

func (r *failoverResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	if notConfigured(r.c, &resp.Diagnostics) {
		return
	}
	r.save(ctx, req.Plan, &resp.State, &resp.Diagnostics)
}

// save switches to the planned real_ip (Create and Update alike: the
// service always exists) and stores what the API answers.
func (r *failoverResource) save(ctx context.Context, p tfsdk.Plan, state *tfsdk.State, diags *diag.Diagnostics) {
	var plan failoverModel
	diags.Append(p.Get(ctx, &plan)...)
	if diags.HasError() {
		return
	}
	m, err := r.apply(ctx, plan)
	if err != nil {
		addAPIError(diags, "fail-over-ip/switch", err)
		return
	}
	diags.Append(state.Set(ctx, m)...)
}

func (r *failoverResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	if notConfigured(r.c, &resp.Diagnostics) {
		return
	}
	refresh(ctx, req, resp, "fail-over-ip/details", r.read)
}

func (r *failoverResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	if notConfigured(r.c, &resp.Diagnostics) {
		return
	}
	r.save(ctx, req.Plan, &resp.State, &resp.Diagnostics)
}

// Delete changes nothing: a fail-over IP always points somewhere, and the
// API has no "unset".
func (r *failoverResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	if notConfigured(r.c, &resp.Diagnostics) {
		return
	}
	var m failoverModel
	resp.Diagnostics.Append(req.State.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.AddWarning("Fail-over IP left in place",
		fmt.Sprintf("The virtual IP %s (service %d) stays routed to %s: the API cannot unset a fail-over IP's target. "+
			"It is no longer managed by this configuration.",
			m.VirtualIP.ValueString(), m.ServiceID.ValueInt64(), m.RealIP.ValueString()))
}

// ImportState takes the service id.
func (r *failoverResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	id, err := parseID("service_id", req.ID)
	if err != nil {
		resp.Diagnostics.AddError("Invalid import id", err.Error())
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("service_id"), id)...)
}
