// Package web is the browser face of artnetd: the customers' web panel,
// served on the API's HTTP address (every path that APIPath does not give
// to the JSON API). Pages are server-rendered html/template files with
// htmx 2 (vendored in static/, embedded) as progressive enhancement: every
// form works without JavaScript (POST, then 303 to a GET page); with it,
// the layout's hx-boost turns links and forms into in-place updates.
//
// Security: a strict Content-Security-Policy (no inline script or style,
// nothing from another origin), frame-ancestors 'none', Referrer-Policy,
// nosniff; unsafe methods from another origin are refused by net/http's
// CrossOriginProtection; sessions are in the database (session.go).
//
// # Adding a page (the pattern for every page file)
//
// One Go file and one template per page (or group of pages), e.g. dns.go and
// templates/dns.html. Nothing shared needs editing:
//
//  1. Texts. Declare the file's own table and register it in init; keys
//     are prefixed with the page's name. TestTexts fails on a key without
//     both languages or a template naming an unregistered key.
//
//     var dnsTexts = texts{
//     "dns.title": {"Strefy DNS", "DNS zones"},
//     }
//
//  2. Routes. Register in the same init with handle (signed-in customers;
//     the handler gets q.CustomerID) or handlePublic (anyone). Patterns are
//     net/http ServeMux patterns; "GET /{$}" is the dashboard.
//
//     func init() {
//     register(dnsTexts)
//     handle("GET /dns", dnsList)
//     handle("POST /dns/{id}/delete", dnsDelete)
//     }
//
//  3. Commands. A page never touches the store for customer data: it calls
//     the API's command through q.Invoke("dns/list", url.Values{...}), which
//     runs httpapi.Server.Invoke: the same parameter check, errors, customer
//     isolation and audit journal as POST /api/dns/list. The answer is the
//     handler's typed value (artnet.* response types, as values: e.g.
//     resp.(artnet.CustomerDetailsResponse)); nil for commands that answer
//     only success. Parameters use the API's names (customer[nip],
//     records[0][type]).
//
//  4. Errors. q.Error(err) gives a *PageError: the catalogue's text of the
//     code (internal/apperr) in the page's language, and Field, the
//     parameter the error's detail names ("customer[nip]") if any. Put it in
//     View.Err and the posted values in View.Form; the template shows
//     {{template "messages" .}} (page error and success message) and, per
//     input, {{.FieldError "customer[nip]"}} and {{.Value "customer[nip]"
//     .Data.X}} (the posted value after a failure, else the stored one).
//     Another customer's id answers like a missing one: when
//     NotFoundCode(err) (invalid-id, invalid-zone-id, ...), call
//     q.NotFound() (404, the same page as a missing id).
//
//  5. Rendering. q.Render(status, "dns.html", &View{Title: "dns.title", Nav:
//     "dns", Data: data}). The template file defines {{define "content"}}
//     (only that; the layout wraps it and marks the Nav entry). The dot is
//     the request and view: {{.T "key"}}, {{.Lang}}, {{.Data}}, {{.Err}},
//     {{.Done}}. Template functions: unix, unixms (and registerFuncs in an
//     init for your own). Partial templates shared by several pages go in
//     templates/_name.html.
//
//  6. Forms. <form method="post" action="/dns/7/delete">; on success
//     q.Redirect("/dns?done=dns.deleted") (303; the GET handler shows the
//     text key given in done after checking it is registered); on failure
//     re-render with status 422 and the error (htmx swaps 422 answers: see
//     the layout's htmx-config). htmx partial vs full page: the same handler
//     serves both; q.Render writes only "content" when q.Partial() (an htmx
//     request that is not a boosted navigation, e.g. hx-get/hx-post with
//     hx-target="#main" or a smaller target of your own), the whole page
//     otherwise. No inline script, style or on* attribute (CSP); a form
//     (or one submit button) that needs confirmation with JavaScript on
//     takes data-confirm="..." (static/app.js): once answered yes, the
//     form's field confirmed is set to 1 (added for a button), so the
//     handler skips the confirmation page it shows without JavaScript.
//
// # Tests
//
// Browser tests use package webtest (internal/web/webtest): TestMain calls
// webtest.Main (main_test.go: builds artnetd once); webtest.Start(t) runs
// artnetd serve --demo on a fresh SQLite database (webtest.StartDB for
// PostgreSQL or a second node); webtest.NewBrowser(t, a) drives Chromium
// and fails the test on any console error or CSP violation. Helpers:
// b.SignInDemo(), b.SignIn(login, pw), b.Go(path), b.Submit(fields,
// submit, waitFor) (waits for the next page), b.ClickNext(sel) (an action:
// click and wait for the next page), b.Text(sel), b.Exists(sel),
// b.Path(), b.Cookie(name), b.Eval(js), b.Do(chromedp actions...),
// webtest.Run(b, chromedp.Action[T]) for a value, webtest.Void(action),
// b.Axe() (fails on serious/critical axe-core violations), b.Screenshot(name)
// (<Test>-<name>-<lang>.png into $ARTNET_WEB_SHOTS), a.SetLanguage(t, "en"),
// a.API(t, command, params) (the JSON API as the demo customer),
// a.Admin(t, stdin, args...) (the built artnetd's CLI).
//
// Routes registered here: GET/POST /signin, /signin/code, /signin/reset
// (and /signin/reset/{token}), POST /signout, /account and below, and "/"
// (not-found for every unknown path). The dashboard registers "GET /{$}".
package web
