package tfprovider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/listplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/artnet-panel/artnet-panel/artnet"
)

func init() { registerResource(newDNSZoneResource) }

// dnsZoneResource is artnet_dns_zone: a primary zone (/dns/add-primary,
// its records are artnet_dns_record) or a secondary one
// (/dns/add-secoundary) on the Artnet name servers. The API cannot change
// a zone: every attribute replaces it.
type dnsZoneResource struct{ c *artnet.Client }

func newDNSZoneResource() resource.Resource { return &dnsZoneResource{} }

type dnsZoneModel struct {
	ID               types.Int64  `tfsdk:"id"`
	Domain           types.String `tfsdk:"domain"`
	Type             types.String `tfsdk:"type"`
	MasterNameserver types.String `tfsdk:"master_nameserver"`
	Nameservers      types.List   `tfsdk:"nameservers"`
}

var (
	_ resource.ResourceWithConfigure      = (*dnsZoneResource)(nil)
	_ resource.ResourceWithImportState    = (*dnsZoneResource)(nil)
	_ resource.ResourceWithValidateConfig = (*dnsZoneResource)(nil)
)

func (r *dnsZoneResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_dns_zone"
}

func (r *dnsZoneResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	replace := []planmodifier.String{stringplanmodifier.RequiresReplace()}
	resp.Schema = schema.Schema{
		MarkdownDescription: "A DNS zone on the Artnet name servers: `primary` (its records are " +
			"`artnet_dns_record` resources) or `secoundary` (transferred from `master_nameserver`). " +
			"The API has no command that changes a zone, so a change of any attribute replaces it " +
			"(deleting a primary zone deletes its records). The customer must hold a domain service " +
			"for the domain or a parent of it (else `domain-not-allowed`).\n\n" +
			"Import: `tofu import artnet_dns_zone.NAME ZONE_ID` (the `id` of `/dns/list`).",
		Attributes: map[string]schema.Attribute{
			"id": schema.Int64Attribute{
				Computed:            true,
				MarkdownDescription: "The zone id (`zone_id` of the other dns commands).",
				PlanModifiers:       []planmodifier.Int64{int64planmodifier.UseStateForUnknown()},
			},
			"domain": schema.StringAttribute{
				Required: true,
				MarkdownDescription: "The zone's domain. The server stores it in lower case, without a " +
					"trailing dot, internationalised names as A-labels; a configuration that differs only " +
					"so is kept as written.",
				PlanModifiers: replace,
				Validators:    []validator.String{domainValidator{}},
			},
			"type": schema.StringAttribute{
				Optional:            true,
				Computed:            true,
				Default:             stringdefault.StaticString(artnet.DNSZoneTypePrimary),
				MarkdownDescription: "`primary` (default) or `secoundary` (the API's spelling).",
				PlanModifiers:       replace,
				Validators: []validator.String{stringvalidator.OneOf(
					artnet.DNSZoneTypePrimary, artnet.DNSZoneTypeSecondary)},
			},
			"master_nameserver": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Secondary zones only (and required for them): the host name or IP " +
					"address the zone is transferred from. A host name must resolve on the server.",
				PlanModifiers: replace,
				Validators:    []validator.String{masterValidator{}},
			},
			"nameservers": schema.ListAttribute{
				Computed:            true,
				ElementType:         types.StringType,
				MarkdownDescription: "Primary zones: the name servers serving the zone (delegate the domain to them).",
				PlanModifiers:       []planmodifier.List{listplanmodifier.UseStateForUnknown()},
			},
		},
	}
}

// ValidateConfig: master_nameserver is given for secondary zones and only
// for them.
func (r *dnsZoneResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var m dnsZoneModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() || m.Type.IsUnknown() || m.MasterNameserver.IsUnknown() {
		return
	}
	secondary := m.Type.ValueString() == artnet.DNSZoneTypeSecondary
	switch {
	case secondary && m.MasterNameserver.IsNull():
		resp.Diagnostics.AddAttributeError(path.Root("master_nameserver"), "Missing master_nameserver",
			"A secoundary zone is transferred from its master_nameserver: give it.")
	case !secondary && !m.MasterNameserver.IsNull():
		resp.Diagnostics.AddAttributeError(path.Root("master_nameserver"), "master_nameserver of a primary zone",
			`master_nameserver is for type = "secoundary" zones only.`)
	}
}

func (r *dnsZoneResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.c = clientFrom(req.ProviderData, &resp.Diagnostics)
}

func (r *dnsZoneResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	if notConfigured(r.c, &resp.Diagnostics) {
		return
	}
	var plan dnsZoneModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	var z *artnet.DNSZone
	var err error
	if plan.Type.ValueString() == artnet.DNSZoneTypeSecondary {
		z, err = r.c.DNS.AddSecondary(ctx, artnet.DNSAddSecondaryOpts{
			Domain: plan.Domain.ValueString(), MasterNameserver: plan.MasterNameserver.ValueString()})
	} else {
		z, err = r.c.DNS.AddPrimary(ctx, plan.Domain.ValueString())
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "Creating the DNS zone "+plan.Domain.ValueString(), err)
		return
	}
	// The zone exists from here on: keep its id in the state even if the
	// read below fails, so that it is not orphaned.
	plan.ID = types.Int64Value(z.ID)
	plan.Nameservers = types.ListNull(types.StringType)
	found, diags := r.read(ctx, &plan)
	resp.Diagnostics.Append(diags...)
	if !found && !resp.Diagnostics.HasError() {
		resp.Diagnostics.AddError("DNS zone vanished", fmt.Sprintf("zone %d was created but is no longer listed", z.ID))
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// read fills m from the server (found false: the zone is gone). The
// domain and master_nameserver keep their configured spelling when the
// server's normalised form is the same name.
func (r *dnsZoneResource) read(ctx context.Context, m *dnsZoneModel) (found bool, diags diag.Diagnostics) {
	zones, err := r.c.DNS.List(ctx)
	if err != nil {
		addAPIError(&diags, "Reading the DNS zones", err)
		return false, diags
	}
	id := m.ID.ValueInt64()
	i := -1
	for j := range zones {
		if zones[j].ID == id {
			i = j
		}
	}
	if i < 0 {
		return false, diags
	}
	z := zones[i]
	m.Domain = keepSpelling(m.Domain, z.Domain, sameDomain)
	m.Type = types.StringValue(z.Type)
	if z.Type == artnet.DNSZoneTypeSecondary {
		m.MasterNameserver = keepSpelling(m.MasterNameserver, z.MasterNameserver, sameDomain)
		m.Nameservers = types.ListNull(types.StringType)
		return true, diags
	}
	m.MasterNameserver = types.StringNull()
	d, err := r.c.DNS.DetailsPrimary(ctx, id)
	if isNotFound(err, artnet.ErrCodeInvalidZoneID) {
		return false, diags
	}
	if err != nil {
		addAPIError(&diags, fmt.Sprintf("Reading DNS zone %d", id), err)
		return true, diags
	}
	ns, dd := types.ListValueFrom(ctx, types.StringType, d.Nameservers)
	diags.Append(dd...)
	m.Nameservers = ns
	return true, diags
}

func (r *dnsZoneResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	if notConfigured(r.c, &resp.Diagnostics) {
		return
	}
	var m dnsZoneModel
	resp.Diagnostics.Append(req.State.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	found, diags := r.read(ctx, &m)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !found {
		resp.State.RemoveResource(ctx)
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// Update is never called with a change (every attribute replaces the
// zone); it keeps the state.
func (r *dnsZoneResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var m dnsZoneModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

func (r *dnsZoneResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	if notConfigured(r.c, &resp.Diagnostics) {
		return
	}
	var m dnsZoneModel
	resp.Diagnostics.Append(req.State.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	err := r.c.DNS.Delete(ctx, m.ID.ValueInt64())
	if err != nil && !isNotFound(err, artnet.ErrCodeInvalidZoneID) {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Deleting DNS zone %d (%s)", m.ID.ValueInt64(), m.Domain.ValueString()), err)
	}
}

func (r *dnsZoneResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	id, err := parseID("zone id", req.ID)
	if err != nil {
		resp.Diagnostics.AddError("Invalid import id", err.Error()+" (the zone's id, as /dns/list lists it)")
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), id)...)
}

// sameDomain reports whether two domain names are the same name (case and
// one trailing dot aside).
func sameDomain(a, b string) bool {
	return strings.EqualFold(strings.TrimSuffix(strings.TrimSpace(a), "."), strings.TrimSuffix(strings.TrimSpace(b), "."))
}
