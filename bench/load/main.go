// Command load measures artnetd's HTTP API under load and compares it with
// an anchor measured in the same run: a bare net/http handler that writes
// the very bytes artnetd answers. Both are driven by the same client: N
// keep-alive connections (default 64) for a fixed time each.
//
//	go run ./bench/load [-conns 64] [-duration 5s] [-db sqlite|postgres://...]
//
// It prints requests per second, p50/p99 latency and the ratio ours/bare
// for /api/services/details, then /api/services/list?limit=50 over a
// customer with 100,000 services at offset 0 and offset 90,000. Everything
// listens on 127.0.0.1 port 0 and stops by itself.
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime/pprof"
	"strings"
	"time"

	"github.com/artnet-panel/artnet-panel/artnet"
	"github.com/artnet-panel/artnet-panel/bench/internal/loadgen"
	"github.com/artnet-panel/artnet-panel/internal/accesslog"
	"github.com/artnet-panel/artnet-panel/internal/demo"
	"github.com/artnet-panel/artnet-panel/internal/httpapi"
	"github.com/artnet-panel/artnet-panel/internal/inventory"
	"github.com/artnet-panel/artnet-panel/internal/panel"
	"github.com/artnet-panel/artnet-panel/internal/store"
	"github.com/artnet-panel/artnet-panel/internal/store/postgres"
	"github.com/artnet-panel/artnet-panel/internal/store/sqlite"
)

const benchKey = "BenchKeyBenchKeyBenchKeyBenchKey0123456789"

func main() {
	conns := flag.Int("conns", 64, "concurrent keep-alive connections")
	duration := flag.Duration("duration", 5*time.Second, "duration of each measurement")
	dbFlag := flag.String("db", "sqlite", "sqlite (temp file) or a postgres:// DSN (must be empty)")
	services := flag.Int("services", 100_000, "services of the big customer for the list benchmark")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of the artnetd details run to this file")
	flag.Parse()
	ctx := context.Background()

	st, cleanup, err := openStore(ctx, *dbFlag)
	if err != nil {
		log.Fatal(err)
	}
	defer cleanup()
	inv, err := demo.Inventory()
	if err != nil {
		log.Fatal(err)
	}
	inv.Customers[0].APIKey = benchKey
	if err := inventory.Import(ctx, st, inv); err != nil {
		log.Fatal(err)
	}
	customerID := inv.Customers[0].Customer.ID

	// The access log is part of the server's work: write it, to /dev/null,
	// buffered as artnetd does; credentials are cached as in artnetd (one
	// process: nothing to invalidate).
	devnull, _ := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	p := panel.New(st)
	p.Credentials = &panel.CredentialsCache{}
	p.Services = &panel.ServiceCache{}
	p.ListAnchors = &panel.ListAnchors{}
	api := httpapi.New(p, slog.New(slog.NewJSONHandler(devnull, nil)))
	api.AccessLog = accesslog.New(devnull, time.Second)
	defer api.AccessLog.Close()
	api.Ready.Store(true)
	ours, stopOurs := serve(api)
	defer stopOurs()

	detailsBody := form(customerID, "service_id", "12345")
	sample, err := loadgen.Fetch(ours+"/api/services/details", detailsBody)
	if err != nil {
		log.Fatal(err)
	}
	if !bytes.Contains(sample, []byte(`"success":true`)) {
		log.Fatalf("services/details failed: %s", sample)
	}
	bare, stopBare := serve(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.Header().Set("X-Request-Id", "0123456789abcdef")
		w.Write(sample)
	}))
	defer stopBare()

	fmt.Printf("machine: %d conns, %s per measurement, database %s\n\n", *conns, *duration, dbName(*dbFlag))
	fmt.Println("/api/services/details (answer", len(sample), "bytes)")
	b := loadgen.Run(bare+"/api/services/details", detailsBody, *conns, *duration)
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			log.Fatal(err)
		}
		pprof.StartCPUProfile(f)
	}
	o := loadgen.Run(ours+"/api/services/details", detailsBody, *conns, *duration)
	pprof.StopCPUProfile()
	b.Print("bare net/http")
	o.Print("artnetd")
	fmt.Printf("  ratio artnetd/bare: %.2f (target >= 0.70)\n\n", o.Rate/b.Rate)

	// The list benchmark: a second customer with many services.
	bigID, err := seedMany(ctx, st, *services)
	if err != nil {
		log.Fatal(err)
	}
	for _, off := range []int{0, *services - 10_000} {
		body := form(bigID, "limit", "50", "offset", fmt.Sprint(off))
		got, err := loadgen.Fetch(ours+"/api/services/list", body)
		if err != nil || !bytes.Contains(got, []byte(`"success":true`)) {
			log.Fatalf("services/list offset %d: %v %.200s", off, err, got)
		}
		fmt.Printf("/api/services/list?limit=50&offset=%d (%d services, answer %d bytes)\n", off, *services, len(got))
		loadgen.Run(ours+"/api/services/list", body, *conns, *duration).Print("artnetd")
		fmt.Println()
	}
}

func dbName(s string) string {
	if strings.HasPrefix(s, "postgres") {
		return "postgres"
	}
	return "sqlite (temp file, WAL)"
}

func openStore(ctx context.Context, db string) (store.Store, func(), error) {
	if strings.HasPrefix(db, "postgres://") || strings.HasPrefix(db, "postgresql://") {
		st, err := postgres.Open(ctx, db)
		if err != nil {
			return nil, nil, err
		}
		return st, func() { st.Close() }, nil
	}
	dir, err := os.MkdirTemp("", "artnet-bench-")
	if err != nil {
		return nil, nil, err
	}
	st, err := sqlite.Open(ctx, filepath.Join(dir, "bench.db"))
	if err != nil {
		return nil, nil, err
	}
	return st, func() { st.Close(); os.RemoveAll(dir) }, nil
}

// seedMany imports a customer owning n dedicated servers.
func seedMany(ctx context.Context, st store.Store, n int) (int64, error) {
	start := time.Now()
	c := inventory.Customer{
		Customer: artnet.Customer{ID: 500000, Name: "Big Hoster sp. z o.o.", Language: "pl", Currency: "PLN"},
		APIKey:   benchKey,
	}
	for i := 0; i < n; i++ {
		c.Services = append(c.Services, inventory.Service{
			Service: artnet.Service{
				ID: int64(1_000_000 + i), Type: "dedicated", Name: fmt.Sprintf("server-%06d", i),
				ExpirationTime: artnet.Unix(1893456000), IP: fmt.Sprintf("10.%d.%d.%d", i>>16&255, i>>8&255, i&255),
				PaymentDetails: artnet.PaymentDetails{Price: 52700, PriceBrutto: 64821, Currency: "PLN", PaymentPeriod: 1},
			},
			Details: []byte(`{"active":true}`),
		})
	}
	if err := inventory.Import(ctx, st, inventory.Inventory{Customers: []inventory.Customer{c}}); err != nil {
		return 0, err
	}
	fmt.Printf("(imported %d services in %s)\n", n, time.Since(start).Round(time.Millisecond))
	return c.Customer.ID, nil
}

func form(id int64, kv ...string) string {
	v := url.Values{"id": {fmt.Sprint(id)}, "api_key": {benchKey}}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Set(kv[i], kv[i+1])
	}
	return v.Encode()
}

func serve(h http.Handler) (string, func()) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	srv := &http.Server{Handler: h}
	go srv.Serve(ln)
	return "http://" + ln.Addr().String(), func() { srv.Close() }
}
