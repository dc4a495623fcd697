// Package strictjson decodes JSON like encoding/json, but strictly, and
// reports every problem with the JSON path of the offending value:
//
//	$.customers[0].services[2].service.expiration_time: expected number, got string
//
// It follows encoding/json's struct tags (name, "-", ",string"; omitempty
// means nothing when decoding) and flattens embedded structs by the same
// rules (shallower fields win, then tagged ones, ties are dropped). It
// honours json.Unmarshaler (called with the raw bytes of the value; its
// error is wrapped with the path) and encoding.TextUnmarshaler (for JSON
// strings, and for map keys); json.RawMessage therefore gets the raw bytes.
//
// Unlike encoding/json it rejects:
//   - object keys that match no field (exact, case-sensitive match only)
//     and keys repeated within one object;
//   - values of the wrong JSON type, including null for a type that cannot
//     be nil (bool, numbers, strings, structs, arrays) — make the field a
//     pointer, slice or map to allow null (an Unmarshaler sees the null);
//   - numbers that do not fit the target: integers must be written as
//     integers ("1.0" and "1e3" are rejected) and be in range, and are
//     parsed from the literal, never through float64;
//   - arrays of the wrong length for Go arrays;
//   - any data after the top-level value.
//
// Pointers take null as nil. Interfaces (any) get the generic tree of
// encoding/json with json.Number for numbers (so large integers stay
// exact).
//
// Each object and array is re-read once per level of nesting, which is fine
// for configuration and inventories, not for large streams.
package strictjson

import (
	"bytes"
	"encoding"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strconv"
	"strings"
	"sync"
)

// PathError is a decoding error at one JSON path.
type PathError struct {
	Path string // "$", "$.a[0].b", `$["odd key"]`
	Msg  string
	Err  error // the error of an Unmarshaler, if that is the cause
}

func (e *PathError) Error() string { return e.Path + ": " + e.Msg }
func (e *PathError) Unwrap() error { return e.Err }

func errorf(path, format string, args ...any) error {
	return &PathError{Path: path, Msg: fmt.Sprintf(format, args...)}
}

// Decode decodes the single JSON value in data into v, a non-nil pointer.
func Decode(data []byte, v any) error {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return errorf("$", "Decode needs a non-nil pointer, got %T", v)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	var raw json.RawMessage
	if err := dec.Decode(&raw); err != nil {
		var se *json.SyntaxError
		switch {
		case err == io.EOF:
			return errorf("$", "no JSON value")
		case errors.As(err, &se):
			return errorf("$", "invalid JSON at offset %d: %v", se.Offset, err)
		}
		return errorf("$", "invalid JSON: %v", err)
	}
	off := dec.InputOffset()
	if _, err := dec.Token(); err != io.EOF {
		return errorf("$", "unexpected data after the JSON value at offset %d", off)
	}
	return decode("$", raw, rv.Elem())
}

var (
	unmarshalerType     = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshalerType = reflect.TypeFor[encoding.TextUnmarshaler]()
	numberType          = reflect.TypeFor[json.Number]()
)

// jsonKind names the kind of JSON value raw holds.
func jsonKind(raw []byte) string {
	switch raw[0] {
	case '{':
		return "object"
	case '[':
		return "array"
	case '"':
		return "string"
	case 't', 'f':
		return "boolean"
	case 'n':
		return "null"
	}
	return "number"
}

// want names the kind of JSON value that decodes into t.
func want(t reflect.Type) string {
	switch {
	case t == numberType:
		return "number"
	case reflect.PointerTo(t).Implements(textUnmarshalerType):
		return "string"
	}
	switch t.Kind() {
	case reflect.Struct, reflect.Map:
		return "object"
	case reflect.Slice, reflect.Array:
		return "array"
	case reflect.String:
		return "string"
	case reflect.Bool:
		return "boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return "integer"
	case reflect.Float32, reflect.Float64:
		return "number"
	}
	return t.String()
}

// decode decodes the valid JSON value raw into the settable v.
func decode(path string, raw []byte, v reflect.Value) error {
	kind := jsonKind(raw)
	t := v.Type()
	if kind == "null" && t.Kind() == reflect.Pointer {
		v.SetZero()
		return nil
	}
	if t.Kind() != reflect.Pointer && reflect.PointerTo(t).Implements(unmarshalerType) {
		if err := v.Addr().Interface().(json.Unmarshaler).UnmarshalJSON(raw); err != nil {
			return wrap(path, err)
		}
		return nil
	}
	if kind == "string" && t.Kind() != reflect.Pointer && reflect.PointerTo(t).Implements(textUnmarshalerType) {
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return wrap(path, err)
		}
		if err := v.Addr().Interface().(encoding.TextUnmarshaler).UnmarshalText([]byte(s)); err != nil {
			return wrap(path, err)
		}
		return nil
	}
	switch t.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			v.Set(reflect.New(t.Elem()))
		}
		return decode(path, raw, v.Elem())
	case reflect.Interface:
		if t.NumMethod() != 0 {
			return errorf(path, "cannot decode into interface type %s", t)
		}
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.UseNumber()
		var x any
		if err := dec.Decode(&x); err != nil {
			return wrap(path, err)
		}
		if x == nil {
			v.SetZero()
		} else {
			v.Set(reflect.ValueOf(x))
		}
		return nil
	case reflect.Map, reflect.Slice:
		if kind == "null" {
			v.SetZero()
			return nil
		}
	}
	w := want(t)
	mismatch := func() error { return errorf(path, "expected %s, got %s", w, kind) }
	if w == "string" && t.Kind() != reflect.String {
		return mismatch() // a TextUnmarshaler given no string
	}
	switch t.Kind() {
	case reflect.Struct:
		if kind != "object" {
			return mismatch()
		}
		return decodeStruct(path, raw, v)
	case reflect.Map:
		if kind != "object" {
			return mismatch()
		}
		return decodeMap(path, raw, v)
	case reflect.Slice:
		if kind == "string" && t.Elem().Kind() == reflect.Uint8 {
			var s string
			_ = json.Unmarshal(raw, &s)
			b, err := base64.StdEncoding.DecodeString(s)
			if err != nil {
				return errorf(path, "invalid base64: %v", err)
			}
			v.SetBytes(b)
			return nil
		}
		fallthrough
	case reflect.Array:
		if kind != "array" {
			return mismatch()
		}
		return decodeArray(path, raw, v)
	case reflect.String:
		if t == numberType {
			if kind != "number" {
				return mismatch()
			}
			v.SetString(string(raw))
			return nil
		}
		if kind != "string" {
			return mismatch()
		}
		var s string
		_ = json.Unmarshal(raw, &s) // raw is a valid string
		v.SetString(s)
		return nil
	case reflect.Bool:
		if kind != "boolean" {
			return mismatch()
		}
		v.SetBool(raw[0] == 't')
		return nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		if kind != "number" {
			return mismatch()
		}
		lit := string(raw)
		if strings.ContainsAny(lit, ".eE") {
			return errorf(path, "expected integer, got %s", lit)
		}
		var err error
		if v.CanInt() {
			var n int64
			if n, err = strconv.ParseInt(lit, 10, t.Bits()); err == nil {
				v.SetInt(n)
			}
		} else {
			var n uint64
			if n, err = strconv.ParseUint(lit, 10, t.Bits()); err == nil {
				v.SetUint(n)
			}
		}
		if err != nil {
			return errorf(path, "value %s out of range for %s", lit, t)
		}
		return nil
	case reflect.Float32, reflect.Float64:
		if kind != "number" {
			return mismatch()
		}
		f, err := strconv.ParseFloat(string(raw), t.Bits())
		if err != nil {
			return errorf(path, "value %s out of range for %s", raw, t)
		}
		v.SetFloat(f)
		return nil
	}
	return errorf(path, "cannot decode into type %s", t)
}

// wrap puts path on an error from an Unmarshaler. A *PathError (from a
// nested Decode) is rebased onto path.
func wrap(path string, err error) error {
	if pe, ok := err.(*PathError); ok && strings.HasPrefix(pe.Path, "$") {
		return &PathError{Path: path + pe.Path[1:], Msg: pe.Msg, Err: pe.Err}
	}
	return &PathError{Path: path, Msg: err.Error(), Err: err}
}

type member struct {
	key string
	raw json.RawMessage
}

// objectMembers splits the valid JSON object raw into its members, in
// order, rejecting repeated keys.
func objectMembers(path string, raw []byte) ([]member, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	if _, err := dec.Token(); err != nil { // {
		return nil, wrap(path, err)
	}
	var ms []member
	seen := make(map[string]bool)
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, wrap(path, err)
		}
		key, _ := tok.(string)
		if seen[key] {
			return nil, errorf(keyPath(path, key), "repeated key")
		}
		seen[key] = true
		var m json.RawMessage
		if err := dec.Decode(&m); err != nil {
			return nil, wrap(path, err)
		}
		ms = append(ms, member{key, m})
	}
	return ms, nil
}

// keyPath extends path by an object key: .name, or ["odd key"].
func keyPath(path, key string) string {
	ident := key != ""
	for i, c := range key {
		if !(c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || i > 0 && '0' <= c && c <= '9') {
			ident = false
			break
		}
	}
	if ident {
		return path + "." + key
	}
	return path + "[" + strconv.Quote(key) + "]"
}

func decodeStruct(path string, raw []byte, v reflect.Value) error {
	ms, err := objectMembers(path, raw)
	if err != nil {
		return err
	}
	fields := cachedFields(v.Type())
	for _, m := range ms {
		p := keyPath(path, m.key)
		f, ok := fields[m.key]
		if !ok {
			return errorf(p, "unknown field")
		}
		fv := v
		for i, x := range f.index {
			if i > 0 && fv.Kind() == reflect.Pointer { // embedded *T
				if fv.IsNil() {
					if !fv.CanSet() {
						return errorf(p, "cannot set embedded pointer to unexported struct %s", fv.Type().Elem())
					}
					fv.Set(reflect.New(fv.Type().Elem()))
				}
				fv = fv.Elem()
			}
			fv = fv.Field(x)
		}
		data := []byte(m.raw)
		if f.quoted && jsonKind(data) != "null" {
			var s string
			if jsonKind(data) != "string" || json.Unmarshal(data, &s) != nil || s == "" || !json.Valid([]byte(s)) {
				wt := fv.Type()
				if wt.Kind() == reflect.Pointer {
					wt = wt.Elem()
				}
				return errorf(p, "expected %s in a string, got %s", want(wt), data)
			}
			data = []byte(s)
		}
		if err := decode(p, data, fv); err != nil {
			return err
		}
	}
	return nil
}

func decodeMap(path string, raw []byte, v reflect.Value) error {
	ms, err := objectMembers(path, raw)
	if err != nil {
		return err
	}
	t := v.Type()
	kt := t.Key()
	if v.IsNil() {
		v.Set(reflect.MakeMapWithSize(t, len(ms)))
	}
	for _, m := range ms {
		p := keyPath(path, m.key)
		kv := reflect.New(kt).Elem()
		switch {
		case reflect.PointerTo(kt).Implements(textUnmarshalerType):
			if err := kv.Addr().Interface().(encoding.TextUnmarshaler).UnmarshalText([]byte(m.key)); err != nil {
				return wrap(p, fmt.Errorf("invalid key: %w", err))
			}
		case kt.Kind() == reflect.String:
			kv.SetString(m.key)
		case kv.CanInt():
			n, err := strconv.ParseInt(m.key, 10, kt.Bits())
			if err != nil {
				return errorf(p, "invalid key: expected %s", kt)
			}
			kv.SetInt(n)
		case kv.CanUint():
			n, err := strconv.ParseUint(m.key, 10, kt.Bits())
			if err != nil {
				return errorf(p, "invalid key: expected %s", kt)
			}
			kv.SetUint(n)
		default:
			return errorf(path, "cannot decode into map with key type %s", kt)
		}
		ev := reflect.New(t.Elem()).Elem()
		if err := decode(p, m.raw, ev); err != nil {
			return err
		}
		v.SetMapIndex(kv, ev)
	}
	return nil
}

func decodeArray(path string, raw []byte, v reflect.Value) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	if _, err := dec.Token(); err != nil { // [
		return wrap(path, err)
	}
	var elems []json.RawMessage
	for dec.More() {
		var m json.RawMessage
		if err := dec.Decode(&m); err != nil {
			return wrap(path, err)
		}
		elems = append(elems, m)
	}
	if v.Kind() == reflect.Array {
		if len(elems) != v.Len() {
			return errorf(path, "expected array of %d elements, got %d", v.Len(), len(elems))
		}
	} else {
		v.Set(reflect.MakeSlice(v.Type(), len(elems), len(elems)))
	}
	for i, m := range elems {
		if err := decode(path+"["+strconv.Itoa(i)+"]", m, v.Index(i)); err != nil {
			return err
		}
	}
	return nil
}

// field is a JSON object key of a struct type.
type field struct {
	index  []int // path of field indexes through embedded structs
	quoted bool  // ",string"
	depth  int
	tagged bool
}

var fieldCache sync.Map // reflect.Type -> map[string]field

func cachedFields(t reflect.Type) map[string]field {
	if f, ok := fieldCache.Load(t); ok {
		return f.(map[string]field)
	}
	f, _ := fieldCache.LoadOrStore(t, typeFields(t))
	return f.(map[string]field)
}

// typeFields lists the keys of struct type t by encoding/json's rules:
// exported fields (and those of embedded structs, also unexported ones,
// breadth first), renamed by their tag; of the fields with one name the
// shallowest wins, then the only tagged one; any other tie drops the name.
func typeFields(t reflect.Type) map[string]field {
	type todo struct {
		t     reflect.Type
		index []int
	}
	byName := map[string][]field{}
	visited := map[reflect.Type]bool{}
	next := []todo{{t: t}}
	for len(next) > 0 {
		level := next
		next = nil
		for _, td := range level {
			if visited[td.t] {
				continue
			}
			visited[td.t] = true
			for i := range td.t.NumField() {
				sf := td.t.Field(i)
				ft := sf.Type
				if ft.Name() == "" && ft.Kind() == reflect.Pointer {
					ft = ft.Elem()
				}
				if sf.Anonymous {
					if !sf.IsExported() && ft.Kind() != reflect.Struct {
						continue
					}
				} else if !sf.IsExported() {
					continue
				}
				tag := sf.Tag.Get("json")
				if tag == "-" {
					continue
				}
				name, opts, _ := strings.Cut(tag, ",")
				index := append(append([]int(nil), td.index...), i)
				if name == "" && sf.Anonymous && ft.Kind() == reflect.Struct {
					next = append(next, todo{ft, index})
					continue
				}
				f := field{index: index, depth: len(index), tagged: name != ""}
				if name == "" {
					name = sf.Name
				}
				if strings.Contains(","+opts+",", ",string,") {
					switch ft.Kind() {
					case reflect.Bool, reflect.String, reflect.Float32, reflect.Float64,
						reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
						reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
						f.quoted = true
					}
				}
				byName[name] = append(byName[name], f)
			}
		}
	}
	out := make(map[string]field, len(byName))
	for name, fs := range byName {
		var best []field
		for _, f := range fs {
			switch {
			case len(best) == 0 || f.depth < best[0].depth:
				best = []field{f}
			case f.depth == best[0].depth:
				best = append(best, f)
			}
		}
		var tagged []field
		for _, f := range best {
			if f.tagged {
				tagged = append(tagged, f)
			}
		}
		switch {
		case len(best) == 1:
			out[name] = best[0]
		case len(tagged) == 1:
			out[name] = tagged[0]
		}
	}
	return out
}
