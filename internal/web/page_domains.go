package web

import (
	"cmp"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/artnet-panel/artnet-panel/artnet"
	"github.com/artnet-panel/artnet-panel/internal/apperr"
	"github.com/artnet-panel/artnet-panel/internal/panel"
)

// The domain pages: the customer's domain services (domain/list) and a
// domain's delegation (domain/details) with its name servers, changed by
// domain/edit-dns-servers. Order is significant: each server has a
// numbered position field, so the order can be changed without
// JavaScript; the servers are sent in the order of their positions (ties
// keep the order of the rows).

var domainsTexts = texts{
	"domains.title":         {"Domeny", "Domains"},
	"domains.none":          {"Nie masz domen.", "You have no domains."},
	"domains.domain":        {"Domena", "Domain"},
	"domains.service":       {"Usługa", "Service"},
	"domains.expires":       {"Ważna do", "Expires"},
	"domains.servers":       {"Serwery DNS", "DNS servers"},
	"domains.open":          {"Zmień serwery DNS", "Change DNS servers"},
	"domains.open.of":       {"Zmień serwery DNS: %s", "Change DNS servers: %s"},
	"domains.details":       {"Delegacja domeny", "Domain delegation"},
	"domains.unknown":       {"Brak informacji o serwerach DNS.", "No information on the DNS servers."},
	"domains.notmanageable": {"Serwerów DNS tej domeny nie można zmienić w panelu; skontaktuj się z Biurem Obsługi Klienta.", "The DNS servers of this domain cannot be changed in the panel; please contact Customer Service."},
	"domains.edit":          {"Serwery DNS (kolejność ma znaczenie)", "DNS servers (order is significant)"},
	"domains.edit.hint": {"Serwery są zapisywane w kolejności numerów pozycji. Zmień numery, aby zmienić kolejność; wyczyść nazwę, aby usunąć serwer. Wymagane są co najmniej dwa serwery.",
		"Servers are saved in the order of their position numbers. Change the numbers to change the order; clear a name to remove a server. At least two servers are required."},
	"domains.position":    {"Pozycja", "Position"},
	"domains.position.of": {"Pozycja serwera %d", "Position of server %d"},
	"domains.server.of":   {"Nazwa serwera DNS %d", "Name of DNS server %d"},
	"domains.name":        {"Nazwa serwera", "Server name"},
	"domains.saved":       {"Zapisano serwery DNS w rejestrze domeny.", "The DNS servers were saved at the domain registry."},
}

func init() {
	register(domainsTexts)
	handle("GET /domains", domainsList)
	handle("GET /domains/{id}", domainPage)
	handle("POST /domains/{id}", domainSave)
}

// domainsListView is the list page's data.
type domainsListView struct {
	Domains []domainItem
}

// domainItem is a domain service with its delegation.
type domainItem struct {
	Service artnet.Service
	Details *artnet.DomainDetails
}

// domainsListLimit is the page size of domain/list (the command's paging
// is the services list's).
const domainsListLimit = 100

func domainsList(q *Req) {
	resp, err := q.Invoke("domain/list", url.Values{"limit": {strconv.Itoa(domainsListLimit)}})
	if err != nil {
		q.Render(http.StatusInternalServerError, "domains.html", &View{Title: "domains.title", Nav: "domains", Err: q.Error(err)})
		return
	}
	v := &domainsListView{}
	for _, s := range resp.(artnet.ServicesListResponse).ServicesList {
		it := domainItem{Service: s}
		if d, err := q.domainServiceDetails(s.ID); err == nil {
			it.Details = d
		}
		v.Domains = append(v.Domains, it)
	}
	q.Render(http.StatusOK, "domains.html", &View{Title: "domains.title", Nav: "domains", Data: v})
}

// domainServiceDetails reads the customer's domain service id (domain/details).
// Another customer's service, or a service of another type, answers
// authorization-failed, as a missing one.
func (q *Req) domainServiceDetails(id int64) (*artnet.DomainDetails, error) {
	resp, err := q.Invoke("domain/details", url.Values{"service_id": {strconv.FormatInt(id, 10)}})
	if err != nil {
		return nil, err
	}
	d, ok := resp.(artnet.ServiceDetailsOf[artnet.ServiceDetails]).ServiceDetails.(*artnet.DomainDetails)
	if !ok {
		return nil, apperr.New(apperr.CodeAuthorizationFailed)
	}
	return d, nil
}

// domainView is a domain page's data.
type domainView struct {
	Details *artnet.DomainDetails
	Rows    []domainRow
	// Invalid is the row (N) of the server the error names, 0: none.
	Invalid int
}

// domainRow is one name server field with its position (1-based).
type domainRow struct {
	N        int // row number, 1-based
	Position string
	Name     string
}

// domainFormRows returns the rows of the form for servers: one per server
// and empty ones to add, at least four and at most panel.MaxDNSServers.
func domainFormRows(servers []string) []domainRow {
	n := min(max(len(servers)+2, 4), panel.MaxDNSServers)
	n = max(n, len(servers))
	rows := make([]domainRow, n)
	for i := range rows {
		rows[i] = domainRow{N: i + 1, Position: strconv.Itoa(i + 1)}
		if i < len(servers) {
			rows[i].Name = servers[i]
		}
	}
	return rows
}

// domainLoad reads the domain of the request; ok is false when it
// answered (not found or an error).
func (q *Req) domainLoad() (*domainView, bool) {
	d, err := q.domainServiceDetails(q.dnsPathID("id"))
	if apperr.Is(err, apperr.CodeAuthorizationFailed, apperr.CodeInvalidID) {
		q.NotFound()
		return nil, false
	}
	if err != nil {
		q.Render(http.StatusInternalServerError, "domain.html", &View{Title: "domains.details", Nav: "domains", Err: q.Error(err)})
		return nil, false
	}
	return &domainView{Details: d, Rows: domainFormRows(d.DNSServers)}, true
}

func domainPage(q *Req) {
	v, ok := q.domainLoad()
	if !ok {
		return
	}
	q.Render(http.StatusOK, "domain.html", &View{Title: "domains.details", Nav: "domains", Data: v, Done: dnsDoneText(q.R.URL.Query().Get("done"))})
}

// postedServers returns the rows of the posted form (position[i],
// server[i], i from 1) and the server names in the order of their
// positions; rows with an empty name are left out of the list, rows
// whose position is not a number go last.
func postedServers(f url.Values) ([]domainRow, []string) {
	var rows []domainRow
	for i := 1; f.Has("server[" + strconv.Itoa(i) + "]"); i++ {
		k := "[" + strconv.Itoa(i) + "]"
		rows = append(rows, domainRow{N: i, Position: strings.TrimSpace(f.Get("position" + k)), Name: strings.TrimSpace(f.Get("server" + k))})
	}
	type entry struct {
		pos  int
		name string
	}
	var list []entry
	for _, r := range rows {
		if r.Name == "" {
			continue
		}
		p, err := strconv.Atoi(r.Position)
		if err != nil {
			p = 1 << 30
		}
		list = append(list, entry{p, r.Name})
	}
	slices.SortStableFunc(list, func(a, b entry) int { return cmp.Compare(a.pos, b.pos) })
	out := make([]string, len(list))
	for i, e := range list {
		out[i] = e.name
	}
	return rows, out
}

// domainSave sends the servers in the order of their positions.
func domainSave(q *Req) {
	v, ok := q.domainLoad()
	if !ok {
		return
	}
	f := q.dnsPostForm()
	rows, servers := postedServers(f)
	params := url.Values{"service_id": {strconv.FormatInt(v.Details.ID, 10)}}
	for i, s := range servers {
		params.Set("dns_servers["+strconv.Itoa(i)+"]", s)
	}
	if _, err := q.Invoke("domain/edit-dns-servers", params); err != nil {
		if len(rows) > 0 {
			v.Rows = rows
		}
		pe := q.Error(err)
		// The command names the server by its place in the list sent.
		var k int
		if _, serr := fmt.Sscanf(pe.Field, "dns_servers[%d]", &k); serr == nil && k >= 0 && k < len(servers) {
			for _, r := range rows {
				if r.Name == servers[k] {
					v.Invalid = r.N
					break
				}
			}
		}
		q.Render(http.StatusUnprocessableEntity, "domain.html", &View{Title: "domains.details", Nav: "domains", Data: v, Err: pe})
		return
	}
	q.Redirect("/domains/" + strconv.FormatInt(v.Details.ID, 10) + "?done=domains.saved")
}
