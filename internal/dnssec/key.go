package dnssec

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"time"

	"github.com/miekg/dns"
)

// Role is what a key signs.
type Role uint8

const (
	// CSK, a combined signing key, signs every RRset of the zone; its DS
	// is at the parent (flags 257).
	CSK Role = iota + 1
	// KSK, a key signing key, signs the DNSKEY, CDS and CDNSKEY RRsets;
	// its DS is at the parent (flags 257).
	KSK
	// ZSK, a zone signing key, signs every other RRset (flags 256).
	ZSK
)

// String returns "CSK", "KSK" or "ZSK".
func (r Role) String() string {
	switch r {
	case CSK:
		return "CSK"
	case KSK:
		return "KSK"
	case ZSK:
		return "ZSK"
	}
	return fmt.Sprintf("Role(%d)", uint8(r))
}

// ParseRole parses "CSK", "KSK" or "ZSK" (any case).
func ParseRole(s string) (Role, error) {
	switch strings.ToUpper(s) {
	case "CSK":
		return CSK, nil
	case "KSK":
		return KSK, nil
	case "ZSK":
		return ZSK, nil
	}
	return 0, fmt.Errorf("dnssec: unknown key role %q", s)
}

// Flags returns the DNSKEY flags of a key of the role: 257 (zone key, SEP)
// for a CSK or KSK, 256 (zone key) for a ZSK.
func (r Role) Flags() uint16 {
	if r == ZSK {
		return dns.ZONE
	}
	return dns.ZONE | dns.SEP
}

// SEP reports whether keys of the role have a DS at the parent (CSK, KSK).
func (r Role) SEP() bool { return r == CSK || r == KSK }

// Algorithms are the signing algorithms supported: ECDSAP256SHA256 (13,
// the default) and ED25519 (15).
var Algorithms = []uint8{dns.ECDSAP256SHA256, dns.ED25519}

// DefaultAlgorithm is the algorithm of new keys unless another is asked for.
const DefaultAlgorithm = dns.ECDSAP256SHA256

// ParseAlgorithm parses an algorithm by mnemonic ("ECDSAP256SHA256",
// "ED25519", any case) or number ("13", "15"); "" is DefaultAlgorithm.
func ParseAlgorithm(s string) (uint8, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return DefaultAlgorithm, nil
	}
	for _, a := range Algorithms {
		if strings.EqualFold(s, dns.AlgorithmToString[a]) || s == fmt.Sprint(a) {
			return a, nil
		}
	}
	return 0, fmt.Errorf("dnssec: unsupported algorithm %q (ECDSAP256SHA256 or ED25519)", s)
}

// Key is one DNSSEC key of a zone as the signer needs it.
//
// The lifecycle times follow RFC 7583: the key is in the DNSKEY RRset from
// Publish until Remove, and signs (its role's RRsets) from Activate until
// Retire. A zero Publish or Activate means "since always", a zero Retire or
// Remove "never". Times are compared in whole seconds. See doc.go for when
// the signer looks at them.
type Key struct {
	Algorithm uint8 // dns.ECDSAP256SHA256 or dns.ED25519
	Role      Role
	// PublicKey is the DNSKEY's public key field (base64, RFC 6605 /
	// RFC 8080 form).
	PublicKey string
	// Signer is the private key: *ecdsa.PrivateKey (P-256) or
	// ed25519.PrivateKey. Nil for a key known by its public part only
	// (it can be published, not used to sign).
	Signer crypto.Signer

	Created  time.Time // informational
	Publish  time.Time
	Activate time.Time
	Retire   time.Time
	Remove   time.Time
}

// Flags returns the key's DNSKEY flags (Role.Flags).
func (k Key) Flags() uint16 { return k.Role.Flags() }

// Published reports whether the key is in the DNSKEY RRset at now.
func (k Key) Published(now time.Time) bool {
	return (k.Publish.IsZero() || reached(k.Publish, now)) && !reached(k.Remove, now)
}

// Active reports whether the key signs at now: it is published, activated
// and not retired.
func (k Key) Active(now time.Time) bool {
	return k.Published(now) && (k.Activate.IsZero() || reached(k.Activate, now)) && !reached(k.Retire, now) && k.Signer != nil
}

// reached reports whether t is set and not after now, in whole seconds.
func reached(t, now time.Time) bool {
	if t.IsZero() {
		return false
	}
	return t.Unix() <= now.Unix()
}

// DNSKEY returns the key's DNSKEY record owned by origin.
func (k Key) DNSKEY(origin string, ttl uint32) *dns.DNSKEY {
	return &dns.DNSKEY{
		Hdr:       dns.RR_Header{Name: dns.CanonicalName(origin), Rrtype: dns.TypeDNSKEY, Class: dns.ClassINET, Ttl: ttl},
		Flags:     k.Flags(),
		Protocol:  3,
		Algorithm: k.Algorithm,
		PublicKey: k.PublicKey,
	}
}

// Tag returns the key tag (RFC 4034 Appendix B).
func (k Key) Tag() uint16 { return k.DNSKEY(".", 0).KeyTag() }

// DS returns the DS record of a SEP key (CSK, KSK) for the parent zone,
// SHA-256 digest (RFC 4509).
func (k Key) DS(origin string, ttl uint32) *dns.DS {
	ds := k.DNSKEY(origin, ttl).ToDS(dns.SHA256)
	ds.Hdr.Ttl = ttl
	return ds
}

// CDS returns the key's CDS record (RFC 7344): its DS, SHA-256, as a CDS.
func (k Key) CDS(origin string, ttl uint32) *dns.CDS {
	return k.DS(origin, ttl).ToCDS()
}

// CDNSKEY returns the key's CDNSKEY record (RFC 7344).
func (k Key) CDNSKEY(origin string, ttl uint32) *dns.CDNSKEY {
	return k.DNSKEY(origin, ttl).ToCDNSKEY()
}

// String describes the key without its private part: "KSK 13 tag 12345".
func (k Key) String() string {
	return fmt.Sprintf("%s %d tag %d", k.Role, k.Algorithm, k.Tag())
}

// Generate makes a new key of the algorithm (dns.ECDSAP256SHA256 or
// dns.ED25519) and role, created at now, published and active from now
// (Publish = Activate = now; change them for a pre-published key).
func Generate(alg uint8, role Role, now time.Time) (Key, error) {
	if role < CSK || role > ZSK {
		return Key{}, fmt.Errorf("dnssec: unknown key role %d", role)
	}
	var signer crypto.Signer
	switch alg {
	case dns.ECDSAP256SHA256:
		priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			return Key{}, err
		}
		signer = priv
	case dns.ED25519:
		_, priv, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			return Key{}, err
		}
		signer = priv
	default:
		return Key{}, fmt.Errorf("dnssec: unsupported algorithm %d", alg)
	}
	k, err := NewKey(alg, role, signer)
	if err != nil {
		return Key{}, err
	}
	k.Created, k.Publish, k.Activate = now, now, now
	return k, nil
}

// NewKey builds a Key of the role around an existing private key, filling
// PublicKey from it. The lifecycle times are left zero.
func NewKey(alg uint8, role Role, signer crypto.Signer) (Key, error) {
	pub, err := publicKeyField(alg, signer.Public())
	if err != nil {
		return Key{}, err
	}
	return Key{Algorithm: alg, Role: role, PublicKey: pub, Signer: signer}, nil
}

// publicKeyField encodes a public key as the DNSKEY public key field.
func publicKeyField(alg uint8, pub crypto.PublicKey) (string, error) {
	switch alg {
	case dns.ECDSAP256SHA256:
		p, ok := pub.(*ecdsa.PublicKey)
		if !ok || p.Curve != elliptic.P256() {
			return "", errors.New("dnssec: algorithm 13 needs a P-256 ECDSA key")
		}
		b := make([]byte, 64) // X || Y, 32 bytes each (RFC 6605 §4)
		p.X.FillBytes(b[:32])
		p.Y.FillBytes(b[32:])
		return base64.StdEncoding.EncodeToString(b), nil
	case dns.ED25519:
		p, ok := pub.(ed25519.PublicKey)
		if !ok {
			return "", errors.New("dnssec: algorithm 15 needs an Ed25519 key")
		}
		return base64.StdEncoding.EncodeToString(p), nil
	}
	return "", fmt.Errorf("dnssec: unsupported algorithm %d", alg)
}

// MarshalPrivateKey returns the key's private key as PKCS#8 DER, for
// sealing and storing. It is a secret: never log it.
func MarshalPrivateKey(k Key) ([]byte, error) {
	if k.Signer == nil {
		return nil, errors.New("dnssec: key has no private part")
	}
	return x509.MarshalPKCS8PrivateKey(k.Signer)
}

// ParsePrivateKey reads a PKCS#8 private key made by MarshalPrivateKey and
// checks that it is of the algorithm (and, when pub is not "", that it
// matches the public key field pub).
func ParsePrivateKey(alg uint8, der []byte, pub string) (crypto.Signer, error) {
	raw, err := x509.ParsePKCS8PrivateKey(der)
	if err != nil {
		return nil, fmt.Errorf("dnssec: private key: %w", err)
	}
	var signer crypto.Signer
	switch p := raw.(type) {
	case *ecdsa.PrivateKey:
		signer = p
	case ed25519.PrivateKey:
		signer = p
	default:
		return nil, fmt.Errorf("dnssec: private key of type %T", raw)
	}
	got, err := publicKeyField(alg, signer.Public())
	if err != nil {
		return nil, err
	}
	if pub != "" && got != pub {
		return nil, errors.New("dnssec: private key does not match the public key")
	}
	return signer, nil
}

// ParsePublicKey checks a DNSKEY public key field of the algorithm.
func ParsePublicKey(alg uint8, pub string) error {
	b, err := base64.StdEncoding.DecodeString(pub)
	if err != nil {
		return fmt.Errorf("dnssec: public key: %w", err)
	}
	switch alg {
	case dns.ECDSAP256SHA256:
		if len(b) != 64 {
			return errors.New("dnssec: public key: not a P-256 point")
		}
		x, y := new(big.Int).SetBytes(b[:32]), new(big.Int).SetBytes(b[32:])
		if !elliptic.P256().IsOnCurve(x, y) { //nolint:staticcheck // a plain validity check
			return errors.New("dnssec: public key: not a P-256 point")
		}
	case dns.ED25519:
		if len(b) != ed25519.PublicKeySize {
			return errors.New("dnssec: public key: not an Ed25519 key")
		}
	default:
		return fmt.Errorf("dnssec: unsupported algorithm %d", alg)
	}
	return nil
}

// ZoneKeys is what a KeySource tells about one zone.
type ZoneKeys struct {
	// Keys are every key of the zone in any state (published or not,
	// retired, removed: the signer looks at their times). No key: the
	// zone is served unsigned.
	Keys []Key
	// Changed is when the keys (or the zone's DNSSEC state) last changed:
	// the key manager's last write. The keys are read at the signing
	// time, max(epoch start, zone's last change, Changed), so a change
	// takes effect at once, on every node alike. Zero: not known (the
	// change then takes effect at the next epoch or zone change).
	Changed time.Time
	// Unsigning, set while DNSSEC is being turned off (RFC 8078 §4): the
	// zone is still signed with Keys, and its CDS and CDNSKEY RRsets are
	// the "delete" records (CDS 0 0 0 00, CDNSKEY 0 3 0 AA==) asking the
	// parent to remove the DS.
	Unsigning bool
}

// Signed reports whether the zone has any key (is to be signed).
func (z ZoneKeys) Signed() bool { return len(z.Keys) > 0 }

// KeySource gives the keys of a zone. zonesync asks it for every primary
// zone (and reverse zone) it builds; origin is the zone's apex, lower case
// and fully qualified ("example.com."). A zone without keys is served
// unsigned, exactly as without DNSSEC: a zone the source does not know
// (reverse zones, zones without DNSSEC) gets ZoneKeys{} and a nil error.
// An error leaves the zone pending (served as last loaded) like any other
// failed load.
type KeySource interface {
	ZoneKeys(ctx context.Context, origin string) (ZoneKeys, error)
}

// KeySourceFunc adapts a function to KeySource.
type KeySourceFunc func(ctx context.Context, origin string) (ZoneKeys, error)

// ZoneKeys calls f.
func (f KeySourceFunc) ZoneKeys(ctx context.Context, origin string) (ZoneKeys, error) {
	return f(ctx, origin)
}

// DSSet returns the DS records (SHA-256) of the zone's SEP keys that are
// published at now, for the parent (the registry's DS list).
func DSSet(origin string, keys []Key, now time.Time, ttl uint32) []*dns.DS {
	var out []*dns.DS
	for _, k := range keys {
		if k.Role.SEP() && k.Published(now) {
			out = append(out, k.DS(origin, ttl))
		}
	}
	return out
}

// DeleteCDS and DeleteCDNSKEY are the records asking the parent to remove
// the DS RRset (RFC 8078 §4).
func DeleteCDS(origin string, ttl uint32) *dns.CDS {
	return &dns.CDS{DS: dns.DS{Hdr: dns.RR_Header{Name: dns.CanonicalName(origin), Rrtype: dns.TypeCDS, Class: dns.ClassINET, Ttl: ttl},
		KeyTag: 0, Algorithm: 0, DigestType: 0, Digest: "00"}}
}

// DeleteCDNSKEY: see DeleteCDS.
func DeleteCDNSKEY(origin string, ttl uint32) *dns.CDNSKEY {
	return &dns.CDNSKEY{DNSKEY: dns.DNSKEY{Hdr: dns.RR_Header{Name: dns.CanonicalName(origin), Rrtype: dns.TypeCDNSKEY, Class: dns.ClassINET, Ttl: ttl},
		Flags: 0, Protocol: 3, Algorithm: 0, PublicKey: "AA=="}}
}

// KeyLister is an optional interface of a KeySource: the keys of every
// zone that has keys, by origin (lower case, fully qualified), in one read.
// zonesync uses it for the periodic full reload instead of one ZoneKeys
// call per zone.
type KeyLister interface {
	AllZoneKeys(ctx context.Context) (map[string]ZoneKeys, error)
}
