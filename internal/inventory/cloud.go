package inventory

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/artnet-panel/artnet-panel/artnet"
	"github.com/artnet-panel/artnet-panel/internal/hypervisor"
	"github.com/artnet-panel/artnet-panel/internal/panel"
	"github.com/artnet-panel/artnet-panel/internal/store"
)

// Cloud instances and VPS power in the inventory.
//
// Top level:
//
//	"installation_images_list": [{"label": "Debian 12 64bit", "distribution": "debian",
//	                              "image": "debian-12", "file": "debian-12.iso"}],
//	"cloud_price_list": {"currency": "PLN", "cpu_core": "1.2000", "ram_gb": "0.8000",
//	                     "hdd_gb": "0.0300", "bandwidth_mbps": "0.0100"},
//	"cloud_resources_ranges": {"cpu": {"min": 1, "max": 8, "step": 1}, "ram": {...},
//	                           "hdd": {...}, "bandwidth": {...}}
//
// Images are what /cloud-instance/boot-installation-images-list shows plus
// the file each boots (absolute, or relative to --cloud-images-dir). The
// price list gives the 24 h price of one CPU core, one GB of RAM
// (1024 MB), one GB of disk and one Mbps, with at most 4 decimals. The
// ranges are resources_ranges of /cloud-instance/resources-allowed-ranges.
//
// A customer's cloud_instances are shaped like /cloud-instance/details
// instance_details (price_resources and state_time are computed and
// ignored), with: state "running" (meant to be on) or "stopped";
// installation_image, the image booted while boot_status is "install";
// and the password, either instance_password (checked as password-change
// checks it, then stored as a hash and a sealed console password: the
// import needs the cloud secret key) or, as export writes it,
// instance_password_hash plus instance_vnc_secret. vnc_configuration.port
// (5900..65535, one per instance) is the console's port; the host (default
// 127.0.0.1) is what customers are told to connect to. name is the
// machine's name on the hypervisor (lower-case letters, digits, '-').
//
// A VPS service entry may carry power_management (panel.VPSPowerConfig):
// {"driver": "sim"} or {"driver": "qemu", "name": "vps-12347", "cpus": 1,
// "ram": 512, "hdd": 10, "vnc_port": 0}; power_on gives its desired state.
// Entries of other service types are left to their own modules.

// CloudInstance is one entry of a customer's cloud_instances.
type CloudInstance struct {
	artnet.CloudInstanceDetails
	InstallationImage    string `json:"installation_image,omitempty"`
	InstancePassword     string `json:"instance_password,omitempty"`
	InstancePasswordHash string `json:"instance_password_hash,omitempty"`
	InstanceVNCSecret    string `json:"instance_vnc_secret,omitempty"`
}

// vpsPowerEntry is power_management plus the desired state (power_on).
type vpsPowerEntry struct {
	panel.VPSPowerConfig
	PowerOn bool `json:"power_on,omitempty"`
}

// cloudSettings returns the settings of the file (nil: none given).
func cloudSettings(inv Inventory) ([]byte, error) {
	if inv.InstallationImagesList == nil && inv.CloudPriceList == nil && inv.CloudResourcesRanges == nil {
		return nil, nil
	}
	s := panel.CloudSettings{Images: inv.InstallationImagesList}
	if inv.CloudPriceList != nil {
		s.Prices = *inv.CloudPriceList
		if s.Prices.Currency == "" {
			return nil, pathError("$.cloud_price_list.currency", "must not be empty")
		}
		for name, v := range map[string]artnet.Money4{"cpu_core": s.Prices.CPUCore, "ram_gb": s.Prices.RAMGB,
			"hdd_gb": s.Prices.HDDGB, "bandwidth_mbps": s.Prices.BandwidthMbps} {
			if v < 0 {
				return nil, pathError("$.cloud_price_list."+name, "must not be negative")
			}
		}
	}
	if inv.CloudResourcesRanges != nil {
		s.Ranges = *inv.CloudResourcesRanges
		for name, r := range map[string]artnet.ResourceRange{"cpu": s.Ranges.CPU, "ram": s.Ranges.RAM, "hdd": s.Ranges.HDD, "bandwidth": s.Ranges.Bandwidth} {
			if r.Min < 0 || r.Max < r.Min || r.Step < 1 {
				return nil, pathError("$.cloud_resources_ranges."+name, "want 0 <= min <= max and step >= 1")
			}
		}
	}
	seen := map[string]bool{}
	for i, img := range s.Images {
		p := fmt.Sprintf("$.installation_images_list[%d]", i)
		if strings.TrimSpace(img.Image) == "" || seen[img.Image] {
			return nil, pathError(p+".image", "must be given and unique")
		}
		seen[img.Image] = true
		if img.File == "" || strings.Contains(img.File, ",") {
			return nil, pathError(p+".file", "must be given (and hold no comma)")
		}
	}
	return json.Marshal(s)
}

// cloudInstanceRow validates one entry and returns its row.
func cloudInstanceRow(p string, e CloudInstance, images []panel.CloudImage, key []byte) (store.CloudInstance, error) {
	d := e.CloudInstanceDetails
	if d.ID <= 0 {
		return store.CloudInstance{}, pathError(p+".id", "must be a positive id")
	}
	if !hypervisor.ValidName(d.Name) {
		return store.CloudInstance{}, pathError(p+".name", "lower-case letters, digits and '-', at most 63")
	}
	r := d.Resources
	if r.CPUCores < 1 || r.RAM < 16 || r.HDD < 1 || r.Bandwidth < 0 {
		return store.CloudInstance{}, pathError(p+".resources", "want cpu_cores >= 1, ram >= 16, hdd >= 1, bandwidth >= 0")
	}
	name := d.CustomProperties.DisplayName
	if name == "" {
		name = d.CustomName
	}
	i := store.CloudInstance{ID: d.ID, Name: d.Name, DisplayName: name, Notes: d.CustomProperties.Notes,
		CPU: r.CPUCores, RAM: r.RAM, HDD: r.HDD, Bandwidth: r.Bandwidth, BootStatus: d.BootStatus,
		VNCHost: d.VNCConfiguration.Host, VNCPort: d.VNCConfiguration.Port}
	if len([]rune(name)) > panel.MaxInstanceDisplayName || len([]rune(i.Notes)) > panel.MaxInstanceNotes {
		return i, pathError(p+".custom_properties", "display_name at most 35 characters, notes at most 10240")
	}
	switch d.State {
	case "running":
		i.PowerOn = true
	case "stopped", "":
	default:
		return i, pathError(p+".state", `want "running" or "stopped"`)
	}
	switch i.BootStatus {
	case "", artnet.BootStatusBoot:
		i.BootStatus = artnet.BootStatusBoot
		if e.InstallationImage != "" {
			return i, pathError(p+".installation_image", `only with boot_status "install"`)
		}
	case artnet.BootStatusInstall:
		found := false
		for _, img := range images {
			found = found || img.Image == e.InstallationImage
		}
		if !found {
			return i, pathError(p+".installation_image", "%q is not in installation_images_list", e.InstallationImage)
		}
		i.BootImage = e.InstallationImage
	default:
		return i, pathError(p+".boot_status", `want "boot" or "install"`)
	}
	if i.VNCHost == "" {
		i.VNCHost = "127.0.0.1"
	}
	if i.VNCPort < 5900 || i.VNCPort > 65535 {
		return i, pathError(p+".vnc_configuration.port", "must be 5900..65535")
	}
	network := d.NetworkConfiguration
	if network.DNSList == nil {
		network.DNSList = []string{}
	}
	raw, err := json.Marshal(network)
	if err != nil {
		return i, err
	}
	i.Network = raw
	switch {
	case e.InstancePassword != "" && (e.InstancePasswordHash != "" || e.InstanceVNCSecret != ""):
		return i, pathError(p+".instance_password", "give instance_password or the stored forms, not both")
	case e.InstancePassword != "":
		if !panel.ValidNewInstancePassword(e.InstancePassword) {
			return i, pathError(p+".instance_password", "at least 4 characters: letters, digits and .!@#$%%^&*()_+-=")
		}
		if i.PasswordHash, err = panel.HashInstancePassword(e.InstancePassword); err != nil {
			return i, err
		}
		if i.VNCSecret, err = panel.SealVNCSecret(key, i.Name, e.InstancePassword); err != nil {
			return i, pathError(p+".instance_password", "%v", err)
		}
	default:
		if !panel.ValidInstancePasswordHash(e.InstancePasswordHash) {
			return i, pathError(p+".instance_password_hash", "want instance_password, or a pbkdf2-sha256 hash as export writes it")
		}
		if !strings.HasPrefix(e.InstanceVNCSecret, "v1$") {
			return i, pathError(p+".instance_vnc_secret", "want a sealed console password as export writes it")
		}
		i.PasswordHash, i.VNCSecret = e.InstancePasswordHash, e.InstanceVNCSecret
	}
	return i, nil
}

// importCloud writes the cloud settings and every customer's instances and
// VPS power management, checking each entry. customerIDs are the ids the
// customers of the file got.
func importCloud(ctx context.Context, tx store.Store, inv Inventory, customerIDs []int64, services [][]store.Service) error {
	settings, err := cloudSettings(inv)
	if err != nil {
		return err
	}
	if settings != nil {
		if err := tx.CloudSettingsSet(ctx, settings); err != nil {
			return fmt.Errorf("cloud settings: %w", err)
		}
	}
	for ci, c := range inv.Customers {
		for j, e := range c.CloudInstances {
			p := fmt.Sprintf("$.customers[%d].cloud_instances[%d]", ci, j)
			row, err := cloudInstanceRow(p, e, inv.InstallationImagesList, inv.CloudSecretKey)
			if err != nil {
				return err
			}
			row.CustomerID = customerIDs[ci]
			if err := tx.CloudInstanceCreate(ctx, row); err != nil {
				if errors.Is(err, store.ErrConflict) {
					return pathError(p, "instance %d, name %s or VNC port %d already taken", row.ID, row.Name, row.VNCPort)
				}
				return fmt.Errorf("%s: %w", p, err)
			}
		}
		for j, svc := range c.Services {
			if len(svc.PowerManagement) == 0 || svc.Service.Type != artnet.ServiceTypeVPS {
				continue
			}
			p := fmt.Sprintf("$.customers[%d].services[%d].power_management", ci, j)
			var e vpsPowerEntry
			if err := json.Unmarshal(svc.PowerManagement, &e); err != nil {
				return pathError(p, "%v", err)
			}
			on := e.PowerOn
			e.PowerOn = false
			raw, err := json.Marshal(e.VPSPowerConfig)
			if err != nil {
				return err
			}
			if _, err := panel.ParseVPSPowerConfig(raw); err != nil {
				return pathError(p, "%v", err)
			}
			if err := tx.VPSPowerSet(ctx, store.VPSPower{ServiceID: services[ci][j].ID, CustomerID: customerIDs[ci], Config: raw, PowerOn: on}); err != nil {
				return fmt.Errorf("%s: %w", p, err)
			}
		}
	}
	return nil
}

// exportCloud fills the cloud parts of inv from s.
func exportCloud(ctx context.Context, s store.Store, inv *Inventory) error {
	raw, err := s.CloudSettings(ctx)
	if err != nil {
		return fmt.Errorf("cloud settings: %w", err)
	}
	if raw != nil {
		var cs panel.CloudSettings
		if err := json.Unmarshal(raw, &cs); err != nil {
			return fmt.Errorf("cloud settings: %w", err)
		}
		inv.InstallationImagesList = cs.Images
		inv.CloudPriceList = &cs.Prices
		inv.CloudResourcesRanges = &cs.Ranges
	}
	for ci := range inv.Customers {
		c := &inv.Customers[ci]
		list, err := s.CloudInstanceList(ctx, c.Customer.ID)
		if err != nil {
			return fmt.Errorf("cloud instances of customer %d: %w", c.Customer.ID, err)
		}
		for _, i := range list {
			d := artnet.CloudInstanceDetails{
				CloudInstance: artnet.CloudInstance{ID: i.ID, Name: i.Name, CustomName: i.DisplayName,
					VNCConfiguration: artnet.VNCConfiguration{Host: i.VNCHost, Port: i.VNCPort},
					Resources:        artnet.InstanceResources{CPUCores: i.CPU, RAM: i.RAM, HDD: i.HDD, Bandwidth: i.Bandwidth},
					State:            "stopped", BootStatus: i.BootStatus},
				CustomProperties: artnet.InstanceCustomProperties{DisplayName: i.DisplayName, Notes: i.Notes},
			}
			if i.PowerOn {
				d.State = "running"
			}
			if err := json.Unmarshal(i.Network, &d.NetworkConfiguration); err != nil {
				return fmt.Errorf("network of instance %d: %w", i.ID, err)
			}
			c.CloudInstances = append(c.CloudInstances, CloudInstance{CloudInstanceDetails: d, InstallationImage: i.BootImage,
				InstancePasswordHash: i.PasswordHash, InstanceVNCSecret: i.VNCSecret})
		}
		for j := range c.Services {
			svc := &c.Services[j]
			if svc.Service.Type != artnet.ServiceTypeVPS {
				continue
			}
			row, err := s.VPSPowerGet(ctx, c.Customer.ID, svc.Service.ID)
			if errors.Is(err, store.ErrNotFound) {
				continue
			}
			if err != nil {
				return fmt.Errorf("power of service %d: %w", svc.Service.ID, err)
			}
			var e vpsPowerEntry
			if err := json.Unmarshal(row.Config, &e.VPSPowerConfig); err != nil {
				return fmt.Errorf("power of service %d: %w", svc.Service.ID, err)
			}
			e.PowerOn = row.PowerOn
			if svc.PowerManagement, err = json.Marshal(e); err != nil {
				return err
			}
		}
	}
	return nil
}
