// Package openapi describes the Artnet Customers Panel API from the command
// catalogue: an OpenAPI 3.1 document (Document) and a self-contained HTML
// reference page (DocsHTML).
//
// Both are generated from spec.Command values and are deterministic: the
// same catalogue and the same set of implemented commands give the same
// bytes, so the output can be cached, served with an ETag and diffed.
package openapi

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/artnet-panel/artnet-panel/internal/apperr"
	"github.com/artnet-panel/artnet-panel/internal/spec"
)

// Title is the title of the API in both documents.
const Title = "Artnet Customers Panel API"

// Version is info.version of the OpenAPI document: the version of the wire
// contract described (the original documentation carries no number). Bump
// it when the catalogue changes the contract.
const Version = "1.0.0"

// description is info.description (CommonMark).
const description = "The API of `artnetd`, a server compatible with the Artnet Customers Panel API: " +
	"customers manage their services (dedicated servers, VPS, colocation, IP addresses, DNS, firewall, cloud instances...) with it.\n\n" +
	"## Requests\n\n" +
	"Every command is `POST /api/<module>/<command>` (also served as `/panel/api/<module>/<command>`) " +
	"with an HTML-form body, `application/x-www-form-urlencoded` or `multipart/form-data`. " +
	"Parameters of the URL query string are merged in, the body winning. Other methods answer HTTP 405.\n\n" +
	"## Authentication\n\n" +
	"Every request carries the customer's `id` (integer) and `api_key` (string) as form parameters, beside the command's own parameters. " +
	"A missing or wrong pair answers `authorization-failed`. A client address that fails to log in too often is blocked for a while: " +
	"it gets HTTP 429 `too-many-failed-logins` with a `Retry-After` header (seconds), whatever it sends.\n\n" +
	"## Nested parameters\n\n" +
	"Parameter names nest the way PHP nests them:\n\n" +
	"- object: `customer[city]=Kraków&customer[tel]=123`;\n" +
	"- list: `dns_servers[]=ns1.example.com&dns_servers[]=ns2.example.com` (or `dns_servers[0]=...&dns_servers[1]=...`);\n" +
	"- list of objects: `records[0][name]=www&records[0][type]=A&records[0][data1]=192.0.2.1&records[1][name]=...`; " +
	"the index N is any key unique within the request, and the items keep the order in which they are sent.\n\n" +
	"In this document an object parameter is a schema of type `object` whose properties are its bracketed keys, and a list of objects " +
	"is an `object` whose keys are the indices N and whose `additionalProperties` is the item; `x-form-name` gives the full wire name of every property " +
	"(`records[N][name]`). Nesting deeper than one level (`rules[in][0][source][port][begin]`) is sent the same way. " +
	"An empty value counts as an absent parameter; parameters a command does not declare are ignored.\n\n" +
	"## Answers\n\n" +
	"Every answered command gets HTTP 200 and a JSON object, whether it succeeded or not: clients read `success`, not the HTTP status.\n\n" +
	"- Success: the command's documented response fields, plus `\"success\": true`.\n" +
	"- Failure: `{\"success\": false, \"error\": {\"code\": \"...\", \"description\": {\"pl\": \"...\", \"en\": \"...\"}, \"errors_details\": [{\"index\": \"...\", \"field\": \"...\", \"message\": \"...\"}]}}`. " +
	"`errors_details` is present only when single items of a list parameter failed validation; for firewall rules each entry also names the `direction` (`in` or `out`). " +
	"The descriptions may end with a detail (\": missing parameter zone_id\").\n\n" +
	"The codes each command may answer are listed in its error enum and, with their Polish and English texts, in `x-error-codes`. " +
	"Transport failures carry the same envelope with another status: 400 `malformed-request`, 405 `method-not-allowed`, " +
	"413 `request-too-large` or `too-many-parameters`, 429 `too-many-failed-logins`, 500 `internal-error` (a server fault). " +
	"A path outside the catalogue answers `unknown-command`; a catalogued command this server does not implement yet (`x-implemented: false`) answers `not-implemented`.\n\n" +
	"Timestamps are Unix seconds; amounts of money are JSON numbers with at most two decimals.\n\n" +
	"## Extensions\n\n" +
	"A few commands and parameters are extensions of `artnetd`, not in the original Artnet API documentation " +
	"(commit-confirmed firewall rules: `confirm_within` of `firewall/save` and `firewall/save-confirm`). " +
	"Their operations and parameter schemas carry `x-extension: true`; clients written for the original API never send them."

// Document returns the OpenAPI 3.1.0 document (indented JSON) describing
// cmds. implemented reports whether a command ("module/command") is served;
// nil means every command is. Tags are the modules of spec.Modules, in that
// order, restricted to those of cmds.
func Document(cmds []spec.Command, implemented func(path string) bool) ([]byte, error) {
	return DocumentNotes(cmds, implemented, nil)
}

// DocumentNotes is Document with notes: an operator's word on how this
// server answers a command ("module/command" → text; "no domain registry
// is configured: answers edit-dns-error"), added to its description and
// as x-server-note.
func DocumentNotes(cmds []spec.Command, implemented func(path string) bool, notes map[string]string) ([]byte, error) {
	if implemented == nil {
		implemented = func(string) bool { return true }
	}
	paths := obj()
	schemas := obj() // request schemas, by name
	opIDs := make(map[string]string, len(cmds))
	for _, cmd := range cmds {
		key := "/" + cmd.Module + "/" + cmd.Name
		if paths.get(key) != nil {
			return nil, fmt.Errorf("command %s listed twice", cmd.Path())
		}
		id := operationID(cmd)
		if id == "" {
			return nil, fmt.Errorf("command %q has no name", cmd.Path())
		}
		if other, ok := opIDs[id]; ok {
			return nil, fmt.Errorf("commands %s and %s have the same operationId %s", other, cmd.Path(), id)
		}
		opIDs[id] = cmd.Path()
		op, err := operation(cmd, id, implemented(cmd.Path()), notes[cmd.Path()], schemas)
		if err != nil {
			return nil, err
		}
		paths.set(key, obj("post", op))
	}

	components, err := componentsObject(schemas)
	if err != nil {
		return nil, err
	}
	doc := obj(
		"openapi", "3.1.0",
		"info", obj(
			"title", Title,
			"version", Version,
			"description", description,
		),
		"servers", []any{obj("url", "/api", "description", "this server (also served under /panel/api)")},
		"tags", tags(cmds),
		"paths", paths,
		"components", components,
	)
	var buf bytes.Buffer
	if err := encode(&buf, doc, 0); err != nil {
		return nil, err
	}
	buf.WriteByte('\n')
	return buf.Bytes(), nil
}

// tags returns one tag per module of cmds, in the order of spec.Modules
// (modules missing there follow, in order of appearance).
func tags(cmds []spec.Command) []any {
	used := make(map[string]bool)
	var order []string
	for _, c := range cmds {
		if !used[c.Module] {
			used[c.Module] = true
			order = append(order, c.Module)
		}
	}
	var out []any
	done := make(map[string]bool)
	for _, m := range spec.Modules() {
		if used[m.Name] && !done[m.Name] {
			done[m.Name] = true
			out = append(out, obj("name", m.Name, "description", m.Doc))
		}
	}
	for _, m := range order {
		if !done[m] {
			done[m] = true
			out = append(out, obj("name", m))
		}
	}
	return out
}

// operation returns the POST operation of cmd, adding the schema of its
// request to schemas.
func operation(cmd spec.Command, id string, implemented bool, note string, schemas *object) (*object, error) {
	codes, err := allCodes(cmd)
	if err != nil {
		return nil, err
	}
	schemaName := strings.ToUpper(id[:1]) + id[1:] + "Request"
	body, reqSchema, err := requestBody(cmd, schemaName)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", cmd.Path(), err)
	}
	schemas.set(schemaName, reqSchema)
	success, err := successSchema(cmd)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", cmd.Path(), err)
	}
	enum := make([]any, len(codes))
	xcodes := make([]any, len(codes))
	for i, c := range codes {
		enum[i] = c.Code
		xcodes[i] = obj("code", c.Code, "scope", c.Scope, "pl", c.PL, "en", c.EN)
	}
	failure := obj("allOf", []any{
		ref("schemas", "ErrorEnvelope"),
		obj("type", "object", "properties", obj(
			"error", obj("type", "object", "properties", obj(
				"code", obj("enum", enum),
			)),
		)),
	})
	op := obj(
		"tags", []any{cmd.Module},
		"summary", cmd.Summary,
		"description", operationDescription(cmd, implemented, note),
		"operationId", id,
		"requestBody", body,
		"responses", obj(
			"200", obj(
				"description", "The answer: the response fields with `success: true`, or the error envelope with `success: false`.",
				"headers", obj("X-Request-Id", ref("headers", "X-Request-Id")),
				"content", obj("application/json", obj("schema", obj("oneOf", []any{success, failure}))),
			),
			"400", ref("responses", "MalformedRequest"),
			"405", ref("responses", "MethodNotAllowed"),
			"413", ref("responses", "RequestTooLarge"),
			"429", ref("responses", "TooManyFailedLogins"),
			"500", ref("responses", "InternalError"),
		),
		"x-implemented", implemented,
		"x-read-only", cmd.ReadOnly,
		"x-destructive", cmd.Destructive,
		"x-error-codes", xcodes,
	)
	if cmd.Extension {
		// Only on extensions: the documented operations stay as they were.
		op.set("x-extension", true)
	}
	if cmd.IdempotencyKey {
		op.set("parameters", []any{obj(
			"name", spec.IdempotencyHeader,
			"in", "header",
			"required", false,
			"description", idempotencyNote,
			"schema", obj("type", "string", "minLength", 1, "maxLength", 255),
			"x-extension", true,
		)})
	}
	if note != "" {
		op.set("x-server-note", note)
	}
	return op, nil
}

func operationDescription(cmd spec.Command, implemented bool, note string) string {
	d := cmd.Doc
	if cmd.ListOf != "" {
		d += "\n\nThe same as `services/list` with `service_type=" + cmd.ListOf + "`."
	}
	if cmd.ReadOnly {
		d += "\n\nRead-only: changes nothing and is safe to retry."
	}
	if cmd.Destructive {
		d += "\n\nDestructive: loses data, interrupts a running machine or invalidates credentials."
	}
	if cmd.Extension {
		d += "\n\n" + extensionNote
	}
	if cmd.IdempotencyKey {
		d += "\n\n**Idempotency-Key** (an extension of `artnetd`): " + idempotencyNote
	}
	if !implemented {
		d += "\n\n**Not implemented yet** on this server: answers `not-implemented`."
	}
	if note != "" {
		d += "\n\n**On this server:** " + note
	}
	return d
}

// idempotencyNote describes the Idempotency-Key header.
const idempotencyNote = "an optional key (1-255 visible ASCII characters, IETF httpapi draft semantics): the first answer is kept 24 hours; a repeat with the same key and parameters gets it again (header `Idempotent-Replayed: true`) without anything being done again; other parameters with the key answer HTTP 422 `idempotency-key-mismatch`; a repeat while the first runs waits for its answer (HTTP 409 `idempotency-key-in-use` with `Retry-After` after 20 s); if the node running the first died after its change committed, the repeat answers `idempotent-request-done`."

// extensionNote ends the description of an extension command or
// parameter.
const extensionNote = "**Extension** of `artnetd`: not in the original Artnet API documentation."

func ref(kind, name string) *object {
	return obj("$ref", "#/components/"+kind+"/"+name)
}

// requestBody returns the form body of cmd and the schema of its
// parameters (id and api_key, then the command's parameters), which the
// body refers to as #/components/schemas/<schemaName>: both media types
// share it.
func requestBody(cmd spec.Command, schemaName string) (body, schema *object, err error) {
	props := obj(
		"id", obj("type", "integer", "format", "int64", "minimum", 1, "description", "customer ID"),
		"api_key", obj("type", "string", "description", "customer's API key"),
	)
	required := []any{"id", "api_key"}
	encoding := obj()
	for _, p := range cmd.Params {
		if p.Name == "id" || p.Name == "api_key" {
			return nil, nil, fmt.Errorf("parameter %s clashes with the credentials", p.Name)
		}
		s, err := paramSchema("", p)
		if err != nil {
			return nil, nil, err
		}
		props.set(p.Name, s)
		if p.Required {
			required = append(required, p.Name)
		}
		if p.Type == spec.Object || p.Type == spec.ObjectList {
			encoding.set(p.Name, obj("style", "deepObject", "explode", true))
		}
	}
	schema = obj(
		"type", "object",
		"description", "Form parameters of "+cmd.Path()+". Nested names use brackets as in PHP: an object parameter is sent as `customer[city]=...`, "+
			"a list as `dns_servers[]=a&dns_servers[]=b`, a list of objects as `records[0][name]=www&records[0][type]=A` "+
			"(one index N per item, any unique key, items kept in the order sent). `x-form-name` gives each property's wire name.",
		"required", required,
		"properties", props,
	)
	urlencoded := obj("schema", ref("schemas", schemaName))
	if encoding.len() > 0 {
		// style/explode apply to application/x-www-form-urlencoded only
		// (OpenAPI 3.1 §4.8.15); multipart parts are named the same way.
		urlencoded.set("encoding", encoding)
	}
	body = obj(
		"required", true,
		"content", obj(
			"application/x-www-form-urlencoded", urlencoded,
			"multipart/form-data", obj("schema", ref("schemas", schemaName)),
		),
	)
	return body, schema, nil
}

// paramSchema returns the schema of parameter p nested in prefix (see
// formName).
func paramSchema(prefix string, p spec.Param) (*object, error) {
	name := formName(prefix, p)
	doc := p.Doc
	var s *object
	switch p.Type {
	case spec.String:
		s = obj("type", "string")
		if p.MaxLen > 0 {
			s.set("maxLength", p.MaxLen)
		}
	case spec.Number:
		if p.AllowEmpty {
			s = obj("anyOf", []any{
				obj("type", "integer", "format", "int64"),
				obj("type", "string", "const", "", "description", "empty: not set / not checked"),
			})
		} else {
			s = obj("type", "integer", "format", "int64")
		}
	case spec.Bool:
		// A form value is text: the server accepts exactly "true", "false",
		// "1" and "0" (httpapi.parseBool). A JSON-Schema boolean would hide
		// "1"/"0" and does not match the string a form validator sees, so
		// the wire values are listed as a string enum.
		s = obj("type", "string", "enum", []any{"true", "false", "1", "0"})
	case spec.List:
		// Sent as name[]=a&name[]=b (or name[0]=a...); a single name=a is a
		// list of one. OpenAPI has no style for PHP's "[]": x-form-name and
		// the description say it.
		s = obj("type", "array", "items", obj("type", "string"))
		doc += " (sent as `" + name + "[]=...`, one per element)"
		name += "[]"
	case spec.Object:
		o, err := objectSchema(name, p.Children)
		if err != nil {
			return nil, err
		}
		s = o
		doc += " (sent as `" + name + "[field]=...`)"
	case spec.ObjectList:
		item, err := objectSchema(name+"[N]", p.Children)
		if err != nil {
			return nil, err
		}
		s = obj("type", "object", "additionalProperties", item)
		doc += " (sent as `" + name + "[N][field]=...`, one index N per item; keys are the indices)"
		name += "[N]"
	default:
		return nil, fmt.Errorf("parameter %s: unknown type %v", name, p.Type)
	}
	if p.Extension {
		doc += " " + extensionNote
	}
	out := obj("description", doc).mergeAfter(s).set("x-form-name", name)
	if p.Extension {
		out.set("x-extension", true)
	}
	return out, nil
}

// objectSchema returns the object schema of the children of a parameter
// whose wire name is prefix.
func objectSchema(prefix string, children []spec.Param) (*object, error) {
	props := obj()
	var required []any
	for _, c := range children {
		s, err := paramSchema(prefix, c)
		if err != nil {
			return nil, err
		}
		props.set(c.Name, s)
		if c.Required {
			required = append(required, c.Name)
		}
	}
	s := obj("type", "object", "properties", props)
	if len(required) > 0 {
		s.set("required", required)
	}
	return s, nil
}

// successSchema returns the schema of a successful answer of cmd.
func successSchema(cmd spec.Command) (*object, error) {
	props := obj()
	for _, f := range cmd.Response {
		s, err := fieldSchema(f)
		if err != nil {
			return nil, err
		}
		props.set(f.Name, s)
	}
	props.set("success", obj("const", true))
	return obj(
		"type", "object",
		"required", []any{"success"},
		"properties", props,
	), nil
}

// nullableFields are the response fields the wire sends as null when they
// have no value, although the documentation types them as plain strings:
// a service's custom_description is null until the customer sets one (the
// original service does so; artnet.Service.CustomDescription is a *string).
var nullableFields = map[string]bool{"custom_description": true}

// fieldSchema converts a documented response field. Response fields are
// not marked required: the documentation says some are left out ("if
// there is no information ... this field will not be present").
func fieldSchema(f spec.Field) (*object, error) {
	doc := f.Doc
	var s *object
	switch f.Type {
	case "number":
		s = obj("type", "number")
	case "integer":
		s = obj("type", "integer")
	case "string":
		s = obj("type", "string")
	case "boolean":
		s = obj("type", "boolean")
	case "timestamp":
		s = obj("type", "integer")
		doc += " (Unix seconds)"
	case "object":
		o, err := fieldsObject(f.Children)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f.Name, err)
		}
		s = o
	case "objects-list", "object-list":
		// "object-list" (the custom offer) is written as a JSON array too
		// (artnet.ObjectList).
		o, err := fieldsObject(f.Children)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f.Name, err)
		}
		s = obj("type", "array", "items", o)
	case "strings-list", "ordered-list", "list", "array-string":
		s = obj("type", "array", "items", obj("type", "string"))
	case "numbers-list":
		s = obj("type", "array", "items", obj("type", "number"))
	default:
		return nil, fmt.Errorf("response field %s: unknown type %q", f.Name, f.Type)
	}
	if nullableFields[f.Name] {
		t, ok := s.get("type").(string)
		if !ok {
			return nil, fmt.Errorf("response field %s: only a scalar can be null", f.Name)
		}
		s.set("type", []any{t, "null"})
	}
	if len(f.Children) > 0 && s.get("properties") == nil && s.get("items") == nil {
		return nil, fmt.Errorf("response field %s: type %q cannot have children", f.Name, f.Type)
	}
	return obj("description", doc).mergeAfter(s), nil
}

func fieldsObject(children []spec.Field) (*object, error) {
	props := obj()
	for _, c := range children {
		s, err := fieldSchema(c)
		if err != nil {
			return nil, err
		}
		props.set(c.Name, s)
	}
	return obj("type", "object", "properties", props), nil
}

// componentsObject returns the shared schemas and responses, after the
// request schemas.
func componentsObject(requests *object) (*object, error) {
	desc := obj(
		"type", "object",
		"required", []any{"pl", "en"},
		"properties", obj(
			"pl", obj("type", "string", "description", "Polish text"),
			"en", obj("type", "string", "description", "English text"),
		),
	)
	envelope := obj(
		"type", "object",
		"description", "The answer of a failed command (HTTP 200) or of a transport failure (4xx, 5xx).",
		"required", []any{"success", "error"},
		"properties", obj(
			"success", obj("const", false),
			"error", obj(
				"type", "object",
				"required", []any{"code", "description"},
				"properties", obj(
					"code", obj("type", "string", "description", "error code; see x-error-codes of each operation"),
					"description", obj("$ref", "#/components/schemas/ErrorDescription"),
					"errors_details", obj(
						"type", "array",
						"description", "present when single items of a list parameter failed validation",
						"items", obj(
							"type", "object",
							"required", []any{"index", "message"},
							"properties", obj(
								"direction", obj("type", "string", "enum", []any{"in", "out"}, "description", "traffic direction of the failed firewall rule (firewall/save only)"),
								"index", obj("type", "string", "description", "index (key N) of the failed item"),
								"field", obj("type", "string", "description", "field of the item, when one field is at fault"),
								"message", obj("type", "string", "description", "what is wrong (English)"),
							),
						),
					),
				),
			),
		),
	)
	responses := obj()
	for _, r := range []struct {
		name, doc string
		codes     []string
		headers   *object
	}{
		{"MalformedRequest", "The body cannot be decoded (bad %-escape, broken multipart, names nested too deep).", []string{apperr.CodeMalformedRequest}, nil},
		{"MethodNotAllowed", "Commands are called with POST.", []string{apperr.CodeMethodNotAllowed}, obj(
			"Allow", obj("description", "always POST", "schema", obj("type", "string", "const", "POST")),
		)},
		{"RequestTooLarge", "The body is too large or has too many parameters.", []string{apperr.CodeRequestTooLarge, apperr.CodeTooManyParameters}, nil},
		{"TooManyFailedLogins", "The client address failed to log in too often and is blocked for a while.", []string{apperr.CodeTooManyFailedLogins}, obj(
			"Retry-After", obj("description", "seconds until the address may try again", "schema", obj("type", "integer", "minimum", 1)),
		)},
		{"InternalError", "A server fault; the answer carries no internal detail (it is logged with the X-Request-Id).", []string{apperr.CodeInternal}, nil},
	} {
		codes, err := describe(r.codes, "server", r.name)
		if err != nil {
			return nil, err
		}
		enum := make([]any, len(codes))
		for i, c := range codes {
			enum[i] = c.Code
		}
		headers := obj("X-Request-Id", ref("headers", "X-Request-Id"))
		if r.headers != nil {
			headers.mergeAfter(r.headers)
		}
		resp := obj("description", r.doc, "headers", headers)
		resp.set("content", obj("application/json", obj("schema", obj("allOf", []any{
			ref("schemas", "ErrorEnvelope"),
			obj("type", "object", "properties", obj(
				"error", obj("type", "object", "properties", obj("code", obj("enum", enum))),
			)),
		}))))
		responses.set(r.name, resp)
	}
	return obj(
		"schemas", obj(
			"ErrorEnvelope", envelope,
			"ErrorDescription", desc,
		).mergeAfter(requests),
		"responses", responses,
		"headers", obj(
			"X-Request-Id", obj(
				"description", "the request id (the client's X-Request-Id when short and safe, else a new one); it names the request in the server log",
				"schema", obj("type", "string"),
			),
		),
	), nil
}
