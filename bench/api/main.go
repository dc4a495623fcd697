// Command api measures the built artnetd binary, with its access log
// written to a file, against a bare net/http server binary (bench/api/bare)
// answering the very same bytes, in one run with one client: N keep-alive
// connections (default 64) posting /api/services/details for a fixed time,
// the two servers measured alternately (rounds) so that noise hits both.
//
//	go run ./bench/api [-conns 64] [-duration 5s] [-rounds 2] [-artnetd PATH]
//	                   [-db postgres://...] [-stderr-log] [-cpuprofile FILE]
//	                   [-command MODULE/NAME -params K=V&...] [-soak 60s]
//
// It builds ./cmd/artnetd and ./bench/api/bare into a temp directory
// (-artnetd uses a given binary instead), starts artnetd with --demo on a
// fresh SQLite file (or the given empty PostgreSQL database) and
// --access-log FILE (with -stderr-log: its stderr goes to the file instead,
// for binaries without the flag), and prints req/s, p50/p99 of each, the
// ratios artnetd/bare of the rates and of the p99s (over all rounds, and
// the median of the rounds' ratios) and each server's CPU time per request
// (/proc/PID/stat: on a machine shared with other work the rates move with
// that work, the CPU time per request much less). With -cpuprofile it also
// fetches a 5s CPU profile of artnetd under load from --metrics with
// --pprof.
//
// -command and -params measure another command than services/details (a
// mutating one, customer/change-language with language=pl, shows what a
// write and its audit journal row cost). -soak D replaces the comparison
// by a soak of artnetd alone (soak.go).
package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/artnet-panel/artnet-panel/bench/internal/loadgen"
)

func main() {
	conns := flag.Int("conns", 64, "concurrent keep-alive connections")
	duration := flag.Duration("duration", 5*time.Second, "duration of each measurement")
	rounds := flag.Int("rounds", 2, "alternating measurements of each server")
	bin := flag.String("artnetd", "", "artnetd binary to measure (default: build ./cmd/artnetd)")
	db := flag.String("db", "", "database DSN (default: a fresh SQLite file)")
	stderrLog := flag.Bool("stderr-log", false, "send artnetd's stderr (its log) to the access-log file instead of passing --access-log")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of artnetd under load (needs --metrics/--pprof)")
	extra := flag.String("args", "", "extra artnetd serve arguments, space separated")
	command := flag.String("command", "services/details", "the command measured")
	params := flag.String("params", "service_id=12345", "its parameters besides id and api_key (URL-encoded)")
	soakFor := flag.Duration("soak", 0, "run a soak of this duration instead (soak.go)")
	flag.Parse()
	var metricsURL string

	dir, err := os.MkdirTemp("", "artnet-bench-api-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	if *bin == "" {
		*bin = filepath.Join(dir, "artnetd")
		build(*bin, "./cmd/artnetd")
	}
	bareBin := filepath.Join(dir, "bare")
	build(bareBin, "./bench/api/bare")
	if *db == "" {
		*db = "sqlite:" + filepath.Join(dir, "bench.db")
	}
	accessLog := filepath.Join(dir, "access.log")

	httpAddr := freeAddr()
	args := []string{"serve", "--demo", "--db", *db, "--http", httpAddr}
	if !*stderrLog {
		args = append(args, "--access-log", accessLog)
	}
	if *cpuprofile != "" || *soakFor > 0 {
		metricsAddr := freeAddr()
		args = append(args, "--metrics", metricsAddr, "--pprof")
		metricsURL = "http://" + metricsAddr
	}
	if *extra != "" {
		args = append(args, strings.Fields(*extra)...)
	}
	ours := start(*bin, args, accessLog, *stderrLog, "http://"+httpAddr)
	ours.metrics = metricsURL
	defer ours.stop()
	m := regexp.MustCompile(`id=(\d+) api_key=([A-Za-z0-9]+)`).FindStringSubmatch(ours.out.String())
	if m == nil {
		log.Fatalf("artnetd printed no demo credentials: %s", ours.out.String())
	}
	extraParams, err := url.ParseQuery(*params)
	if err != nil {
		log.Fatalf("-params: %v", err)
	}
	body := url.Values{"id": {m[1]}, "api_key": {m[2]}}.Encode()
	if len(extraParams) > 0 {
		body += "&" + extraParams.Encode()
	}
	path := "/api/" + *command
	sample, err := loadgen.Fetch(ours.url+path, body)
	if err != nil || !bytes.Contains(sample, []byte(`"success":true`)) {
		log.Fatalf("%s: %v %s", *command, err, sample)
	}
	if *soakFor > 0 {
		soak(ours, path, body, *conns, *soakFor)
		return
	}
	answer := filepath.Join(dir, "answer.json")
	os.WriteFile(answer, sample, 0o644)
	bareAddr := freeAddr()
	bare := start(bareBin, []string{"-addr", bareAddr, "-body", answer}, "", false, "http://"+bareAddr)
	defer bare.stop()

	fmt.Printf("%d conns, %s per measurement, %d rounds, %s, access log to a file\n", *conns, *duration, *rounds, dbName(*db))
	fmt.Printf("%s (answer %d bytes)\n", path, len(sample))
	var rb, ro []loadgen.Result
	var cpuB, cpuO time.Duration // the servers' CPU time during their measurements
	for i := 0; i < *rounds; i++ {
		c0 := cpuTime(bare.cmd.Process.Pid)
		rb = append(rb, loadgen.Run(bare.url+path, body, *conns, *duration))
		cpuB += cpuTime(bare.cmd.Process.Pid) - c0
		rb[i].Print("bare net/http")
		if i == 0 && *cpuprofile != "" {
			go profile(ours.metrics, *cpuprofile, *duration)
		}
		c0 = cpuTime(ours.cmd.Process.Pid)
		ro = append(ro, loadgen.Run(ours.url+path, body, *conns, *duration))
		cpuO += cpuTime(ours.cmd.Process.Pid) - c0
		ro[i].Print("artnetd")
	}
	b, o := loadgen.Merge(rb), loadgen.Merge(ro)
	fmt.Println("total:")
	b.Print("bare net/http")
	o.Print("artnetd")
	if cpuB > 0 && cpuO > 0 && b.N > 0 && o.N > 0 {
		// CPU time per request depends much less on the other load of the
		// machine than the rates do.
		pb, po := cpuB/time.Duration(b.N), cpuO/time.Duration(o.N)
		fmt.Printf("  server CPU per request: bare %s, artnetd %s (%.2fx)\n", pb, po, float64(po)/float64(pb))
	}
	fmt.Printf("  ratio artnetd/bare: %.2f (target >= 0.90), p99 ratio %.2f (target <= 1.20)\n",
		o.Rate/b.Rate, float64(o.P99)/float64(b.P99))
	if *rounds > 1 {
		// Other load on the machine changes from one measurement to the
		// next: the median of the rounds' ratios is less sensitive to one
		// disturbed measurement than the totals.
		var rates, p99s []float64
		for i := range rb {
			rates = append(rates, ro[i].Rate/rb[i].Rate)
			p99s = append(p99s, float64(ro[i].P99)/float64(rb[i].P99))
		}
		fmt.Printf("  rounds' ratios: %s, median %.2f; p99 ratios: %s, median %.2f\n",
			fmtRatios(rates), median(rates), fmtRatios(p99s), median(p99s))
	}
	ours.stop()
	if n := countLines(accessLog); n < o.N {
		fmt.Printf("  ACCESS LOG LOST LINES: %d lines for %d requests\n", n, o.N)
	} else {
		fmt.Printf("  access log: %d lines for %d measured requests (and the warm-up)\n", n, o.N)
	}
}

// cpuTime returns the user and system CPU time of process pid so far
// (/proc/PID/stat; 0 where there is no /proc).
func cpuTime(pid int) time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// The fields after the command name, which is in parentheses.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 13 {
		return 0
	}
	utime, err1 := strconv.ParseInt(f[11], 10, 64)
	stime, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0
	}
	return time.Duration(utime+stime) * time.Second / clockTicks
}

// clockTicks is USER_HZ, the unit of /proc/PID/stat times: 100 on every
// Linux architecture Go supports.
const clockTicks = 100

func fmtRatios(rs []float64) string {
	var parts []string
	for _, r := range rs {
		parts = append(parts, fmt.Sprintf("%.2f", r))
	}
	return strings.Join(parts, " ")
}

func median(rs []float64) float64 {
	s := slices.Sorted(slices.Values(rs))
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

func dbName(s string) string {
	if strings.HasPrefix(s, "postgres") {
		return "postgres"
	}
	return "sqlite"
}

func build(out, pkg string) {
	cmd := exec.Command("go", "build", "-o", out, pkg)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	if err := cmd.Run(); err != nil {
		log.Fatalf("go build %s: %v", pkg, err)
	}
}

type proc struct {
	cmd     *exec.Cmd
	url     string
	metrics string
	out     *bytes.Buffer
	once    sync.Once
}

// freeAddr returns a free 127.0.0.1 port.
func freeAddr() string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// start runs bin and waits until base answers (any HTTP status) and the
// process printed its first line.
func start(bin string, args []string, logFile string, stderrToLog bool, base string) *proc {
	cmd := exec.Command(bin, args...)
	p := &proc{cmd: cmd, out: new(bytes.Buffer), url: base}
	var mu sync.Mutex
	cmd.Stdout = writerFunc(func(b []byte) (int, error) { mu.Lock(); defer mu.Unlock(); return p.out.Write(b) })
	if stderrToLog {
		f, err := os.Create(logFile)
		if err != nil {
			log.Fatal(err)
		}
		cmd.Stderr = f
	} else {
		cmd.Stderr = os.Stderr
	}
	if err := cmd.Start(); err != nil {
		log.Fatal(err)
	}
	deadline := time.Now().Add(60 * time.Second)
	for {
		resp, err := http.Get(base + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 || resp.StatusCode == 404 {
				break
			}
		}
		if time.Now().After(deadline) {
			log.Fatalf("%s did not start: %s", bin, p.out.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	mu.Lock()
	defer mu.Unlock()
	return p
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(b []byte) (int, error) { return f(b) }

// stop sends SIGTERM and waits for the process to exit.
func (p *proc) stop() {
	p.once.Do(func() {
		p.cmd.Process.Signal(syscall.SIGTERM)
		p.cmd.Wait()
	})
}

func profile(base, file string, d time.Duration) {
	if base == "" {
		log.Print("no metrics address: no profile")
		return
	}
	time.Sleep(d / 5)
	secs := max(1, int((d*3/5)/time.Second))
	resp, err := http.Get(fmt.Sprintf("%s/debug/pprof/profile?seconds=%d", base, secs))
	if err != nil {
		log.Print(err)
		return
	}
	defer resp.Body.Close()
	f, err := os.Create(file)
	if err != nil {
		log.Print(err)
		return
	}
	io.Copy(f, resp.Body)
	f.Close()
}

func countLines(path string) int {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0
	}
	return bytes.Count(b, []byte(`"msg":"request"`))
}
