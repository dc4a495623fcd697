// Command cloud measures cloud-instance power on the real hypervisor
// driver (QEMU over QMP), through the HTTP API of the built artnetd (go
// build, SQLite, its default logging to a file):
//
//	go run ./bench/cloud [-runs 5] [-instances 10]
//
// It prints, as p50 / p99 / max:
//
//   - power-on → running: from sending /cloud-instance/action-power-on
//     until QMP query-status (on a connection of its own) says "running";
//   - API call → answer: the same call's round trip;
//
// for one instance at a time and for -instances started concurrently,
// each -runs times (the machines are powered off between runs), and the
// memory overhead of artnetd per managed running instance (Go heap in use
// and resident set size from its /metrics, after a list of all instances,
// compared with none running). Machines are tiny (1 vCPU, 64 MiB, no OS) and all deleted at
// the end.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/artnet-panel/artnet-panel/artnet"
	"github.com/artnet-panel/artnet-panel/bench/internal/artnetdbin"
	"github.com/artnet-panel/artnet-panel/internal/driver/qemu"
	"github.com/artnet-panel/artnet-panel/internal/inventory"
)

const (
	customerID = 500
	apiKey     = "BENCHkeyBENCHkeyBENCHkeyBENCHkeyBENCHkey"
	password   = "Bench.Pass1"
)

func main() {
	runs := flag.Int("runs", 5, "repetitions of each measurement")
	n := flag.Int("instances", 10, "instances started concurrently")
	flag.Parse()
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "bench-cloud")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	drv := &qemu.Driver{StateDir: filepath.Join(dir, "qemu"), Timeout: time.Minute}
	key := strings.Repeat("b7", 32) // --cloud-secret-key: 64 hex digits
	env := append(os.Environ(), "ARTNETD_CLOUD_SECRET_KEY="+key)
	names := make([]string, *n)
	inv := inventory.Inventory{Customers: []inventory.Customer{{
		Customer: artnet.Customer{ID: customerID, Name: "bench"}, APIKey: apiKey,
	}}}
	for i := range names {
		names[i] = fmt.Sprintf("bench-%d", i+1)
		ci := inventory.CloudInstance{InstancePassword: password}
		ci.ID, ci.Name, ci.State, ci.BootStatus = int64(i+1), names[i], "stopped", "boot"
		ci.VNCConfiguration = artnet.VNCConfiguration{Host: "127.0.0.1", Port: int64(freePort())}
		ci.Resources = artnet.InstanceResources{CPUCores: 1, RAM: 64, HDD: 1, Bandwidth: 10}
		inv.Customers[0].CloudInstances = append(inv.Customers[0].CloudInstances, ci)
	}
	defer func() {
		for _, name := range names {
			drv.Delete(context.Background(), name)
		}
	}()
	invJSON, err := json.Marshal(inv)
	if err != nil {
		log.Fatal(err)
	}
	invPath := filepath.Join(dir, "inventory.json")
	if err := os.WriteFile(invPath, invJSON, 0o600); err != nil {
		log.Fatal(err)
	}
	bin := artnetdbin.Build(dir)
	db := "sqlite:" + filepath.Join(dir, "artnet.db")
	artnetdbin.RunEnv(env, bin, "admin", "import", "--db", db, invPath)
	addr, metrics := artnetdbin.FreeAddr(), artnetdbin.FreeAddr()
	srv := artnetdbin.Start(bin, env, filepath.Join(dir, "artnetd.log"), addr, "serve", "--db", db, "--http", addr,
		"--metrics", metrics, "--hypervisor", "qemu", "--qemu-state-dir", drv.StateDir)
	defer srv.Stop()
	baseURL := "http://" + addr
	probe := &qemu.Driver{StateDir: drv.StateDir, Timeout: time.Minute}
	fmt.Printf("accelerator: %s, %d CPUs\n", drv.Accelerator(), runtime.NumCPU())

	call := func(cmd string, id int) time.Duration {
		v := url.Values{"id": {strconv.Itoa(customerID)}, "api_key": {apiKey}, "instance_id": {strconv.Itoa(id)}, "instance_password": {password}}
		t0 := time.Now()
		resp, err := http.PostForm(baseURL+"/api/cloud-instance/"+cmd, v)
		if err != nil {
			log.Fatal(err)
		}
		var out struct {
			Success bool            `json:"success"`
			Error   json.RawMessage `json:"error"`
		}
		json.NewDecoder(resp.Body).Decode(&out)
		resp.Body.Close()
		if !out.Success {
			log.Fatalf("%s %d: %s", cmd, id, out.Error)
		}
		return time.Since(t0)
	}
	running := func(name string) {
		for {
			raw, err := probe.QMP(ctx, name, "query-status", nil)
			if err == nil && strings.Contains(string(raw), `"running"`) {
				return
			}
			time.Sleep(time.Millisecond)
		}
	}
	measure := func(k int) (toRunning, answer []time.Duration) {
		for r := 0; r < *runs; r++ {
			var mu sync.Mutex
			var wg sync.WaitGroup
			for i := 0; i < k; i++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					t0 := time.Now()
					a := call("action-power-on", i+1)
					running(names[i])
					mu.Lock()
					toRunning = append(toRunning, time.Since(t0))
					answer = append(answer, a)
					mu.Unlock()
				}()
			}
			wg.Wait()
			for i := 0; i < k; i++ {
				wg.Add(1)
				go func() { defer wg.Done(); call("action-power-off", i+1) }()
			}
			wg.Wait()
		}
		return toRunning, answer
	}
	for _, k := range []int{1, *n} {
		up, ans := measure(k)
		fmt.Printf("%2d instance(s) at once, %d runs: power-on → QMP running %s; API call → answer %s\n", k, *runs, stats(up), stats(ans))
	}

	// Memory per managed running instance.
	heap0, rss0 := memory(baseURL, metrics)
	for i := range names {
		call("action-power-on", i+1)
	}
	heap1, rss1 := memory(baseURL, metrics)
	fmt.Printf("artnetd memory per managed running instance: heap %+.1f KiB, RSS %+.1f KiB (%d instances)\n",
		float64(heap1-heap0)/1024/float64(*n), float64(rss1-rss0)/1024/float64(*n), *n)
	var qemuRSS int64
	for _, name := range names {
		b, err := os.ReadFile(filepath.Join(drv.StateDir, name, "qemu.pid"))
		if err != nil {
			log.Fatal(err)
		}
		qemuRSS += rssOf("/proc/" + strings.TrimSpace(string(b)) + "/status")
	}
	fmt.Printf("QEMU process per running instance (64 MiB guest, no OS): RSS %.1f MiB\n", float64(qemuRSS)/float64(*n)/(1<<20))
}

// rssOf returns VmRSS of a /proc/PID/status file, in bytes.
func rssOf(status string) int64 {
	b, _ := os.ReadFile(status)
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmRSS:" {
			kb, _ := strconv.ParseInt(f[1], 10, 64)
			return kb * 1024
		}
	}
	return 0
}

// memory lists every instance (asking QEMU for each state), then returns
// artnetd's Go heap in use and resident set size from its /metrics.
func memory(base, metrics string) (heap, rss int64) {
	v := url.Values{"id": {strconv.Itoa(customerID)}, "api_key": {apiKey}}
	for i := 0; i < 5; i++ {
		resp, err := http.PostForm(base+"/api/cloud-instance/list", v)
		if err != nil {
			log.Fatal(err)
		}
		resp.Body.Close()
	}
	g := artnetdbin.Gauges(metrics, "go_memstats_heap_inuse_bytes", "process_resident_memory_bytes")
	return int64(g["go_memstats_heap_inuse_bytes"]), int64(g["process_resident_memory_bytes"])
}

func stats(d []time.Duration) string {
	slices.Sort(d)
	q := func(f float64) time.Duration { return d[min(len(d)-1, int(f*float64(len(d))))] }
	r := func(x time.Duration) string { return x.Round(100 * time.Microsecond).String() }
	return fmt.Sprintf("p50 %s p99 %s max %s", r(q(0.5)), r(q(0.99)), r(d[len(d)-1]))
}

var nextPort = 20000 + os.Getpid()%20000

// freePort returns a free loopback TCP port of at least 5900, another one
// at each call.
func freePort() int {
	for ; ; nextPort++ {
		port := nextPort
		if ln, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", port)); err == nil {
			ln.Close()
			nextPort++
			return port
		}
	}
}
