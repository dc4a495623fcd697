package dnsd

import (
	"encoding/binary"
)

// The UDP fast path. A UDP worker keeps a cache of packed answers that
// belongs to the snapshot it was filled from: the worker drops it as soon as
// Server.SetSnapshot installs another snapshot, so an update is answered by
// the next query. A hit copies the stored bytes and patches the ID, the
// RD/CD flags and the question name's case; records owned by the query name
// are compression pointers to the question, so they take its case too.

// maxKey is the longest cache key: a wire name (255 bytes), qtype, qclass,
// EDNS flags and UDP size.
const maxKey = 255 + 2 + 2 + 1 + 2

// wireQuery is what the fast path reads from a plain query.
type wireQuery struct {
	nameEnd int // offset just after the question name
}

// parseQuery reads a plain query: QR clear, opcode QUERY, one question with
// an uncompressed name, no answer or authority records, and at most one
// additional record, an OPT of EDNS version 0. It writes the cache key into
// key (the lower-cased wire name, qtype, qclass, EDNS presence and DO bit,
// and the UDP answer size) and returns its length. ok is false for anything
// else, including AXFR/IXFR queries: those take the slow path.
func parseQuery(p []byte, key *[maxKey]byte) (q wireQuery, n int, ok bool) {
	if len(p) < 12+1+4 {
		return q, 0, false
	}
	if p[2]&0xf8 != 0 || // QR clear and opcode QUERY (0); AA, TC ignored
		binary.BigEndian.Uint16(p[4:]) != 1 || // one question
		binary.BigEndian.Uint16(p[6:]) != 0 || binary.BigEndian.Uint16(p[8:]) != 0 ||
		binary.BigEndian.Uint16(p[10:]) > 1 {
		return q, 0, false
	}
	off := 12
	for {
		if off >= len(p) {
			return q, 0, false
		}
		l := int(p[off])
		if l == 0 {
			key[n] = 0
			n++
			off++
			break
		}
		if l&0xc0 != 0 || off+1+l > len(p) || n+1+l+1 > 255 {
			return q, 0, false // a pointer, an unknown label type, or too long
		}
		key[n] = byte(l)
		n++
		for _, c := range p[off+1 : off+1+l] {
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			key[n] = c
			n++
		}
		off += 1 + l
	}
	q.nameEnd = off
	if off+4 > len(p) {
		return q, 0, false
	}
	switch qtype := binary.BigEndian.Uint16(p[off:]); qtype {
	case 251, 252, 41: // IXFR, AXFR, OPT
		return q, 0, false
	}
	n += copy(key[n:], p[off:off+4]) // qtype, qclass
	off += 4

	var flags byte
	size := 512
	if p[11] == 1 { // ARCOUNT (the high byte was checked above)
		// OPT: root name, type 41, class = UDP size, TTL = extended RCODE,
		// version, flags; then RDLENGTH and options (ignored).
		if off+11 > len(p) || p[off] != 0 || binary.BigEndian.Uint16(p[off+1:]) != 41 || p[off+6] != 0 {
			return q, 0, false
		}
		size = clampUDP(int(binary.BigEndian.Uint16(p[off+3:])))
		flags = 1
		if p[off+7]&0x80 != 0 {
			flags |= 2 // DO
		}
		off += 11 + int(binary.BigEndian.Uint16(p[off+9:]))
	}
	if off != len(p) {
		return q, 0, false // truncated or trailing data
	}
	key[n] = flags
	binary.BigEndian.PutUint16(key[n+1:], uint16(size))
	n += 3
	return q, n, true
}

// answerCache maps cache keys to packed answers. It is owned by one worker
// goroutine and needs no lock.
type answerCache struct {
	snap *Snapshot
	m    map[string][]byte
	max  int
}

func newAnswerCache(snap *Snapshot, max int) *answerCache {
	return &answerCache{snap: snap, m: make(map[string][]byte, min(max, 1024)), max: max}
}

func (c *answerCache) get(key []byte) []byte {
	return c.m[string(key)] // no allocation for the conversion
}

// put stores a copy of b. When the cache is full a random entry is evicted
// (map iteration starts at a random place).
func (c *answerCache) put(key []byte, b []byte) {
	if c.max <= 0 {
		return
	}
	if len(c.m) >= c.max {
		for k := range c.m {
			delete(c.m, k)
			break
		}
	}
	c.m[string(key)] = append([]byte(nil), b...)
}

// patch writes into out the cached answer b adapted to the query p: its ID,
// its RD and CD flags, and its question name as spelled in p.
func patch(out, b, p []byte, q wireQuery) []byte {
	out = append(out[:0], b...)
	out[0], out[1] = p[0], p[1]
	out[2] = out[2]&^0x01 | p[2]&0x01 // RD
	out[3] = out[3]&^0x10 | p[3]&0x10 // CD
	copy(out[12:q.nameEnd], p[12:q.nameEnd])
	return out
}
