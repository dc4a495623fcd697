package panel

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/miekg/dns"

	"github.com/artnet-panel/artnet-panel/artnet"
	"github.com/artnet-panel/artnet-panel/internal/apperr"
	"github.com/artnet-panel/artnet-panel/internal/dnssec"
	"github.com/artnet-panel/artnet-panel/internal/seal"
	"github.com/artnet-panel/artnet-panel/internal/store"
)

// DNSSEC of the customers' primary zones: the key manager (the signer is
// internal/dnssec with zonesync, which reads the keys through
// DNSSECKeySource).
//
// dns/dnssec-enable generates a KSK and a ZSK (ECDSAP256SHA256 unless
// ED25519 is asked for; internal/dnssec/doc.go says why KSK + ZSK), seals
// their private keys with the operator's key (AES-256-GCM, the zone's
// domain and the public key as additional data, so a sealed key cannot be
// moved to another zone or key) and stores them (store.DNSSECStore);
// both are published and active at once (a zone never signed has nothing
// cached to invalidate). Every change of keys is a change of the zone: its
// serial moves (DNSSECZoneTouch) and every node re-signs it.
//
// The rest is a state machine advanced by DNSSECAdvance (a loop in
// artnetd, the panel's clock: tests move it), zone by zone when its NextAt
// is due; nodes claim a zone by a compare-and-swap on its version, so one
// node acts on it at a time, and the registry is called outside any
// transaction:
//
//   - DS at the registry: when the zone is one of the customer's manageable
//     domain services and the registry takes DS records (DSRegistry: EPP
//     secDNS-1.1, the simulator), the wanted DS set (the SEP keys'
//     DS, SHA-256, from the key's DSAt, Propagation after it was
//     published; none while disabling) is sent whenever it differs from
//     the set the registry last accepted (DSSent); a failure is retried
//     after Retry. Otherwise the parent follows the published CDS/CDNSKEY
//     (or the customer, with ds_list), and the panel takes the wanted set
//     as held from the time it changed.
//   - ZSK rollover (pre-publish), every ZSKLifetime: the new ZSK is
//     published at t0 and activated at t1 = t0 + DNSKEYTTL + Propagation;
//     the old one retires at t1 and is removed at t1 + the zone's largest
//     TTL + Propagation.
//   - KSK rollover (double-KSK), every KSKLifetime (0: never by itself;
//     DNSSECRollKSK starts one): the new KSK is published and active at t0
//     (both sign the DNSKEY set; CDS/CDNSKEY list both), its DS is wanted
//     at the parent from t0 + Propagation; once the parent holds it (the
//     registry accepted the set, time ts), the old KSK retires and is
//     removed at ts + DSTTL + Propagation, and its DS leaves the parent.
//   - dns/dnssec-disable: the state becomes disabling (the signer
//     publishes the delete CDS/CDNSKEY), the wanted DS set is empty; once
//     the registry removed the DS (ts), the zone goes unsigned at ts +
//     DSTTL + Propagation (the row and keys are deleted).
//
// Keys past their RemoveAt are deleted. A lifecycle time that passes
// touches the zone (the signer looks at the keys at the zone's last
// change), so it takes effect within one loop period.

// DSRecord is one DS record as a registry holds it (RFC 5910 dsData).
type DSRecord struct {
	KeyTag     uint16
	Algorithm  uint8
	DigestType uint8
	Digest     string // hexadecimal, upper case
}

// String returns "tag alg digest-type DIGEST".
func (d DSRecord) String() string {
	return fmt.Sprintf("%d %d %d %s", d.KeyTag, d.Algorithm, d.DigestType, d.Digest)
}

// DSRegistry is a Registry that also holds the DS records of domains
// (EPP secDNS-1.1, RFC 5910).
type DSRegistry interface {
	// SetDS makes ds the domain's DS set at the registry (the driver
	// sends the difference). An error means the set is unchanged, as far
	// as the driver can tell.
	SetDS(ctx context.Context, domain string, ds []DSRecord) error
	// GetDS returns the DS set the registry holds for domain.
	GetDS(ctx context.Context, domain string) ([]DSRecord, error)
}

// DNSSECConfig configures the key manager. Zero durations take the
// defaults (DefaultDNSSECConfig).
type DNSSECConfig struct {
	// SecretKey seals the private keys (32 bytes, AES-256-GCM). Nil:
	// dns/dnssec-enable answers internal-dns-error and signed zones
	// cannot be built.
	SecretKey []byte
	// DNSKEYTTL is the TTL of the DNSKEY set (the signer uses the SOA's
	// TTL).
	DNSKEYTTL time.Duration
	// Propagation is how long a change takes to reach every name server
	// (secondaries included), with a margin.
	Propagation time.Duration
	// DSTTL is the TTL of the DS records at the parent.
	DSTTL time.Duration
	// ZSKLifetime is how long a ZSK signs before it rolls.
	ZSKLifetime time.Duration
	// KSKLifetime is how long a KSK signs before it rolls; 0: never by
	// itself.
	KSKLifetime time.Duration
	// Retry is the wait after a failed registry call.
	Retry time.Duration
}

// DefaultDNSSECConfig returns the defaults: DNSKEY TTL 1 hour,
// propagation 1 hour, parent DS TTL 1 day, ZSK rolled every 90 days, KSK
// never by itself, registry retried after 5 minutes.
func DefaultDNSSECConfig() DNSSECConfig {
	return DNSSECConfig{DNSKEYTTL: time.Hour, Propagation: time.Hour, DSTTL: 24 * time.Hour,
		ZSKLifetime: 90 * 24 * time.Hour, Retry: 5 * time.Minute}
}

func (p *Panel) dnssecConfig() DNSSECConfig {
	var c DNSSECConfig
	if p.DNSSEC != nil {
		c = *p.DNSSEC
	}
	d := DefaultDNSSECConfig()
	if c.DNSKEYTTL <= 0 {
		c.DNSKEYTTL = d.DNSKEYTTL
	}
	if c.Propagation <= 0 {
		c.Propagation = d.Propagation
	}
	if c.DSTTL <= 0 {
		c.DSTTL = d.DSTTL
	}
	if c.ZSKLifetime <= 0 {
		c.ZSKLifetime = d.ZSKLifetime
	}
	if c.KSKLifetime < 0 {
		c.KSKLifetime = 0
	}
	if c.Retry <= 0 {
		c.Retry = d.Retry
	}
	return c
}

func secs(d time.Duration) int64 { return int64(d / time.Second) }

// dnssecLease is how long a node holds a zone it is acting on (a node
// that dies meanwhile leaves it to the others after that).
const dnssecLease = 2 * time.Minute

// ErrNoDNSSECKey is the cause logged when no operator key seals DNSSEC
// keys (artnetd --dnssec-secret-key / --cloud-secret-key).
var ErrNoDNSSECKey = errors.New("no operator key for DNSSEC private keys is configured (--dnssec-secret-key)")

// sealAD is the additional data binding a sealed private key to its zone
// and public key.
func sealAD(domain, pub string) []byte { return []byte("artnet-dnssec\x00" + domain + "\x00" + pub) }

// SealDNSSECKey seals a private key (PKCS#8 DER) of the zone domain whose
// public key field is pub under key.
func SealDNSSECKey(key []byte, domain, pub string, der []byte) (string, error) {
	if len(key) != CloudSecretKeySize {
		return "", ErrNoDNSSECKey
	}
	return seal.Seal(key, der, sealAD(domain, pub))
}

// OpenDNSSECKey returns the private key sealed by SealDNSSECKey.
func OpenDNSSECKey(key []byte, domain, pub, sealed string) ([]byte, error) {
	if len(key) != CloudSecretKeySize {
		return nil, ErrNoDNSSECKey
	}
	der, err := seal.Open(key, sealed, sealAD(domain, pub))
	if err != nil {
		return nil, fmt.Errorf("open a DNSSEC key of %s: %w", domain, err)
	}
	return der, nil
}

func roleOf(s string) dnssec.Role {
	switch s {
	case store.DNSSECRoleKSK:
		return dnssec.KSK
	case store.DNSSECRoleZSK:
		return dnssec.ZSK
	}
	return dnssec.CSK
}

func unixTime(s int64) time.Time {
	if s == 0 {
		return time.Time{}
	}
	return time.Unix(s, 0).UTC()
}

// publicKey converts a stored key to the signer's Key without its private
// part.
func publicKey(k store.DNSSECKey) dnssec.Key {
	return dnssec.Key{Algorithm: k.Algorithm, Role: roleOf(k.Role), PublicKey: k.PublicKey,
		Created: unixTime(k.CreatedAt), Publish: unixTime(k.PublishAt), Activate: unixTime(k.ActiveAt),
		Retire: unixTime(k.RetireAt), Remove: unixTime(k.RemoveAt)}
}

// newStoredKey generates a key of the zone domain and seals it.
func (p *Panel) newStoredKey(domain string, alg uint8, role string, now time.Time) (store.DNSSECKey, error) {
	k, err := dnssec.Generate(alg, roleOf(role), now)
	if err != nil {
		return store.DNSSECKey{}, err
	}
	der, err := dnssec.MarshalPrivateKey(k)
	if err != nil {
		return store.DNSSECKey{}, err
	}
	sealed, err := SealDNSSECKey(p.dnssecConfig().SecretKey, domain, k.PublicKey, der)
	clear(der)
	if err != nil {
		return store.DNSSECKey{}, err
	}
	return store.DNSSECKey{Role: role, Algorithm: alg, Flags: k.Flags(), KeyTag: k.Tag(), PublicKey: k.PublicKey,
		PrivateSealed: sealed, CreatedAt: now.Unix(), PublishAt: now.Unix(), ActiveAt: now.Unix()}, nil
}

// DNSSECKeySource returns the KeySource of the zone builder: the keys of
// a zone from the store, their private keys unsealed; it also lists every
// signed zone's keys at once (dnssec.KeyLister, the full reload).
func (p *Panel) DNSSECKeySource() dnssec.KeySource { return dnssecKeySource{p} }

type dnssecKeySource struct{ p *Panel }

var _ dnssec.KeyLister = dnssecKeySource{}

// ZoneKeys implements dnssec.KeySource.
func (s dnssecKeySource) ZoneKeys(ctx context.Context, origin string) (dnssec.ZoneKeys, error) {
	domain := strings.TrimSuffix(strings.ToLower(origin), ".")
	z, keys, err := s.p.Store.DNSSECByDomain(ctx, domain)
	if errors.Is(err, store.ErrNotFound) {
		return dnssec.ZoneKeys{}, nil
	}
	if err != nil {
		return dnssec.ZoneKeys{}, err
	}
	return s.p.zoneKeys(z, keys)
}

// AllZoneKeys implements dnssec.KeyLister.
func (s dnssecKeySource) AllZoneKeys(ctx context.Context) (map[string]dnssec.ZoneKeys, error) {
	zones, err := s.p.Store.DNSSECZones(ctx)
	if err != nil {
		return nil, err
	}
	out := make(map[string]dnssec.ZoneKeys, len(zones))
	for _, z := range zones {
		keys, err := s.p.Store.DNSSECKeys(ctx, z.ZoneID)
		if err != nil {
			return nil, err
		}
		zk, err := s.p.zoneKeys(z, keys)
		if err != nil {
			return nil, err
		}
		out[dns.CanonicalName(z.Domain)] = zk
	}
	return out, nil
}

// zoneKeys unseals a zone's keys for the signer.
func (p *Panel) zoneKeys(z store.DNSSECZone, keys []store.DNSSECKey) (dnssec.ZoneKeys, error) {
	out := dnssec.ZoneKeys{Unsigning: z.State == store.DNSSECDisabling, Changed: unixTime(z.UpdatedAt)}
	secret := p.dnssecConfig().SecretKey
	for _, sk := range keys {
		k := publicKey(sk)
		der, err := OpenDNSSECKey(secret, z.Domain, sk.PublicKey, sk.PrivateSealed)
		if err != nil {
			return dnssec.ZoneKeys{}, fmt.Errorf("dnssec: key %d of %s: %w", sk.KeyTag, z.Domain, err)
		}
		k.Signer, err = dnssec.ParsePrivateKey(sk.Algorithm, der, sk.PublicKey)
		clear(der)
		if err != nil {
			return dnssec.ZoneKeys{}, fmt.Errorf("dnssec: key %d of %s: %w", sk.KeyTag, z.Domain, err)
		}
		out.Keys = append(out.Keys, k)
	}
	return out, nil
}

// touchZone moves the zone's serial and last change to now in tx (a key
// change is a change of the zone).
func (p *Panel) touchZone(ctx context.Context, tx store.Store, customerID, zoneID int64, now time.Time) error {
	z, err := tx.ZoneGet(ctx, customerID, zoneID)
	if err != nil {
		return err
	}
	return tx.DNSSECZoneTouch(ctx, customerID, zoneID, z.Serial, NextZoneSerial(z.Serial, now), max(now.Unix(), z.UpdatedAt))
}

// DNSSECEnable turns DNSSEC on for the customer's primary zone
// (/dns/dnssec-enable; a zone being turned off is turned on again with
// its keys).
func (p *Panel) DNSSECEnable(ctx context.Context, customerID, zoneID int64, algorithm string) (artnet.DNSSECDetails, error) {
	alg, err := dnssec.ParseAlgorithm(algorithm)
	if err != nil {
		return artnet.DNSSECDetails{}, apperr.New(apperr.CodeInvalidDNSSECAlgorithm)
	}
	z, err := zoneOfType(ctx, p.Store, customerID, zoneID, store.ZoneTypePrimary)
	if err != nil {
		return artnet.DNSSECDetails{}, dnsError(err, apperr.CodeInternalDNSError)
	}
	now := p.Now()
	var keys []store.DNSSECKey
	cfg := p.dnssecConfig()
	for _, role := range []string{store.DNSSECRoleKSK, store.DNSSECRoleZSK} {
		k, err := p.newStoredKey(z.Domain, alg, role, now)
		if err != nil {
			return artnet.DNSSECDetails{}, apperr.Internal(apperr.CodeInternalDNSError, fmt.Errorf("dnssec-enable %s: %w", z.Domain, err))
		}
		if role == store.DNSSECRoleKSK {
			k.DSAt = now.Add(cfg.Propagation).Unix()
		}
		keys = append(keys, k)
	}
	err = p.Store.InTx(ctx, func(tx store.Store) error {
		cur, err := tx.DNSSECGet(ctx, customerID, zoneID)
		switch {
		case err == nil && cur.State == store.DNSSECSigning:
			return apperr.New(apperr.CodeDNSSECAlreadyEnabled)
		case err == nil:
			// Being turned off: on again with its keys.
			cur.State, cur.UnsignAt, cur.NextAt, cur.UpdatedAt = store.DNSSECSigning, 0, now.Unix(), now.Unix()
			if err := tx.DNSSECSave(ctx, &cur); err != nil {
				return err
			}
		case errors.Is(err, store.ErrNotFound):
			d := store.DNSSECZone{ZoneID: zoneID, CustomerID: customerID, State: store.DNSSECSigning, Algorithm: alg,
				NextAt: now.Unix(), CreatedAt: now.Unix(), UpdatedAt: now.Unix()}
			if err := tx.DNSSECEnable(ctx, &d, keys); err != nil {
				return err
			}
		default:
			return err
		}
		return p.touchZone(ctx, tx, customerID, zoneID, now)
	})
	for i := range keys {
		keys[i].PrivateSealed = ""
	}
	if err != nil {
		if errors.Is(err, store.ErrNotFound) {
			err = apperr.New(apperr.CodeInvalidZoneID) // deleted meanwhile
		}
		return artnet.DNSSECDetails{}, dnsError(err, apperr.CodeInternalDNSError)
	}
	p.zonePublisher().ZoneChanged(ctx, z.Domain)
	p.kickDNSSEC()
	return p.DNSSECDetails(ctx, customerID, zoneID)
}

// DNSSECDisable starts turning DNSSEC off for the customer's zone in the
// safe order (/dns/dnssec-disable): see the comment at the top. A zone
// already being turned off is left as it is.
func (p *Panel) DNSSECDisable(ctx context.Context, customerID, zoneID int64) error {
	z, err := zoneOfType(ctx, p.Store, customerID, zoneID, store.ZoneTypePrimary)
	if err != nil {
		return dnsError(err, apperr.CodeInternalDNSError)
	}
	now := p.Now()
	err = p.Store.InTx(ctx, func(tx store.Store) error {
		cur, err := tx.DNSSECGet(ctx, customerID, zoneID)
		if errors.Is(err, store.ErrNotFound) {
			return apperr.New(apperr.CodeDNSSECNotEnabled)
		}
		if err != nil {
			return err
		}
		if cur.State == store.DNSSECDisabling {
			return nil
		}
		cur.State, cur.UnsignAt, cur.NextAt, cur.UpdatedAt = store.DNSSECDisabling, 0, now.Unix(), now.Unix()
		if err := tx.DNSSECSave(ctx, &cur); err != nil {
			return err
		}
		return p.touchZone(ctx, tx, customerID, zoneID, now)
	})
	if err != nil {
		return dnsError(err, apperr.CodeInternalDNSError)
	}
	p.zonePublisher().ZoneChanged(ctx, z.Domain)
	p.kickDNSSEC()
	return nil
}

// kickDNSSEC wakes the lifecycle loop (artnetd sets DNSSECKick).
func (p *Panel) kickDNSSEC() {
	if p.DNSSECKick != nil {
		p.DNSSECKick()
	}
}

// keyState names a key's state at now (keys_list).
func keyState(k store.DNSSECKey, now int64) string {
	reached := func(t int64) bool { return t != 0 && t <= now }
	switch {
	case reached(k.RemoveAt):
		return "removed"
	case reached(k.RetireAt):
		return "retired"
	case (k.PublishAt == 0 || reached(k.PublishAt)) && (k.ActiveAt == 0 || reached(k.ActiveAt)):
		return "active"
	}
	return "published"
}

// DNSSECDetails returns the DNSSEC state of the customer's primary zone
// (/dns/dnssec-details).
func (p *Panel) DNSSECDetails(ctx context.Context, customerID, zoneID int64) (artnet.DNSSECDetails, error) {
	var z store.Zone
	var d store.DNSSECZone
	var keys []store.DNSSECKey
	signed := true
	err := p.Store.InTx(ctx, func(tx store.Store) error {
		var err error
		if z, err = zoneOfType(ctx, tx, customerID, zoneID, store.ZoneTypePrimary); err != nil {
			return err
		}
		d, err = tx.DNSSECGet(ctx, customerID, zoneID)
		if errors.Is(err, store.ErrNotFound) {
			signed = false
			return nil
		}
		if err != nil {
			return err
		}
		keys, err = tx.DNSSECKeys(ctx, zoneID)
		return err
	})
	if err != nil {
		return artnet.DNSSECDetails{}, dnsError(err, apperr.CodeInternal)
	}
	out := artnet.DNSSECDetails{ZoneID: z.ID, Domain: z.Domain, State: artnet.DNSSECOff,
		DNSKEYList: []string{}, DSList: []string{}, RegistryDSList: []string{}, KeysList: []artnet.DNSSECKey{}}
	if !signed {
		return out, nil
	}
	cfg := p.dnssecConfig()
	now := p.Now()
	origin := dns.Fqdn(z.Domain)
	out.State = d.State
	out.Algorithm = dns.AlgorithmToString[d.Algorithm]
	out.UnsignTime = artnet.Unix(d.UnsignAt)
	for _, k := range keys {
		pk := publicKey(k)
		if pk.Published(now) {
			out.DNSKEYList = append(out.DNSKEYList, pk.DNSKEY(origin, uint32(secs(cfg.DNSKEYTTL))).String())
			if d.State == store.DNSSECSigning && pk.Role.SEP() && keyState(k, now.Unix()) != "retired" {
				out.DSList = append(out.DSList, pk.DS(origin, uint32(secs(cfg.DSTTL))).String())
			}
		}
		out.KeysList = append(out.KeysList, artnet.DNSSECKey{KeyTag: int64(k.KeyTag), Role: pk.Role.String(),
			State: keyState(k, now.Unix()), PublishTime: artnet.Unix(k.PublishAt), ActivateTime: artnet.Unix(k.ActiveAt),
			RetireTime: artnet.Unix(k.RetireAt), RemoveTime: artnet.Unix(k.RemoveAt)})
	}
	if _, reg := p.dsRegistry(ctx, customerID, z.Domain); reg != nil {
		out.RegistryDSList = append(out.RegistryDSList, d.DSSent...)
	}
	if d.State == store.DNSSECSigning {
		if at, role := nextRollover(keys, cfg); at != 0 {
			out.NextRollover, out.NextRolloverRole = artnet.Unix(at), role
		}
	}
	return out, nil
}

// nextRollover returns when the next rollover starts and of which role
// (0: none scheduled, or one is in progress for every role that rolls).
func nextRollover(keys []store.DNSSECKey, cfg DNSSECConfig) (int64, string) {
	var at int64
	var role string
	consider := func(r string, lifetime time.Duration) {
		if lifetime <= 0 {
			return
		}
		cur, busy := rollingKey(keys, r)
		if busy || cur == nil {
			return
		}
		t := cur.ActiveAt + secs(lifetime)
		if at == 0 || t < at {
			at, role = t, strings.ToUpper(r)
		}
	}
	consider(store.DNSSECRoleZSK, cfg.ZSKLifetime)
	consider(store.DNSSECRoleKSK, cfg.KSKLifetime)
	return at, role
}

// rollingKey returns the key of role that a rollover would replace (the
// newest one without a retire time) and whether a rollover of the role is
// in progress (more than one key of the role without a retire time, or
// one retiring but not yet removed).
func rollingKey(keys []store.DNSSECKey, role string) (*store.DNSSECKey, bool) {
	var cur *store.DNSSECKey
	n, retiring := 0, false
	for i := range keys {
		k := &keys[i]
		if k.Role != role {
			continue
		}
		if k.RetireAt == 0 {
			n++
			if cur == nil || k.ID > cur.ID {
				cur = k
			}
		} else {
			retiring = true
		}
	}
	return cur, n > 1 || retiring
}

// dsRegistry returns the customer's domain service of the zone domain and
// the registry that takes its DS records, or nil when the DS cannot be
// sent (not one of the customer's manageable domains, or no registry that
// holds DS records).
func (p *Panel) dsRegistry(ctx context.Context, customerID int64, domain string) (int64, DSRegistry) {
	reg, ok := p.Registry.(DSRegistry)
	if !ok || p.Registry == nil {
		return 0, nil
	}
	list, err := p.Store.ServiceList(ctx, store.ServiceFilter{CustomerID: customerID, Type: artnet.ServiceTypeDomain})
	if err != nil {
		return 0, nil
	}
	for _, s := range list {
		d, err := domainDetails(s)
		if err != nil || !d.Manageable {
			continue
		}
		name := d.DomainName
		if strings.TrimSpace(name) == "" {
			name = s.Name
		}
		if n, err := NormalizeDomain(name); err == nil && n == domain {
			return s.ID, reg
		}
	}
	return 0, nil
}

// wantedDS returns the DS set the parent should hold at now, in
// presentation form.
func wantedDS(z store.DNSSECZone, keys []store.DNSSECKey, cfg DNSSECConfig, now int64) []string {
	out := []string{}
	if z.State != store.DNSSECSigning {
		return out
	}
	origin := dns.Fqdn(z.Domain)
	for _, k := range keys {
		pk := publicKey(k)
		if !pk.Role.SEP() || k.DSAt == 0 || k.DSAt > now || !pk.Published(time.Unix(now, 0)) {
			continue
		}
		out = append(out, pk.DS(origin, uint32(secs(cfg.DSTTL))).String())
	}
	slices.Sort(out)
	return out
}

// dsRecords parses DS records in presentation form.
func dsRecords(list []string) ([]DSRecord, error) {
	out := make([]DSRecord, 0, len(list))
	for _, s := range list {
		rr, err := dns.NewRR(s)
		if err != nil {
			return nil, err
		}
		ds, ok := rr.(*dns.DS)
		if !ok {
			return nil, fmt.Errorf("not a DS record: %s", s)
		}
		out = append(out, DSRecord{KeyTag: ds.KeyTag, Algorithm: ds.Algorithm, DigestType: ds.DigestType, Digest: strings.ToUpper(ds.Digest)})
	}
	return out, nil
}

// DNSSECAdvance runs the lifecycle of every signed zone whose time has
// come (see the comment at the top); artnetd calls it every
// --dnssec-tick and when kicked. It returns the first error after trying
// every due zone (each is logged).
func (p *Panel) DNSSECAdvance(ctx context.Context) error {
	zones, err := p.Store.DNSSECZones(ctx)
	if err != nil {
		return err
	}
	var first error
	for _, z := range zones {
		now := p.Now().Unix()
		if z.NextAt == 0 || z.NextAt > now {
			continue
		}
		if err := p.dnssecStep(ctx, z); err != nil {
			p.logger().Warn("dnssec: lifecycle step", "zone", z.Domain, "err", err)
			if first == nil {
				first = err
			}
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
	}
	return first
}

// dnssecStep acts on one due zone.
func (p *Panel) dnssecStep(ctx context.Context, z store.DNSSECZone) error {
	cfg := p.dnssecConfig()
	now := p.Now()
	// Claim the zone for the lease (another node that read the same
	// version loses the compare-and-swap and skips it).
	z.NextAt = now.Add(dnssecLease).Unix()
	if err := p.Store.DNSSECSave(ctx, &z); err != nil {
		if errors.Is(err, store.ErrStale) || errors.Is(err, store.ErrNotFound) {
			return nil
		}
		return err
	}
	keys, err := p.Store.DNSSECKeys(ctx, z.ZoneID)
	if err != nil {
		return err
	}
	zone, err := p.Store.ZoneGet(ctx, z.CustomerID, z.ZoneID)
	if err != nil {
		return err
	}
	records, err := p.Store.ZoneRecords(ctx, z.CustomerID, z.ZoneID)
	if err != nil {
		return err
	}
	maxTTL := secs(cfg.DNSKEYTTL)
	for _, r := range records {
		maxTTL = max(maxTTL, r.TTL)
	}
	n := now.Unix()
	var retry int64

	// The DS set at the parent.
	want := wantedDS(z, keys, cfg, n)
	if !slices.Equal(want, z.DSSent) {
		if _, reg := p.dsRegistry(ctx, z.CustomerID, z.Domain); reg != nil {
			recs, err := dsRecords(want)
			if err == nil {
				err = reg.SetDS(ctx, z.Domain, recs)
			}
			if err != nil {
				p.logger().Warn("dnssec: the registry did not take the DS set; retrying", "zone", z.Domain, "ds", want, "err", err,
					"retry_in", cfg.Retry)
				retry = n + secs(cfg.Retry)
			} else {
				p.logger().Info("dnssec: DS set at the registry", "zone", z.Domain, "ds", want)
				z.DSSent, z.DSSyncedAt = want, n
			}
		} else {
			// The parent follows CDS/CDNSKEY (or the customer): taken as
			// held from now.
			z.DSSent, z.DSSyncedAt = want, n
		}
	}
	dsHeld := slices.Equal(want, z.DSSent)

	var add []store.DNSSECKey
	var save []store.DNSSECKey
	var del []int64
	deleteZone := false
	switch z.State {
	case store.DNSSECDisabling:
		if dsHeld && z.UnsignAt == 0 {
			z.UnsignAt = z.DSSyncedAt + secs(cfg.DSTTL+cfg.Propagation)
		}
		if z.UnsignAt != 0 && z.UnsignAt <= n {
			deleteZone = true
		}
	case store.DNSSECSigning:
		// A KSK rollover waiting for the parent: once the parent holds
		// the new DS, the old KSK goes.
		if dsHeld {
			for i := range keys {
				k := &keys[i]
				if k.Role != store.DNSSECRoleKSK || k.RetireAt != 0 {
					continue
				}
				if newer := newerKSK(keys, k); newer != nil && newer.DSAt != 0 && newer.DSAt <= z.DSSyncedAt {
					t := z.DSSyncedAt + secs(cfg.DSTTL+cfg.Propagation)
					k.RetireAt, k.RemoveAt = t, t
					save = append(save, *k)
				}
			}
		}
		// Rollovers that are due.
		if cur, busy := rollingKey(keys, store.DNSSECRoleZSK); !busy && cur != nil && cur.ActiveAt+secs(cfg.ZSKLifetime) <= n {
			nk, err := p.newStoredKey(z.Domain, z.Algorithm, store.DNSSECRoleZSK, now)
			if err != nil {
				return err
			}
			t1 := n + secs(cfg.DNSKEYTTL+cfg.Propagation)
			nk.ActiveAt = t1
			cur.RetireAt, cur.RemoveAt = t1, t1+maxTTL+secs(cfg.Propagation)
			add, save = append(add, nk), append(save, *cur)
			p.logger().Info("dnssec: ZSK rollover", "zone", z.Domain, "old", cur.KeyTag, "new", nk.KeyTag, "activate", t1)
		}
		if cur, busy := rollingKey(keys, store.DNSSECRoleKSK); !busy && cur != nil && cfg.KSKLifetime > 0 && cur.ActiveAt+secs(cfg.KSKLifetime) <= n {
			nk, err := p.newStoredKey(z.Domain, z.Algorithm, store.DNSSECRoleKSK, now)
			if err != nil {
				return err
			}
			nk.DSAt = n + secs(cfg.Propagation)
			add = append(add, nk)
			p.logger().Info("dnssec: KSK rollover", "zone", z.Domain, "old", cur.KeyTag, "new", nk.KeyTag)
		}
		for _, k := range keys {
			if k.RemoveAt != 0 && k.RemoveAt <= n {
				del = append(del, k.ID)
			}
		}
	}

	// Does a lifecycle time pass since the zone's last change? Then the
	// zone is touched so that the signer sees it.
	touch := deleteZone || len(add) > 0 || len(save) > 0 || len(del) > 0
	for _, k := range keys {
		for _, t := range []int64{k.PublishAt, k.ActiveAt, k.RetireAt, k.RemoveAt} {
			if t > zone.UpdatedAt && t <= n {
				touch = true
			}
		}
	}

	// When to act next.
	next := retry
	soonest := func(t int64) {
		if t > n && (next == 0 || t < next) {
			next = t
		}
	}
	all := append(slices.Clone(keys), add...)
	for _, k := range all {
		if slices.Contains(del, k.ID) {
			continue
		}
		for _, t := range []int64{k.PublishAt, k.ActiveAt, k.RetireAt, k.RemoveAt, k.DSAt} {
			soonest(t)
		}
	}
	for _, k := range save {
		for _, t := range []int64{k.RetireAt, k.RemoveAt} {
			soonest(t)
		}
	}
	soonest(z.UnsignAt)
	if z.State == store.DNSSECSigning {
		if at, _ := nextRollover(all, cfg); at != 0 {
			soonest(max(at, n+1))
		}
	}
	if next == 0 && z.State == store.DNSSECDisabling && !deleteZone {
		next = n + secs(cfg.Retry)
	}
	z.NextAt = next
	if touch {
		z.UpdatedAt = n // the keys' last change (ZoneKeys.Changed): the zone is re-signed
	}

	err = p.Store.InTx(ctx, func(tx store.Store) error {
		if deleteZone {
			if err := tx.DNSSECDelete(ctx, z.CustomerID, z.ZoneID, z.Version); err != nil {
				return err
			}
			return p.touchZone(ctx, tx, z.CustomerID, z.ZoneID, now)
		}
		if err := tx.DNSSECSave(ctx, &z); err != nil {
			return err
		}
		for i := range add {
			add[i].ZoneID = z.ZoneID
			if err := tx.DNSSECKeyAdd(ctx, &add[i]); err != nil {
				return err
			}
		}
		for _, k := range save {
			if err := tx.DNSSECKeySave(ctx, k); err != nil {
				return err
			}
		}
		for _, id := range del {
			if err := tx.DNSSECKeyDelete(ctx, z.ZoneID, id); err != nil {
				return err
			}
		}
		if touch {
			return p.touchZone(ctx, tx, z.CustomerID, z.ZoneID, now)
		}
		return nil
	})
	if errors.Is(err, store.ErrStale) {
		return nil // a customer's command came first; its NextAt brings the zone back
	}
	if err != nil {
		return err
	}
	if deleteZone {
		p.logger().Info("dnssec: zone unsigned", "zone", z.Domain)
	}
	if touch {
		p.zonePublisher().ZoneChanged(ctx, z.Domain)
	}
	return nil
}

// newerKSK returns a KSK newer than k without a retire time (the new key
// of a KSK rollover), or nil.
func newerKSK(keys []store.DNSSECKey, k *store.DNSSECKey) *store.DNSSECKey {
	for i := range keys {
		o := &keys[i]
		if o.Role == store.DNSSECRoleKSK && o.ID > k.ID && o.RetireAt == 0 {
			return o
		}
	}
	return nil
}

// DNSSECRollKSK starts a KSK rollover of the customer's signed zone now
// (an operator's command; the schedule starts them every KSKLifetime).
func (p *Panel) DNSSECRollKSK(ctx context.Context, customerID, zoneID int64) error {
	now := p.Now()
	z, err := p.Store.DNSSECGet(ctx, customerID, zoneID)
	if err != nil {
		return err
	}
	if z.State != store.DNSSECSigning {
		return errors.New("dnssec: the zone is being turned off")
	}
	keys, err := p.Store.DNSSECKeys(ctx, zoneID)
	if err != nil {
		return err
	}
	if _, busy := rollingKey(keys, store.DNSSECRoleKSK); busy {
		return errors.New("dnssec: a KSK rollover is in progress")
	}
	nk, err := p.newStoredKey(z.Domain, z.Algorithm, store.DNSSECRoleKSK, now)
	if err != nil {
		return err
	}
	nk.ZoneID, nk.DSAt = zoneID, now.Add(p.dnssecConfig().Propagation).Unix()
	err = p.Store.InTx(ctx, func(tx store.Store) error {
		z.NextAt, z.UpdatedAt = now.Unix(), now.Unix()
		if err := tx.DNSSECSave(ctx, &z); err != nil {
			return err
		}
		if err := tx.DNSSECKeyAdd(ctx, &nk); err != nil {
			return err
		}
		return p.touchZone(ctx, tx, customerID, zoneID, now)
	})
	if err != nil {
		return err
	}
	p.zonePublisher().ZoneChanged(ctx, z.Domain)
	p.kickDNSSEC()
	return nil
}

// dnssecDropDS removes the DS set of the customer's signed zone from the
// registry before the zone is deleted (dns/delete): internal-dns-error
// when the registry fails (the zone stays).
func (p *Panel) dnssecDropDS(ctx context.Context, customerID, zoneID int64) error {
	z, err := p.Store.DNSSECGet(ctx, customerID, zoneID)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return apperr.Internal(apperr.CodeInternalDNSError, err)
	}
	if len(z.DSSent) == 0 {
		return nil
	}
	_, reg := p.dsRegistry(ctx, customerID, z.Domain)
	if reg == nil {
		return nil
	}
	if err := reg.SetDS(ctx, z.Domain, nil); err != nil {
		return apperr.Internal(apperr.CodeInternalDNSError, fmt.Errorf("dns/delete of %s: removing its DS at the registry: %w", z.Domain, err))
	}
	p.logger().Info("dnssec: DS removed at the registry before the zone's deletion", "zone", z.Domain)
	return nil
}
