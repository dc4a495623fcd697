package openapi

import (
	"bytes"
	"fmt"
	"html/template"
	"strings"

	"github.com/artnet-panel/artnet-panel/internal/spec"
)

// DocsHTML returns a self-contained HTML reference page of cmds: a table of
// contents by module and, per command, its path, description, parameters
// (with their wire names), response fields, error codes in Polish and
// English and an example curl call. It has no scripts and no external
// assets (the style is inline). implemented is as for Document.
func DocsHTML(cmds []spec.Command, implemented func(path string) bool) ([]byte, error) {
	return DocsHTMLNotes(cmds, implemented, nil)
}

// DocsHTMLNotes is DocsHTML with notes: what the serving node says about
// a module (keyed by its name: the devices it simulates) or a command
// (keyed by "module/command", as for DocumentNotes), shown under its
// heading.
func DocsHTMLNotes(cmds []spec.Command, implemented func(path string) bool, notes map[string]string) ([]byte, error) {
	if implemented == nil {
		implemented = func(string) bool { return true }
	}
	page := docsPage{Title: Title, Version: Version}
	var err error
	if page.ServerCodes, err = describe(serverCodes, "server", "server codes"); err != nil {
		return nil, err
	}
	byModule := make(map[string]*docsModule)
	add := func(name, doc string) {
		if byModule[name] == nil {
			page.Modules = append(page.Modules, &docsModule{Name: name, Doc: doc, Note: notes[name]})
			if notes[name] != "" {
				page.Notes++
			}
			byModule[name] = page.Modules[len(page.Modules)-1]
		}
	}
	used := make(map[string]bool)
	for _, c := range cmds {
		used[c.Module] = true
	}
	for _, m := range spec.Modules() {
		if used[m.Name] {
			add(m.Name, m.Doc)
		}
	}
	for _, c := range cmds {
		add(c.Module, "")
		dc, err := docsCommandOf(c, implemented(c.Path()))
		if err != nil {
			return nil, err
		}
		dc.Note = notes[c.Path()]
		byModule[c.Module].Commands = append(byModule[c.Module].Commands, dc)
		page.Count++
		if !dc.Implemented {
			page.NotImplemented++
		}
		if dc.Extension {
			page.Extensions++
		}
	}
	var buf bytes.Buffer
	if err := docsTemplate.Execute(&buf, page); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

type docsPage struct {
	Title, Version string
	Modules        []*docsModule
	ServerCodes    []errorCode
	Count          int
	NotImplemented int
	Extensions     int // extension commands (spec.Command.Extension)
	Notes          int // modules with a Note
}

type docsModule struct {
	Name, Doc string
	// Note is what the serving node says about the module ("" none).
	Note     string
	Commands []docsCommand
}

type docsCommand struct {
	// Anchor is the element id of the command: the path with "." for "/"
	// (a "/" would be percent-encoded in the href).
	Anchor                             string
	Path, Summary, Doc, ListOf         string
	Implemented, ReadOnly, Destructive bool
	// Extension: added by artnetd, not in the original documentation.
	Extension bool
	// Note is the operator's word on how this server answers the command.
	Note     string
	Params   []docsParam
	Response []docsField
	Codes    []errorCode
	Curl     string
	// Idempotent: the command takes an Idempotency-Key header.
	Idempotent      bool
	IdempotencyNote string
}

type docsParam struct {
	Name, Type, Doc string
	Required        bool
	Extension       bool
	Depth           int
}

type docsField struct {
	Name, Type, Doc string
	Children        []docsField
}

func docsCommandOf(c spec.Command, implemented bool) (docsCommand, error) {
	codes, err := commandCodes(c)
	if err != nil {
		return docsCommand{}, err
	}
	dc := docsCommand{
		Anchor: c.Module + "." + c.Name,
		Path:   c.Path(), Summary: c.Summary, Doc: c.Doc, ListOf: c.ListOf,
		Implemented: implemented, ReadOnly: c.ReadOnly, Destructive: c.Destructive,
		Extension:  c.Extension,
		Idempotent: c.IdempotencyKey, IdempotencyNote: idempotencyNote,
		Codes: codes,
		Curl:  curlExample(c),
	}
	dc.Params = append(dc.Params,
		docsParam{Name: "id", Type: "number", Doc: "customer ID", Required: true},
		docsParam{Name: "api_key", Type: "string", Doc: "customer's API key", Required: true},
	)
	dc.Params = flattenParams(dc.Params, "", c.Params, 0)
	dc.Response = docsFields(c.Response)
	return dc, nil
}

// flattenParams appends the rows of params nested in prefix.
func flattenParams(rows []docsParam, prefix string, params []spec.Param, depth int) []docsParam {
	for _, p := range params {
		name := formName(prefix, p)
		typ := p.Type.String()
		switch {
		case p.MaxLen > 0:
			typ += fmt.Sprintf(" (at most %d characters)", p.MaxLen)
		case p.AllowEmpty:
			typ += " or empty"
		case p.Type == spec.Bool:
			typ += ` ("true"/"false", "1"/"0")`
		}
		row := docsParam{Name: name, Type: typ, Doc: p.Doc, Required: p.Required, Extension: p.Extension, Depth: depth}
		switch p.Type {
		case spec.List:
			row.Name += "[]"
			rows = append(rows, row)
		case spec.Object:
			row.Name += "[…]"
			rows = append(rows, row)
			rows = flattenParams(rows, name, p.Children, depth+1)
		case spec.ObjectList:
			row.Name += "[N][…]"
			rows = append(rows, row)
			rows = flattenParams(rows, name+"[N]", p.Children, depth+1)
		default:
			rows = append(rows, row)
		}
	}
	return rows
}

func docsFields(fields []spec.Field) []docsField {
	out := make([]docsField, len(fields))
	for i, f := range fields {
		out[i] = docsField{Name: f.Name, Type: f.Type, Doc: f.Doc, Children: docsFields(f.Children)}
		if f.Type == "timestamp" {
			out[i].Type = "timestamp (Unix seconds)"
		}
		if nullableFields[f.Name] {
			out[i].Type += " or null"
		}
	}
	return out
}

// curlExample returns a curl call of c with its required parameters (and
// the required fields of its object parameters, one item of each list),
// reading the base URL and the credentials from the environment.
func curlExample(c spec.Command) string {
	var b strings.Builder
	b.WriteString(`curl -sS "$ARTNET_URL/api/` + c.Path() + `" \` + "\n")
	b.WriteString(`  --data-urlencode "id=$ARTNET_ID" --data-urlencode "api_key=$ARTNET_API_KEY"`)
	for _, pair := range examplePairs("", c.Params, true) {
		b.WriteString(" \\\n  --data-urlencode " + shellQuote(pair))
	}
	return b.String()
}

// examplePairs returns name=value pairs for params nested in prefix: the
// required ones and, at the top level, the containers (object,
// object-list) whatever their flag, since their fields are what the
// command is about. A container with no field to show shows its first one.
func examplePairs(prefix string, params []spec.Param, top bool) []string {
	var pairs []string
	for _, p := range params {
		name := formName(prefix, p)
		switch p.Type {
		case spec.Object, spec.ObjectList:
			if !p.Required && !top {
				continue
			}
			if p.Type == spec.ObjectList {
				name += "[0]"
			}
			inner := examplePairs(name, p.Children, false)
			if len(inner) == 0 && len(p.Children) > 0 {
				inner = examplePairs(name, []spec.Param{withRequired(p.Children[0])}, false)
			}
			pairs = append(pairs, inner...)
		case spec.List:
			if p.Required {
				v := exampleValue(p)
				pairs = append(pairs, name+"[]="+v, name+"[]="+strings.Replace(v, "1", "2", 1))
			}
		default:
			if p.Required {
				pairs = append(pairs, name+"="+exampleValue(p))
			}
		}
	}
	return pairs
}

func withRequired(p spec.Param) spec.Param {
	p.Required = true
	return p
}

// exampleValues are example values of the parameters whose meaning the
// name gives away.
var exampleValues = map[string]string{
	"confirm":               "confirm",
	"language":              "en",
	"type":                  "A",
	"data1":                 "192.0.2.10",
	"ip":                    "192.0.2.10",
	"real_ip":               "192.0.2.11",
	"remote_ip":             "198.51.100.7",
	"policy":                "ACCEPT",
	"serial":                "2024010101",
	"dns_servers":           "ns1.example.com",
	"domain":                "example.com",
	"master_nameserver":     "ns1.example.com",
	"dns_subclass":          "192.0.2.0",
	"origin":                "10",
	"ptr":                   "host.example.com",
	"ruleset_id":            "12",
	"instance_password":     "MANAGEMENT-PASSWORD",
	"instance_new_password": "New.Pass-123",
	"installation_image":    "debian-12",
}

func exampleValue(p spec.Param) string {
	if v, ok := exampleValues[p.Name]; ok {
		return v
	}
	switch p.Type {
	case spec.Number:
		if strings.HasSuffix(p.Name, "_id") {
			return "12345"
		}
		return "1"
	case spec.Bool:
		return "true"
	}
	return "value"
}

// shellQuote quotes s for a POSIX shell.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

var docsTemplate = template.Must(template.New("docs").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}} – reference</title>
<style>
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d2430;margin:0;background:#fff}
main{max-width:70rem;margin:0 auto;padding:1rem 1.5rem 4rem}
h1{font-size:1.8rem;margin:.5rem 0}
h2{font-size:1.4rem;border-bottom:2px solid #d6dbe3;padding-bottom:.2rem;margin-top:2.5rem}
h3{font-size:1.1rem;margin:0}
h4{font-size:.95rem;margin:1rem 0 .3rem}
code,pre{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.88em}
pre{background:#f4f6f9;border:1px solid #e1e5eb;border-radius:4px;padding:.6rem .8rem;overflow-x:auto}
table{border-collapse:collapse;width:100%;margin:.3rem 0}
th,td{border:1px solid #e1e5eb;padding:.25rem .5rem;text-align:left;vertical-align:top}
th{background:#f4f6f9;font-weight:600}
a{color:#1f5fbf}
nav ul{columns:3 16rem;padding-left:1.2rem}
nav li li{font-size:.9em}
.cmd{border:1px solid #d6dbe3;border-radius:6px;padding:.8rem 1rem;margin:1.2rem 0}
.path{font-weight:600}
.badge{display:inline-block;font-size:.75rem;border-radius:3px;padding:0 .4rem;margin-left:.4rem;vertical-align:middle}
.ni{background:#fde8e8;color:#9b1c1c;border:1px solid #f5b5b5}
.ro{background:#e6f4ea;color:#1e6b34;border:1px solid #b7dfc2}
.de{background:#fff4e0;color:#8a4b00;border:1px solid #f3cf94}
.ext{background:#ece8fd;color:#4b2a9b;border:1px solid #c9bdf3}
.sim{background:#fff4e0;color:#8a4b00;border:1px solid #f3cf94}
p.note{background:#fff4e0;border:1px solid #f3cf94;border-radius:4px;padding:.4rem .7rem}
.type{color:#5b6675}
.req{font-weight:600}
.d1{padding-left:1.5rem}.d2{padding-left:3rem}.d3{padding-left:4.5rem}.d4{padding-left:6rem}
ul.fields{margin:.2rem 0;padding-left:1.2rem}
</style>
</head>
<body>
<main>
<h1>{{.Title}}</h1>
<p>Reference of the {{.Count}} commands served by this <code>artnetd</code> (contract version {{.Version}}){{if .NotImplemented}}; {{.NotImplemented}} of them are <span class="badge ni">not implemented yet</span> and answer <code>not-implemented</code>{{end}}.
{{if .Extensions}}{{.Extensions}} of them, and a few parameters of other commands, are <span class="badge ext">extension</span>s of <code>artnetd</code>, not in the original Artnet API documentation.{{end}}
The machine-readable description is <a href="openapi.json">openapi.json</a> (OpenAPI 3.1).</p>

<h2 id="wire">Requests and answers</h2>
<p>Every command is <code>POST /api/&lt;module&gt;/&lt;command&gt;</code> (also <code>/panel/api/&lt;module&gt;/&lt;command&gt;</code>) with an HTML-form body,
<code>application/x-www-form-urlencoded</code> or <code>multipart/form-data</code>. Every request carries the customer's <code>id</code> (number) and <code>api_key</code>;
a wrong pair answers <code>authorization-failed</code>, and a client address that fails to log in too often gets HTTP 429 with <code>Retry-After</code> for a while.</p>
<p>Parameter names nest the way PHP nests them: <code>customer[city]=Kraków</code>, <code>dns_servers[]=ns1.example.com&amp;dns_servers[]=ns2.example.com</code>,
<code>records[0][name]=www&amp;records[0][type]=A&amp;records[0][data1]=192.0.2.10</code> (the index N is any key unique within the request; items keep the order in which they are sent).
Boolean parameters take <code>true</code>/<code>false</code> (or <code>1</code>/<code>0</code>). An empty value counts as absent; undeclared parameters are ignored.</p>
<p>An answered command gets HTTP 200 and a JSON object whether it succeeded or not; read <code>success</code>:</p>
<pre>{"service": {...}, "success": true}
{"success": false, "error": {"code": "invalid-id", "description": {"pl": "Niepoprawny identyfikator", "en": "Invalid ID"}}}</pre>
<p>When single items of a list parameter fail validation, <code>error</code> also holds <code>errors_details</code>: <code>[{"index": "3", "field": "data1", "message": "..."}]</code>
(for firewall rules also <code>"direction": "in"</code> or <code>"out"</code>).
Transport failures carry the same envelope with HTTP 400, 405, 413, 429 or 500. Timestamps are Unix seconds.</p>
<p>Besides its own codes (listed with each command), any command may answer these server codes:</p>
<table>
<tr><th>code</th><th>pl</th><th>en</th></tr>
{{range .ServerCodes}}<tr><td><code>{{.Code}}</code></td><td lang="pl">{{.PL}}</td><td>{{.EN}}</td></tr>
{{end}}</table>

<nav>
<h2 id="contents">Contents</h2>
<ul>
{{range .Modules}}<li><a href="#module-{{.Name}}">{{.Name}}</a>{{if .Note}} <span class="badge sim">simulated</span>{{end}}
<ul>
{{range .Commands}}<li><a href="#{{.Anchor}}">{{.Path}}</a>{{if .Extension}} <span class="badge ext">extension</span>{{end}}{{if not .Implemented}} <span class="badge ni">not implemented yet</span>{{end}}</li>
{{end}}</ul></li>
{{end}}</ul>
</nav>

{{range .Modules}}<section>
<h2 id="module-{{.Name}}">{{.Name}}{{if .Note}}<span class="badge sim">simulated</span>{{end}}</h2>
{{if .Note}}<p class="note" id="note-{{.Name}}">{{.Note}}</p>{{end}}
{{if .Doc}}<p>{{.Doc}}</p>{{end}}
{{range .Commands}}<article class="cmd" id="{{.Anchor}}">
<h3><code class="path">POST /api/{{.Path}}</code>{{if .Extension}}<span class="badge ext">extension</span>{{end}}{{if not .Implemented}}<span class="badge ni">not implemented yet</span>{{end}}{{if .ReadOnly}}<span class="badge ro">read-only</span>{{end}}{{if .Destructive}}<span class="badge de">destructive</span>{{end}}</h3>
<p><strong>{{.Summary}}</strong>. {{.Doc}}{{if .ListOf}} The same as <code>services/list</code> with <code>service_type={{.ListOf}}</code>.{{end}}</p>
{{if .Extension}}<p>An extension of <code>artnetd</code>: not in the original Artnet API documentation.</p>
{{end}}{{if .Idempotent}}<p><strong>Idempotency-Key</strong> header <span class="badge ext">extension</span>: {{.IdempotencyNote}}</p>
{{end}}{{if .Note}}<p class="note"><strong>On this server:</strong> {{.Note}}</p>
{{end}}
<h4>Parameters</h4>
<table>
<tr><th>name</th><th>type</th><th>required</th><th>description</th></tr>
{{range .Params}}<tr><td class="d{{.Depth}}"><code>{{.Name}}</code>{{if .Extension}}<span class="badge ext">extension</span>{{end}}</td><td class="type">{{.Type}}</td><td>{{if .Required}}<span class="req">yes</span>{{else}}no{{end}}</td><td>{{.Doc}}</td></tr>
{{end}}</table>
<h4>Response</h4>
{{if .Response}}{{template "fields" .Response}}{{else}}<p>Only <code>"success": true</code>.</p>{{end}}
<h4>Error codes</h4>
<table>
<tr><th>code</th><th>pl</th><th>en</th></tr>
{{range .Codes}}<tr><td><code>{{.Code}}</code></td><td lang="pl">{{.PL}}</td><td>{{.EN}}</td></tr>
{{end}}</table>
<p>Plus the <a href="#wire">server codes</a>.</p>
<h4>Example</h4>
<pre>{{.Curl}}</pre>
</article>
{{end}}</section>
{{end}}</main>
</body>
</html>
{{define "fields"}}<ul class="fields">
{{range .}}<li><code>{{.Name}}</code> <span class="type">({{.Type}})</span> – {{.Doc}}{{if .Children}}{{template "fields" .Children}}{{end}}</li>
{{end}}</ul>{{end}}`))
