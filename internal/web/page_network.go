package web

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/artnet-panel/artnet-panel/artnet"
	"github.com/artnet-panel/artnet-panel/internal/apperr"
)

// The network pages: an overview (GET /network) and one page per module:
// blackholed addresses (ip-blackholing), fail-over IPs (fail-over-ip) and
// additional IPs (additional-ip, page_network_aip.go).
//
//	GET  /network                              overview with links
//	GET  /network/blackholes                   ip-blackholing/list, enable form
//	POST /network/blackholes                   ip-blackholing/enable
//	GET  /network/blackholes/{ip}/disable      confirmation page
//	POST /network/blackholes/{ip}/disable      ip-blackholing/disable (confirmed=1)
//	GET  /network/failover                     fail-over-ip/list with each one's target
//	GET  /network/failover/{id}                fail-over-ip/details, switch form
//	POST /network/failover/{id}/switch         fail-over-ip/switch
//
// Disabling a blackhole is confirmed: with JavaScript the list's form asks
// (data-confirm) and app.js sets its confirmed field; without it the
// form arrives unconfirmed and the handler sends the browser to the
// confirmation page, whose form is confirmed. A blackhole that is not the
// customer's (another customer's address, an address not blackholed)
// answers 404 on both, exactly like a missing one; one set by the
// network administrator has no button, and a forced post shows the
// command's admin-blackhole error.

var netTexts = texts{
	"net.title":               {"Sieć", "Network"},
	"net.intro":               {"Blackholing adresów, adresy fail-over i dodatkowe adresy IP Twoich serwerów.", "Blackholing of addresses, fail-over IPs and additional IP addresses of your servers."},
	"net.open":                {"Otwórz", "Open"},
	"net.manage":              {"Zarządzaj", "Manage"},
	"net.ip":                  {"Adres IP", "IP address"},
	"net.service":             {"Usługa", "Service"},
	"net.actions":             {"Działania", "Actions"},
	"net.inactive":            {"nieaktywny", "inactive"},
	"net.bh.title":            {"Blackholing adresów IP", "IP blackholing"},
	"net.bh.intro":            {"Blackholing odrzuca cały ruch kierowany do adresu — przydatne podczas ataku DDoS. Adres jest ogłaszany przez BGP ze wspólnotą BLACKHOLE.", "Blackholing drops all traffic sent to an address — useful during a DDoS attack. The address is announced over BGP with the BLACKHOLE community."},
	"net.bh.list":             {"Adresy objęte blackholingiem", "Blackholed addresses"},
	"net.bh.none":             {"Żaden adres nie jest objęty blackholingiem.", "No address is blackholed."},
	"net.bh.count":            {"Adresy objęte blackholingiem: %d", "Blackholed addresses: %d"},
	"net.bh.setby":            {"Ustawił", "Set by"},
	"net.bh.type.customer":    {"Ty", "You"},
	"net.bh.type.admin":       {"Administrator sieci", "The network administrator"},
	"net.bh.adminnote":        {"Tylko administrator może go wyłączyć", "Only the administrator can disable it"},
	"net.bh.enable":           {"Włącz blackholing adresu", "Blackhole an address"},
	"net.bh.enable.hint":      {"Adres jednej z Twoich usług lub adres z Twoich podsieci (IPv4 lub IPv6).", "An address of one of your services or from your subnetworks (IPv4 or IPv6)."},
	"net.bh.enable.button":    {"Włącz blackholing", "Enable blackholing"},
	"net.bh.enabled":          {"Włączono blackholing adresu.", "The address is blackholed."},
	"net.bh.disable":          {"Wyłącz", "Disable"},
	"net.bh.disable.of":       {"Wyłącz blackholing adresu %s", "Disable blackholing of %s"},
	"net.bh.disable.ask":      {"Wyłączyć blackholing tego adresu? Ruch do niego znów będzie dostarczany.", "Disable blackholing of this address? Traffic to it will be delivered again."},
	"net.bh.disable.title":    {"Wyłączyć blackholing?", "Disable blackholing?"},
	"net.bh.disable.question": {"Blackholing adresu %s zostanie wyłączony, a ruch do niego znów będzie dostarczany.", "Blackholing of %s will be disabled and traffic to it will be delivered again."},
	"net.bh.disable.confirm":  {"Tak, wyłącz blackholing", "Yes, disable blackholing"},
	"net.bh.disabled":         {"Wyłączono blackholing adresu.", "Blackholing of the address was disabled."},
	"net.fo.title":            {"Adresy IP fail-over", "Fail-over IPs"},
	"net.fo.intro":            {"Ruch do adresu wirtualnego jest kierowany na jeden z Twoich serwerów (adres docelowy); przełączenie zmienia trasę ogłaszaną przez BGP.", "Traffic to the virtual address is routed to one of your servers (the target address); a switch changes the route announced over BGP."},
	"net.fo.none":             {"Nie masz adresów fail-over.", "You have no fail-over IPs."},
	"net.fo.virtual":          {"Adres wirtualny", "Virtual address"},
	"net.fo.real":             {"Obecny adres docelowy", "Current target address"},
	"net.fo.allowed":          {"Dozwolone adresy docelowe", "Allowed target addresses"},
	"net.fo.details":          {"Adres IP fail-over", "Fail-over IP"},
	"net.fo.switch":           {"Przełącz ruch", "Switch the traffic"},
	"net.fo.switch.to":        {"Nowy adres docelowy", "New target address"},
	"net.fo.switch.button":    {"Przełącz", "Switch"},
	"net.fo.switch.of":        {"Zarządzaj adresem %s", "Manage %s"},
	"net.fo.current":          {"(obecny)", "(current)"},
	"net.fo.switched":         {"Przełączono ruch na nowy adres docelowy.", "The traffic was switched to the new target address."},
	"net.aip.title":           {"Dodatkowe adresy IP", "Additional IP addresses"},
	"net.aip.count":           {"Usługi dodatkowych adresów: %d", "Additional IP services: %d"},
}

func init() {
	register(netTexts)
	handle("GET /network", netOverview)
	handle("GET /network/blackholes", netBlackholes)
	handle("POST /network/blackholes", netBlackholeEnable)
	handle("GET /network/blackholes/{ip}/disable", netBlackholeDisableConfirm)
	handle("POST /network/blackholes/{ip}/disable", netBlackholeDisable)
	handle("GET /network/failover", netFailoverList)
	handle("GET /network/failover/{id}", netFailover)
	handle("POST /network/failover/{id}/switch", netFailoverSwitch)
}

// netDone returns key when it is a registered text, else "".
func netDone(key string) string {
	if _, ok := allTexts[key]; ok && key != "" {
		return key
	}
	return ""
}

// netFailoverItem is a fail-over IP with its details.
type netFailoverItem struct {
	Service artnet.Service
	Details artnet.FailOverIPDetails
}

// Real returns the current target address ("" when inactive).
func (it netFailoverItem) Real() string { return string(it.Details.RealIP) }

// netOverviewView is the overview's data.
type netOverviewView struct {
	Blackholes []artnet.BlackholedIP
	Failover   []netFailoverItem
	AIPs       []netAIPItem
}

func netOverview(q *Req) {
	v := &View{Title: "net.title", Nav: "network"}
	d := &netOverviewView{}
	var err error
	if d.Blackholes, err = q.netBlackholeList(); err == nil {
		if d.Failover, err = q.netFailoverItems(); err == nil {
			d.AIPs, err = q.netAIPItems()
		}
	}
	if err != nil {
		v.Err = q.Error(err)
		q.Render(http.StatusInternalServerError, "network.html", v)
		return
	}
	v.Data = d
	q.Render(http.StatusOK, "network.html", v)
}

// netBlackholeList reads ip-blackholing/list.
func (q *Req) netBlackholeList() ([]artnet.BlackholedIP, error) {
	resp, err := q.Invoke("ip-blackholing/list", nil)
	if err != nil {
		return nil, err
	}
	return resp.(artnet.BlackholedIPsListResponse).BlackholedIPsList, nil
}

// renderBlackholes renders the blackhole list with an error (the enable
// form's as posted) or a success message.
func (q *Req) renderBlackholes(status int, pe *PageError, posted url.Values, done string) {
	v := &View{Title: "net.bh.title", Nav: "network", Err: pe, Form: posted, Done: netDone(done)}
	list, err := q.netBlackholeList()
	if err != nil {
		v.Err = q.Error(err)
		q.Render(http.StatusInternalServerError, "network_blackholes.html", v)
		return
	}
	v.Data = list
	q.Render(status, "network_blackholes.html", v)
}

func netBlackholes(q *Req) {
	q.renderBlackholes(http.StatusOK, nil, nil, q.R.URL.Query().Get("done"))
}

func netBlackholeEnable(q *Req) {
	ip := q.R.PostFormValue("ip")
	if _, err := q.Invoke("ip-blackholing/enable", url.Values{"ip": {ip}}); err != nil {
		pe := q.Error(err)
		if apperr.Is(err, apperr.CodeIncorrectIP, apperr.CodeIPNotAllowed, apperr.CodeIPAlreadyBlackholed) {
			pe.Field = "ip" // the command's only parameter
		}
		q.renderBlackholes(http.StatusUnprocessableEntity, pe, url.Values{"ip": {ip}}, "")
		return
	}
	q.Redirect("/network/blackholes?done=net.bh.enabled")
}

// netBlackholeOf returns the customer's blackhole of the path's {ip}, or
// false when the customer has none (404).
func (q *Req) netBlackholeOf() (artnet.BlackholedIP, bool, error) {
	ip := q.R.PathValue("ip")
	list, err := q.netBlackholeList()
	if err != nil {
		return artnet.BlackholedIP{}, false, err
	}
	for _, b := range list {
		if b.IP == ip {
			return b, true, nil
		}
	}
	return artnet.BlackholedIP{}, false, nil
}

func netBlackholeDisableConfirm(q *Req) {
	b, ok, err := q.netBlackholeOf()
	if err != nil {
		q.Render(http.StatusInternalServerError, "network_blackhole_disable.html", &View{Title: "net.bh.disable.title", Nav: "network", Err: q.Error(err)})
		return
	}
	if !ok {
		q.NotFound()
		return
	}
	v := &View{Title: "net.bh.disable.title", Nav: "network", Data: b}
	if b.Type == artnet.BlackholeTypeAdmin {
		// No button: the page says why.
		v.Err = q.Error(apperr.New(apperr.CodeAdminBlackhole))
	}
	q.Render(http.StatusOK, "network_blackhole_disable.html", v)
}

func netBlackholeDisable(q *Req) {
	ip := q.R.PathValue("ip")
	if q.R.PostFormValue("confirmed") != "1" {
		// Not confirmed (no JavaScript): ask on the confirmation page.
		q.Redirect("/network/blackholes/" + url.PathEscape(ip) + "/disable")
		return
	}
	_, err := q.Invoke("ip-blackholing/disable", url.Values{"ip": {ip}})
	switch {
	case err == nil:
		q.Redirect("/network/blackholes?done=net.bh.disabled")
	case apperr.Is(err, apperr.CodeIncorrectIP, apperr.CodeIPNotAllowed, apperr.CodeIPNotBlackholed):
		// Not an address of the customer's, or not blackholed: no such
		// blackhole of theirs, answered like a missing one.
		q.NotFound()
	default:
		q.renderBlackholes(http.StatusUnprocessableEntity, q.Error(err), nil, "")
	}
}

// netFailoverItems reads the fail-over IPs with their details.
func (q *Req) netFailoverItems() ([]netFailoverItem, error) {
	resp, err := q.Invoke("fail-over-ip/list", nil)
	if err != nil {
		return nil, err
	}
	var out []netFailoverItem
	for _, s := range resp.(artnet.ServicesListResponse).ServicesList {
		d, err := q.netFailoverDetails(s.ID)
		if err != nil {
			return nil, err
		}
		out = append(out, netFailoverItem{Service: s, Details: d})
	}
	return out, nil
}

func (q *Req) netFailoverDetails(id int64) (artnet.FailOverIPDetails, error) {
	resp, err := q.Invoke("fail-over-ip/details", url.Values{"service_id": {strconv.FormatInt(id, 10)}})
	if err != nil {
		return artnet.FailOverIPDetails{}, err
	}
	return *resp.(artnet.ServiceDetailsOf[artnet.ServiceDetails]).ServiceDetails.(*artnet.FailOverIPDetails), nil
}

func netFailoverList(q *Req) {
	v := &View{Title: "net.fo.title", Nav: "network"}
	list, err := q.netFailoverItems()
	if err != nil {
		v.Err = q.Error(err)
		q.Render(http.StatusInternalServerError, "network_failover.html", v)
		return
	}
	v.Data = list
	q.Render(http.StatusOK, "network_failover.html", v)
}

// netNotMine reports whether err means the service is not the
// customer's one of the page's kind (answered 404).
func netNotMine(err error) bool {
	return NotFoundCode(err) || apperr.Is(err, apperr.CodeAuthorizationFailed, apperr.CodeInvalidServiceType,
		apperr.CodeInvalidParentServiceType)
}

// netPathID returns the path's {id}, 0 when it is not a positive number.
func (q *Req) netPathID() int64 {
	id, err := strconv.ParseInt(q.R.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0
	}
	return id
}

// renderFailover renders a fail-over IP's page; a service that is not the
// customer's fail-over IP answers 404.
func (q *Req) renderFailover(status int, id int64, pe *PageError, posted url.Values, done string) {
	v := &View{Title: "net.fo.details", Nav: "network", Err: pe, Form: posted, Done: netDone(done)}
	resp, err := q.Invoke("services/details", url.Values{"service_id": {strconv.FormatInt(id, 10)}})
	var it netFailoverItem
	if err == nil {
		it.Service = resp.(artnet.ServiceDetailsResponse).Service
		it.Details, err = q.netFailoverDetails(id)
	}
	if err != nil {
		if netNotMine(err) {
			q.NotFound()
			return
		}
		v.Err = q.Error(err)
		q.Render(http.StatusInternalServerError, "network_failover_ip.html", v)
		return
	}
	v.Data = &it
	q.Render(status, "network_failover_ip.html", v)
}

func netFailover(q *Req) {
	q.renderFailover(http.StatusOK, q.netPathID(), nil, nil, q.R.URL.Query().Get("done"))
}

func netFailoverSwitch(q *Req) {
	id := q.netPathID()
	realIP := q.R.PostFormValue("real_ip")
	_, err := q.Invoke("fail-over-ip/switch", url.Values{"service_id": {strconv.FormatInt(id, 10)}, "real_ip": {realIP}})
	switch {
	case err == nil:
		q.Redirect("/network/failover/" + strconv.FormatInt(id, 10) + "?done=net.fo.switched")
	case netNotMine(err):
		q.NotFound()
	default:
		pe := q.Error(err)
		if apperr.Is(err, apperr.CodeIPNotAllowed, apperr.CodeIncorrectParamValue) {
			pe.Field = "real_ip"
		}
		q.renderFailover(http.StatusUnprocessableEntity, id, pe, url.Values{"real_ip": {realIP}}, "")
	}
}
