package httpapi

import (
	"context"

	"github.com/artnet-panel/artnet-panel/artnet"
	"github.com/artnet-panel/artnet-panel/internal/form"
	"github.com/artnet-panel/artnet-panel/internal/panel"
)

// addAPIKeysRoutes adds the api-keys extension (sub-keys). Who may call them
// (the main key, or a sub-key whose scope has api-keys/*) is the scope
// check of serveCommandPath; a sub-key creates only keys within its own
// limits (panel.CreateAPIKey).
func (s *Server) addAPIKeysRoutes(h map[string]handlerFunc) {
	p := s.Panel
	h["api-keys/list"] = func(ctx context.Context, c *call) (any, error) {
		list, err := p.ListAPIKeys(ctx, c.customerID)
		if err != nil {
			return nil, err
		}
		return artnet.APIKeysListResponse{APIKeysList: list}, nil
	}
	h["api-keys/create"] = func(ctx context.Context, c *call) (any, error) {
		d, err := p.CreateAPIKey(ctx, c.principal, panel.NewAPIKeyParams{
			Label:          c.str("label"),
			Scope:          optList(c.params.Get("scope")),
			ServiceIDs:     optList(c.params.Get("service_ids")),
			SourcePrefixes: optList(c.params.Get("source_prefixes")),
			ExpiresAt:      c.int("expires_at"),
		})
		if err != nil {
			return nil, err
		}
		return artnet.APIKeyDetailsResponse{APIKeyDetails: d}, nil
	}
	h["api-keys/delete"] = func(ctx context.Context, c *call) (any, error) {
		return nil, p.DeleteAPIKey(ctx, c.customerID, c.int("key_id"))
	}
}

// optList is listValues of a parameter that may be absent or empty.
func optList(v *form.Value) []string {
	if !present(v) {
		return nil
	}
	return listValues(v)
}
