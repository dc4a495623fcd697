package web

import (
	"fmt"
	"sort"
)

// Languages of the panel, the first one the default.
var languages = []string{"pl", "en"}

// texts is one page file's table of texts: key → {Polish, English}. Each
// page file declares its own (var accountTexts = texts{...}) and registers
// it in an init function (func init() { register(accountTexts) }); keys
// are prefixed with the page's name ("account.title") so that files never
// collide. register panics on a key registered twice.
type texts map[string][2]string

// allTexts is every registered text, by key.
var allTexts = map[string][2]string{}

// register adds t to the panel's texts. Call it from an init function.
func register(t texts) {
	for k, v := range t {
		if _, dup := allTexts[k]; dup {
			panic(fmt.Sprintf("web: text %q registered twice", k))
		}
		allTexts[k] = v
	}
}

// text returns the text of key in lang ("pl" or "en"). An unknown key
// shows itself in brackets (a test checks templates use known keys only).
func text(lang, key string) string {
	v, ok := allTexts[key]
	if !ok {
		return "[" + key + "]"
	}
	if lang == "en" {
		return v[1]
	}
	return v[0]
}

// textKeys returns every registered key, sorted (for tests).
func textKeys() []string {
	keys := make([]string, 0, len(allTexts))
	for k := range allTexts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// langOf returns lang when the panel speaks it, else the default.
func langOf(lang string) string {
	for _, l := range languages {
		if l == lang {
			return l
		}
	}
	return languages[0]
}

// layoutTexts are the texts of the layout and of every page.
var layoutTexts = texts{
	"app.name":         {"Panel Klienta Artnet", "Artnet Customers Panel"},
	"nav.label":        {"Menu główne", "Main menu"},
	"nav.dashboard":    {"Pulpit", "Dashboard"},
	"nav.services":     {"Usługi", "Services"},
	"nav.servers":      {"Serwery", "Servers"},
	"nav.cloud":        {"Chmura", "Cloud"},
	"nav.firewall":     {"Firewall", "Firewall"},
	"nav.network":      {"Sieć", "Network"},
	"nav.dns":          {"DNS", "DNS"},
	"nav.revdns":       {"Odwrotny DNS", "Reverse DNS"},
	"nav.domains":      {"Domeny", "Domains"},
	"nav.invoices":     {"Faktury", "Invoices"},
	"nav.emails":       {"E-maile", "E-mails"},
	"nav.offer":        {"Oferta", "Offer"},
	"nav.account":      {"Konto", "Account"},
	"nav.signout":      {"Wyloguj", "Sign out"},
	"nav.skip":         {"Przejdź do treści", "Skip to content"},
	"lang.switch":      {"English", "Polski"},
	"lang.switch.hint": {"Switch to English", "Przełącz na polski"},
	"common.save":      {"Zapisz", "Save"},
	"common.cancel":    {"Anuluj", "Cancel"},
	"common.delete":    {"Usuń", "Delete"},
	"common.yes":       {"Tak", "Yes"},
	"common.no":        {"Nie", "No"},
	"common.error":     {"Błąd", "Error"},
	"common.saved":     {"Zapisano.", "Saved."},
	"common.notfound":  {"Nie znaleziono strony.", "Page not found."},
	"common.back":      {"Wróć", "Back"},
	"common.none":      {"Brak.", "None."},
	"common.badform":   {"Formularz wygasł lub przyszedł z innej strony; spróbuj ponownie.", "The form expired or came from another site; please try again."},
}

func init() { register(layoutTexts) }
