package main

import (
	"bufio"
	"fmt"
	"log"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// soak drives artnetd alone with the load of the comparison (conns
// keep-alive connections posting path) for d, and prints its resident
// memory and goroutine count (from /metrics: process_resident_memory_bytes,
// go_goroutines) before the load, at every quarter of it, and after the
// load once idle connections closed, so that growth shows.
func soak(ours *proc, path, body string, conns int, d time.Duration) {
	fmt.Printf("soak: %d conns posting %s for %s\n", conns, path, d)
	// A short warm-up fills the pools and caches first.
	run(ours.url+path, body, conns, min(d/10, 2*time.Second))
	time.Sleep(time.Second)
	rss0, gor0 := readGauges(ours.metrics)
	fmt.Printf("  before:  RSS %6.1f MiB   goroutines %d\n", rss0/(1<<20), int(gor0))
	quarter := d / 4
	var parts []result
	for i := range 4 {
		r := run(ours.url+path, body, conns, quarter)
		parts = append(parts, r)
		rss, gor := readGauges(ours.metrics)
		fmt.Printf("  %3d%%:    RSS %6.1f MiB   goroutines %-4d  %7.0f req/s   p99 %s   errors %d\n",
			(i+1)*25, rss/(1<<20), int(gor), r.rate, r.p99.Round(time.Microsecond), r.errors)
	}
	total := merge(parts)
	// The load's connections are closed by run; give the server a moment.
	time.Sleep(2 * time.Second)
	rss1, gor1 := readGauges(ours.metrics)
	fmt.Printf("  after:   RSS %6.1f MiB   goroutines %d\n", rss1/(1<<20), int(gor1))
	fmt.Printf("  total %d requests, %.0f req/s, p50 %s, p99 %s, errors %d\n", total.n, total.rate,
		total.p50.Round(time.Microsecond), total.p99.Round(time.Microsecond), total.errors)
	fmt.Printf("  RSS change %+.1f MiB, goroutine change %+d\n", (rss1-rss0)/(1<<20), int(gor1-gor0))
}

// readGauges returns process_resident_memory_bytes and go_goroutines.
func readGauges(base string) (rss, goroutines float64) {
	resp, err := http.Get(base + "/metrics")
	if err != nil {
		log.Fatal(err)
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		name, value, ok := strings.Cut(sc.Text(), " ")
		if !ok {
			continue
		}
		switch name {
		case "process_resident_memory_bytes":
			rss, _ = strconv.ParseFloat(value, 64)
		case "go_goroutines":
			goroutines, _ = strconv.ParseFloat(value, 64)
		}
	}
	return rss, goroutines
}
