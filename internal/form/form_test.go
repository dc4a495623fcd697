package form

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// dump renders a tree compactly for comparisons: maps as {k:v,...} in
// order, leaves quoted.
func dump(v *Value) string {
	if v == nil {
		return "<nil>"
	}
	if v.IsLeaf() {
		return fmt.Sprintf("%q", v.String())
	}
	var b strings.Builder
	b.WriteByte('{')
	for i, k := range v.Keys() {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, "%s:%s", k, dump(v.Get(k)))
	}
	b.WriteByte('}')
	return b.String()
}

func TestParseURLEncoded(t *testing.T) {
	tests := []struct {
		name, body, want string
	}{
		{"empty", ``, `{}`},
		{"simple", `id=19052&api_key=XXXX&service_id=12345`, `{id:"19052",api_key:"XXXX",service_id:"12345"}`},
		{"records", `records[0][name]=www&records[0][type]=A&records[1][name]=mail`,
			`{records:{0:{name:"www",type:"A"},1:{name:"mail"}}}`},
		{"append", `dns_servers[]=a&dns_servers[]=b`, `{dns_servers:{0:"a",1:"b"}}`},
		{"explicit index", `dns_servers[0]=a`, `{dns_servers:{0:"a"}}`},
		{"object", `customer[name]=ACME&customer[nip]=123`, `{customer:{name:"ACME",nip:"123"}}`},
		{"deep", `rules[in][3][source][port][begin]=80`, `{rules:{in:{3:{source:{port:{begin:"80"}}}}}}`},
		{"append after explicit", `a[5]=x&a[]=y&a[2]=z&a[]=w`, `{a:{5:"x",6:"y",2:"z",7:"w"}}`},
		{"append after string keys", `a[x]=1&a[]=2&a[y]=3&a[]=4`, `{a:{x:"1",0:"2",y:"3",1:"4"}}`},
		{"non-canonical ints are strings", `a[07]=1&a[]=2&a[%2B3]=3&a[]=4&a[-0]=5&a[]=6`, `{a:{07:"1",0:"2",+3:"3",1:"4",-0:"5",2:"6"}}`},
		{"negative keys", `a[-5]=1&a[]=2`, `{a:{-5:"1",-4:"2"}}`},
		{"space before key is literal", `a[ 0]=1&a[]=2`, `{a:{ 0:"1",0:"2"}}`},
		{"whitespace append", `a[ ]=1&a[%09]=2&a[  ]=3`, `{a:{0:"1",1:"2",  :"3"}}`},
		{"append of maps", `a[][x]=1&a[][x]=2`, `{a:{0:{x:"1"},1:{x:"2"}}}`},
		{"nested append", `a[b][]=1&a[b][]=2&a[c][]=3`, `{a:{b:{0:"1",1:"2"},c:{0:"3"}}}`},
		{"same key and canonical int", `a[1]=x&a[]=y&a[1]=z`, `{a:{1:"z",2:"y"}}`},
		{"order kept", `records[1][name]=b&records[0][name]=a`, `{records:{1:{name:"b"},0:{name:"a"}}}`},
		{"interleaved order", `b=1&a[y]=2&c=3&a[x]=4&b=5`, `{b:"5",a:{y:"2",x:"4"},c:"3"}`},
		{"scalar replaces map", `a[x]=1&b=2&a=3`, `{a:"3",b:"2"}`},
		{"map replaces scalar", `a=3&b=2&a[x]=1`, `{a:{x:"1"},b:"2"}`},
		{"map replaced by new map", `a[5]=1&a=2&a[]=3`, `{a:{0:"3"}}`},
		{"last wins", `a=1&a=2`, `{a:"2"}`},
		{"unclosed bracket literal", `a[b=1`, `{a[b:"1"}`},
		{"unclosed after space", `a[ =1`, `{a[ :"1"}`},
		{"later unclosed bracket ignored", `a[b][c=1`, `{a:{b:"1"}}`},
		{"trailing text ignored", `a[b]c[d]=1`, `{a:{b:"1"}}`},
		{"bracket in key", `a[b[c]=1`, `{a:{b[c:"1"}}`},
		{"close bracket in base", `a]b[c]=1`, `{a]b:{c:"1"}}`},
		{"empty name skipped", `=1&&b=2&=`, `{b:"2"}`},
		{"leading bracket skipped", `[a]=1&[]=2&b=3`, `{b:"3"}`},
		{"no equals", `a&b=&c`, `{a:"",b:"",c:""}`},
		{"value with equals", `a=b=c`, `{a:"b=c"}`},
		{"plus is space", `a+b=c+d`, `{a b:"c d"}`},
		{"percent", `a%5Bx%5D=%26%3D%25&q=%e2%82%ac`, `{a:{x:"&=%"},q:"€"}`},
		{"no mangling", `a.b=1&a b=2& c=3`, `{a.b:"1",a b:"2", c:"3"}`},
		{"semicolon is literal", `a=1;b=2`, `{a:"1;b=2"}`},
		{"overflow append dropped", `a[9223372036854775807]=1&a[]=2&a[x]=3`, `{a:{9223372036854775807:"1",x:"3"}}`},
		{"int64 overflow is a string key", `a[9223372036854775808]=1&a[]=2`, `{a:{9223372036854775808:"1",0:"2"}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := ParseURLEncoded([]byte(tt.body), Limits{})
			if err != nil {
				t.Fatalf("ParseURLEncoded(%q): %v", tt.body, err)
			}
			if got := dump(v); got != tt.want {
				t.Errorf("ParseURLEncoded(%q)\n got %s\nwant %s", tt.body, got, tt.want)
			}
			// Round trip.
			enc := Encode(v.Flatten())
			w, err := ParseURLEncoded([]byte(enc), Limits{})
			if err != nil || !v.Equal(w) {
				t.Errorf("round trip via %q: %v, got %s", enc, err, dump(w))
			}
		})
	}
}

func TestAccessors(t *testing.T) {
	v, err := ParseURLEncoded([]byte(`a[x]=1&a[y][]=2&b=3`), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if v.IsLeaf() || v.Len() != 2 || v.String() != "" {
		t.Errorf("root: leaf=%v len=%d str=%q", v.IsLeaf(), v.Len(), v.String())
	}
	if got := v.Get("a").Get("y").Get("0").String(); got != "2" {
		t.Errorf("a[y][0] = %q", got)
	}
	if !v.Get("b").IsLeaf() || v.Get("b").String() != "3" || v.Get("b").Len() != 0 || v.Get("b").Keys() != nil {
		t.Errorf("b wrong: %s", dump(v.Get("b")))
	}
	if v.Get("b").Get("x") != nil {
		t.Error("Get on a leaf should be nil")
	}
	var missing *Value = v.Get("nope").Get("deeper")
	if missing != nil || missing.IsLeaf() || missing.String() != "" || missing.Len() != 0 || missing.Keys() != nil {
		t.Error("nil Value accessors")
	}
	for range missing.All() {
		t.Error("All on nil yielded")
	}
	var keys []string
	for k, c := range v.Get("a").All() {
		keys = append(keys, k+"="+dump(c))
	}
	if got := strings.Join(keys, " "); got != `x="1" y={0:"2"}` {
		t.Errorf("All: %s", got)
	}
	if missing.Flatten() != nil || v.Get("b").Flatten() != nil {
		t.Error("Flatten of nil/leaf")
	}
}

func TestLargeMapIndex(t *testing.T) {
	var b strings.Builder
	for i := range 50 {
		fmt.Fprintf(&b, "k%d=%d&a[]=%d&", i, i, i)
	}
	b.WriteString("k7=last&k40=last")
	v, err := ParseURLEncoded([]byte(b.String()), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if v.Len() != 51 || v.Get("a").Len() != 50 {
		t.Fatalf("len %d, a len %d", v.Len(), v.Get("a").Len())
	}
	if v.Keys()[0] != "k0" || v.Keys()[1] != "a" || v.Get("k7").String() != "last" || v.Get("k40").String() != "last" || v.Get("k41").String() != "41" {
		t.Errorf("lookups wrong: %v", v.Keys()[:3])
	}
	if v.Get("a").Get("49").String() != "49" {
		t.Error("a[49]")
	}
}

func TestFlattenEncode(t *testing.T) {
	v, err := ParseURLEncoded([]byte(`records[1][name]=b&records[0][name]=a&x=%26 y&dns[]=1&a[b=c`), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	want := []Pair{
		{"records[1][name]", "b"},
		{"records[0][name]", "a"},
		{"x", "& y"},
		{"dns[0]", "1"},
		{"a[b", "c"},
	}
	got := v.Flatten()
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("Flatten = %v\nwant %v", got, want)
	}
	enc := Encode(want)
	if wantEnc := "records%5B1%5D%5Bname%5D=b&records%5B0%5D%5Bname%5D=a&x=%26+y&dns%5B0%5D=1&a%5Bb=c"; enc != wantEnc {
		t.Errorf("Encode = %s", enc)
	}
	if Encode(nil) != "" {
		t.Error("Encode(nil)")
	}
}

func TestErrors(t *testing.T) {
	deep := "a" + strings.Repeat("[x]", 17) + "=1"
	tests := []struct {
		name string
		body string
		lim  Limits
		want error
	}{
		{"bad hex", `a=%zz`, Limits{}, ErrMalformed},
		{"truncated escape", `a=%4`, Limits{}, ErrMalformed},
		{"bare percent", `a%=1`, Limits{}, ErrMalformed},
		{"percent at end", `a=1%`, Limits{}, ErrMalformed},
		{"too deep default", deep, Limits{}, ErrMalformed},
		{"too deep custom", `a[b][c][d]=1`, Limits{MaxDepth: 2}, ErrMalformed},
		{"too deep append", `a[][][]=1`, Limits{MaxDepth: 2}, ErrMalformed},
		{"too many", `a=1&b=2&c=3`, Limits{MaxParams: 2}, ErrTooManyParams},
		{"too many bare", strings.Repeat("a&", 1001), Limits{}, ErrTooManyParams},
		{"too large", strings.Repeat("a", 101), Limits{MaxBytes: 100}, ErrTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := ParseURLEncoded([]byte(tt.body), tt.lim)
			if !errors.Is(err, tt.want) || v != nil {
				t.Errorf("got %v, %v; want %v", dump(v), err, tt.want)
			}
		})
	}
	// At the limits exactly: fine.
	ok := []struct {
		body string
		lim  Limits
	}{
		{"a" + strings.Repeat("[x]", 16) + "=1", Limits{}},
		{`a[b][c]=1`, Limits{MaxDepth: 2}},
		{`a=1&&b=2&`, Limits{MaxParams: 2}}, // empty pairs do not count
		{strings.Repeat("a", 100), Limits{MaxBytes: 100}},
	}
	for _, tt := range ok {
		if _, err := ParseURLEncoded([]byte(tt.body), tt.lim); err != nil {
			t.Errorf("%.40q with %+v: %v", tt.body, tt.lim, err)
		}
	}
}

// multipartBody builds a multipart body; a name starting with "@" is sent
// as a file part.
func multipartBody(t *testing.T, pairs ...string) (string, []byte) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for i := 0; i < len(pairs); i += 2 {
		var err error
		var pw io.Writer
		if name, ok := strings.CutPrefix(pairs[i], "@"); ok {
			pw, err = w.CreateFormFile(name, "zone.txt")
		} else {
			pw, err = w.CreateFormField(pairs[i])
		}
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(pw, pairs[i+1])
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return w.Boundary(), buf.Bytes()
}

func TestParseMultipart(t *testing.T) {
	boundary, body := multipartBody(t,
		"id", "19052",
		"records[0][name]", "www",
		"records[0][content]", "line1\r\nline2",
		"records[][name]", "mail",
		"@zone", "$ORIGIN example.com.\n",
		"dns_servers[]", "ns1",
		"dns_servers[]", "ns2",
	)
	v, err := ParseMultipart(bytes.NewReader(body), boundary, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	want := `{id:"19052",records:{0:{name:"www",content:"line1\r\nline2"},1:{name:"mail"}},zone:"$ORIGIN example.com.\n",dns_servers:{0:"ns1",1:"ns2"}}`
	if got := dump(v); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}

	// Limits.
	if _, err := ParseMultipart(bytes.NewReader(body), boundary, Limits{MaxParams: 6}); !errors.Is(err, ErrTooManyParams) {
		t.Errorf("MaxParams: %v", err)
	}
	if _, err := ParseMultipart(bytes.NewReader(body), boundary, Limits{MaxParams: 7}); err != nil {
		t.Errorf("MaxParams exact: %v", err)
	}
	if _, err := ParseMultipart(bytes.NewReader(body), boundary, Limits{MaxBytes: int64(len(body) - 1)}); !errors.Is(err, ErrTooLarge) {
		t.Errorf("MaxBytes: %v", err)
	}
	if _, err := ParseMultipart(bytes.NewReader(body), boundary, Limits{MaxBytes: int64(len(body))}); err != nil {
		t.Errorf("MaxBytes exact: %v", err)
	}
	if _, err := ParseMultipart(bytes.NewReader(body), boundary, Limits{MaxDepth: 1}); !errors.Is(err, ErrMalformed) {
		t.Errorf("MaxDepth: %v", err)
	}
	// A big file part counts against MaxBytes.
	boundary2, big := multipartBody(t, "@f", strings.Repeat("x", 5000))
	if _, err := ParseMultipart(bytes.NewReader(big), boundary2, Limits{MaxBytes: 4096}); !errors.Is(err, ErrTooLarge) {
		t.Errorf("big file: %v", err)
	}

	// Malformed.
	for name, tc := range map[string]struct{ boundary, body string }{
		"wrong boundary": {"other", string(body)},
		"no boundary":    {"", string(body)},
		"truncated":      {boundary, string(body[:len(body)/2])},
		"garbage":        {boundary, "hello world"},
	} {
		if _, err := ParseMultipart(strings.NewReader(tc.body), tc.boundary, Limits{}); !errors.Is(err, ErrMalformed) {
			t.Errorf("%s: %v", name, err)
		}
	}
	// Empty body, and a body with no parts, are empty forms.
	for _, b := range []string{"", "--" + boundary + "--\r\n"} {
		v, err := ParseMultipart(strings.NewReader(b), boundary, Limits{})
		if err != nil || v.Len() != 0 || v.IsLeaf() {
			t.Errorf("empty %q: %s, %v", b, dump(v), err)
		}
	}
}

func TestParseRequest(t *testing.T) {
	const urlenc = "application/x-www-form-urlencoded"
	mpBoundary, mpBody := multipartBody(t, "id", "1", "records[][name]", "www", "q[x]", "body")
	mpType := "multipart/form-data; boundary=" + mpBoundary
	tests := []struct {
		name   string
		method string
		target string
		ctype  string
		body   string
		want   string
		err    error
	}{
		{"urlencoded", "POST", "/", urlenc, "id=1&api_key=k", `{id:"1",api_key:"k"}`, nil},
		{"urlencoded charset", "POST", "/", "Application/X-WWW-Form-Urlencoded; charset=UTF-8", "a=1", `{a:"1"}`, nil},
		{"multipart", "POST", "/", mpType, string(mpBody), `{id:"1",records:{0:{name:"www"}},q:{x:"body"}}`, nil},
		{"query only", "GET", "/?a=1&b[]=2", "", "", `{a:"1",b:{0:"2"}}`, nil},
		{"nothing", "GET", "/", "", "", `{}`, nil},
		{"empty body any type", "POST", "/?a=1", "application/json", "", `{a:"1"}`, nil},
		{"body wins", "POST", "/?a=q&b=q&c=q", urlenc, "b=p&a=p", `{a:"p",b:"p",c:"q"}`, nil},
		{"recursive merge", "POST", "/?r[x]=q&r[y]=q&s[a]=q&t=q", urlenc, "r[y]=p&r[z]=p&s=p&t[a]=p&u=p",
			`{r:{x:"q",y:"p",z:"p"},s:"p",t:{a:"p"},u:"p"}`, nil},
		{"appends merge by index like PHP", "POST", "/?l[]=q1&l[]=q2", urlenc, "l[]=p1", `{l:{0:"p1",1:"q2"}}`, nil},
		{"query and multipart", "POST", "/?q[y]=query&id=0", mpType, string(mpBody), `{q:{y:"query",x:"body"},id:"1",records:{0:{name:"www"}}}`, nil},
		{"unsupported type", "POST", "/", "application/json", `{"a":1}`, "", ErrMalformed},
		{"no type with body", "POST", "/", "", "a=1", "", ErrMalformed},
		{"multipart without boundary", "POST", "/", "multipart/form-data", string(mpBody), "", ErrMalformed},
		{"bad media type", "POST", "/", "multipart/form-data; boundary", string(mpBody), "", ErrMalformed},
		{"bad query", "GET", "/?a=%zz", "", "", "", ErrMalformed},
		{"bad body", "POST", "/", urlenc, "a=%", "", ErrMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var body io.Reader
			if tt.body != "" {
				body = strings.NewReader(tt.body)
			}
			r := httptest.NewRequest(tt.method, tt.target, body)
			if tt.ctype != "" {
				r.Header.Set("Content-Type", tt.ctype)
			}
			v, err := ParseRequest(r, Limits{})
			if tt.err != nil {
				if !errors.Is(err, tt.err) {
					t.Fatalf("err = %v, want %v", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := dump(v); got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
}

// unknownLength hides a reader's length so the request is "chunked".
type unknownLength struct{ io.Reader }

func TestParseRequestLimits(t *testing.T) {
	const urlenc = "application/x-www-form-urlencoded"
	newReq := func(target, ctype string, body io.Reader) *http.Request {
		r := httptest.NewRequest("POST", target, body)
		r.Header.Set("Content-Type", ctype)
		return r
	}
	big := strings.Repeat("a=1&", 300) // 1200 bytes, 300 params
	lim := Limits{MaxBytes: 1000, MaxParams: 500}

	// Declared length too large: rejected before reading.
	if _, err := ParseRequest(newReq("/", urlenc, strings.NewReader(big)), lim); !errors.Is(err, ErrTooLarge) {
		t.Errorf("declared: %v", err)
	}
	// Unknown length: counted while reading.
	r := newReq("/", urlenc, unknownLength{strings.NewReader(big)})
	if r.ContentLength != -1 {
		t.Fatalf("ContentLength = %d", r.ContentLength)
	}
	if _, err := ParseRequest(r, lim); !errors.Is(err, ErrTooLarge) {
		t.Errorf("chunked: %v", err)
	}
	r = newReq("/", urlenc, unknownLength{strings.NewReader(big[:1000])})
	if v, err := ParseRequest(r, lim); err != nil || v.Get("a").String() != "1" {
		t.Errorf("chunked at limit: %v", err)
	}
	// Body already wrapped in http.MaxBytesReader.
	r = newReq("/", urlenc, unknownLength{strings.NewReader(big)})
	r.Body = http.MaxBytesReader(httptest.NewRecorder(), r.Body, 100)
	if _, err := ParseRequest(r, Limits{}); !errors.Is(err, ErrTooLarge) {
		t.Errorf("MaxBytesReader: %v", err)
	}
	// Multipart of unknown length.
	boundary, mp := multipartBody(t, "f", strings.Repeat("x", 2000))
	r = newReq("/", "multipart/form-data; boundary="+boundary, unknownLength{bytes.NewReader(mp)})
	if _, err := ParseRequest(r, lim); !errors.Is(err, ErrTooLarge) {
		t.Errorf("multipart chunked: %v", err)
	}
	// Params: query and body count together.
	r = newReq("/?x=1&y=2", urlenc, strings.NewReader("a=1&b=2"))
	if _, err := ParseRequest(r, Limits{MaxParams: 3}); !errors.Is(err, ErrTooManyParams) {
		t.Errorf("params: %v", err)
	}
	r = newReq("/?x=1&y=2", urlenc, strings.NewReader("a=1&b=2"))
	if _, err := ParseRequest(r, Limits{MaxParams: 4}); err != nil {
		t.Errorf("params at limit: %v", err)
	}
	r = newReq("/?x=1&y=2&z=3", urlenc, nil)
	if _, err := ParseRequest(r, Limits{MaxParams: 2}); !errors.Is(err, ErrTooManyParams) {
		t.Errorf("query params: %v", err)
	}
	boundary, mp = multipartBody(t, "a", "1", "b", "2")
	r = newReq("/?x=1", "multipart/form-data; boundary="+boundary, bytes.NewReader(mp))
	if _, err := ParseRequest(r, Limits{MaxParams: 2}); !errors.Is(err, ErrTooManyParams) {
		t.Errorf("multipart params: %v", err)
	}
}

func TestParseRequestServer(t *testing.T) {
	// Through a real server: body of a real connection, query merge.
	var got string
	var gotErr error
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v, err := ParseRequest(r, Limits{})
		got, gotErr = dump(v), err
	}))
	defer srv.Close()
	resp, err := http.Post(srv.URL+"/?id=1&x=q", "application/x-www-form-urlencoded",
		strings.NewReader(Encode([]Pair{{"records[0][name]", "w w"}, {"x", "p"}})))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if gotErr != nil || got != `{id:"1",x:"p",records:{0:{name:"w w"}}}` {
		t.Errorf("got %s, %v", got, gotErr)
	}
}

var benchBody = []byte("id=19052&api_key=XXXX&service_id=12345")

func BenchmarkParseURLEncoded(b *testing.B) {
	b.ReportAllocs()
	b.SetBytes(int64(len(benchBody)))
	for b.Loop() {
		v, err := ParseURLEncoded(benchBody, Limits{})
		if err != nil || v.Len() != 3 {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseURLEncodedRecords(b *testing.B) {
	var pairs []Pair
	pairs = append(pairs, Pair{"id", "19052"}, Pair{"api_key", "0123456789abcdef0123456789abcdef"}, Pair{"domain", "example.com"})
	for i := range 20 {
		pairs = append(pairs,
			Pair{fmt.Sprintf("records[%d][name]", i), "www"},
			Pair{fmt.Sprintf("records[%d][type]", i), "A"},
			Pair{fmt.Sprintf("records[%d][content]", i), "192.0.2.1"},
			Pair{fmt.Sprintf("records[%d][ttl]", i), "3600"})
	}
	body := []byte(Encode(pairs))
	b.ReportAllocs()
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		if _, err := ParseURLEncoded(body, Limits{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseRequest(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		r := &http.Request{
			Method:        "POST",
			Header:        http.Header{"Content-Type": {"application/x-www-form-urlencoded"}},
			Body:          io.NopCloser(bytes.NewReader(benchBody)),
			ContentLength: int64(len(benchBody)),
		}
		v, err := ParseRequest(r, Limits{})
		if err != nil || v.Len() != 3 {
			b.Fatal(err)
		}
	}
}
