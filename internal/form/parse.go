package form

import (
	"bytes"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"
	"unsafe"
)

// ParseURLEncoded parses an application/x-www-form-urlencoded body.
func ParseURLEncoded(body []byte, lim Limits) (*Value, error) {
	lim = lim.norm()
	if int64(len(body)) > lim.MaxBytes {
		return nil, ErrTooLarge
	}
	n := countPairsBytes(body, lim.MaxParams)
	if n > lim.MaxParams {
		return nil, ErrTooManyParams
	}
	root := newRoot(n)
	if err := parseInto(root, string(body), lim); err != nil {
		return nil, err
	}
	return root, nil
}

// countPairs counts the non-empty "&"-separated pairs of s, stopping once
// the count exceeds max.
func countPairs(s string, max int) int {
	n := 0
	for n <= max {
		i := strings.IndexByte(s, '&')
		if i < 0 {
			if s != "" {
				n++
			}
			break
		}
		if i > 0 {
			n++
		}
		s = s[i+1:]
	}
	return n
}

// countPairsBytes is countPairs for bytes.
func countPairsBytes(s []byte, max int) int {
	n := 0
	for n <= max {
		i := bytes.IndexByte(s, '&')
		if i < 0 {
			if len(s) > 0 {
				n++
			}
			break
		}
		if i > 0 {
			n++
		}
		s = s[i+1:]
	}
	return n
}

// parseInto adds the pairs of the urlencoded text s to root.
func parseInto(root *Value, s string, lim Limits) error {
	b := newBuilder(root, lim)
	for s != "" {
		pair := s
		if i := strings.IndexByte(s, '&'); i >= 0 {
			pair, s = s[:i], s[i+1:]
		} else {
			s = ""
		}
		if pair == "" {
			continue
		}
		name, val := pair, ""
		if i := strings.IndexByte(pair, '='); i >= 0 {
			name, val = pair[:i], pair[i+1:]
		}
		val, err := b.unescape(val)
		if err != nil {
			return err
		}
		if !needsUnescape(name) {
			err = set(&b, name, val)
		} else if err = b.unescapeBytes(name); err == nil {
			err = set(&b, b.buf, val)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func needsUnescape(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == '%' || s[i] == '+' {
			return true
		}
	}
	return false
}

// unescape decodes %XX escapes and "+" in s. Text without either is
// returned as is (sharing s's memory).
func (b *builder) unescape(s string) (string, error) {
	if !needsUnescape(s) {
		return s, nil
	}
	if err := b.unescapeBytes(s); err != nil {
		return "", err
	}
	return string(b.buf), nil
}

// unescapeBytes decodes s into b.buf.
func (b *builder) unescapeBytes(s string) error {
	buf := b.buf[:0]
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '+':
			buf = append(buf, ' ')
		case '%':
			if i+2 >= len(s) || !isHex(s[i+1]) || !isHex(s[i+2]) {
				bad := s[i:min(i+3, len(s))]
				return malformed("invalid percent-encoding " + strconv.Quote(bad))
			}
			buf = append(buf, unhex(s[i+1])<<4|unhex(s[i+2]))
			i += 2
		default:
			buf = append(buf, c)
		}
	}
	b.buf = buf
	return nil
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c >= 'a':
		return c - 'a' + 10
	}
	return c - 'A' + 10
}

// ParseMultipart parses a multipart/form-data body with the given boundary.
// Every part with a form-data name is one pair; file parts are read as text.
// All bytes read, headers included, count against MaxBytes.
func ParseMultipart(r io.Reader, boundary string, lim Limits) (*Value, error) {
	lim = lim.norm()
	root := newRoot(0)
	if err := parseMultipartInto(root, r, boundary, lim, lim.MaxParams); err != nil {
		return nil, err
	}
	return root, nil
}

func parseMultipartInto(root *Value, r io.Reader, boundary string, lim Limits, maxParams int) error {
	if boundary == "" {
		return malformed("multipart boundary missing")
	}
	lr := &limitedReader{r: r, left: lim.MaxBytes}
	mr := multipart.NewReader(lr, boundary)
	b := newBuilder(root, lim)
	var buf bytes.Buffer
	fail := func(err error) error {
		if lr.over {
			return ErrTooLarge
		}
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return ErrTooLarge
		}
		return &detailError{err: ErrMalformed, detail: err.Error()}
	}
	for n := 0; ; n++ {
		p, err := mr.NextPart()
		if lr.over {
			// Seen even when the parser did not need the extra bytes.
			return ErrTooLarge
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			if n == 0 && lr.read == 0 && errors.Is(err, io.EOF) {
				return nil // empty body
			}
			return fail(err)
		}
		if n >= maxParams {
			return ErrTooManyParams
		}
		buf.Reset()
		if _, err := buf.ReadFrom(p); err != nil {
			return fail(err)
		}
		if err := set(&b, p.FormName(), buf.String()); err != nil {
			return err
		}
	}
}

// limitedReader reads at most left bytes from r and then fails, noting that
// the limit was passed.
type limitedReader struct {
	r    io.Reader
	left int64
	read int64
	over bool
}

var errLimit = errors.New("form: byte limit reached")

func (l *limitedReader) Read(p []byte) (int, error) {
	if l.left < 0 {
		l.over = true
		return 0, errLimit
	}
	// Read one byte past the limit to tell "exactly at" from "past".
	if int64(len(p)) > l.left+1 {
		p = p[:l.left+1]
	}
	n, err := l.r.Read(p)
	l.read += int64(n)
	l.left -= int64(n)
	if l.left < 0 {
		l.over = true
		return n, errLimit
	}
	return n, err
}

// ParseRequest parses the URL query and the body of r (urlencoded or
// multipart, by Content-Type) and merges them, the body winning. A body
// known to be empty (nil, http.NoBody or ContentLength 0, as the server
// sets them) needs no Content-Type and is not looked at; any other body of
// a type other than the two form types is ErrMalformed. MaxParams counts
// the query and the body together; MaxBytes bounds the body (ErrTooLarge,
// also when r.Body is an http.MaxBytesReader that trips).
func ParseRequest(r *http.Request, lim Limits) (*Value, error) {
	lim = lim.norm()
	query := ""
	if r.URL != nil {
		query = r.URL.RawQuery
	}
	nq := countPairs(query, lim.MaxParams)
	if nq > lim.MaxParams {
		return nil, ErrTooManyParams
	}
	var q *Value
	if nq > 0 {
		q = newRoot(nq)
		if err := parseInto(q, query, lim); err != nil {
			return nil, err
		}
	}
	body, err := parseBody(r, lim, lim.MaxParams-nq)
	switch {
	case err != nil:
		return nil, err
	case q == nil && body == nil:
		return newRoot(0), nil
	case q == nil:
		return body, nil
	case body != nil:
		merge(q, body)
	}
	return q, nil
}

// parseBody parses r's body, or returns nil if it has none.
func parseBody(r *http.Request, lim Limits, maxParams int) (*Value, error) {
	if r.Body == nil || r.Body == http.NoBody || r.ContentLength == 0 {
		return nil, nil
	}
	if r.ContentLength > lim.MaxBytes {
		return nil, ErrTooLarge
	}
	ct := r.Header.Get("Content-Type")
	mt := ct
	if i := strings.IndexByte(mt, ';'); i >= 0 {
		mt = mt[:i]
	}
	mt = strings.TrimSpace(mt)
	switch {
	case strings.EqualFold(mt, "application/x-www-form-urlencoded"):
		data, err := readBody(r.Body, r.ContentLength, lim.MaxBytes)
		if err != nil {
			return nil, err
		}
		n := countPairsBytes(data, maxParams)
		if n > maxParams {
			return nil, ErrTooManyParams
		}
		if n == 0 {
			return nil, nil
		}
		v := newRoot(n)
		// data is ours and never written again: the values share it
		// instead of a copy.
		if err := parseInto(v, unsafe.String(unsafe.SliceData(data), len(data)), lim); err != nil {
			return nil, err
		}
		return v, nil
	case strings.EqualFold(mt, "multipart/form-data"):
		_, params, err := mime.ParseMediaType(ct)
		if err != nil {
			return nil, &detailError{err: ErrMalformed, detail: err.Error()}
		}
		v := newRoot(0)
		if err := parseMultipartInto(v, r.Body, params["boundary"], lim, maxParams); err != nil {
			return nil, err
		}
		return v, nil
	case ct == "":
		// No type: only an empty body (of unknown length) is acceptable.
		data, err := readBody(r.Body, r.ContentLength, lim.MaxBytes)
		if err != nil {
			return nil, err
		}
		if len(data) > 0 {
			return nil, malformed("body without Content-Type")
		}
		return nil, nil
	}
	return nil, malformed("unsupported Content-Type " + strconv.Quote(ct))
}

// readBody reads all of body, failing with ErrTooLarge past max bytes.
// length is the declared Content-Length (-1 if unknown).
func readBody(body io.Reader, length, max int64) ([]byte, error) {
	size := int64(512)
	if length >= 0 {
		size = length + 1 // +1 so EOF is seen without growing
	}
	buf := make([]byte, 0, min(size, max+1))
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := body.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if int64(len(buf)) > max {
			return nil, ErrTooLarge
		}
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				return nil, ErrTooLarge
			}
			return nil, &detailError{err: ErrMalformed, detail: "reading body: " + err.Error()}
		}
	}
}
