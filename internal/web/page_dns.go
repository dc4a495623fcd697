package web

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/artnet-panel/artnet-panel/artnet"
	"github.com/artnet-panel/artnet-panel/internal/apperr"
)

// The DNS pages: the customer's zones (dns/list), adding a primary or a
// secondary zone, deleting one after a confirmation page, a secondary
// zone's details and a primary zone's record editor.
//
// The record editor changes one record at a time, but
// dns/edit-primary-records replaces all the records of a zone and takes
// the zone's serial: every form of the editor carries the serial the page
// was read with, the change is applied to the records read again with
// that serial, and the command refuses the whole change when the zone was
// changed meanwhile (incorrect-soa-serial). The page then shows the
// catalogue's text and a reload link, never overwriting the other change.

var dnsTexts = texts{
	"dns.title":              {"Strefy DNS", "DNS zones"},
	"dns.zones":              {"Twoje strefy", "Your zones"},
	"dns.domain":             {"Domena", "Domain"},
	"dns.type":               {"Typ", "Type"},
	"dns.type.primary":       {"podstawowa", "primary"},
	"dns.type.secoundary":    {"zapasowa", "secondary"},
	"dns.master":             {"Serwer główny (master)", "Master name server"},
	"dns.master.hint":        {"Nazwa lub adres IP serwera, z którego pobierana jest strefa.", "Host name or IP address of the server the zone is transferred from."},
	"dns.actions":            {"Działania", "Actions"},
	"dns.open":               {"Otwórz", "Open"},
	"dns.none":               {"Nie masz jeszcze żadnej strefy.", "You have no zones yet."},
	"dns.add.primary":        {"Dodaj strefę podstawową", "Add a primary zone"},
	"dns.add.primary.hint":   {"Strefa jest utrzymywana na naszych serwerach nazw; rekordy dodasz po jej utworzeniu.", "The zone is kept on our name servers; add its records once it is created."},
	"dns.add.secondary":      {"Dodaj strefę zapasową", "Add a secondary zone"},
	"dns.add.secondary.hint": {"Nasze serwery nazw pobierają strefę z Twojego serwera głównego.", "Our name servers transfer the zone from your master server."},
	"dns.add":                {"Dodaj", "Add"},
	"dns.added":              {"Dodano strefę.", "The zone was added."},
	"dns.deleted":            {"Usunięto strefę.", "The zone was deleted."},
	"dns.delete.zone":        {"Usuń strefę", "Delete the zone"},
	"dns.delete.title":       {"Usunąć strefę?", "Delete the zone?"},
	"dns.delete.question":    {"Strefa %s i wszystkie jej rekordy zostaną usunięte, a nasze serwery nazw przestaną ją obsługiwać. Tej operacji nie można cofnąć.", "The zone %s and all its records will be deleted and our name servers will stop serving it. This cannot be undone."},
	"dns.delete.confirm":     {"Tak, usuń strefę", "Yes, delete the zone"},
	"dns.zone.title":         {"Strefa DNS", "DNS zone"},
	"dns.serial":             {"Numer seryjny", "Serial number"},
	"dns.nameservers":        {"Serwery nazw", "Name servers"},
	"dns.records":            {"Rekordy", "Records"},
	"dns.records.none":       {"Strefa nie ma rekordów.", "The zone has no records."},
	"dns.record.name":        {"Nazwa", "Name"},
	"dns.record.name.hint":   {"Względna (www), pełna z kropką na końcu (www.example.com.) lub @ dla samej domeny.", "Relative (www), fully qualified with a trailing dot (www.example.com.) or @ for the domain itself."},
	"dns.record.ttl":         {"TTL (sekundy)", "TTL (seconds)"},
	"dns.record.ttl.hint":    {"Od 60 do 604800; puste: 3600.", "From 60 to 604800; empty: 3600."},
	"dns.record.type":        {"Typ rekordu", "Record type"},
	"dns.record.data":        {"Dane", "Data"},
	"dns.record.edit":        {"Edytuj", "Edit"},
	"dns.record.edit.title":  {"Edycja rekordu", "Edit the record"},
	"dns.record.edit.of":     {"Edytuj rekord %d (%s %s)", "Edit record %d (%s %s)"},
	"dns.record.delete.of":   {"Usuń rekord %d (%s %s)", "Delete record %d (%s %s)"},
	"dns.record.delete.ask":  {"Usunąć ten rekord?", "Delete this record?"},
	"dns.record.add":         {"Dodaj rekord", "Add a record"},
	"dns.record.add.title":   {"Nowy rekord", "New record"},
	"dns.record.settype":     {"Zmień typ", "Change the type"},
	"dns.record.settype.hint": {"Zmiana typu pokazuje pola danych właściwe dla nowego typu; nic nie jest jeszcze zapisywane.",
		"Changing the type shows the data fields of the new type; nothing is saved yet."},
	"dns.record.saved":    {"Zapisano rekord.", "The record was saved."},
	"dns.record.deleted":  {"Usunięto rekord.", "The record was deleted."},
	"dns.conflict":        {"Strefa została w międzyczasie zmieniona — wczytaj ją ponownie. Twoja zmiana nie została zapisana.", "The zone was changed meanwhile — reload it. Your change was not saved."},
	"dns.conflict.reload": {"Wczytaj strefę ponownie", "Reload the zone"},
	"dns.secondary.note":  {"Rekordy strefy zapasowej pochodzą z serwera głównego; zmieniasz je tam.", "The records of a secondary zone come from the master server; change them there."},
	// Data fields, by the panel's name of the field (panel.DNSRecordLayouts).
	"dns.data.ipv4_address": {"Adres IPv4", "IPv4 address"},
	"dns.data.ipv6_address": {"Adres IPv6", "IPv6 address"},
	"dns.data.target":       {"Cel", "Target"},
	"dns.data.priority":     {"Priorytet", "Priority"},
	"dns.data.exchange":     {"Serwer poczty", "Mail server"},
	"dns.data.text":         {"Tekst", "Text"},
	"dns.data.weight":       {"Waga", "Weight"},
	"dns.data.port":         {"Port", "Port"},
	"dns.data.flags":        {"Flagi", "Flags"},
	"dns.data.tag":          {"Znacznik", "Tag"},
	"dns.data.value":        {"Wartość", "Value"},
	"dns.data.name_server":  {"Serwer nazw", "Name server"},
	"dns.data.data":         {"Dane", "Data"},
}

func init() {
	register(dnsTexts)
	registerFuncs(map[string]any{"dnsDataLabel": dnsDataLabel, "dnsDataName": dnsDataName})
	handle("GET /dns", dnsList)
	handle("POST /dns/add-primary", dnsAddPrimary)
	handle("POST /dns/add-secondary", dnsAddSecondary)
	handle("GET /dns/{id}", dnsZone)
	handle("GET /dns/{id}/delete", dnsDeleteConfirm)
	handle("POST /dns/{id}/delete", dnsDelete)
	handle("GET /dns/{id}/records/new", dnsRecordNew)
	handle("GET /dns/{id}/records/{n}", dnsRecordEdit)
	handle("POST /dns/{id}/records", dnsRecordSave)
}

// dnsDataLabel is the text key of a data field's label.
func dnsDataLabel(f dataField) string {
	if f.Doc == "" {
		return "dns.data.data"
	}
	return "dns.data." + strings.ReplaceAll(strings.ToLower(f.Doc), " ", "_")
}

// dnsDataName is the form name of a data field ("data1".."data4").
func dnsDataName(f dataField) string { return "data" + strconv.Itoa(f.Index+1) }

// dnsListView is the zone list page's data.
type dnsListView struct {
	Zones []artnet.DNSZone
}

func dnsList(q *Req) {
	q.renderDNSList(http.StatusOK, nil, nil, q.R.URL.Query().Get("done"))
}

func (q *Req) renderDNSList(status int, pe *PageError, posted url.Values, done string) {
	resp, err := q.Invoke("dns/list", nil)
	if err != nil {
		q.Render(http.StatusInternalServerError, "dns.html", &View{Title: "dns.title", Nav: "dns", Err: q.Error(err)})
		return
	}
	q.Render(status, "dns.html", &View{Title: "dns.title", Nav: "dns", Err: pe, Form: posted, Done: dnsDoneText(done),
		Data: &dnsListView{Zones: resp.(artnet.DNSZonesListResponse).ZonesList}})
}

// dnsDoneText returns key when it is a registered text (a done= parameter
// names one), else "".
func dnsDoneText(key string) string {
	if _, ok := allTexts[key]; ok {
		return key
	}
	return ""
}

// dnsAdd runs an add command and goes to the new zone; a failure shows
// the list with the form as posted, the error under its field. form names
// the form ("primary", "secondary") so the page knows which one failed.
func (q *Req) dnsAdd(command string, params url.Values, form string) {
	resp, err := q.Invoke(command, params)
	if err != nil {
		posted := url.Values{"form": {form}}
		for k, v := range params {
			posted[k] = v
		}
		q.renderDNSList(http.StatusUnprocessableEntity, q.Error(err), posted, "")
		return
	}
	z := resp.(artnet.DNSZoneResponse).ZoneDetails
	q.Redirect("/dns/" + strconv.FormatInt(z.ID, 10) + "?done=dns.added")
}

func dnsAddPrimary(q *Req) {
	q.dnsAdd("dns/add-primary", url.Values{"domain": {q.R.PostFormValue("domain")}}, "primary")
}

func dnsAddSecondary(q *Req) {
	q.dnsAdd("dns/add-secoundary", url.Values{
		"domain":            {q.R.PostFormValue("domain")},
		"master_nameserver": {q.R.PostFormValue("master_nameserver")},
	}, "secondary")
}

// dnsPathID returns the path's {name} as an id, 0 when it is not a positive
// number (which no object has: the page answers not found).
func (q *Req) dnsPathID(name string) int64 {
	id, err := strconv.ParseInt(q.R.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0
	}
	return id
}

// dnsPostForm returns the posted form (parsed once).
func (q *Req) dnsPostForm() url.Values {
	if q.R.PostForm == nil {
		q.R.ParseForm()
	}
	return q.R.PostForm
}

// dnsZoneView is the zone page's data: a primary zone (Primary set) or a
// secondary one.
type dnsZoneView struct {
	Zone    artnet.DNSZone
	Primary *artnet.DNSPrimaryZone
	Records []dnsRecordRow
	Types   []string
	// Conflict: the form was refused because the zone changed meanwhile.
	Conflict bool
	// DNSSEC is a primary zone's DNSSEC section (page_dnssec.go).
	DNSSEC *dnssecView
}

// dnsRecordRow is a record as the zone page lists it.
type dnsRecordRow struct {
	N    int // position, 0-based (the path and the form's n)
	Num  int // N+1, as the page numbers records
	Rec  artnet.DNSRecord
	Data []dnsDataValue
}

// dnsDataValue is one labelled data field of a record.
type dnsDataValue struct {
	Field dataField
	Value string
}

// dnsRecordData returns the data fields of r labelled by its type.
func dnsRecordData(r artnet.DNSRecord) []dnsDataValue {
	raw := [4]string{r.Data1, r.Data2, r.Data3, r.Data4}
	var out []dnsDataValue
	for _, f := range dnsRecordLayout(r.Type) {
		out = append(out, dnsDataValue{Field: f, Value: raw[f.Index]})
	}
	return out
}

// errDNSNotFound is a zone, record or service that is not the customer's.
var errDNSNotFound = errors.New("not found")

// dnsLoadZone reads zone id: the primary zone's details, or the secondary
// zone's. Another customer's zone answers like a missing one
// (errDNSNotFound).
func (q *Req) dnsLoadZone(id int64) (*dnsZoneView, error) {
	params := url.Values{"zone_id": {strconv.FormatInt(id, 10)}}
	resp, err := q.Invoke("dns/details-primary", params)
	if apperr.Is(err, apperr.CodeInvalidZoneType) {
		resp, err = q.Invoke("dns/details-secoundary", params)
		if err != nil {
			return nil, dnsZoneErr(err)
		}
		return &dnsZoneView{Zone: resp.(artnet.DNSZoneResponse).ZoneDetails}, nil
	}
	if err != nil {
		return nil, dnsZoneErr(err)
	}
	z := resp.(artnet.DNSPrimaryZoneResponse).ZoneDetails
	v := &dnsZoneView{Zone: artnet.DNSZone{ID: z.ID, Domain: z.Domain, Type: z.Type}, Primary: &z, Types: artnet.DNSRecordTypes}
	for i, r := range z.Records {
		v.Records = append(v.Records, dnsRecordRow{N: i, Num: i + 1, Rec: r, Data: dnsRecordData(r)})
	}
	return v, nil
}

func dnsZoneErr(err error) error {
	if NotFoundCode(err) {
		return errDNSNotFound
	}
	return err
}

// renderZoneError answers a failure to read a zone: 404 for a zone that
// is not the customer's, else the error.
func (q *Req) renderZoneError(err error) {
	if errors.Is(err, errDNSNotFound) {
		q.NotFound()
		return
	}
	q.Render(http.StatusInternalServerError, "dns_zone.html", &View{Title: "dns.zone.title", Nav: "dns", Err: q.Error(err)})
}

func dnsZone(q *Req) {
	v, err := q.dnsLoadZone(q.dnsPathID("id"))
	if err != nil {
		q.renderZoneError(err)
		return
	}
	q.renderZone(http.StatusOK, v, nil, q.R.URL.Query().Get("done"))
}

func dnsDeleteConfirm(q *Req) {
	v, err := q.dnsLoadZone(q.dnsPathID("id"))
	if err != nil {
		q.renderZoneError(err)
		return
	}
	q.Render(http.StatusOK, "dns_delete.html", &View{Title: "dns.delete.title", Nav: "dns", Data: v})
}

func dnsDelete(q *Req) {
	id := q.dnsPathID("id")
	if _, err := q.Invoke("dns/delete", url.Values{"zone_id": {strconv.FormatInt(id, 10)}}); err != nil {
		if NotFoundCode(err) {
			q.NotFound()
			return
		}
		v, lerr := q.dnsLoadZone(id)
		if lerr != nil {
			q.renderZoneError(lerr)
			return
		}
		q.Render(http.StatusUnprocessableEntity, "dns_delete.html", &View{Title: "dns.delete.title", Nav: "dns", Data: v, Err: q.Error(err)})
		return
	}
	q.Redirect("/dns?done=dns.deleted")
}

// dnsRecordView is the record form's data.
type dnsRecordView struct {
	Zone   artnet.DNSZone
	Serial int64
	// N is the position of the record edited, -1 for a new record.
	N   int
	Rec artnet.DNSRecord
	// TTLText is the TTL as posted (shown again after a failure).
	TTLText string
	Fields  []dataField
	Types   []string
	// FieldErrors are the command's errors by field ("name", "data2").
	FieldErrors map[string]string
	Conflict    bool
}

// FieldError returns the error of a field of the record ("" if none).
func (v *dnsRecordView) FieldError(field string) string { return v.FieldErrors[field] }

// DataValue returns the value of data field i (0..3).
func (v *dnsRecordView) DataValue(i int) string {
	return [4]string{v.Rec.Data1, v.Rec.Data2, v.Rec.Data3, v.Rec.Data4}[i]
}

// dnsRecordType returns the ?type= of the request when it is a known type,
// else def.
func (q *Req) dnsRecordType(def string) string {
	t := strings.ToUpper(q.R.URL.Query().Get("type"))
	if slices.Contains(artnet.DNSRecordTypes, t) {
		return t
	}
	return def
}

// dnsPrimaryZone reads a primary zone for the record form; a secondary zone
// has no record form (not found).
func (q *Req) dnsPrimaryZone() (*dnsZoneView, bool) {
	v, err := q.dnsLoadZone(q.dnsPathID("id"))
	if err == nil && v.Primary == nil {
		err = errDNSNotFound
	}
	if err != nil {
		q.renderZoneError(err)
		return nil, false
	}
	return v, true
}

func dnsRecordNew(q *Req) {
	v, ok := q.dnsPrimaryZone()
	if !ok {
		return
	}
	typ := q.dnsRecordType(artnet.DNSRecordA)
	q.renderRecord(http.StatusOK, &dnsRecordView{Zone: v.Zone, Serial: v.Primary.Serial, N: -1,
		Rec: artnet.DNSRecord{Type: typ}}, nil)
}

func dnsRecordEdit(q *Req) {
	v, ok := q.dnsPrimaryZone()
	if !ok {
		return
	}
	n, err := strconv.Atoi(q.R.PathValue("n"))
	recs := explicitNames(v.Primary.Records)
	if err != nil || n < 0 || n >= len(recs) {
		q.NotFound()
		return
	}
	rec := recs[n]
	if t := q.dnsRecordType(rec.Type); t != rec.Type {
		// Another type: keep what the fields of the new type can keep.
		rec = artnet.DNSRecord{Name: rec.Name, TTL: rec.TTL, Type: t}
	}
	q.renderRecord(http.StatusOK, &dnsRecordView{Zone: v.Zone, Serial: v.Primary.Serial, N: n, Rec: rec}, nil)
}

// renderRecord renders the record form.
func (q *Req) renderRecord(status int, v *dnsRecordView, pe *PageError) {
	v.Fields = dnsRecordLayout(v.Rec.Type)
	v.Types = artnet.DNSRecordTypes
	title := "dns.record.edit.title"
	if v.N < 0 {
		title = "dns.record.add.title"
	}
	q.Render(status, "dns_record.html", &View{Title: title, Nav: "dns", Data: v, Err: pe})
}

// dnsRecordSave adds, changes or deletes one record (POST
// /dns/{id}/records: serial, n (-1: add), delete, name, ttl, type,
// data1..data4).
func dnsRecordSave(q *Req) {
	id := q.dnsPathID("id")
	f := q.dnsPostForm()
	serial := strings.TrimSpace(f.Get("serial"))
	n, nerr := strconv.Atoi(f.Get("n"))
	if nerr != nil {
		n = -2 // names no record: answered below as a conflict
	}
	del := f.Get("delete") != ""
	rec := artnet.DNSRecord{Name: strings.TrimSpace(f.Get("name")), Type: strings.ToUpper(strings.TrimSpace(f.Get("type"))),
		Data1: f.Get("data1"), Data2: f.Get("data2"), Data3: f.Get("data3"), Data4: f.Get("data4")}
	ttlText := strings.TrimSpace(f.Get("ttl"))
	ttlOK := true
	if ttlText != "" {
		ttl, err := strconv.ParseInt(ttlText, 10, 64)
		ttlOK = err == nil && ttl > 0
		rec.TTL = ttl
	}
	form := &dnsRecordView{N: n, Rec: rec, TTLText: ttlText, FieldErrors: map[string]string{}}
	form.Serial, _ = strconv.ParseInt(serial, 10, 64)

	v, err := q.dnsLoadZone(id)
	if err == nil && v.Primary == nil {
		err = errDNSNotFound
	}
	if err != nil {
		q.renderZoneError(err)
		return
	}
	form.Zone = v.Zone
	conflict := func() {
		if del {
			v.Conflict = true
			q.renderZone(http.StatusUnprocessableEntity, v, q.Error(apperr.New(apperr.CodeIncorrectSOASerial)), "")
			return
		}
		form.Conflict = true
		q.renderRecord(http.StatusUnprocessableEntity, form, q.Error(apperr.New(apperr.CodeIncorrectSOASerial)))
	}
	// The records the form was made from are the zone's records only
	// while its serial is the form's: otherwise the zone changed meanwhile.
	if serial != strconv.FormatInt(v.Primary.Serial, 10) {
		conflict()
		return
	}
	if !ttlOK {
		form.FieldErrors["ttl"] = q.T("dns.record.ttl.hint")
		q.renderRecord(http.StatusUnprocessableEntity, form, q.Error(apperr.Errorf(apperr.CodeIncorrectParamValue, "ttl: not a number")))
		return
	}
	if n < -1 || (n == -1 && del) {
		conflict()
		return
	}
	recs, ok := applyRecordChange(v.Primary.Records, recordChange{index: n, delete: del, rec: rec})
	if !ok {
		conflict()
		return
	}
	_, err = q.Invoke("dns/edit-primary-records", recordsValues(id, serial, recs))
	switch {
	case err == nil:
		done := "dns.record.saved"
		if del {
			done = "dns.record.deleted"
		}
		q.Redirect("/dns/" + strconv.FormatInt(id, 10) + "?done=" + done)
	case apperr.Is(err, apperr.CodeIncorrectSOASerial):
		conflict()
	case NotFoundCode(err):
		q.NotFound()
	default:
		pe := q.Error(err)
		// The command names the bad fields of each record by position:
		// show those of the record of this form; an error of another
		// record (a rule between records) is shown above the form.
		pos := strconv.Itoa(n)
		if n < 0 {
			pos = strconv.Itoa(len(recs) - 1)
		}
		var ae *apperr.Error
		if errors.As(err, &ae) {
			for _, d := range ae.Details {
				if d.Index == pos && d.Field != "" {
					form.FieldErrors[d.Field] = d.Message
				} else if d.Message != "" && !strings.Contains(pe.Text, d.Message) {
					pe.Text += " " + d.Message
				}
			}
			if len(ae.Details) == 0 && ae.Detail != "" {
				pe.Text += " (" + ae.Detail + ")"
			}
		}
		if del {
			q.renderZone(http.StatusUnprocessableEntity, v, pe, "")
			return
		}
		q.renderRecord(http.StatusUnprocessableEntity, form, pe)
	}
}
