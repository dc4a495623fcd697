package accesslog

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"
	_ "time/tzdata" // the zones of TestAppendTime
)

// slogLine is what the slog JSON handler writes for e.
func slogLine(e Entry) string {
	var buf bytes.Buffer
	h := slog.NewJSONHandler(&buf, nil)
	r := slog.NewRecord(e.Time, slog.LevelInfo, "request", 0)
	r.AddAttrs(
		slog.String("request_id", e.RequestID),
		slog.String("method", e.Method),
		slog.String("path", e.Path),
		slog.Int("status", e.Status),
		slog.String("code", e.Code),
		slog.Int64("customer_id", e.CustomerID),
		slog.String("remote", e.Remote),
		slog.Duration("duration", e.Duration),
	)
	h.Handle(context.Background(), r)
	return buf.String()
}

func TestLineMatchesSlog(t *testing.T) {
	tm := time.Date(2026, 5, 4, 3, 2, 1, 123456789, time.FixedZone("CEST", 7200))
	for _, path := range []string{"/api/services/details", `/api/"quoted"\back`, "/a\x00b\x1f\n\r\t", "/ünïcode/ż", "/bad\xff\xfeutf8", "/<script>&", "/\u2028\u2029"} {
		e := Entry{Time: tm, RequestID: "0123abcd", Method: "POST", Path: path, Status: 200, Code: "authorization-failed",
			CustomerID: 19052, Remote: "127.0.0.1", Duration: 1234567}
		got := string(appendEntry(nil, e))
		if want := slogLine(e); got != want {
			t.Errorf("path %q:\n got %s\nwant %s", path, got, want)
		}
		var v map[string]any
		if err := json.Unmarshal([]byte(got), &v); err != nil {
			t.Errorf("path %q: not JSON: %v", path, err)
		}
	}
}

func FuzzAppendString(f *testing.F) {
	f.Add("/api/x")
	f.Add("\xff<\u2028")
	f.Fuzz(func(t *testing.T, s string) {
		e := Entry{Time: time.Unix(0, 0).UTC(), Path: s, RequestID: s}
		if got, want := string(appendEntry(nil, e)), slogLine(e); got != want {
			t.Fatalf("got %s\nwant %s", got, want)
		}
	})
}

type syncBuf struct {
	mu     sync.Mutex
	b      bytes.Buffer
	writes int
}

func (s *syncBuf) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.writes++
	return s.b.Write(p)
}

func (s *syncBuf) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestBufferedAndClosed: lines are held until a flush, other log lines are
// written at once after the access lines before them, and Close writes out
// everything, from many goroutines.
func TestBufferedAndClosed(t *testing.T) {
	out := &syncBuf{}
	w := New(out, time.Hour)
	w.Log(Entry{Path: "/one"})
	if out.String() != "" {
		t.Fatal("written before any flush")
	}
	w.Write([]byte("other line\n"))
	if got := out.String(); !strings.Contains(got, `"/one"`) || !strings.HasSuffix(got, "other line\n") {
		t.Fatalf("after another logger's line: %q", got)
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for range 2000 {
				w.Log(Entry{Path: "/load", CustomerID: int64(g)})
			}
		})
	}
	wg.Wait()
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	if n := strings.Count(got, `"/load"`); n != 16000 {
		t.Fatalf("%d lines after Close, want 16000", n)
	}
	for _, l := range strings.Split(strings.TrimSuffix(got, "\n"), "\n") {
		if l != "other line" && !json.Valid([]byte(l)) {
			t.Fatalf("broken line %q", l)
		}
	}
	if out.writes > 16000/100 {
		t.Errorf("%d writes for 16000 lines: not buffered", out.writes)
	}
}

// TestFlushesOnItsOwn: the flusher writes lines without any other call.
func TestFlushesOnItsOwn(t *testing.T) {
	out := &syncBuf{}
	w := New(out, 5*time.Millisecond)
	defer w.Close()
	w.Log(Entry{Path: "/tick"})
	for range 2000 {
		if strings.Contains(out.String(), `"/tick"`) {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatal("the flusher never wrote the line")
}

func BenchmarkLog(b *testing.B) {
	w := New(discard{}, time.Second)
	defer w.Close()
	e := Entry{Time: time.Now(), RequestID: "0123456789abcdef", Method: "POST", Path: "/api/services/details",
		Status: 200, CustomerID: 19052, Remote: "127.0.0.1", Duration: 123456}
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			w.Log(e)
		}
	})
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

// TestAppendTime: the time of a line is what AppendFormat with
// RFC3339Nano writes, for times of the same second and of others, in
// every kind of zone (DST changes included), for any year.
func TestAppendTime(t *testing.T) {
	warsaw, err := time.LoadLocation("Europe/Warsaw")
	if err != nil {
		t.Fatal(err)
	}
	newYork, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	locs := []*time.Location{time.UTC, time.Local, warsaw, newYork, time.FixedZone("X", -(3*3600 + 30*60)),
		time.FixedZone("S", 3600+17), time.FixedZone("Z", 0)}
	r := rand.New(rand.NewPCG(5, 6))
	// Around the DST change of 2026-03-29 01:00 UTC in Warsaw.
	dst := time.Date(2026, 3, 29, 0, 59, 58, 0, time.UTC).Unix()
	for i := range 200000 {
		var tm time.Time
		switch i % 4 {
		case 0: // runs of the same second
			tm = time.Unix(1_780_000_000+int64(i/400), int64(r.IntN(1e9)))
		case 1:
			tm = time.Unix(dst+int64(r.IntN(5)), int64(r.IntN(3))*int64(r.IntN(1e9)))
		case 2:
			tm = time.Unix(r.Int64N(1<<40)-1<<39, int64(r.IntN(1e9)))
		default:
			tm = time.Unix(1_780_000_000, int64(r.IntN(1e9))/int64([]int{1, 10, 1000, 1e6, 1e9}[r.IntN(5)]))
		}
		tm = tm.In(locs[r.IntN(len(locs))])
		if got, want := string(appendTime([]byte("x"), tm)), "x"+tm.Format(time.RFC3339Nano); got != want {
			t.Fatalf("%v: got %s, want %s", tm, got, want)
		}
	}
}
