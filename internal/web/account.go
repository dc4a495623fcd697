package web

import (
	"net/http"
	"net/url"

	"github.com/artnet-panel/artnet-panel/artnet"
)

var accountTexts = texts{
	"account.title":          {"Konto", "Account"},
	"account.data":           {"Dane klienta", "Customer data"},
	"account.number":         {"Numer klienta", "Customer number"},
	"account.name":           {"Nazwa", "Name"},
	"account.nip":            {"NIP", "VAT number (NIP)"},
	"account.regon":          {"REGON lub PESEL", "REGON or PESEL"},
	"account.street":         {"Ulica", "Street"},
	"account.postcode":       {"Kod pocztowy", "Postcode"},
	"account.city":           {"Miejscowość", "City"},
	"account.country":        {"Kod kraju", "Country code"},
	"account.tel":            {"Telefon", "Phone"},
	"account.fax":            {"Faks", "Fax"},
	"account.email":          {"E-mail", "E-mail"},
	"account.email_tech":     {"E-mail techniczny", "Technical e-mail"},
	"account.email_invoice":  {"E-mail do faktur", "Invoicing e-mail"},
	"account.corr":           {"Adres korespondencyjny", "Correspondence address"},
	"account.corr_name":      {"Odbiorca", "Receiver"},
	"account.business":       {"Firma", "Business"},
	"account.currency":       {"Waluta", "Currency"},
	"account.language":       {"Język", "Language"},
	"account.language.pl":    {"polski", "Polish"},
	"account.language.en":    {"angielski", "English"},
	"account.language.save":  {"Zmień język", "Change language"},
	"account.language.saved": {"Zmieniono język.", "Language changed."},
}

func init() {
	register(accountTexts)
	handle("GET /account", accountPage)
	handle("POST /account/edit", accountEdit)
	handle("POST /account/language", accountLanguage)
}

// customerFields are the fields of customer/edit the account form shows,
// with their text keys, in order.
var customerFields = []struct{ Name, Label, Type, Group string }{
	{"name", "account.name", "text", ""}, {"nip", "account.nip", "text", ""}, {"regon", "account.regon", "text", ""},
	{"street", "account.street", "text", ""}, {"postcode", "account.postcode", "text", ""}, {"city", "account.city", "text", ""},
	{"country_code", "account.country", "text", ""}, {"tel", "account.tel", "tel", ""}, {"fax", "account.fax", "tel", ""},
	{"email", "account.email", "email", ""}, {"email_tech", "account.email_tech", "email", ""},
	{"email_invoice", "account.email_invoice", "email", ""},
	{"correspondence_name", "account.corr_name", "text", "account.corr"}, {"correspondence_street", "account.street", "text", ""},
	{"correspondence_postcode", "account.postcode", "text", ""}, {"correspondence_city", "account.city", "text", ""},
}

// accountView is the account page's data.
type accountView struct {
	Customer artnet.Customer
	Fields   []accountField
	Security *securityView
}

// accountField is one input of the customer form.
type accountField struct {
	Param, Label, Type, Value string
	Group                     string // a heading before the field (a text key), or ""
}

// accountData reads the customer through customer/details.
func accountData(q *Req) (*accountView, error) {
	resp, err := q.Invoke("customer/details", nil)
	if err != nil {
		return nil, err
	}
	c := resp.(artnet.CustomerDetailsResponse).Customer
	sec, err := q.securityData()
	if err != nil {
		return nil, err
	}
	v := &accountView{Customer: c, Security: sec}
	values := map[string]string{"name": c.Name, "nip": c.NIP, "regon": c.REGON, "street": c.Street, "postcode": c.Postcode,
		"city": c.City, "country_code": c.CountryCode, "tel": c.Tel, "fax": c.Fax, "email": c.Email, "email_tech": c.EmailTech,
		"email_invoice": c.EmailInvoice, "correspondence_name": c.CorrespondenceName, "correspondence_street": c.CorrespondenceStreet,
		"correspondence_postcode": c.CorrespondencePostcode, "correspondence_city": c.CorrespondenceCity}
	for _, f := range customerFields {
		v.Fields = append(v.Fields, accountField{Param: "customer[" + f.Name + "]", Label: f.Label, Type: f.Type, Value: values[f.Name], Group: f.Group})
	}
	return v, nil
}

func accountPage(q *Req) {
	q.renderAccount(http.StatusOK, nil, nil, q.R.URL.Query().Get("done"))
}

// renderAccount renders the account page with the error of a failed form
// (and its posted values) or the success message done (a text key).
func (q *Req) renderAccount(status int, pe *PageError, posted url.Values, done string) {
	if _, ok := allTexts[done]; !ok {
		done = ""
	}
	q.renderAccountView(status, &View{Err: pe, Form: posted, Done: done}, nil)
}

// renderAccountWith renders the account page after mutate changed its
// data (a form's own error, the new API key).
func (q *Req) renderAccountWith(status int, mutate func(*accountView)) {
	q.renderAccountView(status, &View{}, mutate)
}

func (q *Req) renderAccountView(status int, v *View, mutate func(*accountView)) {
	v.Title, v.Nav = "account.title", "account"
	data, err := accountData(q)
	if err != nil {
		v.Err = q.Error(err)
		q.Render(http.StatusInternalServerError, "account.html", v)
		return
	}
	if mutate != nil {
		mutate(data)
	}
	v.Data = data
	q.Render(status, "account.html", v)
}

// accountEdit saves the customer form through customer/edit: only the
// fields that changed are sent, so the command validates exactly what
// the customer touched.
func accountEdit(q *Req) {
	if err := q.R.ParseForm(); err != nil {
		q.renderAccount(http.StatusBadRequest, q.Error(err), nil, "")
		return
	}
	params := url.Values{}
	for _, f := range customerFields {
		name := "customer[" + f.Name + "]"
		if v, ok := q.R.PostForm[name]; ok {
			params.Set(name, v[0])
		}
	}
	if _, err := q.Invoke("customer/edit", params); err != nil {
		q.renderAccount(http.StatusUnprocessableEntity, q.Error(err), q.R.PostForm, "")
		return
	}
	q.Redirect("/account?done=common.saved")
}

// accountLanguage changes the customer's language (customer/change-language),
// which is the panel's language too.
func accountLanguage(q *Req) {
	lang := q.R.PostFormValue("language")
	if _, err := q.Invoke("customer/change-language", url.Values{"language": {lang}}); err != nil {
		q.renderAccount(http.StatusUnprocessableEntity, q.Error(err), nil, "")
		return
	}
	back := localPath(q.R.PostFormValue("back"))
	if back == "/" && q.R.PostFormValue("back") == "" {
		back = "/account?done=account.language.saved"
	}
	q.Redirect(back)
}
