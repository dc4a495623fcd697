package artnet

import (
	"context"
	"strconv"
	"time"
)

// APIKeysAPI is the api-keys module, an extension of artnetd (the original
// service answers unknown-command): sub-keys a customer hands out, each
// limited to a scope of commands and optionally to some services or
// zones, some client addresses and a lifetime. A client authenticates with
// a sub-key exactly as with the main key (NewClient(id, subKey)).
type APIKeysAPI struct{ c *Client }

// APIKeyDetails is one sub-key (api_key_details, an item of
// api_keys_list). APIKey is set only in the answer of Create: the key is
// shown once.
type APIKeyDetails struct {
	KeyID          int64     `json:"key_id"`
	Label          string    `json:"label"`
	Scope          []string  `json:"scope"`
	ServiceIDs     []int64   `json:"service_ids"`
	SourcePrefixes []string  `json:"source_prefixes"`
	ExpiresAt      Timestamp `json:"expires_at"`
	CreatedAt      Timestamp `json:"created_at"`
	LastUsedAt     Timestamp `json:"last_used_at"`
	APIKey         string    `json:"api_key,omitempty"`
}

// APIKeysListResponse answers /api-keys/list.
type APIKeysListResponse struct {
	APIKeysList []APIKeyDetails `json:"api_keys_list"`
}

// APIKeyDetailsResponse answers /api-keys/create.
type APIKeyDetailsResponse struct {
	APIKeyDetails APIKeyDetails `json:"api_key_details"`
}

// ScopeReadOnly is the scope pattern of every command that changes
// nothing.
const ScopeReadOnly = "read-only"

// APIKeyCreateOpts are the parameters of /api-keys/create.
type APIKeyCreateOpts struct {
	Label string
	// Scope: command patterns, "module/*", "module/command" or
	// ScopeReadOnly. At least one.
	Scope []string
	// ServiceIDs, when set, are the only service_id / zone_id values the
	// key may send; it may then call only commands that name one.
	ServiceIDs []int64
	// SourcePrefixes, when set, are the only client addresses or prefixes
	// (CIDR) the key may be used from.
	SourcePrefixes []string
	// ExpiresAt, when not zero, ends the key's validity.
	ExpiresAt time.Time
}

// Validate checks the options the client can check.
func (o APIKeyCreateOpts) Validate() error {
	if err := requireString("label", o.Label); err != nil {
		return err
	}
	if len(o.Scope) == 0 {
		return invalid("scope", "at least one pattern is required")
	}
	for _, id := range o.ServiceIDs {
		if err := requireID("service_ids", id); err != nil {
			return err
		}
	}
	return nil
}

func (o APIKeyCreateOpts) form() *Form {
	f := (&Form{}).Add("label", o.Label).AddList("scope", o.Scope)
	for _, id := range o.ServiceIDs {
		f.Add("service_ids[]", strconv.FormatInt(id, 10))
	}
	f.AddList("source_prefixes", o.SourcePrefixes)
	if !o.ExpiresAt.IsZero() {
		f.AddInt("expires_at", o.ExpiresAt.Unix())
	}
	return f
}

// List returns the customer's sub-keys without the keys (/api-keys/list).
func (m *APIKeysAPI) List(ctx context.Context) ([]APIKeyDetails, error) {
	var r APIKeysListResponse
	if err := m.c.do(ctx, "api-keys/list", &Form{}, &r); err != nil {
		return nil, err
	}
	return r.APIKeysList, nil
}

// Create creates a sub-key and returns it with the key itself
// (APIKeyDetails.APIKey), shown this once (/api-keys/create).
func (m *APIKeysAPI) Create(ctx context.Context, opts APIKeyCreateOpts) (*APIKeyDetails, error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	var r APIKeyDetailsResponse
	if err := m.c.do(ctx, "api-keys/create", opts.form(), &r); err != nil {
		return nil, err
	}
	return &r.APIKeyDetails, nil
}

// Delete deletes a sub-key (/api-keys/delete); it stops working on every
// node within about a second.
func (m *APIKeysAPI) Delete(ctx context.Context, keyID int64) error {
	if err := requireID("key_id", keyID); err != nil {
		return err
	}
	return m.c.do(ctx, "api-keys/delete", (&Form{}).AddInt("key_id", keyID), nil)
}
