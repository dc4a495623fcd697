package httpapi

import (
	"context"

	"github.com/artnet-panel/artnet-panel/internal/form"
)

// addDomainRoutes adds the handlers of the module to h. /domain/list and
// /domain/details are the generic service commands (handlers.go).
func (s *Server) addDomainRoutes(h map[string]handlerFunc) {
	p := s.Panel
	h["domain/edit-dns-servers"] = func(ctx context.Context, c *call) (any, error) {
		return nil, p.DomainEditDNSServers(ctx, c.customerID, c.int("service_id"), listValues(c.params.Get("dns_servers")))
	}
}

// listValues returns the items of a list parameter in the order they were
// sent (dns_servers[]=a&dns_servers[]=b, or dns_servers[0]=a&...); a single
// value is a list of one. checkParams has checked that the items are
// values.
func listValues(v *form.Value) []string {
	if v == nil {
		return nil
	}
	if v.IsLeaf() {
		return []string{v.String()}
	}
	out := make([]string, 0, v.Len())
	for _, item := range v.All() {
		out = append(out, item.String())
	}
	return out
}
