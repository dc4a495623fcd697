// Package webtest is the browser test harness of the web panel: it builds
// artnetd once per test binary, runs it with the demo data on a fresh
// SQLite database, and drives Debian's Chromium through
// github.com/chromedp/chromedp. Only tests import it.
//
//	func TestMain(m *testing.M) { os.Exit(webtest.Main(m)) }
//
//	func TestSomething(t *testing.T) {
//		a := webtest.Start(t)           // artnetd serve --demo on 127.0.0.1:0
//		b := webtest.NewBrowser(t, a)   // fresh profile; console errors and CSP violations fail t
//		b.SignInDemo()                  // the demo customer, password form
//		b.Go("/account")
//		b.Run(chromedp.SetValue(...), chromedp.Click(...))
//		b.Axe()                         // no serious or critical axe-core violation
//		b.Screenshot("account")         // $ARTNET_WEB_SHOTS/<Test>-account-<lang>.png
//	}
package webtest

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// binary is the artnetd built by Main.
var binary string

// Main builds artnetd into a temporary directory, runs the tests and
// removes it. Call it from TestMain.
func Main(m *testing.M) int {
	dir, err := os.MkdirTemp("", "webtest-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "webtest:", err)
		return 1
	}
	defer os.RemoveAll(dir)
	binary = filepath.Join(dir, "artnetd")
	cmd := exec.Command("go", "build", "-o", binary, "github.com/artnet-panel/artnet-panel/cmd/artnetd")
	if out, err := cmd.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "webtest: go build artnetd: %v\n%s", err, out)
		return 1
	}
	return m.Run()
}

// Artnetd is a running artnetd serve --demo.
type Artnetd struct {
	// URL is the base URL of its HTTP address ("http://127.0.0.1:PORT").
	URL string
	// CustomerID, APIKey and Password are the demo customer's (printed
	// by serve --demo).
	CustomerID int64
	APIKey     string
	Password   string
	// DB is its database DSN.
	DB string

	cmd    *exec.Cmd
	stderr *syncBuffer
}

var (
	demoLine     = regexp.MustCompile(`demo customer: id=(\d+) api_key=(\S+)`)
	demoPassword = regexp.MustCompile(`demo customer web panel: login=\d+ password=(\S+)`)
)

// Start runs artnetd serve --demo with the demo data on a fresh SQLite
// database in t.TempDir(), HTTP on 127.0.0.1:0, plus args; it returns once
// the process logged its address. The process is stopped at cleanup.
func Start(t testing.TB, args ...string) *Artnetd {
	t.Helper()
	if binary == "" {
		t.Fatal("webtest: no artnetd binary: call webtest.Main from TestMain")
	}
	db := "sqlite:" + filepath.Join(t.TempDir(), "artnetd.db")
	return StartDB(t, db, true, args...)
}

// StartDB runs artnetd serve on the database db (with --demo when demo:
// the first node of a database seeds it; the others find it seeded),
// HTTP on 127.0.0.1:0, plus args.
func StartDB(t testing.TB, db string, demo bool, args ...string) *Artnetd {
	t.Helper()
	all := []string{"serve", "--db", db, "--http", "127.0.0.1:0", "--simulate"}
	if demo {
		all = append(all, "--demo")
	}
	cmd := exec.Command(binary, append(all, args...)...)
	cmd.Env = append(os.Environ(), "ARTNETD_LOG_LEVEL=info")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	a := &Artnetd{DB: db, cmd: cmd, stderr: &syncBuffer{}}
	logs, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			cmd.Process.Kill()
			<-done
		}
		if t.Failed() {
			t.Logf("artnetd log:\n%s", a.stderr.String())
		}
	})
	out := make(chan string, 4)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			out <- sc.Text()
		}
		close(out)
	}()
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(io.TeeReader(logs, a.stderr))
		sc.Buffer(nil, 1<<20)
		sent := false
		for sc.Scan() {
			var line struct {
				Msg  string `json:"msg"`
				HTTP string `json:"http"`
			}
			if !sent && json.Unmarshal(sc.Bytes(), &line) == nil && line.Msg == "artnetd listening" {
				addr <- line.HTTP
				sent = true
			}
		}
		if !sent {
			close(addr)
		}
	}()
	timeout := time.After(60 * time.Second)
	for a.URL == "" || (demo && a.Password == "") {
		select {
		case l, ok := <-out:
			if !ok {
				out = nil
				if demo && a.Password == "" {
					t.Fatalf("artnetd printed no demo customer\n%s", a.stderr.String())
				}
				continue
			}
			if m := demoLine.FindStringSubmatch(l); m != nil {
				a.CustomerID, _ = strconv.ParseInt(m[1], 10, 64)
				a.APIKey = m[2]
			}
			if m := demoPassword.FindStringSubmatch(l); m != nil {
				a.Password = m[1]
			}
		case h, ok := <-addr:
			if !ok {
				t.Fatalf("artnetd exited before listening\n%s", a.stderr.String())
			}
			a.URL = "http://" + h
			addr = nil
		case <-timeout:
			t.Fatalf("artnetd did not start within 60 s\n%s", a.stderr.String())
		}
	}
	if out != nil {
		go func() {
			for range out {
			}
		}()
	}
	return a
}

// Log returns what artnetd logged so far.
func (a *Artnetd) Log() string { return a.stderr.String() }

// API calls the JSON API command ("customer/change-language") as the demo
// customer with params and returns the decoded answer; it fails t unless
// the answer is a success.
func (a *Artnetd) API(t testing.TB, command string, params url.Values) map[string]any {
	t.Helper()
	return a.APIAs(t, a.CustomerID, a.APIKey, command, params)
}

// APIAs is API as customer id with its API key (another customer of an
// isolation test).
func (a *Artnetd) APIAs(t testing.TB, id int64, key, command string, params url.Values) map[string]any {
	t.Helper()
	v := url.Values{"id": {strconv.FormatInt(id, 10)}, "api_key": {key}}
	for k, vs := range params {
		v[k] = vs
	}
	resp, err := http.PostForm(a.URL+"/api/"+command, v)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		t.Fatalf("%s: %v", command, err)
	}
	if body["success"] != true {
		t.Fatalf("%s as customer %d: %v", command, id, body)
	}
	return body
}

// SetLanguage sets the demo customer's language ("pl", "en") through the
// API: the language of its pages.
func (a *Artnetd) SetLanguage(t testing.TB, lang string) {
	t.Helper()
	a.API(t, "customer/change-language", url.Values{"language": {lang}})
}

// ShotsDir returns where screenshots go: $ARTNET_WEB_SHOTS (created) when
// set, else a directory of the test.
func ShotsDir(t testing.TB) string {
	t.Helper()
	dir := os.Getenv("ARTNET_WEB_SHOTS")
	if dir == "" {
		return t.TempDir()
	}
	if !filepath.IsAbs(dir) {
		// scripts/test.sh runs from the repository root; tests run in
		// their package directory.
		if root, err := moduleRoot(); err == nil {
			dir = filepath.Join(root, dir)
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// moduleRoot returns the directory of go.mod above the working directory.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", os.ErrNotExist
		}
		dir = parent
	}
}

// syncBuffer is a buffer safe for concurrent use.
type syncBuffer struct {
	mu  sync.Mutex
	buf strings.Builder
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
