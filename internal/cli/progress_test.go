package cli

import (
	"bytes"
	"strings"
	"sync"
	"testing"
	"time"
)

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestProgressOnlyOnATerminalAndOnlyWhenSlow(t *testing.T) {
	// Not a terminal: nothing, however slow.
	var quiet syncBuffer
	p := newProgress(&quiet, false)
	p.attempt()
	time.Sleep(showDelay + 2*spinInterval)
	p.Stop()
	if quiet.String() != "" {
		t.Fatalf("wrote %q without a terminal", quiet.String())
	}

	// A terminal, a quick answer: nothing.
	var fast syncBuffer
	p = newProgress(&fast, true)
	p.attempt()
	p.Stop()
	if fast.String() != "" {
		t.Fatalf("wrote %q for a quick answer", fast.String())
	}

	// A terminal, a slow answer with a retry: the spinner with the attempt,
	// erased at the end.
	var slow syncBuffer
	p = newProgress(&slow, true)
	p.SetLabel("artnet dedicated power-restart")
	p.attempt()
	p.attempt()
	time.Sleep(showDelay + 2*spinInterval)
	p.Stop()
	out := slow.String()
	if !strings.Contains(out, "artnet dedicated power-restart… (attempt 2)") || !strings.HasSuffix(out, "\r\033[K") {
		t.Fatalf("spinner output %q", out)
	}
	p.Stop() // twice is fine
}
