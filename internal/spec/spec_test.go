package spec

import (
	"slices"
	"strings"
	"testing"

	"github.com/artnet-panel/artnet-panel/internal/apperr"
)

func TestCatalogueShape(t *testing.T) {
	cmds := All()
	documented := 0
	for _, c := range cmds {
		if !c.Extension {
			documented++
		}
	}
	if documented != 93 {
		t.Errorf("All() has %d documented commands, want 93", documented)
	}
	mods := Modules()
	if len(mods) != 22 { // 20 documented, api-keys and invoices (extensions)
		t.Errorf("Modules() has %d modules, want 22", len(mods))
	}

	seen := map[string]bool{}
	var order []string // modules in the order commands use them
	for _, c := range cmds {
		if seen[c.Path()] {
			t.Errorf("duplicate command %s", c.Path())
		}
		seen[c.Path()] = true
		if len(order) == 0 || order[len(order)-1] != c.Module {
			if slices.Contains(order, c.Module) {
				t.Errorf("commands of module %s are not contiguous (at %s)", c.Module, c.Path())
			}
			order = append(order, c.Module)
		}
		if c.Summary == "" || c.Doc == "" {
			t.Errorf("%s: empty Summary or Doc", c.Path())
		}
		if c.ReadOnly && c.Destructive {
			t.Errorf("%s: both ReadOnly and Destructive", c.Path())
		}
		if (c.Name == "list" || c.Name == "details") && !c.ReadOnly {
			t.Errorf("%s: list/details command not ReadOnly", c.Path())
		}
	}
	var modNames []string
	for _, m := range mods {
		if m.Doc == "" {
			t.Errorf("module %s: empty Doc", m.Name)
		}
		modNames = append(modNames, m.Name)
	}
	if !slices.Equal(order, modNames) {
		t.Errorf("modules of commands %v, want Modules() %v", order, modNames)
	}
}

func TestErrorCodesDescribed(t *testing.T) {
	for _, c := range All() {
		seen := map[string]bool{}
		for _, code := range c.Errors {
			if seen[code] {
				t.Errorf("%s: error code %s listed twice", c.Path(), code)
			}
			seen[code] = true
			d, ok := apperr.Descriptions[code]
			if !ok {
				t.Errorf("%s: error code %q has no description", c.Path(), code)
				continue
			}
			if d.PL == "" || d.EN == "" {
				t.Errorf("%s: error code %q lacks a pl or en text", c.Path(), code)
			}
		}
	}
}

func TestLookup(t *testing.T) {
	for i, c := range All() {
		got, ok := Lookup(c.Module, c.Name)
		if !ok {
			t.Errorf("Lookup(%q, %q) not found", c.Module, c.Name)
			continue
		}
		if got.Path() != c.Path() || got.Summary != c.Summary {
			t.Errorf("Lookup(%q, %q) = %s, want command #%d %s", c.Module, c.Name, got.Path(), i, c.Path())
		}
	}
	for _, tc := range []struct{ module, name string }{
		{"services", "nope"},
		{"nope", "list"},
		{"", ""},
		{"Services", "details"},
		{"services/details", ""},
		{"services", "details/"},
		{"", "services/details"},
		{"dns", "details-secondary"}, // the documented name is "secoundary"
		{"dns", "info"},              // mentioned in the text, not documented
	} {
		if c, ok := Lookup(tc.module, tc.name); ok {
			t.Errorf("Lookup(%q, %q) = %s, want not found", tc.module, tc.name, c.Path())
		}
	}
}

func TestAllReturnsCopy(t *testing.T) {
	a := All()
	a[0].Name = "changed"
	if c, _ := Lookup("customer", "regenerate-api-key"); c.Name != "regenerate-api-key" {
		t.Errorf("modifying All() changed the catalogue: %q", c.Name)
	}
	if All()[0].Name != "regenerate-api-key" {
		t.Error("modifying All() changed the next All()")
	}
}

func TestPath(t *testing.T) {
	c, _ := Lookup("services", "details")
	if got := c.Path(); got != "services/details" {
		t.Errorf("Path() = %q", got)
	}
}

func TestParamErrorCode(t *testing.T) {
	for _, tc := range []struct{ path, want string }{
		{"cloud-instance/resources-calculate-price", apperr.CodeInvalidParamValue},
		{"cloud-instance/resources-negotiate", apperr.CodeInvalidParamValue},
		{"customer/edit", apperr.CodeIncorrectParamValue},
		{"services/details", apperr.CodeIncorrectParamValue},
		{"dns/edit-primary-records", apperr.CodeIncorrectParamValue},
		{"customer/regenerate-api-key", apperr.CodeIncorrectParamValue},
	} {
		c := mustLookup(t, tc.path)
		if got := c.ParamErrorCode(); got != tc.want {
			t.Errorf("%s: ParamErrorCode() = %q, want %q", tc.path, got, tc.want)
		}
	}
	// Order among the two codes decides.
	c := Command{Errors: []string{apperr.CodeInvalidID, apperr.CodeInvalidParamValue, apperr.CodeIncorrectParamValue}}
	if got := c.ParamErrorCode(); got != apperr.CodeInvalidParamValue {
		t.Errorf("ParamErrorCode() = %q, want the first documented", got)
	}
}

func TestIDParams(t *testing.T) {
	for _, tc := range []struct {
		path string
		want []string
	}{
		{"services/details", []string{"service_id"}},
		{"services/list", []string{"parent_service_id"}},
		{"customer/details", nil},
		{"customer/email-details", []string{"email_id"}},
		{"additional-ip/order", []string{"parent_service_id"}},
		{"dns/edit-primary-records", []string{"zone_id"}},
		{"rev-dns/edit", []string{"subnetwork_id"}},
		{"firewall/save", []string{"ruleset_id"}},
		{"offer-dedicated/express-order", []string{"server_id"}},
		{"cloud-instance/resources-calculate-price", []string{"instance_id"}},
	} {
		c := mustLookup(t, tc.path)
		if got := c.IDParams(); !slices.Equal(got, tc.want) {
			t.Errorf("%s: IDParams() = %v, want %v", tc.path, got, tc.want)
		}
	}
}

// Ids name the object a command acts on: required, except where the
// documentation makes them a filter or an option.
func TestIDParamsRequired(t *testing.T) {
	optional := map[string]bool{
		"services/list parent_service_id":                      true,
		"cloud-instance/resources-calculate-price instance_id": true,
	}
	for _, c := range All() {
		for _, name := range c.IDParams() {
			p, _ := c.Param(name)
			want := !optional[c.Path()+" "+name] && c.ListOf == ""
			if p.Required != want {
				t.Errorf("%s: %s Required = %v, want %v", c.Path(), name, p.Required, want)
			}
		}
	}
}

func TestParamTree(t *testing.T) {
	var walk func(path string, ps []Param)
	walk = func(path string, ps []Param) {
		names := map[string]bool{}
		for _, p := range ps {
			where := path + " " + p.Name
			if p.Name == "" || strings.ContainsAny(p.Name, "[] ") {
				t.Errorf("%s: bad parameter name", where)
			}
			if names[p.Name] {
				t.Errorf("%s: duplicate parameter", where)
			}
			names[p.Name] = true
			container := p.Type == Object || p.Type == ObjectList
			if container != (len(p.Children) > 0) {
				t.Errorf("%s: type %s with %d children", where, p.Type, len(p.Children))
			}
			if p.Doc == "" {
				t.Errorf("%s: empty Doc", where)
			}
			if p.MaxLen != 0 && p.Type != String {
				t.Errorf("%s: MaxLen on a %s", where, p.Type)
			}
			if p.AllowEmpty && p.Type != Number {
				t.Errorf("%s: AllowEmpty on a %s", where, p.Type)
			}
			walk(where, p.Children)
		}
	}
	for _, c := range All() {
		walk(c.Path(), c.Params)
	}
}

func TestResponseTree(t *testing.T) {
	containers := map[string]bool{"object": true, "objects-list": true, "object-list": true}
	var walk func(path string, fs []Field)
	walk = func(path string, fs []Field) {
		names := map[string]bool{}
		for _, f := range fs {
			where := path + " " + f.Name
			if names[f.Name] {
				t.Errorf("%s: duplicate field", where)
			}
			names[f.Name] = true
			if f.Type == "" {
				t.Errorf("%s: empty Type", where)
			}
			if len(f.Children) > 0 && !containers[f.Type] {
				t.Errorf("%s: type %q with children", where, f.Type)
			}
			walk(where, f.Children)
		}
	}
	for _, c := range All() {
		walk(c.Path(), c.Response)
	}
}

func TestListOf(t *testing.T) {
	want := map[string]string{
		"domain": "domain", "easyisp": "easyisp", "avx": "avx", "hosting-artnet": "hosting-artnet",
		"ssl": "ssl", "software": "software", "link-service": "link", "fail-over-ip": "foip",
		"additional-ip": "additional-ip", "vps": "vps", "dedicated": "dedicated", "colocation": "colocation",
	}
	services := mustLookup(t, "services/list")
	var wantParams []string
	for _, p := range services.Params {
		if p.Name != "service_type" {
			wantParams = append(wantParams, p.Name)
		}
	}
	got := map[string]string{}
	for _, c := range All() {
		if c.ListOf == "" {
			continue
		}
		got[c.Module] = c.ListOf
		if c.Name != "list" {
			t.Errorf("%s: ListOf on a command that is not list", c.Path())
		}
		if !strings.HasSuffix(c.Doc, "service_type="+c.ListOf+".") {
			t.Errorf("%s: ListOf %q does not match the doc %q", c.Path(), c.ListOf, c.Doc)
		}
		var names []string
		for _, p := range c.Params {
			names = append(names, p.Name)
			if sp, _ := services.Param(p.Name); sp.Type != p.Type || sp.Required != p.Required {
				t.Errorf("%s: param %s differs from services/list", c.Path(), p.Name)
			}
		}
		if !slices.Equal(names, wantParams) {
			t.Errorf("%s: params %v, want %v", c.Path(), names, wantParams)
		}
		if len(c.Response) != 1 || c.Response[0].Name != "services_list" ||
			len(c.Response[0].Children) != len(services.Response[0].Children) {
			t.Errorf("%s: response is not services_list", c.Path())
		}
		if len(c.Errors) != 0 {
			t.Errorf("%s: errors %v, want none", c.Path(), c.Errors)
		}
	}
	if len(got) != len(want) {
		t.Errorf("%d ListOf commands, want %d", len(got), len(want))
	}
	for m, st := range want {
		if got[m] != st {
			t.Errorf("%s/list: ListOf = %q, want %q", m, got[m], st)
		}
	}
}

// shape renders a parameter tree as "name:type*" (* = required), children
// in braces, for compact comparisons.
func shape(ps []Param) string {
	var parts []string
	for _, p := range ps {
		if p.Extension {
			continue // the documented shape
		}
		s := p.Name + ":" + p.Type.String()
		if p.Required {
			s += "*"
		}
		if len(p.Children) > 0 {
			s += "{" + shape(p.Children) + "}"
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, " ")
}

func TestTranscribedParams(t *testing.T) {
	rule := "policy:string* protocol:number " +
		"source:object{ip:string mask_short:number port:object{begin:number end:number}} " +
		"destination:object{ip:string mask_short:number port:object{begin:number end:number}}"
	for _, tc := range []struct{ path, want string }{
		{"dns/edit-primary-records", "zone_id:number* serial:string* records:object-list{" +
			"name:string ttl:number type:string* data1:string* data2:string data3:string data4:string}"},
		{"firewall/save", "ruleset_id:string* rules:object{in:object-list{" + rule + "} out:object-list{" + rule + "}}"},
		{"rev-dns/edit", "subnetwork_id:number* dns_subclass:string* serial:number* " +
			"ptr_records:object-list{origin:string* ptr:string delete:string}"},
		{"domain/edit-dns-servers", "service_id:number* dns_servers:list*"},
		{"cloud-instance/resources-calculate-price", "instance_id:number resources:object{cpu:number ram:number hdd:number bandwidth:number}"},
		{"cloud-instance/resources-negotiate", "instance_id:number* instance_password:string* shutdown:boolean " +
			"resources:object*{cpu:number ram:number hdd:number bandwidth:number}"},
		{"cloud-instance/custom-properties-edit", "instance_id:number* custom_properties:object{display_name:string notes:string}"},
		{"vps/power-off", "service_id:number* confirm:string*"},
		{"additional-ip/order-info", "parent_service_id:number*"},
		{"services/list", "limit:number offset:number service_type:string parent_service_id:number"},
		{"customer/regenerate-api-key", ""},
	} {
		c := mustLookup(t, tc.path)
		if got := shape(c.Params); got != tc.want {
			t.Errorf("%s params:\n got %s\nwant %s", tc.path, got, tc.want)
		}
	}
}

func TestTranscribedDetails(t *testing.T) {
	edit := mustLookup(t, "customer/edit")
	cust, ok := edit.Param("customer")
	if !ok || cust.Type != Object || cust.Required {
		t.Fatalf("customer/edit: customer = %+v, want an optional Object", cust)
	}
	if len(cust.Children) != 17 {
		t.Errorf("customer/edit: %d customer children, want 17", len(cust.Children))
	}
	for _, ch := range cust.Children {
		want := String
		if ch.Name == "business" {
			want = Bool
		}
		if ch.Type != want || ch.Required {
			t.Errorf("customer/edit: customer[%s] is %s required=%v, want optional %s", ch.Name, ch.Type, ch.Required, want)
		}
	}

	props := mustLookup(t, "cloud-instance/custom-properties-edit")
	cp, _ := props.Param("custom_properties")
	for i, want := range []int{35, 10240} {
		if cp.Children[i].MaxLen != want {
			t.Errorf("custom_properties[%s].MaxLen = %d, want %d", cp.Children[i].Name, cp.Children[i].MaxLen, want)
		}
	}

	save := mustLookup(t, "firewall/save")
	rules, _ := save.Param("rules")
	port := rules.Children[0].Children[2].Children[2] // in → source → port
	if port.Name != "port" || !port.Children[0].AllowEmpty {
		t.Errorf("firewall/save: rules[in][N][source][port][begin] should allow empty, got %+v", port)
	}

	for _, tc := range []struct {
		path   string
		errors []string
	}{
		{"rev-dns/edit", []string{"authorization-failed", "invalid-subclass", "internal-dns-error", "invalid-origin", "invalid-serial"}},
		{"dns/details-primary", []string{"incorrect-ip", "ip-not-allowed", "ip-already-blackholed", "internal-blackholing-ip-error", "invalid-zone-id", "invalid-zone-type"}},
		{"dns/details-secoundary", []string{"incorrect-ip", "ip-not-allowed", "ip-already-blackholed", "internal-blackholing-ip-error", "invalid-zone-id", "invalid-zone-type"}},
		{"cloud-instance/delete", []string{"authorization-failed", "instance-password-incorrect", "internal-instance-delete-error"}},
		{"services/list", nil},
		{"customer/get-language", nil},
	} {
		if got := mustLookup(t, tc.path).Errors; !slices.Equal(got, tc.errors) {
			t.Errorf("%s: Errors = %v, want %v", tc.path, got, tc.errors)
		}
	}

	for _, tc := range []struct {
		path        string
		destructive bool
		readOnly    bool
	}{
		{"customer/regenerate-api-key", true, false},
		{"cloud-instance/delete", true, false},
		{"dedicated/power-restart", true, false},
		{"dedicated/power-on", false, false},
		{"cloud-instance/resources-calculate-price", false, true},
		{"additional-ip/order", false, false},
	} {
		c := mustLookup(t, tc.path)
		if c.Destructive != tc.destructive || c.ReadOnly != tc.readOnly {
			t.Errorf("%s: Destructive=%v ReadOnly=%v, want %v %v", tc.path, c.Destructive, c.ReadOnly, tc.destructive, tc.readOnly)
		}
	}
}

func TestTranscribedResponse(t *testing.T) {
	c := mustLookup(t, "colocation/transfer-usage-details")
	tr := c.Response[0].Children[0].Children[0] // transfer_usage_details → periods_list → time_range
	var names []string
	for _, f := range tr.Children {
		names = append(names, f.Name)
	}
	if tr.Name != "time_range" || !slices.Equal(names, []string{"from", "to"}) {
		t.Errorf("time_range fields = %s %v, want from, to", tr.Name, names)
	}
	d := mustLookup(t, "cloud-instance/details")
	if n := len(d.Response[0].Children); n != 11 {
		t.Errorf("cloud-instance/details: instance_details has %d fields, want 11", n)
	}
}

func TestParamTypeString(t *testing.T) {
	for typ, want := range map[ParamType]string{
		String: "string", Number: "number", Bool: "boolean", List: "list",
		Object: "object", ObjectList: "object-list", ParamType(42): "unknown", ParamType(-1): "unknown",
	} {
		if got := typ.String(); got != want {
			t.Errorf("ParamType(%d).String() = %q, want %q", int(typ), got, want)
		}
	}
}

func mustLookup(t *testing.T, path string) Command {
	t.Helper()
	module, name, _ := strings.Cut(path, "/")
	c, ok := Lookup(module, name)
	if !ok {
		t.Fatalf("Lookup(%q, %q) not found", module, name)
	}
	return c
}

func BenchmarkLookup(b *testing.B) {
	for b.Loop() {
		if _, ok := Lookup("cloud-instance", "resources-calculate-price"); !ok {
			b.Fatal("not found")
		}
	}
}
