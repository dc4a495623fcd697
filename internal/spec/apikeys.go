package spec

import "github.com/artnet-panel/artnet-panel/internal/apperr"

// The api-keys module: an extension of this server. A customer hands out
// sub-keys limited to a scope (command patterns), optionally to some
// services or zones, to some client addresses and to a lifetime. Every
// command of the module is Command.Extension.

// APIKeysModule is the name of the api-keys module.
const APIKeysModule = "api-keys"

// ScopeReadOnly is the scope pattern of every command the catalogue marks
// ReadOnly.
const ScopeReadOnly = "read-only"

func apiKeyFields(withKey bool) []Field {
	f := []Field{
		fld("key_id", "number", "the key's public id (also in the audit journal)"),
		fld("label", "string", "the customer's name for the key"),
		fld("scope", "strings-list", "command patterns the key may call: module/* , module/command or read-only"),
		fld("service_ids", "numbers-list", "service or zone ids the key may name (empty: any)"),
		fld("source_prefixes", "strings-list", "client addresses or prefixes the key may be used from (empty: any)"),
		fld("expires_at", "timestamp", "end of the key's validity (0: none)"),
		fld("created_at", "timestamp", "creation time"),
		fld("last_used_at", "timestamp", "last use, to the minute (0: never)"),
	}
	if withKey {
		f = append(f, fld("api_key", "string", "the key itself: answered at creation only"))
	}
	return f
}

var apiKeyCommands = []Command{
	{
		Module:    APIKeysModule,
		Name:      "list",
		Summary:   "list of sub-keys",
		Doc:       "Returns the customer's sub-keys (without the keys themselves). Only the main key, or a sub-key whose scope includes api-keys/*, may call it.",
		Extension: true,
		Response:  []Field{fld("api_keys_list", "objects-list", "sub-keys", apiKeyFields(false)...)},
		Errors:    []string{apperr.CodeAuthorizationFailed, apperr.CodeAPIKeyOutOfScope},
		ReadOnly:  true,
	},
	{
		Module:    APIKeysModule,
		Name:      "create",
		Summary:   "creates a sub-key",
		Doc:       "Creates a sub-key and answers it once (api_key); only its hash is kept. Authentication with a sub-key is id + api_key as with the main key. A call outside the key's scope, services or source prefixes answers api-key-out-of-scope, changes nothing and is journaled. A sub-key (with api-keys/* in its scope) may create only keys within its own limits.",
		Extension: true,
		Params: []Param{
			req("label", String, "the customer's name for the key (1-100 characters)"),
			req("scope", List, "command patterns: module/* (e.g. dns/*), module/command (e.g. fail-over-ip/switch) or read-only (every command that changes nothing)"),
			opt("service_ids", List, "service or zone ids the key may name in service_id / zone_id; a key with service_ids may call only commands naming one of them"),
			opt("source_prefixes", List, "client addresses or prefixes (CIDR) the key may be used from"),
			opt("expires_at", Number, "end of validity, Unix time (in the future)"),
		},
		Response: []Field{fld("api_key_details", "object", "the new key", apiKeyFields(true)...)},
		Errors:   []string{apperr.CodeAuthorizationFailed, apperr.CodeAPIKeyOutOfScope, apperr.CodeIncorrectParamValue, apperr.CodeTooManyAPIKeys, apperr.CodeInternalUpdateError},
	},
	{
		Module:    APIKeysModule,
		Name:      "delete",
		Summary:   "deletes a sub-key",
		Doc:       "Deletes a sub-key: it stops working on every node within the credentials cache's bound (one second).",
		Extension: true,
		Params: []Param{
			req("key_id", Number, "the key's public id"),
		},
		Destructive: true,
		Errors:      []string{apperr.CodeAuthorizationFailed, apperr.CodeAPIKeyOutOfScope, apperr.CodeInvalidKeyID, apperr.CodeInternalUpdateError},
	},
}

func init() {
	catalogue = append(catalogue, apiKeyCommands...)
	modules = append(modules, Module{APIKeysModule, "Sub-keys a customer can hand out: limited to a scope, services, source addresses and a lifetime (an extension of artnetd)."})
}
