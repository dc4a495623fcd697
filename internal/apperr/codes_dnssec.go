package apperr

// Codes of the DNSSEC commands of the dns module (dns/dnssec-enable,
// dns/dnssec-disable, dns/dnssec-details: an extension of this server).
const (
	// CodeDNSSECAlreadyEnabled: dns/dnssec-enable of a zone that is
	// already signed (a zone being turned off is turned on again instead).
	CodeDNSSECAlreadyEnabled = "dnssec-already-enabled"
	// CodeDNSSECNotEnabled: dns/dnssec-disable of an unsigned zone.
	CodeDNSSECNotEnabled = "dnssec-not-enabled"
	// CodeInvalidDNSSECAlgorithm: dns/dnssec-enable with an algorithm
	// other than ECDSAP256SHA256 (13) and ED25519 (15).
	CodeInvalidDNSSECAlgorithm = "invalid-dnssec-algorithm"
)

func init() {
	Descriptions[CodeDNSSECAlreadyEnabled] = Description{
		"DNSSEC jest już włączony dla tej strefy",
		"DNSSEC is already on for this zone",
	}
	Descriptions[CodeDNSSECNotEnabled] = Description{
		"DNSSEC nie jest włączony dla tej strefy",
		"DNSSEC is not on for this zone",
	}
	Descriptions[CodeInvalidDNSSECAlgorithm] = Description{
		"Nieobsługiwany algorytm DNSSEC (dozwolone: ECDSAP256SHA256, ED25519)",
		"Unsupported DNSSEC algorithm (allowed: ECDSAP256SHA256, ED25519)",
	}
}
