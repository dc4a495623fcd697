package artnet

// Wire types of the rev-dns module.

// RevDNSSubnetwork is an item of /rev-dns/list: a subnetwork with the
// class-C sized configuration subclasses it is edited by.
type RevDNSSubnetwork struct {
	ID            int64    `json:"id"`
	IP            string   `json:"ip"`
	Mask          string   `json:"mask"`
	MaskShort     string   `json:"mask_short"`
	Type          string   `json:"type"` // "IPv4" or "IPv6"
	DNSSubclasses []string `json:"dns_subclasses"`
}

// PTRRecord is one PTR record of a subclass. Address is Prefix, the IP
// separator and Origin joined.
type PTRRecord struct {
	Origin  string `json:"origin"`
	PTR     string `json:"ptr"`
	Address string `json:"address"`
}

// RevDNSSubclass is subclass_details of /rev-dns/details. Serial must be
// given back to /rev-dns/edit.
type RevDNSSubclass struct {
	Serial     int64       `json:"serial"`
	Type       string      `json:"type"`
	Prefix     string      `json:"prefix"`
	PTRRecords []PTRRecord `json:"ptr_records"`
}

// RevDNSWarning is a warning of /rev-dns/edit: the record it names was not
// changed.
type RevDNSWarning struct {
	Origin      string      `json:"origin"`
	Address     string      `json:"address"`
	Task        string      `json:"task"`
	Code        string      `json:"code"`
	Description Description `json:"description"`
}

// RevDNSSubnetworksListResponse answers /rev-dns/list.
type RevDNSSubnetworksListResponse struct {
	SubnetworksList []RevDNSSubnetwork `json:"subnetworks_list"`
}

// RevDNSSubclassResponse answers /rev-dns/details.
type RevDNSSubclassResponse struct {
	SubclassDetails RevDNSSubclass `json:"subclass_details"`
}

// RevDNSEditResponse answers /rev-dns/edit.
type RevDNSEditResponse struct {
	Warnings []RevDNSWarning `json:"warnings"`
}

// Tasks of a RevDNSWarning: the change of the record that was not made.
const (
	RevDNSTaskEdit   = "edit"   // setting the PTR of the origin
	RevDNSTaskDelete = "delete" // deleting it
)
