package web

import "github.com/artnet-panel/artnet-panel/artnet"

// Texts of the servers pages (page_servers.go, page_servers_chart.go).
var serversTexts = texts{
	"srv.title":           {"Serwery", "Servers"},
	"srv.intro":           {"Serwery dedykowane, kolokacje i serwery VPS. Szczegóły, zasilanie, transfer i dostęp do iLO są na stronie serwera.", "Dedicated servers, colocations and VPS. Details, power, transfer and iLO access are on each server's page."},
	"srv.dedicated":       {"Serwery dedykowane", "Dedicated servers"},
	"srv.colocation":      {"Kolokacje", "Colocations"},
	"srv.vps":             {"Serwery VPS", "VPS"},
	"srv.none.dedicated":  {"Nie masz serwerów dedykowanych.", "You have no dedicated servers."},
	"srv.none.colocation": {"Nie masz kolokacji.", "You have no colocations."},
	"srv.none.vps":        {"Nie masz serwerów VPS.", "You have no VPS."},
	"srv.col.name":        {"Nazwa", "Name"},
	"srv.col.ip":          {"Adres IP", "IP address"},
	"srv.col.expires":     {"Wygasa", "Expires"},
	"srv.col.id":          {"ID", "ID"},
	"srv.back":            {"Serwery", "Servers"},

	"srv.power":               {"Zasilanie", "Power"},
	"srv.power.state":         {"Stan zasilania", "Power state"},
	"srv.power.line":          {"Stan dotyczy linii zasilania, nie systemu operacyjnego: po włączeniu zasilania serwer sam się uruchamia.", "The state is that of the power line, not of the operating system: the server boots by itself when its power comes on."},
	"srv.power.notmanageable": {"Zasilaniem tego serwera nie można sterować z panelu.", "The power of this server cannot be switched from the panel."},
	"srv.power.waiting":       {"Czekam, aż zasilanie będzie: %s. Stan jest sprawdzany co 2 sekundy.", "Waiting for the power to be %s. The state is checked every 2 seconds."},
	"srv.power.reached":       {"Zasilanie jest teraz: %s.", "The power is now %s."},
	"srv.power.timeout":       {"Zasilanie nie osiągnęło stanu „%s” w ciągu minuty. Odśwież stronę później albo skontaktuj się z pomocą techniczną.", "The power did not reach “%s” within a minute. Reload the page later or contact support."},
	"srv.power.actions":       {"Sterowanie zasilaniem", "Power control"},
	"srv.state.on":            {"włączone", "on"},
	"srv.state.off":           {"wyłączone", "off"},
	"srv.state.unknown":       {"nieznany", "unknown"},
	"srv.action.on":           {"Włącz", "Power on"},
	"srv.action.off":          {"Wyłącz", "Power off"},
	"srv.action.restart":      {"Uruchom ponownie", "Restart"},
	"srv.confirm.on":          {"Włączyć zasilanie?", "Power on?"},
	"srv.confirm.off":         {"Wyłączyć zasilanie?", "Power off?"},
	"srv.confirm.restart":     {"Uruchomić ponownie?", "Restart?"},
	"srv.question.on":         {"Zasilanie serwera %s zostanie włączone.", "The power of %s will be switched on."},
	"srv.question.off":        {"Zasilanie serwera %s zostanie odcięte natychmiast, bez zamykania systemu: niezapisane dane zostaną utracone.", "The power of %s will be cut at once, without shutting the system down: unsaved data will be lost."},
	"srv.question.restart":    {"Zasilanie serwera %s zostanie wyłączone i ponownie włączone, bez zamykania systemu: niezapisane dane zostaną utracone.", "The power of %s will be switched off and on again, without shutting the system down: unsaved data will be lost."},
	"srv.yes.on":              {"Tak, włącz", "Yes, power on"},
	"srv.yes.off":             {"Tak, wyłącz", "Yes, power off"},
	"srv.yes.restart":         {"Tak, uruchom ponownie", "Yes, restart"},
	"srv.power.done.on":       {"Wysłano polecenie włączenia zasilania.", "The power-on command was sent."},
	"srv.power.done.off":      {"Wysłano polecenie wyłączenia zasilania.", "The power-off command was sent."},
	"srv.power.done.restart":  {"Wysłano polecenie ponownego uruchomienia.", "The restart command was sent."},

	"srv.chart.title":   {"Transfer danych w okresach rozliczeniowych", "Data transfer per billing period"},
	"srv.chart.desc":    {"Wykres słupkowy: dane wysłane i odebrane w każdym z ostatnich okresów rozliczeniowych, skala do %s.", "Bar chart: data sent and received in each of the last billing periods, scaled to %s."},
	"srv.chart.period":  {"%s – %s: wysłano %s, odebrano %s.", "%s – %s: sent %s, received %s."},
	"srv.chart.current": {"bieżący", "current"},
	"srv.chart.up":      {"Wysłane", "Sent"},
	"srv.chart.down":    {"Odebrane", "Received"},
	"srv.chart.legend":  {"Legenda", "Legend"},
	"srv.chart.table":   {"Te same dane w tabeli", "The same data as a table"},

	"srv.ilo":             {"Dostęp do iLO / IPMI", "iLO / IPMI access"},
	"srv.ilo.ip":          {"Adres iLO / IPMI", "iLO / IPMI address"},
	"srv.ilo.available":   {"Dostępność", "Availability"},
	"srv.ilo.unavailable": {"Dostęp do iLO / IPMI nie jest dostępny dla tego serwera.", "iLO / IPMI access is not available for this server."},
	"srv.ilo.access":      {"Dostęp", "Access"},
	"srv.ilo.open":        {"otwarty dla adresu %s", "open for %s"},
	"srv.ilo.closed":      {"zamknięty", "closed"},
	"srv.ilo.remote":      {"Adres IPv4, dla którego otworzyć dostęp", "IPv4 address to open access for"},
	"srv.ilo.remote.hint": {"Wpisano adres, z którego łączysz się z panelem. Dostęp otrzymuje tylko ten adres; otwarcie dla innego zastępuje poprzednie, a dostęp sam się zamyka po pewnym czasie.", "Prefilled with the address you are connecting to the panel from. Only this address gets access; opening it for another replaces the previous one, and access closes by itself after a while."},
	"srv.ilo.enable":      {"Otwórz dostęp", "Open access"},
	"srv.ilo.disable":     {"Zamknij dostęp", "Close access"},
	"srv.ilo.enabled":     {"Otwarto dostęp do iLO / IPMI.", "iLO / IPMI access was opened."},
	"srv.ilo.disabled":    {"Zamknięto dostęp do iLO / IPMI.", "iLO / IPMI access was closed."},
}

// srvOps are the power actions in the order the page offers them.
var srvOps = []string{"on", "off", "restart"}

func init() {
	registerFuncs(map[string]any{
		// srvOps lists the power actions.
		"srvOps": func() []string { return srvOps },
		// srvConfirm is the data of a power action's confirmation form
		// (dialog: in the details page's <dialog>).
		// srvList is one table of the servers page: kind (dedicated,
		// colocation, vps) and its servers.
		"srvList": func(kind string, list []artnet.Service) map[string]any {
			return map[string]any{"Kind": kind, "List": list}
		},
		"srvConfirm": func(svc artnet.Service, op string, dialog bool) *powerConfirmView {
			return &powerConfirmView{Service: svc, Op: op, Dialog: dialog}
		},
	})
}
