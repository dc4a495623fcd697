package web

import (
	"errors"
	"net/http"
	"net/url"
	"regexp"

	"github.com/artnet-panel/artnet-panel/internal/apperr"
	"github.com/artnet-panel/artnet-panel/internal/form"
	"github.com/artnet-panel/artnet-panel/internal/httpapi"
	"github.com/artnet-panel/artnet-panel/internal/panel"
	"github.com/artnet-panel/artnet-panel/internal/store"
)

// route is one page's pattern and handler (register with handle or
// handlePublic from the page file's init function).
type route struct {
	pattern string
	public  bool
	handler func(*Req)
}

// routes is every registered route.
var routes []route

// handle registers a page for signed-in customers: h runs with q.CustomerID
// set; a request without a valid session is sent to the sign-in page.
// pattern is a net/http ServeMux pattern ("GET /account", "POST
// /dns/{id}/delete").
func handle(pattern string, h func(*Req)) { routes = append(routes, route{pattern, false, h}) }

// handlePublic registers a page anyone may open (sign-in, password reset).
func handlePublic(pattern string, h func(*Req)) { routes = append(routes, route{pattern, true, h}) }

// Req is one request of a page.
type Req struct {
	W http.ResponseWriter
	R *http.Request
	S *Server
	// Lang is the page's language: the customer's language setting when
	// signed in, else the lang cookie ("pl" or "en").
	Lang string
	// CustomerID is the signed-in customer (0 on a public page).
	CustomerID int64
	// Session is the signed-in session (zero on a public page).
	Session   store.WebSession
	RequestID string
	// Remote is the client's address as the API sees it.
	Remote string
}

// T returns the text of key in the page's language.
func (q *Req) T(key string) string { return text(q.Lang, key) }

// Partial reports whether to answer with the page's "content" only: an
// htmx request that is not a boosted navigation.
func (q *Req) Partial() bool {
	return q.R.Header.Get("HX-Request") == "true" && q.R.Header.Get("HX-Boosted") != "true"
}

// Invoke runs command ("module/command") for the signed-in customer with
// params, through the API's own pipeline (httpapi.Server.Invoke: the same
// validation, errors, isolation and audit journal as the JSON API). It
// returns the typed answer (artnet.* types) or an *apperr.Error; show an
// error with q.Error.
func (q *Req) Invoke(command string, params url.Values) (any, error) {
	v, err := form.ParseURLEncoded([]byte(params.Encode()), q.S.API.Limits)
	if err != nil {
		return nil, apperr.New(apperr.CodeMalformedRequest)
	}
	ctx := httpapi.WithRequestID(q.R.Context(), q.RequestID)
	return q.S.API.Invoke(ctx, panel.Principal{CustomerID: q.CustomerID}, command, v, q.Remote)
}

// Redirect answers 303 See Other to path (POST-redirect-GET). An htmx
// request follows it and swaps the page it lands on.
func (q *Req) Redirect(path string) { http.Redirect(q.W, q.R, path, http.StatusSeeOther) }

// NotFound answers 404 with the layout's not-found page.
func (q *Req) NotFound() {
	q.Render(http.StatusNotFound, "notfound.html", &View{Title: "common.notfound"})
}

// PageError is an error as a page shows it: the catalogue's text of its
// code in the page's language, and the form field it names, if any.
type PageError struct {
	Code  string
	Text  string
	Field string // the parameter the error names ("customer[nip]"), or ""
}

// fieldDetail matches an error detail that starts with a parameter name
// ("customer[nip]: invalid checksum").
var fieldDetail = regexp.MustCompile(`^([a-z_]+(?:\[[a-z_0-9]+\])*): `)

// Error returns err as the page shows it. Errors that are not
// application errors are logged and shown as internal-error.
func (q *Req) Error(err error) *PageError {
	var ae *apperr.Error
	if !errors.As(err, &ae) {
		q.S.Logger.Error("web: internal error", "request_id", q.RequestID, "err", err.Error())
		ae = apperr.New(apperr.CodeInternal)
	}
	d := apperr.Describe(ae.Code, ae.Detail)
	pe := &PageError{Code: ae.Code, Text: d.PL}
	if q.Lang == "en" {
		pe.Text = d.EN
	}
	if m := fieldDetail.FindStringSubmatch(ae.Detail); m != nil {
		pe.Field = m[1]
	}
	return pe
}

// NotFoundCode reports whether err is an answer that means "no such
// object of yours" (invalid-id and the commands' other invalid-*-id
// codes): the page answers 404, exactly as for a missing object.
func NotFoundCode(err error) bool {
	return apperr.Is(err, apperr.CodeInvalidID, apperr.CodeInvalidZoneID, apperr.CodeInvalidServerID, apperr.CodeInvalidRulesetID)
}
