package tfprovider

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"strconv"
	"strings"

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
)

func init() { registerResource(newRevDNSResource) }

// revDNSResource is artnet_rev_dns: the PTR record of one address of the
// customer's subnetworks (/rev-dns/edit of its subclass, under the
// subclass's serial like artnet_dns_record).
type revDNSResource struct{ c *artnet.Client }

func newRevDNSResource() resource.Resource { return &revDNSResource{} }

type revDNSModel struct {
	Address      types.String `tfsdk:"address"`
	PTR          types.String `tfsdk:"ptr"`
	SubnetworkID types.Int64  `tfsdk:"subnetwork_id"`
	DNSSubclass  types.String `tfsdk:"dns_subclass"`
	Origin       types.String `tfsdk:"origin"`
}

var (
	_ resource.ResourceWithConfigure   = (*revDNSResource)(nil)
	_ resource.ResourceWithImportState = (*revDNSResource)(nil)
)

func (r *revDNSResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_rev_dns"
}

func (r *revDNSResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	keep := []planmodifier.String{stringplanmodifier.UseStateForUnknown()}
	resp.Schema = schema.Schema{
		MarkdownDescription: "The PTR record (reverse DNS) of one address of the customer's subnetworks " +
			"(`/rev-dns/list`). The provider finds the subnetwork and configuration subclass of the address " +
			"and edits that subclass's records under its serial (re-reading and retrying on `invalid-serial`). " +
			"An address has one PTR: creating the resource replaces a PTR set before; destroying it deletes the PTR.\n\n" +
			"Import: `tofu import artnet_rev_dns.NAME ADDRESS` (e.g. `123.123.124.3`).",
		Attributes: map[string]schema.Attribute{
			"address": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "The IPv4 or IPv6 address (the API's `address`: subclass prefix and `origin`).",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
				Validators:          []validator.String{addressValidator{}},
			},
			"ptr": schema.StringAttribute{
				Required: true,
				MarkdownDescription: "The host name the address points to. The server stores it in lower case " +
					"without a trailing dot; a configuration differing only so is kept as written.",
				Validators: []validator.String{domainValidator{}},
			},
			"subnetwork_id": schema.Int64Attribute{
				Computed:            true,
				MarkdownDescription: "The subnetwork holding the address.",
				PlanModifiers:       []planmodifier.Int64{int64planmodifier.UseStateForUnknown()},
			},
			"dns_subclass": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The configuration subclass of the address (`123.123.124`, `2a01:1234:5678::/64`).",
				PlanModifiers:       keep,
			},
			"origin": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The address within its subclass (`3`; for IPv6 the groups after the prefix).",
				PlanModifiers:       keep,
			},
		},
	}
}

func (r *revDNSResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.c = clientFrom(req.ProviderData, &resp.Diagnostics)
}

// addressValidator: an IPv4 or IPv6 address.
type addressValidator struct{}

func (addressValidator) Description(context.Context) string { return "an IPv4 or IPv6 address" }
func (v addressValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (addressValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if ip, err := netip.ParseAddr(req.ConfigValue.ValueString()); err != nil || ip.Zone() != "" {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid address",
			strconv.Quote(req.ConfigValue.ValueString())+" is not an IPv4 or IPv6 address.")
	}
}

// ptrPlace is where an address is configured.
type ptrPlace struct {
	subnetworkID int64
	subclass     string
	origin       string
}

// errNoSubnetwork: the address is in none of the customer's subnetworks.
var errNoSubnetwork = errors.New("the address is in none of the customer's subnetworks (/rev-dns/list)")

// locate finds the subnetwork and subclass of addr and its origin, and
// returns the subclass's details.
func locate(ctx context.Context, c *artnet.Client, addr netip.Addr) (ptrPlace, *artnet.RevDNSSubclass, error) {
	nets, err := c.RevDNS.List(ctx)
	if err != nil {
		return ptrPlace{}, nil, err
	}
	for _, sn := range nets {
		ip, err := netip.ParseAddr(sn.IP)
		if err != nil {
			continue
		}
		bits, err := strconv.Atoi(strings.TrimPrefix(sn.MaskShort, "/"))
		if err != nil {
			continue
		}
		pfx, err := ip.Prefix(bits)
		if err != nil || !pfx.Contains(addr) {
			continue
		}
		for _, sc := range sn.DNSSubclasses {
			if !inSubclass(sc, addr) {
				continue
			}
			d, err := c.RevDNS.Details(ctx, artnet.RevDNSDetailsOpts{SubnetworkID: sn.ID, DNSSubclass: sc})
			if err != nil {
				return ptrPlace{}, nil, err
			}
			return ptrPlace{sn.ID, sc, originOf(d.Prefix, addr)}, d, nil
		}
	}
	return ptrPlace{}, nil, errNoSubnetwork
}

// inSubclass reports whether addr is in the subclass named sc: an IPv4
// "a.b.c" (/24) or an IPv6 network in CIDR notation.
func inSubclass(sc string, addr netip.Addr) bool {
	if addr.Is4() {
		a := addr.As4()
		return sc == fmt.Sprintf("%d.%d.%d", a[0], a[1], a[2])
	}
	p, err := netip.ParsePrefix(sc)
	return err == nil && p.Contains(addr)
}

// originOf is addr without the subclass prefix: the last octet of an
// IPv4 address; for IPv6 the 16-bit groups after the prefix's groups, in
// lower-case hex without leading zeros.
func originOf(prefix string, addr netip.Addr) string {
	if addr.Is4() {
		return strconv.Itoa(int(addr.As4()[3]))
	}
	b := addr.As16()
	groups := make([]string, 8)
	for i := range groups {
		groups[i] = strconv.FormatUint(uint64(b[2*i])<<8|uint64(b[2*i+1]), 16)
	}
	k := len(strings.Split(prefix, ":"))
	return strings.Join(groups[min(k, 8):], ":")
}

// findPTR returns the PTR of addr in d ("" and false: none).
func findPTR(d *artnet.RevDNSSubclass, addr netip.Addr) (string, bool) {
	for _, p := range d.PTRRecords {
		if a, err := netip.ParseAddr(p.Address); err == nil && a == addr {
			return p.PTR, true
		}
	}
	return "", false
}

// editPTR sets (ptr != "") or deletes the PTR of addr under the
// subclass's serial, re-reading on invalid-serial up to maxEditAttempts
// times (retrySerial); a warning about the record is returned as its
// error.
func editPTR(ctx context.Context, c *artnet.Client, addr netip.Addr, ptr string) (ptrPlace, error) {
	var place ptrPlace
	err := retrySerial(ctx, artnet.ErrCodeInvalidSerial, "the subclass of "+addr.String(), func() error {
		p, d, err := locate(ctx, c, addr)
		if err != nil {
			return err
		}
		place = p
		if cur, ok := findPTR(d, addr); (ptr == "" && !ok) || (ptr != "" && ok && sameDomain(cur, ptr)) {
			return nil // nothing to change
		}
		edit := artnet.PTRRecordEdit{Origin: p.origin, PTR: ptr, Delete: ptr == ""}
		warns, err := c.RevDNS.Edit(ctx, artnet.RevDNSEditOpts{SubnetworkID: p.subnetworkID,
			DNSSubclass: p.subclass, Serial: d.Serial, PTRRecords: []artnet.PTRRecordEdit{edit}})
		if err != nil {
			return err
		}
		for _, w := range warns {
			return &artnet.Error{Code: w.Code, Description: w.Description}
		}
		return nil
	})
	return place, err
}

func (m *revDNSModel) setPlace(p ptrPlace) {
	m.SubnetworkID = types.Int64Value(p.subnetworkID)
	m.DNSSubclass = types.StringValue(p.subclass)
	m.Origin = types.StringValue(p.origin)
}

func (r *revDNSResource) write(ctx context.Context, req tfsdkPlan, state setter, diags *diag.Diagnostics) {
	var plan revDNSModel
	diags.Append(req.Get(ctx, &plan)...)
	if diags.HasError() {
		return
	}
	addr, err := netip.ParseAddr(plan.Address.ValueString())
	if err != nil { // known only at apply time, so not validated at plan time
		diags.AddAttributeError(path.Root("address"), "Invalid address", err.Error())
		return
	}
	place, err := editPTR(ctx, r.c, addr, plan.PTR.ValueString())
	if err != nil {
		addAPIError(diags, "Setting the PTR of "+plan.Address.ValueString(), err)
		return
	}
	plan.setPlace(place)
	diags.Append(state.Set(ctx, &plan)...)
}

func (r *revDNSResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	if notConfigured(r.c, &resp.Diagnostics) {
		return
	}
	r.write(ctx, req.Plan, &resp.State, &resp.Diagnostics)
}

func (r *revDNSResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	if notConfigured(r.c, &resp.Diagnostics) {
		return
	}
	r.write(ctx, req.Plan, &resp.State, &resp.Diagnostics)
}

func (r *revDNSResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	if notConfigured(r.c, &resp.Diagnostics) {
		return
	}
	var m revDNSModel
	resp.Diagnostics.Append(req.State.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	addr, err := netip.ParseAddr(m.Address.ValueString())
	if err != nil {
		resp.Diagnostics.AddError("Invalid address in the state", err.Error())
		return
	}
	place, d, err := locate(ctx, r.c, addr)
	if errors.Is(err, errNoSubnetwork) {
		resp.State.RemoveResource(ctx) // the subnetwork is no longer ours
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "Reading the PTR of "+m.Address.ValueString(), err)
		return
	}
	ptr, ok := findPTR(d, addr)
	if !ok {
		resp.State.RemoveResource(ctx)
		return
	}
	m.PTR = keepSpelling(m.PTR, ptr, sameDomain)
	m.setPlace(place)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

func (r *revDNSResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	if notConfigured(r.c, &resp.Diagnostics) {
		return
	}
	var m revDNSModel
	resp.Diagnostics.Append(req.State.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	addr, err := netip.ParseAddr(m.Address.ValueString())
	if err != nil {
		return
	}
	if _, err := editPTR(ctx, r.c, addr, ""); err != nil && !errors.Is(err, errNoSubnetwork) {
		addAPIError(&resp.Diagnostics, "Deleting the PTR of "+m.Address.ValueString(), err)
	}
}

func (r *revDNSResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	addr, err := netip.ParseAddr(strings.TrimSpace(req.ID))
	if err != nil {
		resp.Diagnostics.AddError("Invalid import id", fmt.Sprintf("%q: want the IP address of the PTR record", req.ID))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("address"), addr.String())...)
}
