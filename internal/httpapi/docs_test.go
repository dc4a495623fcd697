package httpapi

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/pb33f/libopenapi"
	validator "github.com/pb33f/libopenapi-validator"

	"github.com/artnet-panel/artnet-panel/internal/demo"
	"github.com/artnet-panel/artnet-panel/internal/inventory"
	"github.com/artnet-panel/artnet-panel/internal/panel"
	"github.com/artnet-panel/artnet-panel/internal/spec"
	"github.com/artnet-panel/artnet-panel/internal/store/sqlite"
)

const (
	docsCustomerID = 19052
	docsAPIKey     = "DDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDdddd"
)

// newDocsServer returns a Server over a fresh SQLite database holding the
// demo customer (docsCustomerID, docsAPIKey).
func newDocsServer(t *testing.T) *Server {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "docs.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	inv, err := demo.Inventory()
	if err != nil {
		t.Fatal(err)
	}
	inv.Customers[0].APIKey = docsAPIKey
	if err := inventory.Import(ctx, st, inv); err != nil {
		t.Fatal(err)
	}
	s := New(panel.New(st), nil)
	// One command turned off, as a node may: the docs mark it, and it
	// answers not-implemented.
	if err := s.Disable("offer-dedicated/custom-offer"); err != nil {
		t.Fatal(err)
	}
	s.Ready.Store(true)
	return s
}

// routeDocs registers the two routes on s as server.go is to register
// them, unless it already does. Registering them here also checks that
// they do not conflict with the routes of New.
func routeDocs(t *testing.T, s *Server) {
	t.Helper()
	_, pattern := s.mux.Handler(httptest.NewRequest(http.MethodGet, "/api/openapi.json", nil))
	if pattern == "GET /api/openapi.json" {
		return
	}
	t.Log("GET /api/openapi.json and GET /api/docs are not routed by New yet: registering them in the test")
	s.mux.HandleFunc("GET /api/openapi.json", s.serveOpenAPI)
	s.mux.HandleFunc("GET /api/docs", s.serveDocs)
}

func TestServeOpenAPI(t *testing.T) {
	s := newDocsServer(t)
	rec := httptest.NewRecorder()
	s.serveOpenAPI(rec, httptest.NewRequest(http.MethodGet, "/api/openapi.json", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	h := rec.Header()
	if ct := h.Get("Content-Type"); ct != "application/json" {
		t.Fatalf("Content-Type %q", ct)
	}
	if h.Get("ETag") == "" || !strings.Contains(h.Get("Cache-Control"), "max-age") {
		t.Fatalf("no cache headers: %v", h)
	}
	if h.Get("Content-Length") != strconv.Itoa(rec.Body.Len()) {
		t.Fatalf("Content-Length %q for %d bytes", h.Get("Content-Length"), rec.Body.Len())
	}
	var doc struct {
		OpenAPI string `json:"openapi"`
		Paths   map[string]struct {
			Post struct {
				Implemented bool `json:"x-implemented"`
			} `json:"post"`
		} `json:"paths"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	// A path per command: the 93 documented and the extensions of artnetd.
	documented := 0
	for _, c := range spec.All() {
		if !c.Extension {
			documented++
		}
	}
	if doc.OpenAPI != "3.1.0" || documented != 93 || len(doc.Paths) != len(spec.All()) {
		t.Fatalf("openapi %q with %d paths, %d commands (%d documented)", doc.OpenAPI, len(doc.Paths), len(spec.All()), documented)
	}
	implemented := 0
	for _, c := range spec.All() {
		p, ok := doc.Paths["/"+c.Path()]
		if !ok {
			t.Fatalf("no path /%s", c.Path())
		}
		if p.Post.Implemented != s.Implemented(c.Path()) {
			t.Errorf("%s: x-implemented %v", c.Path(), p.Post.Implemented)
		}
		if p.Post.Implemented {
			implemented++
		}
	}
	if implemented == 0 || implemented == len(spec.All()) {
		t.Errorf("%d commands marked implemented", implemented)
	}

	// Built once: the same bytes again, and 304 for the ETag.
	rec2 := httptest.NewRecorder()
	s.serveOpenAPI(rec2, httptest.NewRequest(http.MethodGet, "/api/openapi.json", nil))
	if rec2.Body.String() != rec.Body.String() {
		t.Fatal("second answer differs")
	}
	req := httptest.NewRequest(http.MethodGet, "/api/openapi.json", nil)
	req.Header.Set("If-None-Match", h.Get("ETag"))
	rec3 := httptest.NewRecorder()
	s.serveOpenAPI(rec3, req)
	if rec3.Code != http.StatusNotModified || rec3.Body.Len() != 0 {
		t.Fatalf("revalidation: %d with %d bytes", rec3.Code, rec3.Body.Len())
	}
	t.Logf("openapi.json: %d bytes", rec.Body.Len())
}

// externalRef matches attributes that would load or link something outside
// the page.
var externalRef = regexp.MustCompile(`(?i)(src|href|action)\s*=\s*["']?\s*(https?:|//)`)

func TestServeDocs(t *testing.T) {
	s := newDocsServer(t)
	rec := httptest.NewRecorder()
	s.serveDocs(rec, httptest.NewRequest(http.MethodGet, "/api/docs", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	if ct := rec.Header().Get("Content-Type"); ct != "text/html; charset=utf-8" {
		t.Fatalf("Content-Type %q", ct)
	}
	if rec.Header().Get("ETag") == "" || rec.Header().Get("Content-Security-Policy") == "" {
		t.Fatalf("headers: %v", rec.Header())
	}
	page := rec.Body.String()
	for _, c := range spec.All() {
		if !strings.Contains(page, "POST /api/"+c.Path()+"<") {
			t.Errorf("page lacks %s", c.Path())
		}
	}
	for _, bad := range []string{"<script", "<link", "<iframe", "<img", "@import"} {
		if strings.Contains(strings.ToLower(page), bad) {
			t.Errorf("page contains %s", bad)
		}
	}
	if m := externalRef.FindString(page); m != "" {
		t.Errorf("page refers to an external host: %s", m)
	}
	if !strings.Contains(page, "not implemented yet") {
		t.Error("no not-implemented badge")
	}
	t.Logf("docs: %d bytes", rec.Body.Len())
}

// TestDocsRoutes serves the two documents through the server's mux.
func TestDocsRoutes(t *testing.T) {
	s := newDocsServer(t)
	routeDocs(t, s)
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	for path, ct := range map[string]string{
		"/api/openapi.json": "application/json",
		"/api/docs":         "text/html; charset=utf-8",
	} {
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != ct || len(body) == 0 {
			t.Fatalf("GET %s: %d %q, %d bytes", path, resp.StatusCode, resp.Header.Get("Content-Type"), len(body))
		}
		resp, err = http.Head(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 || resp.Header.Get("Content-Length") != strconv.Itoa(len(body)) {
			t.Fatalf("HEAD %s: %d, Content-Length %q", path, resp.StatusCode, resp.Header.Get("Content-Length"))
		}
		// Commands keep their answers: POST on these paths is no command.
		resp, err = http.Post(srv.URL+path, "application/x-www-form-urlencoded", strings.NewReader("id=1&api_key=x"))
		if err != nil {
			t.Fatal(err)
		}
		body, _ = io.ReadAll(resp.Body)
		resp.Body.Close()
		if !strings.Contains(string(body), `"unknown-command"`) {
			t.Fatalf("POST %s: %d %s", path, resp.StatusCode, body)
		}
	}
}

// TestAnswersMatchDocument validates real answers of the implemented
// read-only commands (and a few failures) against the served document
// with libopenapi-validator: the document describes the wire as it is.
func TestAnswersMatchDocument(t *testing.T) {
	s := newDocsServer(t)
	rec := httptest.NewRecorder()
	s.serveOpenAPI(rec, httptest.NewRequest(http.MethodGet, "/api/openapi.json", nil))
	doc, err := libopenapi.NewDocument(rec.Body.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	v, errs := validator.NewValidator(doc)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)

	call := func(path string, params url.Values) string {
		t.Helper()
		form := url.Values{"id": {strconv.Itoa(docsCustomerID)}, "api_key": {docsAPIKey}}
		for k, vs := range params {
			form[k] = vs
		}
		req, err := http.NewRequest(http.MethodPost, srv.URL+"/api/"+path, strings.NewReader(form.Encode()))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		resp.Body = io.NopCloser(strings.NewReader(string(body)))
		if ok, verrs := v.ValidateHttpResponse(req, resp); !ok {
			for _, e := range verrs {
				t.Errorf("%s: %s: %s", path, e.Message, e.Reason)
				for _, se := range e.SchemaValidationErrors {
					t.Errorf("  %s at %s", se.Reason, se.FieldPath)
				}
			}
			t.Errorf("%s: answer %s", path, body)
		}
		return string(body)
	}

	// The services of the demo customer, by type.
	byType := make(map[string]string)
	list, err := s.Panel.ServicesList(context.Background(), docsCustomerID, panel.ServiceListParams{})
	if err != nil {
		t.Fatal(err)
	}
	for _, svc := range list {
		if _, ok := byType[svc.Type]; !ok {
			byType[svc.Type] = strconv.FormatInt(svc.ID, 10)
		}
	}
	emails, err := s.Panel.EmailsList(context.Background(), docsCustomerID, 1, 0)
	if err != nil || len(emails) == 0 {
		t.Fatalf("demo emails: %v %v", emails, err)
	}
	emailID := strconv.FormatInt(emails[0].ID, 10)
	// A primary zone with records and a secondary zone of the demo
	// customer, for the dns details commands.
	zoneOf := make(map[string]string)
	{
		ctx := context.Background()
		z, err := s.Panel.DNSAddPrimary(ctx, docsCustomerID, "docs.acme.test")
		if err != nil {
			t.Fatal(err)
		}
		pz, err := s.Panel.DNSPrimaryDetails(ctx, docsCustomerID, z.ID)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Panel.DNSEditPrimaryRecords(ctx, docsCustomerID, z.ID, strconv.FormatInt(pz.Serial, 10), []panel.DNSRecordInput{
			{Name: "@", Type: "A", Data1: "192.0.2.1"},
			{Name: "@", Type: "MX", Data1: "10", Data2: "mail"},
			{Name: "mail", Type: "A", Data1: "192.0.2.2"},
		}); err != nil {
			t.Fatal(err)
		}
		zoneOf["dns/details-primary"] = strconv.FormatInt(z.ID, 10)
		// Signed, so that dnssec-details answers with every list filled.
		if s.Panel.DNSSEC == nil {
			s.Panel.DNSSEC = &panel.DNSSECConfig{SecretKey: []byte("artnet-panel docs test key, 32 B")}
		}
		if _, err := s.Panel.DNSSECEnable(ctx, docsCustomerID, z.ID, ""); err != nil {
			t.Fatal(err)
		}
		zoneOf["dns/dnssec-details"] = zoneOf["dns/details-primary"]
		z, err = s.Panel.DNSAddSecondary(ctx, docsCustomerID, "sub.acme.test", "192.0.2.53")
		if err != nil {
			t.Fatal(err)
		}
		zoneOf["dns/details-secoundary"] = strconv.FormatInt(z.ID, 10)
	}
	// A firewall ruleset of the demo customer, with rules.
	rulesetID := ""
	{
		rulesets, err := s.Panel.FirewallList(context.Background(), docsCustomerID)
		if err != nil || len(rulesets) == 0 {
			t.Fatalf("demo firewall rulesets: %v %v", rulesets, err)
		}
		rulesetID = rulesets[0].ID
	}
	// An order of a demo express server writes a proforma invoice.
	order, err := s.Panel.ExpressOrder(context.Background(), docsCustomerID, 503)
	if err != nil {
		t.Fatalf("express order: %v", err)
	}
	tested := 0
	for _, c := range spec.All() {
		if !s.Implemented(c.Path()) || !c.ReadOnly {
			continue
		}
		params := url.Values{}
		for _, p := range c.Params {
			if p.Required && p.Name == "service_id" {
				listOf, _ := spec.Lookup(c.Module, "list")
				id := byType[listOf.ListOf]
				if c.Module == "services" {
					id = byType["dedicated"]
				}
				if id == "" {
					t.Fatalf("%s: no demo service of type %q", c.Path(), listOf.ListOf)
				}
				params.Set("service_id", id)
			} else if p.Required && p.Name == "email_id" {
				params.Set("email_id", emailID)
			} else if p.Required && p.Name == "zone_id" && zoneOf[c.Path()] != "" {
				params.Set("zone_id", zoneOf[c.Path()])
			} else if p.Required && p.Name == "subnetwork_id" {
				params.Set("subnetwork_id", "501")
			} else if p.Required && p.Name == "dns_subclass" {
				params.Set("dns_subclass", "123.123.124")
			} else if p.Required && p.Name == "ruleset_id" {
				params.Set("ruleset_id", rulesetID)
			} else if p.Required && p.Name == "instance_id" {
				params.Set("instance_id", "1") // the demo's cloud instance
			} else if p.Required && p.Name == "parent_service_id" {
				params.Set("parent_service_id", byType["dedicated"])
			} else if p.Required && p.Name == "invoice_number" {
				params.Set("invoice_number", order.InvoiceNumber)
			} else if p.Required {
				t.Fatalf("%s: required parameter %s not handled by the test", c.Path(), p.Name)
			}
		}
		call(c.Path(), params)
		tested++
	}
	if tested < 20 {
		t.Fatalf("only %d commands validated", tested)
	}
	// The validation has teeth: answers the document does not allow fail.
	for _, body := range []string{
		`{"success":false,"error":{"code":"no-such-code","description":{"pl":"a","en":"b"}}}`,
		`{"success":true,"service":{"id":"12345"}}`,
		`{"service":{"id":12345}}`,
	} {
		req := httptest.NewRequest(http.MethodPost, "/api/services/details", nil)
		resp := &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"application/json"}},
			Body: io.NopCloser(strings.NewReader(body)), Request: req}
		if ok, _ := v.ValidateHttpResponse(req, resp); ok {
			t.Errorf("answer %s validates", body)
		}
	}
	// Failures: command errors and not-implemented.
	call("services/details", url.Values{"service_id": {"999999999"}})
	call("customer/email-details", url.Values{"email_id": {"x"}})
	call("dns/details-primary", url.Values{"zone_id": {zoneOf["dns/details-secoundary"]}})
	call("firewall/details", url.Values{"ruleset_id": {"fw-no-such"}})
	// rules-syntax-error with errors_details (direction, index, field).
	if a := call("firewall/save", url.Values{"ruleset_id": {rulesetID},
		"rules[in][0][policy]": {"REJECT"}, "rules[out][0][policy]": {"DROP"}, "rules[out][0][source][ip]": {"300.1.1.1"}}); !strings.Contains(a, `"direction":"out"`) {
		t.Errorf("firewall/save: no errors_details with direction: %s", a)
	}
	call("firewall/save", url.Values{"ruleset_id": {rulesetID}, "confirm_within": {"5"}})
	// The extension: a commit-confirmed save, confirmed, then nothing to confirm.
	for i, want := range []string{`"success":true`, `"success":true`, `"nothing-to-confirm"`} {
		path, params := "firewall/save-confirm", url.Values{"ruleset_id": {rulesetID}}
		if i == 0 {
			path, params = "firewall/save", url.Values{"ruleset_id": {rulesetID}, "confirm_within": {"60"}, "rules[in][0][policy]": {"ACCEPT"}}
		}
		if a := call(path, params); !strings.Contains(a, want) {
			t.Errorf("%s: want %s, got %s", path, want, a)
		}
	}
	for _, c := range spec.All() {
		if s.Implemented(c.Path()) || len(c.Params) > 0 {
			continue
		}
		if a := call(c.Path(), nil); !strings.Contains(a, `"not-implemented"`) {
			t.Errorf("%s: %s", c.Path(), a)
		}
		break
	}
	call("services/list", url.Values{"api_key": {"wrong"}})
}

// TestDocsConcurrent builds the documents from many requests at once: one
// build, the same bytes for all (run with -race).
func TestDocsConcurrent(t *testing.T) {
	s := newDocsServer(t)
	const n = 16
	bodies := make(chan string, 2*n)
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			rec := httptest.NewRecorder()
			s.serveOpenAPI(rec, httptest.NewRequest(http.MethodGet, "/api/openapi.json", nil))
			bodies <- rec.Body.String()
		})
		wg.Go(func() {
			rec := httptest.NewRecorder()
			s.serveDocs(rec, httptest.NewRequest(http.MethodGet, "/api/docs", nil))
			bodies <- "html:" + rec.Body.String()
		})
	}
	wg.Wait()
	close(bodies)
	seen := make(map[string]bool)
	for b := range bodies {
		seen[b] = true
	}
	if len(seen) != 2 {
		t.Fatalf("%d different bodies, want 2", len(seen))
	}
}

// GET /api/docs notes, under each module whose devices this node
// simulates, that they are simulated (issue 23); the modules named in
// ModuleDevices are the catalogue's.
func TestDocsNoteSimulatedDevices(t *testing.T) {
	modules := map[string]bool{}
	for _, m := range spec.Modules() {
		modules[m.Name] = true
	}
	for m := range ModuleDevices {
		if !modules[m] {
			t.Errorf("ModuleDevices names %q, not a module of the catalogue", m)
		}
	}
	page := func(modes map[string]string) string {
		s := newDocsServer(t)
		s.DeviceModes = modes
		rec := httptest.NewRecorder()
		s.serveDocs(rec, httptest.NewRequest(http.MethodGet, "/api/docs", nil))
		if rec.Code != http.StatusOK {
			t.Fatalf("status %d: %s", rec.Code, rec.Body)
		}
		return rec.Body.String()
	}
	honest := page(map[string]string{"firewall": "none", "bgp": "real", "hypervisor": "none", "power": "real", "registry": "none"})
	if strings.Contains(honest, `class="note"`) {
		t.Error("a node that simulates nothing has module notes")
	}
	bgpSim := page(map[string]string{"firewall": "real", "bgp": "sim", "hypervisor": "real", "power": "real", "registry": "none"})
	for _, m := range []string{"ip-blackholing", "fail-over-ip"} {
		if !strings.Contains(bgpSim, `id="note-`+m+`">This node runs simulated devices for this module (bgp)`) {
			t.Errorf("module %s: no note of the simulated BGP speaker", m)
		}
	}
	for _, m := range []string{"firewall", "dedicated", "vps", "cloud-instance"} {
		if strings.Contains(bgpSim, `id="note-`+m+`"`) {
			t.Errorf("module %s noted as simulated with only BGP simulated", m)
		}
	}
	// The cached page of one set of modes is not served for another.
	if again := page(map[string]string{"firewall": "none"}); strings.Contains(again, `class="note"`) {
		t.Error("the docs of another node's modes were served from the cache")
	}
}
