// Command web measures the web panel's dashboard and services pages on
// the built artnetd against /api/services/list for the same data, in one
// run: N signed-in clients (default 32), each with its own session cookie
// and keep-alive connection, fetch a page for a fixed time; the three
// targets are measured alternately (rounds) so that other load on the
// machine hits all of them.
//
//	go run ./bench/web [-clients 32] [-duration 5s] [-rounds 2] [-artnetd PATH]
//
// It builds ./cmd/artnetd into a temp directory, starts it with --demo on
// a fresh SQLite file with its default logging (the access log on stderr,
// into a file) and signs every client in through the sign-in form with the
// demo customer's web password (printed by serve --demo). It prints, per target, req/s, p50/p99 and the bytes of one answer,
// and the ratios page/API of the rates and p50s (the API answer is the
// anchor: the same services, as JSON, without templates or sessions).
package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/artnet-panel/artnet-panel/bench/internal/artnetdbin"
	"github.com/artnet-panel/artnet-panel/bench/internal/loadgen"
)

func main() {
	clients := flag.Int("clients", 32, "concurrent signed-in clients")
	duration := flag.Duration("duration", 5*time.Second, "duration of each measurement")
	rounds := flag.Int("rounds", 2, "alternating measurements of each target")
	bin := flag.String("artnetd", "", "artnetd binary to measure (default: build ./cmd/artnetd)")
	flag.Parse()

	dir, err := os.MkdirTemp("", "artnet-bench-web-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	if *bin == "" {
		*bin = artnetdbin.Build(dir)
	}
	db := "sqlite:" + filepath.Join(dir, "bench.db")
	logPath := filepath.Join(dir, "artnetd.log")
	addr := artnetdbin.FreeAddr()
	srv := artnetdbin.Start(*bin, nil, logPath, addr, "serve", "--demo", "--db", db, "--http", addr)
	defer srv.Stop()
	out, err := os.ReadFile(logPath)
	if err != nil {
		log.Fatal(err)
	}
	m := regexp.MustCompile(`id=(\d+) api_key=([A-Za-z0-9]+)`).FindSubmatch(out)
	if m == nil {
		log.Fatalf("artnetd printed no demo credentials (log: %s)", logPath)
	}
	id, key := string(m[1]), string(m[2])
	pw := regexp.MustCompile(`demo customer web panel: login=\d+ password=(\S+)`).FindSubmatch(out)
	if pw == nil {
		log.Fatalf("artnetd printed no demo web password (log: %s)", logPath)
	}
	password := string(pw[1])
	base := "http://" + addr

	// Every client signs in once and keeps its session (its cookie jar)
	// and its connection.
	tr := &http.Transport{MaxIdleConnsPerHost: *clients, MaxConnsPerHost: *clients, DisableCompression: true}
	defer tr.CloseIdleConnections()
	hc := &http.Client{Transport: tr, Timeout: 10 * time.Second}
	sessions := make([]*session, *clients)
	for i := range sessions {
		sessions[i] = signIn(hc, base, id, password)
	}
	apiBody := url.Values{"id": {id}, "api_key": {key}}.Encode()

	type target struct {
		name  string
		fetch func(client int) (*http.Response, error)
	}
	get := func(path string) func(int) (*http.Response, error) {
		return func(i int) (*http.Response, error) { return sessions[i].get(base + path) }
	}
	targets := []target{
		{"dashboard /", get("/")},
		{"services /services", get("/services")},
		{"API services/list", func(int) (*http.Response, error) {
			return hc.Post(base+"/api/services/list", "application/x-www-form-urlencoded", strings.NewReader(apiBody))
		}},
	}
	// One answer of each, checked: a page that is the sign-in form or an
	// API error would measure the wrong thing.
	sizes := make([]int, len(targets))
	for i, t := range targets {
		resp, err := t.fetch(0)
		if err != nil {
			log.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		want := []string{`id="by-type"`, `href="/services/12345"`, `"success":true`}[i]
		if resp.StatusCode != 200 || !bytes.Contains(b, []byte(want)) {
			log.Fatalf("%s: HTTP %d, not the customer's services:\n%.400s", t.name, resp.StatusCode, b)
		}
		sizes[i] = len(b)
	}

	fmt.Printf("%d signed-in clients, %s per measurement, %d rounds, sqlite, default logging (to a file)\n",
		*clients, *duration, *rounds)
	results := make([][]loadgen.Result, len(targets))
	for r := 0; r < *rounds; r++ {
		for i, t := range targets {
			res := loadgen.RunFunc(*clients, *duration, func(n int) (bool, bool) {
				resp, err := t.fetch(n)
				if err != nil {
					return false, true
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				return true, resp.StatusCode != 200
			})
			results[i] = append(results[i], res)
			res.Print(t.name)
		}
	}
	fmt.Println("total:")
	merged := make([]loadgen.Result, len(targets))
	for i, t := range targets {
		merged[i] = loadgen.Merge(results[i])
		merged[i].Print(t.name)
	}
	a := merged[2]
	for i := 0; i < 2; i++ {
		p := merged[i]
		fmt.Printf("  %-20s %6d bytes, rate %.2fx of the API, p50 %.2fx, p99 %.2fx\n", targets[i].name, sizes[i],
			p.Rate/a.Rate, float64(p.P50)/float64(a.P50), float64(p.P99)/float64(a.P99))
	}
	fmt.Printf("  %-20s %6d bytes (anchor)\n", targets[2].name, sizes[2])
}

// session is a signed-in client: its session cookie, sent by hand (the
// cookie is Secure, and net/http's cookie jar sends Secure cookies over
// https only; a browser treats 127.0.0.1 as secure).
type session struct {
	c      *http.Client
	cookie string
}

func (s *session) get(u string) (*http.Response, error) {
	req, err := http.NewRequest("GET", u, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Cookie", s.cookie)
	return s.c.Do(req)
}

// signIn signs a client in through the sign-in form.
func signIn(c *http.Client, base, id, password string) *session {
	nc := *c
	nc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := nc.PostForm(base+"/signin", url.Values{"login": {id}, "password": {password}})
	if err != nil {
		log.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	for _, ck := range resp.Cookies() {
		if ck.Name == "artnet_session" && ck.Value != "" {
			return &session{c: c, cookie: ck.Name + "=" + ck.Value}
		}
	}
	log.Fatalf("sign-in: HTTP %d, no session cookie", resp.StatusCode)
	return nil
}
