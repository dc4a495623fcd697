// Package accesslog writes the HTTP access log: one JSON line per request,
// in the form log/slog's JSON handler writes (time, level, msg "request",
// then the fields), appended to a memory buffer and written out by a
// background flusher at least every FlushEvery (default 1s), when the
// buffer grows past 64 KiB, and by Close. A request costs an encode into a
// pooled buffer and a short critical section, no system call.
//
// A Writer is also an io.Writer for other log lines (a slog handler on the
// same destination): those are written out at once, in order with the
// access lines before them, so nothing is interleaved or delayed.
package accesslog

import (
	"io"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"
)

// Entry is one access-log line.
type Entry struct {
	Time       time.Time
	RequestID  string
	Method     string
	Path       string
	Status     int
	Code       string // error code answered, "" on success
	CustomerID int64
	Remote     string
	Duration   time.Duration
}

// Writer buffers access-log lines for out.
type Writer struct {
	out   io.Writer
	every time.Duration

	mu  sync.Mutex // guards buf
	buf []byte

	wmu   sync.Mutex // serialises writes to out
	spare []byte

	stop chan struct{}
	done chan struct{}
	once sync.Once
	err  error // the first write error, under wmu
}

const flushAt = 64 << 10

// New returns a Writer for out and starts its flusher; every <= 0 means 1s.
func New(out io.Writer, every time.Duration) *Writer {
	if every <= 0 {
		every = time.Second
	}
	w := &Writer{out: out, every: every, buf: make([]byte, 0, 2*flushAt), spare: make([]byte, 0, 2*flushAt),
		stop: make(chan struct{}), done: make(chan struct{})}
	go w.flusher()
	return w
}

func (w *Writer) flusher() {
	defer close(w.done)
	t := time.NewTicker(w.every)
	defer t.Stop()
	for {
		select {
		case <-w.stop:
			return
		case <-t.C:
			w.Flush()
		}
	}
}

var pool = sync.Pool{New: func() any { b := make([]byte, 0, 512); return &b }}

// Log appends e's line.
func (w *Writer) Log(e Entry) {
	bp := pool.Get().(*[]byte)
	b := appendEntry((*bp)[:0], e)
	w.mu.Lock()
	w.buf = append(w.buf, b...)
	full := len(w.buf) >= flushAt
	w.mu.Unlock()
	*bp = b
	pool.Put(bp)
	if full {
		w.Flush()
	}
}

// Write appends p (whole lines of another logger) and writes everything
// buffered out at once.
func (w *Writer) Write(p []byte) (int, error) {
	w.mu.Lock()
	w.buf = append(w.buf, p...)
	w.mu.Unlock()
	return len(p), w.Flush()
}

// Flush writes out what is buffered.
func (w *Writer) Flush() error {
	w.wmu.Lock()
	defer w.wmu.Unlock()
	w.mu.Lock()
	b := w.buf
	w.buf = w.spare[:0]
	w.mu.Unlock()
	if len(b) > 0 {
		if _, err := w.out.Write(b); err != nil && w.err == nil {
			w.err = err
		}
	}
	if cap(b) > 4*flushAt { // do not keep a burst's memory
		b = make([]byte, 0, 2*flushAt)
	}
	w.spare = b[:0]
	return w.err
}

// Close stops the flusher and writes out what is buffered. Lines logged
// after Close are written by the next Flush (there is none: log nothing
// after Close).
func (w *Writer) Close() error {
	w.once.Do(func() { close(w.stop) })
	<-w.done
	return w.Flush()
}

// appendEntry appends e as slog's JSON handler would write it.
func appendEntry(b []byte, e Entry) []byte {
	b = append(b, `{"time":"`...)
	b = appendTime(b, e.Time)
	b = append(b, `","level":"INFO","msg":"request","request_id":`...)
	b = appendString(b, e.RequestID)
	b = append(b, `,"method":`...)
	b = appendString(b, e.Method)
	b = append(b, `,"path":`...)
	b = appendString(b, e.Path)
	b = append(b, `,"status":`...)
	b = strconv.AppendInt(b, int64(e.Status), 10)
	b = append(b, `,"code":`...)
	b = appendString(b, e.Code)
	b = append(b, `,"customer_id":`...)
	b = strconv.AppendInt(b, e.CustomerID, 10)
	b = append(b, `,"remote":`...)
	b = appendString(b, e.Remote)
	b = append(b, `,"duration":`...)
	b = strconv.AppendInt(b, int64(e.Duration), 10)
	return append(b, "}\n"...)
}

// stamp is the text of one second in one location: t.AppendFormat with
// time.RFC3339Nano is head, the fraction (if any) and zone.
type stamp struct {
	sec  int64
	loc  *time.Location
	head []byte // "2006-01-02T15:04:05"
	zone []byte // "Z" or "-07:00"
}

// lastStamp is the second of the latest line, formatted once for the many
// lines of that second.
var lastStamp atomic.Pointer[stamp]

// appendTime appends t as t.AppendFormat(b, time.RFC3339Nano) does.
func appendTime(b []byte, t time.Time) []byte {
	sec, loc := t.Unix(), t.Location()
	st := lastStamp.Load()
	if st == nil || st.sec != sec || st.loc != loc {
		st = &stamp{sec: sec, loc: loc, head: t.AppendFormat(nil, "2006-01-02T15:04:05"), zone: t.AppendFormat(nil, "Z07:00")}
		lastStamp.Store(st)
	}
	b = append(b, st.head...)
	if ns := t.Nanosecond(); ns != 0 {
		// Nine digits without the trailing zeros, as ".999999999" writes.
		var d [10]byte
		d[0] = '.'
		for i := 9; i >= 1; i-- {
			d[i] = byte('0' + ns%10)
			ns /= 10
		}
		n := 10
		for d[n-1] == '0' {
			n--
		}
		b = append(b, d[:n]...)
	}
	return append(b, st.zone...)
}

const hex = "0123456789abcdef"

// appendString appends s as a JSON string: ", \ and control characters
// escaped, invalid UTF-8 replaced by U+FFFD, U+2028 and U+2029 escaped, as
// log/slog does.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
