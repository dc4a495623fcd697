package artnet

// Wire types of the DNSSEC commands of the dns module (dns/dnssec-enable,
// dns/dnssec-disable, dns/dnssec-details): an extension of artnetd.

// DNSSEC states of a zone (DNSSECDetails.State).
const (
	DNSSECOff       = "off"
	DNSSECSigning   = "signing"
	DNSSECDisabling = "disabling"
)

// DNSSEC algorithms (DNSSECDetails.Algorithm, DNSSECEnableOpts.Algorithm).
const (
	DNSSECAlgorithmECDSAP256SHA256 = "ECDSAP256SHA256" // 13, the default
	DNSSECAlgorithmED25519         = "ED25519"         // 15
)

// DNSSECKey is one key of a signed zone (an item of keys_list).
type DNSSECKey struct {
	KeyTag       int64     `json:"key_tag"`
	Role         string    `json:"role"`  // "KSK" or "ZSK"
	State        string    `json:"state"` // "published", "active", "retired", "removed"
	PublishTime  Timestamp `json:"publish_time"`
	ActivateTime Timestamp `json:"activate_time"`
	RetireTime   Timestamp `json:"retire_time"`
	RemoveTime   Timestamp `json:"remove_time"`
}

// DNSSECDetails is dnssec_details of /dns/dnssec-details and
// /dns/dnssec-enable. The record lists are in presentation format.
type DNSSECDetails struct {
	ZoneID           int64       `json:"zone_id"`
	Domain           string      `json:"domain"`
	State            string      `json:"state"`     // DNSSECOff, DNSSECSigning, DNSSECDisabling
	Algorithm        string      `json:"algorithm"` // "" when off
	DNSKEYList       []string    `json:"dnskey_list"`
	DSList           []string    `json:"ds_list"`
	RegistryDSList   []string    `json:"registry_ds_list"`
	KeysList         []DNSSECKey `json:"keys_list"`
	NextRollover     Timestamp   `json:"next_rollover"`
	NextRolloverRole string      `json:"next_rollover_role"`
	UnsignTime       Timestamp   `json:"unsign_time"`
}

// DNSSECDetailsResponse answers /dns/dnssec-details and /dns/dnssec-enable.
type DNSSECDetailsResponse struct {
	DNSSECDetails DNSSECDetails `json:"dnssec_details"`
}
