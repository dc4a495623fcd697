package httpapi

import (
	"html/template"
	"net/http"
	"strconv"
	"time"

	"github.com/artnet-panel/artnet-panel/artnet"
)

// GET /manage?service_id=N&token=T: the landing page of the management
// panel link of an express order (panel.ExpressOrder). The token is
// single-purpose: it shows this one server of this one customer until it
// expires, and is no API credential. The query (and so the token) never
// reaches the access log, which records the path only. The management and
// OS installation tools themselves are not served yet.

var managePage = template.Must(template.New("manage").Parse(`<!DOCTYPE html>
<html lang="{{.Lang}}"><head><meta charset="utf-8"><title>{{.T.Title}} {{.S.ID}}</title></head>
<body style="font-family: sans-serif">
<h1>{{.T.Title}}: {{.S.Name}}</h1>
<table>
<tr><th align="left">{{.T.Service}}</th><td>{{.S.ID}}</td></tr>
<tr><th align="left">{{.T.Server}}</th><td>{{.D.HardwareConfiguration.Server.Vendor}} {{.D.HardwareConfiguration.Server.Model}}</td></tr>
{{range .D.HardwareConfiguration.CPU}}<tr><th align="left">CPU</th><td>{{.Vendor}} {{.Model}}, {{.Cores}} {{$.T.Cores}}</td></tr>
{{end}}{{range .D.HardwareConfiguration.RAM}}<tr><th align="left">RAM</th><td>{{.Capacity}} GB {{.Type}}</td></tr>
{{end}}{{range .D.HardwareConfiguration.HDD}}<tr><th align="left">{{$.T.Disk}}</th><td>{{.Capacity}} GB {{.Type}}</td></tr>
{{end}}<tr><th align="left">{{.T.Paid}}</th><td>{{.Expires}}</td></tr>
</table>
<p>{{.T.Soon}}</p>
</body></html>
`))

type manageTexts struct{ Title, Service, Server, Cores, Disk, Paid, Soon, Denied string }

var manageLang = map[string]manageTexts{
	"pl": {"Panel zarządzania serwerem", "Usługa", "Serwer", "rdzeni", "Dysk", "Opłacony do", "Instalacja systemu operacyjnego będzie dostępna po zaksięgowaniu wpłaty.", "Link jest nieprawidłowy albo wygasł."},
	"en": {"Server management panel", "Service", "Server", "cores", "Disk", "Paid until", "Operating system installation becomes available once the payment is booked.", "The link is invalid or has expired."},
}

func (s *Server) serveManage(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Cache-Control", "no-store")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
	q := r.URL.Query()
	id, _ := strconv.ParseInt(q.Get("service_id"), 10, 64)
	ctx := r.Context()
	tok, ok := s.Panel.CheckAccessToken(ctx, q.Get("token"))
	if !ok || tok.ServiceID != id {
		http.Error(w, manageLang["pl"].Denied+" / "+manageLang["en"].Denied, http.StatusForbidden)
		return
	}
	svc, err := s.Panel.ServiceDetails(ctx, tok.CustomerID, tok.ServiceID)
	if err != nil {
		http.Error(w, manageLang["pl"].Denied+" / "+manageLang["en"].Denied, http.StatusForbidden)
		return
	}
	d, err := s.Panel.ModuleDetails(ctx, tok.CustomerID, tok.ServiceID, artnet.ServiceTypeDedicated)
	det, isDedicated := d.(*artnet.DedicatedDetails)
	if err != nil || !isDedicated {
		http.Error(w, manageLang["pl"].Denied+" / "+manageLang["en"].Denied, http.StatusForbidden)
		return
	}
	lang := "en"
	if c, err := s.Panel.Store.CustomerGet(ctx, tok.CustomerID); err == nil && c.Language == "pl" {
		lang = "pl"
	}
	h.Set("Content-Type", "text/html; charset=utf-8")
	managePage.Execute(w, map[string]any{"Lang": lang, "T": manageLang[lang], "S": svc, "D": det,
		"Expires": svc.ExpirationTime.UTC().Format(time.DateOnly)})
}
