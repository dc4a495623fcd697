package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"

	"sigs.k8s.io/yaml"

	"github.com/artnet-panel/artnet-panel/artnet"
)

// recordSyntax documents --record of dns edit-primary-records.
const recordSyntax = `Records are given in order (order is significant), one --record each, in
the zone-file order of RFC 1035:

  --record 'NAME [TTL] TYPE DATA1 [DATA2 [DATA3 [DATA4]]]'

  NAME   a relative name (www), a fully qualified name ending with a dot
         (www.example.com.), @ for the domain itself, or - for an empty name
         (the name of the previous record)
  TTL    seconds; optional (the server's default applies when omitted)
  TYPE   A, AAAA, CNAME, MX, TXT or SRV
  DATA   the record's data, as many parts as the type has:
           A / AAAA / CNAME   ADDRESS or TARGET
           MX                 PRIORITY HOST
           SRV                PRIORITY WEIGHT PORT TARGET
           TXT                TEXT
Fields are separated by spaces; put a field with spaces in double quotes
("v=spf1 mx -all"), with \" and \\ for a quote and a backslash inside.

dns details-primary prints the records in this syntax. --records-file reads
them as JSON or YAML instead: a list of {name, ttl, type, data1..data4}
objects, or the -o json output of dns details-primary.

The records replace all the zone's records. Without any record the command
refuses to run unless --clear is given (which empties the zone).`

// parseRecord parses 'NAME [TTL] TYPE DATA1 [DATA2 [DATA3 [DATA4]]]'.
func parseRecord(s string) (artnet.DNSRecord, error) {
	var r artnet.DNSRecord
	fields, err := splitFields(s)
	if err != nil {
		return r, err
	}
	if len(fields) < 3 {
		return r, errors.New("want NAME [TTL] TYPE DATA1 [DATA2 [DATA3 [DATA4]]]")
	}
	r.Name = fields[0]
	if r.Name == "-" {
		r.Name = ""
	}
	i := 1
	if ttl, err := strconv.ParseInt(fields[1], 10, 64); err == nil {
		if ttl < 0 {
			return r, fmt.Errorf("TTL %d is negative", ttl)
		}
		r.TTL, i = ttl, 2
	}
	if i >= len(fields) {
		return r, errors.New("missing TYPE")
	}
	r.Type = strings.ToUpper(fields[i])
	if !slices.Contains(artnet.DNSRecordTypes, r.Type) {
		return r, fmt.Errorf("type %q: want one of %s", fields[i], strings.Join(artnet.DNSRecordTypes, ", "))
	}
	data := fields[i+1:]
	switch {
	case len(data) == 0:
		return r, errors.New("missing DATA1")
	case len(data) > 4:
		return r, fmt.Errorf("%d data fields: at most 4 (quote a field with spaces)", len(data))
	}
	for j, dst := range []*string{&r.Data1, &r.Data2, &r.Data3, &r.Data4} {
		if j < len(data) {
			*dst = data[j]
		}
	}
	return r, nil
}

// splitFields splits s at spaces; a double-quoted field may hold spaces,
// \" and \\.
func splitFields(s string) ([]string, error) {
	var fields []string
	var cur strings.Builder
	inField, quoted := false, false
	for i := 0; i < len(s); i++ {
		ch := s[i]
		switch {
		case quoted && ch == '\\':
			if i+1 >= len(s) {
				return nil, errors.New("unfinished \\ escape")
			}
			i++
			cur.WriteByte(s[i])
		case quoted && ch == '"':
			quoted = false
		case quoted:
			cur.WriteByte(ch)
		case ch == ' ' || ch == '\t':
			if inField {
				fields = append(fields, cur.String())
				cur.Reset()
				inField = false
			}
		case ch == '"':
			quoted, inField = true, true
		default:
			cur.WriteByte(ch)
			inField = true
		}
	}
	if quoted {
		return nil, errors.New("unterminated double quote")
	}
	if inField {
		fields = append(fields, cur.String())
	}
	return fields, nil
}

// formatRecord writes r in the --record syntax.
func formatRecord(r artnet.DNSRecord) string {
	name := r.Name
	if name == "" {
		name = "-"
	}
	parts := []string{quoteField(name)}
	if r.TTL > 0 {
		parts = append(parts, strconv.FormatInt(r.TTL, 10))
	}
	parts = append(parts, r.Type)
	for _, d := range []string{r.Data1, r.Data2, r.Data3, r.Data4} {
		if d != "" {
			parts = append(parts, quoteField(d))
		}
	}
	return strings.Join(parts, " ")
}

// quoteField quotes s when it holds spaces or quotes, or is empty.
func quoteField(s string) string {
	if s != "" && !strings.ContainsAny(s, " \t\"\\") {
		return s
	}
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}

// readDataFile reads a JSON or YAML file ("-" for stdin) into a generic
// JSON value (numbers kept exact).
func readDataFile(path string, stdin io.Reader) (any, error) {
	var data []byte
	var err error
	if path == "-" {
		data, err = io.ReadAll(stdin)
	} else {
		data, err = os.ReadFile(path)
	}
	if err != nil {
		return nil, err
	}
	j, err := yaml.YAMLToJSON(data)
	if err != nil {
		return nil, fmt.Errorf("%s: not JSON or YAML: %w", path, err)
	}
	dec := json.NewDecoder(bytes.NewReader(j))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return v, nil
}

// stringifyKeys turns the numbers under the given keys into strings, so
// that a YAML port: 22 fits a string field.
func stringifyKeys(v any, keys ...string) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			if n, ok := e.(json.Number); ok && slices.Contains(keys, k) {
				x[k] = n.String()
				continue
			}
			x[k] = stringifyKeys(e, keys...)
		}
	case []any:
		for i, e := range x {
			x[i] = stringifyKeys(e, keys...)
		}
	}
	return v
}

// decodeStrict decodes the generic value v into out, rejecting unknown
// fields.
func decodeStrict(v any, out any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	return dec.Decode(out)
}

// dig returns v[keys[0]][keys[1]]... when every step is an object.
func dig(v any, keys ...string) (any, bool) {
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			return nil, false
		}
		if v, ok = m[k]; !ok {
			return nil, false
		}
	}
	return v, true
}

// readRecordsFile reads DNS records: a list, {"records": [...]} or the
// output of dns details-primary ({"zone_details": {"records": [...]}}).
func readRecordsFile(path string, stdin io.Reader) ([]artnet.DNSRecord, error) {
	v, err := readDataFile(path, stdin)
	if err != nil {
		return nil, err
	}
	v = stringifyKeys(v, "name", "type", "data1", "data2", "data3", "data4")
	if r, ok := dig(v, "zone_details", "records"); ok {
		v = r
	} else if r, ok := dig(v, "records"); ok {
		v = r
	}
	var records []artnet.DNSRecord
	if err := decodeStrict(v, &records); err != nil {
		return nil, fmt.Errorf("%s: want a list of records {name, ttl, type, data1..data4}: %w", path, err)
	}
	return records, nil
}

// readFirewallRulesFile reads firewall rules: {"in": [...], "out": [...]},
// {"rules": {...}} or the output of firewall details
// ({"ruleset_details": {"rules": {...}}}).
func readFirewallRulesFile(path string, stdin io.Reader) (artnet.FirewallRules, error) {
	var rules artnet.FirewallRules
	v, err := readDataFile(path, stdin)
	if err != nil {
		return rules, err
	}
	v = stringifyKeys(v, "protocol", "begin", "end", "policy", "ip")
	if r, ok := dig(v, "ruleset_details", "rules"); ok {
		v = r
	} else if r, ok := dig(v, "rules"); ok {
		v = r
	}
	if _, ok := v.(map[string]any); !ok {
		return rules, fmt.Errorf("%s: want an object {\"in\": [rules], \"out\": [rules]}", path)
	}
	if err := decodeStrict(v, &rules); err != nil {
		return rules, fmt.Errorf("%s: %w", path, err)
	}
	return rules, nil
}
