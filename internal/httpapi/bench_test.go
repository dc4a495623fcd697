package httpapi_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/artnet-panel/artnet-panel/internal/accesslog"
	"github.com/artnet-panel/artnet-panel/internal/demo"
	"github.com/artnet-panel/artnet-panel/internal/httpapi"
	"github.com/artnet-panel/artnet-panel/internal/inventory"
	"github.com/artnet-panel/artnet-panel/internal/panel"
	"github.com/artnet-panel/artnet-panel/internal/store"
	"github.com/artnet-panel/artnet-panel/internal/store/sqlite"
)

// discardResponse is a reusable http.ResponseWriter that drops the body.
type discardResponse struct {
	h      http.Header
	status int
	n      int
}

func (w *discardResponse) Header() http.Header         { return w.h }
func (w *discardResponse) WriteHeader(status int)      { w.status = status }
func (w *discardResponse) Write(p []byte) (int, error) { w.n += len(p); return len(p), nil }

// BenchmarkServicesDetails is the request path of bench/api in process:
// services/details as the demo customer, with the credentials and service
// caches on and the access log buffered (to nowhere), as artnetd serves
// it. Its allocs/op count what one request costs the handler.
func BenchmarkServicesDetails(b *testing.B) { benchServicesDetails(b, nil, false) }

// BenchmarkServicesDetailsRateLimited is BenchmarkServicesDetails with a
// rate limit that is never reached (--rate-limit 1e9): what the token
// buckets cost a request. The Parallel variants run on every CPU (the
// buckets share one lock).
func BenchmarkServicesDetailsRateLimited(b *testing.B) {
	benchServicesDetails(b, &httpapi.RateLimiter{RPS: 1e9, Burst: 1e9}, false)
}

func BenchmarkServicesDetailsParallel(b *testing.B) { benchServicesDetails(b, nil, true) }

func BenchmarkServicesDetailsRateLimitedParallel(b *testing.B) {
	benchServicesDetails(b, &httpapi.RateLimiter{RPS: 1e9, Burst: 1e9}, true)
}

func benchServicesDetails(b *testing.B, limit *httpapi.RateLimiter, parallel bool) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	inv, err := demo.Inventory()
	if err != nil {
		b.Fatal(err)
	}
	inv.Customers[0].APIKey = keyA
	if err := inventory.Import(ctx, st, inv); err != nil {
		b.Fatal(err)
	}
	p := panel.New(st)
	p.Credentials = &panel.CredentialsCache{}
	p.Services = &panel.ServiceCache{}
	api := httpapi.New(p, nil)
	api.AccessLog = accesslog.New(io.Discard, time.Second)
	defer api.AccessLog.Close()
	api.Ready.Store(true)
	api.RateLimit = limit
	list, err := st.ServiceList(ctx, store.ServiceFilter{CustomerID: idA})
	if err != nil || len(list) == 0 {
		b.Fatalf("no service of the demo customer: %v", err)
	}
	body := url.Values{"id": {strconv.Itoa(idA)}, "api_key": {keyA},
		"service_id": {strconv.FormatInt(list[0].ID, 10)}}.Encode()
	u, _ := url.Parse("/api/services/details")
	serveTo := func(w *discardResponse) {
		clear(w.h)
		w.status, w.n = 0, 0
		r := &http.Request{Method: http.MethodPost, URL: u, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
			Header: http.Header{"Content-Type": {"application/x-www-form-urlencoded"}},
			Body:   io.NopCloser(strings.NewReader(body)), ContentLength: int64(len(body)),
			RemoteAddr: "127.0.0.1:40000", RequestURI: u.Path, Host: "127.0.0.1"}
		api.ServeHTTP(w, r)
	}
	if parallel {
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			w := &discardResponse{h: http.Header{}}
			for pb.Next() {
				serveTo(w)
				if w.status != http.StatusOK {
					b.Errorf("status %d", w.status)
					return
				}
			}
		})
		return
	}
	w := &discardResponse{h: http.Header{}}
	serve := func() {
		clear(w.h)
		w.status, w.n = 0, 0
		r := &http.Request{Method: http.MethodPost, URL: u, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
			Header: http.Header{"Content-Type": {"application/x-www-form-urlencoded"}},
			Body:   io.NopCloser(strings.NewReader(body)), ContentLength: int64(len(body)),
			RemoteAddr: "127.0.0.1:40000", RequestURI: u.Path, Host: "127.0.0.1"}
		api.ServeHTTP(w, r)
	}
	serve()
	if w.status != http.StatusOK || w.n < 100 {
		b.Fatalf("services/details: status %d, %d bytes", w.status, w.n)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		serve()
	}
}
