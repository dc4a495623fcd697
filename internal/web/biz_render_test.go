package web

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/artnet-panel/artnet-panel/artnet"
)

// TestBizTemplatesRender renders every business page template with data
// of every shape (each service type's details, an invoice, an e-mail whose
// body holds markup, the offer and a custom quote) in both languages: no
// template error, no text key without a text, and the e-mail's markup is
// escaped.
func TestBizTemplatesRender(t *testing.T) {
	s := &Server{tmpl: mustParseTemplates(), Logger: slog.New(slog.DiscardHandler)}
	var demo struct {
		Customers []struct {
			Services []struct {
				Service artnet.Service  `json:"service"`
				Details json.RawMessage `json:"details"`
			} `json:"services"`
		} `json:"customers"`
		ExpressOffer []artnet.ExpressServer `json:"express_offer"`
		CustomOffer  []artnet.CustomOffer   `json:"custom_offer"`
	}
	b, err := os.ReadFile("../demo/demo.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &demo); err != nil {
		t.Fatal(err)
	}
	type page struct {
		name string
		v    *View
	}
	var pages []page
	var list []artnet.Service
	for _, e := range demo.Customers[0].Services {
		list = append(list, e.Service)
		d := &serviceView{Service: e.Service, Module: serviceModule[e.Service.Type]}
		det, _ := artnet.NewServiceDetails(e.Service.Type)
		if err := json.Unmarshal(e.Details, det); err != nil {
			t.Fatalf("%d: %v", e.Service.ID, err)
		}
		d.setDetails(det)
		if d.Dedicated != nil {
			d.Transfer = []artnet.TransferPeriod{{TimeRange: artnet.TimeRange{From: artnet.Unix(1788220800), To: artnet.Unix(1790812800)},
				TransferUsage: artnet.TransferUsage{Up: 187904819200, Down: 42949672960}}}
		}
		d.Children = list[:1]
		pages = append(pages, page{"service.html", &View{Title: "svc.details", Data: d}})
	}
	paging := listPaging{Limit: 10, Offset: 10, Sizes: pageSizes, From: 11, To: 13, Prev: "/x?offset=0", Next: "/x?offset=20"}
	pages = append(pages,
		page{"dashboard.html", &View{Title: "dash.title", Data: &dashView{ByType: countByType(list), Total: len(list),
			Expiring: []expiringService{{Service: list[0], Days: 3}}, Emails: []artnet.EmailHeader{{ID: 1, Subject: "Hi"}}}}},
		page{"services.html", &View{Title: "svc.title", Data: &servicesView{Types: artnet.ServiceTypes, Type: "vps", Parent: "1", Paging: paging, List: list}}},
		page{"services.html", &View{Title: "svc.title", Data: &servicesView{Types: artnet.ServiceTypes, Paging: listPaging{Limit: 0, Sizes: []int{0, 10}}}}},
		page{"emails.html", &View{Title: "mail.title", Data: &emailsView{Paging: paging, List: []artnet.EmailHeader{{ID: 7, Subject: "S"}}}}},
		page{"email.html", &View{Title: "mail.details", Data: &artnet.Email{ID: 7, Subject: "<b>S</b>", Address: "a@b.test",
			Body: "Hello <script>alert(1)</script>\n<a href=\"x\">link</a>"}}},
	)
	inv := artnet.Invoice{Number: "PF/2026/000001", Type: "proforma", ServiceID: 12345, IssueDate: "2026-12-07", Currency: "PLN",
		TotalNet: 29900, TotalVAT: 6877, TotalGross: 36777, Seller: &artnet.InvoiceParty{Name: "Artnet"}, Buyer: &artnet.InvoiceParty{Name: "ACME"},
		Lines: []artnet.InvoiceLine{{Name: "Server", Quantity: 1, Unit: "szt.", NetPrice: 29900, Net: 29900, VATRate: 23, VAT: 6877, Gross: 36777}}}
	pages = append(pages,
		page{"invoices.html", &View{Title: "inv.title", Data: &invoicesView{Paging: paging, List: []artnet.Invoice{inv}}}},
		page{"invoices.html", &View{Title: "inv.title", Data: &invoicesView{}}},
		page{"invoice.html", &View{Title: "inv.details", Done: "offer.ordered.title", Data: &invoiceView{Invoice: inv, Path: invoicePath(inv.Number), Ordered: true}}},
	)
	ov := &offerView{}
	for i, srv := range demo.ExpressOffer {
		it := newExpressItem(srv)
		it.Reserved = i == 0
		ov.Offer = append(ov.Offer, it)
		ov.Reseller = true
	}
	ov.Reservations = ov.Offer[:1]
	q := url.Values{"platform": {"0"}, "hdd0": {"9"}, "ram0": {"4"}, "other0": {"1"}, "ip": {"0"}}
	pages = append(pages,
		page{"offer.html", &View{Title: "offer.title", Data: ov}},
		page{"offer.html", &View{Title: "offer.title", Data: &offerView{}}},
		page{"offer_confirm.html", &View{Title: "offer.confirm.title", Data: &confirmView{Server: ov.Offer[2], Key: "k"}}},
		page{"offer_custom.html", &View{Title: "offer.custom", Data: &customView{Offer: demo.CustomOffer, Set: &demo.CustomOffer[0], Quote: quoteCustom(demo.CustomOffer, q)}}},
		page{"offer_custom.html", &View{Title: "offer.custom", Data: &customView{}}},
	)
	missing := regexp.MustCompile(`\[[a-z]+\.[a-z0-9.\-]+\]`)
	for _, lang := range languages {
		for _, p := range pages {
			w := httptest.NewRecorder()
			r := httptest.NewRequest("GET", "/x", nil)
			rq := &Req{W: w, R: r, S: s, Lang: lang, CustomerID: 19052}
			rq.Render(http.StatusOK, p.name, p.v)
			body := w.Body.String()
			if w.Code != http.StatusOK {
				t.Errorf("%s (%s): HTTP %d: %s", p.name, lang, w.Code, body)
				continue
			}
			if m := missing.FindString(body); m != "" {
				t.Errorf("%s (%s): text key without a text: %s", p.name, lang, m)
			}
			if p.name == "email.html" && (strings.Contains(body, "<script>alert") || !strings.Contains(body, "&lt;script&gt;alert(1)&lt;/script&gt;")) {
				t.Errorf("e-mail body not escaped:\n%s", body)
			}
		}
	}
}
