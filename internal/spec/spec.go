// Package spec is the command catalogue of the Artnet API: every documented
// command with its parameters, response fields and error codes, transcribed
// from the public API documentation.
//
// The catalogue drives the router (unknown-command), the form decoder (types
// and required parameters), the OpenAPI document, the CLI and the tests that
// walk every command. A documented command missing here is a bug.
//
// The Command values returned by All and Lookup share their slices with the
// catalogue: callers must treat them as read-only.
package spec

import (
	"slices"
	"sync"

	"github.com/artnet-panel/artnet-panel/internal/apperr"
)

// ParamType is the wire type of a request parameter.
type ParamType int

// Parameter types.
const (
	String     ParamType = iota // scalar string
	Number                      // scalar integer (decimal digits, optional leading '-'); documented "number"
	Bool                        // scalar "true"/"false"/"1"/"0" (documented "boolean")
	List                        // list of strings: name[]=a&name[]=b or name[0]=a (documented "list")
	Object                      // nested object of named children, e.g. customer[name], resources[cpu]
	ObjectList                  // array-of-arrays: records[N][name] etc.; Children describe one item
)

var paramTypeNames = [...]string{"string", "number", "boolean", "list", "object", "object-list"}

// String returns the documented name of the type ("string", "number", ...).
func (t ParamType) String() string {
	if t < 0 || int(t) >= len(paramTypeNames) {
		return "unknown"
	}
	return paramTypeNames[t]
}

// Param is one request parameter.
type Param struct {
	Name     string // wire name exactly as documented, e.g. "service_id", "customer" (for customer[name])
	Type     ParamType
	Required bool
	Doc      string  // the documented one-line description (English)
	Children []Param // for Object and ObjectList (the fields of one item)
	MaxLen   int     // length limit for strings where the documentation states one (0 = none)
	// AllowEmpty marks a Number whose documentation allows an empty string
	// meaning "not set / not checked" (firewall ports and protocol).
	AllowEmpty bool
	// CheckedByHandler: the command's handler checks the value (types,
	// ranges, required fields) and reports every problem at once; the
	// router only passes it on.
	CheckedByHandler bool
	// Extension marks a parameter this server adds to a documented
	// command (not in the original documentation).
	Extension bool
}

// Field is one documented response field. Type is the type as documented
// ("string", "number", "boolean", "timestamp", "object", "objects-list",
// "strings-list", ...).
type Field struct {
	Name, Type, Doc string
	Children        []Field
}

// Command is one documented API command.
type Command struct {
	Module   string // e.g. "services"
	Name     string // e.g. "details"
	Summary  string // documented short title, e.g. "service details"
	Doc      string // documented description
	Params   []Param
	Errors   []string // error codes: documented ones in documented order, deduplicated, then the few added (see catalogue.go)
	Response []Field  // documented response fields
	// ListOf is set on the modules' list commands that the documentation
	// defines as /services/list with service_type=ListOf.
	ListOf string
	// Destructive commands lose data, interrupt a running machine or
	// invalidate credentials; the CLI asks before running them.
	Destructive bool
	// ReadOnly commands change nothing and are safe to retry.
	ReadOnly bool
	// Extension marks a command this server adds to the documented API
	// (firewall/save-confirm); clients of the original never call it.
	Extension bool
	// IdempotencyKey marks the commands that buy or change billing: they
	// accept an Idempotency-Key header (an extension of this server; see
	// idempotency.go).
	IdempotencyKey bool
}

// Module is one documented module (group of commands).
type Module struct {
	Name string
	Doc  string // documented description
}

// All returns every command, in documentation order.
func All() []Command {
	return slices.Clone(catalogue)
}

// Modules returns the documented modules, in documentation order.
func Modules() []Module {
	return slices.Clone(modules)
}

type commandKey struct{ module, name string }

var (
	indexOnce sync.Once
	index     map[commandKey]int // position in catalogue
)

// Lookup returns the command module/name.
func Lookup(module, name string) (Command, bool) {
	indexOnce.Do(func() {
		index = make(map[commandKey]int, len(catalogue))
		for i, c := range catalogue {
			index[commandKey{c.Module, c.Name}] = i
		}
	})
	i, ok := index[commandKey{module, name}]
	if !ok {
		return Command{}, false
	}
	return catalogue[i], true
}

// Path returns "module/name", e.g. "services/details".
func (c Command) Path() string { return c.Module + "/" + c.Name }

// Param returns the top-level parameter called name.
func (c Command) Param(name string) (Param, bool) {
	for _, p := range c.Params {
		if p.Name == name {
			return p, true
		}
	}
	return Param{}, false
}

// ParamErrorCode returns the code for a malformed or badly typed parameter:
// the first of incorrect-param-value and invalid-param-value documented for
// the command, else incorrect-param-value.
func (c Command) ParamErrorCode() string {
	for _, e := range c.Errors {
		if e == apperr.CodeIncorrectParamValue || e == apperr.CodeInvalidParamValue {
			return e
		}
	}
	return apperr.CodeIncorrectParamValue
}

// idParamNames are the parameters that name an object owned by a customer.
var idParamNames = map[string]bool{
	"service_id":        true,
	"parent_service_id": true,
	"email_id":          true,
	"zone_id":           true,
	"subnetwork_id":     true,
	"ruleset_id":        true,
	"instance_id":       true,
	"server_id":         true,
}

// IDParams returns the names of the top-level parameters that name an object
// owned by a customer (service_id, zone_id, ...), in parameter order.
func (c Command) IDParams() []string {
	var ids []string
	for _, p := range c.Params {
		if idParamNames[p.Name] {
			ids = append(ids, p.Name)
		}
	}
	return ids
}
