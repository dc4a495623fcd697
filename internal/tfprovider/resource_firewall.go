package tfprovider

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"strconv"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64default"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/listdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/listplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/artnet-panel/artnet-panel/artnet"
)

// artnet_firewall_ruleset: the rules (in and out) and the enabled state
// of one firewall ruleset (/firewall/details, save, enable, disable).
//
// Rulesets are the operator's: they are neither created nor deleted
// through the API. Create takes the ruleset over (its rules become the
// configuration's); destroy disables filtering and saves an empty
// ruleset.
//
// Every save is commit-confirmed (artnetd's extension): /firewall/save
// with confirm_within, then, once the provider has read the ruleset back
// through the API, /firewall/save-confirm. An apply that breaks between
// the two (the provider is killed, the new rules cut the machine running
// OpenTofu off from the API, the network fails) never confirms, and the
// server puts the previous rules back by itself when confirm_within runs
// out.
//
// What is planned is what the server stores: the plan fills in the values
// the server derives (mask_short of an address without one: 32 or 128,
// or 0 without ip; a port range given by one end), so a plan after an
// apply is empty.

var (
	_ resource.ResourceWithConfigure      = (*firewallResource)(nil)
	_ resource.ResourceWithImportState    = (*firewallResource)(nil)
	_ resource.ResourceWithModifyPlan     = (*firewallResource)(nil)
	_ resource.ResourceWithValidateConfig = (*firewallResource)(nil)
)

// NewFirewallRulesetResource returns the artnet_firewall_ruleset resource.
func NewFirewallRulesetResource() resource.Resource { return &firewallResource{} }

type firewallResource struct{ c *artnet.Client }

// defaultConfirmWithin is confirm_within when the configuration has none
// (seconds).
const defaultConfirmWithin = 60

type fwModel struct {
	RulesetID          types.String  `tfsdk:"ruleset_id"`
	Enabled            types.Bool    `tfsdk:"enabled"`
	ConfirmWithin      types.Int64   `tfsdk:"confirm_within"`
	MaximumRulesNumber types.Int64   `tfsdk:"maximum_rules_number"`
	ServicesIDsList    types.List    `tfsdk:"services_ids_list"`
	Rules              *fwRulesModel `tfsdk:"rules"`
}

type fwRulesModel struct {
	In  []fwRuleModel `tfsdk:"in"`
	Out []fwRuleModel `tfsdk:"out"`
}

type fwRuleModel struct {
	Policy      types.String `tfsdk:"policy"`
	Protocol    types.Int64  `tfsdk:"protocol"`
	Source      *fwAddrModel `tfsdk:"source"`
	Destination *fwAddrModel `tfsdk:"destination"`
}

type fwAddrModel struct {
	IP        types.String `tfsdk:"ip"`
	MaskShort types.Int64  `tfsdk:"mask_short"`
	Port      *fwPortModel `tfsdk:"port"`
}

type fwPortModel struct {
	Begin types.Int64 `tfsdk:"begin"`
	End   types.Int64 `tfsdk:"end"`
}

var (
	fwPortType = types.ObjectType{AttrTypes: map[string]attr.Type{"begin": types.Int64Type, "end": types.Int64Type}}
	fwAddrType = types.ObjectType{AttrTypes: map[string]attr.Type{"ip": types.StringType, "mask_short": types.Int64Type, "port": fwPortType}}
	fwRuleType = types.ObjectType{AttrTypes: map[string]attr.Type{
		"policy": types.StringType, "protocol": types.Int64Type, "source": fwAddrType, "destination": fwAddrType}}
)

func (r *firewallResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_firewall_ruleset"
}

func fwAddrSchema(which string) schema.SingleNestedAttribute {
	return schema.SingleNestedAttribute{
		Optional:    true,
		Description: "Packet " + which + " conditions; leave out to match any " + which + ". Give ip, port or both.",
		Attributes: map[string]schema.Attribute{
			"ip": schema.StringAttribute{
				Optional:    true,
				Description: "IPv4 or IPv6 address (canonical form) of the network; leave out to match any address.",
			},
			"mask_short": schema.Int64Attribute{
				Optional: true, Computed: true,
				Description: "Prefix length: 0-32 (IPv4), 0-128 (IPv6). Default: 32 or 128 (one address) with ip, 0 without.",
			},
			"port": schema.SingleNestedAttribute{
				Optional: true,
				Description: "Port range (1-65535); needs protocol 6 (TCP), 17 (UDP), 33 (DCCP), 132 (SCTP) or 136 (UDP-Lite). " +
					"One end alone is that one port.",
				Attributes: map[string]schema.Attribute{
					"begin": schema.Int64Attribute{Optional: true, Computed: true, Description: "Lower end of the range."},
					"end":   schema.Int64Attribute{Optional: true, Computed: true, Description: "Upper end of the range."},
				},
			},
		},
	}
}

func fwRulesSchema(dir string) schema.ListNestedAttribute {
	return schema.ListNestedAttribute{
		Optional: true, Computed: true,
		Default:     listdefault.StaticValue(types.ListValueMust(fwRuleType, []attr.Value{})),
		Description: "Rules for " + dir + " traffic, in order (order is significant). Default: none.",
		NestedObject: schema.NestedAttributeObject{
			Attributes: map[string]schema.Attribute{
				"policy": schema.StringAttribute{
					Required:    true,
					Description: "\"ACCEPT\" or \"DROP\".",
				},
				"protocol": schema.Int64Attribute{
					Optional:    true,
					Description: "Protocol number (RFC 1700, 0-255); leave out to match any protocol.",
				},
				"source":      fwAddrSchema("source"),
				"destination": fwAddrSchema("destination"),
			},
		},
	}
}

func (r *firewallResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		Description: "The rules and the state of one firewall ruleset. The ruleset itself is the operator's: create takes it " +
			"over, destroy disables filtering and empties it. Every save is commit-confirmed: saved with confirm_within, " +
			"read back, then confirmed (/firewall/save-confirm); an apply that breaks in between is rolled back by the server.",
		MarkdownDescription: "The rules (incoming and outgoing) and the enabled state of one firewall ruleset (`/firewall/details`, `/firewall/save`, " +
			"`/firewall/enable`, `/firewall/disable`).\n\n" +
			"Rulesets belong to the operator: the API neither creates nor deletes them (`/firewall/list` shows yours). **Create** takes a " +
			"ruleset over: its rules become the configuration's. **Destroy** disables filtering and saves an empty ruleset; the ruleset " +
			"itself stays.\n\n" +
			"**Commit-confirmed saves.** Every save uses artnetd's extension: `/firewall/save` with `confirm_within`, a read of the ruleset " +
			"through the API, then `/firewall/save-confirm`. If the apply breaks in between (the provider is killed, the network fails, or " +
			"the new rules cut the machine running OpenTofu off from the API) the save is never confirmed and the server restores the " +
			"previous rules by itself when `confirm_within` runs out; the failed apply says when. A confirmation that arrives after the " +
			"deadline fails the apply (`nothing-to-confirm`: the previous rules are back; raise `confirm_within`). Enabling or disabling " +
			"is not covered by the window (the API has none for it): it happens after the save, before the confirmation.\n\n" +
			"**Validation.** At plan time, by the server's rules: policy, protocol range, addresses in canonical form, mask ranges by " +
			"address family, port ranges, ports only with a protocol that has them (6 TCP, 17 UDP, 33 DCCP, 132 SCTP, 136 UDP-Lite). " +
			"The plan shows what the server stores (`mask_short` and a one-ended port range filled in), so the plan after an apply is " +
			"empty. The ruleset and the number of rules per direction (`maximum_rules_number`) are checked at plan time with one `/firewall/details` call.\n\n" +
			"**Drift.** Every refresh reads `/firewall/details`: rules or the enabled state changed through the API or the panel show " +
			"in the next plan, and the apply puts the configuration back.\n\n" +
			"Import: `tofu import artnet_firewall_ruleset.NAME RULESET_ID` (the `id` of `/firewall/list`).",
		Attributes: map[string]schema.Attribute{
			"ruleset_id": schema.StringAttribute{
				Required:      true,
				Description:   "Ruleset identifier (/firewall/list). Import id.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"enabled": schema.BoolAttribute{
				Optional: true, Computed: true,
				Default:     booldefault.StaticBool(true),
				Description: "Whether the firewall filters packets (/firewall/enable, /firewall/disable). Default true.",
			},
			"confirm_within": schema.Int64Attribute{
				Optional: true, Computed: true,
				Default: int64default.StaticInt64(defaultConfirmWithin),
				Description: fmt.Sprintf("Seconds (%d-%d) within which the provider must confirm a save, or the server restores the "+
					"previous rules. Default %d.", artnet.MinFirewallConfirmWithin/time.Second, artnet.MaxFirewallConfirmWithin/time.Second, defaultConfirmWithin),
			},
			"maximum_rules_number": schema.Int64Attribute{
				Computed:      true,
				Description:   "Most rules one direction may hold.",
				PlanModifiers: []planmodifier.Int64{int64planmodifier.UseStateForUnknown()},
			},
			"services_ids_list": schema.ListAttribute{
				Computed:      true,
				ElementType:   types.Int64Type,
				Description:   "IDs of the server services the ruleset applies to.",
				PlanModifiers: []planmodifier.List{listplanmodifier.UseStateForUnknown()},
			},
			"rules": schema.SingleNestedAttribute{
				Required:    true,
				Description: "The rules by traffic direction.",
				Attributes: map[string]schema.Attribute{
					"in":  fwRulesSchema("incoming"),
					"out": fwRulesSchema("outgoing"),
				},
			},
		},
	}
}

func (r *firewallResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.c = clientFrom(req.ProviderData, &resp.Diagnostics)
}

// portProtocols are the protocols with ports (as the server checks).
var portProtocols = map[int64]bool{6: true, 17: true, 33: true, 132: true, 136: true}

func known(v attr.Value) bool { return !v.IsNull() && !v.IsUnknown() }

// ValidateConfig checks every rule by the server's rules (the part that
// needs no API call): policy, protocol, addresses, masks, port ranges.
func (r *firewallResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var m fwModel
	if d := req.Config.Get(ctx, &m); d.HasError() {
		return // unknown values: checked when they are known
	}
	if known(m.ConfirmWithin) {
		lo, hi := int64(artnet.MinFirewallConfirmWithin/time.Second), int64(artnet.MaxFirewallConfirmWithin/time.Second)
		if v := m.ConfirmWithin.ValueInt64(); v < lo || v > hi {
			resp.Diagnostics.AddAttributeError(path.Root("confirm_within"), "Invalid confirm_within",
				fmt.Sprintf("confirm_within must be from %d to %d seconds, got %d.", lo, hi, v))
		}
	}
	if m.Rules == nil {
		return
	}
	for _, dir := range []struct {
		name  string
		rules []fwRuleModel
	}{{"in", m.Rules.In}, {"out", m.Rules.Out}} {
		for i, rule := range dir.rules {
			validateRule(&resp.Diagnostics, path.Root("rules").AtName(dir.name).AtListIndex(i), rule)
		}
	}
}

func validateRule(diags *diag.Diagnostics, p path.Path, rule fwRuleModel) {
	if known(rule.Policy) && rule.Policy.ValueString() != artnet.FirewallAccept && rule.Policy.ValueString() != artnet.FirewallDrop {
		diags.AddAttributeError(p.AtName("policy"), "Invalid policy", fmt.Sprintf("policy must be \"ACCEPT\" or \"DROP\" (upper case), got %q.", rule.Policy.ValueString()))
	}
	if known(rule.Protocol) && (rule.Protocol.ValueInt64() < 0 || rule.Protocol.ValueInt64() > 255) {
		diags.AddAttributeError(p.AtName("protocol"), "Invalid protocol", fmt.Sprintf("protocol must be from 0 to 255, got %d.", rule.Protocol.ValueInt64()))
	}
	for _, a := range []struct {
		name string
		addr *fwAddrModel
	}{{"source", rule.Source}, {"destination", rule.Destination}} {
		if a.addr == nil {
			continue
		}
		ap := p.AtName(a.name)
		if a.addr.IP.IsNull() && a.addr.Port == nil {
			diags.AddAttributeError(ap, "Empty "+a.name, "Give ip, port or both, or leave "+a.name+" out to match any "+a.name+".")
		}
		bits := int64(-1)
		if known(a.addr.IP) {
			if ip, ok := canonicalIP(diags, ap.AtName("ip"), a.addr.IP.ValueString()); ok {
				bits = int64(ip.BitLen())
			}
		}
		if known(a.addr.MaskShort) {
			m := a.addr.MaskShort.ValueInt64()
			switch {
			case a.addr.IP.IsNull() && m != 0:
				diags.AddAttributeError(ap.AtName("mask_short"), "mask_short without ip", "mask_short needs ip (leave both out to match any address).")
			case bits > 0 && (m < 0 || m > bits):
				diags.AddAttributeError(ap.AtName("mask_short"), "Invalid mask_short", fmt.Sprintf("mask_short must be from 0 to %d for this address, got %d.", bits, m))
			}
		}
		if a.addr.Port == nil {
			continue
		}
		pp := ap.AtName("port")
		b, e := a.addr.Port.Begin, a.addr.Port.End
		if b.IsNull() && e.IsNull() {
			diags.AddAttributeError(pp, "Empty port", "Give begin, end or both, or leave port out.")
		}
		for _, x := range []struct {
			name string
			v    types.Int64
		}{{"begin", b}, {"end", e}} {
			if known(x.v) && (x.v.ValueInt64() < 1 || x.v.ValueInt64() > 65535) {
				diags.AddAttributeError(pp.AtName(x.name), "Invalid port", fmt.Sprintf("A port is from 1 to 65535, got %d.", x.v.ValueInt64()))
			}
		}
		if known(b) && known(e) && b.ValueInt64() > e.ValueInt64() {
			diags.AddAttributeError(pp, "Invalid port range", fmt.Sprintf("begin %d is above end %d.", b.ValueInt64(), e.ValueInt64()))
		}
		switch {
		case rule.Protocol.IsUnknown():
		case rule.Protocol.IsNull():
			diags.AddAttributeError(pp, "Port without protocol", "Ports need protocol 6 (TCP), 17 (UDP), 33 (DCCP), 132 (SCTP) or 136 (UDP-Lite).")
		case !portProtocols[rule.Protocol.ValueInt64()]:
			diags.AddAttributeError(pp, "Protocol without ports", fmt.Sprintf("Protocol %d has no ports.", rule.Protocol.ValueInt64()))
		}
	}
}

// canonicalRules fills in what the server derives: the default
// mask_short, the missing end of a port range.
func canonicalRules(rules []fwRuleModel) []fwRuleModel {
	out := make([]fwRuleModel, len(rules))
	for i, r := range rules {
		for _, a := range []*fwAddrModel{r.Source, r.Destination} {
			if a == nil {
				continue
			}
			if a.MaskShort.IsNull() || a.MaskShort.IsUnknown() {
				switch {
				case a.IP.IsNull():
					a.MaskShort = types.Int64Value(0)
				case a.IP.IsUnknown():
					a.MaskShort = types.Int64Unknown()
				default:
					bits := int64(32)
					if ip, err := netip.ParseAddr(a.IP.ValueString()); err == nil {
						bits = int64(ip.BitLen())
					}
					a.MaskShort = types.Int64Value(bits)
				}
			}
			if p := a.Port; p != nil {
				switch {
				case p.Begin.IsNull() && !p.End.IsNull():
					p.Begin = p.End
				case p.End.IsNull() && !p.Begin.IsNull():
					p.End = p.Begin
				}
			}
		}
		out[i] = r
	}
	return out
}

// ModifyPlan plans the canonical form of the configured rules (from the
// configuration, not from the prior state: a mask_short left out follows
// a changed ip).
func (r *firewallResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return
	}
	var cfg fwModel
	if d := req.Config.Get(ctx, &cfg); d.HasError() || cfg.Rules == nil {
		return // unknown values: the framework plans the computed ones as unknown
	}
	rules := fwRulesModel{In: canonicalRules(cfg.Rules.In), Out: canonicalRules(cfg.Rules.Out)}
	if rules.In == nil {
		rules.In = []fwRuleModel{}
	}
	if rules.Out == nil {
		rules.Out = []fwRuleModel{}
	}
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("rules"), rules)...)
	// The ruleset must be the customer's, and each direction within its
	// maximum_rules_number (one /firewall/details call).
	if r.c == nil || !known(cfg.RulesetID) {
		return
	}
	id := cfg.RulesetID.ValueString()
	d, err := r.c.Firewall.Details(ctx, id)
	if artnet.IsError(err, artnet.ErrCodeInvalidRulesetID) {
		resp.Diagnostics.AddAttributeError(path.Root("ruleset_id"), "No such ruleset",
			fmt.Sprintf("%q is not one of your firewall rulesets (/firewall/list).", id))
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "firewall/details", err)
		return
	}
	for _, dir := range []struct {
		name string
		n    int
	}{{"in", len(rules.In)}, {"out", len(rules.Out)}} {
		if int64(dir.n) > d.MaximumRulesNumber {
			resp.Diagnostics.AddAttributeError(path.Root("rules").AtName(dir.name), "Too many rules",
				fmt.Sprintf("Ruleset %s holds at most %d rules in each direction (maximum_rules_number); %d planned in %q.",
					id, d.MaximumRulesNumber, dir.n, dir.name))
		}
	}
}

// toAPIRules converts planned rules to the API's.
func toAPIRules(rules []fwRuleModel) []artnet.FirewallRule {
	out := make([]artnet.FirewallRule, 0, len(rules))
	for _, r := range rules {
		fr := artnet.FirewallRule{Policy: r.Policy.ValueString()}
		if known(r.Protocol) {
			fr.Protocol = strconv.FormatInt(r.Protocol.ValueInt64(), 10)
		}
		addr := func(a *fwAddrModel) artnet.FirewallAddress {
			var fa artnet.FirewallAddress
			if a == nil {
				return fa
			}
			if known(a.IP) {
				fa.IP = a.IP.ValueString()
				fa.MaskShort = a.MaskShort.ValueInt64()
			}
			if a.Port != nil {
				if known(a.Port.Begin) {
					fa.Port.Begin = strconv.FormatInt(a.Port.Begin.ValueInt64(), 10)
				}
				if known(a.Port.End) {
					fa.Port.End = strconv.FormatInt(a.Port.End.ValueInt64(), 10)
				}
			}
			return fa
		}
		fr.Source, fr.Destination = addr(r.Source), addr(r.Destination)
		out = append(out, fr)
	}
	return out
}

// fromAPIRules converts the API's rules to the model (an address that
// matches anything is null, as it is written in a configuration).
func fromAPIRules(rules []artnet.FirewallRule) ([]fwRuleModel, error) {
	out := make([]fwRuleModel, 0, len(rules))
	num := func(s string) (types.Int64, error) {
		if s == "" {
			return types.Int64Null(), nil
		}
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return types.Int64Null(), fmt.Errorf("the API answered %q where a number was expected", s)
		}
		return types.Int64Value(n), nil
	}
	for _, r := range rules {
		m := fwRuleModel{Policy: types.StringValue(r.Policy)}
		var err error
		if m.Protocol, err = num(r.Protocol); err != nil {
			return nil, err
		}
		addr := func(a artnet.FirewallAddress) (*fwAddrModel, error) {
			if a.IP == "" && a.Port.Begin == "" && a.Port.End == "" {
				return nil, nil
			}
			out := &fwAddrModel{IP: types.StringNull(), MaskShort: types.Int64Value(a.MaskShort)}
			if a.IP != "" {
				out.IP = types.StringValue(a.IP)
			}
			if a.Port.Begin != "" || a.Port.End != "" {
				b, err := num(a.Port.Begin)
				if err != nil {
					return nil, err
				}
				e, err := num(a.Port.End)
				if err != nil {
					return nil, err
				}
				out.Port = &fwPortModel{Begin: b, End: e}
			}
			return out, nil
		}
		if m.Source, err = addr(r.Source); err != nil {
			return nil, err
		}
		if m.Destination, err = addr(r.Destination); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, nil
}

// read fills m from /firewall/details and /firewall/list; found is false
// when the ruleset is not (or no longer) the customer's.
func (r *firewallResource) read(ctx context.Context, m *fwModel) (found bool, err error) {
	id := m.RulesetID.ValueString()
	d, err := r.c.Firewall.Details(ctx, id)
	if artnet.IsError(err, artnet.ErrCodeInvalidRulesetID) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	m.Enabled = types.BoolValue(d.Enabled)
	m.MaximumRulesNumber = types.Int64Value(d.MaximumRulesNumber)
	if m.ConfirmWithin.IsNull() || m.ConfirmWithin.IsUnknown() { // imported
		m.ConfirmWithin = types.Int64Value(defaultConfirmWithin)
	}
	in, err := fromAPIRules(d.Rules.In)
	if err != nil {
		return false, err
	}
	out, err := fromAPIRules(d.Rules.Out)
	if err != nil {
		return false, err
	}
	m.Rules = &fwRulesModel{In: in, Out: out}
	list, err := r.c.Firewall.List(ctx)
	if err != nil {
		return false, err
	}
	ids := []int64{}
	for _, rs := range list {
		if rs.ID == id {
			ids = rs.ServicesIDsList
		}
	}
	m.ServicesIDsList, _ = types.ListValueFrom(ctx, types.Int64Type, ids)
	return true, nil
}

// apply saves the planned rules commit-confirmed, sets the enabled state,
// reads the ruleset back through the API and confirms. Until the
// confirmation the previous rules are kept by the server and come back by
// themselves after confirm_within.
func (r *firewallResource) apply(ctx context.Context, plan fwModel) (fwModel, error) {
	id := plan.RulesetID.ValueString()
	within := time.Duration(plan.ConfirmWithin.ValueInt64()) * time.Second
	var in, out []artnet.FirewallRule
	if plan.Rules != nil {
		in, out = toAPIRules(plan.Rules.In), toAPIRules(plan.Rules.Out)
	}
	if err := r.c.Firewall.Save(ctx, artnet.FirewallSaveOpts{RulesetID: id, In: in, Out: out, ConfirmWithin: within}); err != nil {
		return plan, fmt.Errorf("firewall/save: %w", err)
	}
	deadline := time.Now().Add(within)
	unconfirmed := func(err error) error {
		return &notedError{err, fmt.Sprintf("The save is not confirmed: the server restores the previous rules of %s by itself at about %s "+
			"(confirm_within %s after the save).", id, deadline.UTC().Format(time.RFC3339), within)}
	}
	cur, err := r.c.Firewall.Details(ctx, id)
	if err != nil {
		return plan, unconfirmed(fmt.Errorf("firewall/details: %w", err))
	}
	if want := plan.Enabled.ValueBool(); cur.Enabled != want {
		change, name := r.c.Firewall.Enable, "firewall/enable"
		if !want {
			change, name = r.c.Firewall.Disable, "firewall/disable"
		}
		if err := change(ctx, id); err != nil {
			return plan, unconfirmed(fmt.Errorf("%s: %w", name, err))
		}
	}
	// Read back through the API before confirming: the API still answers
	// with the new rules in force.
	found, err := r.read(ctx, &plan)
	if err == nil && !found {
		err = errors.New("the ruleset is no longer yours")
	}
	if err != nil {
		return plan, unconfirmed(err)
	}
	if err := r.c.Firewall.SaveConfirm(ctx, id); err != nil {
		if artnet.IsError(err, artnet.ErrCodeNothingToConfirm) {
			return plan, &notedError{err, fmt.Sprintf("The confirmation came after confirm_within (%s) and the server "+
				"restored the previous rules; raise confirm_within.", within)}
		}
		return plan, unconfirmed(fmt.Errorf("firewall/save-confirm: %w", err))
	}
	return plan, nil
}

func (r *firewallResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	if notConfigured(r.c, &resp.Diagnostics) {
		return
	}
	r.save(ctx, req.Plan, &resp.State, &resp.Diagnostics)
}

// save applies the plan (Create and Update alike: the ruleset always
// exists) and stores what the API answers.
func (r *firewallResource) save(ctx context.Context, p tfsdk.Plan, state *tfsdk.State, diags *diag.Diagnostics) {
	var plan fwModel
	diags.Append(p.Get(ctx, &plan)...)
	if diags.HasError() {
		return
	}
	m, err := r.apply(ctx, plan)
	if err != nil {
		addNotedError(diags, "saving ruleset "+plan.RulesetID.ValueString(), err)
		return
	}
	diags.Append(state.Set(ctx, m)...)
}

func (r *firewallResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	if notConfigured(r.c, &resp.Diagnostics) {
		return
	}
	refresh(ctx, req, resp, "reading ruleset", r.read)
}

func (r *firewallResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	if notConfigured(r.c, &resp.Diagnostics) {
		return
	}
	r.save(ctx, req.Plan, &resp.State, &resp.Diagnostics)
}

// Delete disables filtering and saves an empty ruleset (the ruleset
// itself stays: it is the operator's).
func (r *firewallResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	if notConfigured(r.c, &resp.Diagnostics) {
		return
	}
	var m fwModel
	resp.Diagnostics.Append(req.State.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	id := m.RulesetID.ValueString()
	err := r.c.Firewall.Disable(ctx, id)
	if err == nil {
		err = r.c.Firewall.Save(ctx, artnet.FirewallSaveOpts{RulesetID: id})
	}
	if err != nil && !artnet.IsError(err, artnet.ErrCodeInvalidRulesetID) {
		addAPIError(&resp.Diagnostics, "emptying ruleset "+id, err)
	}
}

// ImportState takes the ruleset id.
func (r *firewallResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if req.ID == "" {
		resp.Diagnostics.AddError("Invalid import id", "The import id is the ruleset id (/firewall/list).")
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("ruleset_id"), req.ID)...)
}
