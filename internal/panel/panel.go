// Package panel holds the business rules of the Artnet Customers Panel: one
// file per API module. It knows nothing of HTTP or SQL: it is called by the
// httpapi adapter with decoded parameters, and it reaches the database only
// through store.Store.
//
// Every method that takes a customer id acts only on that customer's data;
// another customer's object answers exactly like one that does not exist.
// Errors returned to callers are *apperr.Error values with documented codes;
// failures of the store are wrapped as internal-* codes that hide the cause.
//
// # DNS zones (dns.go)
//
// A zone's domain is stored and shown in one form (NormalizeDomain): lower
// case, internationalised labels as punycode A-labels, no trailing dot
// ("example.com", "xn--przykad-rjb.pl"). A customer may add a zone for a
// domain when it holds a domain service whose domain_name is the domain or
// a parent of it, or when the operator allowed the domain or a parent
// (AllowDomain). A domain has at most one zone, whoever owns it. A
// secondary zone is stored with its master name server and is served once
// it has been transferred from the master.
//
// Serials follow the date (UTC): a new primary zone gets YYYYMMDD01; each
// change sets max(current+1, today's YYYYMMDD01), so serials never decrease
// and keep growing past 99 changes a day. /dns/edit-primary-records
// replaces the whole record set, atomically, only when the serial sent is
// the current one (incorrect-soa-serial otherwise; of concurrent edits of
// one serial exactly one succeeds).
//
// Record names are relative to the zone ("www", "_sip._tcp", "*.dev"),
// fully qualified with a trailing dot and inside the zone
// ("www.example.com."), "@" for the zone itself, or empty for the previous
// record's name (not allowed for the first record). Labels are ASCII
// letters, digits, hyphens (not first or last) and underscores, "*" only
// as the first label; internationalised names are given in punycode. The
// TTL is 60..604800 seconds, 3600 when not given (records of one name and
// type may differ in TTL; the name servers serve the lowest, RFC 2181
// §5.2). Host names in data (targets) take the same relative, absolute and
// "@" forms.
//
// The data1..data4 layout of each record type (DNSRecordLayouts in Go);
// fields not listed must be empty:
//
//	type   data1                  data2                data3          data4
//	A      IPv4 address
//	AAAA   IPv6 address
//	CNAME  target name
//	MX     priority 0-65535       exchange host (".": null MX)
//	TXT    text (1-4096 bytes)
//	SRV    priority 0-65535       weight 0-65535       port 0-65535   target host (".": none)
//	CAA    flags 0-255            tag: issue,          value
//	                              issuewild or iodef
//	NS     name server host
//
// TXT text is given as it is, without zone-file quotes; on the wire it is
// split into character-strings of 255 bytes (RFC 1035 limits one to 255),
// which resolvers join again. A CAA value is printable ASCII; iodef takes
// a mailto:, http: or https: URL, issue and issuewild may be empty (no CA
// may issue). NS records delegate a subdomain and are allowed only below
// the apex (the apex NS set is the panel's name servers, Panel.Nameservers);
// a name server inside the zone needs an A or AAAA record at its name (for
// one inside the delegated subdomain this is the glue).
//
// Rules between records: a CNAME is the only record of its name and is not
// allowed at the apex; MX, SRV and NS targets must not be CNAME names of
// the zone; a record may not be given twice (same name, type and data); at
// a delegated name only NS and glue A/AAAA records may be given, below it
// only glue. Every bad record is reported at once: incorrect-param-value
// whose description names the first one and whose errors_details list
// each (record index N of records[N], field, message). Nothing changes on
// any error.
package panel

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"log/slog"
	"net/netip"
	"sync"
	"time"

	"github.com/artnet-panel/artnet-panel/internal/bgp"
	"github.com/artnet-panel/artnet-panel/internal/firewall"
	"github.com/artnet-panel/artnet-panel/internal/store"
)

// Panel implements the API's modules on top of a store.
type Panel struct {
	Store store.Store
	// Now returns the current time; tests inject a fixed clock.
	Now func() time.Time

	// Nameservers are the host names of the name servers that serve the
	// primary zones (the nameservers of /dns/details-primary and the apex
	// NS set). Nil: DefaultNameservers.
	Nameservers []string
	// LookupHost resolves the master name server of a new secondary zone.
	// Nil: net.DefaultResolver.LookupHost.
	LookupHost func(ctx context.Context, host string) ([]string, error)
	// Zones is told about every committed zone change. Nil: nobody.
	Zones ZonePublisher
	// Credentials, when set, caches API credentials for Authenticate
	// (artnetd sets it when it follows the change log). Nil: every
	// Authenticate reads the database.
	Credentials *CredentialsCache
	// Services, when set, caches services' rows for the read commands
	// (artnetd sets it when it follows the change log). Nil: every read
	// goes to the database. Cached rows must not be modified.
	Services *ServiceCache
	// ListAnchors, when set, turns deep pages of services/list into keyset
	// queries (artnetd sets it when it follows the change log).
	ListAnchors *ListAnchors
	// Orders configures express orders (offer.go).
	Orders OrderConfig
	// Registry changes domain delegations (/domain/edit-dns-servers). Nil:
	// no registry is configured, and edit-dns-servers answers
	// edit-dns-error (ErrNoRegistry, logged): never a success that did
	// nothing.
	Registry Registry
	// Firewall is this node's firewall device: every firewall and iLO
	// change is applied to it before the change commits. Nil: changes are
	// only stored, for the nodes that apply the firewall (their
	// FirewallReconcile follows the store).
	Firewall firewall.Device
	// EdgeWait, on a node without a Firewall (or without a BGP speaker),
	// is how long a firewall or iLO change (a blackhole or fail-over
	// switch) waits for the nodes with a real driver of that kind to apply
	// it before it is undone and answered with the command's internal
	// error (0: it is not waited for: the change is only stored).
	EdgeWait time.Duration
	// EdgeSimulated makes that wait also count the nodes running a
	// simulator of the kind (acknowledging as SimAckKind): a deployment
	// that asked for simulation (artnetd --simulate). Off, only real
	// drivers count.
	EdgeSimulated bool
	// ILOAccessTTL is how long an iLO opening lasts (0: DefaultILOAccessTTL).
	ILOAccessTTL time.Duration
	// Logger records operator events (expiries, reverts). Nil: discarded.
	Logger *slog.Logger

	// BGP is this node's BGP speaker: blackholes and fail-over switches
	// are applied to it before they commit. Nil: only stored.
	BGP bgp.Speaker
	// BlackholeNextHop4 and BlackholeNextHop6 are the discard next hops of
	// blackhole routes (invalid: DefaultBlackholeNextHop4/6).
	BlackholeNextHop4, BlackholeNextHop6 netip.Addr

	// PowerSettings reach services' power lines (power.go).
	PowerSettings
	// Cloud configures the cloud-instance module and VPS power (cloud.go).
	// Nil: no hypervisor, no secret key.
	Cloud *Cloud
	// DNSSEC configures the DNSSEC key manager (dnssec.go). Nil: the
	// defaults, and no key to seal private keys with.
	DNSSEC *DNSSECConfig
	// DNSSECKick, when set, wakes the DNSSEC lifecycle loop after a
	// command changed a zone's DNSSEC state.
	DNSSECKick func()

	fwMu  sync.Mutex // serialises firewall changes in this process
	bgpMu sync.Mutex // serialises BGP changes in this process

	// keyTouches remembers when this panel last wrote each sub-key's
	// last use (key id → Unix seconds; apikeys.go).
	keyTouches sync.Map
}

// logger returns p.Logger or a discarding one.
func (p *Panel) logger() *slog.Logger {
	if p.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return p.Logger
}

// New returns a Panel over s with the real clock.
func New(s store.Store) *Panel {
	return &Panel{Store: s, Now: time.Now}
}

// dummyHash is compared against when the customer does not exist, so that a
// failed login costs what a successful one does.
var dummyHash = sha256.Sum256([]byte("artnet-panel: no such customer"))

// Authenticate checks a customer id and API key (the main key or a
// sub-key: AuthenticateKey) and returns the customer's id. It returns
// authorization-failed when the customer does not exist, has API access
// disabled, has no key, or the key does not match. The key is compared by
// its SHA-256 hash in constant time. Callers that serve commands use
// AuthenticateKey and Authorize, which limit sub-keys to their scope.
func (p *Panel) Authenticate(ctx context.Context, id int64, apiKey string) (int64, error) {
	pr, err := p.AuthenticateKey(ctx, id, apiKey)
	return pr.CustomerID, err
}

// HashAPIKey returns the stored form of an API key (SHA-256). Keys are
// random with at least 238 bits of entropy, so a fast hash is enough.
func HashAPIKey(key string) []byte {
	h := sha256.Sum256([]byte(key))
	return h[:]
}

const keyAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

// APIKeyLength is the length of generated API keys.
const APIKeyLength = 40

// NewAPIKey returns a random API key of APIKeyLength alphanumerics.
func NewAPIKey() (string, error) {
	out := make([]byte, 0, APIKeyLength)
	buf := make([]byte, 64)
	for len(out) < APIKeyLength {
		if _, err := rand.Read(buf); err != nil {
			return "", err
		}
		for _, b := range buf {
			// 248 = 4*62: reject the top values to keep the choice uniform.
			if b < 248 && len(out) < APIKeyLength {
				out = append(out, keyAlphabet[int(b)%len(keyAlphabet)])
			}
		}
	}
	return string(out), nil
}

// now returns the panel's clock reading.
func (p *Panel) now() time.Time {
	if p.Now == nil {
		return time.Now()
	}
	return p.Now()
}
