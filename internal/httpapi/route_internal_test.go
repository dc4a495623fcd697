package httpapi

import (
	"context"
	"maps"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/artnet-panel/artnet-panel/internal/demo"
	"github.com/artnet-panel/artnet-panel/internal/inventory"
	"github.com/artnet-panel/artnet-panel/internal/panel"
	"github.com/artnet-panel/artnet-panel/internal/store/sqlite"
)

// TestCommandPathIsTheMuxRoute: a request that skips the ServeMux
// (commandPath) is answered exactly as the mux answers it, and every
// other request still goes through the mux: paths to clean or redirect,
// escaped ones, other methods, other routes.
func TestCommandPathIsTheMuxRoute(t *testing.T) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "route.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	inv, err := demo.Inventory()
	if err != nil {
		t.Fatal(err)
	}
	const key = "KKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKkkkk"
	inv.Customers[0].APIKey = key
	if err := inventory.Import(ctx, st, inv); err != nil {
		t.Fatal(err)
	}
	s := New(panel.New(st), nil)
	s.Ready.Store(true)
	id := inv.Customers[0].Customer.ID
	svc := inv.Customers[0].Services[0].Service.ID
	body := "id=" + strconv.FormatInt(id, 10) + "&api_key=" + key + "&service_id=" + strconv.FormatInt(svc, 10)

	fast := map[string]bool{ // path: whether commandPath takes a POST to it
		"/api/services/details":              true,
		"/panel/api/services/details":        true,
		"/api/services/nope":                 true,
		"/api/nope/details":                  true,
		"/api/customer/get-language":         true,
		"/api/Services/Details":              true,
		"/api/services/details.":             true,
		"/api/services/...":                  true,
		"/api/a_b/c-d":                       true,
		"/api/services/details?service_id=0": true,
		"/api/services/details/":             false,
		"/api/services//details":             false,
		"/api//services/details":             false,
		"/api/services/./details":            false,
		"/api/./services/details":            false,
		"/api/services/../services/details":  false,
		"/api/../api/services/details":       false,
		"/api/services/.":                    false,
		"/api/services/..":                   false,
		"/api/services/%64etails":            false,
		"/api/services%2Fdetails/x":          false,
		"/api/services/details%2F":           false,
		"/api/services/det%20ails":           false,
		"/api/services/det+ails":             false,
		"/api/a/b/c":                         false,
		"/api/services":                      false,
		"/api/":                              false,
		"/api":                               false,
		"/api/openapi.json":                  false,
		"/api/docs":                          false,
		"/API/services/details":              false,
		"/panel/api/services":                false,
		"/healthz":                           false,
		"/manage":                            false,
		"/nothing/here/at":                   false,
	}
	for _, path := range slices.Sorted(maps.Keys(fast)) {
		for _, method := range []string{http.MethodPost, http.MethodGet, http.MethodPut} {
			newReq := func() *http.Request {
				r := httptest.NewRequest(method, path, strings.NewReader(body))
				r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				r.Header.Set("X-Request-Id", "route-test")
				return r
			}
			_, took := commandPath(newReq())
			if want := fast[path] && method == http.MethodPost; took != want {
				t.Errorf("%s %s: commandPath %v, want %v", method, path, took, want)
			}
			got := httptest.NewRecorder()
			s.ServeHTTP(got, newReq())
			want := httptest.NewRecorder()
			want.Header().Set("X-Request-Id", "route-test")
			s.mux.ServeHTTP(want, newReq())
			if method == http.MethodPost && path == "/api/services/details" && !strings.Contains(got.Body.String(), `"success":true`) {
				t.Errorf("services/details failed: %s", got.Body)
			}
			if got.Code != want.Code || got.Body.String() != want.Body.String() || !equalHeaders(got.Header(), want.Header()) {
				t.Errorf("%s %s:\n served %d %v %s\n mux    %d %v %s", method, path,
					got.Code, got.Header(), got.Body, want.Code, want.Header(), want.Body)
			}
		}
	}
}

func equalHeaders(a, b http.Header) bool {
	return maps.EqualFunc(a, b, slices.Equal)
}
