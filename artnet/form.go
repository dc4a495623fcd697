package artnet

import (
	"net/url"
	"strconv"
	"strings"
)

// Form is an ordered list of request parameters, encoded as an HTML form
// (application/x-www-form-urlencoded). Nested parameters are named the way
// PHP nests them: "records[0][name]", "dns_servers[]", "customer[name]".
// Unlike url.Values, a Form keeps the order in which parameters were added,
// so list items reach the server in order.
//
// The zero Form is empty and ready to use.
type Form struct {
	pairs []formPair
}

type formPair struct{ name, value string }

// Add appends the parameter name=value.
func (f *Form) Add(name, value string) *Form {
	f.pairs = append(f.pairs, formPair{name, value})
	return f
}

// AddInt appends the parameter name=v in decimal.
func (f *Form) AddInt(name string, v int64) *Form {
	return f.Add(name, strconv.FormatInt(v, 10))
}

// AddBool appends the parameter name="true" or "false".
func (f *Form) AddBool(name string, v bool) *Form {
	return f.Add(name, strconv.FormatBool(v))
}

// AddList appends name[]=v for each value, in order.
func (f *Form) AddList(name string, values []string) *Form {
	for _, v := range values {
		f.Add(name+"[]", v)
	}
	return f
}

// Len returns the number of parameters.
func (f *Form) Len() int {
	if f == nil {
		return 0
	}
	return len(f.pairs)
}

// Get returns the value of the last parameter called name and whether there
// is one.
func (f *Form) Get(name string) (string, bool) {
	if f == nil {
		return "", false
	}
	for i := len(f.pairs) - 1; i >= 0; i-- {
		if f.pairs[i].name == name {
			return f.pairs[i].value, true
		}
	}
	return "", false
}

// Encode returns the parameters as a form body, in order.
func (f *Form) Encode() string {
	if f == nil {
		return ""
	}
	return encodePairs(f.pairs, nil)
}

// bracketUnescaper restores the brackets of parameter names for the debug
// log ("records[0][name]" reads better than "records%5B0%5D%5Bname%5D").
var bracketUnescaper = strings.NewReplacer("%5B", "[", "%5D", "]")

// encodePairs encodes pairs. redact, when set, says which values to
// replace by "REDACTED" (by the parameter's top-level name); it is set for
// the debug log only, which also leaves the brackets of names unescaped.
func encodePairs(pairs []formPair, redact func(name string) bool) string {
	var b strings.Builder
	for i, p := range pairs {
		if i > 0 {
			b.WriteByte('&')
		}
		name := url.QueryEscape(p.name)
		if redact != nil {
			name = bracketUnescaper.Replace(name)
		}
		b.WriteString(name)
		b.WriteByte('=')
		if redact != nil && redact(baseName(p.name)) {
			b.WriteString(redacted)
		} else {
			b.WriteString(url.QueryEscape(p.value))
		}
	}
	return b.String()
}

// baseName returns the top-level name of a nested parameter name
// ("records" for "records[0][name]").
func baseName(name string) string {
	if i := strings.IndexByte(name, '['); i > 0 {
		return name[:i]
	}
	return name
}

// sub returns name[key].
func sub(name string, keys ...string) string {
	var b strings.Builder
	b.WriteString(name)
	for _, k := range keys {
		b.WriteByte('[')
		b.WriteString(k)
		b.WriteByte(']')
	}
	return b.String()
}
