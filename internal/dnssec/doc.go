// Package dnssec holds the DNSSEC keys of the hosted zones and signs them.
// It is the seam between the key management (API commands, sealed storage,
// rollover schedule, DS at the registry) and the signer (zonesync building
// a zone's snapshot, internal/dnsd answering from it).
//
// # Keys
//
// A zone has a KSK and a ZSK (the default) or one CSK (supported by the
// signer for zones that want one key). KSK + ZSK because the ZSK then rolls
// by itself, as often as the schedule likes, without touching the parent:
// only a KSK rollover changes the DS at the registry, which is slow
// (registry, TTLs of the parent) and can fail, so it is rare. A CSK would
// make every rollover a DS change.
//
//   - KSK (flags 257, SEP): signs the DNSKEY, CDS and CDNSKEY RRsets; its DS
//     goes to the parent; CDS/CDNSKEY are published for it.
//   - ZSK (flags 256): signs every other RRset.
//   - CSK (flags 257, SEP): both.
//
// Every key active at the signing time signs its RRsets, so two keys of the
// same role active at once both sign (double signature): a resolver that
// cached the DNSKEY RRset of either validates. If no ZSK or CSK is active,
// the active KSKs sign everything (the zone never goes half signed).
//
// Algorithms: ECDSAP256SHA256 (13, default) and ED25519 (15), keys made by
// Generate with crypto/ecdsa and crypto/ed25519; MarshalPrivateKey and
// ParsePrivateKey move the private key to and from PKCS#8 DER for sealed
// storage.
//
// # Authenticated denial: NSEC, pre-computed
//
// The zone is signed when its snapshot is built, never per query, so the
// denial of existence is a plain NSEC chain (RFC 4034/4035) over the zone's
// names, made and signed at build time like every other RRset. Negative
// answers then cost a lookup in the sorted chain, no hashing and no private
// key operation. Not chosen:
//
//   - minimally covering NSEC (RFC 4470) and compact denial (RFC 9824)
//     sign a fresh NSEC per negative answer: an ECDSA signature (about 25
//     µs of CPU) per NXDOMAIN, the private keys in the query path, and a
//     flood of random names becomes a signing flood;
//   - NSEC3 (RFC 5155) hashes the query name (per query) and needs the
//     closest-encloser proof (up to three NSEC3 RRs); its only benefit,
//     against walking the zone, is weak (RFC 9276 asks for no salt and no
//     extra iterations, and the hashes are cheap to crack offline).
//
// The price of NSEC is that the zone's names can be listed by walking the
// chain; the names of a customer's zone are not secret (they go to the
// secondaries by AXFR anyway).
//
// The chain links the zone's authoritative names and delegation points in
// canonical order (RFC 4034 §6.1): names below a delegation (glue) are not
// in it, empty non-terminals own no NSEC (the NSEC before them covers them).
// A delegation point's NSEC has NS, DS (if any), RRSIG and NSEC in its
// bitmap; its NS RRset is not signed, its DS RRset is.
//
// # When the zone is signed: signing epochs
//
// Signatures are valid for Policy.Validity (14 days) plus a jitter (up to
// one day, by owner and type, to spread the expiry) and are made again at
// the start of every signing epoch: Policy.ResignDays (4) whole UTC days,
// each zone's epochs offset by a number of days taken from a hash of its
// name so that not every zone is re-signed on the same day. A signature is
// thus replaced when it still has at least 10 days to live.
//
// Everything the signer does is a function of the zone's records, its keys
// and the signing time
//
//	signing time = max(start of the current epoch, the zone's last change,
//	                   the keys' last change)
//
// (the zone's last change: store.Zone.UpdatedAt; the keys': ZoneKeys.Changed,
// the key manager's last write; changes in the future are ignored). The
// keys' lifecycle times are read at the signing time, not at "now": a
// key's Publish, Activate, Retire or Remove takes effect at the first epoch
// start, zone change or key change at or after it. So every artnetd node on
// the same database signs the same zone the same way (the same DNSKEY
// RRset, NSEC chain, validity windows and serial; only the ECDSA signature
// bytes differ), and a new snapshot is only built when the epoch, the
// records or the keys change. A key manager that schedules a transition
// for a later time writes again (Changed) when it is due, or lets the next
// epoch apply it.
//
// Serial: a signed zone is served with serial
//
//	max(stored serial, YYYYMMDD00 of the signing time's UTC day)
//
// which moves at every epoch start and on the first key change of a day
// (so the secondaries transfer the new signatures: zonesync sends NOTIFY)
// and never passes a serial the panel gives the zone's next edit
// (panel.NextZoneSerial: at least YYYYMMDD01 of its day). It does not move
// for a key change on a day the zone was already edited (stored serial
// YYYYMMDD01 or more): so the key manager also bumps the stored serial
// with panel.NextZoneSerial when it changes keys, as an edit does — and
// must on the last step of turning DNSSEC off (deleting the keys): the
// unsigned zone is served with its stored serial, which must pass the
// signed one.
//
// zonesync asks the KeySource at every full reload (every 30 s): once for
// all zones when it implements KeyLister, else once per zone. It signs
// only when the signing state changed, but the keys are read each time, so
// a KeySource over the database should make that read cheap (unseal the
// private keys once and keep them, keyed by their stored form).
//
// # Rollovers (the key manager's schedule, with the signer's rules above)
//
//   - ZSK, pre-publish (RFC 6781 §4.1.1.1): new ZSK Publish = t0, Activate
//     = t1 ≥ t0 + DNSKEY TTL (+ propagation); the old ZSK Retire = t1 (sign
//     with both for a while by setting Retire later), Remove = t1 + the
//     largest TTL of the zone's signed data + propagation.
//   - KSK, double-KSK (RFC 6781 §4.1.2): new KSK Publish = Activate = t0
//     (it signs the DNSKEY RRset next to the old one; CDS/CDNSKEY list both);
//     the DS set at the parent gets the new DS (registry); once the parent
//     serves it and its TTL passed, old KSK Retire = Remove = t1 (CDS/CDNSKEY
//     then list the new key only; the old DS is removed at the parent).
//   - Turning DNSSEC off (RFC 8078 §4): ZoneKeys.Unsigning publishes the
//     delete CDS/CDNSKEY and the DS is removed at the registry; after the
//     parent's DS TTL the zone's keys are deleted and it is served unsigned.
//
// CDS and CDNSKEY (RFC 7344) list the active SEP keys (KSK, CSK), with the
// DNSKEY TTL, signed by them.
package dnssec
