package web

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/artnet-panel/artnet-panel/artnet"
)

// The dashboard (GET /): the customer's services by type with links to
// the filtered list, the services that expire within 30 days and the last
// e-mails. Everything comes from services/list and customer/emails-list.

func init() {
	handle("GET /{$}", dashboardPage)
}

// dashboardEmails is how many of the last e-mails the dashboard lists.
const dashboardEmails = 5

// expiringWindow is how far ahead the dashboard looks for expiring services.
const expiringWindow = 30 * 24 * time.Hour

// dashView is the dashboard's data.
type dashView struct {
	ByType   []typeCount
	Total    int
	Expiring []expiringService
	Emails   []artnet.EmailHeader
}

// expiringService is a service of the expiring list with its days left.
type expiringService struct {
	artnet.Service
	Days int
}

func dashboardPage(q *Req) {
	v := &View{Title: "dash.title", Nav: "dashboard"}
	resp, err := q.Invoke("services/list", nil)
	if err != nil {
		v.Err = q.Error(err)
		q.Render(http.StatusInternalServerError, "dashboard.html", v)
		return
	}
	list := resp.(artnet.ServicesListResponse).ServicesList
	d := &dashView{ByType: countByType(list), Total: len(list)}
	now := q.S.now()
	for _, s := range expiringWithin(list, now, expiringWindow) {
		d.Expiring = append(d.Expiring, expiringService{Service: s, Days: daysLeft(s.ExpirationTime, now)})
	}
	resp, err = q.Invoke("customer/emails-list", url.Values{"limit": {strconv.Itoa(dashboardEmails)}})
	if err != nil {
		v.Err = q.Error(err)
		q.Render(http.StatusInternalServerError, "dashboard.html", v)
		return
	}
	d.Emails = resp.(artnet.EmailsListResponse).EmailsList
	v.Data = d
	q.Render(http.StatusOK, "dashboard.html", v)
}
