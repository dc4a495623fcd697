package web

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/artnet-panel/artnet-panel/artnet"
	"github.com/artnet-panel/artnet-panel/internal/apperr"
)

// The additional IP pages: the list (additional-ip/list with each
// service's details), a service's addresses, and the order of new
// addresses for a server in three steps:
//
//	GET  /network/additional-ips                 list, the order's server choice
//	GET  /network/additional-ips/{id}            additional-ip/details
//	GET  /network/additional-ips/order?parent_service_id=
//	                                             additional-ip/order-info: price of one
//	                                             address, the maximum, the number field
//	GET  /network/additional-ips/order/confirm?parent_service_id=&ips_number=
//	                                             the price again, times the number
//	POST /network/additional-ips/order           additional-ip/order → the new service's page
//
// The order is sent with the confirmation form's Idempotency-Key (made
// when the page is shown, as the express order's): the form sent twice
// orders once, and both land on the same new service.

var netAIPTexts = texts{
	"net.aip.intro":           {"Dodatkowe adresy IP są przypisane do serwera dedykowanego, kolokacji lub VPS; ich cena jest doliczana do ceny serwera.", "Additional IP addresses belong to a dedicated server, colocation or VPS; their price is added to the server's price."},
	"net.aip.none":            {"Nie masz usług dodatkowych adresów IP.", "You have no additional IP services."},
	"net.aip.addresses":       {"Adresy", "Addresses"},
	"net.aip.parent":          {"Serwer", "Server"},
	"net.aip.details":         {"Dodatkowe adresy IP", "Additional IP addresses"},
	"net.aip.mask":            {"Maska", "Mask"},
	"net.aip.prefix":          {"Prefiks", "Prefix"},
	"net.aip.family":          {"Rodzaj", "Family"},
	"net.aip.order":           {"Zamów dodatkowe adresy IP", "Order additional IP addresses"},
	"net.aip.order.hint":      {"Wybierz serwer; na następnym kroku zobaczysz cenę adresu, zanim cokolwiek zamówisz.", "Choose the server; the next step shows the price of an address before anything is ordered."},
	"net.aip.order.server":    {"Serwer", "Server"},
	"net.aip.order.next":      {"Dalej", "Next"},
	"net.aip.order.change":    {"Zmień serwer", "Change the server"},
	"net.aip.yours":           {"Twoje usługi dodatkowych adresów", "Your additional IP services"},
	"net.aip.order.noserver":  {"Nie masz serwera, do którego można zamówić adresy.", "You have no server to order addresses for."},
	"net.aip.order.title":     {"Zamówienie dodatkowych adresów IP", "Order of additional IP addresses"},
	"net.aip.order.for":       {"Dla serwera", "For the server"},
	"net.aip.price.one":       {"Cena jednego adresu (netto)", "Price of one address (net)"},
	"net.aip.price.one.gross": {"Cena jednego adresu (brutto)", "Price of one address (gross)"},
	"net.aip.period":          {"Okres rozliczeniowy", "Payment period"},
	"net.aip.months":          {"mies.", "month(s)"},
	"net.aip.max":             {"Można zamówić najwyżej", "At most you can order"},
	"net.aip.max.none":        {"Dla tego serwera nie ma teraz wolnych adresów.", "No addresses are free for this server now."},
	"net.aip.number":          {"Liczba adresów", "Number of addresses"},
	"net.aip.number.hint":     {"Od 1 do %d. Cena za okres rozliczeniowy serwera zostanie doliczona do jego ceny.", "From 1 to %d. The price per payment period of the server is added to its price."},
	"net.aip.number.bad":      {"liczba adresów musi być od 1 do %d", "the number of addresses must be 1 to %d"},
	"net.aip.order.check":     {"Sprawdź cenę", "Check the price"},
	"net.aip.confirm.title":   {"Potwierdź zamówienie", "Confirm the order"},
	"net.aip.confirm.text":    {"Sprawdź zamówienie. Po potwierdzeniu adresy zostaną przydzielone od razu, a ich cena doliczona do ceny serwera.", "Check the order. Once confirmed, the addresses are assigned at once and their price is added to the server's price."},
	"net.aip.total":           {"Razem (netto)", "Total (net)"},
	"net.aip.total.gross":     {"Razem (brutto)", "Total (gross)"},
	"net.aip.confirm.button":  {"Zamawiam i płacę", "Order and pay"},
	"net.aip.ordered":         {"Zamówiono adresy. Są gotowe do skonfigurowania na serwerze (każdy z maską 255.255.255.255).", "The addresses were ordered. They are ready to be configured on your server (each with mask 255.255.255.255)."},
	"net.aip.ordered.count":   {"Liczba adresów", "Number of addresses"},
}

func init() {
	register(netAIPTexts)
	handle("GET /network/additional-ips", netAIPList)
	handle("GET /network/additional-ips/order", netAIPOrderForm)
	handle("GET /network/additional-ips/order/confirm", netAIPOrderConfirm)
	handle("POST /network/additional-ips/order", netAIPOrder)
	handle("GET /network/additional-ips/{id}", netAIP)
}

// netAIPItem is an additional IP service with its details.
type netAIPItem struct {
	Service artnet.Service
	Details artnet.AdditionalIPDetails
}

// netAIPDetails reads additional-ip/details of service id.
func (q *Req) netAIPDetails(id int64) (artnet.AdditionalIPDetails, error) {
	resp, err := q.Invoke("additional-ip/details", url.Values{"service_id": {strconv.FormatInt(id, 10)}})
	if err != nil {
		return artnet.AdditionalIPDetails{}, err
	}
	return *resp.(artnet.ServiceDetailsOf[artnet.ServiceDetails]).ServiceDetails.(*artnet.AdditionalIPDetails), nil
}

// netAIPItems reads the additional IP services with their details.
func (q *Req) netAIPItems() ([]netAIPItem, error) {
	resp, err := q.Invoke("additional-ip/list", nil)
	if err != nil {
		return nil, err
	}
	var out []netAIPItem
	for _, s := range resp.(artnet.ServicesListResponse).ServicesList {
		d, err := q.netAIPDetails(s.ID)
		if err != nil {
			return nil, err
		}
		out = append(out, netAIPItem{Service: s, Details: d})
	}
	return out, nil
}

// netOrderTypes are the service types additional IPs are ordered for.
var netOrderTypes = []string{artnet.ServiceTypeDedicated, artnet.ServiceTypeColocation, artnet.ServiceTypeVPS}

// netServers reads the customer's servers (the parents of an order).
func (q *Req) netServers() ([]artnet.Service, error) {
	resp, err := q.Invoke("services/list", nil)
	if err != nil {
		return nil, err
	}
	var out []artnet.Service
	for _, s := range resp.(artnet.ServicesListResponse).ServicesList {
		if slices.Contains(netOrderTypes, s.Type) {
			out = append(out, s)
		}
	}
	return out, nil
}

// netAIPListView is the list page's data.
type netAIPListView struct {
	List    []netAIPItem
	Servers []artnet.Service
}

func netAIPList(q *Req) {
	v := &View{Title: "net.aip.title", Nav: "network"}
	d := &netAIPListView{}
	var err error
	if d.List, err = q.netAIPItems(); err == nil {
		d.Servers, err = q.netServers()
	}
	if err != nil {
		v.Err = q.Error(err)
		q.Render(http.StatusInternalServerError, "network_aips.html", v)
		return
	}
	v.Data = d
	q.Render(http.StatusOK, "network_aips.html", v)
}

// netAIPView is an additional IP service's page.
type netAIPView struct {
	netAIPItem
	Ordered    bool   // just ordered: the order's result
	ParentName string // the server's name ("": not known)
}

func netAIP(q *Req) {
	id := q.netPathID()
	v := &View{Title: "net.aip.details", Nav: "network"}
	resp, err := q.Invoke("services/details", url.Values{"service_id": {strconv.FormatInt(id, 10)}})
	d := &netAIPView{Ordered: q.R.URL.Query().Get("done") == "net.aip.ordered"}
	if err == nil {
		d.Service = resp.(artnet.ServiceDetailsResponse).Service
		d.Details, err = q.netAIPDetails(id)
	}
	if err != nil {
		if netNotMine(err) {
			q.NotFound()
			return
		}
		v.Err = q.Error(err)
		q.Render(http.StatusInternalServerError, "network_aip.html", v)
		return
	}
	if p := d.Service.ParentServiceID; p != 0 {
		// The server's name, as the list shows it (its number alone when
		// it cannot be read).
		if resp, err := q.Invoke("services/details", url.Values{"service_id": {strconv.FormatInt(p, 10)}}); err == nil {
			d.ParentName = resp.(artnet.ServiceDetailsResponse).Service.Name
		}
	}
	if d.Ordered {
		v.Done = "net.aip.ordered"
	}
	v.Data = d
	q.Render(http.StatusOK, "network_aip.html", v)
}

// netOrderView is the order pages' data: the server, order-info's answer
// and the number asked for with its totals.
type netOrderView struct {
	Servers []artnet.Service
	Parent  artnet.Service
	Info    artnet.AdditionalIPOrderInfo
	Number  int64
	Net     artnet.Money // Number × the price of one address
	Gross   artnet.Money
	// Key is the Idempotency-Key the confirmation form sends.
	Key string
}

// netOrderData reads the order's server (the query's or form's
// parent_service_id) and its order-info; ok false: answered (404 for a
// server that is not the customer's, an error page otherwise).
func (q *Req) netOrderData(parent string) (*netOrderView, bool) {
	d := &netOrderView{}
	fail := func(err error) (*netOrderView, bool) {
		if netNotMine(err) {
			q.NotFound()
			return nil, false
		}
		q.Render(http.StatusInternalServerError, "network_aip_order.html", &View{Title: "net.aip.order.title", Nav: "network", Err: q.Error(err)})
		return nil, false
	}
	id, err := strconv.ParseInt(strings.TrimSpace(parent), 10, 64)
	if err != nil || id <= 0 {
		q.NotFound()
		return nil, false
	}
	resp, err := q.Invoke("services/details", url.Values{"service_id": {strconv.FormatInt(id, 10)}})
	if err != nil {
		return fail(err)
	}
	d.Parent = resp.(artnet.ServiceDetailsResponse).Service
	if !slices.Contains(netOrderTypes, d.Parent.Type) {
		q.NotFound()
		return nil, false
	}
	resp, err = q.Invoke("additional-ip/order-info", url.Values{"parent_service_id": {strconv.FormatInt(id, 10)}})
	if err != nil {
		return fail(err)
	}
	d.Info = resp.(artnet.AdditionalIPOrderInfoResponse).OrderInfo
	if d.Servers, err = q.netServers(); err != nil {
		return fail(err)
	}
	return d, true
}

// renderOrderForm renders the order's first step (the price of one
// address and the number field).
func (q *Req) renderOrderForm(status int, d *netOrderView, pe *PageError, posted url.Values) {
	q.Render(status, "network_aip_order.html", &View{Title: "net.aip.order.title", Nav: "network", Data: d, Err: pe, Form: posted})
}

func netAIPOrderForm(q *Req) {
	parent := q.R.URL.Query().Get("parent_service_id")
	if parent == "" {
		q.Redirect("/network/additional-ips#h-order")
		return
	}
	d, ok := q.netOrderData(parent)
	if !ok {
		return
	}
	q.renderOrderForm(http.StatusOK, d, nil, nil)
}

// netOrderNumber reads ips_number; a number outside 1..maximum is the
// command's invalid-ips-number error on the field, checked before the
// confirmation page shows a price.
func (q *Req) netOrderNumber(d *netOrderView, text string) *PageError {
	n, err := strconv.ParseInt(strings.TrimSpace(text), 10, 64)
	if err != nil || n < 1 || n > d.Info.MaximumIPsNumber {
		pe := q.Error(apperr.New(apperr.CodeInvalidIPsNumber))
		pe.Field = "ips_number"
		pe.Text += ": " + fmt.Sprintf(q.T("net.aip.number.bad"), d.Info.MaximumIPsNumber)
		return pe
	}
	d.Number = n
	d.Net = artnet.Money(int64(d.Info.OneIPPaymentDetails.Price) * n)
	d.Gross = artnet.Money(int64(d.Info.OneIPPaymentDetails.PriceBrutto) * n)
	return nil
}

func netAIPOrderConfirm(q *Req) {
	query := q.R.URL.Query()
	d, ok := q.netOrderData(query.Get("parent_service_id"))
	if !ok {
		return
	}
	if pe := q.netOrderNumber(d, query.Get("ips_number")); pe != nil {
		q.renderOrderForm(http.StatusUnprocessableEntity, d, pe, url.Values{"ips_number": {query.Get("ips_number")}})
		return
	}
	d.Key = newToken()
	q.Render(http.StatusOK, "network_aip_confirm.html", &View{Title: "net.aip.confirm.title", Nav: "network", Data: d})
}

func netAIPOrder(q *Req) {
	parent := q.R.PostFormValue("parent_service_id")
	number := q.R.PostFormValue("ips_number")
	var resp artnet.AdditionalIPOrderResponse
	err := q.invokeOrder("additional-ip/order", url.Values{"parent_service_id": {parent}, "ips_number": {number}},
		q.R.PostFormValue("idempotency_key"), &resp)
	if err == nil {
		q.Redirect("/network/additional-ips/" + strconv.FormatInt(resp.OrderDetails.ServiceID, 10) + "?done=net.aip.ordered")
		return
	}
	if netNotMine(err) {
		q.NotFound()
		return
	}
	d, ok := q.netOrderData(parent)
	if !ok {
		return
	}
	pe := q.Error(err)
	if apperr.Is(err, apperr.CodeInvalidIPsNumber, apperr.CodeIncorrectParamValue) {
		pe.Field = "ips_number"
	}
	q.renderOrderForm(http.StatusUnprocessableEntity, d, pe, url.Values{"ips_number": {number}})
}
