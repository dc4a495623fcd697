// Package bgpsim is the BGP simulator: a bgp.Speaker that keeps the routes
// it was given in memory, as the RIB of a peer would hold them, and counts
// the updates a real speaker would send. It serves --demo, the API's own
// tests and any node without BGP configured. It can be told to fail.
package bgpsim

import (
	"context"
	"net/netip"
	"sync"

	"github.com/artnet-panel/artnet-panel/internal/bgp"
)

// Simulator is a bgp.Speaker in memory. The zero value is ready to use; it
// is safe for concurrent use.
type Simulator struct {
	mu        sync.Mutex
	rib       map[netip.Prefix]bgp.Announcement
	applied   int
	announced int // routes announced (new or replaced)
	withdrawn int // prefixes withdrawn
	fail      error
}

var _ bgp.Speaker = (*Simulator)(nil)

// Apply implements bgp.Speaker: it takes s whole, or fails with the error
// set by Fail and keeps the previous routes.
func (s *Simulator) Apply(ctx context.Context, st bgp.State) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.fail != nil {
		return s.fail
	}
	next := st.Map()
	ann, wd := bgp.Diff(s.rib, next)
	s.announced += len(ann)
	s.withdrawn += len(wd)
	s.rib = next
	s.applied++
	return nil
}

// Routes returns the routes last applied, by prefix.
func (s *Simulator) Routes() map[netip.Prefix]bgp.Announcement {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[netip.Prefix]bgp.Announcement, len(s.rib))
	for p, a := range s.rib {
		out[p] = a
	}
	return out
}

// Route returns the route of prefix p.
func (s *Simulator) Route(p netip.Prefix) (bgp.Announcement, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.rib[p]
	return a, ok
}

// Counts returns how many Apply calls succeeded and how many routes they
// announced and withdrew in all.
func (s *Simulator) Counts() (applied, announced, withdrawn int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.applied, s.announced, s.withdrawn
}

// Fail makes every following Apply return err (nil: succeed again).
func (s *Simulator) Fail(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fail = err
}
