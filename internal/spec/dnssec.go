package spec

import (
	"slices"

	"github.com/artnet-panel/artnet-panel/internal/apperr"
)

// The DNSSEC commands of the dns module: an extension of this server
// (every one is Command.Extension). A customer turns DNSSEC on for a
// primary zone with one command; keys roll by themselves; the DS set goes
// to the registry when the zone is also one of the customer's domains.

func dnssecDetailsField(doc string) Field {
	return fld("dnssec_details", "object", doc,
		fld("zone_id", "number", "zone ID"),
		fld("domain", "string", "domain name"),
		fld("state", "string", "\"off\" (unsigned), \"signing\" (signed), or \"disabling\" (DNSSEC being turned off: the DS is removed at the registry and the zone stays signed until the parent's DS TTL has run out)"),
		fld("algorithm", "string", "signing algorithm: \"ECDSAP256SHA256\" or \"ED25519\" (empty when off)"),
		fld("dnskey_list", "strings-list", "the zone's DNSKEY records in presentation format (RFC 4034)"),
		fld("ds_list", "strings-list", "DS records (SHA-256) of the zone's key-signing keys in presentation format: what the parent zone should hold; empty while disabling"),
		fld("registry_ds_list", "strings-list", "DS records the domain registry last accepted for the domain (empty when the zone is not one of the customer's domains, or before the first upload)"),
		fld("keys_list", "objects-list", "the zone's keys",
			fld("key_tag", "number", "key tag"),
			fld("role", "string", "\"KSK\" (key-signing key, its DS at the parent) or \"ZSK\" (zone-signing key)"),
			fld("state", "string", "\"published\" (in the DNSKEY set, not signing yet), \"active\" (signing), \"retired\" (no longer signing, still published) or \"removed\" (about to be deleted)"),
			fld("publish_time", "timestamp", "when the key is put in the DNSKEY set"),
			fld("activate_time", "timestamp", "when the key starts signing (0: not scheduled yet)"),
			fld("retire_time", "timestamp", "when the key stops signing (0: not scheduled)"),
			fld("remove_time", "timestamp", "when the key leaves the DNSKEY set (0: not scheduled)"),
		),
		fld("next_rollover", "timestamp", "when the next key rollover starts (0: none scheduled)"),
		fld("next_rollover_role", "string", "the role of the key rolled then (\"ZSK\" or \"KSK\"; empty when none)"),
		fld("unsign_time", "timestamp", "while disabling: when the zone goes unsigned (0: once the registry has removed the DS)"),
	)
}

var dnssecCommands = []Command{
	{
		Module:    "dns",
		Name:      "dnssec-enable",
		Summary:   "turns DNSSEC on for a primary zone",
		Doc:       "Generates the zone's keys (a key-signing key and a zone-signing key) and signs the zone at once; the zone-signing key rolls by itself. When the zone is also one of your domain services, its DS record is sent to the domain registry; otherwise give the parent zone the DS records of /dns/dnssec-details (CDS and CDNSKEY records are published for parent-side automation). Called for a zone being turned off, it turns it on again with the same keys.",
		Extension: true,
		Params: []Param{
			req("zone_id", Number, "zone ID"),
			opt("algorithm", String, "signing algorithm: ECDSAP256SHA256 (13, the default) or ED25519 (15)"),
		},
		Response: []Field{dnssecDetailsField("the zone's DNSSEC state after the change")},
		Errors: []string{apperr.CodeIncorrectParamValue, apperr.CodeInvalidZoneID, apperr.CodeInvalidZoneType,
			apperr.CodeInvalidDNSSECAlgorithm, apperr.CodeDNSSECAlreadyEnabled, apperr.CodeInternalDNSError},
	},
	{
		Module:    "dns",
		Name:      "dnssec-disable",
		Summary:   "turns DNSSEC off for a primary zone, in the safe order",
		Doc:       "Turns DNSSEC off in the safe order: the DS record is removed at the domain registry first (and CDS/CDNSKEY delete records are published for parent-side automation), the zone stays signed until the parent's DS TTL has run out, then it is served unsigned. /dns/dnssec-details shows the progress.",
		Extension: true,
		Params: []Param{
			req("zone_id", Number, "zone ID"),
		},
		Destructive: true,
		Errors: []string{apperr.CodeIncorrectParamValue, apperr.CodeInvalidZoneID, apperr.CodeInvalidZoneType,
			apperr.CodeDNSSECNotEnabled, apperr.CodeInternalDNSError},
	},
	{
		Module:    "dns",
		Name:      "dnssec-details",
		Summary:   "DNSSEC state of a primary zone",
		Doc:       "Returns the zone's DNSSEC state, algorithm, DNSKEY and DS records in presentation format, its keys and the next key rollover.",
		Extension: true,
		Params: []Param{
			req("zone_id", Number, "zone ID"),
		},
		Response: []Field{dnssecDetailsField("the zone's DNSSEC state")},
		Errors:   []string{apperr.CodeIncorrectParamValue, apperr.CodeInvalidZoneID, apperr.CodeInvalidZoneType, apperr.CodeInternal},
		ReadOnly: true,
	},
}

func init() {
	// After the last command of the dns module: a module's commands are
	// contiguous.
	last := -1
	for i, c := range catalogue {
		if c.Module == "dns" {
			last = i
		}
	}
	catalogue = slices.Insert(catalogue, last+1, dnssecCommands...)
}
