package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"github.com/artnet-panel/artnet-panel/artnet"
	"github.com/artnet-panel/artnet-panel/internal/apperr"
)

// The services pages: the list (GET /services) with the filters and
// paging of services/list, and a service's details (GET /services/{id})
// from services/details and its module's details command. The details of
// a dedicated server, colocation or VPS add its power, transfer chart and
// iLO access (page_servers.go).

func init() {
	handle("GET /services", servicesPage)
	handle("GET /services/{id}", servicePage)
}

// defaultPageSize is the page size of the lists when the query names none.
const defaultPageSize = 25

// pageSizes are the page sizes the lists offer.
var pageSizes = []int{10, 25, 50, 100}

// listPaging is the paging of a list page: the query's limit and offset,
// the items shown and the links to the neighbouring pages.
type listPaging struct {
	Limit, Offset int
	Sizes         []int
	From, To      int    // 1-based numbers of the first and last item shown
	Prev, Next    string // links ("" when there is no such page)
}

// pagingParams reads limit and offset from q for a list command: it
// returns the command's parameters, asking for one item more than the
// page holds so that the page knows whether a next one exists. A value
// that is not a number is passed on as it is, for the command to refuse
// with its documented error.
func pagingParams(query url.Values, params url.Values) listPaging {
	p := listPaging{Limit: defaultPageSize, Sizes: pageSizes}
	if v := query.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			params.Set("limit", v) // for the command to refuse
			p.Limit = -1
		} else {
			p.Limit = n
		}
	}
	if p.Limit >= 0 && !slices.Contains(p.Sizes, p.Limit) {
		// A page size typed into the address: offered too.
		p.Sizes = append(slices.Clone(pageSizes), p.Limit)
		slices.Sort(p.Sizes)
	}
	if p.Limit > 0 {
		params.Set("limit", strconv.Itoa(p.Limit+1))
	} else if p.Limit == 0 {
		params.Set("limit", "0") // no limit: every item
	}
	if v := query.Get("offset"); v != "" {
		params.Set("offset", v)
		p.Offset, _ = strconv.Atoi(v)
	}
	return p
}

// finish trims the list's extra item and sets the links; n is the number
// of items the command answered, base the page's query without paging.
// It returns how many items to show.
func (p *listPaging) finish(n int, path string, base url.Values) int {
	shown := n
	more := false
	if p.Limit > 0 && n > p.Limit {
		shown, more = p.Limit, true
	}
	if shown > 0 {
		p.From, p.To = p.Offset+1, p.Offset+shown
	}
	link := func(offset int) string {
		v := url.Values{}
		for k, vs := range base {
			v[k] = vs
		}
		if p.Limit != defaultPageSize {
			v.Set("limit", strconv.Itoa(p.Limit))
		}
		if offset > 0 {
			v.Set("offset", strconv.Itoa(offset))
		}
		if len(v) == 0 {
			return path
		}
		return path + "?" + v.Encode()
	}
	if p.Limit > 0 && p.Offset > 0 {
		p.Prev = link(max(0, p.Offset-p.Limit))
	}
	if more {
		p.Next = link(p.Offset + p.Limit)
	}
	return shown
}

// pagedList runs a paged list command (services/list, invoices/list,
// customer/emails-list) with params and the query's limit and offset; it
// returns the paging (links to path with base's filters) and the items of
// the page, taken from the answer by items.
func pagedList[T any](q *Req, command string, params url.Values, path string, base url.Values, items func(any) []T) (listPaging, []T, error) {
	p := pagingParams(q.R.URL.Query(), params)
	resp, err := q.Invoke(command, params)
	if err != nil {
		return p, nil, err
	}
	list := items(resp)
	return p, list[:p.finish(len(list), path, base)], nil
}

// renderList renders a list page, with the error of its command if any: a
// bad filter or paging value (the command's parameter errors) answers 422,
// anything else 500.
func (q *Req) renderList(err error, name string, v *View) {
	status := http.StatusOK
	if err != nil {
		v.Err = q.Error(err)
		status = http.StatusInternalServerError
		if apperr.Is(err, apperr.CodeIncorrectParamValue, apperr.CodeInvalidParamValue) {
			status = http.StatusUnprocessableEntity
		}
	}
	q.Render(status, name, v)
}

// servicesView is the services list's data.
type servicesView struct {
	Types  []string
	Type   string // the service_type filter ("": any)
	Parent string // the parent_service_id filter as typed
	Paging listPaging
	List   []artnet.Service
}

func servicesPage(q *Req) {
	query := q.R.URL.Query()
	d := &servicesView{Types: artnet.ServiceTypes, Type: query.Get("service_type"), Parent: query.Get("parent_service_id")}
	params := url.Values{}
	base := url.Values{}
	if d.Type != "" {
		params.Set("service_type", d.Type)
		base.Set("service_type", d.Type)
	}
	if d.Parent != "" && d.Parent != "0" {
		params.Set("parent_service_id", d.Parent)
		base.Set("parent_service_id", d.Parent)
	}
	var err error
	d.Paging, d.List, err = pagedList(q, "services/list", params, "/services", base,
		func(r any) []artnet.Service { return r.(artnet.ServicesListResponse).ServicesList })
	q.renderList(err, "services.html", &View{Title: "svc.title", Nav: "services", Data: d})
}

// serviceView is a service's details page: the service and its module's
// details (one of the typed fields is set), its transfer usage (servers
// that have one) and its child services.
type serviceView struct {
	Service  artnet.Service
	Module   string
	Children []artnet.Service

	Dedicated    *artnet.DedicatedDetails
	Colocation   *artnet.ColocationDetails
	VPS          *artnet.VPSDetails
	Domain       *artnet.DomainDetails
	Hosting      *artnet.HostingDetails
	SSL          *artnet.SSLDetails
	Software     *artnet.SoftwareDetails
	Link         *artnet.LinkDetails
	FailOverIP   *artnet.FailOverIPDetails
	AdditionalIP *artnet.AdditionalIPDetails
	Transfer     []artnet.TransferPeriod

	// Servers (page_servers.go): the power state (nil: no power
	// management), the transfer chart, the iLO / IPMI access and the
	// address to prefill for it.
	Power   *srvPower
	Chart   *srvChart
	ILO     *artnet.ILODetails
	ILOAddr string
}

// setDetails sets the typed field of the module's details.
func (d *serviceView) setDetails(det artnet.ServiceDetails) {
	switch x := det.(type) {
	case *artnet.DedicatedDetails:
		d.Dedicated = x
	case *artnet.ColocationDetails:
		d.Colocation = x
	case *artnet.VPSDetails:
		d.VPS = x
	case *artnet.DomainDetails:
		d.Domain = x
	case *artnet.HostingDetails:
		d.Hosting = x
	case *artnet.SSLDetails:
		d.SSL = x
	case *artnet.SoftwareDetails:
		d.Software = x
	case *artnet.LinkDetails:
		d.Link = x
	case *artnet.FailOverIPDetails:
		d.FailOverIP = x
	case *artnet.AdditionalIPDetails:
		d.AdditionalIP = x
	}
}

func servicePage(q *Req) {
	d, ok := q.loadService()
	if !ok {
		return
	}
	q.Render(http.StatusOK, "service.html", &View{Title: "svc.details", Nav: d.nav(), Data: d, Done: srvDoneText(q.R.URL.Query().Get("done"))})
}

// nav is the navigation entry of the details page: servers' pages belong
// to "servers".
func (d *serviceView) nav() string {
	if serverModules[d.Service.Type] != "" {
		return "servers"
	}
	return "services"
}

// loadService reads the details page of the path's service, or answers
// 404 (another customer's service too) or the error page and returns ok
// false.
func (q *Req) loadService() (*serviceView, bool) {
	id := q.R.PathValue("id")
	sid, err := strconv.ParseInt(id, 10, 64)
	if err != nil || sid <= 0 {
		q.NotFound()
		return nil, false
	}
	resp, err := q.Invoke("services/details", url.Values{"service_id": {id}})
	if err != nil {
		q.serviceFail(err)
		return nil, false
	}
	d := &serviceView{Service: resp.(artnet.ServiceDetailsResponse).Service}
	d.Module = serviceModule[d.Service.Type]
	if d.Module != "" {
		resp, err := q.Invoke(d.Module+"/details", url.Values{"service_id": {id}})
		if err != nil {
			q.serviceFail(err)
			return nil, false
		}
		d.setDetails(resp.(artnet.ServiceDetailsOf[artnet.ServiceDetails]).ServiceDetails)
	}
	if d.Dedicated != nil || d.Colocation != nil {
		// Servers without a switch port answer unsupported-feature: the
		// page then shows no transfer section.
		if resp, err := q.Invoke(d.Module+"/transfer-usage-details", url.Values{"service_id": {id}}); err == nil {
			d.Transfer = resp.(artnet.TransferUsageDetailsResponse).TransferUsageDetails.PeriodsList
			d.Chart = transferChart(d.Transfer, q.Lang)
		} else if !apperr.Is(err, apperr.CodeUnsupportedFeature, apperr.CodeInvalidServiceType) {
			q.serviceFail(err)
			return nil, false
		}
	}
	if module := serverModules[d.Service.Type]; module != "" && (d.Dedicated != nil || d.Colocation != nil || d.VPS != nil) {
		if d.Power, err = q.serverPower(sid, module, d.VPS); err != nil {
			q.serviceFail(err)
			return nil, false
		}
	}
	if d.Dedicated != nil && d.Dedicated.Features.ILOAccessManagement {
		resp, err := q.Invoke("dedicated/ilo-details", url.Values{"service_id": {id}})
		if err != nil && !apperr.Is(err, apperr.CodeUnsupportedFeature) {
			q.serviceFail(err)
			return nil, false
		}
		if err == nil {
			ilo := resp.(artnet.ILODetailsResponse).ILODetails
			d.ILO = &ilo
			// The address the panel sees the visitor come from (through
			// the trusted proxies): the usual one to open access for.
			d.ILOAddr = q.Remote
		}
	}
	resp, err = q.Invoke("services/list", url.Values{"parent_service_id": {id}})
	if err != nil {
		q.serviceFail(err)
		return nil, false
	}
	d.Children = resp.(artnet.ServicesListResponse).ServicesList
	return d, true
}
