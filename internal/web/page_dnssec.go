package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/artnet-panel/artnet-panel/artnet"
)

// DNSSEC of a primary zone: the zone page's DNSSEC section (state,
// algorithm, the DS records to give the parent and whether the registry
// holds them, the next rollover or the unsign time), enabling with an
// algorithm choice and disabling after a confirmation page that explains
// the safe order (the DS goes first, the zone is served unsigned once the
// parent's TTLs have passed). Everything goes through dns/dnssec-enable,
// dns/dnssec-disable and dns/dnssec-details; their errors (e.g.
// internal-dns-error when artnetd has no DNSSEC sealing key) are shown as
// the catalogue's text.

var dnssecTexts = texts{
	"dnssec.title":               {"DNSSEC", "DNSSEC"},
	"dnssec.state":               {"Stan", "State"},
	"dnssec.state.off":           {"wyłączony", "off"},
	"dnssec.state.signing":       {"włączony — strefa jest podpisywana", "on — the zone is signed"},
	"dnssec.state.disabling":     {"wyłączanie — rekordy DS są usuwane, strefa jest jeszcze podpisywana", "disabling — the DS records are being removed, the zone is still signed"},
	"dnssec.algorithm":           {"Algorytm", "Algorithm"},
	"dnssec.alg.ECDSAP256SHA256": {"ECDSA P-256 z SHA-256 (13)", "ECDSA P-256 with SHA-256 (13)"},
	"dnssec.alg.ED25519":         {"Ed25519 (15)", "Ed25519 (15)"},
	"dnssec.ds":                  {"Rekordy DS dla strefy nadrzędnej", "DS records for the parent zone"},
	"dnssec.ds.hint": {"Te rekordy DS muszą trafić do rejestru domeny (strefy nadrzędnej), aby podpisy były weryfikowane.",
		"These DS records must reach the domain's registry (the parent zone) for the signatures to be validated."},
	"dnssec.registry":       {"Rejestr", "Registry"},
	"dnssec.registry.holds": {"Rejestr ma aktualne rekordy DS.", "The registry holds the current DS records."},
	"dnssec.registry.other": {"Rejestr ma inne rekordy DS niż powyższe:", "The registry holds other DS records than the ones above:"},
	"dnssec.registry.none": {"Rejestr nie ma (jeszcze) tych rekordów DS. Jeśli domena nie jest zarządzana w panelu, przekaż je rejestratorowi domeny.",
		"The registry does not hold these DS records (yet). If the domain is not managed in this panel, give them to the domain's registrar."},
	"dnssec.registry.still": {"Rejestr ma jeszcze rekordy DS; zostaną usunięte w pierwszej kolejności:", "The registry still holds DS records; they are removed first:"},
	"dnssec.next.rollover":  {"Następna wymiana klucza", "Next key rollover"},
	"dnssec.unsign.time":    {"Strefa przestanie być podpisywana", "The zone is served unsigned from"},
	"dnssec.utc":            {"UTC", "UTC"},
	"dnssec.off.hint":       {"DNSSEC podpisuje rekordy strefy, dzięki czemu resolwery mogą sprawdzić, że odpowiedzi nie zostały sfałszowane.", "DNSSEC signs the zone's records so that resolvers can check the answers were not forged."},
	"dnssec.enable":         {"Włącz DNSSEC", "Enable DNSSEC"},
	"dnssec.enable.again":   {"Włącz DNSSEC ponownie (z dotychczasowymi kluczami)", "Enable DNSSEC again (with its keys)"},
	"dnssec.enabled":        {"Włączono DNSSEC: strefa jest podpisana.", "DNSSEC was enabled: the zone is signed."},
	"dnssec.disable":        {"Wyłącz DNSSEC", "Disable DNSSEC"},
	"dnssec.disable.title":  {"Wyłączyć DNSSEC?", "Disable DNSSEC?"},
	"dnssec.disable.question": {"DNSSEC strefy %s zostanie wyłączony w bezpiecznej kolejności: najpierw rekordy DS są usuwane z rejestru (strefy nadrzędnej), a strefa pozostaje podpisana, dopóki nie miną czasy TTL tych rekordów; dopiero potem jest obsługiwana bez podpisów. Jeśli sam przekazałeś rekordy DS rejestratorowi, usuń je tam teraz.",
		"DNSSEC of the zone %s will be disabled in the safe order: first the DS records are removed from the registry (the parent zone), and the zone stays signed until their TTLs have passed; only then is it served unsigned. If you gave the DS records to your registrar yourself, remove them there now."},
	"dnssec.disable.confirm": {"Tak, wyłącz DNSSEC", "Yes, disable DNSSEC"},
	"dnssec.disabled":        {"Rozpoczęto wyłączanie DNSSEC: rekordy DS są usuwane, strefa pozostaje podpisana do czasu podanego poniżej.", "Disabling DNSSEC has started: the DS records are being removed, the zone stays signed until the time below."},
}

func init() {
	register(dnssecTexts)
	registerFuncs(map[string]any{"dnssecRegistryHolds": dnssecRegistryHolds})
	handle("POST /dns/{id}/dnssec/enable", dnssecEnable)
	handle("GET /dns/{id}/dnssec/disable", dnssecDisableConfirm)
	handle("POST /dns/{id}/dnssec/disable", dnssecDisable)
}

// dnssecView is the zone page's DNSSEC section.
type dnssecView struct {
	Details    *artnet.DNSSECDetails
	Err        *PageError // dns/dnssec-details failed
	Algorithms []string
	// Algorithm is the enable form's choice.
	Algorithm string
}

// dnssecRegistryHolds reports whether the registry's DS set is the DS set
// to give the parent (same records, any order).
func dnssecRegistryHolds(d *artnet.DNSSECDetails) bool {
	if len(d.RegistryDSList) == 0 || len(d.RegistryDSList) != len(d.DSList) {
		return false
	}
	have := map[string]bool{}
	for _, ds := range d.RegistryDSList {
		have[ds] = true
	}
	for _, ds := range d.DSList {
		if !have[ds] {
			return false
		}
	}
	return true
}

// dnssecSection reads the DNSSEC state of the primary zone of v.
func (q *Req) dnssecSection(v *dnsZoneView) *dnssecView {
	s := &dnssecView{Algorithms: []string{artnet.DNSSECAlgorithmECDSAP256SHA256, artnet.DNSSECAlgorithmED25519},
		Algorithm: artnet.DNSSECAlgorithmECDSAP256SHA256}
	resp, err := q.Invoke("dns/dnssec-details", url.Values{"zone_id": {strconv.FormatInt(v.Zone.ID, 10)}})
	if err != nil {
		s.Err = q.Error(err)
		return s
	}
	d := resp.(artnet.DNSSECDetailsResponse).DNSSECDetails
	// One space between the fields (the presentation format has tabs):
	// what the customer copies to the registrar's form.
	for _, l := range [][]string{d.DSList, d.RegistryDSList} {
		for i, rr := range l {
			l[i] = strings.Join(strings.Fields(rr), " ")
		}
	}
	s.Details = &d
	if d.Algorithm != "" {
		s.Algorithm = d.Algorithm
	}
	return s
}

// renderZone renders the zone page of a zone read with dnsLoadZone, with
// its DNSSEC section when it is a primary zone.
func (q *Req) renderZone(status int, v *dnsZoneView, pe *PageError, done string) {
	if v.Primary != nil {
		v.DNSSEC = q.dnssecSection(v)
	}
	q.Render(status, "dns_zone.html", &View{Title: "dns.zone.title", Nav: "dns", Data: v, Err: pe, Done: dnsDoneText(done)})
}

func dnssecEnable(q *Req) {
	v, ok := q.dnsPrimaryZone()
	if !ok {
		return
	}
	alg := q.dnsPostForm().Get("algorithm")
	params := url.Values{"zone_id": {strconv.FormatInt(v.Zone.ID, 10)}}
	if alg != "" {
		params.Set("algorithm", alg)
	}
	if _, err := q.Invoke("dns/dnssec-enable", params); err != nil {
		if NotFoundCode(err) {
			q.NotFound()
			return
		}
		q.renderZone(http.StatusUnprocessableEntity, v, q.Error(err), "")
		return
	}
	q.Redirect("/dns/" + strconv.FormatInt(v.Zone.ID, 10) + "?done=dnssec.enabled#dnssec")
}

func dnssecDisableConfirm(q *Req) {
	v, ok := q.dnsPrimaryZone()
	if !ok {
		return
	}
	q.Render(http.StatusOK, "dns_dnssec_disable.html", &View{Title: "dnssec.disable.title", Nav: "dns", Data: v})
}

func dnssecDisable(q *Req) {
	v, ok := q.dnsPrimaryZone()
	if !ok {
		return
	}
	if _, err := q.Invoke("dns/dnssec-disable", url.Values{"zone_id": {strconv.FormatInt(v.Zone.ID, 10)}}); err != nil {
		if NotFoundCode(err) {
			q.NotFound()
			return
		}
		q.Render(http.StatusUnprocessableEntity, "dns_dnssec_disable.html", &View{Title: "dnssec.disable.title", Nav: "dns", Data: v, Err: q.Error(err)})
		return
	}
	q.Redirect("/dns/" + strconv.FormatInt(v.Zone.ID, 10) + "?done=dnssec.disabled#dnssec")
}
