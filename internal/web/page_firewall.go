package web

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/artnet-panel/artnet-panel/artnet"
	"github.com/artnet-panel/artnet-panel/internal/apperr"
)

// The firewall pages: the customer's rulesets (firewall/list, with each
// one's state from firewall/details) and a ruleset's rule editor.
//
// The editor is one form whose fields carry /firewall/save's parameter
// names (rules[in][N][policy], rules[in][N][destination][port][begin],
// ...), so the posted form is the command's parameters as they are, and
// the command's own check is the validation: every bad field of a
// rules-syntax-error (errors_details) is shown at its input. Adding,
// removing and moving a rule are submit buttons of the same form that
// re-render it with the change, not saved yet (with htmx: in place).
//
// Commit-confirmed saves: the form's confirm_within (the command's
// extension parameter) makes the save apply at once and come back by
// itself unless "keep these rules" (firewall/save-confirm) follows before
// the deadline. The page learns of a pending confirmation through
// Panel.FirewallPending (a read scoped by customer id like every ruleset
// read; /firewall/details keeps its documented answer) and shows the
// deadline as text; with JavaScript a countdown ticks (static/app.js,
// the firewall block) and, when it ends, the page is fetched again
// (hx-trigger on the fw-expired event) until the previous rules are back.

var fwTexts = texts{
	"fw.title":             {"Zapora sieciowa", "Firewall"},
	"fw.intro":             {"Zestawy reguł zewnętrznej zapory przed Twoimi serwerami. Jeden zestaw może obejmować kilka serwerów.", "Rulesets of the external firewall in front of your servers. One ruleset may cover several servers."},
	"fw.none":              {"Nie masz serwerów z zarządzaniem zaporą.", "You have no servers with firewall management."},
	"fw.col.id":            {"Zestaw reguł", "Ruleset"},
	"fw.col.servers":       {"Serwery", "Servers"},
	"fw.col.state":         {"Stan", "State"},
	"fw.col.rules":         {"Reguły (przychodzące / wychodzące)", "Rules (incoming / outgoing)"},
	"fw.enabled":           {"włączona", "on"},
	"fw.disabled":          {"wyłączona", "off"},
	"fw.pending.short":     {"czeka na potwierdzenie do %s", "awaiting confirmation until %s"},
	"fw.edit":              {"Edytuj reguły", "Edit the rules"},
	"fw.edit.of":           {"Edytuj reguły zestawu %s", "Edit the rules of ruleset %s"},
	"fw.ruleset.title":     {"Zestaw reguł zapory", "Firewall ruleset"},
	"fw.state":             {"Filtrowanie", "Filtering"},
	"fw.state.on":          {"Włączone: pakiety przechodzą według reguł poniżej.", "On: packets pass according to the rules below."},
	"fw.state.off":         {"Wyłączone: zapora przepuszcza wszystkie pakiety, reguły czekają.", "Off: the firewall lets every packet through; the rules wait."},
	"fw.enable":            {"Włącz filtrowanie", "Turn filtering on"},
	"fw.disable":           {"Wyłącz filtrowanie", "Turn filtering off"},
	"fw.disable.ask":       {"Wyłączyć filtrowanie? Zapora przepuści wszystkie pakiety.", "Turn filtering off? The firewall will let every packet through."},
	"fw.enabled.done":      {"Włączono filtrowanie.", "Filtering is on."},
	"fw.disabled.done":     {"Wyłączono filtrowanie.", "Filtering is off."},
	"fw.max":               {"Najwięcej reguł w jednym kierunku", "Most rules in one direction"},
	"fw.dir.in":            {"Ruch przychodzący", "Incoming traffic"},
	"fw.dir.out":           {"Ruch wychodzący", "Outgoing traffic"},
	"fw.dir.none":          {"Brak reguł.", "No rules."},
	"fw.order":             {"Reguły działają w kolejności: pierwsza pasująca decyduje; pakiet, do którego nie pasuje żadna, jest odrzucany.", "Rules apply in order: the first that matches decides; a packet no rule matches is dropped."},
	"fw.rule":              {"Reguła %d", "Rule %d"},
	"fw.rule.of":           {"reguła %d, %s", "rule %d, %s"},
	"fw.policy":            {"Działanie", "Action"},
	"fw.policy.ACCEPT":     {"przepuść (ACCEPT)", "accept (ACCEPT)"},
	"fw.policy.DROP":       {"odrzuć (DROP)", "drop (DROP)"},
	"fw.protocol":          {"Protokół (numer)", "Protocol (number)"},
	"fw.protocol.hint":     {"6 TCP, 17 UDP, 1 ICMP, 58 ICMPv6; puste: każdy.", "6 TCP, 17 UDP, 1 ICMP, 58 ICMPv6; empty: any."},
	"fw.source":            {"Źródło", "Source"},
	"fw.destination":       {"Cel", "Destination"},
	"fw.ip":                {"Adres IP", "IP address"},
	"fw.mask":              {"Maska (bity)", "Mask (bits)"},
	"fw.port.begin":        {"Port od", "Port from"},
	"fw.port.end":          {"Port do", "Port to"},
	"fw.ports":             {"Porty", "Ports"},
	"fw.addr.hint":         {"Puste: każdy adres. Porty tylko z protokołem 6, 17, 33, 132 lub 136.", "Empty: any address. Ports only with protocol 6, 17, 33, 132 or 136."},
	"fw.up":                {"W górę", "Up"},
	"fw.down":              {"W dół", "Down"},
	"fw.remove":            {"Usuń", "Remove"},
	"fw.up.of":             {"Przesuń regułę %d w górę", "Move rule %d up"},
	"fw.down.of":           {"Przesuń regułę %d w dół", "Move rule %d down"},
	"fw.remove.of":         {"Usuń regułę %d", "Remove rule %d"},
	"fw.add":               {"Dodaj regułę", "Add a rule"},
	"fw.add.in":            {"Dodaj regułę ruchu przychodzącego", "Add an incoming rule"},
	"fw.add.out":           {"Dodaj regułę ruchu wychodzącego", "Add an outgoing rule"},
	"fw.unsaved":           {"Zmiany nie są jeszcze zapisane: zapisz je przyciskiem na dole formularza.", "The changes are not saved yet: save them with the button at the bottom of the form."},
	"fw.confirm":           {"Okno potwierdzenia", "Confirmation window"},
	"fw.confirm.none":      {"bez potwierdzenia (reguły zostają od razu)", "no confirmation (the rules stay at once)"},
	"fw.confirm.s":         {"%d s", "%d s"},
	"fw.confirm.min":       {"%d min", "%d min"},
	"fw.confirm.h":         {"1 godzina", "1 hour"},
	"fw.confirm.hint":      {"Z oknem potwierdzenia nowe reguły działają od razu, ale jeśli nie potwierdzisz ich przed upływem czasu (np. bo odcięły Ci dostęp), wrócą poprzednie.", "With a confirmation window the new rules apply at once, but unless you confirm them in time (say, they cut off your access), the previous rules come back."},
	"fw.save":              {"Zapisz reguły", "Save the rules"},
	"fw.saved":             {"Zapisano reguły.", "The rules were saved."},
	"fw.saved.pending":     {"Zapisano reguły; działają już, ale wrócą poprzednie, jeśli ich nie potwierdzisz.", "The rules were saved and apply now, but the previous ones come back unless you confirm them."},
	"fw.pending.title":     {"Reguły czekają na potwierdzenie", "The rules await confirmation"},
	"fw.pending.deadline":  {"Potwierdź do %s (UTC), inaczej wrócą reguły sprzed zapisu.", "Confirm by %s (UTC), or the rules in force before the save come back."},
	"fw.pending.left":      {"Pozostało:", "Time left:"},
	"fw.pending.passed":    {"Czas minął: trwa przywracanie poprzednich reguł. Odśwież stronę za chwilę.", "The time is up: the previous rules are being restored. Reload the page in a moment."},
	"fw.keep":              {"Zachowaj te reguły", "Keep these rules"},
	"fw.kept":              {"Potwierdzono: nowe reguły zostają.", "Confirmed: the new rules stay."},
	"fw.rolledback":        {"Nie potwierdzono zmian na czas: przywrócono poprzednie reguły (poniżej).", "The change was not confirmed in time: the previous rules are back (below)."},
	"fw.keep.late":         {"Za późno: czas na potwierdzenie minął i wróciły poprzednie reguły (poniżej).", "Too late: the time to confirm is up and the previous rules are back (below)."},
	"fw.back":              {"Wszystkie zestawy reguł", "All rulesets"},
	"fw.field.error.rules": {"Popraw zaznaczone pola reguł; nic nie zostało zapisane.", "Correct the marked fields of the rules; nothing was saved."},
}

func init() {
	register(fwTexts)
	registerFuncs(map[string]any{"fwTime": fwTime, "fwStrs": func(s ...string) []string { return s },
		"fwLabel": fwLabel, "fwValue": fwValue, "fwChoice": fwChoice})
	handle("GET /firewall", fwList)
	handle("GET /firewall/{id}", fwRuleset)
	handle("POST /firewall/{id}", fwPost)
	handle("POST /firewall/{id}/enable", func(q *Req) { q.fwSetEnabled("firewall/enable", "fw.enabled.done") })
	handle("POST /firewall/{id}/disable", func(q *Req) { q.fwSetEnabled("firewall/disable", "fw.disabled.done") })
	handle("POST /firewall/{id}/confirm", fwConfirm)
}

// fwTime formats Unix seconds as a UTC date and time with seconds (a
// confirmation window may be half a minute).
func fwTime(sec int64) string { return time.Unix(sec, 0).UTC().Format("2006-01-02 15:04:05") }

// fwConfirmChoices are the confirmation windows the form offers, in
// seconds (the command takes 30 to 3600).
var fwConfirmChoices = []int{30, 60, 120, 300, 600, 1800, 3600}

// fwListRow is one ruleset of the list page.
type fwListRow struct {
	ID       string
	Services []int64
	Enabled  bool
	In, Out  int
	Deadline int64
}

func fwList(q *Req) {
	view := &View{Title: "fw.title", Nav: "firewall", Done: dnsDoneText(q.R.URL.Query().Get("done"))}
	resp, err := q.Invoke("firewall/list", nil)
	if err != nil {
		view.Err = q.Error(err)
		q.Render(http.StatusInternalServerError, "firewall.html", view)
		return
	}
	var rows []fwListRow
	for _, r := range resp.(artnet.FirewallRulesetsListResponse).RulesetsList {
		d, err := q.Invoke("firewall/details", url.Values{"ruleset_id": {r.ID}})
		if err != nil {
			view.Err = q.Error(err)
			q.Render(http.StatusInternalServerError, "firewall.html", view)
			return
		}
		det := d.(artnet.FirewallRulesetDetailsResponse).RulesetDetails
		deadline, _ := q.S.API.Panel.FirewallPending(q.R.Context(), q.CustomerID, r.ID)
		rows = append(rows, fwListRow{ID: r.ID, Services: r.ServicesIDsList, Enabled: det.Enabled,
			In: len(det.Rules.In), Out: len(det.Rules.Out), Deadline: deadline})
	}
	view.Data = rows
	q.Render(http.StatusOK, "firewall.html", view)
}

// fwAddr is the source or destination of a rule row, as the form shows it.
type fwAddr struct{ IP, Mask, Begin, End string }

// fwRow is one rule of the editor.
type fwRow struct {
	Dir    string // "in" or "out"
	N      int    // index in its direction (0-based)
	Last   bool   // the last rule of its direction
	Policy string
	Proto  string
	Src    fwAddr
	Dst    fwAddr
}

// Name returns the parameter name of one of the rule's fields: sub is
// "[policy]", "[source][port][begin]"...
func (r fwRow) Name(sub string) string { return fmt.Sprintf("rules[%s][%d]%s", r.Dir, r.N, sub) }

// ID returns an element id for one of the rule's fields.
func (r fwRow) ID(sub string) string {
	s := strings.NewReplacer("][", "-", "[", "", "]", "").Replace(sub)
	return fmt.Sprintf("fw-%s-%d-%s", r.Dir, r.N, s)
}

// Num is the rule's number as people count (1-based).
func (r fwRow) Num() int { return r.N + 1 }

// fwDir is one direction of the editor.
type fwDir struct {
	Dir  string
	Rows []fwRow
	Full bool // as many rules as the ruleset takes
}

// fwView is the ruleset page's data.
type fwView struct {
	ID      string
	Enabled bool
	Max     int64
	Dirs    []fwDir
	// Deadline: a commit-confirmed save waits for save-confirm until then
	// (Unix seconds); 0: none. Left is the seconds left at rendering,
	// Passed: the deadline passed and the sweep has not restored yet.
	Deadline int64
	Left     int64
	Passed   bool
	// Rules fingerprints the rules in force (fwFingerprint): the page
	// waiting for a deadline carries it, so that afterwards it can tell
	// rules kept (confirmed, perhaps in another tab) from rules rolled back.
	Rules string
	// Confirm is the confirmation window chosen (the posted
	// confirm_within, "" for none); Choices are the ones offered.
	Confirm string
	Choices []int
	// Dirty: the rules shown were edited and are not saved.
	Dirty bool
	// Errs are the errors at the fields, by parameter name.
	Errs map[string]string
}

// Err returns the error of the field named name ("" when none).
func (v *fwView) Err(name string) string { return v.Errs[name] }

// Has reports whether the field named name has an error.
func (v *fwView) Has(name string) bool { return v.Errs[name] != "" }

// fwRowsFrom turns stored rules into editor rows.
func fwRowsFrom(dir string, rules []artnet.FirewallRule) []fwRow {
	addr := func(a artnet.FirewallAddress) fwAddr {
		out := fwAddr{IP: a.IP, Begin: a.Port.Begin, End: a.Port.End}
		if a.IP != "" {
			out.Mask = strconv.FormatInt(a.MaskShort, 10)
		}
		if out.Begin == out.End && out.Begin != "" {
			out.End = ""
		}
		return out
	}
	rows := make([]fwRow, len(rules))
	for i, r := range rules {
		rows[i] = fwRow{Dir: dir, N: i, Policy: r.Policy, Proto: r.Protocol, Src: addr(r.Source), Dst: addr(r.Destination)}
	}
	return rows
}

// fwRowsPosted reads a direction's rules from the posted form, in the
// order of their N.
func fwRowsPosted(form url.Values, dir string) []fwRow {
	prefix := "rules[" + dir + "]["
	seen := map[int]bool{}
	var ns []int
	for k := range form {
		rest, ok := strings.CutPrefix(k, prefix)
		if !ok {
			continue
		}
		num, _, ok := strings.Cut(rest, "]")
		n, err := strconv.Atoi(num)
		if !ok || err != nil || n < 0 || seen[n] {
			continue
		}
		seen[n] = true
		ns = append(ns, n)
	}
	slices.Sort(ns)
	rows := make([]fwRow, len(ns))
	for i, n := range ns {
		get := func(sub string) string { return form.Get(fmt.Sprintf("rules[%s][%d]%s", dir, n, sub)) }
		addr := func(name string) fwAddr {
			return fwAddr{IP: get("[" + name + "][ip]"), Mask: get("[" + name + "][mask_short]"),
				Begin: get("[" + name + "][port][begin]"), End: get("[" + name + "][port][end]")}
		}
		rows[i] = fwRow{Dir: dir, N: n, Policy: get("[policy]"), Proto: get("[protocol]"), Src: addr("source"), Dst: addr("destination")}
	}
	return rows
}

// fwParams returns the rows as /firewall/save's parameters (numbered in
// their order; empty fields are left out: the same as not checked).
func fwParams(dirs []fwDir) url.Values {
	p := url.Values{}
	set := func(name, v string) {
		if v != "" {
			p.Set(name, v)
		}
	}
	for _, d := range dirs {
		for _, r := range d.Rows {
			p.Set(r.Name("[policy]"), r.Policy)
			set(r.Name("[protocol]"), r.Proto)
			for _, a := range []struct {
				name string
				a    fwAddr
			}{{"source", r.Src}, {"destination", r.Dst}} {
				set(r.Name("["+a.name+"][ip]"), a.a.IP)
				set(r.Name("["+a.name+"][mask_short]"), a.a.Mask)
				set(r.Name("["+a.name+"][port][begin]"), a.a.Begin)
				set(r.Name("["+a.name+"][port][end]"), a.a.End)
			}
		}
	}
	return p
}

// fwNumber renumbers the rows of each direction 0, 1, ... in their order
// and marks the last ones.
func fwNumber(v *fwView) {
	for i := range v.Dirs {
		d := &v.Dirs[i]
		for j := range d.Rows {
			d.Rows[j].Dir = d.Dir
			d.Rows[j].N = j
			d.Rows[j].Last = j == len(d.Rows)-1
		}
		d.Full = v.Max > 0 && int64(len(d.Rows)) >= v.Max
	}
}

// fwLoad reads the ruleset (firewall/details) and its pending
// confirmation into a view with the stored rules. ok is false when the
// answer was written (not found, or an error page).
func (q *Req) fwLoad() (*fwView, bool) {
	id := q.R.PathValue("id")
	fail := func(err error) (*fwView, bool) {
		if NotFoundCode(err) {
			q.NotFound()
		} else {
			q.Render(http.StatusInternalServerError, "firewall_ruleset.html", &View{Title: "fw.ruleset.title", Nav: "firewall", Err: q.Error(err)})
		}
		return nil, false
	}
	resp, err := q.Invoke("firewall/details", url.Values{"ruleset_id": {id}})
	if err != nil {
		return fail(err)
	}
	d := resp.(artnet.FirewallRulesetDetailsResponse).RulesetDetails
	v := &fwView{ID: d.ID, Enabled: d.Enabled, Max: d.MaximumRulesNumber, Choices: fwConfirmChoices, Errs: map[string]string{},
		Dirs:  []fwDir{{Dir: "in", Rows: fwRowsFrom("in", d.Rules.In)}, {Dir: "out", Rows: fwRowsFrom("out", d.Rules.Out)}},
		Rules: fwFingerprint(d.Rules)}
	deadline, err := q.S.API.Panel.FirewallPending(q.R.Context(), q.CustomerID, d.ID)
	if err != nil {
		return fail(err)
	}
	if deadline > 0 {
		v.Deadline = deadline
		v.Left = max(0, deadline-q.S.now().Unix())
		v.Passed = v.Left == 0
	}
	fwNumber(v)
	return v, true
}

func (q *Req) renderFirewall(status int, v *fwView, pe *PageError, done string) {
	q.Render(status, "firewall_ruleset.html", &View{Title: "fw.ruleset.title", Nav: "firewall", Data: v, Err: pe, Done: done})
}

func fwRuleset(q *Req) {
	v, ok := q.fwLoad()
	if !ok {
		return
	}
	query := q.R.URL.Query()
	done := dnsDoneText(query.Get("done"))
	// after=D&rules=F: the page showed a confirmation waiting until D
	// with the rules fingerprinted F in force; when nothing waits any
	// more, other rules in force mean the previous ones are back, the
	// same rules that they were kept (confirmed elsewhere: "keep" here
	// redirects with done).
	if after, err := strconv.ParseInt(query.Get("after"), 10, 64); err == nil && after > 0 && v.Deadline == 0 && done == "" {
		done = "fw.rolledback"
		if query.Get("rules") == v.Rules {
			done = "fw.kept"
		}
	}
	q.renderFirewall(http.StatusOK, v, nil, done)
}

// fwPost is the editor's form: op names the button pressed: "save", or
// an edit of the rules shown ("add:in", "del:in:2", "up:out:1",
// "down:in:0") that re-renders the form, saving nothing.
func fwPost(q *Req) {
	v, ok := q.fwLoad()
	if !ok {
		return
	}
	form := q.dnsPostForm()
	for i := range v.Dirs {
		v.Dirs[i].Rows = fwRowsPosted(form, v.Dirs[i].Dir)
	}
	v.Confirm = form.Get("confirm_within")
	op := strings.Split(form.Get("op"), ":")
	if op[0] == "" || op[0] == "save" {
		params := fwParams(v.Dirs)
		params.Set("ruleset_id", v.ID)
		if v.Confirm != "" {
			params.Set("confirm_within", v.Confirm)
		}
		_, err := q.Invoke("firewall/save", params)
		if err == nil {
			done := "fw.saved"
			if v.Confirm != "" {
				done = "fw.saved.pending"
			}
			q.Redirect("/firewall/" + url.PathEscape(v.ID) + "?done=" + done)
			return
		}
		if NotFoundCode(err) {
			q.NotFound()
			return
		}
		pe := q.Error(err)
		var ae *apperr.Error
		if errors.As(err, &ae) && len(ae.Details) > 0 {
			for _, d := range ae.Details {
				name := fmt.Sprintf("rules[%s][%s]%s", d.Direction, d.Index, bracketField(d.Field))
				if _, dup := v.Errs[name]; !dup {
					desc := apperr.Describe(ae.Code, d.Message)
					v.Errs[name] = desc.PL
					if q.Lang == "en" {
						v.Errs[name] = desc.EN
					}
				}
			}
			pe = &PageError{Code: ae.Code, Text: q.T("fw.field.error.rules")}
		} else if pe.Field != "" {
			v.Errs[pe.Field] = pe.Text
		}
		v.Dirty = true
		fwNumber(v)
		q.renderFirewall(http.StatusUnprocessableEntity, v, pe, "")
		return
	}
	v.Dirty = true
	if len(op) >= 2 {
		for i := range v.Dirs {
			d := &v.Dirs[i]
			if d.Dir != op[1] {
				continue
			}
			n := -1
			if len(op) == 3 {
				if k, err := strconv.Atoi(op[2]); err == nil && k >= 0 && k < len(d.Rows) {
					n = k
				}
			}
			switch {
			case op[0] == "add":
				d.Rows = append(d.Rows, fwRow{Policy: artnet.FirewallAccept})
			case op[0] == "del" && n >= 0:
				d.Rows = slices.Delete(d.Rows, n, n+1)
			case op[0] == "up" && n > 0:
				d.Rows[n-1], d.Rows[n] = d.Rows[n], d.Rows[n-1]
			case op[0] == "down" && n >= 0 && n < len(d.Rows)-1:
				d.Rows[n+1], d.Rows[n] = d.Rows[n], d.Rows[n+1]
			}
		}
	}
	fwNumber(v)
	q.renderFirewall(http.StatusOK, v, nil, "")
}

// bracketField turns an errors_details field ("source.port.begin") into
// the parameter's brackets ("[source][port][begin]").
func bracketField(field string) string {
	if field == "" {
		return ""
	}
	return "[" + strings.ReplaceAll(field, ".", "][") + "]"
}

func (q *Req) fwSetEnabled(command, done string) {
	id := q.R.PathValue("id")
	if _, err := q.Invoke(command, url.Values{"ruleset_id": {id}}); err != nil {
		if NotFoundCode(err) {
			q.NotFound()
			return
		}
		v, ok := q.fwLoad()
		if ok {
			q.renderFirewall(http.StatusUnprocessableEntity, v, q.Error(err), "")
		}
		return
	}
	q.Redirect("/firewall/" + url.PathEscape(id) + "?done=" + done)
}

func fwConfirm(q *Req) {
	id := q.R.PathValue("id")
	if _, err := q.Invoke("firewall/save-confirm", url.Values{"ruleset_id": {id}}); err != nil {
		if NotFoundCode(err) {
			q.NotFound()
			return
		}
		v, ok := q.fwLoad()
		if !ok {
			return
		}
		if apperr.Is(err, apperr.CodeNothingToConfirm) && v.Deadline == 0 {
			// The window passed before the button was pressed.
			q.renderFirewall(http.StatusUnprocessableEntity, v, &PageError{Code: apperr.CodeNothingToConfirm, Text: q.T("fw.keep.late")}, "")
			return
		}
		q.renderFirewall(http.StatusUnprocessableEntity, v, q.Error(err), "")
		return
	}
	q.Redirect("/firewall/" + url.PathEscape(id) + "?done=fw.kept")
}

// fwSide is the source or the destination of a rule, for the template.
type fwSide struct {
	Name  string // "source" or "destination"
	Label string // its text key
	A     fwAddr
}

// Sides returns the rule's source and destination.
func (r fwRow) Sides() []fwSide {
	return []fwSide{{"source", "fw.source", r.Src}, {"destination", "fw.destination", r.Dst}}
}

// fwLabel is the text key of an address field's label ("[ip]"...).
func fwLabel(f string) string {
	switch f {
	case "[ip]":
		return "fw.ip"
	case "[mask_short]":
		return "fw.mask"
	case "[port][begin]":
		return "fw.port.begin"
	}
	return "fw.port.end"
}

// fwValue is the value of an address field ("[ip]"...).
func fwValue(a fwAddr, f string) string {
	switch f {
	case "[ip]":
		return a.IP
	case "[mask_short]":
		return a.Mask
	case "[port][begin]":
		return a.Begin
	}
	return a.End
}

// fwChoice names a confirmation window of sec seconds in lang.
func fwChoice(sec int, lang string) string {
	switch {
	case sec < 60:
		return fmt.Sprintf(text(lang, "fw.confirm.s"), sec)
	case sec < 3600:
		return fmt.Sprintf(text(lang, "fw.confirm.min"), sec/60)
	}
	return text(lang, "fw.confirm.h")
}

// fwFingerprint is a short digest of a ruleset's rules (their JSON).
func fwFingerprint(r artnet.FirewallRules) string {
	b, _ := json.Marshal(r)
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:8])
}
