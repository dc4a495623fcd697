// Package artnetdbin runs the built artnetd for the benchmarks, as users
// run it: a binary from go build, its default logging to a file, reached
// over HTTP. Every function exits the benchmark (log.Fatal) on failure.
package artnetdbin

import (
	"bufio"
	"bytes"
	"log"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Build builds ./cmd/artnetd (run the benchmarks from the repository's
// root) into dir and returns the binary's path.
func Build(dir string) string {
	bin := filepath.Join(dir, "artnetd")
	Run("go", "build", "-o", bin, "./cmd/artnetd")
	return bin
}

// Run runs a command to its end.
func Run(name string, args ...string) {
	RunEnv(nil, name, args...)
}

// RunEnv runs a command with env (nil: ours) to its end.
func RunEnv(env []string, name string, args ...string) {
	cmd := exec.Command(name, args...)
	cmd.Env = env
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		log.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, stderr.String())
	}
}

// FreeAddr returns a loopback address ("127.0.0.1:PORT") free a moment ago.
func FreeAddr() string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// Server is a running artnetd.
type Server struct {
	Cmd  *exec.Cmd
	Addr string // its --http address
}

// Start runs bin with args (env nil: ours), its standard output and error
// appended to logPath, and waits up to a minute until it answers GET
// /healthz on httpAddr.
func Start(bin string, env []string, logPath, httpAddr string, args ...string) *Server {
	f, err := os.OpenFile(logPath, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	cmd := exec.Command(bin, args...)
	cmd.Env, cmd.Stdout, cmd.Stderr = env, f, f
	if err := cmd.Start(); err != nil {
		log.Fatal(err)
	}
	deadline := time.Now().Add(time.Minute)
	for {
		if resp, err := http.Get("http://" + httpAddr + "/healthz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return &Server{Cmd: cmd, Addr: httpAddr}
			}
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			log.Fatalf("artnetd did not become ready (log: %s)", logPath)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// Stop stops the server as Ctrl-C does and waits for it to exit.
func (s *Server) Stop() {
	s.Cmd.Process.Signal(os.Interrupt)
	s.Cmd.Wait()
}

// Gauges reads the named metrics of the Prometheus text at
// http://metricsAddr/metrics (lines without labels).
func Gauges(metricsAddr string, names ...string) map[string]float64 {
	resp, err := http.Get("http://" + metricsAddr + "/metrics")
	if err != nil {
		log.Fatal(err)
	}
	defer resp.Body.Close()
	out := make(map[string]float64, len(names))
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		name, value, ok := strings.Cut(sc.Text(), " ")
		if !ok {
			continue
		}
		for _, n := range names {
			if n == name {
				out[n], _ = strconv.ParseFloat(value, 64)
			}
		}
	}
	return out
}
