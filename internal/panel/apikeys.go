package panel

import (
	"context"
	"crypto/subtle"
	"errors"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/artnet-panel/artnet-panel/artnet"
	"github.com/artnet-panel/artnet-panel/internal/apperr"
	"github.com/artnet-panel/artnet-panel/internal/spec"
	"github.com/artnet-panel/artnet-panel/internal/store"
)

// Sub-keys (the api-keys extension). A customer's main key may do
// everything; a sub-key only what its scope, service ids, source prefixes
// and expiry allow. Authentication stays id + api_key: AuthenticateKey
// finds which key was sent, Authorize checks a sub-key against the
// command. Sub-keys live in the credentials cache beside the main key's
// hash and are dropped with it by the customer's ChangeCredentials
// changes (every sub-key write logs one).

// MaxAPIKeys is the most sub-keys a customer may have.
const MaxAPIKeys = 50

// maxLabel is the longest label, in characters.
const maxLabel = 100

// lastUsedStep is how often (seconds) a sub-key's last use is written by
// one node: last_used_at is true to the minute.
const lastUsedStep = 60

// Principal is who sent a request: the customer and, for a sub-key, the
// key (nil: the main key).
type Principal struct {
	CustomerID int64
	Key        *store.APIKey
}

// KeyID returns the public id of the sub-key (0: the main key).
func (pr Principal) KeyID() int64 {
	if pr.Key == nil {
		return 0
	}
	return pr.Key.ID
}

// AuthenticateKey checks a customer id and an API key, the main key or one
// of the customer's sub-keys, and says which. It answers
// authorization-failed as Authenticate does, and also for an expired
// sub-key. API access disabled disables every key.
func (p *Panel) AuthenticateKey(ctx context.Context, id int64, apiKey string) (Principal, error) {
	given := HashAPIKey(apiKey)
	var c store.Credentials
	var err error
	if p.Credentials != nil {
		c, err = p.Credentials.lookup(ctx, p.Store, id)
	} else {
		c, err = p.Store.CustomerAuth(ctx, id)
	}
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return Principal{}, apperr.Internal(apperr.CodeInternal, err)
	}
	want := dummyHash[:]
	if err == nil && len(c.APIKeyHash) == len(want) {
		want = c.APIKeyHash
	}
	match := subtle.ConstantTimeCompare(given, want) == 1
	if err != nil || !c.APIAccess || apiKey == "" {
		return Principal{}, apperr.New(apperr.CodeAuthorizationFailed)
	}
	if match {
		return Principal{CustomerID: id}, nil
	}
	var keys []store.APIKey
	if p.Credentials != nil {
		keys, err = p.Credentials.lookupKeys(ctx, p.Store, id)
	} else {
		keys, err = p.Store.APIKeyList(ctx, id)
	}
	if err != nil {
		return Principal{}, apperr.Internal(apperr.CodeInternal, err)
	}
	found := -1
	for i := range keys {
		if subtle.ConstantTimeCompare(given, keys[i].Hash) == 1 {
			found = i
		}
	}
	if found < 0 {
		return Principal{}, apperr.New(apperr.CodeAuthorizationFailed)
	}
	k := keys[found] // a copy: cached entries are shared
	now := p.now().Unix()
	if k.ExpiresAt != 0 && now >= k.ExpiresAt {
		return Principal{}, apperr.New(apperr.CodeAuthorizationFailed)
	}
	p.touchKey(ctx, &k, now)
	return Principal{CustomerID: id, Key: &k}, nil
}

// touchKey writes the key's last use at most once a minute per panel. A
// failure is logged: the request goes on.
func (p *Panel) touchKey(ctx context.Context, k *store.APIKey, now int64) {
	if v, ok := p.keyTouches.Load(k.ID); ok && now-v.(int64) < lastUsedStep {
		return
	}
	p.keyTouches.Store(k.ID, now)
	if err := p.Store.APIKeyTouch(context.WithoutCancel(ctx), k.CustomerID, k.ID, now); err != nil {
		p.logger().Error("api key: write last use", "key_id", k.ID, "err", err.Error())
	}
}

// Authorize checks that pr may call cmd with params from the client
// address client (the address the failed-login guard uses, so
// --trusted-proxies applies). The main key may call everything. A sub-key
// outside its scope, service ids or source prefixes gets
// api-key-out-of-scope.
func (p *Panel) Authorize(pr Principal, cmd spec.Command, service func(name string) (string, bool), client string) error {
	k := pr.Key
	if k == nil {
		return nil
	}
	refuse := func(format string, args ...any) error {
		return apperr.Errorf(apperr.CodeAPIKeyOutOfScope, format, args...)
	}
	if len(k.SourcePrefixes) > 0 {
		addr, err := netip.ParseAddr(client)
		if err != nil || !inPrefixes(addr.Unmap(), k.SourcePrefixes) {
			return refuse("source address not allowed")
		}
	}
	if !ScopeAllows(k.Scope, cmd) {
		return refuse("%s is outside the key's scope", cmd.Path())
	}
	if mainKeyOnly[cmd.Path()] {
		return refuse("only the main key may call %s", cmd.Path())
	}
	if len(k.ServiceIDs) > 0 {
		named := false
		for _, name := range keyedParams {
			v, ok := service(name)
			if !ok {
				continue
			}
			named = true
			id, err := strconv.ParseInt(v, 10, 64)
			if err != nil || !slices.Contains(k.ServiceIDs, id) {
				return refuse("%s %s is outside the key's services", name, v)
			}
		}
		if !named {
			return refuse("%s names no service of the key's services", cmd.Path())
		}
	}
	return nil
}

// mainKeyOnly are the commands no sub-key may call, whatever its scope:
// replacing the main key would lock its owner out.
var mainKeyOnly = map[string]bool{"customer/regenerate-api-key": true}

// keyedParams are the parameters that name a service or a zone: a key
// limited to service ids may send only its ids in them.
var keyedParams = []string{"service_id", "zone_id"}

func inPrefixes(addr netip.Addr, prefixes []string) bool {
	for _, s := range prefixes {
		if pf, err := parsePrefix(s); err == nil && pf.Contains(addr) {
			return true
		}
	}
	return false
}

// parsePrefix reads an address (a /32 or /128) or a prefix in CIDR form,
// masked.
func parsePrefix(s string) (netip.Prefix, error) {
	if strings.Contains(s, "/") {
		pf, err := netip.ParsePrefix(s)
		if err != nil {
			return netip.Prefix{}, err
		}
		return netip.PrefixFrom(pf.Addr().Unmap(), pf.Bits()-unmapBits(pf.Addr())).Masked(), nil
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, err
	}
	a = a.Unmap()
	return netip.PrefixFrom(a, a.BitLen()), nil
}

func unmapBits(a netip.Addr) int {
	if a.Is4In6() {
		return 96
	}
	return 0
}

// ScopeAllows reports whether one of the patterns allows cmd: "read-only"
// (every command the catalogue marks ReadOnly, except those of api-keys:
// only a key with api-keys/* sees the other keys), "module/*" or
// "module/command".
func ScopeAllows(scope []string, cmd spec.Command) bool {
	for _, s := range scope {
		switch {
		case s == spec.ScopeReadOnly:
			if cmd.ReadOnly && cmd.Module != spec.APIKeysModule {
				return true
			}
		case s == cmd.Module+"/*", s == cmd.Path():
			return true
		}
	}
	return false
}

// validScope checks one pattern against the catalogue.
func validScope(s string) bool {
	if s == spec.ScopeReadOnly {
		return true
	}
	module, name, ok := strings.Cut(s, "/")
	if !ok {
		return false
	}
	if name == "*" {
		for _, m := range spec.Modules() {
			if m.Name == module {
				return true
			}
		}
		return false
	}
	_, ok = spec.Lookup(module, name)
	return ok
}

// NewAPIKeyParams are the parameters of /api-keys/create.
type NewAPIKeyParams struct {
	Label          string
	Scope          []string
	ServiceIDs     []string // as sent
	SourcePrefixes []string
	ExpiresAt      int64
}

// CreateAPIKey creates a sub-key for the customer and answers it with the
// key (shown this once). by is the key that asks: a sub-key may create
// only keys within its own limits (each pattern one it has or one of its
// patterns allows, service ids and source prefixes within its own, an
// expiry no later than its own).
func (p *Panel) CreateAPIKey(ctx context.Context, by Principal, in NewAPIKeyParams) (artnet.APIKeyDetails, error) {
	bad := func(format string, args ...any) (artnet.APIKeyDetails, error) {
		return artnet.APIKeyDetails{}, apperr.Errorf(apperr.CodeIncorrectParamValue, format, args...)
	}
	label := strings.TrimSpace(in.Label)
	if label == "" || utf8.RuneCountInString(label) > maxLabel || !utf8.ValidString(label) {
		return bad("label: 1 to %d characters", maxLabel)
	}
	if len(in.Scope) == 0 {
		return bad("scope: at least one pattern")
	}
	scope := make([]string, 0, len(in.Scope))
	for _, s := range in.Scope {
		s = strings.TrimSpace(s)
		if !validScope(s) {
			return bad("scope: %q is not read-only, module/* or module/command of the catalogue", s)
		}
		if !slices.Contains(scope, s) {
			scope = append(scope, s)
		}
	}
	var ids []int64
	for _, v := range in.ServiceIDs {
		id, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		if err != nil || id <= 0 {
			return bad("service_ids: %q is not an id", v)
		}
		if !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	var prefixes []string
	for _, v := range in.SourcePrefixes {
		pf, err := parsePrefix(strings.TrimSpace(v))
		if err != nil {
			return bad("source_prefixes: %q is not an address or a prefix", v)
		}
		if s := pf.String(); !slices.Contains(prefixes, s) {
			prefixes = append(prefixes, s)
		}
	}
	now := p.now().Unix()
	if in.ExpiresAt != 0 && in.ExpiresAt <= now {
		return bad("expires_at: must be in the future")
	}
	if len(ids) > 100 || len(prefixes) > 100 || len(scope) > 100 {
		return bad("at most 100 patterns, service ids and prefixes each")
	}
	if k := by.Key; k != nil {
		if err := withinKey(k, scope, ids, prefixes, in.ExpiresAt); err != nil {
			return artnet.APIKeyDetails{}, err
		}
	}
	key, err := NewAPIKey()
	if err != nil {
		return artnet.APIKeyDetails{}, apperr.Internal(apperr.CodeInternalUpdateError, err)
	}
	k := store.APIKey{
		CustomerID: by.CustomerID, Label: label, Hash: HashAPIKey(key), Scope: scope,
		ServiceIDs: ids, SourcePrefixes: prefixes, ExpiresAt: in.ExpiresAt, CreatedAt: now,
	}
	err = p.Store.InTx(ctx, func(tx store.Store) error {
		list, err := tx.APIKeyList(ctx, by.CustomerID)
		if err != nil {
			return err
		}
		if len(list) >= MaxAPIKeys {
			return apperr.New(apperr.CodeTooManyAPIKeys)
		}
		return tx.APIKeyCreate(ctx, &k)
	})
	var ae *apperr.Error
	if errors.As(err, &ae) {
		return artnet.APIKeyDetails{}, ae
	}
	if err != nil {
		return artnet.APIKeyDetails{}, apperr.Internal(apperr.CodeInternalUpdateError, err)
	}
	d := apiKeyDetails(k)
	d.APIKey = key
	return d, nil
}

// withinKey checks that a key with these limits gives no more than k.
func withinKey(k *store.APIKey, scope []string, ids []int64, prefixes []string, expires int64) error {
	refuse := func(what string) error {
		return apperr.Errorf(apperr.CodeAPIKeyOutOfScope, "a sub-key may create only keys within its own %s", what)
	}
	for _, s := range scope {
		if slices.Contains(k.Scope, s) {
			continue
		}
		module, name, _ := strings.Cut(s, "/")
		cmd, ok := spec.Lookup(module, name)
		if s == spec.ScopeReadOnly || name == "*" || !ok || !ScopeAllows(k.Scope, cmd) {
			return refuse("scope")
		}
	}
	if len(k.ServiceIDs) > 0 {
		if len(ids) == 0 {
			return refuse("service_ids")
		}
		for _, id := range ids {
			if !slices.Contains(k.ServiceIDs, id) {
				return refuse("service_ids")
			}
		}
	}
	if len(k.SourcePrefixes) > 0 {
		if len(prefixes) == 0 {
			return refuse("source_prefixes")
		}
		for _, s := range prefixes {
			pf, _ := parsePrefix(s)
			inside := false
			for _, o := range k.SourcePrefixes {
				if op, err := parsePrefix(o); err == nil && op.Bits() <= pf.Bits() && op.Contains(pf.Addr()) {
					inside = true
				}
			}
			if !inside {
				return refuse("source_prefixes")
			}
		}
	}
	if k.ExpiresAt != 0 && (expires == 0 || expires > k.ExpiresAt) {
		return refuse("expires_at")
	}
	return nil
}

// ListAPIKeys returns the customer's sub-keys without the keys.
func (p *Panel) ListAPIKeys(ctx context.Context, customerID int64) ([]artnet.APIKeyDetails, error) {
	list, err := p.Store.APIKeyList(ctx, customerID)
	if err != nil {
		return nil, apperr.Internal(apperr.CodeInternal, err)
	}
	out := make([]artnet.APIKeyDetails, len(list))
	for i, k := range list {
		out[i] = apiKeyDetails(k)
	}
	return out, nil
}

// DeleteAPIKey deletes the customer's sub-key. Returns invalid-key-id when
// the customer has no such key.
func (p *Panel) DeleteAPIKey(ctx context.Context, customerID, keyID int64) error {
	err := p.Store.APIKeyDelete(ctx, customerID, keyID)
	if errors.Is(err, store.ErrNotFound) {
		return apperr.New(apperr.CodeInvalidKeyID)
	}
	if err != nil {
		return apperr.Internal(apperr.CodeInternalUpdateError, err)
	}
	p.keyTouches.Delete(keyID)
	return nil
}

func apiKeyDetails(k store.APIKey) artnet.APIKeyDetails {
	return artnet.APIKeyDetails{
		KeyID: k.ID, Label: k.Label,
		Scope:          nonNilSlice(k.Scope),
		ServiceIDs:     nonNilSlice(k.ServiceIDs),
		SourcePrefixes: nonNilSlice(k.SourcePrefixes),
		ExpiresAt:      artnet.Unix(k.ExpiresAt), CreatedAt: artnet.Unix(k.CreatedAt), LastUsedAt: artnet.Unix(k.LastUsedAt),
	}
}

func nonNilSlice[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
