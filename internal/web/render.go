package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"strings"
	"time"
)

// all: embeds the partials templates/_*.html too (a plain directory
// pattern leaves out names starting with _ or .).
//
//go:embed all:templates
var templateFS embed.FS

// View is what a page template renders, beside the request (the template's
// dot is a *page: {{.T "key"}}, {{.Lang}}, {{.Data}}, {{.Err}}...).
type View struct {
	// Title is the text key of the page's title.
	Title string
	// Nav is the navigation entry to mark as current ("account").
	Nav string
	// Data is the page's own data (typically an artnet.* answer).
	Data any
	// Err is the error to show (q.Error(err)), nil: none.
	Err *PageError
	// Form holds the values a failed form was posted with, shown again.
	Form url.Values
	// Done is the text key of a success message ("common.saved").
	Done string
}

// page is the dot of a template: the request and its view.
type page struct {
	*Req
	*View
}

// Value returns the posted value of a form field when the form failed,
// else def (the stored value).
func (p page) Value(name, def string) string {
	if p.Form != nil {
		if _, ok := p.Form[name]; ok {
			return p.Form.Get(name)
		}
	}
	return def
}

// FieldError returns the error text when the page's error names field.
func (p page) FieldError(field string) string {
	if p.Err != nil && p.Err.Field == field {
		return p.Err.Text
	}
	return ""
}

// SignedIn reports whether a customer is signed in.
func (p page) SignedIn() bool { return p.CustomerID != 0 }

// templates holds one template set per page file: the layout and the
// partials (templates/_*.html) with that page's file.
type templates map[string]*template.Template

// funcs are the template functions; page files may add theirs with
// registerFuncs from an init function.
var funcs = template.FuncMap{
	// unix formats Unix seconds as a UTC date and time.
	"unix": func(sec int64) string { return time.Unix(sec, 0).UTC().Format("2006-01-02 15:04") },
	// unixms formats Unix milliseconds as a UTC date and time.
	"unixms": func(ms int64) string { return time.UnixMilli(ms).UTC().Format("2006-01-02 15:04") },
}

// registerFuncs adds template functions (call from an init function).
func registerFuncs(m template.FuncMap) {
	for k, v := range m {
		if _, dup := funcs[k]; dup {
			panic("web: template function " + k + " registered twice")
		}
		funcs[k] = v
	}
}

func mustParseTemplates() templates {
	t, err := parseTemplates(templateFS)
	if err != nil {
		panic(err)
	}
	return t
}

func parseTemplates(fsys fs.FS) (templates, error) {
	base := template.New("").Funcs(funcs)
	names, err := fs.Glob(fsys, "templates/*.html")
	if err != nil {
		return nil, err
	}
	var pages []string
	for _, n := range names {
		b := path.Base(n)
		if b == "layout.html" || strings.HasPrefix(b, "_") {
			if _, err := base.ParseFS(fsys, n); err != nil {
				return nil, err
			}
			continue
		}
		pages = append(pages, n)
	}
	out := templates{}
	for _, n := range pages {
		t, err := base.Clone()
		if err != nil {
			return nil, err
		}
		if _, err := t.ParseFS(fsys, n); err != nil {
			return nil, err
		}
		if t.Lookup("content") == nil {
			return nil, fmt.Errorf("%s defines no \"content\"", n)
		}
		out[path.Base(n)] = t
	}
	return out, nil
}

// Render writes the page file name ("account.html") with v: the whole
// page in the layout, or only its "content" when q.Partial().
func (q *Req) Render(status int, name string, v *View) {
	t := q.S.tmpl[name]
	if t == nil {
		q.S.Logger.Error("web: no template", "name", name)
		http.Error(q.W, "internal error", http.StatusInternalServerError)
		return
	}
	which := "layout"
	if q.Partial() {
		which = "content"
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, which, page{q, v}); err != nil {
		q.S.Logger.Error("web: render", "name", name, "request_id", q.RequestID, "err", err.Error())
		http.Error(q.W, "internal error", http.StatusInternalServerError)
		return
	}
	h := q.W.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Vary", "HX-Request")
	q.W.WriteHeader(status)
	q.W.Write(buf.Bytes())
}
