// Command dnsbench is the Go side of bench/dns/run.sh: it generates the
// benchmark zone and query list, serves a zone file with internal/dnsd, and
// measures the memory a loaded zone takes and the time from an API edit to
// the DNS answer carrying it.
//
//	dnsbench gen   -origin bench.test. -records 1000 -zone bench.zone -queries queries.txt
//	dnsbench serve -origin bench.test. -zone bench.zone -listen 127.0.0.1:5300
//	dnsbench mem   -records 1000000
//	dnsbench edit  -n 500   # edit-to-answer time through the HTTP API (edit.go)
//	dnsbench port  # prints a port free on 127.0.0.1 for UDP and TCP
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/netip"
	"os"
	"os/signal"
	"runtime"
	"runtime/debug"
	"syscall"
	"time"

	"github.com/artnet-panel/artnet-panel/internal/dnsd"
	"github.com/artnet-panel/artnet-panel/internal/dnssec"
	"github.com/miekg/dns"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: dnsbench gen|serve|mem|edit|port [flags]")
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "gen":
		err = gen(os.Args[2:])
	case "serve":
		err = serve(os.Args[2:])
	case "mem":
		err = mem(os.Args[2:])
	case "edit":
		err = edit(os.Args[2:])
	case "port":
		err = freePort()
	default:
		err = fmt.Errorf("unknown command %q", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "dnsbench:", err)
		os.Exit(1)
	}
}

// zoneRecords writes a zone of about n records to emit: the apex (SOA, 2 NS,
// MX, A, TXT), the name servers' addresses, then hosts with A, AAAA, TXT,
// MX and CNAME records in turn. It returns the host names generated, by
// type, for the query list.
func zoneRecords(origin string, n int, emit func(string)) map[string][]string {
	emit(fmt.Sprintf("%s 3600 IN SOA ns1.%s hostmaster.%s 2024010101 7200 3600 1209600 300", origin, origin, origin))
	emit(fmt.Sprintf("%s 3600 IN NS ns1.%s", origin, origin))
	emit(fmt.Sprintf("%s 3600 IN NS ns2.%s", origin, origin))
	emit(fmt.Sprintf("%s 3600 IN MX 10 mail.%s", origin, origin))
	emit(fmt.Sprintf("%s 3600 IN A 192.0.2.1", origin))
	emit(fmt.Sprintf("%s 3600 IN TXT \"v=spf1 mx -all\"", origin))
	emit(fmt.Sprintf("ns1.%s 3600 IN A 192.0.2.53", origin))
	emit(fmt.Sprintf("ns2.%s 3600 IN A 192.0.2.54", origin))
	emit(fmt.Sprintf("mail.%s 3600 IN A 192.0.2.25", origin))
	names := map[string][]string{}
	for i := 0; i < n-9; i++ {
		h := fmt.Sprintf("host%d.%s", i/4, origin)
		switch i % 4 {
		case 0:
			emit(fmt.Sprintf("%s 3600 IN A 10.%d.%d.%d", h, i>>16&255, i>>8&255, i&255))
			names["A"] = append(names["A"], h)
		case 1:
			emit(fmt.Sprintf("%s 3600 IN AAAA 2001:db8::%x:%x", h, i>>16, i&0xffff))
			names["AAAA"] = append(names["AAAA"], h)
		case 2:
			emit(fmt.Sprintf("%s 3600 IN TXT \"host %d\"", h, i))
			names["TXT"] = append(names["TXT"], h)
		case 3:
			if i%8 == 3 {
				emit(fmt.Sprintf("%s 3600 IN MX 10 mail.%s", h, origin))
				names["MX"] = append(names["MX"], h)
			} else {
				c := fmt.Sprintf("www%d.%s", i/4, origin)
				emit(fmt.Sprintf("%s 3600 IN CNAME %s", c, h))
				names["CNAME"] = append(names["CNAME"], c)
			}
		}
	}
	return names
}

func gen(args []string) error {
	fs := flag.NewFlagSet("gen", flag.ExitOnError)
	origin := fs.String("origin", "bench.test.", "zone origin")
	records := fs.Int("records", 1000, "records in the zone")
	zoneFile := fs.String("zone", "bench.zone", "zone file to write")
	queryFile := fs.String("queries", "queries.txt", "dnsperf query file to write")
	fs.Parse(args)

	zf, err := os.Create(*zoneFile)
	if err != nil {
		return err
	}
	zw := bufio.NewWriter(zf)
	names := zoneRecords(*origin, *records, func(s string) { fmt.Fprintln(zw, s) })
	if err := zw.Flush(); err != nil {
		return err
	}
	if err := zf.Close(); err != nil {
		return err
	}

	// The query mix: 70% existing data of several types (A, AAAA, TXT, MX,
	// A through a CNAME), 15% NXDOMAIN, 15% NODATA; 10,000 lines that
	// dnsperf loops over.
	qf, err := os.Create(*queryFile)
	if err != nil {
		return err
	}
	qw := bufio.NewWriter(qf)
	r := rand.New(rand.NewPCG(1, 2))
	pick := func(t string) string { l := names[t]; return l[r.IntN(len(l))] }
	for i := 0; i < 10000; i++ {
		switch k := r.IntN(100); {
		case k < 20:
			fmt.Fprintf(qw, "%s A\n", pick("A"))
		case k < 35:
			fmt.Fprintf(qw, "%s AAAA\n", pick("AAAA"))
		case k < 45:
			fmt.Fprintf(qw, "%s TXT\n", pick("TXT"))
		case k < 55:
			fmt.Fprintf(qw, "%s MX\n", pick("MX"))
		case k < 65:
			fmt.Fprintf(qw, "%s A\n", pick("CNAME"))
		case k < 70:
			fmt.Fprintf(qw, "%s A\n", *origin)
		case k < 85:
			fmt.Fprintf(qw, "nx%d.%s A\n", r.IntN(1000000), *origin)
		default:
			fmt.Fprintf(qw, "%s MX\n", pick("A"))
		}
	}
	if err := qw.Flush(); err != nil {
		return err
	}
	return qf.Close()
}

func loadZone(origin, file string) (dnsd.Zone, error) {
	f, err := os.Open(file)
	if err != nil {
		return dnsd.Zone{}, err
	}
	defer f.Close()
	zp := dns.NewZoneParser(bufio.NewReader(f), origin, file)
	var rrs []dns.RR
	for rr, ok := zp.Next(); ok; rr, ok = zp.Next() {
		rrs = append(rrs, rr)
	}
	return dnsd.Zone{Origin: origin, Records: rrs}, zp.Err()
}

func serve(args []string) error {
	fs := flag.NewFlagSet("serve", flag.ExitOnError)
	origin := fs.String("origin", "bench.test.", "zone origin")
	zoneFile := fs.String("zone", "bench.zone", "zone file")
	listen := fs.String("listen", "127.0.0.1:5300", "address to serve on (UDP and TCP)")
	workers := fs.Int("udp-workers", 0, "UDP workers (0: dnsd's default)")
	cacheEntries := fs.Int("cache-entries", 0, "answer cache entries per UDP worker (0: default, -1: no cache)")
	plain := fs.Bool("miekg", false, "serve UDP with a plain miekg dns.Server calling dnsd's handler (the baseline)")
	signed := fs.Bool("dnssec", false, "sign the zone (a new ECDSA KSK and ZSK, NSEC) as zonesync does")
	fs.Parse(args)

	z, err := loadZone(*origin, *zoneFile)
	if err != nil {
		return err
	}
	if *signed {
		if z, err = signZone(z); err != nil {
			return err
		}
	}
	snap, err := dnsd.NewSnapshot([]dnsd.Zone{z})
	if err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	srv := dnsd.NewServer(dnsd.Config{
		Logger:       log,
		UDPWorkers:   *workers,
		CacheEntries: *cacheEntries,
		AXFRAllowed:  []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")},
	})
	srv.SetSnapshot(snap)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	log.Info("zone loaded", "origin", *origin, "records", snap.Records())
	if *plain {
		ms := &dns.Server{Addr: *listen, Net: "udp", Handler: srv, ReusePort: true}
		go func() {
			<-ctx.Done()
			ms.Shutdown()
		}()
		return ms.ListenAndServe()
	}
	return srv.ListenAndServe(ctx, *listen)
}

// signZone signs z with a new ECDSA P-256 KSK and ZSK, as zonesync does
// with the default policy.
func signZone(z dnsd.Zone) (dnsd.Zone, error) {
	var keys []dnssec.Key
	for _, role := range []dnssec.Role{dnssec.KSK, dnssec.ZSK} {
		k, err := dnssec.Generate(dns.ECDSAP256SHA256, role, time.Now())
		if err != nil {
			return z, err
		}
		keys = append(keys, k)
	}
	now := time.Now()
	rrs, err := dnssec.DefaultPolicy().SignZone(z.Origin, z.Records, dnssec.ZoneKeys{Keys: keys}, now, now)
	return dnsd.Zone{Origin: z.Origin, Records: rrs}, err
}

func mem(args []string) error {
	fs := flag.NewFlagSet("mem", flag.ExitOnError)
	records := fs.Int("records", 1000000, "records to load")
	signed := fs.Bool("dnssec", false, "sign the zone before loading it (the figure is then per record of the signed zone, RRSIG and NSEC included, and per record signed)")
	fs.Parse(args)

	heap := func() (inuse, live uint64) {
		runtime.GC()
		debug.FreeOSMemory()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return ms.HeapInuse, ms.HeapAlloc
	}
	before, beforeLive := heap()
	start := time.Now()
	// Parse the records as the API will hand them over: one dns.RR each,
	// built from text by miekg's zone parser.
	origin := "bench.test."
	var rrs []dns.RR
	var parseErr error
	zoneRecords(origin, *records, func(s string) {
		rr, err := dns.NewRR(s)
		if err != nil && parseErr == nil {
			parseErr = err
		}
		rrs = append(rrs, rr)
	})
	if parseErr != nil {
		return parseErr
	}
	unsigned := len(rrs)
	var signTime time.Duration
	z := dnsd.Zone{Origin: origin, Records: rrs}
	if *signed {
		t := time.Now()
		var err error
		if z, err = signZone(z); err != nil {
			return err
		}
		signTime = time.Since(t)
	}
	snap, err := dnsd.NewSnapshot([]dnsd.Zone{z})
	if err != nil {
		return err
	}
	z = dnsd.Zone{}
	rrs = nil // only the snapshot keeps the records
	built := time.Since(start)
	after, afterLive := heap()
	runtime.KeepAlive(snap)
	n := snap.Records()
	fmt.Printf("memory: %d records loaded in %s; heap in use after GC %.1f MiB = %.0f bytes/record (live objects %.0f bytes/record)\n",
		n, built.Round(time.Millisecond), float64(after-before)/(1<<20), float64(after-before)/float64(n),
		float64(afterLive-beforeLive)/float64(n))
	if *signed {
		fmt.Printf("memory, signed: %d records before signing (signed in %s); heap in use %.0f bytes per record signed\n",
			unsigned, signTime.Round(time.Millisecond), float64(after-before)/float64(unsigned))
	}
	return nil
}

func freePort() error {
	for i := 0; i < 50; i++ {
		pc, err := net.ListenPacket("udp", "127.0.0.1:0")
		if err != nil {
			return err
		}
		port := pc.LocalAddr().(*net.UDPAddr).Port
		ln, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", port))
		pc.Close()
		if err == nil {
			ln.Close()
			fmt.Println(port)
			return nil
		}
	}
	return fmt.Errorf("no free port")
}
