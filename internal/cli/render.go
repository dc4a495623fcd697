package cli

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/artnet-panel/artnet-panel/artnet"
)

// printDetails writes v (an SDK answer struct) for people: one
// "field: value" line per field, named as in the API, the values of each
// object aligned, nested objects indented and list items marked "- ".
func printDetails(w io.Writer, v any) error {
	bw := bufio.NewWriter(w)
	rv := reflect.ValueOf(v)
	for rv.Kind() == reflect.Pointer && !rv.IsNil() {
		rv = rv.Elem()
	}
	if rv.Kind() == reflect.Struct {
		renderStruct(bw, rv, "", "")
	} else {
		renderFields(bw, []field{{"value", rv}}, "", "")
	}
	return bw.Flush()
}

const timeLayout = "2006-01-02 15:04:05 UTC"

// formatTime formats t in UTC, or "-" for the zero time.
func formatTime(t artnet.Timestamp) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format(timeLayout)
}

// formatDate formats t as a UTC date, or "-" for the zero time.
func formatDate(t artnet.Timestamp) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format("2006-01-02")
}

var (
	timestampType = reflect.TypeFor[artnet.Timestamp]()
	timeType      = reflect.TypeFor[time.Time]()
	stringerType  = reflect.TypeFor[fmt.Stringer]()
	rawJSONType   = reflect.TypeFor[json.RawMessage]()
)

// scalar formats v when it is a single value.
func scalar(v reflect.Value) (string, bool) {
	switch v.Type() {
	case timestampType:
		return formatTime(v.Interface().(artnet.Timestamp)), true
	case timeType:
		return v.Interface().(time.Time).UTC().Format(timeLayout), true
	case rawJSONType:
		return string(v.Bytes()), true
	}
	switch v.Type() {
	case reflect.TypeFor[artnet.Money]():
		return formatMoney(v.Interface().(artnet.Money)), true
	case reflect.TypeFor[artnet.Money4]():
		return formatMoney4(v.Interface().(artnet.Money4)), true
	case reflect.TypeFor[json.Number]():
		return v.Interface().(fmt.Stringer).String(), true
	}
	switch v.Kind() {
	case reflect.String:
		return v.String(), true
	case reflect.Bool:
		return strconv.FormatBool(v.Bool()), true
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.FormatInt(v.Int(), 10), true
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return strconv.FormatUint(v.Uint(), 10), true
	case reflect.Float32, reflect.Float64:
		return strconv.FormatFloat(v.Float(), 'f', -1, 64), true
	}
	if v.Type().Implements(stringerType) && v.Kind() != reflect.Struct {
		return v.Interface().(fmt.Stringer).String(), true
	}
	return "", false
}

// fieldName returns the JSON name of a struct field, or "" to skip it.
func fieldName(f reflect.StructField) string {
	if !f.IsExported() {
		return ""
	}
	tag := f.Tag.Get("json")
	if tag == "-" {
		return ""
	}
	name, _, _ := strings.Cut(tag, ",")
	if name == "" {
		name = f.Name
	}
	return name
}

// field is a named value to render.
type field struct {
	name string
	v    reflect.Value
}

// structFields returns the fields of a struct value by their JSON names;
// the fields of embedded structs are inline, as in the JSON.
func structFields(v reflect.Value) []field {
	var out []field
	t := v.Type()
	for i := range t.NumField() {
		sf := t.Field(i)
		fv := v.Field(i)
		if sf.Anonymous && sf.Tag.Get("json") == "" && fv.Kind() == reflect.Struct {
			out = append(out, structFields(fv)...)
			continue
		}
		if name := fieldName(sf); name != "" {
			out = append(out, field{name, fv})
		}
	}
	return out
}

// renderStruct writes the fields of v at indent; the first line starts
// with first instead (the "- " of a list item) when first is not "".
func renderStruct(w io.Writer, v reflect.Value, indent, first string) {
	fields := structFields(v)
	if len(fields) == 0 {
		if first == "" {
			first = indent
		}
		fmt.Fprintf(w, "%s{}\n", first)
		return
	}
	renderFields(w, fields, indent, first)
}

// renderFields writes fields: the one-line ones as "name: value" with
// their values aligned, the others as "name:" and their nested lines.
func renderFields(w io.Writer, fields []field, indent, first string) {
	leads := make([]string, len(fields))
	width := 0
	for i, f := range fields {
		leads[i] = indent
		if i == 0 && first != "" {
			leads[i] = first
		}
		if _, ok := inline(f.v); ok {
			width = max(width, len(leads[i])+len(f.name)+1)
		}
	}
	for i, f := range fields {
		if s, ok := inline(f.v); ok {
			fmt.Fprintf(w, "%-*s %s\n", width, leads[i]+f.name+":", s)
			continue
		}
		renderBlock(w, f.name, f.v, leads[i])
	}
}

// inline formats v when it fits on the line of its name: a single value,
// nil, an empty list or a list of single values.
func inline(v reflect.Value) (string, bool) {
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			return "-", true
		}
		v = v.Elem()
	}
	if s, ok := scalar(v); ok {
		if strings.Contains(s, "\n") {
			return "", false
		}
		if s == "" {
			s = "-"
		}
		return s, true
	}
	switch v.Kind() {
	case reflect.Slice, reflect.Array, reflect.Map:
		if v.Len() == 0 {
			return "-", true
		}
		if v.Kind() != reflect.Map {
			if items, ok := scalarList(v); ok {
				return strings.Join(items, ", "), true
			}
		}
	}
	return "", false
}

// renderBlock writes "name:" and the nested lines of v (an object, a list
// of objects, a map or a text of several lines).
func renderBlock(w io.Writer, name string, v reflect.Value, lead string) {
	// Nested lines are indented from where the name starts (a list item's
	// "- " counts as indentation).
	childIndent := strings.Repeat(" ", len(lead)) + "  "
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		v = v.Elem()
	}
	fmt.Fprintf(w, "%s%s:\n", lead, name)
	if s, ok := scalar(v); ok { // a text of several lines
		for _, line := range strings.Split(strings.TrimRight(s, "\n"), "\n") {
			if line == "" {
				fmt.Fprintln(w)
				continue
			}
			fmt.Fprintf(w, "%s%s\n", childIndent, line)
		}
		return
	}
	switch v.Kind() {
	case reflect.Struct:
		renderStruct(w, v, childIndent, "")
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			item := v.Index(i)
			for (item.Kind() == reflect.Pointer || item.Kind() == reflect.Interface) && !item.IsNil() {
				item = item.Elem()
			}
			if item.Kind() == reflect.Struct {
				renderStruct(w, item, childIndent+"  ", childIndent+"- ")
			} else {
				renderFields(w, []field{{strconv.Itoa(i), item}}, childIndent, "")
			}
		}
	case reflect.Map:
		var fields []field
		iter := v.MapRange()
		for iter.Next() {
			fields = append(fields, field{fmt.Sprint(iter.Key().Interface()), iter.Value()})
		}
		slices.SortFunc(fields, func(a, b field) int { return strings.Compare(a.name, b.name) })
		renderFields(w, fields, childIndent, "")
	default:
		fmt.Fprintf(w, "%s%v\n", childIndent, v.Interface())
	}
}

// scalarList formats a list of single values.
func scalarList(v reflect.Value) ([]string, bool) {
	out := make([]string, 0, v.Len())
	for i := range v.Len() {
		s, ok := scalar(v.Index(i))
		if !ok {
			return nil, false
		}
		out = append(out, s)
	}
	return out, true
}

// formatMoney writes an amount as people read money: with two decimals
// ("430.50", "984.00", "-0.50"). -o json and -o yaml keep the API's own
// numbers.
func formatMoney(m artnet.Money) string {
	return formatMinor(int64(m), 100, 2)
}

// formatMoney4 writes an amount of 1/10000 units with the four decimals
// the API gives cloud 24 h prices in ("3.3000").
func formatMoney4(m artnet.Money4) string {
	return formatMinor(int64(m), 10000, 4)
}

// formatMinor writes v minor units (unit of them to one) with digits
// decimals.
func formatMinor(v, unit int64, digits int) string {
	sign := ""
	u := uint64(v)
	if v < 0 {
		sign, u = "-", uint64(-v) // -MinInt64 wraps to its own magnitude as uint64
	}
	return fmt.Sprintf("%s%d.%0*d", sign, u/uint64(unit), digits, u%uint64(unit))
}
