package web

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/artnet-panel/artnet-panel/artnet"
	"github.com/artnet-panel/artnet-panel/internal/apperr"
	"github.com/artnet-panel/artnet-panel/internal/form"
	"github.com/artnet-panel/artnet-panel/internal/httpapi"
	"github.com/artnet-panel/artnet-panel/internal/panel"
)

// The dedicated offer (offer-dedicated): the express offer with its
// prices, reservations (resellers: reserve, cancel), the order of an
// express server through a confirmation page that shows the price to pay,
// and the custom offer form (biz_custom.go).
//
//	GET  /offer                          express offer, reservations
//	POST /offer/express/{id}/reserve     express-reservation
//	POST /offer/express/{id}/cancel      express-reservation-cancel
//	GET  /offer/express/{id}/order       confirmation: hardware, net, VAT, gross
//	POST /offer/express/{id}/order       express-order → the proforma invoice's page
//	GET  /offer/custom                   custom offer form and its price
//
// The order is sent with the confirmation form's Idempotency-Key (a
// random key made when the form is shown): a form sent twice (a double
// click, a reload, a retry after a lost answer) orders once and both
// land on the same invoice.

func init() {
	handle("GET /offer", offerPage)
	handle("POST /offer/express/{id}/reserve", offerReserve)
	handle("POST /offer/express/{id}/cancel", offerCancel)
	handle("GET /offer/express/{id}/order", offerConfirm)
	handle("POST /offer/express/{id}/order", offerOrder)
	handle("GET /offer/custom", offerCustom)
}

// expressItem is an express server as the offer pages show it: the price
// the customer pays (the reseller price for a reseller) with its VAT.
type expressItem struct {
	artnet.ExpressServer
	Reseller bool // the customer is a reseller (the offer gives reseller prices)
	Reserved bool // reserved by this customer
	Net      artnet.Money
	VAT      artnet.Money
	Gross    artnet.Money
	Currency string
	Period   int64
}

func newExpressItem(s artnet.ExpressServer) expressItem {
	it := expressItem{ExpressServer: s, Net: s.Prices.Regular.Price, Currency: s.Prices.Regular.Currency,
		Period: int64(s.Prices.Regular.PaymentPeriod)}
	if r := s.Prices.Reseller; r != nil {
		it.Reseller, it.Net, it.Currency, it.Period = true, r.Price, r.Currency, int64(r.PaymentPeriod)
	}
	it.VAT = artnet.Money((int64(it.Net)*panel.VATRate + 50) / 100)
	it.Gross = it.Net + it.VAT
	return it
}

// offerView is the offer page's data.
type offerView struct {
	Offer        []expressItem
	Reservations []expressItem
	Reseller     bool
}

// offerData reads the express offer and the customer's reservations.
func offerData(q *Req) (*offerView, error) {
	resp, err := q.Invoke("offer-dedicated/express-offer", nil)
	if err != nil {
		return nil, err
	}
	d := &offerView{}
	reserved := map[int64]bool{}
	r2, err := q.Invoke("offer-dedicated/express-reservations-list", nil)
	if err != nil {
		return nil, err
	}
	for _, s := range r2.(artnet.ExpressOfferResponse).Offer {
		reserved[s.ID] = true
		d.Reservations = append(d.Reservations, newExpressItem(s))
	}
	for _, s := range resp.(artnet.ExpressOfferResponse).Offer {
		it := newExpressItem(s)
		it.Reserved = reserved[s.ID]
		d.Reseller = d.Reseller || it.Reseller
		d.Offer = append(d.Offer, it)
	}
	return d, nil
}

// renderOffer renders the offer page with an error or a success message.
func (q *Req) renderOffer(status int, pe *PageError, done string) {
	v := &View{Title: "offer.title", Nav: "offer", Err: pe}
	d, err := offerData(q)
	if err != nil {
		v.Err = q.Error(err)
		q.Render(http.StatusInternalServerError, "offer.html", v)
		return
	}
	if _, ok := allTexts[done]; ok && done != "" {
		v.Done = done
	}
	v.Data = d
	q.Render(status, "offer.html", v)
}

func offerPage(q *Req) {
	q.renderOffer(http.StatusOK, nil, q.R.URL.Query().Get("done"))
}

// serverID returns the {id} of an express server's path, or false.
func serverID(q *Req) (string, bool) {
	id := q.R.PathValue("id")
	n, err := strconv.ParseInt(id, 10, 64)
	return id, err == nil && n > 0
}

// offerAction runs a reservation command and comes back to the offer.
func offerAction(q *Req, command, done string) {
	id, ok := serverID(q)
	if !ok {
		q.NotFound()
		return
	}
	if _, err := q.Invoke(command, url.Values{"server_id": {id}}); err != nil {
		q.renderOffer(http.StatusUnprocessableEntity, q.Error(err), "")
		return
	}
	q.Redirect("/offer?done=" + done)
}

func offerReserve(q *Req) {
	offerAction(q, "offer-dedicated/express-reservation", "offer.reserved.ok")
}

func offerCancel(q *Req) {
	offerAction(q, "offer-dedicated/express-reservation-cancel", "offer.cancelled.ok")
}

// confirmView is the order confirmation page's data.
type confirmView struct {
	Server expressItem
	// Key is the Idempotency-Key the form sends with the order.
	Key string
}

// findExpress returns the express server id of the customer's offer.
func findExpress(q *Req, id string) (expressItem, bool, error) {
	d, err := offerData(q)
	if err != nil {
		return expressItem{}, false, err
	}
	for _, it := range d.Offer {
		if strconv.FormatInt(it.ID, 10) == id {
			return it, true, nil
		}
	}
	return expressItem{}, false, nil
}

func offerConfirm(q *Req) {
	id, ok := serverID(q)
	if !ok {
		q.NotFound()
		return
	}
	it, found, err := findExpress(q, id)
	if err != nil {
		q.Render(http.StatusInternalServerError, "offer_confirm.html", &View{Title: "offer.confirm.title", Nav: "offer", Err: q.Error(err)})
		return
	}
	if !found {
		q.NotFound()
		return
	}
	q.Render(http.StatusOK, "offer_confirm.html", &View{Title: "offer.confirm.title", Nav: "offer",
		Data: &confirmView{Server: it, Key: newToken()}})
}

func offerOrder(q *Req) {
	id, ok := serverID(q)
	if !ok {
		q.NotFound()
		return
	}
	var resp artnet.ExpressOrderResponse
	err := q.invokeOrder("offer-dedicated/express-order", url.Values{"server_id": {id}}, q.R.PostFormValue("idempotency_key"), &resp)
	if err != nil {
		q.renderOffer(http.StatusUnprocessableEntity, q.Error(err), "")
		return
	}
	q.Redirect(invoicePath(resp.OrderDetails.InvoiceNumber) + "?ordered=1")
}

// customView is the custom offer page's data.
type customView struct {
	Offer []artnet.CustomOffer
	Set   *artnet.CustomOffer
	Quote customQuote
}

func offerCustom(q *Req) {
	v := &View{Title: "offer.custom", Nav: "offer"}
	resp, err := q.Invoke("offer-dedicated/custom-offer", nil)
	if err != nil {
		v.Err = q.Error(err)
		q.Render(http.StatusInternalServerError, "offer_custom.html", v)
		return
	}
	offer := resp.(artnet.CustomOfferResponse).Resources
	d := &customView{Offer: offer, Quote: quoteCustom(offer, q.R.URL.Query())}
	if len(offer) > 0 {
		d.Set = &offer[d.Quote.Set]
	}
	v.Data = d
	status := http.StatusOK
	if len(d.Quote.Problems) > 0 {
		status = http.StatusUnprocessableEntity
	}
	q.Render(status, "offer_custom.html", v)
}

// invokeOrder runs a billable command for the signed-in customer with the
// form's Idempotency-Key (httpapi.Server.InvokeIdempotent) and decodes its
// answer into out.
func (q *Req) invokeOrder(command string, params url.Values, key string, out any) error {
	v, err := form.ParseURLEncoded([]byte(params.Encode()), q.S.API.Limits)
	if err != nil {
		return apperr.New(apperr.CodeMalformedRequest)
	}
	ctx := httpapi.WithRequestID(q.R.Context(), q.RequestID)
	return q.S.API.InvokeIdempotent(ctx, panel.Principal{CustomerID: q.CustomerID}, command, v, q.Remote, key, out)
}
