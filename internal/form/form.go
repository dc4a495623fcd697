// Package form decodes HTML-form request parameters whose names are nested
// the way PHP nests them ("records[0][name]=www", "dns_servers[]=a") into an
// ordered tree of Values.
//
// # Names
//
// A parameter name is decoded (percent-decoding, "+" is a space) before its
// structure is read, so "a%5Bb%5D" is the same name as "a[b]". The name is
// then split like PHP's php_register_variable_ex does:
//
//   - The base is everything before the first "[". An empty name, or one
//     starting with "[", is skipped.
//   - If no "]" follows the first "[" (as in "a[b"), the whole name is taken
//     literally as a top-level key ("a[b"), with no nesting.
//   - Otherwise each "[...]" is one level; the key is the text up to the
//     next "]" (so "a[b[c]" has the key "b[c"). Levels must follow each other
//     directly: after a "]" anything that is not "[" ends the name and the
//     rest is ignored ("a[b]c" is a[b]); likewise a later "[" without a
//     closing "]" is ignored ("a[b][c" is a[b]).
//   - "[]" appends: the key is one more than the largest integer key the map
//     has held so far, or 0 if it holds none (PHP 8.3 rules, so after "-5"
//     comes "-4"). One space, tab, CR or LF inside the brackets is skipped
//     only to recognise the append form: "[ ]" appends, but "[ 0]" is the
//     key " 0". When the next key would overflow int64 the pair is dropped,
//     as PHP drops it.
//   - Keys are strings. A key is an "integer key" for the [] rule only when
//     it is a plain decimal int64 in canonical form ("0", "17", "-3"; not
//     "07", "+1", " 1", "-0"). Since a canonical integer and its text are
//     the same string, "a[1]" and an appended 1 are the same key, as in PHP.
//   - Maps keep their keys in first-appearance order. Assigning to a key
//     that exists keeps its position: the last assignment wins, and it
//     replaces a map by a string or a string by a (new, empty) map as
//     needed ("a[x]=1&a=2" gives a="2"; "a=2&a[x]=1" gives a[x]="1").
//
// Unlike PHP, spaces and dots in the base name are NOT turned into
// underscores, leading spaces are not stripped and an unclosed "[" is not
// turned into "_". PHP does this only because its parameters used to become
// global variables (register_globals), whose names cannot hold those
// characters; the API we implement documents its parameters by their real
// names, and a client that sends "a.b" means "a.b".
//
// # Bodies
//
// In application/x-www-form-urlencoded data pairs are separated by "&"
// (the default arg_separator.input of PHP; ";" is an ordinary character),
// empty pairs are skipped, a pair without "=" has the value "", and a
// malformed %-escape is an error (PHP would keep it literally). In
// multipart/form-data each part named by its Content-Disposition is one
// pair (its name is used as is, not percent-decoded); file parts are read
// as text values like any other; parts without a name are skipped.
//
// ParseRequest merges the URL query and the body like PHP's $_REQUEST with
// request_order "GP": the two are parsed separately, then the body is merged
// into the query recursively, the body winning where both give a value.
// So, as in PHP, "[]" items of the body are numbered 0, 1, ... on their own
// and replace the query's items of the same index.
//
// # Limits
//
// The urlencoded pairs are counted before any tree is built, so a huge body
// of "a&a&a..." is rejected cheaply (ErrTooManyParams); multipart parts are
// counted as they are read. ParseRequest counts the query and the body
// together. A name nested deeper than MaxDepth levels of brackets is
// ErrMalformed (PHP silently drops it). A body longer than MaxBytes is
// ErrTooLarge.
package form

import (
	"errors"
	"iter"
	"math"
	"strconv"
	"strings"
)

// Errors returned by the parsers, possibly wrapped with detail; test them
// with errors.Is.
var (
	ErrTooManyParams = errors.New("form: too many parameters")
	ErrTooLarge      = errors.New("form: request body too large")
	ErrMalformed     = errors.New("form: malformed parameters")
)

// Limits bound the work done for one request. Zero (or negative) fields
// take the defaults.
type Limits struct {
	MaxParams int   // maximum number of name=value pairs (default 1000)
	MaxDepth  int   // maximum bracket depth of a name (default 16)
	MaxBytes  int64 // maximum body size in bytes (default 1 MiB)
}

// Defaults applied to zero Limits fields.
const (
	DefaultMaxParams       = 1000
	DefaultMaxDepth        = 16
	DefaultMaxBytes  int64 = 1 << 20
)

func (l Limits) norm() Limits {
	if l.MaxParams <= 0 {
		l.MaxParams = DefaultMaxParams
	}
	if l.MaxDepth <= 0 {
		l.MaxDepth = DefaultMaxDepth
	}
	if l.MaxBytes <= 0 {
		l.MaxBytes = DefaultMaxBytes
	}
	return l
}

// Value is a node of the parameter tree: either a leaf string or an ordered
// map of children. The root returned by the parsers is always a map. A nil
// *Value is safe to query: it is an absent parameter (not a leaf, no
// children, String "").
type Value struct {
	leaf  string
	kids  []child
	idx   map[string]int32 // key -> position in kids, once the map is large
	next  int64            // next free integer key, when hasInt
	isMap bool
	// hasInt is set once the map has held a canonical integer key; full is
	// set when that key was math.MaxInt64, so [] can no longer append.
	hasInt, full bool
}

type child struct {
	key string
	val Value
}

// indexAt is the number of children beyond which lookups use a hash map.
const indexAt = 8

// IsLeaf reports whether v is a string value (false for maps and nil).
func (v *Value) IsLeaf() bool { return v != nil && !v.isMap }

// String returns the text of a leaf, or "" for a map or nil.
func (v *Value) String() string {
	if v == nil {
		return ""
	}
	return v.leaf
}

// Get returns the child named key, or nil if v is nil, a leaf, or has no
// such child. Calls chain safely: v.Get("a").Get("0").String().
func (v *Value) Get(key string) *Value {
	if v == nil {
		return nil
	}
	if i := v.find(key); i >= 0 {
		return &v.kids[i].val
	}
	return nil
}

// Keys returns the child keys in order (nil for leaves and nil).
func (v *Value) Keys() []string {
	if v == nil || len(v.kids) == 0 {
		return nil
	}
	keys := make([]string, len(v.kids))
	for i := range v.kids {
		keys[i] = v.kids[i].key
	}
	return keys
}

// Len returns the number of children (0 for leaves and nil).
func (v *Value) Len() int {
	if v == nil {
		return 0
	}
	return len(v.kids)
}

// All iterates over the children in order.
func (v *Value) All() iter.Seq2[string, *Value] {
	return func(yield func(string, *Value) bool) {
		if v == nil {
			return
		}
		for i := range v.kids {
			if !yield(v.kids[i].key, &v.kids[i].val) {
				return
			}
		}
	}
}

// Equal reports whether v and w are the same tree: both nil, both leaves
// with the same text, or both maps with the same keys in the same order and
// Equal children. (The next free [] key is not compared: it follows from
// the keys present.)
func (v *Value) Equal(w *Value) bool {
	if v == nil || w == nil {
		return v == w
	}
	if v.isMap != w.isMap || v.leaf != w.leaf || len(v.kids) != len(w.kids) {
		return false
	}
	for i := range v.kids {
		if v.kids[i].key != w.kids[i].key || !v.kids[i].val.Equal(&w.kids[i].val) {
			return false
		}
	}
	return true
}

// Pair is one name=value parameter.
type Pair struct {
	Name  string
	Value string
}

// Flatten returns the leaves of the map v as pairs named the PHP way
// (v's own keys are the base names: "records[0][name]"), depth first in
// order. Parsing Encode(v.Flatten()) gives a tree Equal to v. Flatten of a
// leaf or nil is nil.
func (v *Value) Flatten() []Pair {
	if v == nil || !v.isMap {
		return nil
	}
	var out []Pair
	var name []byte
	for i := range v.kids {
		name = append(name[:0], v.kids[i].key...)
		out = flatten(&v.kids[i].val, name, out)
	}
	return out
}

func flatten(v *Value, name []byte, out []Pair) []Pair {
	if !v.isMap {
		return append(out, Pair{Name: string(name), Value: v.leaf})
	}
	n := len(name)
	for i := range v.kids {
		name = append(name[:n], '[')
		name = append(name, v.kids[i].key...)
		name = append(name, ']')
		out = flatten(&v.kids[i].val, name, out)
	}
	return out
}

// Encode returns pairs as application/x-www-form-urlencoded text, in order.
// Everything but RFC 3986 unreserved characters is %-escaped (space as
// "+"), like PHP's http_build_query.
func Encode(pairs []Pair) string {
	n := 0
	for _, p := range pairs {
		n += len(p.Name) + len(p.Value) + 2
	}
	var b strings.Builder
	b.Grow(n + n/4)
	for i, p := range pairs {
		if i > 0 {
			b.WriteByte('&')
		}
		escape(&b, p.Name)
		b.WriteByte('=')
		escape(&b, p.Value)
	}
	return b.String()
}

func escape(b *strings.Builder, s string) {
	const hex = "0123456789ABCDEF"
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9',
			c == '-', c == '_', c == '.', c == '~':
			b.WriteByte(c)
		case c == ' ':
			b.WriteByte('+')
		default:
			b.WriteByte('%')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&15])
		}
	}
}

// newRoot returns an empty map with room for n children (n is the number
// of pairs: an upper bound, exact for the usual flat bodies).
func newRoot(n int) *Value {
	// A small map is allocated with its children in one object.
	switch {
	case n <= 0:
	case n <= 4:
		r := new(struct {
			v    Value
			kids [4]child
		})
		r.v = Value{isMap: true, kids: r.kids[:0:n]}
		return &r.v
	case n <= 8:
		r := new(struct {
			v    Value
			kids [8]child
		})
		r.v = Value{isMap: true, kids: r.kids[:0:n]}
		return &r.v
	}
	return &Value{isMap: true, kids: make([]child, 0, min(n, 32))}
}

// text is a parameter name being inserted: a string, or bytes of a
// percent-decoded name in scratch space (looked up without allocating; a
// string is made only for a new key).
type text interface{ ~string | ~[]byte }

func (v *Value) find(key string) int { return find(v, key) }

func find[S text](v *Value, key S) int {
	if v.idx != nil {
		if i, ok := v.idx[string(key)]; ok {
			return int(i)
		}
		return -1
	}
	for i := range v.kids {
		if v.kids[i].key == string(key) {
			return i
		}
	}
	return -1
}

// add appends a new child (key must not exist) and returns it.
func (v *Value) add(key string) *Value {
	v.kids = append(v.kids, child{key: key})
	i := len(v.kids) - 1
	if v.idx != nil {
		v.idx[key] = int32(i)
	} else if len(v.kids) > indexAt {
		v.idx = make(map[string]int32, 2*len(v.kids))
		for j := range v.kids {
			v.idx[v.kids[j].key] = int32(j)
		}
	}
	if n, ok := canonicalInt(key); ok && (!v.hasInt || n >= v.next) {
		v.hasInt = true
		if n == math.MaxInt64 {
			v.next, v.full = n, true
		} else {
			v.next = n + 1
		}
	}
	return &v.kids[i].val
}

// slot returns the child for key (or a new appended child if app), creating
// it if needed. It returns nil when no key is left to append.
func slot[S text](b *builder, v *Value, key S, app bool) *Value {
	if app {
		var n int64
		if v.hasInt {
			if v.full {
				return nil
			}
			n = v.next
		}
		return v.add(strconv.FormatInt(n, 10))
	}
	if i := find(v, key); i >= 0 {
		return &v.kids[i].val
	}
	return v.add(intern(b, key))
}

// intern returns key as a string, reusing an earlier key of the same text:
// field names repeat in every item of a list ("records[0][name]",
// "records[1][name]"), and a key from a decoded name would otherwise cost
// an allocation each time.
func intern[S text](b *builder, key S) string {
	if n, ok := canonicalInt(string(key)); ok && 0 <= n && n < 100 {
		return strconv.Itoa(int(n)) // static strings, no allocation
	}
	for _, k := range b.keys[:b.nkeys] {
		if k == string(key) {
			return k
		}
	}
	s := string(key)
	if b.nkeys < len(b.keys) {
		b.keys[b.nkeys] = s
		b.nkeys++
	}
	return s
}

// canonicalInt parses s if it is an int64 in canonical decimal form.
func canonicalInt(s string) (int64, bool) {
	if len(s) == 1 && '0' <= s[0] && s[0] <= '9' { // fast path for list indexes
		return int64(s[0] - '0'), true
	}
	if s == "" || len(s) > 20 {
		return 0, false
	}
	d := s
	if d[0] == '-' {
		d = d[1:]
	}
	if d == "" || d[0] < '0' || d[0] > '9' || (d[0] == '0' && len(s) > 1) {
		return 0, false // also rejects "-0" and leading zeros
	}
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil
}

// seg is one bracketed level of a name: name[start:end], or an append.
type seg struct {
	start, end int
	app        bool
}

// builder inserts pairs into a tree.
type builder struct {
	root     *Value
	maxDepth int
	segs     []seg      // scratch for the levels of a name
	buf      []byte     // scratch for percent-decoding
	keys     [32]string // interned keys
	nkeys    int
}

func newBuilder(root *Value, lim Limits) builder {
	return builder{root: root, maxDepth: lim.MaxDepth}
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func indexByte[S text](s S, c byte) int {
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			return i
		}
	}
	return -1
}

// set assigns val to the (decoded) name.
func set[S text](b *builder, name S, val string) error {
	if len(name) == 0 || name[0] == '[' {
		return nil
	}
	base, segs := name, b.segs[:0]
	if i := indexByte(name, '['); i >= 0 && indexByte(name[i+1:], ']') >= 0 {
		base = name[:i]
		for p := i; ; { // name[p] == '['
			start := p + 1
			q := start
			if q < len(name) && isSpace(name[q]) {
				q++
			}
			var end int
			if q < len(name) && name[q] == ']' {
				segs = append(segs, seg{app: true})
				end = q
			} else {
				k := indexByte(name[q:], ']')
				if k < 0 {
					break // unclosed later level: ignored, like PHP
				}
				end = q + k
				segs = append(segs, seg{start: start, end: end})
			}
			if len(segs) > b.maxDepth {
				return malformed("parameter nested deeper than " + strconv.Itoa(b.maxDepth) + " levels")
			}
			p = end + 1
			if p >= len(name) || name[p] != '[' {
				break
			}
		}
	}
	b.segs = segs

	node := b.root
	key, app := base, false
	for _, s := range segs {
		c := slot(b, node, key, app)
		if c == nil {
			return nil
		}
		if !c.isMap {
			*c = Value{isMap: true, kids: make([]child, 0, 4)} // items usually have a few fields
		}
		node, key, app = c, name[s.start:s.end], s.app
	}
	// A dropped append never leaves an empty map behind: appending can only
	// fail in a map that existed before this pair, so every map on the path
	// did too.
	if c := slot(b, node, key, app); c != nil {
		*c = Value{leaf: val}
	}
	return nil
}

func malformed(detail string) error {
	return &detailError{err: ErrMalformed, detail: detail}
}

// detailError is a sentinel error with detail, built without fmt.
type detailError struct {
	err    error
	detail string
}

func (e *detailError) Error() string { return e.err.Error() + ": " + e.detail }
func (e *detailError) Unwrap() error { return e.err }

// merge merges src into dst recursively (both maps): where both hold a map
// under a key the maps are merged, otherwise src's value replaces dst's.
func merge(dst, src *Value) {
	for i := range src.kids {
		sc := &src.kids[i]
		j := dst.find(sc.key)
		if j < 0 {
			*dst.add(sc.key) = sc.val
			continue
		}
		d := &dst.kids[j].val
		if d.isMap && sc.val.isMap {
			merge(d, &sc.val)
		} else {
			*d = sc.val
		}
	}
}
