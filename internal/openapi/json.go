package openapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
)

// object is a JSON object that keeps its keys in insertion order, so the
// generated document reads in a natural order ("openapi" first, paths in
// catalogue order) and is byte-for-byte stable.
type object struct {
	keys []string
	vals map[string]any
}

// obj returns an object of the key/value pairs kv (key, value, key,
// value...). Pairs whose value is nil are skipped.
func obj(kv ...any) *object {
	o := &object{vals: make(map[string]any, len(kv)/2)}
	for i := 0; i+1 < len(kv); i += 2 {
		o.set(kv[i].(string), kv[i+1])
	}
	return o
}

// set sets key k to v (keeping the position of an existing key). A nil v
// is ignored.
func (o *object) set(k string, v any) *object {
	if v == nil {
		return o
	}
	if _, ok := o.vals[k]; !ok {
		o.keys = append(o.keys, k)
	}
	o.vals[k] = v
	return o
}

// mergeAfter sets the keys of s on o, in order, and returns o.
func (o *object) mergeAfter(s *object) *object {
	for _, k := range s.keys {
		o.set(k, s.vals[k])
	}
	return o
}

func (o *object) get(k string) any { return o.vals[k] }

func (o *object) len() int { return len(o.keys) }

// encode writes v as indented JSON (two spaces), without HTML escaping. An
// object or array whose members are all scalars is written on one line
// (enums, required lists, x-error-codes entries), which keeps the document
// compact and its diffs readable. Supported values: *object, []any,
// []string, string, bool, int and int64.
func encode(buf *bytes.Buffer, v any, depth int) error {
	newline := func(d int) {
		buf.WriteByte('\n')
		for range d {
			buf.WriteString("  ")
		}
	}
	switch v := v.(type) {
	case *object:
		if v.len() == 0 {
			buf.WriteString("{}")
			return nil
		}
		if allScalar(v.values()) {
			buf.WriteByte('{')
			for i, k := range v.keys {
				if i > 0 {
					buf.WriteString(", ")
				}
				writeString(buf, k)
				buf.WriteString(": ")
				if err := encode(buf, v.vals[k], depth); err != nil {
					return fmt.Errorf("%s: %w", k, err)
				}
			}
			buf.WriteByte('}')
			return nil
		}
		buf.WriteByte('{')
		for i, k := range v.keys {
			if i > 0 {
				buf.WriteByte(',')
			}
			newline(depth + 1)
			writeString(buf, k)
			buf.WriteString(": ")
			if err := encode(buf, v.vals[k], depth+1); err != nil {
				return fmt.Errorf("%s: %w", k, err)
			}
		}
		newline(depth)
		buf.WriteByte('}')
	case []any:
		if len(v) == 0 {
			buf.WriteString("[]")
			return nil
		}
		if allScalar(v) {
			buf.WriteByte('[')
			for i, e := range v {
				if i > 0 {
					buf.WriteString(", ")
				}
				if err := encode(buf, e, depth); err != nil {
					return fmt.Errorf("[%d]: %w", i, err)
				}
			}
			buf.WriteByte(']')
			return nil
		}
		buf.WriteByte('[')
		for i, e := range v {
			if i > 0 {
				buf.WriteByte(',')
			}
			newline(depth + 1)
			if err := encode(buf, e, depth+1); err != nil {
				return fmt.Errorf("[%d]: %w", i, err)
			}
		}
		newline(depth)
		buf.WriteByte(']')
	case []string:
		a := make([]any, len(v))
		for i, s := range v {
			a[i] = s
		}
		return encode(buf, a, depth)
	case string:
		writeString(buf, v)
	case bool:
		buf.WriteString(strconv.FormatBool(v))
	case int:
		buf.WriteString(strconv.Itoa(v))
	case int64:
		buf.WriteString(strconv.FormatInt(v, 10))
	default:
		return fmt.Errorf("cannot encode %T", v)
	}
	return nil
}

// allScalar reports whether every value of vs is a string, bool or number.
func allScalar(vs []any) bool {
	for _, v := range vs {
		switch v.(type) {
		case string, bool, int, int64:
		default:
			return false
		}
	}
	return true
}

// values returns the values of o in key order.
func (o *object) values() []any {
	vs := make([]any, len(o.keys))
	for i, k := range o.keys {
		vs[i] = o.vals[k]
	}
	return vs
}

// writeString writes s as a JSON string without escaping <, > and &.
func writeString(buf *bytes.Buffer, s string) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.Encode(s) // cannot fail for a string
	buf.Write(bytes.TrimSuffix(b.Bytes(), []byte("\n")))
}
