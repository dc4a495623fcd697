package webtest

import (
	"context"
	_ "embed"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// Chromium is the browser the tests drive (Debian's chromium package).
const Chromium = "/usr/bin/chromium"

//go:embed testdata/axe.min.js
var axeJS string

// reportViolations makes the page report every Content-Security-Policy
// violation on the console, where the harness collects it (besides
// Chromium's own security log entry).
const reportViolations = `document.addEventListener("securitypolicyviolation", function (e) {
  console.error("CSP violation: " + e.violatedDirective + " blocked " + (e.blockedURI || "inline") + " at " + e.sourceFile + ":" + e.lineNumber);
});`

// Browser is one Chromium with a fresh profile, on one tab.
type Browser struct {
	T testing.TB
	// Ctx is the tab's chromedp context (for chromedp.Do and chromedp.Run
	// of your own).
	Ctx context.Context
	// Base is the artnetd URL the paths of Go are relative to.
	Base string
	// Artnetd is the server the browser talks to.
	Artnetd *Artnetd
	// Timeout bounds each action run by the helpers (default 30 s).
	Timeout time.Duration

	mu      sync.Mutex
	errs    []string // console errors, exceptions, CSP violations
	allowed []*regexp.Regexp
}

// NewBrowser starts Chromium (headless, no sandbox, nothing talking to
// Google, a fresh user-data-dir in t.TempDir()) on a tab for a. It collects
// JavaScript console errors, uncaught exceptions and Content-Security-Policy
// violations (console and browser log); at cleanup any of them fails t
// (see AllowConsole). The browser is closed at cleanup.
func NewBrowser(t testing.TB, a *Artnetd) *Browser {
	t.Helper()
	// Chromium now and then exits at start on a loaded machine (chromedp:
	// "chrome failed to start", with nothing of its own on stderr); a
	// fresh one with a fresh profile is tried up to three times.
	var (
		ctx, actx           context.Context
		cancel, cancelAlloc context.CancelFunc
		err                 error
	)
	for attempt := 1; ; attempt++ {
		opts := []chromedp.ExecAllocatorOption{
			chromedp.ExecPath(Chromium),
			chromedp.Headless,
			chromedp.NoSandbox,
			chromedp.DisableGPU,
			chromedp.NoFirstRun,
			chromedp.NoDefaultBrowserCheck,
			chromedp.Flag("disable-quic", true),
			chromedp.Flag("disable-background-networking", true),
			chromedp.Flag("disable-component-update", true),
			chromedp.Flag("disable-sync", true),
			chromedp.UserDataDir(t.TempDir()),
			chromedp.WindowSize(1280, 900),
		}
		actx, cancelAlloc = chromedp.NewExecAllocator(context.Background(), opts...)
		ctx, cancel = chromedp.NewContext(actx)
		_, err = chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: reportViolations})
		if err == nil {
			break
		}
		cancel()
		cancelAlloc()
		if attempt == 3 || !strings.Contains(err.Error(), "chrome failed to start") {
			t.Fatalf("start chromium: %v", err)
		}
		t.Logf("start chromium (attempt %d): %v; trying again", attempt, err)
	}
	b := &Browser{T: t, Ctx: ctx, Base: a.URL, Artnetd: a, Timeout: 30 * time.Second}
	messages := chromedp.Console(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for m, err := range messages {
			if err != nil {
				return
			}
			b.collect(m)
		}
	}()
	t.Cleanup(func() {
		b.CheckErrors()
		cancel()
		cancelAlloc()
		<-done
	})
	return b
}

// collect keeps a console message that is an error: console.error, an
// uncaught exception, or an error of the browser log (CSP violations are
// "security" entries) but for "network" entries: answers' statuses, which
// tests check themselves.
func (b *Browser) collect(m chromedp.ConsoleMessage) {
	if m.Type != chromedp.ConsoleError && m.Type != chromedp.ConsoleException {
		return
	}
	if m.Source == "network" {
		return
	}
	msg := string(m.Type) + ": " + m.Text
	if m.URL != "" {
		msg += " (" + m.URL + ")"
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, re := range b.allowed {
		if re.MatchString(msg) {
			return
		}
	}
	b.errs = append(b.errs, msg)
}

// AllowConsole lets console errors matching re pass (a test that provokes
// one on purpose). CSP violations should never be allowed.
func (b *Browser) AllowConsole(re string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.allowed = append(b.allowed, regexp.MustCompile(re))
}

// Errors returns the errors collected so far and forgets them.
func (b *Browser) Errors() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	e := b.errs
	b.errs = nil
	return e
}

// CheckErrors fails the test on every console error, exception or CSP
// violation collected since the last check (NewBrowser checks at cleanup).
func (b *Browser) CheckErrors() {
	b.T.Helper()
	// A round trip, so that the events of the page shown have arrived.
	chromedp.Run(b.Ctx, chromedp.Evaluate[int](`1`))
	for _, e := range b.Errors() {
		b.T.Errorf("browser: %s", e)
	}
}

// Do runs actions on the tab within b.Timeout, failing the test on an
// error.
func (b *Browser) Do(actions ...chromedp.Action[chromedp.Void]) {
	b.T.Helper()
	if err := b.TryDo(actions...); err != nil {
		b.T.Fatalf("chromedp: %v", err)
	}
}

// TryDo is Do returning the error.
func (b *Browser) TryDo(actions ...chromedp.Action[chromedp.Void]) error {
	ctx, cancel := context.WithTimeout(b.Ctx, b.Timeout)
	defer cancel()
	return chromedp.Do(ctx, actions...)
}

// Run runs one action that returns a value (chromedp.Text, Evaluate...)
// within b.Timeout, failing the test on an error.
func Run[T any](b *Browser, a chromedp.Action[T]) T {
	b.T.Helper()
	ctx, cancel := context.WithTimeout(b.Ctx, b.Timeout)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		b.T.Fatalf("chromedp: %v", err)
	}
	return v
}

// Go navigates to path (relative to the server) and waits for the page's
// body.
func (b *Browser) Go(path string) {
	b.T.Helper()
	b.Do(chromedp.Navigate(b.Base+path), chromedp.WaitReady(chromedp.CSS("body")))
}

// Path returns the path (and query) of the page shown.
func (b *Browser) Path() string {
	b.T.Helper()
	return strings.TrimPrefix(Run(b, chromedp.Location()), b.Base)
}

// Text returns the text of the first visible element matching the CSS
// selector (waiting for it).
func (b *Browser) Text(sel string) string {
	b.T.Helper()
	return strings.TrimSpace(Run(b, chromedp.Text(chromedp.CSS(sel), chromedp.NodeVisible)))
}

// Exists reports whether an element matches the CSS selector now.
func (b *Browser) Exists(sel string) bool {
	b.T.Helper()
	n := Run(b, chromedp.Evaluate[bool](`document.querySelector(`+strconv.Quote(sel)+`) !== null`))
	return n
}

// Submit fills the form fields (CSS selector → value), clicks the element
// matching submit, waits for the next page (a new <main>: a new document,
// or the body htmx swapped in) and then until an element matching waitFor
// is visible.
func (b *Browser) Submit(fields map[string]string, submit, waitFor string) {
	b.T.Helper()
	var acts []chromedp.Action[chromedp.Void]
	for sel, v := range fields {
		acts = append(acts, chromedp.SetValue(chromedp.CSS(sel), v))
	}
	b.Do(append(acts, b.ClickNext(submit), chromedp.WaitVisible(chromedp.CSS(waitFor)))...)
}

// ClickNext is an action that clicks the element matching sel and waits
// for the next page (a <main> that was not there before the click).
func (b *Browser) ClickNext(sel string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(
		Void(chromedp.Evaluate[bool](`(() => { const m = document.querySelector("main"); if (m) m.dataset.stale = "1"; return true })()`)),
		chromedp.Click(chromedp.CSS(sel)),
		chromedp.WaitReady(chromedp.CSS(`main:not([data-stale])`)),
	)
}

// SignIn signs in with the password form as login (customer number or
// e-mail) and waits for a signed-in page (its navigation).
func (b *Browser) SignIn(login, password string) {
	b.T.Helper()
	b.Go("/signin")
	b.Submit(map[string]string{"#login": login, "#password": password}, `form[action="/signin"] button[type=submit]`, "nav.side")
}

// SignInDemo signs in as the demo customer.
func (b *Browser) SignInDemo() {
	b.T.Helper()
	b.SignIn(strconv.FormatInt(b.Artnetd.CustomerID, 10), b.Artnetd.Password)
}

// Screenshot saves a full-page PNG of the tab as
// <dir>/<Test>-<name>-<lang>.png (lang: the page's <html lang>; dir:
// ShotsDir) and returns its path.
func (b *Browser) Screenshot(name string) string {
	b.T.Helper()
	lang := Run(b, chromedp.Evaluate[string](`document.documentElement.lang`))
	png := Run(b, chromedp.FullScreenshot(100))
	safe := regexp.MustCompile(`[^A-Za-z0-9_.-]+`)
	file := safe.ReplaceAllString(b.T.Name()+"-"+name, "_")
	if lang != "" {
		file += "-" + lang
	}
	p := filepath.Join(ShotsDir(b.T), file+".png")
	if err := os.WriteFile(p, png, 0o644); err != nil {
		b.T.Fatal(err)
	}
	return p
}

// AxeViolation is one axe-core rule the page breaks.
type AxeViolation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Nodes  []struct {
		HTML string `json:"html"`
	} `json:"nodes"`
}

// Axe runs axe-core (vendored in testdata, injected by the test only: the
// panel never serves it) on the page shown and fails the test on every
// serious or critical violation. It returns all violations.
func (b *Browser) Axe() []AxeViolation {
	b.T.Helper()
	// DevTools evaluation is not subject to the page's CSP.
	Run(b, chromedp.Evaluate[bool](`typeof axe !== "undefined" || ((0, eval)(`+strconv.Quote(axeJS)+`), true)`))
	out := Run(b, chromedp.Evaluate[[]AxeViolation](`axe.run(document, {resultTypes: ["violations"]}).then(r => r.violations.map(v => ({id: v.id, impact: v.impact || "", help: v.help, nodes: v.nodes.map(n => ({html: n.html}))})))`, chromedp.EvalAwaitPromise))
	for _, v := range out {
		if v.Impact == "serious" || v.Impact == "critical" {
			var where []string
			for _, n := range v.Nodes {
				where = append(where, n.HTML)
			}
			b.T.Errorf("axe-core %s (%s): %s: %s", v.ID, v.Impact, v.Help, strings.Join(where, " | "))
		}
	}
	return out
}
