package openapi_test

import (
	"bytes"
	"encoding/json"
	"html"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/pb33f/libopenapi"
	validator "github.com/pb33f/libopenapi-validator"

	"github.com/artnet-panel/artnet-panel/internal/apperr"
	"github.com/artnet-panel/artnet-panel/internal/openapi"
	"github.com/artnet-panel/artnet-panel/internal/spec"
)

// someImplemented marks a few commands implemented, as a server in the
// middle of its roadmap.
func someImplemented(path string) bool {
	return strings.HasPrefix(path, "customer/") || strings.HasPrefix(path, "services/")
}

func document(t *testing.T) []byte {
	t.Helper()
	b, err := openapi.Document(spec.All(), someImplemented)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestDocumentIsValidOpenAPI builds the document with libopenapi (a real
// OpenAPI 3.1 implementation) and validates it against the OpenAPI 3.1
// specification schema with libopenapi-validator.
func TestDocumentIsValidOpenAPI(t *testing.T) {
	b := document(t)
	doc, err := libopenapi.NewDocument(b)
	if err != nil {
		t.Fatal(err)
	}
	if v := doc.GetVersion(); v != "3.1.0" {
		t.Fatalf("version %q", v)
	}
	model, err := doc.BuildV3Model()
	if err != nil {
		t.Fatalf("BuildV3Model: %v", err)
	}
	if model == nil {
		t.Fatal("no model")
	}
	m := model.Model
	if m.Info.Title != openapi.Title || m.Info.Version != openapi.Version {
		t.Fatalf("info = %q %q", m.Info.Title, m.Info.Version)
	}
	if len(m.Servers) != 1 || m.Servers[0].URL != "/api" {
		t.Fatalf("servers = %+v", m.Servers)
	}

	cmds := spec.All()
	if len(cmds) != 94 { // the 93 documented and firewall/save-confirm (an extension)
		t.Fatalf("catalogue has %d commands, want 94", len(cmds))
	}
	if n := m.Paths.PathItems.Len(); n != 94 {
		t.Fatalf("document has %d paths, want 94", n)
	}
	ids := make(map[string]string)
	for _, c := range cmds {
		item, ok := m.Paths.PathItems.Get("/" + c.Path())
		if !ok {
			t.Fatalf("path /%s missing", c.Path())
		}
		if item.Get != nil || item.Put != nil || item.Delete != nil || item.Patch != nil {
			t.Errorf("%s: operations other than POST", c.Path())
		}
		op := item.Post
		if op == nil {
			t.Fatalf("%s: no POST", c.Path())
		}
		if op.OperationId == "" {
			t.Errorf("%s: no operationId", c.Path())
		}
		if other, dup := ids[op.OperationId]; dup {
			t.Errorf("operationId %s used by %s and %s", op.OperationId, other, c.Path())
		}
		ids[op.OperationId] = c.Path()
		if !slices.Equal(op.Tags, []string{c.Module}) {
			t.Errorf("%s: tags %v", c.Path(), op.Tags)
		}
		if op.Summary != c.Summary {
			t.Errorf("%s: summary %q", c.Path(), op.Summary)
		}
		if op.RequestBody == nil || op.RequestBody.Required == nil || !*op.RequestBody.Required {
			t.Errorf("%s: request body not required", c.Path())
		} else {
			for _, ct := range []string{"application/x-www-form-urlencoded", "multipart/form-data"} {
				if _, ok := op.RequestBody.Content.Get(ct); !ok {
					t.Errorf("%s: no %s body", c.Path(), ct)
				}
			}
		}
		for _, status := range []string{"200", "400", "405", "413", "429", "500"} {
			if _, ok := op.Responses.Codes.Get(status); !ok {
				t.Errorf("%s: no %s response", c.Path(), status)
			}
		}
		for _, x := range []string{"x-implemented", "x-read-only", "x-destructive", "x-error-codes"} {
			if _, ok := op.Extensions.Get(x); !ok {
				t.Errorf("%s: no %s", c.Path(), x)
			}
		}
	}
	if len(m.Tags) != len(spec.Modules()) {
		t.Errorf("%d tags, want %d", len(m.Tags), len(spec.Modules()))
	}

	v, errs := validator.NewValidator(doc)
	if len(errs) > 0 {
		t.Fatalf("NewValidator: %v", errs)
	}
	if ok, verrs := v.ValidateDocument(); !ok {
		for _, e := range verrs {
			t.Errorf("%s: %s", e.Message, e.Reason)
			for _, se := range e.SchemaValidationErrors {
				t.Errorf("  %s at %s (%s)", se.Reason, se.FieldPath, se.KeywordLocation)
			}
		}
		t.Fatal("the document does not validate against the OpenAPI 3.1 schema")
	}
}

// raw decodes the document into plain maps.
func raw(t *testing.T, b []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// at walks m along keys (object keys or decimal indices).
func at(t *testing.T, v any, keys ...string) any {
	t.Helper()
	for i, k := range keys {
		switch x := v.(type) {
		case map[string]any:
			var ok bool
			if v, ok = x[k]; !ok {
				t.Fatalf("no %q at %s", k, strings.Join(keys[:i], "."))
			}
		case []any:
			n, err := strconv.Atoi(k)
			if err != nil || n < 0 || n >= len(x) {
				t.Fatalf("no index %q at %s", k, strings.Join(keys[:i], "."))
			}
			v = x[n]
		default:
			t.Fatalf("cannot walk %q at %s: %T", k, strings.Join(keys[:i], "."), v)
		}
	}
	return v
}

func TestErrorCodes(t *testing.T) {
	doc := raw(t, document(t))
	for _, c := range spec.All() {
		op := at(t, doc, "paths", "/"+c.Path(), "post")
		enum, _ := at(t, op, "responses", "200", "content", "application/json", "schema",
			"oneOf", "1", "allOf", "1", "properties", "error", "properties", "code", "enum").([]any)
		xcodes, _ := at(t, op, "x-error-codes").([]any)
		if len(enum) != len(xcodes) {
			t.Fatalf("%s: %d codes in the enum, %d in x-error-codes", c.Path(), len(enum), len(xcodes))
		}
		seen := make(map[string]bool)
		for i, e := range enum {
			code := e.(string)
			if seen[code] {
				t.Errorf("%s: code %s twice", c.Path(), code)
			}
			seen[code] = true
			x := xcodes[i].(map[string]any)
			d := apperr.Descriptions[code]
			if x["code"] != code || x["pl"] != d.PL || x["en"] != d.EN || d.PL == "" || d.EN == "" {
				t.Errorf("%s: x-error-codes[%d] = %v, want %s %q %q", c.Path(), i, x, code, d.PL, d.EN)
			}
		}
		want := append(slices.Clone(c.Errors), apperr.CodeAuthorizationFailed, apperr.CodeNotImplemented,
			apperr.CodeInternal, apperr.CodeMalformedRequest, apperr.CodeMethodNotAllowed,
			apperr.CodeRequestTooLarge, apperr.CodeTooManyParameters, apperr.CodeTooManyFailedLogins)
		if len(c.Params) > 0 {
			want = append(want, c.ParamErrorCode())
		}
		for _, code := range want {
			if !seen[code] {
				t.Errorf("%s: code %s missing from the error enum", c.Path(), code)
			}
		}
		// The command's documented codes come first, in documented order.
		for i, code := range c.Errors {
			if enum[i] != code {
				t.Errorf("%s: enum[%d] = %v, want %s", c.Path(), i, enum[i], code)
			}
		}
	}
	// Transport responses: shared, with their codes.
	for name, code := range map[string]string{
		"MalformedRequest": "malformed-request", "MethodNotAllowed": "method-not-allowed",
		"RequestTooLarge": "request-too-large", "TooManyFailedLogins": "too-many-failed-logins",
		"InternalError": "internal-error",
	} {
		enum := at(t, doc, "components", "responses", name, "content", "application/json", "schema",
			"allOf", "1", "properties", "error", "properties", "code", "enum").([]any)
		if enum[0] != code {
			t.Errorf("%s: codes %v", name, enum)
		}
	}
	if at(t, doc, "components", "responses", "TooManyFailedLogins", "headers", "Retry-After", "schema", "type") != "integer" {
		t.Error("429 without Retry-After")
	}
}

func TestDeterministic(t *testing.T) {
	a, b := document(t), document(t)
	if !bytes.Equal(a, b) {
		t.Fatal("two builds differ")
	}
	h1, err := openapi.DocsHTML(spec.All(), someImplemented)
	if err != nil {
		t.Fatal(err)
	}
	h2, _ := openapi.DocsHTML(spec.All(), someImplemented)
	if !bytes.Equal(h1, h2) {
		t.Fatal("two HTML builds differ")
	}
	// The paths follow the catalogue order.
	last := -1
	for _, c := range spec.All() {
		i := bytes.Index(a, []byte(`"/`+c.Path()+`": {`))
		if i <= last {
			t.Fatalf("%s out of order", c.Path())
		}
		last = i
	}
}

func TestImplementedFlag(t *testing.T) {
	doc := raw(t, document(t))
	for _, c := range spec.All() {
		op := at(t, doc, "paths", "/"+c.Path(), "post")
		want := someImplemented(c.Path())
		if at(t, op, "x-implemented") != want {
			t.Errorf("%s: x-implemented = %v, want %v", c.Path(), at(t, op, "x-implemented"), want)
		}
		if at(t, op, "x-read-only") != c.ReadOnly || at(t, op, "x-destructive") != c.Destructive {
			t.Errorf("%s: wrong x-read-only/x-destructive", c.Path())
		}
		desc := at(t, op, "description").(string)
		if strings.Contains(desc, "Not implemented yet") == want {
			t.Errorf("%s: description does not match x-implemented: %q", c.Path(), desc)
		}
	}
	// nil: everything implemented.
	b, err := openapi.Document(spec.All(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(b, []byte(`"x-implemented": false`)) {
		t.Fatal("nil implemented must mean every command is implemented")
	}
}

func TestNestedParamSchema(t *testing.T) {
	doc := raw(t, document(t))
	op := at(t, doc, "paths", "/dns/edit-primary-records", "post")
	if at(t, op, "operationId") != "dnsEditPrimaryRecords" {
		t.Fatalf("operationId %v", at(t, op, "operationId"))
	}
	form := at(t, op, "requestBody", "content", "application/x-www-form-urlencoded")
	ref := at(t, form, "schema", "$ref").(string)
	if ref != "#/components/schemas/DnsEditPrimaryRecordsRequest" {
		t.Fatalf("schema ref %s", ref)
	}
	if at(t, op, "requestBody", "content", "multipart/form-data", "schema", "$ref") != ref {
		t.Fatal("multipart body does not share the schema")
	}
	enc := at(t, form, "encoding", "records").(map[string]any)
	if enc["style"] != "deepObject" || enc["explode"] != true {
		t.Fatalf("records encoding %v", enc)
	}
	schema := at(t, doc, "components", "schemas", "DnsEditPrimaryRecordsRequest")
	if got := at(t, schema, "required"); !slices.Equal(toStrings(got), []string{"id", "api_key", "zone_id", "serial"}) {
		t.Fatalf("required %v", got)
	}
	if at(t, schema, "properties", "id", "type") != "integer" || at(t, schema, "properties", "api_key", "type") != "string" {
		t.Fatal("credentials")
	}
	if at(t, schema, "properties", "zone_id", "type") != "integer" || at(t, schema, "properties", "serial", "type") != "string" {
		t.Fatal("zone_id/serial types")
	}
	records := at(t, schema, "properties", "records")
	if at(t, records, "type") != "object" || at(t, records, "x-form-name") != "records[N]" {
		t.Fatalf("records: %v", records)
	}
	item := at(t, records, "additionalProperties")
	if at(t, item, "type") != "object" {
		t.Fatalf("records item: %v", item)
	}
	if got := toStrings(at(t, item, "required")); !slices.Equal(got, []string{"type", "data1"}) {
		t.Fatalf("records item required %v", got)
	}
	if at(t, item, "properties", "ttl", "type") != "integer" ||
		at(t, item, "properties", "data1", "type") != "string" ||
		at(t, item, "properties", "data1", "x-form-name") != "records[N][data1]" {
		t.Fatalf("records item properties: %v", at(t, item, "properties"))
	}
	if !strings.Contains(at(t, records, "description").(string), "records[N][field]") {
		t.Fatal("records description does not explain the bracket form")
	}

	// Other parameter types.
	cust := at(t, doc, "components", "schemas", "CustomerEditRequest", "properties", "customer")
	if at(t, cust, "type") != "object" || at(t, cust, "properties", "business", "type") != "string" ||
		!slices.Equal(toStrings(at(t, cust, "properties", "business", "enum")), []string{"true", "false", "1", "0"}) {
		t.Fatalf("customer[business]: %v", at(t, cust, "properties", "business"))
	}
	dns := at(t, doc, "components", "schemas", "DomainEditDnsServersRequest", "properties", "dns_servers")
	if at(t, dns, "type") != "array" || at(t, dns, "items", "type") != "string" || at(t, dns, "x-form-name") != "dns_servers[]" {
		t.Fatalf("dns_servers: %v", dns)
	}
	name := at(t, doc, "components", "schemas", "CloudInstanceCustomPropertiesEditRequest", "properties",
		"custom_properties", "properties", "display_name")
	if at(t, name, "maxLength") != float64(35) {
		t.Fatalf("display_name: %v", name)
	}
	port := at(t, doc, "components", "schemas", "FirewallSaveRequest", "properties", "rules", "properties", "in",
		"additionalProperties", "properties", "source", "properties", "port", "properties", "begin")
	if at(t, port, "x-form-name") != "rules[in][N][source][port][begin]" || at(t, port, "anyOf", "1", "const") != "" {
		t.Fatalf("port begin: %v", port)
	}
}

func TestResponseSchema(t *testing.T) {
	doc := raw(t, document(t))
	success := at(t, doc, "paths", "/services/details", "post", "responses", "200", "content", "application/json",
		"schema", "oneOf", "0")
	if at(t, success, "properties", "success", "const") != true {
		t.Fatal("success const")
	}
	if !slices.Contains(toStrings(at(t, success, "required")), "success") {
		t.Fatal("success not required")
	}
	svc := at(t, success, "properties", "service")
	if at(t, svc, "type") != "object" {
		t.Fatalf("service: %v", svc)
	}
	price := at(t, svc, "properties", "payment_details", "properties", "price")
	if at(t, price, "type") != "number" {
		t.Fatalf("price: %v", price)
	}
	exp := at(t, svc, "properties", "expiration_time")
	if at(t, exp, "type") != "integer" || !strings.Contains(at(t, exp, "description").(string), "Unix seconds") {
		t.Fatalf("expiration_time: %v", exp)
	}
	list := at(t, doc, "paths", "/services/list", "post", "responses", "200", "content", "application/json",
		"schema", "oneOf", "0", "properties", "services_list")
	if at(t, list, "type") != "array" || at(t, list, "items", "properties", "id", "type") != "number" {
		t.Fatalf("services_list: %v", list)
	}
	failure := at(t, doc, "paths", "/services/details", "post", "responses", "200", "content", "application/json",
		"schema", "oneOf", "1", "allOf", "0", "$ref")
	if failure != "#/components/schemas/ErrorEnvelope" {
		t.Fatalf("failure: %v", failure)
	}
	if at(t, doc, "components", "schemas", "ErrorEnvelope", "properties", "success", "const") != false {
		t.Fatal("envelope success const")
	}
}

func TestBadCatalogue(t *testing.T) {
	good := spec.Command{Module: "m", Name: "c", Summary: "s"}
	for name, cmds := range map[string][]spec.Command{
		"unknown response type": {{Module: "m", Name: "c", Response: []spec.Field{{Name: "x", Type: "float"}}}},
		"unknown code":          {{Module: "m", Name: "c", Errors: []string{"no-such-code"}}},
		"unknown param type":    {{Module: "m", Name: "c", Params: []spec.Param{{Name: "p", Type: spec.ParamType(42)}}}},
		"credentials clash":     {{Module: "m", Name: "c", Params: []spec.Param{{Name: "api_key", Type: spec.String}}}},
		"twice":                 {good, good},
		"no name":               {{}},
		"same operationId":      {good, {Module: "m-c", Name: ""}},
		"children of a scalar":  {{Module: "m", Name: "c", Response: []spec.Field{{Name: "x", Type: "string", Children: []spec.Field{{Name: "y", Type: "string"}}}}}},
	} {
		if _, err := openapi.Document(cmds, nil); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	if _, err := openapi.DocsHTML([]spec.Command{{Module: "m", Name: "c", Errors: []string{"no-such-code"}}}, nil); err == nil {
		t.Error("DocsHTML: unknown code: no error")
	}
}

func TestDocsHTML(t *testing.T) {
	b, err := openapi.DocsHTML(spec.All(), someImplemented)
	if err != nil {
		t.Fatal(err)
	}
	page := string(b)
	text := html.UnescapeString(page)
	for _, c := range spec.All() {
		anchor := c.Module + "." + c.Name
		if !strings.Contains(page, `id="`+anchor+`"`) || !strings.Contains(page, `href="#`+anchor+`"`) {
			t.Errorf("%s: no section or no contents entry", c.Path())
		}
		if !strings.Contains(page, "POST /api/"+c.Path()+"<") {
			t.Errorf("%s: no path", c.Path())
		}
		if !strings.Contains(text, `curl -sS "$ARTNET_URL/api/`+c.Path()+`"`) {
			t.Errorf("%s: no curl example", c.Path())
		}
	}
	for _, want := range []string{
		"<!DOCTYPE html>", "<style>", `<code>records[N][data1]</code>`, `<code>dns_servers[]</code>`,
		`<code>customer[business]</code>`, "not implemented yet", "Niepoprawny identyfikator strefy",
		"Invalid zone ID", `--data-urlencode 'records[0][type]=A'`, "payment_details", "Unix seconds",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	for _, bad := range []string{"<script", "<link", "src=", "@import", "url("} {
		if strings.Contains(page, bad) {
			t.Errorf("page contains %q", bad)
		}
	}
	// The badge follows the implemented set.
	all, _ := openapi.DocsHTML(spec.All(), nil)
	if strings.Contains(string(all), `class="badge ni"`) {
		t.Error("badge with every command implemented")
	}
}

func toStrings(v any) []string {
	a, _ := v.([]any)
	out := make([]string, len(a))
	for i, x := range a {
		out[i], _ = x.(string)
	}
	return out
}

// TestValidatorCatchesErrors makes sure the validation above has teeth: a
// document with an operation field the specification does not allow fails.
func TestValidatorCatchesErrors(t *testing.T) {
	b := bytes.Replace(document(t), []byte(`"x-implemented"`), []byte(`"implemented"`), 1)
	doc, err := libopenapi.NewDocument(b)
	if err != nil {
		t.Fatal(err)
	}
	v, errs := validator.NewValidator(doc)
	if len(errs) > 0 {
		t.Fatalf("NewValidator: %v", errs)
	}
	if ok, _ := v.ValidateDocument(); ok {
		t.Fatal("a document with an invalid operation field validates")
	}
}
