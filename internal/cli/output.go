package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	yaml "go.yaml.in/yaml/v2"
)

// Output formats (-o).
const (
	formatTable = "table"
	formatJSON  = "json"
	formatYAML  = "yaml"
)

var formats = []string{formatTable, formatJSON, formatYAML}

// Print writes body, the command's answer as the API documents it (the
// SDK's response struct, without "success"), as JSON or YAML; in table
// format it calls human instead.
func (o *Common) Print(body any, human func(w io.Writer) error) error {
	o.f.progress.Stop()
	switch o.Output {
	case formatJSON, formatYAML:
		return writeStructured(o.IO.Out, o.Output, body)
	}
	return human(o.IO.Out)
}

// Done reports a command without an answer body: {} in JSON/YAML, msg in
// table format.
func (o *Common) Done(msg string) error {
	return o.Print(struct{}{}, func(w io.Writer) error {
		_, err := fmt.Fprintln(w, msg)
		return err
	})
}

// writeStructured writes v as indented JSON or as YAML (converted from the
// JSON, so field names are the API's).
func writeStructured(w io.Writer, format string, v any) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return err
	}
	out := buf.Bytes()
	if format == formatYAML {
		y, err := jsonToYAML(out)
		if err != nil {
			return err
		}
		out = y
	}
	_, err := w.Write(out)
	return err
}

// jsonToYAML converts a JSON document to YAML, keeping the order of the
// object keys (the API's order).
func jsonToYAML(j []byte) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(j))
	dec.UseNumber()
	v, err := orderedValue(dec)
	if err != nil {
		return nil, err
	}
	return yaml.Marshal(v)
}

// orderedValue reads the next JSON value: objects as yaml.MapSlice,
// numbers as int64 or float64.
func orderedValue(dec *json.Decoder) (any, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			m := yaml.MapSlice{}
			for dec.More() {
				k, err := dec.Token()
				if err != nil {
					return nil, err
				}
				v, err := orderedValue(dec)
				if err != nil {
					return nil, err
				}
				m = append(m, yaml.MapItem{Key: k, Value: v})
			}
			_, err := dec.Token() // '}'
			return m, err
		case '[':
			l := []any{}
			for dec.More() {
				v, err := orderedValue(dec)
				if err != nil {
					return nil, err
				}
				l = append(l, v)
			}
			_, err := dec.Token() // ']'
			return l, err
		}
		return nil, fmt.Errorf("unexpected %v", t)
	case json.Number:
		if i, err := t.Int64(); err == nil {
			return i, nil
		}
		return t.Float64()
	}
	return tok, nil
}

// table writes aligned rows: a header, then one row per item.
type table struct {
	tw *tabwriter.Writer
}

func newTable(w io.Writer, header ...string) *table {
	t := &table{tw: tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)}
	t.row(header...)
	return t
}

func (t *table) row(cells ...string) {
	for i, c := range cells {
		if c == "" {
			cells[i] = "-"
		}
		cells[i] = strings.NewReplacer("\t", " ", "\n", " ", "\r", " ").Replace(cells[i])
	}
	fmt.Fprintln(t.tw, strings.Join(cells, "\t"))
}

func (t *table) flush() error { return t.tw.Flush() }
