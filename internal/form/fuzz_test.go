package form

import (
	"errors"
	"testing"
)

// FuzzParseURLEncoded checks, for any body: no panic; errors are one of the
// sentinels; the pair limit is exactly the count of non-empty pairs; and a
// parsed tree respects the limits, has no empty maps below the root, and
// survives Flatten -> Encode -> ParseURLEncoded unchanged (Value.Equal:
// same keys in the same order, same leaves).
func FuzzParseURLEncoded(f *testing.F) {
	for _, s := range []string{
		"id=19052&api_key=XXXX&service_id=12345",
		"records[0][name]=www&records[1][name]=mail&records[][ttl]=60",
		"a[]=1&a[5]=2&a[]=3&a=4&a[x][]=5",
		"a[b=1&a[b][c=2&a[ ]=3&a[ 0]=4&[x]=5&=6",
		"a%5Bb%5D=%zz",
	} {
		f.Add([]byte(s))
	}
	small := Limits{MaxParams: 20, MaxDepth: 3, MaxBytes: 512}
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, lim := range []Limits{small, {}} {
			checkInvariants(t, body, lim)
		}
	})
}

func checkInvariants(t *testing.T, body []byte, lim Limits) {
	v, err := ParseURLEncoded(body, lim)
	n := lim.norm()
	if int64(len(body)) <= n.MaxBytes {
		pairs := countPairsBytes(body, len(body))
		if pairs != countPairs(string(body), len(body)) {
			t.Fatal("countPairs and countPairsBytes disagree")
		}
		if (pairs > n.MaxParams) != errors.Is(err, ErrTooManyParams) {
			t.Fatalf("%d pairs, limit %d, err %v", pairs, n.MaxParams, err)
		}
	} else if !errors.Is(err, ErrTooLarge) {
		t.Fatalf("%d bytes, limit %d, err %v", len(body), n.MaxBytes, err)
	}
	if err != nil {
		if v != nil {
			t.Fatal("non-nil tree with error")
		}
		if !errors.Is(err, ErrMalformed) && !errors.Is(err, ErrTooManyParams) && !errors.Is(err, ErrTooLarge) {
			t.Fatalf("unexpected error type: %v", err)
		}
		return
	}
	if v == nil || v.IsLeaf() {
		t.Fatal("root must be a map")
	}
	leaves := 0
	var walk func(w *Value, depth int)
	walk = func(w *Value, depth int) {
		if w.IsLeaf() {
			leaves++
			return
		}
		if depth > 0 && w.Len() == 0 {
			t.Fatal("empty map below the root")
		}
		if depth > n.MaxDepth+1 {
			t.Fatalf("depth %d over limit %d", depth-1, n.MaxDepth)
		}
		seen := map[string]bool{}
		for k, c := range w.All() {
			if seen[k] {
				t.Fatalf("duplicate key %q", k)
			}
			seen[k] = true
			if w.Get(k) != c {
				t.Fatalf("Get(%q) disagrees with All", k)
			}
			walk(c, depth+1)
		}
	}
	walk(v, 0)
	if leaves > n.MaxParams {
		t.Fatalf("%d leaves over limit %d", leaves, n.MaxParams)
	}
	flat := v.Flatten()
	if len(flat) != leaves {
		t.Fatalf("Flatten gave %d pairs for %d leaves", len(flat), leaves)
	}
	enc := Encode(flat)
	w, err := ParseURLEncoded([]byte(enc), Limits{MaxParams: n.MaxParams, MaxDepth: n.MaxDepth, MaxBytes: int64(len(enc)) + 1})
	if err != nil {
		t.Fatalf("reparse of %q: %v", enc, err)
	}
	if !v.Equal(w) {
		t.Fatalf("round trip changed the tree:\n body %q\n enc  %q\n was  %s\n now  %s", body, enc, dump(v), dump(w))
	}
}
