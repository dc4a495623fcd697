package tfprovider

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/objectplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"

	"github.com/artnet-panel/artnet-panel/artnet"
)

// artnet_cloud_instance: one existing cloud instance's resources, custom
// properties, power state and boot mode (the cloud-instance module).
//
// The API cannot create instances (the module has no create command;
// instances come from the operator's inventory), so create adopts an
// existing instance, like an import that also applies the configuration.
// /cloud-instance/delete exists but is irreversible and could not be
// undone by a create, so destroy leaves the instance as it is (running or
// not) and says so in a warning.
//
// The management password is needed by every command that changes the
// machine. It never enters the plan or the state: it is the write-only
// attribute instance_password_wo (clients with write-only attributes:
// Terraform >= 1.11, OpenTofu >= 1.11), or, for clients without them, the
// environment variable ARTNET_INSTANCE_PASSWORD_<instance_id> (then
// ARTNET_INSTANCE_PASSWORD) of the process running the provider. The
// resource does not change the password (/cloud-instance/password-change
// needs the old one; use the CLI).

var (
	_ resource.ResourceWithConfigure      = (*cloudResource)(nil)
	_ resource.ResourceWithImportState    = (*cloudResource)(nil)
	_ resource.ResourceWithModifyPlan     = (*cloudResource)(nil)
	_ resource.ResourceWithValidateConfig = (*cloudResource)(nil)
)

// NewCloudInstanceResource returns the artnet_cloud_instance resource.
func NewCloudInstanceResource() resource.Resource { return &cloudResource{} }

type cloudResource struct{ c *artnet.Client }

type cloudModel struct {
	InstanceID         types.Int64  `tfsdk:"instance_id"`
	InstancePasswordWO types.String `tfsdk:"instance_password_wo"`
	Name               types.String `tfsdk:"name"`
	CustomName         types.String `tfsdk:"custom_name"`
	State              types.String `tfsdk:"state"`
	BootStatus         types.String `tfsdk:"boot_status"`
	InstallationImage  types.String `tfsdk:"installation_image"`
	Shutdown           types.Bool   `tfsdk:"shutdown"`
	// Objects, not pointers to structs: they are unknown in the plan of a
	// create (resources, custom_properties left out; the read-only ones).
	Resources            types.Object `tfsdk:"resources"`
	CustomProperties     types.Object `tfsdk:"custom_properties"`
	VNCConfiguration     types.Object `tfsdk:"vnc_configuration"`
	NetworkConfiguration types.Object `tfsdk:"network_configuration"`
}

var (
	cloudResourcesTypes  = map[string]attr.Type{"cpu_cores": types.Int64Type, "ram": types.Int64Type, "hdd": types.Int64Type, "bandwidth": types.Int64Type}
	cloudPropertiesTypes = map[string]attr.Type{"display_name": types.StringType, "notes": types.StringType}
	cloudVNCTypes        = map[string]attr.Type{"host": types.StringType, "port": types.Int64Type}
	cloudNetworkTypes    = map[string]attr.Type{"ip": types.StringType, "mask": types.StringType, "gateway_ip": types.StringType, "dns_list": types.ListType{ElemType: types.StringType}}
)

// objectAs returns the object's fields, or nil when it is null or unknown.
func objectAs[T any](ctx context.Context, o types.Object) *T {
	if !known(o) {
		return nil
	}
	var v T
	if d := o.As(ctx, &v, basetypes.ObjectAsOptions{}); d.HasError() {
		return nil
	}
	return &v
}

// objectOf makes an object of the given attribute types from a struct.
func objectOf(ctx context.Context, attrTypes map[string]attr.Type, v any) types.Object {
	o, _ := types.ObjectValueFrom(ctx, attrTypes, v)
	return o
}

type cloudResourcesModel struct {
	CPUCores  types.Int64 `tfsdk:"cpu_cores"`
	RAM       types.Int64 `tfsdk:"ram"`
	HDD       types.Int64 `tfsdk:"hdd"`
	Bandwidth types.Int64 `tfsdk:"bandwidth"`
}

type cloudPropertiesModel struct {
	DisplayName types.String `tfsdk:"display_name"`
	Notes       types.String `tfsdk:"notes"`
}

type cloudVNCModel struct {
	Host types.String `tfsdk:"host"`
	Port types.Int64  `tfsdk:"port"`
}

type cloudNetworkModel struct {
	IP        types.String `tfsdk:"ip"`
	Mask      types.String `tfsdk:"mask"`
	GatewayIP types.String `tfsdk:"gateway_ip"`
	DNSList   types.List   `tfsdk:"dns_list"`
}

// Desired power states (the API's state values).
const (
	stateRunning = "running"
	stateStopped = "stopped"
)

// shutdownPoll bounds the wait for a guest to switch itself off after an
// ACPI shutdown (state = "stopped" with shutdown = true).
const shutdownPoll = 2 * time.Minute

func (r *cloudResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_cloud_instance"
}

func (r *cloudResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	keepInt := []planmodifier.Int64{int64planmodifier.UseStateForUnknown()}
	keepStr := []planmodifier.String{stringplanmodifier.UseStateForUnknown()}
	resp.Schema = schema.Schema{
		Description: "An existing cloud instance: its resources, custom properties, power state and boot mode. The API cannot " +
			"create instances, so create adopts one; destroy leaves it as it is (a warning says so). The management password " +
			"is never stored: instance_password_wo (write-only), or the environment variable ARTNET_INSTANCE_PASSWORD_<instance_id>.",
		MarkdownDescription: "An existing cloud instance: its hardware resources, custom properties, power state and boot mode (the `cloud-instance` " +
			"module).\n\n" +
			"**Create adopts, destroy leaves.** The API cannot create instances (they come from the operator), so create adopts an " +
			"existing instance, like an import that then applies the configuration, and fails when the instance is not yours. " +
			"`/cloud-instance/delete` exists but is irreversible and could not be undone by a create, so destroy leaves the instance as it " +
			"is (running or not, with its disk) and says so in a warning.\n\n" +
			"**The management password** is needed to change resources, power state or boot mode, and never enters the plan or the state: " +
			"`instance_password_wo`, a write-only attribute, with clients that have them (Terraform >= 1.11, OpenTofu >= 1.11); otherwise " +
			"(OpenTofu 1.10 and older) the provider's environment: `ARTNET_INSTANCE_PASSWORD_<instance_id>` (e.g. " +
			"`ARTNET_INSTANCE_PASSWORD_1`), then `ARTNET_INSTANCE_PASSWORD`. A plan that would change something needing it fails when " +
			"neither is set. Custom properties need no password. The resource does not change the password (`/cloud-instance/password-change` " +
			"needs the old one: use `artnet cloud-instance password-change`).\n\n" +
			"**Resource changes** go through `/cloud-instance/resources-negotiate` with the `shutdown` this configuration allows, and " +
			"restart the machine. They are checked at plan time against `/cloud-instance/resources-allowed-ranges` (range and step), and " +
			"`hdd` can only grow; an `installation_image` against `/cloud-instance/boot-installation-images-list`. The price of the " +
			"resources is not an attribute (it changes with them): ask `artnet cloud-instance resources-calculate-price`.\n\n" +
			"**Drift.** Every refresh reads `/cloud-instance/details`: resources, properties, power state and boot status changed outside " +
			"this configuration show as changes of the attributes you set. The API does not answer which installation image is set, so " +
			"only a change of `boot_status` is seen, not one of the image.\n\n" +
			"Import: `tofu import artnet_cloud_instance.NAME INSTANCE_ID` (the id of `/cloud-instance/list`).",
		Attributes: map[string]schema.Attribute{
			"instance_id": schema.Int64Attribute{
				Required:      true,
				Description:   "ID of the instance (/cloud-instance/list). Import id.",
				PlanModifiers: []planmodifier.Int64{int64planmodifier.RequiresReplace()},
			},
			"instance_password_wo": schema.StringAttribute{
				Optional: true, Sensitive: true, WriteOnly: true,
				Description: "Management password of the instance, needed to change resources, power or boot mode; write-only: " +
					"never in the plan or state (needs Terraform >= 1.11 or OpenTofu >= 1.11). Without it the provider reads " +
					"ARTNET_INSTANCE_PASSWORD_<instance_id>, then ARTNET_INSTANCE_PASSWORD, from its environment.",
			},
			"name": schema.StringAttribute{
				Computed: true, Description: "System instance name.", PlanModifiers: keepStr,
			},
			"custom_name": schema.StringAttribute{
				Computed: true, Description: "Display name (custom_properties.display_name).",
			},
			"state": schema.StringAttribute{
				Optional: true, Computed: true,
				Description: "Power state: \"running\" or \"stopped\" to set it; read, it may also be \"paused\" or \"unknown\". " +
					"Left out: whatever it is.",
				PlanModifiers: keepStr,
			},
			"boot_status": schema.StringAttribute{
				Optional: true, Computed: true,
				Description:   "\"boot\" (from its own disk) or \"install\" (from installation_image). Changing it restarts the machine.",
				PlanModifiers: keepStr,
			},
			"installation_image": schema.StringAttribute{
				Optional: true,
				Description: "With boot_status = \"install\": the image to boot (an image of /cloud-instance/boot-installation-images-list). " +
					"The API does not answer which image is set, so a change made outside this configuration is not seen.",
			},
			"shutdown": schema.BoolAttribute{
				Optional: true, Computed: true, Default: booldefault.StaticBool(true),
				Description: "How changes that restart the machine (resources, boot mode) and state = \"stopped\" stop it: true " +
					"(default) asks the operating system to shut down (ACPI) and fails when it does not, changing nothing; false cuts the power.",
			},
			"resources": schema.SingleNestedAttribute{
				Optional: true, Computed: true,
				Description:   "Hardware resources; a change goes through /cloud-instance/resources-negotiate (a restart). Left out: as they are.",
				PlanModifiers: []planmodifier.Object{objectplanmodifier.UseStateForUnknown()},
				Attributes: map[string]schema.Attribute{
					"cpu_cores": schema.Int64Attribute{Optional: true, Computed: true, Description: "CPU cores.", PlanModifiers: keepInt},
					"ram":       schema.Int64Attribute{Optional: true, Computed: true, Description: "RAM [MB].", PlanModifiers: keepInt},
					"hdd":       schema.Int64Attribute{Optional: true, Computed: true, Description: "Disk [GB]; it can only grow.", PlanModifiers: keepInt},
					"bandwidth": schema.Int64Attribute{Optional: true, Computed: true, Description: "Bandwidth [Mbps].", PlanModifiers: keepInt},
				},
			},
			"custom_properties": schema.SingleNestedAttribute{
				Optional: true, Computed: true,
				Description:   "Properties for your own use (/cloud-instance/custom-properties-edit). Left out: as they are.",
				PlanModifiers: []planmodifier.Object{objectplanmodifier.UseStateForUnknown()},
				Attributes: map[string]schema.Attribute{
					"display_name": schema.StringAttribute{Optional: true, Computed: true, Description: "Display name, at most 35 characters.", PlanModifiers: keepStr},
					"notes":        schema.StringAttribute{Optional: true, Computed: true, Description: "Notes, at most 10240 characters.", PlanModifiers: keepStr},
				},
			},
			"vnc_configuration": schema.SingleNestedAttribute{
				Computed: true, Description: "Address of the VNC console.",
				PlanModifiers: []planmodifier.Object{objectplanmodifier.UseStateForUnknown()},
				Attributes: map[string]schema.Attribute{
					"host": schema.StringAttribute{Computed: true},
					"port": schema.Int64Attribute{Computed: true},
				},
			},
			"network_configuration": schema.SingleNestedAttribute{
				Computed: true, Description: "Network configuration of the instance.",
				PlanModifiers: []planmodifier.Object{objectplanmodifier.UseStateForUnknown()},
				Attributes: map[string]schema.Attribute{
					"ip":         schema.StringAttribute{Computed: true},
					"mask":       schema.StringAttribute{Computed: true},
					"gateway_ip": schema.StringAttribute{Computed: true},
					"dns_list":   schema.ListAttribute{Computed: true, ElementType: types.StringType},
				},
			},
		},
	}
}

func (r *cloudResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.c = clientFrom(req.ProviderData, &resp.Diagnostics)
}

func (r *cloudResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var m cloudModel
	if d := req.Config.Get(ctx, &m); d.HasError() {
		return
	}
	if known(m.State) && m.State.ValueString() != stateRunning && m.State.ValueString() != stateStopped {
		resp.Diagnostics.AddAttributeError(path.Root("state"), "Invalid state", fmt.Sprintf("state is \"running\" or \"stopped\", got %q.", m.State.ValueString()))
	}
	if known(m.BootStatus) && m.BootStatus.ValueString() != artnet.BootStatusBoot && m.BootStatus.ValueString() != artnet.BootStatusInstall {
		resp.Diagnostics.AddAttributeError(path.Root("boot_status"), "Invalid boot_status", fmt.Sprintf("boot_status is \"boot\" or \"install\", got %q.", m.BootStatus.ValueString()))
	}
	if known(m.BootStatus) {
		install := m.BootStatus.ValueString() == artnet.BootStatusInstall
		if install && m.InstallationImage.IsNull() {
			resp.Diagnostics.AddAttributeError(path.Root("installation_image"), "installation_image missing", "boot_status = \"install\" needs installation_image.")
		}
		if !install && !m.InstallationImage.IsNull() {
			resp.Diagnostics.AddAttributeError(path.Root("installation_image"), "installation_image without install", "installation_image needs boot_status = \"install\".")
		}
	} else if m.BootStatus.IsNull() && !m.InstallationImage.IsNull() {
		resp.Diagnostics.AddAttributeError(path.Root("installation_image"), "installation_image without install", "installation_image needs boot_status = \"install\".")
	}
	if res := objectAs[cloudResourcesModel](ctx, m.Resources); res != nil {
		for name, v := range map[string]types.Int64{"cpu_cores": res.CPUCores, "ram": res.RAM, "hdd": res.HDD, "bandwidth": res.Bandwidth} {
			if known(v) && v.ValueInt64() <= 0 {
				resp.Diagnostics.AddAttributeError(path.Root("resources").AtName(name), "Invalid "+name, name+" must be a positive number.")
			}
		}
	}
	if p := objectAs[cloudPropertiesModel](ctx, m.CustomProperties); p != nil {
		if known(p.DisplayName) && len([]rune(p.DisplayName.ValueString())) > artnet.MaxInstanceDisplayName {
			resp.Diagnostics.AddAttributeError(path.Root("custom_properties").AtName("display_name"), "display_name too long",
				fmt.Sprintf("display_name has at most %d characters.", artnet.MaxInstanceDisplayName))
		}
		if known(p.Notes) && len([]rune(p.Notes.ValueString())) > artnet.MaxInstanceNotes {
			resp.Diagnostics.AddAttributeError(path.Root("custom_properties").AtName("notes"), "notes too long",
				fmt.Sprintf("notes has at most %d characters.", artnet.MaxInstanceNotes))
		}
	}
}

// password returns the management password: the write-only attribute, or
// the environment.
func password(ctx context.Context, cfg tfsdk.Config, id int64) (string, bool) {
	var wo types.String
	cfg.GetAttribute(ctx, path.Root("instance_password_wo"), &wo)
	if known(wo) && wo.ValueString() != "" {
		return wo.ValueString(), true
	}
	for _, name := range []string{"ARTNET_INSTANCE_PASSWORD_" + strconv.FormatInt(id, 10), "ARTNET_INSTANCE_PASSWORD"} {
		if v := os.Getenv(name); v != "" {
			return v, true
		}
	}
	return "", false
}

const noPassword = "Changing the instance's resources, power state or boot mode needs its management password: set " +
	"instance_password_wo (Terraform >= 1.11, OpenTofu >= 1.11) or the environment variable ARTNET_INSTANCE_PASSWORD_%d " +
	"(or ARTNET_INSTANCE_PASSWORD) for the provider."

// ModifyPlan plans custom_name from display_name and checks, with the
// server's rules, what a change will send: resources within
// resources-allowed-ranges and multiples of their step, no smaller disk,
// an installation image the instance offers, and a password to send.
func (r *cloudResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return
	}
	var plan cloudModel
	if d := req.Plan.Get(ctx, &plan); d.HasError() {
		return
	}
	var prior *cloudModel
	if !req.State.Raw.IsNull() {
		prior = &cloudModel{}
		if d := req.State.Get(ctx, prior); d.HasError() {
			return
		}
	}
	if p := objectAs[cloudPropertiesModel](ctx, plan.CustomProperties); p != nil && known(p.DisplayName) {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("custom_name"), p.DisplayName)...)
	}
	if r.c == nil || !known(plan.InstanceID) {
		return
	}
	id := plan.InstanceID.ValueInt64()
	needsPassword := false
	if res := objectAs[cloudResourcesModel](ctx, plan.Resources); res != nil && (prior == nil || !plan.Resources.Equal(prior.Resources)) {
		rg, err := r.c.CloudInstance.ResourcesAllowedRanges(ctx, id)
		if err != nil {
			if artnet.IsError(err, artnet.ErrCodeAuthorizationFailed) {
				resp.Diagnostics.AddAttributeError(path.Root("instance_id"), "No such instance", fmt.Sprintf("Instance %d is not one of your cloud instances.", id))
				return
			}
			addAPIError(&resp.Diagnostics, "cloud-instance/resources-allowed-ranges", err)
			return
		}
		for _, f := range []struct {
			name string
			v    types.Int64
			rng  artnet.ResourceRange
			was  types.Int64
		}{
			{"cpu_cores", res.CPUCores, rg.CPU, priorRes(prior, func(r *cloudResourcesModel) types.Int64 { return r.CPUCores })},
			{"ram", res.RAM, rg.RAM, priorRes(prior, func(r *cloudResourcesModel) types.Int64 { return r.RAM })},
			{"hdd", res.HDD, rg.HDD, priorRes(prior, func(r *cloudResourcesModel) types.Int64 { return r.HDD })},
			{"bandwidth", res.Bandwidth, rg.Bandwidth, priorRes(prior, func(r *cloudResourcesModel) types.Int64 { return r.Bandwidth })},
		} {
			if !known(f.v) {
				continue
			}
			if !f.v.Equal(f.was) {
				needsPassword = true
			}
			v := f.v.ValueInt64()
			if v < f.rng.Min || v > f.rng.Max || (f.rng.Step > 0 && v%f.rng.Step != 0) {
				resp.Diagnostics.AddAttributeError(path.Root("resources").AtName(f.name), "Resource out of range",
					fmt.Sprintf("%s must be from %d to %d in steps of %d (resources-allowed-ranges), got %d.", f.name, f.rng.Min, f.rng.Max, f.rng.Step, v))
			}
			if f.name == "hdd" && known(f.was) && v < f.was.ValueInt64() {
				resp.Diagnostics.AddAttributeError(path.Root("resources").AtName("hdd"), "Disk cannot shrink",
					fmt.Sprintf("hdd can only grow: %d GB now, %d GB planned.", f.was.ValueInt64(), v))
			}
		}
	}
	if known(plan.InstallationImage) && (prior == nil || !plan.InstallationImage.Equal(prior.InstallationImage)) {
		imgs, err := r.c.CloudInstance.BootInstallationImagesList(ctx, id)
		if err != nil {
			addAPIError(&resp.Diagnostics, "cloud-instance/boot-installation-images-list", err)
			return
		}
		ok := false
		for _, img := range imgs {
			ok = ok || img.Image == plan.InstallationImage.ValueString()
		}
		if !ok {
			resp.Diagnostics.AddAttributeError(path.Root("installation_image"), "Unknown installation image",
				fmt.Sprintf("%q is not an image of /cloud-instance/boot-installation-images-list of instance %d.", plan.InstallationImage.ValueString(), id))
		}
		needsPassword = true
	}
	if prior == nil || !plan.State.Equal(prior.State) || !plan.BootStatus.Equal(prior.BootStatus) {
		needsPassword = needsPassword || known(plan.State) || known(plan.BootStatus)
	}
	if needsPassword {
		if _, ok := password(ctx, req.Config, id); !ok {
			var wo types.String
			req.Config.GetAttribute(ctx, path.Root("instance_password_wo"), &wo)
			if !wo.IsUnknown() { // an unknown one is known at apply
				resp.Diagnostics.AddError("Management password missing", fmt.Sprintf(noPassword, id))
			}
		}
	}
}

func priorRes(prior *cloudModel, f func(*cloudResourcesModel) types.Int64) types.Int64 {
	var res *cloudResourcesModel
	if prior != nil {
		res = objectAs[cloudResourcesModel](context.Background(), prior.Resources)
	}
	if res == nil {
		return types.Int64Null()
	}
	return f(res)
}

// read fills m from /cloud-instance/details; found is false when the
// instance is gone (or not the customer's: the API answers both alike).
func (r *cloudResource) read(ctx context.Context, m *cloudModel) (found bool, err error) {
	d, err := r.c.CloudInstance.Details(ctx, m.InstanceID.ValueInt64())
	if artnet.IsError(err, artnet.ErrCodeAuthorizationFailed) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	m.InstancePasswordWO = types.StringNull()
	m.Name = types.StringValue(d.Name)
	m.CustomName = types.StringValue(d.CustomName)
	m.State = types.StringValue(d.State)
	m.BootStatus = types.StringValue(d.BootStatus)
	if d.BootStatus != artnet.BootStatusInstall {
		m.InstallationImage = types.StringNull()
	}
	if m.Shutdown.IsNull() || m.Shutdown.IsUnknown() { // imported
		m.Shutdown = types.BoolValue(true)
	}
	m.Resources = objectOf(ctx, cloudResourcesTypes, cloudResourcesModel{
		CPUCores: types.Int64Value(d.Resources.CPUCores), RAM: types.Int64Value(d.Resources.RAM),
		HDD: types.Int64Value(d.Resources.HDD), Bandwidth: types.Int64Value(d.Resources.Bandwidth),
	})
	m.CustomProperties = objectOf(ctx, cloudPropertiesTypes, cloudPropertiesModel{DisplayName: types.StringValue(d.CustomProperties.DisplayName), Notes: types.StringValue(d.CustomProperties.Notes)})
	m.VNCConfiguration = objectOf(ctx, cloudVNCTypes, cloudVNCModel{Host: types.StringValue(d.VNCConfiguration.Host), Port: types.Int64Value(d.VNCConfiguration.Port)})
	dns, _ := types.ListValueFrom(ctx, types.StringType, d.NetworkConfiguration.DNSList)
	m.NetworkConfiguration = objectOf(ctx, cloudNetworkTypes, cloudNetworkModel{
		IP: types.StringValue(d.NetworkConfiguration.IP), Mask: types.StringValue(d.NetworkConfiguration.Mask),
		GatewayIP: types.StringValue(d.NetworkConfiguration.GatewayIP), DNSList: dns,
	})
	return true, nil
}

// apply brings the instance to the plan: custom properties, then (with
// the password) power off when it is to be stopped, resources, boot mode,
// power on when it is to be running.
func (r *cloudResource) apply(ctx context.Context, cfg tfsdk.Config, plan, prior cloudModel) (cloudModel, error) {
	id := plan.InstanceID.ValueInt64()
	cur, err := r.c.CloudInstance.Details(ctx, id)
	if err != nil {
		return plan, fmt.Errorf("cloud-instance/details: %w", err)
	}
	if p := objectAs[cloudPropertiesModel](ctx, plan.CustomProperties); p != nil {
		opts := artnet.CloudCustomPropertiesEditOpts{InstanceID: id}
		if known(p.DisplayName) && p.DisplayName.ValueString() != cur.CustomProperties.DisplayName {
			v := p.DisplayName.ValueString()
			opts.DisplayName = &v
		}
		if known(p.Notes) && p.Notes.ValueString() != cur.CustomProperties.Notes {
			v := p.Notes.ValueString()
			opts.Notes = &v
		}
		if opts.DisplayName != nil || opts.Notes != nil {
			if err := r.c.CloudInstance.CustomPropertiesEdit(ctx, opts); err != nil {
				return plan, fmt.Errorf("cloud-instance/custom-properties-edit: %w", err)
			}
		}
	}
	var res artnet.CloudResources
	if p := objectAs[cloudResourcesModel](ctx, plan.Resources); p != nil {
		for _, f := range []struct {
			v   types.Int64
			cur int64
			dst *int64
		}{{p.CPUCores, cur.Resources.CPUCores, &res.CPU}, {p.RAM, cur.Resources.RAM, &res.RAM}, {p.HDD, cur.Resources.HDD, &res.HDD}, {p.Bandwidth, cur.Resources.Bandwidth, &res.Bandwidth}} {
			if known(f.v) && f.v.ValueInt64() != f.cur {
				*f.dst = f.v.ValueInt64()
			}
		}
	}
	wantBoot := cur.BootStatus
	if known(plan.BootStatus) {
		wantBoot = plan.BootStatus.ValueString()
	}
	image := plan.InstallationImage.ValueString()
	bootChange := wantBoot != cur.BootStatus || (wantBoot == artnet.BootStatusInstall && !plan.InstallationImage.Equal(prior.InstallationImage))
	wantState := ""
	if known(plan.State) {
		wantState = plan.State.ValueString()
	}
	powerOff := wantState == stateStopped && cur.State != stateStopped
	powerOn := wantState == stateRunning && cur.State != stateRunning
	if res == (artnet.CloudResources{}) && !bootChange && !powerOff && !powerOn {
		found, err := r.read(ctx, &plan)
		if err == nil && !found {
			err = fmt.Errorf("instance %d vanished", id)
		}
		return plan, err
	}
	pw, ok := password(ctx, cfg, id)
	if !ok {
		return plan, fmt.Errorf(noPassword, id)
	}
	auth := artnet.InstanceAuth{InstanceID: id, Password: pw}
	shutdown := plan.Shutdown.ValueBool()
	if powerOff {
		if err := r.stop(ctx, auth, shutdown); err != nil {
			return plan, err
		}
	}
	if res != (artnet.CloudResources{}) {
		err := r.c.CloudInstance.ResourcesNegotiate(ctx, artnet.CloudResourcesNegotiateOpts{InstanceID: id, Password: pw, Shutdown: shutdown, Resources: res})
		if err != nil {
			return plan, fmt.Errorf("cloud-instance/resources-negotiate: %w", err)
		}
	}
	if bootChange {
		if wantBoot == artnet.BootStatusInstall {
			err = r.c.CloudInstance.BootModeInstallationImage(ctx, artnet.CloudBootModeInstallationImageOpts{InstanceID: id, Password: pw, InstallationImage: image, Shutdown: shutdown})
		} else {
			err = r.c.CloudInstance.BootModeBoot(ctx, artnet.CloudBootModeBootOpts{InstanceID: id, Password: pw, Shutdown: shutdown})
		}
		if err != nil {
			return plan, fmt.Errorf("cloud-instance/boot-mode: %w", err)
		}
	}
	if powerOn {
		if err := r.c.CloudInstance.PowerOn(ctx, auth); err != nil {
			return plan, fmt.Errorf("cloud-instance/action-power-on: %w", err)
		}
	}
	found, err := r.read(ctx, &plan)
	if err == nil && !found {
		err = fmt.Errorf("instance %d vanished", id)
	}
	return plan, err
}

// stop switches the machine off: an ACPI shutdown waited for (shutdown)
// or a power cut.
func (r *cloudResource) stop(ctx context.Context, auth artnet.InstanceAuth, shutdown bool) error {
	if !shutdown {
		if err := r.c.CloudInstance.PowerOff(ctx, auth); err != nil {
			return fmt.Errorf("cloud-instance/action-power-off: %w", err)
		}
		return nil
	}
	if err := r.c.CloudInstance.Shutdown(ctx, auth); err != nil {
		return fmt.Errorf("cloud-instance/action-shutdown: %w", err)
	}
	deadline := time.Now().Add(shutdownPoll)
	for {
		d, err := r.c.CloudInstance.Details(ctx, auth.InstanceID)
		if err != nil {
			return fmt.Errorf("cloud-instance/details: %w", err)
		}
		if d.State == stateStopped {
			break
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("instance %d did not shut down within %s after the ACPI shutdown (state %q); set shutdown = false to cut its power",
				auth.InstanceID, shutdownPoll, d.State)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Second):
		}
	}
	// The guest switched itself off; power-off records that it is meant
	// to stay off (the hypervisor's reconciler would otherwise leave it as
	// the guest left it, and a host restart would start it).
	if err := r.c.CloudInstance.PowerOff(ctx, auth); err != nil {
		return fmt.Errorf("cloud-instance/action-power-off: %w", err)
	}
	return nil
}

func (r *cloudResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	if notConfigured(r.c, &resp.Diagnostics) {
		return
	}
	var plan cloudModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	m, err := r.apply(ctx, req.Config, plan, cloudModel{})
	if err != nil {
		if artnet.IsError(err, artnet.ErrCodeAuthorizationFailed) {
			resp.Diagnostics.AddAttributeError(path.Root("instance_id"), "No such instance",
				fmt.Sprintf("Instance %d is not one of your cloud instances; the API cannot create instances (artnet_cloud_instance adopts an existing one).", plan.InstanceID.ValueInt64()))
			return
		}
		addAPIError(&resp.Diagnostics, "adopting cloud instance", err)
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, m)...)
}

func (r *cloudResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	if notConfigured(r.c, &resp.Diagnostics) {
		return
	}
	refresh(ctx, req, resp, "cloud-instance/details", r.read)
}

func (r *cloudResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	if notConfigured(r.c, &resp.Diagnostics) {
		return
	}
	var plan, prior cloudModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &prior)...)
	if resp.Diagnostics.HasError() {
		return
	}
	m, err := r.apply(ctx, req.Config, plan, prior)
	if err != nil {
		addAPIError(&resp.Diagnostics, "changing cloud instance", err)
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, m)...)
}

// Delete leaves the instance: the API cannot create one again.
func (r *cloudResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	if notConfigured(r.c, &resp.Diagnostics) {
		return
	}
	var m cloudModel
	resp.Diagnostics.Append(req.State.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.AddWarning("Cloud instance left as it is",
		fmt.Sprintf("Instance %d (%s) is not deleted and keeps its state (%s): the API cannot create instances, so this provider "+
			"never deletes one (/cloud-instance/delete is irreversible). It is no longer managed by this configuration.",
			m.InstanceID.ValueInt64(), m.Name.ValueString(), m.State.ValueString()))
}

// ImportState takes the instance id.
func (r *cloudResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	id, err := parseID("instance_id", req.ID)
	if err != nil {
		resp.Diagnostics.AddError("Invalid import id", err.Error())
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("instance_id"), id)...)
}
