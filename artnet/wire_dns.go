package artnet

// Wire types of the dns module. "secoundary" is the documented spelling of
// the zone type and of the command names.

// DNS zone types.
const (
	DNSZoneTypePrimary   = "primary"
	DNSZoneTypeSecondary = "secoundary" // spelled as documented
)

// DNS record types accepted by /dns/edit-primary-records: the six the
// documentation names, and CAA and NS, which this server also serves.
const (
	DNSRecordA     = "A"
	DNSRecordAAAA  = "AAAA"
	DNSRecordCNAME = "CNAME"
	DNSRecordMX    = "MX"
	DNSRecordTXT   = "TXT"
	DNSRecordSRV   = "SRV"
	DNSRecordCAA   = "CAA" // data1 flags, data2 tag, data3 value
	DNSRecordNS    = "NS"  // below the apex only: delegation of a subdomain
)

// DNSRecordTypes lists the record types the server accepts: the documented
// ones, then CAA and NS.
var DNSRecordTypes = []string{DNSRecordA, DNSRecordAAAA, DNSRecordCNAME, DNSRecordMX, DNSRecordTXT, DNSRecordSRV, DNSRecordCAA, DNSRecordNS}

// DNSZone is an item of /dns/list and the zone_details of
// /dns/details-secoundary, /dns/add-secoundary and /dns/add-primary.
// MasterNameserver is given for secondary zones only.
type DNSZone struct {
	ID               int64  `json:"id"`
	Domain           string `json:"domain"`
	Type             string `json:"type"` // DNSZoneTypePrimary or DNSZoneTypeSecondary
	MasterNameserver string `json:"master_nameserver,omitempty"`
}

// DNSRecord is one record of a primary zone (RFC 1035 fields). Data2 to
// Data4 are present depending on the type (MX priority, SRV weight/port...).
type DNSRecord struct {
	// Name is relative ("www"), fully qualified ("www.example.com."), "@"
	// (the domain itself), or empty (the previous record's name).
	Name  string `json:"name"`
	TTL   int64  `json:"ttl"`
	Type  string `json:"type"` // DNSRecord* constants
	Data1 string `json:"data1"`
	Data2 string `json:"data2,omitempty"`
	Data3 string `json:"data3,omitempty"`
	Data4 string `json:"data4,omitempty"`
}

// DNSPrimaryZone is zone_details of /dns/details-primary. Serial must be
// given back to /dns/edit-primary-records; it changes after every edit.
// Records are in order (order is significant).
type DNSPrimaryZone struct {
	ID          int64       `json:"id"`
	Domain      string      `json:"domain"`
	Type        string      `json:"type"`
	Nameservers []string    `json:"nameservers"`
	Serial      int64       `json:"serial"`
	Records     []DNSRecord `json:"records"`
}

// DNSZonesListResponse answers /dns/list.
type DNSZonesListResponse struct {
	ZonesList []DNSZone `json:"zones_list"`
}

// DNSZoneResponse answers /dns/details-secoundary, /dns/add-secoundary and
// /dns/add-primary.
type DNSZoneResponse struct {
	ZoneDetails DNSZone `json:"zone_details"`
}

// DNSPrimaryZoneResponse answers /dns/details-primary.
type DNSPrimaryZoneResponse struct {
	ZoneDetails DNSPrimaryZone `json:"zone_details"`
}
