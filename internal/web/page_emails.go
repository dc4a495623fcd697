package web

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/artnet-panel/artnet-panel/artnet"
)

// The sent e-mails: the list (GET /emails, customer/emails-list with
// paging) and one e-mail (GET /emails/{id}, customer/email-details). The
// API gives the body as plain text (the HTML alternative is made only when
// the e-mail is delivered): the page shows it as text, escaped, never as
// HTML. Another customer's e-mail answers invalid-id: not found.

func init() {
	handle("GET /emails", emailsPage)
	handle("GET /emails/{id}", emailPage)
}

// emailsView is the e-mails list's data.
type emailsView struct {
	Paging listPaging
	List   []artnet.EmailHeader
}

func emailsPage(q *Req) {
	d := &emailsView{}
	var err error
	d.Paging, d.List, err = pagedList(q, "customer/emails-list", url.Values{}, "/emails", nil,
		func(r any) []artnet.EmailHeader { return r.(artnet.EmailsListResponse).EmailsList })
	q.renderList(err, "emails.html", &View{Title: "mail.title", Nav: "emails", Data: d})
}

func emailPage(q *Req) {
	id := q.R.PathValue("id")
	if n, err := strconv.ParseInt(id, 10, 64); err != nil || n <= 0 {
		q.NotFound()
		return
	}
	resp, err := q.Invoke("customer/email-details", url.Values{"email_id": {id}})
	if err != nil {
		if NotFoundCode(err) {
			q.NotFound()
			return
		}
		q.Render(http.StatusInternalServerError, "email.html", &View{Title: "mail.details", Nav: "emails", Err: q.Error(err)})
		return
	}
	e := resp.(artnet.EmailDetailsResponse).Email
	q.Render(http.StatusOK, "email.html", &View{Title: "mail.details", Nav: "emails", Data: &e})
}
