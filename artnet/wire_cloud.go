package artnet

// Wire types of the cloud-instance module.

// Boot statuses of a cloud instance.
const (
	BootStatusInstall = "install" // boots the chosen installation image
	BootStatusBoot    = "boot"    // boots from its own disk
)

// PriceResources is the 24h price of a cloud instance's resources, without
// additional costs such as transfer. Price has four decimals so it can be
// scaled to other periods.
type PriceResources struct {
	Price    Money4 `json:"price"`
	Currency string `json:"currency"`
	Period   string `json:"period"` // always "24h"
}

// VNCConfiguration is the address of an instance's VNC console (the host
// may change over time).
type VNCConfiguration struct {
	Host string `json:"host"`
	Port int64  `json:"port"`
}

// InstanceResources are the hardware resources of a cloud instance.
type InstanceResources struct {
	CPUCores  int64 `json:"cpu_cores"`
	RAM       int64 `json:"ram"`       // MB
	HDD       int64 `json:"hdd"`       // GB
	Bandwidth int64 `json:"bandwidth"` // Mbps
}

// CloudInstance is an item of /cloud-instance/list.
type CloudInstance struct {
	ID               int64             `json:"id"`
	Name             string            `json:"name"`
	CustomName       string            `json:"custom_name"`
	PriceResources   PriceResources    `json:"price_resources"`
	VNCConfiguration VNCConfiguration  `json:"vnc_configuration"`
	Resources        InstanceResources `json:"resources"`
	State            string            `json:"state"`
	StateTime        Timestamp         `json:"state_time"`
	BootStatus       string            `json:"boot_status"` // BootStatusInstall or BootStatusBoot
}

// InstanceCustomProperties are the properties a customer sets on an
// instance.
type InstanceCustomProperties struct {
	DisplayName string `json:"display_name"`
	Notes       string `json:"notes"`
}

// InstanceNetwork is the network configuration of a cloud instance.
type InstanceNetwork struct {
	IP        string   `json:"ip"`
	Mask      string   `json:"mask"`
	GatewayIP string   `json:"gateway_ip"`
	DNSList   []string `json:"dns_list"`
}

// CloudInstanceDetails is instance_details of /cloud-instance/details: the
// list item's fields plus custom_properties and network_configuration.
type CloudInstanceDetails struct {
	CloudInstance
	CustomProperties     InstanceCustomProperties `json:"custom_properties"`
	NetworkConfiguration InstanceNetwork          `json:"network_configuration"`
}

// ResourceRange is the allowed range of one resource: Min to Max, a
// multiple of Step.
type ResourceRange struct {
	Min  int64 `json:"min"`
	Max  int64 `json:"max"`
	Step int64 `json:"step"`
}

// ResourcesRanges is resources_ranges of
// /cloud-instance/resources-allowed-ranges.
type ResourcesRanges struct {
	CPU       ResourceRange `json:"cpu"`       // cores
	RAM       ResourceRange `json:"ram"`       // MB
	HDD       ResourceRange `json:"hdd"`       // GB
	Bandwidth ResourceRange `json:"bandwidth"` // Mbps
}

// InstallationImage is an item of
// /cloud-instance/boot-installation-images-list.
type InstallationImage struct {
	Label        string `json:"label"`        // e.g. "Debian 8.1 64bit"
	Distribution string `json:"distribution"` // e.g. "debian"
	Image        string `json:"image"`        // the name to pass to boot-mode-installation-image
}

// CloudInstancesListResponse answers /cloud-instance/list.
type CloudInstancesListResponse struct {
	InstancesList []CloudInstance `json:"instances_list"`
}

// CloudInstanceDetailsResponse answers /cloud-instance/details.
type CloudInstanceDetailsResponse struct {
	InstanceDetails CloudInstanceDetails `json:"instance_details"`
}

// ResourcesRangesResponse answers /cloud-instance/resources-allowed-ranges.
type ResourcesRangesResponse struct {
	ResourcesRanges ResourcesRanges `json:"resources_ranges"`
}

// PriceResourcesResponse answers /cloud-instance/resources-calculate-price.
type PriceResourcesResponse struct {
	PriceResources PriceResources `json:"price_resources"`
}

// InstallationImagesListResponse answers
// /cloud-instance/boot-installation-images-list.
type InstallationImagesListResponse struct {
	InstallationImagesList []InstallationImage `json:"installation_images_list"`
}
