package web

import (
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"

	"github.com/artnet-panel/artnet-panel/artnet"
	"github.com/artnet-panel/artnet-panel/internal/apperr"
	"github.com/artnet-panel/artnet-panel/internal/panel"
)

// The reverse DNS pages: the customer's subnetworks (rev-dns/list) with
// the PTR records of their subclasses, and one subclass's addresses with
// a PTR field each (rev-dns/details, rev-dns/edit). The edit form carries
// the subclass's serial: a change made meanwhile (invalid-serial) is shown
// with a reload link and overwrites nothing.

var revdnsTexts = texts{
	"revdns.title":          {"Odwrotny DNS (PTR)", "Reverse DNS (PTR)"},
	"revdns.subnetworks":    {"Twoje podsieci", "Your subnetworks"},
	"revdns.subnetwork":     {"Podsieć", "Subnetwork"},
	"revdns.none":           {"Nie masz podsieci, którym można ustawić rekordy PTR.", "You have no subnetworks whose PTR records can be set."},
	"revdns.subclass":       {"Podklasa %s", "Subclass %s"},
	"revdns.edit":           {"Edytuj rekordy PTR", "Edit PTR records"},
	"revdns.edit.of":        {"Edytuj rekordy PTR: %s", "Edit PTR records: %s"},
	"revdns.address":        {"Adres IP", "IP address"},
	"revdns.ptr":            {"Rekord PTR (nazwa hosta)", "PTR record (host name)"},
	"revdns.ptr.of":         {"Rekord PTR adresu %s", "PTR record of %s"},
	"revdns.ptr.hint":       {"Puste pole usuwa rekord PTR adresu.", "An empty field removes the address's PTR record."},
	"revdns.new":            {"Nowe rekordy", "New records"},
	"revdns.new.hint":       {"Podaj pełny adres IP z tej podsieci i nazwę hosta.", "Give a full IP address of this subnetwork and the host name."},
	"revdns.new.address":    {"Adres IP nowego rekordu %d", "IP address of new record %d"},
	"revdns.new.ptr":        {"Nazwa hosta nowego rekordu %d", "Host name of new record %d"},
	"revdns.records":        {"Rekordy PTR", "PTR records"},
	"revdns.records.none":   {"Brak rekordów PTR.", "No PTR records."},
	"revdns.toomany":        {"Podsieć ma wiele podklas; wybierz jedną, aby zobaczyć jej rekordy.", "The subnetwork has many subclasses; open one to see its records."},
	"revdns.saved":          {"Zapisano rekordy PTR.", "The PTR records were saved."},
	"revdns.warnings":       {"Tych zmian nie wprowadzono:", "These changes were not made:"},
	"revdns.conflict":       {"Rekordy zostały w międzyczasie zmienione — wczytaj je ponownie. Twoje zmiany nie zostały zapisane.", "The records were changed meanwhile — reload them. Your changes were not saved."},
	"revdns.reload":         {"Wczytaj ponownie", "Reload"},
	"revdns.zone":           {"Strefa odwrotna", "Reverse zone"},
	"revdns.unconfigurable": {"Tej podsieci nie można skonfigurować w panelu.", "This subnetwork cannot be configured in the panel."},
}

func init() {
	register(revdnsTexts)
	handle("GET /revdns", revdnsList)
	handle("GET /revdns/{subnetwork}", revdnsSubclass)
	handle("POST /revdns/{subnetwork}", revdnsSave)
}

// revdnsInlineSubclasses bounds the subclasses whose records the list
// page reads (one rev-dns/details each); larger subnetworks link to their
// subclasses only.
const revdnsInlineSubclasses = 16

// revdnsListView is the list page's data.
type revdnsListView struct {
	Subnetworks []revdnsSubnetwork
}

// revdnsSubnetwork is a subnetwork with its subclasses.
type revdnsSubnetwork struct {
	artnet.RevDNSSubnetwork
	Subclasses []revdnsSubclassSummary
	// Inline: the subclasses' records were read.
	Inline bool
}

// revdnsSubclassSummary is a subclass on the list page.
type revdnsSubclassSummary struct {
	Name    string
	Link    string
	Records []artnet.PTRRecord
}

func revdnsList(q *Req) {
	resp, err := q.Invoke("rev-dns/list", nil)
	if err != nil {
		q.Render(http.StatusInternalServerError, "revdns.html", &View{Title: "revdns.title", Nav: "revdns", Err: q.Error(err)})
		return
	}
	v := &revdnsListView{}
	budget := revdnsInlineSubclasses
	for _, sn := range resp.(artnet.RevDNSSubnetworksListResponse).SubnetworksList {
		s := revdnsSubnetwork{RevDNSSubnetwork: sn, Inline: len(sn.DNSSubclasses) <= budget}
		if s.Inline {
			budget -= len(sn.DNSSubclasses)
		}
		for _, name := range sn.DNSSubclasses {
			sum := revdnsSubclassSummary{Name: name, Link: revdnsLink(sn.ID, name)}
			if s.Inline {
				d, err := q.Invoke("rev-dns/details", url.Values{"subnetwork_id": {strconv.FormatInt(sn.ID, 10)}, "dns_subclass": {name}})
				if err != nil {
					q.Render(http.StatusInternalServerError, "revdns.html", &View{Title: "revdns.title", Nav: "revdns", Err: q.Error(err)})
					return
				}
				sum.Records = d.(artnet.RevDNSSubclassResponse).SubclassDetails.PTRRecords
			}
			s.Subclasses = append(s.Subclasses, sum)
		}
		v.Subnetworks = append(v.Subnetworks, s)
	}
	q.Render(http.StatusOK, "revdns.html", &View{Title: "revdns.title", Nav: "revdns", Data: v})
}

// revdnsLink is the path of a subclass's page.
func revdnsLink(subnetworkID int64, subclass string) string {
	return "/revdns/" + strconv.FormatInt(subnetworkID, 10) + "?subclass=" + url.QueryEscape(subclass)
}

// revdnsView is a subclass page's data.
type revdnsView struct {
	SubnetworkID int64
	Subnetwork   artnet.RevDNSSubnetwork
	Subclass     string
	Zone         string
	Details      artnet.RevDNSSubclass
	// Rows are the addresses with a PTR field: every address of the
	// subnetwork within the subclass when there are few, else the
	// addresses that have a record.
	Rows []revdnsRow
	// New are rows for addresses without a record (large IPv6
	// subnetworks), numbered from 1.
	New      []revdnsNewRow
	Warnings []artnet.RevDNSWarning
	Conflict bool
	Link     string
}

// revdnsRow is one address with its PTR record.
type revdnsRow struct {
	Address string
	Origin  string
	PTR     string // stored
	Value   string // shown (what was posted when the form failed)
	Invalid bool   // a warning names the address
}

// revdnsNewRow is a row for a new record, by address.
type revdnsNewRow struct {
	N            int
	Address, PTR string
	Invalid      bool
}

// revdnsMaxRows is the most addresses a subclass page lists with a field
// each (a /24).
const revdnsMaxRows = 256

// revdnsLoad reads the subclass of the request (?subclass=, the
// subnetwork's only one when absent). ok is false when it answered (not
// found, or an error).
func (q *Req) revdnsLoad(subnetworkID int64, subclass string) (*revdnsView, panel.RevDNSSubclass, bool) {
	resp, err := q.Invoke("rev-dns/list", nil)
	if err != nil {
		q.Render(http.StatusInternalServerError, "revdns_edit.html", &View{Title: "revdns.title", Nav: "revdns", Err: q.Error(err)})
		return nil, panel.RevDNSSubclass{}, false
	}
	var sn *artnet.RevDNSSubnetwork
	for _, s := range resp.(artnet.RevDNSSubnetworksListResponse).SubnetworksList {
		if s.ID == subnetworkID {
			sn = &s
			break
		}
	}
	if sn == nil {
		q.NotFound() // another customer's subnetwork, or none
		return nil, panel.RevDNSSubclass{}, false
	}
	if subclass == "" && len(sn.DNSSubclasses) == 1 {
		subclass = sn.DNSSubclasses[0]
	}
	subs, _ := panel.RevDNSSubclasses(artnet.Subnetwork{ID: sn.ID, IP: sn.IP, Mask: sn.Mask, MaskShort: sn.MaskShort, Type: sn.Type})
	var sc panel.RevDNSSubclass
	found := false
	for _, s := range subs {
		if s.Name == subclass {
			sc, found = s, true
		}
	}
	if !found {
		q.NotFound()
		return nil, panel.RevDNSSubclass{}, false
	}
	d, err := q.Invoke("rev-dns/details", url.Values{"subnetwork_id": {strconv.FormatInt(sn.ID, 10)}, "dns_subclass": {sc.Name}})
	if apperr.Is(err, apperr.CodeAuthorizationFailed, apperr.CodeInvalidSubclass) {
		q.NotFound()
		return nil, sc, false
	}
	if err != nil {
		q.Render(http.StatusInternalServerError, "revdns_edit.html", &View{Title: "revdns.title", Nav: "revdns", Err: q.Error(err)})
		return nil, sc, false
	}
	v := &revdnsView{SubnetworkID: sn.ID, Subnetwork: *sn, Subclass: sc.Name, Zone: sc.Zone,
		Details: d.(artnet.RevDNSSubclassResponse).SubclassDetails, Link: revdnsLink(sn.ID, sc.Name)}
	ptrs := map[string]artnet.PTRRecord{}
	for _, r := range v.Details.PTRRecords {
		ptrs[r.Address] = r
	}
	if addrs := subclassAddresses(sc, revdnsMaxRows); addrs != nil {
		for _, a := range addrs {
			r := ptrs[a.String()]
			v.Rows = append(v.Rows, revdnsRow{Address: a.String(), Origin: sc.Origin(a), PTR: r.PTR, Value: r.PTR})
		}
	} else {
		for _, r := range v.Details.PTRRecords {
			v.Rows = append(v.Rows, revdnsRow{Address: r.Address, Origin: r.Origin, PTR: r.PTR, Value: r.PTR})
		}
		v.New = []revdnsNewRow{{N: 1}, {N: 2}, {N: 3}}
	}
	return v, sc, true
}

func revdnsSubclass(q *Req) {
	v, _, ok := q.revdnsLoad(q.dnsPathID("subnetwork"), q.R.URL.Query().Get("subclass"))
	if !ok {
		return
	}
	q.Render(http.StatusOK, "revdns_edit.html", &View{Title: "revdns.title", Nav: "revdns", Data: v, Done: dnsDoneText(q.R.URL.Query().Get("done"))})
}

// revdnsSave sends the changed rows of the form to rev-dns/edit: a field
// whose value differs from the one the page showed sets the PTR (or
// deletes it when emptied); the new rows add records by address.
func revdnsSave(q *Req) {
	f := q.dnsPostForm()
	v, sc, ok := q.revdnsLoad(q.dnsPathID("subnetwork"), f.Get("subclass"))
	if !ok {
		return
	}
	params := url.Values{
		"subnetwork_id": {strconv.FormatInt(v.SubnetworkID, 10)},
		"dns_subclass":  {v.Subclass},
		"serial":        {f.Get("serial")},
	}
	n := 0
	add := func(origin, ptr string, del bool) {
		p := "ptr_records[" + strconv.Itoa(n) + "]"
		params.Set(p+"[origin]", origin)
		if del {
			params.Set(p+"[delete]", "delete")
		} else {
			params.Set(p+"[ptr]", ptr)
		}
		n++
	}
	// Rows: origin[i], old[i] (the value shown), ptr[i].
	for i := 0; f.Has("origin[" + strconv.Itoa(i) + "]"); i++ {
		k := "[" + strconv.Itoa(i) + "]"
		origin, old, ptr := f.Get("origin"+k), strings.TrimSpace(f.Get("old"+k)), strings.TrimSpace(f.Get("ptr"+k))
		if ptr == old {
			continue
		}
		add(origin, ptr, ptr == "")
	}
	for i := 1; f.Has("new_address[" + strconv.Itoa(i) + "]"); i++ {
		k := "[" + strconv.Itoa(i) + "]"
		addr, ptr := strings.TrimSpace(f.Get("new_address"+k)), strings.TrimSpace(f.Get("new_ptr"+k))
		if addr == "" && ptr == "" {
			continue
		}
		origin := addr
		if a, err := netip.ParseAddr(addr); err == nil && sc.Range.Contains(a) {
			origin = sc.Origin(a)
		}
		add(origin, ptr, false)
	}
	if n == 0 {
		q.Redirect(v.Link)
		return
	}
	// Show the form as posted when it fails.
	posted := func() {
		for i := range v.Rows {
			k := "[" + strconv.Itoa(i) + "]"
			if f.Get("origin"+k) == v.Rows[i].Origin {
				v.Rows[i].Value = f.Get("ptr" + k)
			}
		}
	}
	resp, err := q.Invoke("rev-dns/edit", params)
	switch {
	case apperr.Is(err, apperr.CodeInvalidSerial):
		v.Conflict = true
		posted()
		q.Render(http.StatusUnprocessableEntity, "revdns_edit.html", &View{Title: "revdns.title", Nav: "revdns", Data: v, Err: q.Error(err)})
	case err != nil:
		posted()
		q.Render(http.StatusUnprocessableEntity, "revdns_edit.html", &View{Title: "revdns.title", Nav: "revdns", Data: v, Err: q.Error(err)})
	default:
		w := resp.(artnet.RevDNSEditResponse).Warnings
		if len(w) == 0 {
			q.Redirect(v.Link + "&done=revdns.saved")
			return
		}
		// Some changes were not made: show the subclass as it is now
		// (the others were saved) with the warnings.
		nv, _, ok := q.revdnsLoad(v.SubnetworkID, v.Subclass)
		if !ok {
			return
		}
		nv.Warnings = w
		// Rows the warnings name keep what was typed, to be corrected.
		bad := map[string]bool{}
		for _, x := range w {
			bad[x.Address] = true
			bad[x.Origin] = true
		}
		for i := range nv.Rows {
			r := &nv.Rows[i]
			if !bad[r.Address] {
				continue
			}
			r.Invalid = true
			for j := 0; f.Has("origin[" + strconv.Itoa(j) + "]"); j++ {
				if k := "[" + strconv.Itoa(j) + "]"; f.Get("origin"+k) == r.Origin {
					r.Value = f.Get("ptr" + k)
				}
			}
		}
		if nv.New != nil {
			nv.New = nv.New[:0]
			for i := 1; f.Has("new_address[" + strconv.Itoa(i) + "]"); i++ {
				k := "[" + strconv.Itoa(i) + "]"
				row := revdnsNewRow{N: i, Address: f.Get("new_address" + k), PTR: f.Get("new_ptr" + k)}
				if a, err := netip.ParseAddr(strings.TrimSpace(row.Address)); (err == nil && bad[a.String()]) || bad[strings.TrimSpace(row.Address)] {
					row.Invalid = true
				} else {
					row.Address, row.PTR = "", ""
				}
				nv.New = append(nv.New, row)
			}
		}
		q.Render(http.StatusUnprocessableEntity, "revdns_edit.html", &View{Title: "revdns.title", Nav: "revdns", Data: nv})
	}
}
