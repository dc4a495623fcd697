package httpapi

import (
	"context"
	"slices"
	"strconv"
	"unicode/utf8"

	"github.com/artnet-panel/artnet-panel/internal/apperr"
	"github.com/artnet-panel/artnet-panel/internal/form"
	"github.com/artnet-panel/artnet-panel/internal/panel"
	"github.com/artnet-panel/artnet-panel/internal/spec"
)

// handlerFunc runs one command for an authenticated customer whose
// parameters passed checkParams. It returns the answer object (nil for a
// bare success).
type handlerFunc func(ctx context.Context, c *call) (any, error)

// call is one authenticated command invocation.
type call struct {
	cmd        spec.Command
	params     *form.Value
	customerID int64
	principal  panel.Principal // the key that called (sub-key limits)
}

// present reports whether the top-level parameter was sent with a value.
// An empty scalar counts as absent, as for an HTML form's empty field.
func present(v *form.Value) bool {
	return v != nil && (!v.IsLeaf() || v.String() != "")
}

// str returns a string parameter ("" when absent).
func (c *call) str(name string) string { return c.params.Get(name).String() }

// int returns a Number parameter already checked by checkParams (0 when
// absent).
func (c *call) int(name string) int64 {
	n, _ := strconv.ParseInt(c.params.Get(name).String(), 10, 64)
	return n
}

// optString returns a pointer to the child's text, or nil when absent.
func optString(v *form.Value, name string) *string {
	child := v.Get(name)
	if child == nil || !child.IsLeaf() {
		return nil
	}
	s := child.String()
	return &s
}

// optBool returns a pointer to the child's boolean, or nil when absent.
func optBool(v *form.Value, name string) *bool {
	child := v.Get(name)
	if !present(child) {
		return nil
	}
	b, _ := parseBool(child.String())
	return &b
}

func parseBool(s string) (bool, bool) {
	switch s {
	case "true", "1":
		return true, true
	case "false", "0":
		return false, true
	}
	return false, false
}

// checkParams checks the request's parameters against the command's
// catalogue entry: required ones present, each of its declared type. A
// failure is answered with the command's parameter error code, naming the
// parameter. Undeclared parameters are ignored, as the original service
// does.
func checkParams(cmd spec.Command, params *form.Value) error {
	return checkLevel(cmd, cmd.Params, params, "")
}

func checkLevel(cmd spec.Command, decl []spec.Param, v *form.Value, prefix string) error {
	for _, p := range decl {
		name := p.Name
		if prefix != "" {
			name = prefix + "[" + p.Name + "]"
		}
		child := v.Get(p.Name)
		if !present(child) {
			// A missing confirm is a command not confirmed: the handler
			// answers the documented unconfirmed, in its order.
			if p.Required && !(prefix == "" && p.Name == "confirm" && slices.Contains(cmd.Errors, apperr.CodeUnconfirmed)) {
				return apperr.Errorf(cmd.ParamErrorCode(), "missing parameter %s", name)
			}
			continue
		}
		if p.CheckedByHandler {
			continue
		}
		if err := checkValue(cmd, p, child, name); err != nil {
			return err
		}
	}
	return nil
}

func checkValue(cmd spec.Command, p spec.Param, v *form.Value, name string) error {
	bad := func(why string) error {
		return apperr.Errorf(cmd.ParamErrorCode(), "%s: %s", name, why)
	}
	switch p.Type {
	case spec.String:
		if !v.IsLeaf() {
			return bad("expected a single value")
		}
		if !utf8.ValidString(v.String()) {
			return bad("not valid UTF-8")
		}
		if p.MaxLen > 0 && utf8.RuneCountInString(v.String()) > p.MaxLen {
			if code := tooLongCodes[cmd.Path()+" "+name]; code != "" {
				return apperr.New(code)
			}
			return bad("longer than " + strconv.Itoa(p.MaxLen) + " characters")
		}
	case spec.Number:
		if !v.IsLeaf() {
			return bad("expected a number")
		}
		if _, err := strconv.ParseInt(v.String(), 10, 64); err != nil {
			return bad("expected an integer")
		}
	case spec.Bool:
		if _, ok := parseBool(v.String()); !v.IsLeaf() || !ok {
			return bad(`expected "true" or "false"`)
		}
	case spec.List:
		if v.IsLeaf() {
			return nil // a single value is a list of one
		}
		for _, k := range v.Keys() {
			if !v.Get(k).IsLeaf() {
				return bad("expected a list of values")
			}
		}
	case spec.Object:
		if v.IsLeaf() {
			return bad("expected " + name + "[field] parameters")
		}
		return checkLevel(cmd, p.Children, v, name)
	case spec.ObjectList:
		if v.IsLeaf() {
			return bad("expected " + name + "[N][field] parameters")
		}
		for _, k := range v.Keys() {
			item := v.Get(k)
			if item.IsLeaf() {
				return bad("item " + k + " must have fields")
			}
			if err := checkLevel(cmd, p.Children, item, name+"["+k+"]"); err != nil {
				return err
			}
		}
	}
	return nil
}

// badParam returns the command's parameter error with a detail.
func badParam(c *call, detail string) error {
	return apperr.Errorf(c.cmd.ParamErrorCode(), "%s", detail)
}
