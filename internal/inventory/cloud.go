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
	"github.com/artnet-panel/artnet-panel/internal/validate"
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
// "ram": 512, "hdd": 10, "vnc_port": 0}; power_on gives its desired state,
// or else details.power_state does ("on" or "off"; both given, they must
// agree; neither: off). Export writes both.
// Entries of other service types are left to their own modules.

// CloudInstance is one entry of a customer's cloud_instances.
type CloudInstance struct {
	artnet.CloudInstanceDetails
	InstallationImage    string `json:"installation_image,omitempty"`
	InstancePassword     string `json:"instance_password,omitempty"`
	InstancePasswordHash string `json:"instance_password_hash,omitempty"`
	InstanceVNCSecret    string `json:"instance_vnc_secret,omitempty"`
}

// vpsPowerEntry is power_management plus the desired state (power_on;
// nil: not given).
type vpsPowerEntry struct {
	panel.VPSPowerConfig
	PowerOn *bool `json:"power_on,omitempty"`
}

// vpsPowerOn returns the desired power state of a VPS with
// power_management: power_on, else details.power_state ("on" or "off";
// "unknown" or absent: off). Both given, they must agree: /vps/details
// answers power_on's state, and a power_state that says otherwise would be
// silently contradicted.
func vpsPowerOn(p string, e vpsPowerEntry, svc store.Service) (bool, error) {
	d, err := panel.DecodeDetails(svc)
	if err != nil {
		return false, fmt.Errorf("%s.details: %w", p, err)
	}
	state := ""
	if vd, ok := d.(*artnet.VPSDetails); ok {
		state = vd.PowerState
	}
	switch state {
	case "on", "off":
		if e.PowerOn != nil && *e.PowerOn != (state == "on") {
			return false, pathError(p+".power_management.power_on", "is %v but details.power_state is %q: give one of them, or both alike", *e.PowerOn, state)
		}
		return state == "on", nil
	case "unknown", "":
		return e.PowerOn != nil && *e.PowerOn, nil
	default:
		return false, pathError(p+".details.power_state", `must be "on", "off" or "unknown"`)
	}
}

// cloudSettings returns the settings of the file (nil: none given),
// checked. The three keys are stored together, so a file that gives one of
// them gives cloud_price_list and cloud_resources_ranges too: an import of
// the images alone would otherwise leave prices and ranges of zero.
func cloudSettings(inv Inventory) ([]byte, error) {
	if inv.InstallationImagesList == nil && inv.CloudPriceList == nil && inv.CloudResourcesRanges == nil {
		return nil, nil
	}
	if inv.CloudPriceList == nil {
		return nil, pathError("$.cloud_price_list", "required with the other cloud settings (the 24 h price of each resource)")
	}
	if inv.CloudResourcesRanges == nil {
		return nil, pathError("$.cloud_resources_ranges", "required with the other cloud settings (min, max and step of cpu, ram, hdd and bandwidth)")
	}
	s := panel.CloudSettings{Images: inv.InstallationImagesList, Prices: *inv.CloudPriceList, Ranges: *inv.CloudResourcesRanges}
	if err := checkCloudSettings(s); err != nil {
		return nil, err
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

// checkCloudSettings checks the price list and the ranges. A range allows
// the multiples of step from min to max (as /cloud-instance/resources-
// calculate-price checks them) and a new instance starts at every range's
// min, so step is at least 1, min a multiple of step and at least what an
// instance needs (1 core, 16 MB of RAM, 1 GB of disk, 0 Mbps), and max at
// least min.
func checkCloudSettings(s panel.CloudSettings) error {
	if err := validate.Currency(s.Prices.Currency); err != nil {
		return pathError("$.cloud_price_list.currency", "%v", err)
	}
	for _, f := range []struct {
		name string
		v    artnet.Money4
	}{{"cpu_core", s.Prices.CPUCore}, {"ram_gb", s.Prices.RAMGB}, {"hdd_gb", s.Prices.HDDGB}, {"bandwidth_mbps", s.Prices.BandwidthMbps}} {
		if f.v < 0 {
			return pathError("$.cloud_price_list."+f.name, "must not be negative")
		}
	}
	for _, f := range []struct {
		name  string
		r     artnet.ResourceRange
		least int64
	}{{"cpu", s.Ranges.CPU, 1}, {"ram", s.Ranges.RAM, 16}, {"hdd", s.Ranges.HDD, 1}, {"bandwidth", s.Ranges.Bandwidth, 0}} {
		p := "$.cloud_resources_ranges." + f.name
		switch {
		case f.r.Step < 1:
			return pathError(p+".step", "must be at least 1 (got %d)", f.r.Step)
		case f.r.Min < f.least:
			return pathError(p+".min", "must be at least %d (got %d)", f.least, f.r.Min)
		case f.r.Min%f.r.Step != 0:
			return pathError(p+".min", "must be a multiple of step %d (got %d): the allowed values are the multiples of step", f.r.Step, f.r.Min)
		case f.r.Max < f.r.Min:
			return pathError(p+".max", "must not be below min %d (got %d)", f.r.Min, f.r.Max)
		}
	}
	return nil
}

// requireCloudSettings checks, for a file with cloud instances and no
// cloud settings, that usable settings are stored already (an earlier
// import): without them every price and range answer would be zero.
func requireCloudSettings(ctx context.Context, tx store.Store, inv Inventory) error {
	first := ""
	for ci, c := range inv.Customers {
		if len(c.CloudInstances) > 0 {
			first = fmt.Sprintf("$.customers[%d].cloud_instances", ci)
			break
		}
	}
	if first == "" {
		return nil
	}
	raw, err := tx.CloudSettings(ctx)
	if err != nil {
		return fmt.Errorf("cloud settings: %w", err)
	}
	if raw == nil {
		return pathError("$.cloud_resources_ranges", "required (with cloud_price_list) when cloud instances are imported (%s) and no cloud settings are stored yet", first)
	}
	var stored panel.CloudSettings
	if err := json.Unmarshal(raw, &stored); err != nil {
		return fmt.Errorf("stored cloud settings: %w", err)
	}
	if err := checkCloudSettings(stored); err != nil {
		return pathError("$.cloud_resources_ranges", "the stored cloud settings are not usable (%v): give cloud_price_list and cloud_resources_ranges with the cloud instances (%s)", err, first)
	}
	return nil
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
	} else if err := requireCloudSettings(ctx, tx, inv); err != nil {
		return err
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
			on, err := vpsPowerOn(fmt.Sprintf("$.customers[%d].services[%d]", ci, j), e, services[ci][j])
			if err != nil {
				return err
			}
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
			e.PowerOn = &row.PowerOn
			if svc.PowerManagement, err = json.Marshal(e); err != nil {
				return err
			}
			// details.power_state says the stored state too, so that the
			// export imports again (vpsPowerOn).
			var vd artnet.VPSDetails
			if err := json.Unmarshal(svc.Details, &vd); err != nil {
				return fmt.Errorf("details of service %d: %w", svc.Service.ID, err)
			}
			vd.PowerState = "off"
			if row.PowerOn {
				vd.PowerState = "on"
			}
			if svc.Details, err = json.Marshal(vd); err != nil {
				return err
			}
		}
	}
	return nil
}
