package tfprovider

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64default"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/artnet-panel/artnet-panel/artnet"
	"github.com/artnet-panel/artnet-panel/internal/apperr"
	"github.com/artnet-panel/artnet-panel/internal/panel"
)

func init() { registerResource(newDNSRecordResource) }

// dnsRecordResource is artnet_dns_record: one record of a primary zone.
// The API only replaces a zone's whole record set
// (/dns/edit-primary-records) under the zone's serial: every change reads
// the zone (serial and records), applies this record's change to the set
// and writes it with that serial; when someone else changed the zone in
// between (incorrect-soa-serial) it reads again and re-applies, up to
// maxEditAttempts times, so another writer's change is never overwritten.
type dnsRecordResource struct{ c *artnet.Client }

func newDNSRecordResource() resource.Resource { return &dnsRecordResource{} }

type dnsRecordModel struct {
	ID     types.String `tfsdk:"id"`
	ZoneID types.Int64  `tfsdk:"zone_id"`
	Name   types.String `tfsdk:"name"`
	Type   types.String `tfsdk:"type"`
	TTL    types.Int64  `tfsdk:"ttl"`
	Data1  types.String `tfsdk:"data1"`
	Data2  types.String `tfsdk:"data2"`
	Data3  types.String `tfsdk:"data3"`
	Data4  types.String `tfsdk:"data4"`
}

// maxEditAttempts bounds the read-modify-write rounds of one change.
const maxEditAttempts = 8

var (
	_ resource.ResourceWithConfigure      = (*dnsRecordResource)(nil)
	_ resource.ResourceWithImportState    = (*dnsRecordResource)(nil)
	_ resource.ResourceWithValidateConfig = (*dnsRecordResource)(nil)
)

func (r *dnsRecordResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_dns_record"
}

const dnsRecordImportFormat = "ZONE_ID/NAME/TYPE/DATA1[/DATA2[/DATA3[/DATA4]]]"

func (r *dnsRecordResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	dataDoc := func(n int) string {
		return fmt.Sprintf("Field %d of the record's data (the API's `data%d`); see the table above.", n, n)
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "One record of a primary DNS zone, identified by zone + name + type + data " +
			"(the API has no record ids). The provider changes the zone's record set under the zone's " +
			"serial: it reads the zone, changes this record and writes the set back with the serial it read; " +
			"when the zone changed in between (`incorrect-soa-serial`) it reads again and retries, so a " +
			"concurrent change is never overwritten. Records of the zone that are not managed here are kept.\n\n" +
			"Data fields by type: `A` data1 IPv4 address; `AAAA` data1 IPv6 address; `CNAME` data1 target; " +
			"`MX` data1 priority, data2 exchange; `TXT` data1 text (as is, no quoting); `SRV` data1 priority, " +
			"data2 weight, data3 port, data4 target; `CAA` data1 flags, data2 tag (issue, issuewild, iodef), " +
			"data3 value; `NS` data1 name server (below the apex only). Host names are relative to the zone, " +
			"fully qualified with a trailing dot, or `@`.\n\n" +
			"Changing `name`, `type`, `ttl` or the data updates the record in place (at its position in the zone); " +
			"a record changed or deleted by someone else is no longer this record: the next plan creates it again.\n\n" +
			"Import: `tofu import artnet_dns_record.NAME '" + dnsRecordImportFormat + "'`, e.g. `7/www/A/192.0.2.10` " +
			"or `7/@/MX/10/mail`; the last data field may contain `/`.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "`" + dnsRecordImportFormat + "` of the record (its import id).",
			},
			"zone_id": schema.Int64Attribute{
				Required:            true,
				MarkdownDescription: "The primary zone (`artnet_dns_zone.x.id`). Changing it moves the record (replace).",
				PlanModifiers:       []planmodifier.Int64{int64planmodifier.RequiresReplace()},
				Validators:          []validator.Int64{int64validator.AtLeast(1)},
			},
			"name": schema.StringAttribute{
				Required: true,
				MarkdownDescription: "The owner name: relative to the zone (`www`, `*.dev`), fully qualified with a " +
					"trailing dot (`www.example.com.`), or `@` for the zone itself.",
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"type": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "One of " + strings.Join(artnet.DNSRecordTypes, ", ") + ".",
				Validators:          []validator.String{stringvalidator.OneOf(artnet.DNSRecordTypes...)},
			},
			"ttl": schema.Int64Attribute{
				Optional: true,
				Computed: true,
				Default:  int64default.StaticInt64(panel.DefaultTTL),
				MarkdownDescription: fmt.Sprintf("Time to live in seconds, %d to %d (default %d).",
					panel.MinTTL, panel.MaxTTL, panel.DefaultTTL),
				Validators: []validator.Int64{int64validator.Between(panel.MinTTL, panel.MaxTTL)},
			},
			"data1": schema.StringAttribute{Required: true, MarkdownDescription: dataDoc(1)},
			"data2": schema.StringAttribute{Optional: true, MarkdownDescription: dataDoc(2)},
			"data3": schema.StringAttribute{Optional: true, MarkdownDescription: dataDoc(3)},
			"data4": schema.StringAttribute{Optional: true, MarkdownDescription: dataDoc(4)},
		},
	}
}

// validationDomain stands for the zone's domain in the plan-time checks
// (the zone is known by id only).
const validationDomain = "zone.invalid"

// ValidateConfig checks the record with the server's rules
// (panel.ValidateZoneRecords) as far as they do not depend on the zone:
// the type's data layout, addresses, numbers, host names, text.
func (r *dnsRecordResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var m dnsRecordModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	for _, v := range []types.String{m.Name, m.Type, m.Data1, m.Data2, m.Data3, m.Data4} {
		if v.IsUnknown() {
			return
		}
	}
	name := m.Name.ValueString()
	if strings.HasSuffix(name, ".") || name == "" {
		// Fully qualified: checked against the zone by the server.
		name = "tf-check"
	}
	in := panel.DNSRecordInput{Name: name, Type: m.Type.ValueString(), Data1: m.Data1.ValueString(),
		Data2: m.Data2.ValueString(), Data3: m.Data3.ValueString(), Data4: m.Data4.ValueString()}
	if in.Type == artnet.DNSRecordCNAME && name == "@" {
		resp.Diagnostics.AddAttributeError(path.Root("name"), "Invalid record", "a CNAME record is not allowed at the zone apex")
		return
	}
	if in.Type == artnet.DNSRecordNS && name == "@" {
		resp.Diagnostics.AddAttributeError(path.Root("name"), "Invalid record",
			"NS records are allowed only below the zone apex; the zone's own name servers are set by the panel")
		return
	}
	_, err := panel.ValidateZoneRecords(validationDomain, []panel.DNSRecordInput{in})
	var ae *apperr.Error
	if !errors.As(err, &ae) {
		return
	}
	for _, d := range ae.Details {
		if strings.Contains(d.Message, "A or AAAA record") {
			continue // glue of an in-zone name server: a rule of the whole zone
		}
		p := path.Root("data1")
		switch d.Field {
		case "name", "type", "data1", "data2", "data3", "data4":
			p = path.Root(d.Field)
		}
		resp.Diagnostics.AddAttributeError(p, "Invalid "+d.Field+" of the "+in.Type+" record",
			strings.ReplaceAll(d.Message, validationDomain, "the zone"))
	}
}

func (r *dnsRecordResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.c = clientFrom(req.ProviderData, &resp.Diagnostics)
}

// zoneLocks serialise the changes of one zone within this provider
// process (tofu applies resources in parallel): fewer serial mismatches.
// Other writers are handled by the serial.
var zoneLocks sync.Map // zone id → *sync.Mutex

func lockZone(id int64) func() {
	mu, _ := zoneLocks.LoadOrStore(id, &sync.Mutex{})
	mu.(*sync.Mutex).Lock()
	return mu.(*sync.Mutex).Unlock
}

// errNoChange from a mutation: nothing to write.
var errNoChange = errors.New("no change")

// editZone runs one change of a primary zone's records: read, mutate,
// write with the serial read; on incorrect-soa-serial read again, up to
// maxEditAttempts rounds (retrySerial). mutate gets the zone's domain and
// a copy of its records and returns the new set (errNoChange: nothing to
// write).
func editZone(ctx context.Context, c *artnet.Client, zoneID int64, mutate func(domain string, recs []artnet.DNSRecord) ([]artnet.DNSRecord, error)) error {
	defer lockZone(zoneID)()
	return retrySerial(ctx, artnet.ErrCodeIncorrectSOASerial, fmt.Sprintf("zone %d", zoneID), func() error {
		z, err := c.DNS.DetailsPrimary(ctx, zoneID)
		if err != nil {
			return err
		}
		recs, err := mutate(z.Domain, slices.Clone(z.Records))
		if errors.Is(err, errNoChange) {
			return nil
		}
		if err != nil {
			return err
		}
		return c.DNS.EditPrimaryRecords(ctx, artnet.DNSEditPrimaryRecordsOpts{ZoneID: zoneID, Serial: z.Serial, Records: recs})
	})
}

// recordOf is the record of m as sent to the API.
func recordOf(m *dnsRecordModel) artnet.DNSRecord {
	return artnet.DNSRecord{Name: m.Name.ValueString(), TTL: m.TTL.ValueInt64(), Type: m.Type.ValueString(),
		Data1: m.Data1.ValueString(), Data2: m.Data2.ValueString(), Data3: m.Data3.ValueString(), Data4: m.Data4.ValueString()}
}

// recordKey is what makes a record the same record in the zone of domain,
// as the server compares them: the absolute owner name, the type and the
// data in canonical form (host names absolute and in lower case, numbers
// and addresses canonical, the CAA tag in lower case). owner is the
// absolute name of a record whose name is empty (the previous record's).
func recordKey(domain, owner string, r artnet.DNSRecord) string {
	typ := strings.ToUpper(strings.TrimSpace(r.Type))
	if n := strings.TrimSpace(r.Name); n != "" {
		owner = absName(domain, n)
	}
	parts := []string{owner, typ}
	layout, _ := panel.DNSRecordLayoutOf(typ)
	for i, v := range [4]string{r.Data1, r.Data2, r.Data3, r.Data4} {
		f := layout.Data[i]
		if f.Kind != panel.DNSDataText {
			v = strings.TrimSpace(v)
		}
		switch f.Kind {
		case panel.DNSDataIPv4, panel.DNSDataIPv6:
			if ip, err := netip.ParseAddr(v); err == nil {
				v = ip.String()
			}
		case panel.DNSDataHost, panel.DNSDataAlias:
			if v != "." {
				v = absName(domain, v)
			}
		case panel.DNSDataUint8, panel.DNSDataUint16:
			if n, err := strconv.ParseUint(v, 10, 16); err == nil {
				v = strconv.FormatUint(n, 10)
			}
		case panel.DNSDataCAATag:
			v = strings.ToLower(v)
		}
		parts = append(parts, v)
	}
	return strings.Join(parts, "\x00")
}

// absName is a name of the zone of domain made absolute: lower case, no
// trailing dot ("@" is the domain, a name without a trailing dot is
// relative).
func absName(domain, n string) string {
	switch {
	case n == "@":
		return domain
	case strings.HasSuffix(n, "."):
		return strings.ToLower(strings.TrimSuffix(n, "."))
	}
	return strings.ToLower(n) + "." + domain
}

// findRecord returns the position of the record with key in recs, or -1.
func findRecord(domain string, recs []artnet.DNSRecord, key string) int {
	owner := ""
	for i, r := range recs {
		if n := strings.TrimSpace(r.Name); n != "" {
			owner = absName(domain, n)
		}
		if recordKey(domain, owner, r) == key {
			return i
		}
	}
	return -1
}

// detach makes the record after position i name its owner explicitly when
// it had an empty name (the name of the previous record), before record i
// changes or goes.
func detach(recs []artnet.DNSRecord, i int) {
	if i+1 >= len(recs) || strings.TrimSpace(recs[i+1].Name) != "" {
		return
	}
	for j := i; j >= 0; j-- {
		if n := strings.TrimSpace(recs[j].Name); n != "" {
			recs[i+1].Name = n
			return
		}
	}
}

// importID is the id of the record of m.
func importID(m *dnsRecordModel) string {
	parts := []string{strconv.FormatInt(m.ZoneID.ValueInt64(), 10), m.Name.ValueString(), m.Type.ValueString(), m.Data1.ValueString()}
	for _, d := range []types.String{m.Data2, m.Data3, m.Data4} {
		if d.IsNull() || d.ValueString() == "" {
			break
		}
		parts = append(parts, d.ValueString())
	}
	return strings.Join(parts, "/")
}

func (r *dnsRecordResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	if notConfigured(r.c, &resp.Diagnostics) {
		return
	}
	var plan dnsRecordModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	rec := recordOf(&plan)
	err := editZone(ctx, r.c, plan.ZoneID.ValueInt64(), func(domain string, recs []artnet.DNSRecord) ([]artnet.DNSRecord, error) {
		if findRecord(domain, recs, recordKey(domain, "", rec)) >= 0 {
			return nil, fmt.Errorf("the zone %s already has this record; import it: tofu import ADDRESS '%s'", domain, importID(&plan))
		}
		return append(recs, rec), nil
	})
	if err != nil {
		addAPIError(&resp.Diagnostics, "Adding the "+rec.Type+" record "+rec.Name, err)
		return
	}
	plan.ID = types.StringValue(importID(&plan))
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// read finds the record of m in its zone and updates its TTL; found false
// when the zone or the record is gone. Name, type and data stay as m has
// them (the same record, maybe spelled otherwise than the server stores it).
func (r *dnsRecordResource) read(ctx context.Context, m *dnsRecordModel) (bool, diag.Diagnostics) {
	var diags diag.Diagnostics
	z, err := r.c.DNS.DetailsPrimary(ctx, m.ZoneID.ValueInt64())
	if isNotFound(err, artnet.ErrCodeInvalidZoneID) {
		return false, diags
	}
	if err != nil {
		addAPIError(&diags, fmt.Sprintf("Reading DNS zone %d", m.ZoneID.ValueInt64()), err)
		return false, diags
	}
	i := findRecord(z.Domain, z.Records, recordKey(z.Domain, "", recordOf(m)))
	if i < 0 {
		return false, diags
	}
	m.TTL = types.Int64Value(z.Records[i].TTL)
	m.ID = types.StringValue(importID(m))
	return true, diags
}

func (r *dnsRecordResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	if notConfigured(r.c, &resp.Diagnostics) {
		return
	}
	var m dnsRecordModel
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

func (r *dnsRecordResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	if notConfigured(r.c, &resp.Diagnostics) {
		return
	}
	var plan, state dnsRecordModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	old, rec := recordOf(&state), recordOf(&plan)
	err := editZone(ctx, r.c, plan.ZoneID.ValueInt64(), func(domain string, recs []artnet.DNSRecord) ([]artnet.DNSRecord, error) {
		i := findRecord(domain, recs, recordKey(domain, "", old))
		if i < 0 {
			return nil, fmt.Errorf("the %s record %s is no longer in the zone %s (changed or deleted by someone else); "+
				"run a plan again to create it", old.Type, old.Name, domain)
		}
		detach(recs, i)
		recs[i] = rec
		return recs, nil
	})
	if err != nil {
		addAPIError(&resp.Diagnostics, "Changing the "+old.Type+" record "+old.Name, err)
		return
	}
	plan.ID = types.StringValue(importID(&plan))
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *dnsRecordResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	if notConfigured(r.c, &resp.Diagnostics) {
		return
	}
	var state dnsRecordModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	old := recordOf(&state)
	err := editZone(ctx, r.c, state.ZoneID.ValueInt64(), func(domain string, recs []artnet.DNSRecord) ([]artnet.DNSRecord, error) {
		i := findRecord(domain, recs, recordKey(domain, "", old))
		if i < 0 {
			return nil, errNoChange // already gone
		}
		detach(recs, i)
		return slices.Delete(recs, i, i+1), nil
	})
	if err != nil && !isNotFound(err, artnet.ErrCodeInvalidZoneID) {
		addAPIError(&resp.Diagnostics, "Deleting the "+old.Type+" record "+old.Name, err)
	}
}

// ImportState reads ZONE_ID/NAME/TYPE/DATA1[/DATA2...]: the type says how
// many data fields follow; the last one takes the rest of the id.
func (r *dnsRecordResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	head, err := splitImportID(req.ID, 4, dnsRecordImportFormat)
	if err != nil {
		resp.Diagnostics.AddError("Invalid import id", err.Error())
		return
	}
	zoneID, err := parseID("zone id", head[0])
	if err != nil {
		resp.Diagnostics.AddError("Invalid import id", err.Error())
		return
	}
	typ := head[2]
	layout, ok := panel.DNSRecordLayoutOf(typ)
	if !ok {
		resp.Diagnostics.AddError("Invalid import id", fmt.Sprintf("type %q: want one of %s", typ, strings.Join(artnet.DNSRecordTypes, ", ")))
		return
	}
	fields := 0
	for _, f := range layout.Data {
		if f.Kind != panel.DNSDataUnused {
			fields++
		}
	}
	data := strings.SplitN(head[3], "/", fields)
	if len(data) < 1 || data[0] == "" {
		resp.Diagnostics.AddError("Invalid import id", fmt.Sprintf("import id %q: want %s", req.ID, dnsRecordImportFormat))
		return
	}
	m := dnsRecordModel{ZoneID: types.Int64Value(zoneID), Name: types.StringValue(head[1]), Type: types.StringValue(typ),
		TTL: types.Int64Null(), Data1: types.StringValue(data[0]), Data2: types.StringNull(), Data3: types.StringNull(), Data4: types.StringNull()}
	for i, d := range data[1:] {
		*[]*types.String{&m.Data2, &m.Data3, &m.Data4}[i] = types.StringValue(d)
	}
	m.ID = types.StringValue(importID(&m))
	if r.c != nil {
		found, diags := r.read(ctx, &m)
		resp.Diagnostics.Append(diags...)
		if resp.Diagnostics.HasError() {
			return
		}
		if !found {
			resp.Diagnostics.AddError("Cannot import a missing record",
				fmt.Sprintf("zone %d has no %s record %s with this data", zoneID, typ, head[1]))
			return
		}
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
