package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/artnet-panel/artnet-panel/artnet"
	"github.com/artnet-panel/artnet-panel/internal/apperr"
)

// The servers pages: the customer's dedicated servers, colocations and
// VPS (GET /servers), and on a server's details page (GET /services/{id},
// page_services.go) its power, transfer chart and iLO / IPMI access.
//
// Power. The details page shows the power state and three actions (on,
// off, restart). Each action is a link to a confirmation page (GET
// /services/{id}/power/{op}) whose form posts confirm=confirm from its
// submit button (POST /services/{id}/power/{op}, the module's power-*
// command). With JavaScript the link opens the same form in a native
// <dialog> instead (static/app.js, the "servers" block): its submit
// button is the dialog's answer, its cancel button closes it and sends
// nothing. A failed command shows the confirmation page again with the
// catalogue's text (422).
//
// After a switch the page is shown with target (the state the action
// leads to) and since (when it was sent) in its query, and the power state
// is a fragment that polls GET /services/{id}/power-state (see
// serverPowerState) until the state equals the target. Without
// JavaScript the page after the redirect shows the state read then (a
// reload shows the current one).
//
// iLO / IPMI (dedicated servers with the feature): ilo-details, and a
// form opening access (dedicated/ilo-access-enable) for an address
// prefilled with the visitor's own as the API sees it (Req.Remote:
// httpapi.Server.ClientAddr, the TCP peer or, behind --trusted-proxies,
// the X-Forwarded-For client), and one closing it.
//
// Every route checks the service with services/details first, so another
// customer's server, or a service that is no server, answers exactly as
// a missing one (404).

func init() {
	register(serversTexts)
	handle("GET /servers", serversPage)
	handle("GET /services/{id}/power/{op}", serverPowerConfirm)
	handle("POST /services/{id}/power/{op}", serverPowerSwitch)
	handle("GET /services/{id}/power-state", serverPowerState)
	handle("POST /services/{id}/ilo/enable", serverILO(true))
	handle("POST /services/{id}/ilo/disable", serverILO(false))
}

// powerPollFor bounds the polling of the power state after an action.
const powerPollFor = 60

// serverModules are the service types with power management: their
// module names (the API's command prefixes).
var serverModules = map[string]string{
	artnet.ServiceTypeDedicated:  "dedicated",
	artnet.ServiceTypeColocation: "colocation",
	artnet.ServiceTypeVPS:        "vps",
}

// powerOps are the power actions and the state each one leads to.
var powerOps = map[string]string{"on": "on", "off": "off", "restart": "on"}

// serversView is the servers list's data.
type serversView struct {
	Dedicated, Colocation, VPS []artnet.Service
}

func serversPage(q *Req) {
	d := &serversView{}
	list := func(command string, params url.Values) ([]artnet.Service, error) {
		resp, err := q.Invoke(command, params)
		if err != nil {
			return nil, err
		}
		return resp.(artnet.ServicesListResponse).ServicesList, nil
	}
	var err error
	if d.Dedicated, err = list("dedicated/list", nil); err == nil {
		if d.Colocation, err = list("colocation/list", nil); err == nil {
			d.VPS, err = list("services/list", url.Values{"service_type": {artnet.ServiceTypeVPS}})
		}
	}
	q.renderList(err, "servers.html", &View{Title: "srv.title", Nav: "servers", Data: d})
}

// srvPower is a server's power state as the page shows it (the fragment
// "srvpower").
type srvPower struct {
	ID     int64
	Module string
	// Manageable: the power line can be switched from the panel (the
	// actions are offered).
	Manageable bool
	State      string // "on", "off", "unknown"
	// Target is the state the last action leads to ("" : none); Since
	// when it was sent (Unix seconds).
	Target string
	Since  int64
	// Poll: the fragment asks again (the state is not the target yet and
	// the time is not up); TimedOut: it gave up.
	Poll, TimedOut bool
}

// PollURL is the fragment's own address with the action's target.
func (p *srvPower) PollURL() string {
	v := url.Values{"target": {p.Target}, "since": {strconv.FormatInt(p.Since, 10)}}
	return "/services/" + strconv.FormatInt(p.ID, 10) + "/power-state?" + v.Encode()
}

// serverPower reads the power state of server id (module: dedicated,
// colocation, vps) and whether it can be switched; nil when the server
// has no power management. target and since come from the query of the
// page shown after an action.
func (q *Req) serverPower(id int64, module string, vps *artnet.VPSDetails) (*srvPower, error) {
	p := &srvPower{ID: id, Module: module, State: "unknown"}
	sid := strconv.FormatInt(id, 10)
	if module == "vps" {
		if vps == nil {
			resp, err := q.Invoke("vps/details", url.Values{"service_id": {sid}})
			if err != nil {
				return nil, err
			}
			vps, _ = resp.(artnet.ServiceDetailsOf[artnet.ServiceDetails]).ServiceDetails.(*artnet.VPSDetails)
			if vps == nil {
				return nil, nil
			}
		}
		if !vps.Features.PowerManagement {
			return nil, nil
		}
		p.Manageable, p.State = true, vps.PowerState
	} else {
		resp, err := q.Invoke(module+"/power-details", url.Values{"service_id": {sid}})
		if apperr.Is(err, apperr.CodeUnsupportedFeature) {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		d := resp.(artnet.PowerDetailsResponse).PowerDetails
		p.Manageable, p.State = d.Manageable, d.State
	}
	if p.State != "on" && p.State != "off" {
		p.State = "unknown"
	}
	query := q.R.URL.Query()
	if t := query.Get("target"); t == "on" || t == "off" {
		since, err := strconv.ParseInt(query.Get("since"), 10, 64)
		if err == nil && since > 0 {
			p.Target, p.Since = t, since
			if p.State != t {
				if q.S.now().Unix()-since < powerPollFor {
					p.Poll = true
				} else {
					p.TimedOut = true
				}
			}
		}
	}
	return p, nil
}

// serverTarget checks the path's service id with services/details: it
// returns the service and its module (dedicated, colocation, vps), or
// answers 404 (not a number, no such service of the customer's, not a
// server) or the error page and returns ok false.
func (q *Req) serverTarget() (svc artnet.Service, module string, ok bool) {
	id := q.R.PathValue("id")
	if n, err := strconv.ParseInt(id, 10, 64); err != nil || n <= 0 {
		q.NotFound()
		return svc, "", false
	}
	resp, err := q.Invoke("services/details", url.Values{"service_id": {id}})
	if err != nil {
		q.serviceFail(err)
		return svc, "", false
	}
	svc = resp.(artnet.ServiceDetailsResponse).Service
	module = serverModules[svc.Type]
	if module == "" {
		q.NotFound()
		return svc, "", false
	}
	return svc, module, true
}

// serviceFail answers a failed command of a service page: 404 for
// another customer's or a missing service, else the error page.
func (q *Req) serviceFail(err error) {
	if apperr.Is(err, apperr.CodeAuthorizationFailed) || NotFoundCode(err) {
		q.NotFound()
		return
	}
	q.Render(http.StatusInternalServerError, "service.html", &View{Title: "svc.details", Nav: "services", Err: q.Error(err)})
}

// powerConfirmView is the confirmation page of a power action.
type powerConfirmView struct {
	Service artnet.Service
	Op      string // on, off, restart
	Dialog  bool   // in the details page's <dialog> (else the confirmation page)
}

// powerOp returns the path's power action, or answers 404.
func (q *Req) powerOp() (string, bool) {
	op := q.R.PathValue("op")
	if _, ok := powerOps[op]; !ok {
		q.NotFound()
		return "", false
	}
	return op, true
}

func serverPowerConfirm(q *Req) {
	op, ok := q.powerOp()
	if !ok {
		return
	}
	svc, _, ok := q.serverTarget()
	if !ok {
		return
	}
	q.Render(http.StatusOK, "servers_confirm.html", &View{Title: "srv.confirm." + op, Nav: "servers", Data: &powerConfirmView{Service: svc, Op: op}})
}

func serverPowerSwitch(q *Req) {
	op, ok := q.powerOp()
	if !ok {
		return
	}
	svc, module, ok := q.serverTarget()
	if !ok {
		return
	}
	id := strconv.FormatInt(svc.ID, 10)
	// confirm is the answer of the dialog or the confirmation page: the
	// value of its submit button; sent as posted (the command checks it).
	// Without it the command answers unconfirmed.
	params := url.Values{"service_id": {id}}
	if q.R.ParseForm() == nil && q.R.PostForm.Has("confirm") {
		params.Set("confirm", q.R.PostForm.Get("confirm"))
	}
	if _, err := q.Invoke(module+"/power-"+op, params); err != nil {
		if apperr.Is(err, apperr.CodeAuthorizationFailed) || NotFoundCode(err) {
			q.NotFound()
			return
		}
		q.Render(http.StatusUnprocessableEntity, "servers_confirm.html", &View{Title: "srv.confirm." + op, Nav: "servers",
			Data: &powerConfirmView{Service: svc, Op: op}, Err: q.Error(err)})
		return
	}
	v := url.Values{"done": {"srv.power.done." + op}, "target": {powerOps[op]}, "since": {strconv.FormatInt(q.S.now().Unix(), 10)}}
	q.Redirect("/services/" + id + "?" + v.Encode())
}

// serverPowerState answers GET /services/{id}/power-state: the power
// state fragment (to htmx) or a small page with it (a plain GET). While
// the query's target state has not come and less than powerPollFor
// seconds have passed since the action, the fragment carries hx-get of
// itself with hx-trigger="every 2s" and hx-swap="outerHTML"; the first
// answer without them (the state came, or the time is up) ends the
// polling.
//
// Polling, not server-sent events: polling is in htmx's core, whereas SSE
// needs htmx's sse extension (one more vendored script) and holds a
// long-lived connection per open tab, through every proxy in between and
// against the server's write timeouts, for a state that changes once, a
// few seconds after the action. A short GET every 2 s for at most a
// minute, only while an action is pending, costs less, needs no code of
// ours to reconnect, and reads the state through the same power-details
// command (and its cache) as everything else.
func serverPowerState(q *Req) {
	svc, module, ok := q.serverTarget()
	if !ok {
		return
	}
	p, err := q.serverPower(svc.ID, module, nil)
	if err != nil {
		if apperr.Is(err, apperr.CodeAuthorizationFailed) || NotFoundCode(err) {
			q.NotFound()
			return
		}
		// A fragment that polls no more: htmx keeps polling after an
		// error answer (it does not swap it), past the time bound.
		q.Error(err) // logged when it is no application error
		p = &srvPower{ID: svc.ID, Module: module, State: "unknown"}
	}
	if p == nil {
		q.NotFound()
		return
	}
	q.Render(http.StatusOK, "servers_power.html", &View{Title: "srv.power", Nav: "servers", Data: &serviceView{Service: svc, Power: p}})
}

// serverILO is the iLO access form: enable (the posted remote_ip) or
// disable, on dedicated servers only.
func serverILO(enable bool) func(*Req) {
	return func(q *Req) {
		svc, module, ok := q.serverTarget()
		if !ok {
			return
		}
		if module != "dedicated" {
			q.NotFound()
			return
		}
		id := strconv.FormatInt(svc.ID, 10)
		command, params, done := "dedicated/ilo-access-disable", url.Values{"service_id": {id}}, "srv.ilo.disabled"
		if enable {
			command, done = "dedicated/ilo-access-enable", "srv.ilo.enabled"
			params.Set("remote_ip", strings.TrimSpace(q.R.PostFormValue("remote_ip")))
		}
		if _, err := q.Invoke(command, params); err != nil {
			q.serviceAgain(err)
			return
		}
		q.Redirect("/services/" + id + "?done=" + done + "#ilo")
	}
}

// serviceAgain shows the details page again after a failed form (422,
// the error at its field, the posted values).
func (q *Req) serviceAgain(err error) {
	if apperr.Is(err, apperr.CodeAuthorizationFailed) || NotFoundCode(err) {
		q.NotFound()
		return
	}
	d, ok := q.loadService()
	if !ok {
		return
	}
	q.Render(http.StatusUnprocessableEntity, "service.html", &View{Title: "svc.details", Nav: d.nav(), Data: d, Err: q.Error(err), Form: q.R.PostForm})
}

// srvDoneText returns key if it is one of the servers pages' success
// messages, else "".
func srvDoneText(key string) string {
	if _, ok := allTexts[key]; ok && strings.HasPrefix(key, "srv.") {
		return key
	}
	return ""
}
