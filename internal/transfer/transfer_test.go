package transfer

import (
	"testing"
	"time"
)

func TestDelta(t *testing.T) {
	const max = ^uint64(0)
	for _, tc := range []struct {
		name      string
		prev, cur uint64
		elapsed   time.Duration
		want      uint64
	}{
		{"growth", 1000, 5000, time.Minute, 4000},
		{"no traffic", 7, 7, time.Minute, 0},
		{"wrap", max - 99, 400, time.Minute, 500},
		{"reset (reboot)", 9_000_000_000, 1234, time.Minute, 1234},
		{"reset to zero", 50, 0, time.Minute, 0},
	} {
		if got := Delta(tc.prev, tc.cur, tc.elapsed); got != tc.want {
			t.Errorf("%s: Delta(%d, %d) = %d, want %d", tc.name, tc.prev, tc.cur, got, tc.want)
		}
	}
}

func TestPeriods(t *testing.T) {
	d := func(s string) time.Time {
		v, err := time.Parse(time.DateOnly, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	for _, tc := range []struct {
		anchor, now string
		months      int
		want        []string // from of each, then the last to
	}{
		{"2026-03-15", "2026-12-04", 1, []string{"2026-08-15", "2026-09-15", "2026-10-15", "2026-11-15", "2026-12-15"}},
		{"2027-03-15", "2026-12-04", 1, []string{"2026-08-15", "2026-09-15", "2026-10-15", "2026-11-15", "2026-12-15"}},
		{"2026-12-04", "2026-12-04", 1, []string{"2026-09-04", "2026-10-04", "2026-11-04", "2026-12-04", "2027-01-04"}},
		{"2027-06-01", "2026-12-04", 12, []string{"2023-06-01", "2024-06-01", "2025-06-01", "2026-06-01", "2027-06-01"}},
		{"2026-01-10", "2026-12-04", 3, []string{"2026-01-10", "2026-04-10", "2026-07-10", "2026-10-10", "2027-01-10"}},
		{"2026-01-10", "2026-12-04", 0, []string{"2026-08-10", "2026-09-10", "2026-10-10", "2026-11-10", "2026-12-10"}},
	} {
		got := Periods(d(tc.anchor), tc.months, d(tc.now).Add(time.Hour), 3)
		if len(got) != 4 {
			t.Fatalf("%+v: %d periods", tc, len(got))
		}
		for i, p := range got {
			if !p.From.Equal(d(tc.want[i])) || !p.To.Equal(d(tc.want[i+1])) {
				t.Errorf("anchor %s months %d now %s: period %d = %s..%s, want %s..%s", tc.anchor, tc.months, tc.now, i,
					p.From.Format(time.DateOnly), p.To.Format(time.DateOnly), tc.want[i], tc.want[i+1])
			}
		}
	}
}

func TestParsePort(t *testing.T) {
	for _, tc := range []struct {
		in string
		ok bool
	}{
		{`{"address":"192.0.2.1","community":"public","if_index":12}`, true},
		{`{"address":"sw1.example.net","port":1161,"community":"public","if_index":1}`, true},
		{`{"address":"192.0.2.1","if_index":12,"v3":{"user":"u","auth_protocol":"SHA","auth_password":"12345678","priv_protocol":"AES","priv_password":"abcdefgh"}}`, true},
		{`{"address":"192.0.2.1","if_index":12,"v3":{"user":"u","auth_protocol":"SHA256","auth_password":"12345678"}}`, true},
		{`{"address":"192.0.2.1","if_index":12,"v3":{"user":"u"}}`, true},
		{`{"address":"192.0.2.1","if_index":12}`, false},
		{`{"address":"192.0.2.1","community":"c","if_index":12,"v3":{"user":"u"}}`, false},
		{`{"address":"192.0.2.1","if_index":12,"v3":{"user":"u","auth_protocol":"SHA","auth_password":"short"}}`, false},
		{`{"address":"192.0.2.1","if_index":12,"v3":{"user":"u","priv_protocol":"AES","priv_password":"abcdefgh"}}`, false},
		{`{"address":"192.0.2.1","if_index":12,"v3":{"user":"u","auth_protocol":"SHA1","auth_password":"12345678"}}`, false},
		{`{"address":"192.0.2.1","community":"c","if_index":0}`, false},
		{`{"address":"","community":"c","if_index":1}`, false},
		{`{"address":"192.0.2.1","community":"c","if_index":1,"port":70000}`, false},
		{`{"address":"192.0.2.1","community":"c","if_index":1,"extra":true}`, false},
	} {
		if _, err := ParsePort([]byte(tc.in)); (err == nil) != tc.ok {
			t.Errorf("ParsePort(%s) = %v, want ok=%v", tc.in, err, tc.ok)
		}
	}
}
