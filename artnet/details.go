package artnet

import (
	"bytes"
	"encoding/json"
	"errors"
)

// DomainDetails is service_details of /domain/details. DNSServers is absent
// when the panel has no information about the delegation.
type DomainDetails struct {
	ID         int64    `json:"id"`
	DomainName string   `json:"domain_name"`
	Manageable bool     `json:"manageable"`
	DNSServers []string `json:"dns_servers,omitempty"`
}

// HostingDetails is service_details of /easyisp/details, /avx/details and
// /hosting-artnet/details.
type HostingDetails struct {
	ID      int64  `json:"id"`
	Login   string `json:"login"`
	Package string `json:"package"`
}

// SSLDetails is service_details of /ssl/details.
type SSLDetails struct {
	ID          int64       `json:"id"`
	Domain      string      `json:"domain"`
	Certificate Description `json:"certificate"`
}

// SoftwareDetails is service_details of /software/details.
type SoftwareDetails struct {
	ID      int64   `json:"id"`
	Licence Licence `json:"licence"`
}

// Licence describes a software licence.
type Licence struct {
	Name           string `json:"name"`
	LicencesNumber int64  `json:"licences_number"`
}

// LinkDetails is service_details of /link-service/details.
type LinkDetails struct {
	ID                   int64       `json:"id"`
	Bandwidth            Bandwidth   `json:"bandwidth"`
	NetworkConfiguration LinkNetwork `json:"network_configuration"`
}

// Bandwidth is an up/down pair in Mbps.
type Bandwidth struct {
	Up   int64 `json:"up"`
	Down int64 `json:"down"`
}

// LinkNetwork is the network configuration of an internet link.
type LinkNetwork struct {
	IP        string `json:"ip"`
	Mask      string `json:"mask"`
	MaskShort string `json:"mask_short"`
}

// FailOverIPDetails is service_details of /fail-over-ip/details.
type FailOverIPDetails struct {
	ID                 int64     `json:"id"`
	VirtualIP          string    `json:"virtual_ip"`
	RealIP             IPOrFalse `json:"real_ip"`
	RealIPsAllowedList []string  `json:"real_ips_allowed_list"`
}

// IPOrFalse is an IP address written as a string, or false when empty (the
// documented real_ip of an inactive fail-over IP).
type IPOrFalse string

// MarshalJSON writes the address, or false when it is empty.
func (ip IPOrFalse) MarshalJSON() ([]byte, error) {
	if ip == "" {
		return []byte("false"), nil
	}
	return json.Marshal(string(ip))
}

// UnmarshalJSON reads a string or false.
func (ip *IPOrFalse) UnmarshalJSON(b []byte) error {
	if bytes.Equal(b, []byte("false")) || bytes.Equal(b, []byte("null")) {
		*ip = ""
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return errors.New("want an IP address string or false")
	}
	*ip = IPOrFalse(s)
	return nil
}

// Subnetwork is an IP subnetwork assigned to a service.
type Subnetwork struct {
	ID        int64  `json:"id"`
	IP        string `json:"ip"`
	Mask      string `json:"mask"`
	MaskShort string `json:"mask_short"`
	Type      string `json:"type"` // "IPv4" or "IPv6"
}

// AdditionalIPDetails is service_details of /additional-ip/details.
type AdditionalIPDetails struct {
	ID          int64        `json:"id"`
	Subnetworks []Subnetwork `json:"subnetworks"`
}

// VPSDetails is service_details of /vps/details (newtwork_configuration is
// spelled as documented).
type VPSDetails struct {
	ID                    int64       `json:"id"`
	NewtworkConfiguration VPSNetwork  `json:"newtwork_configuration"`
	Features              VPSFeatures `json:"features"`
	PowerState            string      `json:"power_state"` // "unknown", "on" or "off"
	Active                bool        `json:"active"`
}

// VPSNetwork is the network configuration of a VPS.
type VPSNetwork struct {
	IP                string   `json:"ip"`
	AdditionalIPsList []string `json:"additional_ips_list"`
}

// VPSFeatures lists what a customer may do with a VPS.
type VPSFeatures struct {
	PowerManagement bool `json:"power_management"`
}

// HardwareConfiguration describes a server's hardware.
type HardwareConfiguration struct {
	Server        ServerModel     `json:"server"`
	CPU           []CPU           `json:"cpu"`
	RAM           []RAM           `json:"ram"`
	HDD           []HDD           `json:"hdd"`
	HDDController []HDDController `json:"hdd_controller"`
}

// ServerModel is a server's vendor and model.
type ServerModel struct {
	Vendor string `json:"vendor"`
	Model  string `json:"model"`
}

// CPU is one processor.
type CPU struct {
	Vendor string      `json:"vendor"`
	Model  string      `json:"model"`
	Clock  json.Number `json:"clock"` // GHz, e.g. 2.4
	Cores  int64       `json:"cores"`
	HT     bool        `json:"ht"`
}

// RAM is one memory module.
type RAM struct {
	Capacity int64  `json:"capacity"` // GB
	Type     string `json:"type"`
	Speed    int64  `json:"speed"` // MHz
}

// HDD is one disk.
type HDD struct {
	Capacity int64  `json:"capacity"` // GB
	Type     string `json:"type"`
	Speed    string `json:"speed"`
}

// HDDController is one disk controller.
type HDDController struct {
	Model   string `json:"model"`
	Builtin bool   `json:"builtin"`
}

// ServerNetwork is the network configuration of a dedicated server or a
// colocation. FirewallRulesetID is absent when the firewall is not available.
type ServerNetwork struct {
	IP                string       `json:"ip"`
	AdditionalIPs     []string     `json:"additional_ips"`
	Subnetworks       []Subnetwork `json:"subnetworks"`
	FirewallRulesetID string       `json:"firewall_ruleset_id,omitempty"`
}

// DedicatedFeatures lists what a customer may do with a dedicated server.
type DedicatedFeatures struct {
	ILOAccessManagement bool `json:"ilo_access_management"`
	PowerManagement     bool `json:"power_management"`
	FirewallManagement  bool `json:"firewall_management"`
}

// DedicatedDetails is service_details of /dedicated/details.
type DedicatedDetails struct {
	ID                    int64                 `json:"id"`
	HardwareConfiguration HardwareConfiguration `json:"hardware_configuration"`
	NetworkConfiguration  ServerNetwork         `json:"network_configuration"`
	Features              DedicatedFeatures     `json:"features"`
	Active                bool                  `json:"active"`
}

// ColocationFeatures lists what a customer may do with a colocation.
type ColocationFeatures struct {
	PowerManagement    bool `json:"power_management"`
	FirewallManagement bool `json:"firewall_management"`
}

// ColocationDetails is service_details of /colocation/details.
type ColocationDetails struct {
	ID                   int64              `json:"id"`
	NetworkConfiguration ServerNetwork      `json:"network_configuration"`
	Features             ColocationFeatures `json:"features"`
	Active               bool               `json:"active"`
}

// OtherDetails is the details object of a service of type "other", which
// no module documents: it carries only the id.
type OtherDetails struct {
	ID int64 `json:"id"`
}

// ServiceDetails is implemented by every module's details type.
type ServiceDetails interface {
	// SetServiceID sets the id field (the service's id).
	SetServiceID(id int64)
	// ServiceID returns the id field.
	ServiceID() int64
}

func (d *DomainDetails) SetServiceID(id int64)       { d.ID = id }
func (d *HostingDetails) SetServiceID(id int64)      { d.ID = id }
func (d *SSLDetails) SetServiceID(id int64)          { d.ID = id }
func (d *SoftwareDetails) SetServiceID(id int64)     { d.ID = id }
func (d *LinkDetails) SetServiceID(id int64)         { d.ID = id }
func (d *FailOverIPDetails) SetServiceID(id int64)   { d.ID = id }
func (d *AdditionalIPDetails) SetServiceID(id int64) { d.ID = id }
func (d *VPSDetails) SetServiceID(id int64)          { d.ID = id }
func (d *DedicatedDetails) SetServiceID(id int64)    { d.ID = id }
func (d *ColocationDetails) SetServiceID(id int64)   { d.ID = id }
func (d *OtherDetails) SetServiceID(id int64)        { d.ID = id }

func (d *DomainDetails) ServiceID() int64       { return d.ID }
func (d *HostingDetails) ServiceID() int64      { return d.ID }
func (d *SSLDetails) ServiceID() int64          { return d.ID }
func (d *SoftwareDetails) ServiceID() int64     { return d.ID }
func (d *LinkDetails) ServiceID() int64         { return d.ID }
func (d *FailOverIPDetails) ServiceID() int64   { return d.ID }
func (d *AdditionalIPDetails) ServiceID() int64 { return d.ID }
func (d *VPSDetails) ServiceID() int64          { return d.ID }
func (d *DedicatedDetails) ServiceID() int64    { return d.ID }
func (d *ColocationDetails) ServiceID() int64   { return d.ID }
func (d *OtherDetails) ServiceID() int64        { return d.ID }

// NewServiceDetails returns an empty details value for a service type, or
// false for an unknown type.
func NewServiceDetails(serviceType string) (ServiceDetails, bool) {
	switch serviceType {
	case ServiceTypeDomain:
		return &DomainDetails{}, true
	case ServiceTypeEasyISP, ServiceTypeAVX, ServiceTypeHostingArtnet:
		return &HostingDetails{}, true
	case ServiceTypeSSL:
		return &SSLDetails{}, true
	case ServiceTypeSoftware:
		return &SoftwareDetails{}, true
	case ServiceTypeLink:
		return &LinkDetails{}, true
	case ServiceTypeFOIP:
		return &FailOverIPDetails{}, true
	case ServiceTypeAdditionalIP:
		return &AdditionalIPDetails{}, true
	case ServiceTypeVPS:
		return &VPSDetails{}, true
	case ServiceTypeDedicated:
		return &DedicatedDetails{}, true
	case ServiceTypeColocation:
		return &ColocationDetails{}, true
	case ServiceTypeOther:
		return &OtherDetails{}, true
	}
	return nil, false
}
