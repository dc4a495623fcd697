package tfprovider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/artnet-panel/artnet-panel/artnet"
)

// artnet_ip_blackhole: the blackholing of one of the customer's addresses
// (/ip-blackholing/enable, list, disable).
//
// Blackholes of type "admin" are set by the network administrator; the
// customer cannot remove them. The resource never creates one (enable
// makes type "customer"); when the address it manages turns out to be an
// admin blackhole (the operator took it over, or it was imported), its
// type shows "admin" and destroy leaves it in place with a warning
// instead of failing, since removing it is not the customer's to do.

var (
	_ resource.ResourceWithConfigure      = (*blackholeResource)(nil)
	_ resource.ResourceWithImportState    = (*blackholeResource)(nil)
	_ resource.ResourceWithValidateConfig = (*blackholeResource)(nil)
)

// NewIPBlackholeResource returns the artnet_ip_blackhole resource.
func NewIPBlackholeResource() resource.Resource { return &blackholeResource{} }

type blackholeResource struct{ c *artnet.Client }

type blackholeModel struct {
	IP   types.String `tfsdk:"ip"`
	Type types.String `tfsdk:"type"`
}

func (r *blackholeResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_ip_blackhole"
}

func (r *blackholeResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		Description: "Blackholing of one of your addresses: all traffic to it is dropped at the network's edge " +
			"(/ip-blackholing/enable). A blackhole set by the network administrator (type \"admin\") cannot be " +
			"removed by you: destroying a resource whose blackhole is of type admin leaves it in place with a warning.",
		MarkdownDescription: "Blackholing of one of your addresses: all traffic to it is dropped at the network's edge (`/ip-blackholing/enable`; artnetd " +
			"announces the host route with the BLACKHOLE community over BGP). Destroy lifts it (`/ip-blackholing/disable`).\n\n" +
			"**Blackholes of the network administrator.** `/ip-blackholing/list` marks each blackhole `customer` (set by you) or `admin` " +
			"(set by the network administrator; you cannot remove it). The resource never creates an admin blackhole: creating one for an " +
			"address the administrator blackholed fails with an error saying so. Its `type` shows `admin` when the operator took the " +
			"address over, or when you imported an admin blackhole to watch it; destroying it then leaves the blackhole in place with a " +
			"warning instead of failing (`admin-blackhole`). An address you blackholed already must be imported, not created.\n\n" +
			"**Drift.** A blackhole lifted outside this configuration leaves the state at refresh and the next plan creates it again.\n\n" +
			"Import: `tofu import artnet_ip_blackhole.NAME IP` (an address of `/ip-blackholing/list`).",
		Attributes: map[string]schema.Attribute{
			"ip": schema.StringAttribute{
				Required: true,
				Description: "The address: the IP of one of your services, an address in a service's details, or any " +
					"address of one of your subnetworks (IPv4 or IPv6, canonical form). Import id.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"type": schema.StringAttribute{
				Computed: true,
				Description: "\"customer\" (set by you, removed on destroy) or \"admin\" (set by the network " +
					"administrator; destroy leaves it).",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
		},
	}
}

func (r *blackholeResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.c = clientFrom(req.ProviderData, &resp.Diagnostics)
}

func (r *blackholeResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var m blackholeModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if !resp.Diagnostics.HasError() && !m.IP.IsNull() && !m.IP.IsUnknown() {
		canonicalIP(&resp.Diagnostics, path.Root("ip"), m.IP.ValueString())
	}
}

// find returns the blackhole of ip, if any.
func (r *blackholeResource) find(ctx context.Context, ip string) (*artnet.BlackholedIP, error) {
	list, err := r.c.IPBlackholing.List(ctx)
	if err != nil {
		return nil, err
	}
	for _, b := range list {
		if b.IP == ip {
			return &b, nil
		}
	}
	return nil, nil
}

func (r *blackholeResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	if notConfigured(r.c, &resp.Diagnostics) {
		return
	}
	var m blackholeModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ip := m.IP.ValueString()
	err := r.c.IPBlackholing.Enable(ctx, ip)
	if artnet.IsError(err, artnet.ErrCodeIPAlreadyBlackholed) {
		b, ferr := r.find(ctx, ip)
		switch {
		case ferr == nil && b != nil && b.Type == artnet.BlackholeTypeAdmin:
			resp.Diagnostics.AddAttributeError(path.Root("ip"), "Blackholed by the network administrator",
				fmt.Sprintf("%s is already blackholed by the network administrator (type admin): it is not yours to manage or remove. "+
					"Contact the operator, or drop this resource.", ip))
		default:
			resp.Diagnostics.AddAttributeError(path.Root("ip"), "Already blackholed",
				fmt.Sprintf("%s is already blackholed. To manage that blackhole, import it: tofu import <address of this resource> %s", ip, ip))
		}
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "ip-blackholing/enable", err)
		return
	}
	found, err := r.read(ctx, &m)
	if err != nil {
		addAPIError(&resp.Diagnostics, "ip-blackholing/list", err)
		return
	}
	if !found {
		resp.Diagnostics.AddError("Blackhole not listed", fmt.Sprintf("ip-blackholing/enable of %s succeeded but ip-blackholing/list does not show it.", ip))
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, m)...)
}

func (r *blackholeResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	if notConfigured(r.c, &resp.Diagnostics) {
		return
	}
	refresh(ctx, req, resp, "ip-blackholing/list", r.read)
}

// read fills m's type; found is false when the address is not blackholed
// (lifted outside this configuration: planned again).
func (r *blackholeResource) read(ctx context.Context, m *blackholeModel) (bool, error) {
	b, err := r.find(ctx, m.IP.ValueString())
	if err != nil || b == nil {
		return false, err
	}
	m.Type = types.StringValue(b.Type)
	return true, nil
}

// Update is never called: ip forces a new resource, type is computed.
func (r *blackholeResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	if notConfigured(r.c, &resp.Diagnostics) {
		return
	}
	resp.Diagnostics.AddError("Unexpected update", "artnet_ip_blackhole has no attribute that can change in place.")
}

func (r *blackholeResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	if notConfigured(r.c, &resp.Diagnostics) {
		return
	}
	var m blackholeModel
	resp.Diagnostics.Append(req.State.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ip := m.IP.ValueString()
	err := r.c.IPBlackholing.Disable(ctx, ip)
	switch {
	case artnet.IsError(err, artnet.ErrCodeAdminBlackhole):
		resp.Diagnostics.AddWarning("Blackhole left in place",
			fmt.Sprintf("%s is blackholed by the network administrator (type admin): only the operator can remove it. "+
				"It stays blackholed and is no longer managed by this configuration.", ip))
	case artnet.IsError(err, artnet.ErrCodeIPNotBlackholed):
		// Already gone: nothing to do.
	case err != nil:
		addAPIError(&resp.Diagnostics, "ip-blackholing/disable", err)
	}
}

// ImportState takes the address; a blackhole of either type can be
// imported (an admin one only to watch it: destroy leaves it).
func (r *blackholeResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	canonicalIP(&resp.Diagnostics, path.Root("ip"), req.ID)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("ip"), req.ID)...)
}
