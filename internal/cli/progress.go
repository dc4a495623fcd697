package cli

import (
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"
)

// progress shows a spinner line on stderr while the API is slow to answer
// (a slow command, retries), only when stderr is a terminal. It appears
// after showDelay, so quick commands print nothing, and it is erased
// before anything else is written.
type progress struct {
	w       io.Writer
	enabled bool

	mu       sync.Mutex
	label    string
	attempts int
	running  bool
	shown    bool
	stop     chan struct{}
	done     chan struct{}
}

const (
	showDelay    = 400 * time.Millisecond
	spinInterval = 120 * time.Millisecond
)

var spinFrames = []string{"⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"}

func newProgress(w io.Writer, enabled bool) *progress {
	return &progress{w: w, enabled: enabled, label: "waiting for the API"}
}

// SetLabel sets the text shown beside the spinner.
func (p *progress) SetLabel(s string) {
	p.mu.Lock()
	p.label = s
	p.mu.Unlock()
}

// attempt records a request; the first one starts the spinner.
func (p *progress) attempt() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.attempts++
	if !p.enabled || p.running {
		return
	}
	p.running = true
	p.stop = make(chan struct{})
	p.done = make(chan struct{})
	go p.spin(p.stop, p.done)
}

func (p *progress) spin(stop, done chan struct{}) {
	defer close(done)
	select {
	case <-stop:
		return
	case <-time.After(showDelay):
	}
	t := time.NewTicker(spinInterval)
	defer t.Stop()
	for i := 0; ; i++ {
		p.mu.Lock()
		line := fmt.Sprintf("\r\033[K%s %s…", spinFrames[i%len(spinFrames)], p.label)
		if p.attempts > 1 {
			line = fmt.Sprintf("\r\033[K%s %s… (attempt %d)", spinFrames[i%len(spinFrames)], p.label, p.attempts)
		}
		io.WriteString(p.w, line)
		p.shown = true
		p.mu.Unlock()
		select {
		case <-stop:
			return
		case <-t.C:
		}
	}
}

// Stop erases the spinner; the next request starts it again.
func (p *progress) Stop() {
	p.mu.Lock()
	if !p.running {
		p.mu.Unlock()
		return
	}
	stop, done := p.stop, p.done
	p.running = false
	p.mu.Unlock()
	close(stop)
	<-done
	p.mu.Lock()
	if p.shown {
		io.WriteString(p.w, "\r\033[K")
		p.shown = false
	}
	p.mu.Unlock()
}

// progressTransport counts the client's requests for the spinner.
type progressTransport struct {
	base http.RoundTripper
	p    *progress
}

func (t *progressTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	t.p.attempt()
	return t.base.RoundTrip(r)
}

// progressWriter erases the spinner before each write (the --debug log).
type progressWriter struct {
	w io.Writer
	p *progress
}

func (w *progressWriter) Write(b []byte) (int, error) {
	w.p.Stop()
	return w.w.Write(b)
}
