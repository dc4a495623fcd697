// Package loadgen drives an HTTP endpoint with keep-alive connections for
// the benchmarks and reports the rate and the latency percentiles.
package loadgen

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"
)

// Result is what one or more runs measured.
type Result struct {
	Rate     float64 // requests per second
	N        int     // requests answered
	Elapsed  time.Duration
	Lat      []time.Duration // sorted
	P50, P99 time.Duration
	Errors   int // failed requests and answers other than 200
}

// Print writes one line: name, rate, p50, p99, errors.
func (r Result) Print(name string) {
	fmt.Printf("  %-14s %9.0f req/s   p50 %8s   p99 %8s   errors %d\n", name, r.Rate,
		r.P50.Round(time.Microsecond), r.P99.Round(time.Microsecond), r.Errors)
}

// Merge adds runs together (their requests over their summed time).
func Merge(rs []Result) Result {
	var m Result
	for _, r := range rs {
		m.N += r.N
		m.Elapsed += r.Elapsed
		m.Errors += r.Errors
		m.Lat = append(m.Lat, r.Lat...)
	}
	m.Rate = float64(m.N) / m.Elapsed.Seconds()
	slices.Sort(m.Lat)
	m.P50, m.P99 = pct(m.Lat, 0.5), pct(m.Lat, 0.99)
	return m
}

func pct(lat []time.Duration, p float64) time.Duration {
	if len(lat) == 0 {
		return 0
	}
	return lat[int(float64(len(lat)-1)*p)]
}

// Run POSTs the urlencoded body to u over conns keep-alive connections
// for d.
func Run(u, body string, conns int, d time.Duration) Result {
	tr := &http.Transport{MaxIdleConnsPerHost: conns, MaxConnsPerHost: conns, DisableCompression: true}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: 10 * time.Second}
	return RunFunc(conns, d, func(int) (bool, bool) {
		resp, err := client.Post(u, "application/x-www-form-urlencoded", strings.NewReader(body))
		if err != nil {
			return false, true
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return true, resp.StatusCode != 200
	})
}

// RunFunc calls do from conns goroutines (do gets the goroutine's number)
// for d. do reports whether its call is measured (its latency kept: it was
// answered) and whether it failed (no answer, or not the one expected).
func RunFunc(conns int, d time.Duration, do func(conn int) (measured, failed bool)) Result {
	var (
		mu     sync.Mutex
		lat    []time.Duration
		errors int
		wg     sync.WaitGroup
	)
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	start := time.Now()
	for c := range conns {
		wg.Go(func() {
			local := make([]time.Duration, 0, 1<<14)
			bad := 0
			for ctx.Err() == nil {
				t0 := time.Now()
				measured, failed := do(c)
				if failed {
					bad++
				}
				if measured {
					local = append(local, time.Since(t0))
				}
			}
			mu.Lock()
			lat = append(lat, local...)
			errors += bad
			mu.Unlock()
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	slices.Sort(lat)
	return Result{Rate: float64(len(lat)) / elapsed.Seconds(), N: len(lat), Elapsed: elapsed, Lat: lat,
		P50: pct(lat, 0.5), P99: pct(lat, 0.99), Errors: errors}
}

// Fetch POSTs the urlencoded body to u once and returns the answer.
func Fetch(u, body string) ([]byte, error) {
	resp, err := http.Post(u, "application/x-www-form-urlencoded", strings.NewReader(body))
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	return io.ReadAll(resp.Body)
}
