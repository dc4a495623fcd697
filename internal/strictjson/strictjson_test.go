package strictjson

import (
	"encoding/json"
	"errors"
	"math/big"
	"net/netip"
	"reflect"
	"strings"
	"testing"
	"time"
)

// Money is like the project's money type: exact decimal, from a JSON number
// or string.
type Money struct{ r *big.Rat }

var errMoney = errors.New("invalid amount")

func (m *Money) UnmarshalJSON(b []byte) error {
	s := strings.Trim(string(b), `"`)
	r, ok := new(big.Rat).SetString(s)
	if !ok || r.Sign() < 0 {
		return errMoney
	}
	m.r = r
	return nil
}

func (m Money) String() string {
	if m.r == nil {
		return "<nil>"
	}
	return m.r.FloatString(2)
}

type Service struct {
	Name           string     `json:"name"`
	Price          Money      `json:"price"`
	ExpirationTime int64      `json:"expiration_time"`
	Renew          *bool      `json:"renew,omitempty"`
	Started        *time.Time `json:"started"`
}

type Item struct {
	Service Service `json:"service"`
}

type Customer struct {
	ID       int               `json:"id"`
	Name     string            `json:"name"`
	Services []Item            `json:"services"`
	Tags     map[string]string `json:"tags"`
	Ignored  string            `json:"-"`
	Extra    json.RawMessage   `json:"extra"`
	Any      any               `json:"any"`
	IP       netip.Addr        `json:"ip"`
}

type Inventory struct {
	Customers []Customer `json:"customers"`
}

func TestDecodeInventory(t *testing.T) {
	data := `{"customers":[{"id":7,"name":"ACME","services":[
		{"service":{"name":"a","price":"12.30","expiration_time":1700000000,"renew":true,"started":"2024-01-02T03:04:05Z"}},
		{"service":{"name":"b","price":0.1,"expiration_time":-1,"renew":null,"started":null}}],
		"tags":{"k":"v"},"extra":{"x": [1, 2]},"any":{"n":12345678901234567890,"l":[true,null,"s"]},
		"ip":"192.0.2.1"}]}`
	var inv Inventory
	if err := Decode([]byte(data), &inv); err != nil {
		t.Fatal(err)
	}
	c := inv.Customers[0]
	if c.ID != 7 || c.Name != "ACME" || len(c.Services) != 2 || c.Tags["k"] != "v" || c.IP != netip.MustParseAddr("192.0.2.1") {
		t.Errorf("customer = %+v", c)
	}
	s0, s1 := c.Services[0].Service, c.Services[1].Service
	if s0.Price.String() != "12.30" || s1.Price.String() != "0.10" {
		t.Errorf("prices %s %s", s0.Price, s1.Price)
	}
	if s0.Renew == nil || !*s0.Renew || s1.Renew != nil {
		t.Errorf("renew %v %v", s0.Renew, s1.Renew)
	}
	if s0.Started == nil || s0.Started.Year() != 2024 || s1.Started != nil {
		t.Errorf("started %v %v", s0.Started, s1.Started)
	}
	if s1.ExpirationTime != -1 {
		t.Errorf("expiration %d", s1.ExpirationTime)
	}
	if string(c.Extra) != `{"x": [1, 2]}` {
		t.Errorf("raw = %s", c.Extra)
	}
	want := map[string]any{"n": json.Number("12345678901234567890"), "l": []any{true, nil, "s"}}
	if !reflect.DeepEqual(c.Any, want) {
		t.Errorf("any = %#v", c.Any)
	}
}

func TestDecodeErrors(t *testing.T) {
	tests := []struct {
		name, data, want string
	}{
		{"unknown field in nested list",
			`{"customers":[{"id":1},{"id":2,"services":[{"service":{}},{"service":{"name":"x","colour":"red"}}]}]}`,
			`$.customers[1].services[1].service.colour: unknown field`},
		{"type error path",
			`{"customers":[{"services":[{},{},{"service":{"expiration_time":"tomorrow"}}]}]}`,
			`$.customers[0].services[2].service.expiration_time: expected integer, got string`},
		{"int overflow", `{"customers":[{"id":9223372036854775808}]}`,
			`$.customers[0].id: value 9223372036854775808 out of range for int`},
		{"float into int", `{"customers":[{"id":1.5}]}`, `$.customers[0].id: expected integer, got 1.5`},
		{"integral float into int", `{"customers":[{"id":1.0}]}`, `$.customers[0].id: expected integer, got 1.0`},
		{"exponent into int", `{"customers":[{"id":1e3}]}`, `$.customers[0].id: expected integer, got 1e3`},
		{"custom unmarshaler error", `{"customers":[{"services":[{"service":{"price":"-3"}}]}]}`,
			`$.customers[0].services[0].service.price: invalid amount`},
		{"time error", `{"customers":[{"services":[{"service":{"started":"yesterday"}}]}]}`,
			`$.customers[0].services[0].service.started: parsing time "yesterday" as "2006-01-02T15:04:05Z07:00": cannot parse "yesterday" as "2006"`},
		{"text unmarshaler error", `{"customers":[{"ip":"999.1.1.1"}]}`,
			`$.customers[0].ip: ParseAddr("999.1.1.1"): IPv4 field has value >255`},
		{"text unmarshaler wants string", `{"customers":[{"ip":4}]}`, `$.customers[0].ip: expected string, got number`},
		{"null into string", `{"customers":[{"name":null}]}`, `$.customers[0].name: expected string, got null`},
		{"null into struct", `{"customers":[{"services":[null]}]}`, `$.customers[0].services[0]: expected object, got null`},
		{"array for object", `{"customers":[[]]}`, `$.customers[0]: expected object, got array`},
		{"object for array", `{"customers":{}}`, `$.customers: expected array, got object`},
		{"bool for string", `{"customers":[{"tags":{"a":true}}]}`, `$.customers[0].tags.a: expected string, got boolean`},
		{"odd key path", `{"customers":[{"tags":{"a b":1}}]}`, `$.customers[0].tags["a b"]: expected string, got number`},
		{"unknown odd key", `{"customers":[{"my-key":1}]}`, `$.customers[0]["my-key"]: unknown field`},
		{"case sensitive", `{"Customers":[]}`, `$.Customers: unknown field`},
		{"dash field", `{"customers":[{"Ignored":"x"}]}`, `$.customers[0].Ignored: unknown field`},
		{"repeated key", `{"customers":[],"customers":[]}`, `$.customers: repeated key`},
		{"trailing garbage", `{"customers":[]} x`, `$: unexpected data after the JSON value at offset 16`},
		{"second value", `{} {}`, `$: unexpected data after the JSON value at offset 2`},
		{"syntax", `{"customers":[}`, `$: invalid JSON at offset 15: invalid character '}' looking for beginning of value`},
		{"truncated", `{"customers":[`, `$: invalid JSON: unexpected EOF`},
		{"empty", ` `, `$: no JSON value`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var inv Inventory
			err := Decode([]byte(tt.data), &inv)
			var pe *PathError
			if !errors.As(err, &pe) {
				t.Fatalf("err = %v (%T), want PathError", err, err)
			}
			if err.Error() != tt.want {
				t.Errorf("err = %s\nwant  %s", err, tt.want)
			}
		})
	}
}

func TestUnmarshalerErrorWrapped(t *testing.T) {
	var s Service
	err := Decode([]byte(`{"price":"abc"}`), &s)
	if !errors.Is(err, errMoney) {
		t.Errorf("errors.Is(%v, errMoney) = false", err)
	}
	var pe *PathError
	if !errors.As(err, &pe) || pe.Path != "$.price" {
		t.Errorf("path: %v", err)
	}
}

// nested decodes with Decode itself: its errors are rebased on the path.
type nested struct{ X int }

func (n *nested) UnmarshalJSON(b []byte) error {
	var v struct {
		X int `json:"x"`
	}
	err := Decode(b, &v)
	n.X = v.X
	return err
}

func TestNestedDecodePath(t *testing.T) {
	var v struct {
		N []nested `json:"n"`
	}
	err := Decode([]byte(`{"n":[{"x":1},{"y":2}]}`), &v)
	if err == nil || err.Error() != "$.n[1].y: unknown field" {
		t.Errorf("err = %v", err)
	}
}

func TestIntegers(t *testing.T) {
	var v struct {
		I8  int8    `json:"i8"`
		U8  uint8   `json:"u8"`
		U64 uint64  `json:"u64"`
		I64 int64   `json:"i64"`
		F32 float32 `json:"f32"`
	}
	ok := `{"i8":-128,"u8":255,"u64":18446744073709551615,"i64":-9223372036854775808,"f32":1.5e3}`
	if err := Decode([]byte(ok), &v); err != nil {
		t.Fatal(err)
	}
	if v.I8 != -128 || v.U8 != 255 || v.U64 != 1<<64-1 || v.I64 != -1<<63 || v.F32 != 1500 {
		t.Errorf("%+v", v)
	}
	for data, want := range map[string]string{
		`{"i8":128}`:                    "$.i8: value 128 out of range for int8",
		`{"u8":256}`:                    "$.u8: value 256 out of range for uint8",
		`{"u8":-1}`:                     "$.u8: value -1 out of range for uint8",
		`{"u64":18446744073709551616}`:  "$.u64: value 18446744073709551616 out of range for uint64",
		`{"i64":9007199254740993.0}`:    "$.i64: expected integer, got 9007199254740993.0",
		`{"f32":1e39}`:                  "$.f32: value 1e39 out of range for float32",
		`{"i64":"1"}`:                   "$.i64: expected integer, got string",
		`{"f32":"1"}`:                   "$.f32: expected number, got string",
		`{"i64":9223372036854775807.5}`: "$.i64: expected integer, got 9223372036854775807.5",
	} {
		if err := Decode([]byte(data), &v); err == nil || err.Error() != want {
			t.Errorf("%s: err = %v, want %s", data, err, want)
		}
	}
	// Exactness beyond float64: 2^53+1.
	if err := Decode([]byte(`{"i64":9007199254740993}`), &v); err != nil || v.I64 != 9007199254740993 {
		t.Errorf("2^53+1: %d, %v", v.I64, err)
	}
}

type Base struct {
	ID      int    `json:"id"`
	Created string `json:"created"`
}

type Named struct {
	Name string `json:"name"`
}

type meta struct {
	Note string `json:"note"`
}

type Record struct {
	Base
	*Named
	meta
	Created string `json:"created"` // shallower: wins over Base.Created
	Type    string `json:"type"`
}

func TestEmbedded(t *testing.T) {
	var r Record
	err := Decode([]byte(`{"id":3,"name":"www","note":"n","created":"top","type":"A"}`), &r)
	if err != nil {
		t.Fatal(err)
	}
	if r.ID != 3 || r.Named == nil || r.Name != "www" || r.Note != "n" || r.Created != "top" || r.Base.Created != "" || r.Type != "A" {
		t.Errorf("%+v named=%+v", r, r.Named)
	}
	// Embedded pointer stays nil when none of its fields is given.
	r = Record{}
	if err := Decode([]byte(`{"id":1}`), &r); err != nil || r.Named != nil {
		t.Errorf("named = %v, err %v", r.Named, err)
	}
	// Conflicting untagged names at the same depth are dropped, as in
	// encoding/json, so the key is unknown.
	type A struct{ X int }
	type B struct{ X int }
	var c struct {
		A
		B
	}
	if err := Decode([]byte(`{"X":1}`), &c); err == nil || err.Error() != "$.X: unknown field" {
		t.Errorf("conflict: %v", err)
	}
	// A tagged field wins over an untagged one at the same depth.
	type C struct {
		X int `json:"X"`
	}
	var d struct {
		A
		C
	}
	if err := Decode([]byte(`{"X":1}`), &d); err != nil || d.C.X != 1 || d.A.X != 0 {
		t.Errorf("tagged: %+v %v", d, err)
	}
}

func TestNullsAndContainers(t *testing.T) {
	n := 5
	v := struct {
		P   *int               `json:"p"`
		PP  **int              `json:"pp"`
		S   []int              `json:"s"`
		M   map[string]int     `json:"m"`
		A   [2]int             `json:"a"`
		B   []byte             `json:"b"`
		I   any                `json:"i"`
		KI  map[int]string     `json:"ki"`
		KA  map[netip.Addr]int `json:"ka"`
		Num json.Number        `json:"num"`
	}{P: &n, S: []int{1}, M: map[string]int{"x": 1}, I: 3}
	data := `{"p":null,"pp":7,"s":null,"m":null,"a":[1,2],"b":"aGk=","i":null,"ki":{"-4":"x"},"ka":{"::1":1},"num":1.50}`
	if err := Decode([]byte(data), &v); err != nil {
		t.Fatal(err)
	}
	if v.P != nil || v.PP == nil || **v.PP != 7 || v.S != nil || v.M != nil || v.A != [2]int{1, 2} ||
		string(v.B) != "hi" || v.I != nil || v.KI[-4] != "x" || v.KA[netip.MustParseAddr("::1")] != 1 || v.Num != "1.50" {
		t.Errorf("%+v", v)
	}
	if n != 5 {
		t.Error("null must not write through the old pointer")
	}
	for data, want := range map[string]string{
		`{"a":[1]}`:       "$.a: expected array of 2 elements, got 1",
		`{"a":[1,2,3]}`:   "$.a: expected array of 2 elements, got 3",
		`{"a":null}`:      "$.a: expected array, got null",
		`{"b":"%%"}`:      "$.b: invalid base64: illegal base64 data at input byte 0",
		`{"ki":{"x":""}}`: `$.ki.x: invalid key: expected int`,
		`{"ka":{"x":1}}`:  `$.ka.x: invalid key: ParseAddr("x"): unable to parse IP`,
		`{"num":"1"}`:     "$.num: expected number, got string",
		`{"s":[1,"2"]}`:   "$.s[1]: expected integer, got string",
		`{"m":{"k":{}}}`:  "$.m.k: expected integer, got object",
	} {
		if err := Decode([]byte(data), &v); err == nil || err.Error() != want {
			t.Errorf("%s: err = %v, want %s", data, err, want)
		}
	}
}

type quoted struct {
	N  int64  `json:"n,string"`
	P  *int   `json:"p,string"`
	B  bool   `json:"b,string,omitempty"`
	S  string `json:"s,string"`
	OK string `json:"ok"`
}

func TestStringOption(t *testing.T) {
	var q quoted
	if err := Decode([]byte(`{"n":"12","p":"3","b":"true","s":"\"x\"","ok":"y"}`), &q); err != nil {
		t.Fatal(err)
	}
	if q.N != 12 || q.P == nil || *q.P != 3 || !q.B || q.S != "x" || q.OK != "y" {
		t.Errorf("%+v", q)
	}
	for data, want := range map[string]string{
		`{"n":12}`:    "$.n: expected integer in a string, got 12",
		`{"p":"x"}`:   `$.p: expected integer in a string, got "x"`,
		`{"n":"1.5"}`: "$.n: expected integer, got 1.5",
	} {
		if err := Decode([]byte(data), &q); err == nil || err.Error() != want {
			t.Errorf("%s: err = %v, want %s", data, err, want)
		}
	}
}

func TestTopLevel(t *testing.T) {
	var n int
	if err := Decode([]byte(" 42 \n"), &n); err != nil || n != 42 {
		t.Errorf("%d %v", n, err)
	}
	var s []string
	if err := Decode([]byte(`["a","b"]`), &s); err != nil || len(s) != 2 {
		t.Errorf("%v %v", s, err)
	}
	var m map[string]*Service
	if err := Decode([]byte(`{"x":{"name":"n"},"y":null}`), &m); err != nil || m["x"].Name != "n" || m["y"] != nil {
		t.Errorf("%v %v", m, err)
	}
	var a any
	if err := Decode([]byte(`[1.5]`), &a); err != nil || !reflect.DeepEqual(a, []any{json.Number("1.5")}) {
		t.Errorf("%v %v", a, err)
	}
	var e interface{ Error() string }
	if err := Decode([]byte(`1`), &e); err == nil || err.Error() != "$: cannot decode into interface type interface { Error() string }" {
		t.Errorf("non-empty interface: %v", err)
	}
	if err := Decode([]byte(`1`), n); err == nil {
		t.Error("non-pointer accepted")
	}
	if err := Decode([]byte(`1`), (*int)(nil)); err == nil {
		t.Error("nil pointer accepted")
	}
	var ch chan int
	if err := Decode([]byte(`1`), &ch); err == nil || err.Error() != "$: cannot decode into type chan int" {
		t.Errorf("chan: %v", err)
	}
}
