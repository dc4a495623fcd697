// Command bgp measures the BGP path of the built artnetd (go build, its
// default logging to a file) with the real driver: its embedded GoBGP
// speaker announcing to a second, independent GoBGP speaker (the peer) over
// TCP on 127.0.0.1 → 127.0.0.6.
//
//	go run ./bench/bgp [-n 300] [-blackholes 10000] [-db sqlite|postgres://...]
//
// It prints:
//
//   - API call → route in the peer's RIB: the time from sending
//     /ip-blackholing/enable until the peer has received the blackhole
//     route (p50, p99, max over n calls, one at a time), and the same for
//     /ip-blackholing/disable until the peer has the withdrawal;
//   - the convergence of 10,000 blackholes: stored in the database, the
//     time until the running artnetd has them all in the peer's RIB; then
//     after a restart of artnetd (SIGTERM), the time until it is ready,
//     until the session is up again and until the peer has received all
//     of them.
//
// Everything listens on loopback and stops by itself.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"net/http"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/artnet-panel/artnet-panel/bench/internal/artnetdbin"
	"github.com/artnet-panel/artnet-panel/internal/demo"
	"github.com/artnet-panel/artnet-panel/internal/driver/gobgp"
	"github.com/artnet-panel/artnet-panel/internal/inventory"
	"github.com/artnet-panel/artnet-panel/internal/panel"
	"github.com/artnet-panel/artnet-panel/internal/store"
	"github.com/artnet-panel/artnet-panel/internal/store/postgres"
	"github.com/artnet-panel/artnet-panel/internal/store/sqlite"
)

const (
	customerID = 19052
	apiKey     = "BENCHkeyBENCHkeyBENCHkeyBENCHkeyBENCHkey"
)

func main() {
	n := flag.Int("n", 300, "API calls measured (enable, then disable)")
	many := flag.Int("blackholes", 10000, "blackholes for the restart convergence")
	dsn := flag.String("db", "sqlite", "sqlite (a temporary file) or a postgres:// URL of an empty database")
	flag.Parse()
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "bench-bgp")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	var st store.Store
	if strings.HasPrefix(*dsn, "postgres") {
		st, err = postgres.Open(ctx, *dsn)
	} else {
		st, err = sqlite.Open(ctx, filepath.Join(dir, "bench.db"))
	}
	if err != nil {
		log.Fatal(err)
	}
	defer st.Close()
	inv, err := demo.Inventory()
	if err != nil {
		log.Fatal(err)
	}
	inv.Customers[0].APIKey = apiKey
	// A /17 for the customer: room for the blackholes.
	inv.Customers[0].Services[0].Details = []byte(strings.Replace(string(inv.Customers[0].Services[0].Details),
		`"subnetworks": [`, `"subnetworks": [{"id": 9001, "ip": "100.64.0.0", "mask": "255.255.128.0", "mask_short": "/17", "type": "IPv4"}, `, 1))
	if err := inventory.Import(ctx, st, inv); err != nil {
		log.Fatal(err)
	}

	local := netip.MustParseAddr("127.0.0.1")
	col, err := gobgp.StartCollector(ctx, netip.MustParseAddr("127.0.0.6"), 64541, local, 64540)
	if err != nil {
		log.Fatal(err)
	}
	defer col.Close()
	db := "sqlite:" + filepath.Join(dir, "bench.db")
	if strings.HasPrefix(*dsn, "postgres") {
		db = *dsn
	}
	bin := artnetdbin.Build(dir)
	addr := artnetdbin.FreeAddr()
	args := []string{"serve", "--db", db, "--http", addr, "--bgp-asn", "64540", "--bgp-router-id", "127.0.0.1",
		"--bgp-local-address", "127.0.0.1", "--bgp-peers", fmt.Sprintf("64541@%s:%d", col.Addr, col.Port)}
	logPath := filepath.Join(dir, "artnetd.log")
	srv := artnetdbin.Start(bin, nil, logPath, addr, args...)
	defer func() { srv.Stop() }()
	p := panel.New(st) // the stored state, as artnetd computes it
	base := "http://" + addr + "/api/"
	waitUntil(ctx, 60*time.Second, func() bool { return col.Established(ctx) })
	fmt.Printf("bench/bgp: db %s, peer GoBGP on %s:%d\n", strings.SplitN(*dsn, ":", 2)[0], col.Addr, col.Port)

	client := &http.Client{}
	call := func(cmd, ip string) {
		resp, err := client.PostForm(base+cmd, url.Values{"id": {fmt.Sprint(customerID)}, "api_key": {apiKey}, "ip": {ip}})
		if err != nil {
			log.Fatal(err)
		}
		resp.Body.Close()
	}
	measure := func(cmd string, withdraw bool) []time.Duration {
		var lat []time.Duration
		for i := range *n {
			a := netip.AddrFrom4([4]byte{100, 64, byte(i >> 8), byte(i)})
			pfx := netip.PrefixFrom(a, 32)
			t0 := time.Now()
			call(cmd, a.String())
			var u gobgp.Update
			waitUntil(ctx, 10*time.Second, func() bool {
				var ok bool
				u, ok = col.Last(pfx)
				return ok && u.Withdraw == withdraw && u.At.After(t0)
			})
			lat = append(lat, u.At.Sub(t0))
		}
		return lat
	}
	report("enable  → route in the peer's RIB", measure("ip-blackholing/enable", false))
	report("disable → withdrawal at the peer  ", measure("ip-blackholing/disable", true))

	// 10,000 blackholes, then a restart of the speaker.
	t0 := time.Now()
	err = st.InTx(ctx, func(tx store.Store) error {
		for i := range *many {
			a := netip.AddrFrom4([4]byte{100, 64 + byte(i>>16), byte(i >> 8), byte(i)})
			if err := tx.BlackholeAdd(ctx, store.Blackhole{IP: a.String(), CustomerID: customerID, Type: "admin", CreatedAt: time.Now().Unix()}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("stored %d blackholes in %v\n", *many, time.Since(t0).Round(time.Millisecond))
	t0 = time.Now()
	want, err := p.BGPState(ctx, st)
	if err != nil {
		log.Fatal(err)
	}
	// The running artnetd hears of them through the change feed.
	waitUntil(ctx, 120*time.Second, func() bool { r, _ := col.RIB(ctx); return gobgp.SameRIB(r, want) })
	fmt.Printf("live: %d routes announced and in the peer's RIB %v after the commit\n", len(want.Announcements), time.Since(t0).Round(time.Millisecond))

	srv.Stop()
	waitUntil(ctx, 10*time.Second, func() bool { return !col.Established(ctx) })
	mark := col.Received()
	t0 = time.Now()
	srv = artnetdbin.Start(bin, nil, logPath, addr, args...)
	ready := time.Since(t0)
	waitUntil(ctx, 120*time.Second, func() bool { return col.Established(ctx) })
	up := time.Since(t0)
	waitUntil(ctx, 120*time.Second, func() bool { return col.Received()-mark >= len(want.Announcements) })
	all := time.Since(t0)
	rib, _ := col.RIB(ctx)
	fmt.Printf("restart with %d routes: artnetd ready after %v; session up after %v (the peer's idle hold and our connect retry);\n"+
		"  all re-announced to the peer after %v (%v after the session came up); peer RIB exact: %v (the routes were kept meanwhile: graceful restart)\n",
		len(want.Announcements), ready.Round(time.Millisecond), up.Round(time.Millisecond), all.Round(time.Millisecond),
		(all - up).Round(time.Millisecond), gobgp.SameRIB(rib, want))
}

func report(what string, lat []time.Duration) {
	slices.Sort(lat)
	q := func(f float64) time.Duration { return lat[int(f*float64(len(lat)-1))].Round(10 * time.Microsecond) }
	fmt.Printf("%s: n=%d p50 %v p99 %v max %v\n", what, len(lat), q(0.5), q(0.99), lat[len(lat)-1].Round(10*time.Microsecond))
}

func waitUntil(ctx context.Context, limit time.Duration, ok func() bool) {
	deadline := time.Now().Add(limit)
	for !ok() {
		if time.Now().After(deadline) || ctx.Err() != nil {
			log.Fatalf("timed out after %v", limit)
		}
		time.Sleep(200 * time.Microsecond)
	}
}
