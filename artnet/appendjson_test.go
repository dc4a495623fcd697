package artnet_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/artnet-panel/artnet-panel/artnet"
)

// trickyStrings are texts json.Marshal escapes one way or another.
var trickyStrings = []string{
	"", "plain", `quote " and \ backslash`, "<script>&amp;</script>", "tab\tnl\ncr\rbs\bff\f",
	"\x00\x01\x1f\x7f", "zażółć gęślą jaźń", "line\u2028para\u2029end", "bad \xff utf8 \xc3",
	"\xe2\x80", "emoji 😀", "\u00a0nbsp", "end\\",
}

// randomString mixes ASCII, escapes, multi-byte runes and invalid bytes.
func randomString(r *rand.Rand) string {
	var b []byte
	for n := r.IntN(12); n > 0; n-- {
		switch r.IntN(6) {
		case 0:
			b = append(b, byte(r.IntN(128)))
		case 1:
			b = append(b, byte(r.IntN(256)))
		case 2:
			b = append(b, string(rune(r.IntN(0x3000)))...)
		case 3:
			b = append(b, trickyStrings[r.IntN(len(trickyStrings))]...)
		default:
			b = append(b, "abc xyz-0.9"[r.IntN(11)])
		}
	}
	return string(b)
}

func randomMoney(r *rand.Rand) artnet.Money {
	switch r.IntN(5) {
	case 0:
		return artnet.Money([]int64{0, 1, -1, 5, 10, 99, 100, -100, -105, math.MaxInt64, math.MinInt64 + 1}[r.IntN(11)])
	case 1:
		return artnet.Money(r.Int64())
	default:
		return artnet.Money(r.Int64N(2_000_000) - 1_000_000)
	}
}

func randomService(r *rand.Rand) artnet.Service {
	s := artnet.Service{
		ID: r.Int64() - r.Int64(), Type: randomString(r), Name: randomString(r),
		PaymentDetails: artnet.PaymentDetails{
			Price: randomMoney(r), PriceBrutto: randomMoney(r), Currency: randomString(r),
			PaymentPeriod: artnet.Int(r.Int64N(100) - 10),
		},
		ParentServiceID: r.Int64N(100000), IP: randomString(r),
	}
	if r.IntN(2) == 0 {
		d := randomString(r)
		s.CustomDescription = &d
	}
	switch r.IntN(3) {
	case 0:
		s.ExpirationTime = artnet.Unix(r.Int64N(4e9) - 1e9)
	case 1: // not UTC, with nanoseconds
		s.ExpirationTime = artnet.Timestamp{Time: time.Unix(r.Int64N(4e9), r.Int64N(1e9)).In(time.FixedZone("X", 3600))}
	}
	return s
}

// TestAppendJSONIsMarshal: the encoders without reflection write what
// json.Marshal writes, for every kind of text and amount, and fail where
// it fails.
func TestAppendJSONIsMarshal(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	check := func(name string, v any, got []byte, err error) {
		t.Helper()
		want, werr := json.Marshal(v)
		if (err != nil) != (werr != nil) || (werr == nil && !bytes.Equal(got, want)) {
			t.Fatalf("%s %#v:\nAppendJSON %s (%v)\njson       %s (%v)", name, v, got, err, want, werr)
		}
	}
	prefix := []byte("prefix")
	for i := range 20000 {
		s := randomService(r)
		if i < len(trickyStrings) {
			s.Name = trickyStrings[i]
		}
		got, err := s.AppendJSON(nil)
		check("Service", s, got, err)
		d := artnet.ServiceDetailsResponse{Service: s}
		got, err = d.AppendJSON(append([]byte(nil), prefix...))
		if err == nil && !bytes.HasPrefix(got, prefix) {
			t.Fatalf("AppendJSON lost what it appends to: %s", got)
		}
		if err == nil {
			got = got[len(prefix):]
		}
		check("ServiceDetailsResponse", d, got, err)
		var l artnet.ServicesListResponse
		if i%7 != 0 {
			l.ServicesList = []artnet.Service{}
			for range r.IntN(4) {
				l.ServicesList = append(l.ServicesList, randomService(r))
			}
		}
		got, err = l.AppendJSON(nil)
		check("ServicesListResponse", l, got, err)
	}
	// The one amount Money cannot write fails both ways.
	s := artnet.Service{PaymentDetails: artnet.PaymentDetails{PriceBrutto: math.MinInt64}}
	got, err := artnet.ServiceDetailsResponse{Service: s}.AppendJSON(nil)
	if err == nil {
		t.Fatalf("Money(MinInt64) encoded: %s", got)
	}
	check("MinInt64", artnet.ServiceDetailsResponse{Service: s}, got, err)
}

// TestMoneyString: the amounts are written as they were with fmt.
func TestMoneyString(t *testing.T) {
	old := func(m artnet.Money) string {
		v := int64(m)
		sign := ""
		if v < 0 {
			sign, v = "-", -v
		}
		whole, frac := v/100, v%100
		switch {
		case frac == 0:
			return fmt.Sprintf("%s%d", sign, whole)
		case frac%10 == 0:
			return fmt.Sprintf("%s%d.%d", sign, whole, frac/10)
		default:
			return fmt.Sprintf("%s%d.%02d", sign, whole, frac)
		}
	}
	r := rand.New(rand.NewPCG(3, 4))
	for i := range 100000 {
		m := randomMoney(r)
		if i < 401 {
			m = artnet.Money(i - 200)
		}
		if i == 401 {
			m = math.MinInt64
		}
		if got, want := m.String(), old(m); got != want {
			t.Fatalf("Money(%d).String() = %q, want %q", int64(m), got, want)
		}
		if b, err := m.MarshalJSON(); err != nil || string(b) != old(m) {
			t.Fatalf("Money(%d).MarshalJSON() = %q, %v, want %q", int64(m), b, err, old(m))
		}
	}
}

func FuzzAppendJSON(f *testing.F) {
	for _, s := range trickyStrings {
		f.Add(s, int64(12345), int64(-105))
	}
	f.Fuzz(func(t *testing.T, text string, id, money int64) {
		d := text
		s := artnet.Service{ID: id, Type: text, Name: text, CustomDescription: &d, IP: text,
			PaymentDetails: artnet.PaymentDetails{Price: artnet.Money(money), PriceBrutto: artnet.Money(-money), Currency: text}}
		got, err := artnet.ServiceDetailsResponse{Service: s}.AppendJSON(nil)
		want, werr := json.Marshal(artnet.ServiceDetailsResponse{Service: s})
		if (err != nil) != (werr != nil) || (werr == nil && !bytes.Equal(got, want)) {
			t.Fatalf("AppendJSON %s (%v)\njson       %s (%v)", got, err, want, werr)
		}
	})
}
