package web

import (
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/artnet-panel/artnet-panel/artnet"
	"github.com/artnet-panel/artnet-panel/internal/apperr"
)

// The invoices pages: the list (GET /invoices, invoices/list with paging),
// an invoice (GET /invoices/{kind}/{year}/{seq}: the number PF/2026/000001
// as a path, invoices/details) and its PDF (…/pdf: invoices/download-proforma,
// served as an attachment). An unknown number and another customer's answer
// invalid-invoice-number: the page is not found either way.

func init() {
	handle("GET /invoices", invoicesPage)
	handle("GET /invoices/{kind}/{year}/{seq}", invoicePage)
	handle("GET /invoices/{kind}/{year}/{seq}/pdf", invoicePDF)
}

// invoicesView is the invoices list's data.
type invoicesView struct {
	Paging listPaging
	List   []artnet.Invoice
}

func invoicesPage(q *Req) {
	d := &invoicesView{}
	var err error
	d.Paging, d.List, err = pagedList(q, "invoices/list", url.Values{}, "/invoices", nil,
		func(r any) []artnet.Invoice { return r.(artnet.InvoicesListResponse).InvoicesList })
	q.renderList(err, "invoices.html", &View{Title: "inv.title", Nav: "invoices", Data: d})
}

// invoiceNumber returns the invoice number a page path names.
func invoiceNumber(q *Req) string {
	return q.R.PathValue("kind") + "/" + q.R.PathValue("year") + "/" + q.R.PathValue("seq")
}

// invoicePath is the path of an invoice's page.
func invoicePath(number string) string {
	parts := strings.Split(number, "/")
	for i, p := range parts {
		parts[i] = url.PathEscape(p)
	}
	return "/invoices/" + strings.Join(parts, "/")
}

// invoiceView is an invoice page's data.
type invoiceView struct {
	Invoice artnet.Invoice
	Path    string
	// Ordered is set on the page an express order lands on.
	Ordered bool
}

func invoicePage(q *Req) {
	number := invoiceNumber(q)
	resp, err := q.Invoke("invoices/details", url.Values{"invoice_number": {number}})
	if err != nil {
		invoiceFail(q, err)
		return
	}
	d := &invoiceView{Invoice: resp.(artnet.InvoiceDetailsResponse).Invoice, Path: invoicePath(number)}
	v := &View{Title: "inv.details", Nav: "invoices", Data: d}
	if q.R.URL.Query().Get("ordered") == "1" {
		d.Ordered = true
		v.Done = "offer.ordered.title"
	}
	q.Render(http.StatusOK, "invoice.html", v)
}

// invoiceFail answers a failed invoice command: an unknown number (or
// another customer's) is not found.
func invoiceFail(q *Req, err error) {
	if apperr.Is(err, apperr.CodeInvalidInvoiceNumber) {
		q.NotFound()
		return
	}
	q.Render(http.StatusInternalServerError, "invoice.html", &View{Title: "inv.details", Nav: "invoices", Err: q.Error(err)})
}

// invoicePDF sends the proforma PDF as a download.
func invoicePDF(q *Req) {
	resp, err := q.Invoke("invoices/download-proforma", url.Values{"invoice_number": {invoiceNumber(q)}})
	if err != nil {
		invoiceFail(q, err)
		return
	}
	f := resp.(artnet.ProformaResponse).Proforma
	b, err := f.Bytes()
	if err != nil {
		invoiceFail(q, err)
		return
	}
	h := q.W.Header()
	h.Set("Content-Type", "application/pdf")
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": f.FileName}))
	h.Set("Content-Length", strconv.Itoa(len(b)))
	h.Set("Cache-Control", "no-store")
	q.W.WriteHeader(http.StatusOK)
	q.W.Write(b)
}
