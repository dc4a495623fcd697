package tfprovider

// The acceptance-test harness: OpenTofu (scripts/tofu.sh builds it from
// the Go module proxy and caches it) driven by terraform-plugin-testing,
// with this provider served in-process (ProtoV6ProviderFactories: the
// framework reattaches tofu to it, so no registry and no plugin directory
// are involved), against a real artnetd (SQLite, serve --demo) that each
// test starts on 127.0.0.1 port 0.
//
// A resource's test:
//
//	n := startArtnetd(t)                        // or startArtnetd(t, "--firewall", "nft", ...)
//	accTest(t, n, resource.TestStep{Config: n.config(`resource "artnet_x" "a" { ... }`)}, ...)
//
// n.Client is an SDK client of the demo customer (changes "made by hand"
// for the drift steps); n.DNSAddr is the DNS listener for dig.

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/artnet-panel/artnet-panel/artnet"
)

// Environment of the harness: the tofu binary (either variable; scripts/test.sh
// exports both), else the test runs scripts/tofu.sh, which builds it
// once into a cache directory.
const (
	envTofu       = "ARTNET_TOFU"
	envTFAccPath  = "TF_ACC_TERRAFORM_PATH"
	envTFAcc      = "TF_ACC"
	envTFAccNS    = "TF_ACC_PROVIDER_NAMESPACE"
	envTFAccHost  = "TF_ACC_PROVIDER_HOST"
	providerNS    = "artnet-panel"
	providerHost  = "registry.opentofu.org"
	tofuBuildHint = "scripts/tofu.sh builds OpenTofu from the Go module proxy (about 3 minutes the first time)"
)

var (
	buildDir string // binaries built by the tests (artnetd)

	artnetdOnce sync.Once
	artnetdBin  string
	artnetdErr  error

	tofuOnce sync.Once
	tofuBin  string
	tofuErr  error
)

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "tfprovider-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	buildDir = dir
	// terraform-plugin-testing runs only with TF_ACC set; these tests
	// are meant to run on every `go test` (they need no network).
	os.Setenv(envTFAcc, "1")
	os.Setenv(envTFAccNS, providerNS)
	os.Setenv(envTFAccHost, providerHost)
	os.Setenv("CHECKPOINT_DISABLE", "1")
	// No CLI configuration of the user (plugin caches, credentials,
	// provider_installation) leaks in.
	empty := filepath.Join(dir, "tofurc")
	os.WriteFile(empty, nil, 0o600)
	os.Setenv("TF_CLI_CONFIG_FILE", empty)
	os.Unsetenv("TF_PLUGIN_CACHE_DIR")
	// The provider of a test is configured by its HCL, not by ours.
	for _, v := range []string{EnvID, EnvAPIKey, EnvEndpoint} {
		os.Unsetenv(v)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// tofuPath returns the OpenTofu binary: $ARTNET_TOFU, else
// $TF_ACC_TERRAFORM_PATH, else what scripts/tofu.sh prints (it builds the
// binary when the cache lacks it). The test fails (never skips) without
// one.
func tofuPath(t testing.TB) string {
	t.Helper()
	tofuOnce.Do(func() {
		for _, v := range []string{envTofu, envTFAccPath} {
			if p := os.Getenv(v); p != "" {
				tofuBin = p
				return
			}
		}
		cmd := exec.Command("bash", filepath.Join("..", "..", "scripts", "tofu.sh"))
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			tofuErr = fmt.Errorf("scripts/tofu.sh: %v\n%s", err, stderr.Bytes())
			return
		}
		tofuBin = strings.TrimSpace(string(out))
	})
	if tofuErr != nil {
		t.Fatalf("no OpenTofu binary (%s): %v", tofuBuildHint, tofuErr)
	}
	if _, err := os.Stat(tofuBin); err != nil {
		t.Fatalf("OpenTofu binary: %v", err)
	}
	os.Setenv(envTFAccPath, tofuBin)
	return tofuBin
}

// buildArtnetd builds ./cmd/artnetd once per test binary.
func buildArtnetd(t testing.TB) string {
	t.Helper()
	artnetdOnce.Do(func() {
		bin := filepath.Join(buildDir, "artnetd")
		cmd := exec.Command("go", "build", "-o", bin, "./cmd/artnetd")
		cmd.Dir = filepath.Join("..", "..")
		if out, err := cmd.CombinedOutput(); err != nil {
			artnetdErr = fmt.Errorf("go build ./cmd/artnetd: %v\n%s", err, out)
			return
		}
		artnetdBin = bin
	})
	if artnetdErr != nil {
		t.Fatal(artnetdErr)
	}
	return artnetdBin
}

// artnetdNode is an artnetd process started by a test.
type artnetdNode struct {
	// Endpoint is the API base URL (http://127.0.0.1:PORT/api).
	Endpoint string
	// DNSAddr is the DNS server's address (UDP and TCP), 127.0.0.1:PORT.
	DNSAddr string
	// ID and APIKey are the demo customer's credentials.
	ID     int64
	APIKey string
	// Client is an SDK client of the demo customer: the "change made by
	// hand" of the drift steps.
	Client *artnet.Client
	// Dir holds the database.
	Dir string

	cmd *exec.Cmd
	log *syncBuffer
}

// startArtnetd starts `artnetd serve --demo` on SQLite with its HTTP API and
// DNS server on 127.0.0.1 port 0, plus extraFlags (e.g. "--firewall",
// "nft", ...), and waits until it listens. It is stopped when the test
// ends; its log is printed when the test failed.
func startArtnetd(t testing.TB, extraFlags ...string) *artnetdNode {
	t.Helper()
	bin := buildArtnetd(t)
	dir := t.TempDir()
	args := append([]string{"serve", "--db", "sqlite:" + filepath.Join(dir, "artnet.db"),
		"--http", "127.0.0.1:0", "--dns", "127.0.0.1:0", "--demo"}, extraFlags...)
	cmd := exec.Command(bin, args...)
	// Only the flags configure the node.
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "ARTNETD_") {
			env = append(env, kv)
		}
	}
	cmd.Env = env
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	n := &artnetdNode{Dir: dir, cmd: cmd, log: &syncBuffer{}}
	exited := make(chan struct{})
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-exited
		if t.Failed() {
			t.Logf("artnetd %s log:\n%s", strings.Join(args, " "), n.log.String())
		}
	})

	creds := regexp.MustCompile(`demo customer: id=(\d+) api_key=(\S+)`)
	type found struct{ key, val string }
	ch := make(chan found, 8)
	var wg sync.WaitGroup
	scan := func(r io.Reader, parse func(line string)) {
		defer wg.Done()
		sc := bufio.NewScanner(r)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			line := sc.Text()
			n.log.WriteLine(line)
			parse(line)
		}
	}
	wg.Add(2)
	go scan(stdout, func(line string) {
		if m := creds.FindStringSubmatch(line); m != nil {
			ch <- found{"id", m[1]}
			ch <- found{"key", m[2]}
		}
	})
	go scan(stderr, func(line string) {
		var rec struct {
			Msg  string `json:"msg"`
			HTTP string `json:"http"`
			Addr string `json:"addr"`
		}
		if json.Unmarshal([]byte(line), &rec) != nil {
			return
		}
		switch rec.Msg {
		case "artnetd listening":
			ch <- found{"http", rec.HTTP}
		case "dns listening":
			ch <- found{"dns", rec.Addr}
		}
	})
	go func() { wg.Wait(); cmd.Wait(); close(exited) }()

	var httpAddr string
	timeout := time.After(60 * time.Second)
	for httpAddr == "" || n.DNSAddr == "" || n.APIKey == "" {
		select {
		case f := <-ch:
			switch f.key {
			case "id":
				n.ID, _ = strconv.ParseInt(f.val, 10, 64)
			case "key":
				n.APIKey = f.val
			case "http":
				httpAddr = f.val
			case "dns":
				n.DNSAddr = f.val
			}
		case <-exited:
			t.Fatalf("artnetd %s exited:\n%s", strings.Join(args, " "), n.log.String())
		case <-timeout:
			t.Fatalf("artnetd %s: no address and demo credentials within 60 s:\n%s", strings.Join(args, " "), n.log.String())
		}
	}
	n.Endpoint = "http://" + httpAddr + "/api"
	n.Client = artnet.NewClient(n.ID, n.APIKey, artnet.WithEndpoint(n.Endpoint))
	return n
}

// providerBlock is the HCL configuring the provider for this node.
func (n *artnetdNode) providerBlock() string {
	return fmt.Sprintf(`terraform {
  required_providers {
    artnet = { source = %q }
  }
}

provider "artnet" {
  id       = %d
  api_key  = %q
  endpoint = %q
}
`, providerNS+"/artnet", n.ID, n.APIKey, n.Endpoint)
}

// config returns the provider block followed by the resources' HCL.
func (n *artnetdNode) config(hcl string) string {
	return n.providerBlock() + "\n" + hcl
}

// providerFactories serve the provider in-process.
func providerFactories() map[string]func() (tfprotov6.ProviderServer, error) {
	return map[string]func() (tfprotov6.ProviderServer, error){
		"artnet": providerserver.NewProtocol6WithError(New("test")()),
	}
}

// accTest runs steps with tofu against n (n is used by the steps' configs).
func accTest(t *testing.T, steps ...resource.TestStep) {
	t.Helper()
	tofuPath(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories(),
		Steps:                    steps,
	})
}

// dig asks the node's DNS server for name/qtype with dig (+short) and
// returns the answer lines.
func (n *artnetdNode) dig(t testing.TB, name, qtype string) []string {
	t.Helper()
	host, port, _ := strings.Cut(n.DNSAddr, ":")
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, "dig", "@"+host, "-p", port, "+short", "+tries=2", "+time=3", name, qtype).CombinedOutput()
	if err != nil {
		t.Fatalf("dig %s %s: %v\n%s", name, qtype, err, out)
	}
	var lines []string
	for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if l != "" {
			lines = append(lines, l)
		}
	}
	return lines
}

// syncBuffer collects a process's output lines.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) WriteLine(l string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.b.Len() < 1<<20 {
		s.b.WriteString(l + "\n")
	}
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
