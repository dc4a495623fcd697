package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/artnet-panel/artnet-panel/internal/store/postgres/pgtest"
)

// TestCloseUnderLoad: Close while API writes, zone rebuilds with NOTIFY to
// a secondary that never answers, NOTIFYs for a secondary zone (each a
// check of the zone in the database) and the change feed are all busy.
// When Close returns no goroutine of ours is left: every one that could
// use the database (feed handlers, secondary-zone checks, NOTIFY senders,
// reconcilers, pollers, handlers) stopped before the database closed, and
// the log has no use of a closed database. Run with -race by
// scripts/test.sh's race pass. On SQLite, and on PostgreSQL (with its
// LISTEN connection) when ARTNET_TEST_POSTGRES is set.
func TestCloseUnderLoad(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) { closeUnderLoad(t, sqliteDSN(t)) })
	t.Run("postgres", func(t *testing.T) { closeUnderLoad(t, pgtest.NewSchema(t)) })
}

func closeUnderLoad(t *testing.T, dsn string) {
	before := goroutineIDs() // other tests' leftovers are not this node's
	// A secondary that swallows NOTIFYs: each sender waits for an answer.
	sink, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer sink.Close()
	go func() {
		buf := make([]byte, 4096)
		for {
			if _, _, err := sink.ReadFrom(buf); err != nil {
				return
			}
		}
	}()
	var out bytes.Buffer
	logs := &syncBuffer{}
	m := &Main{DB: dsn, HTTPAddr: "127.0.0.1:0", DNSAddr: "127.0.0.1:0", Demo: true,
		Stdout: &out, Logger: jsonLogger(logs), Follow: 10 * time.Millisecond,
		DNS: DNSConfig{Nameservers: []string{"ns1.example.net"}, Notify: []string{sink.LocalAddr().String()},
			PrivateMasters: true}}
	if err := m.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	closed := false
	defer func() {
		if !closed {
			m.Close()
		}
	}()
	match := regexp.MustCompile(`id=(\d+) api_key=([A-Za-z0-9]{32,})`).FindStringSubmatch(out.String())
	if match == nil {
		t.Fatalf("demo credentials not printed: %q", out.String())
	}
	client := &http.Client{Timeout: 10 * time.Second}
	call := func(path string, kv ...string) (map[string]any, error) {
		v := url.Values{"id": {match[1]}, "api_key": {match[2]}}
		for i := 0; i+1 < len(kv); i += 2 {
			v.Set(kv[i], kv[i+1])
		}
		resp, err := client.PostForm("http://"+m.Addr()+"/api/"+path, v)
		if err != nil {
			return nil, err
		}
		defer resp.Body.Close()
		var body map[string]any
		if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
			return nil, err
		}
		return body, nil
	}
	zone, err := call("dns/add-primary", "domain", "load.acme.test")
	if err != nil || zone["success"] != true {
		t.Fatalf("add-primary: %v %v", zone, err)
	}
	zoneID := fmt.Sprint(zone["zone_details"].(map[string]any)["id"])
	if sec, err := call("dns/add-secoundary", "domain", "sec.acme.test", "master_nameserver", "192.0.2.53"); err != nil || sec["success"] != true {
		t.Fatalf("add-secoundary: %v %v", sec, err)
	}

	var stop atomic.Bool
	var ok atomic.Int64
	var wg sync.WaitGroup
	for w := range 3 {
		wg.Go(func() {
			for i := 0; !stop.Load(); i++ {
				var body map[string]any
				var err error
				switch (w + i) % 2 {
				case 0:
					body, err = call("customer/change-language", "language", []string{"pl", "en"}[i%2])
				default:
					var d map[string]any
					if d, err = call("dns/details-primary", "zone_id", zoneID); err == nil && d["success"] == true {
						serial := fmt.Sprintf("%.0f", d["zone_details"].(map[string]any)["serial"])
						body, err = call("dns/edit-primary-records", "zone_id", zoneID, "serial", serial,
							"records[0][name]", "www", "records[0][ttl]", "600", "records[0][type]", "A",
							"records[0][data1]", fmt.Sprintf("192.0.2.%d", 1+i%200))
					}
				}
				if err != nil {
					return // the server is gone
				}
				if body["success"] == true {
					ok.Add(1)
				}
			}
		})
	}
	wg.Go(func() { // NOTIFY for the secondary zone, from its master's address
		c := &dns.Client{Timeout: 200 * time.Millisecond}
		q := new(dns.Msg)
		q.SetNotify("sec.acme.test.")
		for !stop.Load() {
			if _, _, err := c.Exchange(q, m.DNSAddress()); err != nil && strings.Contains(err.Error(), "refused") {
				return
			}
			time.Sleep(5 * time.Millisecond)
		}
	})
	deadline := time.Now().Add(10 * time.Second)
	for ok.Load() < 30 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if ok.Load() < 30 {
		t.Fatalf("only %d successful writes before Close", ok.Load())
	}
	began := time.Now()
	if err := m.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	closed = true
	t.Logf("Close took %v", time.Since(began))
	// What is left now was not waited for by Close.
	leftover := ourGoroutines(before)
	stop.Store(true)
	wg.Wait()
	if leftover != "" {
		t.Fatalf("goroutines of ours still running after Close:\n%s", leftover)
	}
	if s := logs.String(); strings.Contains(s, "database is closed") {
		t.Fatalf("the database was used after it closed:\n%s", s)
	}
	t.Logf("%d successful writes before Close", ok.Load())
}

// ourGoroutines returns the stacks of the running goroutines, except
// those in skip, that have a frame of this module's packages other than
// this test's.
func ourGoroutines(skip map[string]bool) string {
	var found []string
	for id, g := range goroutines() {
		if !skip[id] && (strings.Contains(g, "artnet-panel/artnet-panel/internal/") || strings.Contains(g, "main.(*Main)")) {
			found = append(found, g)
		}
	}
	return strings.Join(found, "\n\n")
}

// goroutineIDs returns the ids of the running goroutines.
func goroutineIDs() map[string]bool {
	ids := make(map[string]bool)
	for id := range goroutines() {
		ids[id] = true
	}
	return ids
}

// goroutines returns the stacks of the running goroutines by id.
func goroutines() map[string]string {
	buf := make([]byte, 1<<22)
	buf = buf[:runtime.Stack(buf, true)]
	all := make(map[string]string)
	for _, g := range strings.Split(string(buf), "\n\n") {
		id, _, _ := strings.Cut(strings.TrimPrefix(g, "goroutine "), " ")
		all[id] = g
	}
	return all
}

func jsonLogger(w *syncBuffer) *slog.Logger { return slog.New(slog.NewJSONHandler(w, nil)) }
