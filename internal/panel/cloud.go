package panel

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"path/filepath"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/artnet-panel/artnet-panel/artnet"
	"github.com/artnet-panel/artnet-panel/internal/apperr"
	"github.com/artnet-panel/artnet-panel/internal/hypervisor"
	"github.com/artnet-panel/artnet-panel/internal/store"
)

// The cloud-instance module: virtual machines on the hypervisor
// (Panel.Cloud.Hypervisor; internal/hypervisor has the power model).
//
// An instance of another customer, or one that does not exist, answers
// authorization-failed (the only error every command of the module
// documents). Commands that take instance_password check it first, in
// constant time (instance-password-incorrect; the HTTP layer counts each
// failure in the per-address login guard, as failed API logins).
//
// Power: power-on starts the machine (or resets and resumes a guest that
// switched itself off), power-off cuts its power (QMP quit), power-restart
// does both; each records the desired power state, which the reconciler
// (CloudReconcile) restores after a host reboot. A command whose machine
// step fails puts the desired state back as it was (the rule of the
// driver seam): the customer is told it failed, so nothing carries it out
// later. shutdown presses the
// ACPI power button and returns (the guest decides; the desired state is
// not changed). reboot is an ACPI reboot: power button, up to ShutdownWait
// for the guest to switch itself off, then reset and resume; a guest that
// ignores ACPI is left running and the call answers
// internal-cloud-power-on-error. state is the hypervisor's live answer
// ("running", "paused", "stopped"; "unknown" when it cannot be asked) and
// state_time the time it was read.
//
// Resources: values are whole numbers within resources_ranges and
// multiples of their step. resources-calculate-price prices the given
// resources (missing ones: the instance's, or the range minimum for a new
// instance) for 24 h, exactly (big.Rat), rounded half up to 4 decimals:
// cpu × cpu_core + ram/1024 × ram_gb + hdd × hdd_gb + bandwidth ×
// bandwidth_mbps. resources-negotiate applies them: the machine is shut
// down (shutdown=true: ACPI and ShutdownWait, else
// instance-unable-shutdown and nothing changes) or cut off, the disk is
// grown (qemu-img resize; it never shrinks:
// instance-resources-negotiate-cannot-decrease-hdd), and the machine is
// started again with the new CPUs and memory when it is meant to be on.
// Boot mode changes restart the machine the same way.

// DefaultShutdownWait is how long a guest is given to shut down.
const DefaultShutdownWait = 30 * time.Second

// Cloud is the configuration of the cloud-instance module.
type Cloud struct {
	// Hypervisor runs the instances' machines. Nil: states are "unknown"
	// and commands that need the machine answer their internal error.
	Hypervisor hypervisor.Hypervisor
	// SecretKey (CloudSecretKeySize bytes) seals console passwords.
	SecretKey []byte
	// ShutdownWait is how long a guest gets to shut down after an ACPI
	// power-down (0: DefaultShutdownWait).
	ShutdownWait time.Duration
	// ImagesDir is where relative installation image files are found.
	ImagesDir string
	// Restarted, when set, is called for every machine the reconciler
	// starts because it is meant to run and has no process (it died, or
	// the host rebooted); artnetd counts these
	// (artnet_hypervisor_machine_restarts_total).
	Restarted func(machine string)

	// mu is held shared by every change of one machine (which also holds
	// that machine's lock) and exclusively by the reconciler.
	mu     sync.RWMutex
	locksM sync.Mutex
	locks  map[int64]*sync.Mutex
}

// lock serialises the changes of instance id in this process (and keeps
// the reconciler out meanwhile); call the returned function to unlock.
func (c *Cloud) lock(id int64) func() {
	c.mu.RLock()
	c.locksM.Lock()
	if c.locks == nil {
		c.locks = map[int64]*sync.Mutex{}
	}
	m := c.locks[id]
	if m == nil {
		m = &sync.Mutex{}
		c.locks[id] = m
	}
	c.locksM.Unlock()
	m.Lock()
	return func() {
		m.Unlock()
		c.mu.RUnlock()
	}
}

func (c *Cloud) wait() time.Duration {
	if c.ShutdownWait > 0 {
		return c.ShutdownWait
	}
	return DefaultShutdownWait
}

// CloudSettings are the operator's cloud settings: the 24 h price list,
// the allowed resource ranges and the installation images.
type CloudSettings struct {
	Prices CloudPrices            `json:"prices"`
	Ranges artnet.ResourcesRanges `json:"ranges"`
	Images []CloudImage           `json:"images"`
}

// CloudPrices is the price of each resource unit for 24 h.
type CloudPrices struct {
	Currency      string        `json:"currency"`
	CPUCore       artnet.Money4 `json:"cpu_core"`
	RAMGB         artnet.Money4 `json:"ram_gb"`
	HDDGB         artnet.Money4 `json:"hdd_gb"`
	BandwidthMbps artnet.Money4 `json:"bandwidth_mbps"`
}

// CloudImage is an installation image and the file it boots from.
type CloudImage struct {
	artnet.InstallationImage
	File string `json:"file"`
}

// cloud returns the module's configuration (an empty one when none).
func (p *Panel) cloud() *Cloud {
	if p.Cloud == nil {
		return &Cloud{}
	}
	return p.Cloud
}

func (p *Panel) cloudSettings(ctx context.Context) (CloudSettings, error) {
	raw, err := p.Store.CloudSettings(ctx)
	if err != nil {
		return CloudSettings{}, err
	}
	var s CloudSettings
	if raw != nil {
		if err := json.Unmarshal(raw, &s); err != nil {
			return CloudSettings{}, fmt.Errorf("cloud settings: %w", err)
		}
	}
	return s, nil
}

// instance returns the customer's instance or authorization-failed.
func (p *Panel) instance(ctx context.Context, customerID, id int64) (store.CloudInstance, error) {
	i, err := p.Store.CloudInstanceGet(ctx, customerID, id)
	if errors.Is(err, store.ErrNotFound) {
		return i, apperr.New(apperr.CodeAuthorizationFailed)
	}
	if err != nil {
		return i, apperr.Internal(apperr.CodeInternal, err)
	}
	return i, nil
}

// instanceAuth returns the customer's instance when password is its
// password.
func (p *Panel) instanceAuth(ctx context.Context, customerID, id int64, password string) (store.CloudInstance, error) {
	i, err := p.instance(ctx, customerID, id)
	if err != nil {
		return i, err
	}
	if !CheckInstancePassword(i.PasswordHash, password) {
		return i, apperr.New(apperr.CodeInstancePasswordIncorrect)
	}
	return i, nil
}

// spec is the machine of instance i.
func (p *Panel) spec(ctx context.Context, i store.CloudInstance) (hypervisor.Spec, error) {
	c := p.cloud()
	pw, err := OpenVNCSecret(c.SecretKey, i.Name, i.VNCSecret)
	if err != nil {
		return hypervisor.Spec{}, err
	}
	s := hypervisor.Spec{Name: i.Name, CPUs: int(i.CPU), RAMMB: i.RAM, DiskGB: i.HDD, BandwidthMbps: i.Bandwidth,
		VNCPort: int(i.VNCPort), VNCPassword: pw}
	if i.BootStatus == artnet.BootStatusInstall {
		settings, err := p.cloudSettings(ctx)
		if err != nil {
			return s, err
		}
		img, ok := findImage(settings.Images, i.BootImage)
		if !ok {
			return s, fmt.Errorf("instance %d boots image %q, which is not in the settings", i.ID, i.BootImage)
		}
		s.BootImage = img.File
		if !filepath.IsAbs(s.BootImage) {
			s.BootImage = filepath.Join(c.ImagesDir, s.BootImage)
		}
	}
	return s, nil
}

func findImage(list []CloudImage, name string) (CloudImage, bool) {
	for _, img := range list {
		if img.Image == name {
			return img, true
		}
	}
	return CloudImage{}, false
}

// hv returns the hypervisor or an error for the internal code.
func (p *Panel) hv() (hypervisor.Hypervisor, error) {
	h := p.cloud().Hypervisor
	if h == nil {
		return nil, errors.New("no hypervisor configured on this node")
	}
	return h, nil
}

// stateOf returns the API state of instance name.
func (p *Panel) stateOf(ctx context.Context, name string) string {
	h := p.cloud().Hypervisor
	if h == nil {
		return "unknown"
	}
	st, err := h.State(ctx, name)
	if err != nil {
		p.logger().Error("hypervisor state", "machine", name, "err", err)
		return "unknown"
	}
	switch st {
	case hypervisor.Running:
		return "running"
	case hypervisor.Paused:
		return "paused"
	}
	return "stopped"
}

func (p *Panel) instanceToWire(ctx context.Context, i store.CloudInstance, prices CloudPrices) artnet.CloudInstance {
	return artnet.CloudInstance{
		ID: i.ID, Name: i.Name, CustomName: i.DisplayName,
		PriceResources:   price(prices, artnet.InstanceResources{CPUCores: i.CPU, RAM: i.RAM, HDD: i.HDD, Bandwidth: i.Bandwidth}),
		VNCConfiguration: artnet.VNCConfiguration{Host: i.VNCHost, Port: i.VNCPort},
		Resources:        artnet.InstanceResources{CPUCores: i.CPU, RAM: i.RAM, HDD: i.HDD, Bandwidth: i.Bandwidth},
		State:            p.stateOf(ctx, i.Name),
		StateTime:        artnet.Unix(p.now().Unix()),
		BootStatus:       i.BootStatus,
	}
}

// price is the 24 h price of r, exact and rounded half up to 4 decimals.
func price(pr CloudPrices, r artnet.InstanceResources) artnet.PriceResources {
	unit := func(m artnet.Money4) *big.Rat { return big.NewRat(int64(m), 10000) }
	sum := new(big.Rat)
	sum.Add(sum, new(big.Rat).Mul(unit(pr.CPUCore), big.NewRat(r.CPUCores, 1)))
	sum.Add(sum, new(big.Rat).Mul(unit(pr.RAMGB), big.NewRat(r.RAM, 1024)))
	sum.Add(sum, new(big.Rat).Mul(unit(pr.HDDGB), big.NewRat(r.HDD, 1)))
	sum.Add(sum, new(big.Rat).Mul(unit(pr.BandwidthMbps), big.NewRat(r.Bandwidth, 1)))
	// In ten-thousandths, rounded half up (prices are not negative).
	scaled := new(big.Rat).Mul(sum, big.NewRat(10000, 1))
	q, m := new(big.Int).QuoRem(scaled.Num(), scaled.Denom(), new(big.Int))
	if new(big.Int).Mul(m, big.NewInt(2)).Cmp(scaled.Denom()) >= 0 {
		q.Add(q, big.NewInt(1))
	}
	return artnet.PriceResources{Price: artnet.Money4(q.Int64()), Currency: pr.Currency, Period: "24h"}
}

// CloudList answers /cloud-instance/list.
func (p *Panel) CloudList(ctx context.Context, customerID int64) ([]artnet.CloudInstance, error) {
	list, err := p.Store.CloudInstanceList(ctx, customerID)
	if err != nil {
		return nil, apperr.Internal(apperr.CodeInternal, err)
	}
	settings, err := p.cloudSettings(ctx)
	if err != nil {
		return nil, apperr.Internal(apperr.CodeInternal, err)
	}
	out := make([]artnet.CloudInstance, 0, len(list))
	for _, i := range list {
		out = append(out, p.instanceToWire(ctx, i, settings.Prices))
	}
	return out, nil
}

// CloudDetails answers /cloud-instance/details.
func (p *Panel) CloudDetails(ctx context.Context, customerID, id int64) (artnet.CloudInstanceDetails, error) {
	i, err := p.instance(ctx, customerID, id)
	if err != nil {
		return artnet.CloudInstanceDetails{}, err
	}
	settings, err := p.cloudSettings(ctx)
	if err != nil {
		return artnet.CloudInstanceDetails{}, apperr.Internal(apperr.CodeInternal, err)
	}
	d := artnet.CloudInstanceDetails{
		CloudInstance:    p.instanceToWire(ctx, i, settings.Prices),
		CustomProperties: artnet.InstanceCustomProperties{DisplayName: i.DisplayName, Notes: i.Notes},
	}
	if len(i.Network) > 0 {
		if err := json.Unmarshal(i.Network, &d.NetworkConfiguration); err != nil {
			return d, apperr.Internal(apperr.CodeInternal, fmt.Errorf("network of instance %d: %w", i.ID, err))
		}
	}
	if d.NetworkConfiguration.DNSList == nil {
		d.NetworkConfiguration.DNSList = []string{}
	}
	return d, nil
}

// Cloud power actions (CloudPower).
const (
	CloudPowerOn      = "power-on"
	CloudPowerOff     = "power-off"
	CloudPowerRestart = "power-restart"
	CloudShutdown     = "shutdown"
	CloudReboot       = "reboot"
)

// CloudPower answers the action-* commands. Errors: authorization-failed,
// instance-password-incorrect, internal-cloud-power-on-error.
func (p *Panel) CloudPower(ctx context.Context, customerID, id int64, password, action string) error {
	c := p.cloud()
	defer c.lock(id)()
	i, err := p.instanceAuth(ctx, customerID, id, password)
	if err != nil {
		return err
	}
	fail := func(err error) error { return apperr.Internal(apperr.CodeInternalCloudPowerOnError, err) }
	h, err := p.hv()
	if err != nil {
		return fail(err)
	}
	spec, err := p.spec(ctx, i)
	if err != nil {
		return fail(err)
	}
	want := i.PowerOn
	switch action {
	case CloudPowerOn, CloudPowerRestart, CloudReboot:
		want = true
	case CloudPowerOff:
		want = false
	}
	was := i
	if want != i.PowerOn {
		i.PowerOn = want
		if err := p.Store.CloudInstanceUpdate(ctx, i); err != nil {
			return fail(err)
		}
	}
	switch action {
	case CloudPowerOn:
		err = h.Start(ctx, spec)
	case CloudPowerOff:
		err = h.Stop(ctx, i.Name)
	case CloudPowerRestart:
		if err = h.Stop(ctx, i.Name); err == nil {
			err = h.Start(ctx, spec)
		}
	case CloudShutdown:
		err = h.Shutdown(ctx, i.Name, 0)
	case CloudReboot:
		err = h.Reboot(ctx, spec, c.wait())
	default:
		err = fmt.Errorf("unknown power action %q", action)
	}
	if err != nil {
		// The customer is told it failed: the desired state goes back to
		// what it was, so the reconciler does not carry the command out
		// later.
		if was.PowerOn != i.PowerOn {
			p.restoreInstance(ctx, was)
		}
		return fail(err)
	}
	return nil
}

// restoreInstance stores i again after a failed change (the command's
// answer is its failure whatever happens here; a failed restore is
// logged).
func (p *Panel) restoreInstance(ctx context.Context, i store.CloudInstance) {
	if err := p.Store.CloudInstanceUpdate(context.WithoutCancel(ctx), i); err != nil {
		p.logger().Error("restore the instance after a failed change", "instance", i.ID, "machine", i.Name, "err", err)
	}
}

// CloudRanges answers /cloud-instance/resources-allowed-ranges.
func (p *Panel) CloudRanges(ctx context.Context, customerID, id int64) (artnet.ResourcesRanges, error) {
	if _, err := p.instance(ctx, customerID, id); err != nil {
		return artnet.ResourcesRanges{}, err
	}
	s, err := p.cloudSettings(ctx)
	if err != nil {
		return artnet.ResourcesRanges{}, apperr.Internal(apperr.CodeInternal, err)
	}
	return s.Ranges, nil
}

// CloudResourcesInput are resources[...] as sent: nil when absent.
type CloudResourcesInput struct {
	CPU, RAM, HDD, Bandwidth *int64
}

// resolve fills the missing values from base and checks every value
// against the ranges; it returns the name of the first bad one.
func (in CloudResourcesInput) resolve(base artnet.InstanceResources, rg artnet.ResourcesRanges) (artnet.InstanceResources, string) {
	r := base
	for _, f := range []struct {
		name string
		v    *int64
		dst  *int64
		rng  artnet.ResourceRange
	}{
		{"cpu", in.CPU, &r.CPUCores, rg.CPU}, {"ram", in.RAM, &r.RAM, rg.RAM},
		{"hdd", in.HDD, &r.HDD, rg.HDD}, {"bandwidth", in.Bandwidth, &r.Bandwidth, rg.Bandwidth},
	} {
		if f.v != nil {
			*f.dst = *f.v
		}
		v := *f.dst
		if v < f.rng.Min || v > f.rng.Max || (f.rng.Step > 0 && v%f.rng.Step != 0) {
			return r, f.name
		}
	}
	return r, ""
}

// CloudPrice answers /cloud-instance/resources-calculate-price: id 0
// prices a new instance. Errors: authorization-failed,
// invalid-param-value.
func (p *Panel) CloudPrice(ctx context.Context, customerID, id int64, in CloudResourcesInput) (artnet.PriceResources, error) {
	s, err := p.cloudSettings(ctx)
	if err != nil {
		return artnet.PriceResources{}, apperr.Internal(apperr.CodeInternal, err)
	}
	base := artnet.InstanceResources{CPUCores: s.Ranges.CPU.Min, RAM: s.Ranges.RAM.Min, HDD: s.Ranges.HDD.Min, Bandwidth: s.Ranges.Bandwidth.Min}
	if id != 0 {
		i, err := p.instance(ctx, customerID, id)
		if err != nil {
			return artnet.PriceResources{}, err
		}
		base = artnet.InstanceResources{CPUCores: i.CPU, RAM: i.RAM, HDD: i.HDD, Bandwidth: i.Bandwidth}
	}
	r, bad := in.resolve(base, s.Ranges)
	if bad != "" {
		return artnet.PriceResources{}, apperr.Errorf(apperr.CodeInvalidParamValue, "resources[%s]: outside the allowed range or not a multiple of its step", bad)
	}
	return price(s.Prices, r), nil
}

// CloudNegotiateInput is /cloud-instance/resources-negotiate's parameters.
type CloudNegotiateInput struct {
	ID        int64
	Password  string
	Shutdown  bool
	Resources CloudResourcesInput
}

// CloudNegotiate answers /cloud-instance/resources-negotiate (see the
// module's comment).
func (p *Panel) CloudNegotiate(ctx context.Context, customerID int64, in CloudNegotiateInput) error {
	c := p.cloud()
	defer c.lock(in.ID)()
	i, err := p.instanceAuth(ctx, customerID, in.ID, in.Password)
	if err != nil {
		return err
	}
	s, err := p.cloudSettings(ctx)
	if err != nil {
		return apperr.Internal(apperr.CodeInternalInstanceNegotiate, err)
	}
	if in.Resources.HDD != nil && *in.Resources.HDD < i.HDD {
		return apperr.New(apperr.CodeInstanceNegotiateCannotDecreaseHDD)
	}
	cur := artnet.InstanceResources{CPUCores: i.CPU, RAM: i.RAM, HDD: i.HDD, Bandwidth: i.Bandwidth}
	r, bad := in.Resources.resolve(cur, s.Ranges)
	if bad != "" {
		return apperr.Errorf(apperr.CodeInstanceNegotiateIncorrectParams, "resources[%s]: outside the allowed range or not a multiple of its step", bad)
	}
	if r == cur {
		return nil
	}
	return p.cloudRestart(ctx, i, in.Shutdown, apperr.CodeInternalInstanceNegotiate, func(i *store.CloudInstance) {
		i.CPU, i.RAM, i.HDD, i.Bandwidth = r.CPUCores, r.RAM, r.HDD, r.Bandwidth
	})
}

// cloudRestart changes instance i with change while its machine is off:
// the machine is shut down (soft: ACPI and the shutdown wait, else
// instance-unable-shutdown with nothing changed) or cut off, the disk
// grown, the change stored, and the machine started again when it is
// meant to be on. Failures of the hypervisor answer code with the stored
// instance as it was (a start that fails with the change puts the old
// row back and starts the old machine); only a grown disk stays grown, as
// disks never shrink. The caller holds the cloud lock.
func (p *Panel) cloudRestart(ctx context.Context, i store.CloudInstance, soft bool, code string, change func(*store.CloudInstance)) error {
	c := p.cloud()
	h, err := p.hv()
	if err != nil {
		return apperr.Internal(code, err)
	}
	if soft {
		err = h.Shutdown(ctx, i.Name, c.wait())
		if errors.Is(err, hypervisor.ErrNotShutDown) {
			return apperr.New(apperr.CodeInstanceUnableShutdown)
		}
	} else {
		err = h.Stop(ctx, i.Name)
	}
	if err != nil {
		return apperr.Internal(code, err)
	}
	next := i
	change(&next)
	if next.HDD > i.HDD {
		if err := h.GrowDisk(ctx, i.Name, next.HDD); err != nil {
			return p.cloudRestartFailed(ctx, h, i, code, err)
		}
	}
	if err := p.Store.CloudInstanceUpdate(ctx, next); err != nil {
		return p.cloudRestartFailed(ctx, h, i, code, err)
	}
	if !next.PowerOn {
		return nil
	}
	spec, err := p.spec(ctx, next)
	if err == nil {
		err = h.Start(ctx, spec)
	}
	if err != nil {
		p.restoreInstance(ctx, i)
		return p.cloudRestartFailed(ctx, h, i, code, err)
	}
	return nil
}

// cloudRestartFailed starts the unchanged machine again after a failed
// change, when it is meant to be on, and answers code.
func (p *Panel) cloudRestartFailed(ctx context.Context, h hypervisor.Hypervisor, i store.CloudInstance, code string, cause error) error {
	if i.PowerOn {
		if spec, err := p.spec(ctx, i); err == nil {
			if err := h.Start(ctx, spec); err != nil {
				p.logger().Error("restart after a failed change", "machine", i.Name, "err", err)
			}
		}
	}
	return apperr.Internal(code, cause)
}

// CloudImages answers /cloud-instance/boot-installation-images-list.
func (p *Panel) CloudImages(ctx context.Context, customerID, id int64) ([]artnet.InstallationImage, error) {
	if _, err := p.instance(ctx, customerID, id); err != nil {
		return nil, err
	}
	s, err := p.cloudSettings(ctx)
	if err != nil {
		return nil, apperr.Internal(apperr.CodeInternal, err)
	}
	out := make([]artnet.InstallationImage, 0, len(s.Images))
	for _, img := range s.Images {
		out = append(out, img.InstallationImage)
	}
	return out, nil
}

// CloudBootMode answers /cloud-instance/boot-mode-installation-image
// (image != "") and /cloud-instance/boot-mode-boot (image == ""). The
// machine restarts into the new mode when it is meant to be on. Errors:
// authorization-failed, instance-password-incorrect,
// instance-boot-incorrect-installation-image, instance-unable-shutdown,
// internal-instance-boot-mode-installation-image.
func (p *Panel) CloudBootMode(ctx context.Context, customerID, id int64, password, image string, install, shutdown bool) error {
	c := p.cloud()
	defer c.lock(id)()
	i, err := p.instanceAuth(ctx, customerID, id, password)
	if err != nil {
		return err
	}
	status := artnet.BootStatusBoot
	if install {
		s, err := p.cloudSettings(ctx)
		if err != nil {
			return apperr.Internal(apperr.CodeInternalInstanceBootMode, err)
		}
		if _, ok := findImage(s.Images, image); !ok || image == "" {
			return apperr.New(apperr.CodeInstanceBootIncorrectImage)
		}
		status = artnet.BootStatusInstall
	} else {
		image = ""
	}
	if i.BootStatus == status && i.BootImage == image {
		return nil
	}
	return p.cloudRestart(ctx, i, shutdown, apperr.CodeInternalInstanceBootMode, func(i *store.CloudInstance) {
		i.BootStatus, i.BootImage = status, image
	})
}

// Limits of the custom properties, in characters.
const (
	MaxInstanceDisplayName = 35
	MaxInstanceNotes       = 10240
)

// CloudEditProperties answers /cloud-instance/custom-properties-edit: only
// the given fields change. Errors: authorization-failed,
// instance-custom-properties-display-name-too-long,
// instance-custom-properties-notes-too-long,
// internal-instance-custom-properties-edit-error.
func (p *Panel) CloudEditProperties(ctx context.Context, customerID, id int64, displayName, notes *string) error {
	c := p.cloud()
	defer c.lock(id)()
	i, err := p.instance(ctx, customerID, id)
	if err != nil {
		return err
	}
	if displayName != nil {
		if utf8.RuneCountInString(*displayName) > MaxInstanceDisplayName || !utf8.ValidString(*displayName) {
			return apperr.New(apperr.CodeInstanceDisplayNameTooLong)
		}
		i.DisplayName = *displayName
	}
	if notes != nil {
		if utf8.RuneCountInString(*notes) > MaxInstanceNotes || !utf8.ValidString(*notes) {
			return apperr.New(apperr.CodeInstanceNotesTooLong)
		}
		i.Notes = *notes
	}
	if err := p.Store.CloudInstanceUpdate(ctx, i); err != nil {
		return apperr.Internal(apperr.CodeInternalInstancePropertiesEdit, err)
	}
	return nil
}

// CloudPasswordChange answers /cloud-instance/password-change: the new
// password is stored (hash and sealed console password) and set on the
// running machine's console. Errors: authorization-failed,
// instance-password-incorrect, password-too-short, password-invalid.
func (p *Panel) CloudPasswordChange(ctx context.Context, customerID, id int64, password, newPassword string) error {
	c := p.cloud()
	defer c.lock(id)()
	i, err := p.instanceAuth(ctx, customerID, id, password)
	if err != nil {
		return err
	}
	switch checkNewInstancePassword(newPassword) {
	case errInstancePasswordShort:
		return apperr.New(apperr.CodePasswordTooShort)
	case errInstancePasswordInvalid:
		return apperr.New(apperr.CodePasswordInvalid)
	}
	next := i
	if next.PasswordHash, err = HashInstancePassword(newPassword); err != nil {
		return apperr.Internal(apperr.CodeInternal, err)
	}
	if next.VNCSecret, err = SealVNCSecret(c.SecretKey, i.Name, newPassword); err != nil {
		return apperr.Internal(apperr.CodeInternal, err)
	}
	if err := p.Store.CloudInstanceUpdate(ctx, next); err != nil {
		return apperr.Internal(apperr.CodeInternal, err)
	}
	if c.Hypervisor == nil {
		return nil
	}
	if err := c.Hypervisor.SetVNCPassword(ctx, i.Name, vncPart(newPassword)); err != nil {
		// The console keeps the old password: so does the instance.
		if uerr := p.Store.CloudInstanceUpdate(ctx, i); uerr != nil {
			p.logger().Error("restore the instance password", "instance", i.ID, "err", uerr)
		}
		return apperr.Internal(apperr.CodeInternal, err)
	}
	return nil
}

// CloudDelete answers /cloud-instance/delete: the machine is stopped, its
// disk removed, and the instance is gone. Errors: authorization-failed,
// instance-password-incorrect, internal-instance-delete-error.
func (p *Panel) CloudDelete(ctx context.Context, customerID, id int64, password string) error {
	c := p.cloud()
	defer c.lock(id)()
	i, err := p.instanceAuth(ctx, customerID, id, password)
	if err != nil {
		return err
	}
	h, err := p.hv()
	if err != nil {
		return apperr.Internal(apperr.CodeInternalInstanceDelete, err)
	}
	if err := h.Delete(ctx, i.Name); err != nil {
		return apperr.Internal(apperr.CodeInternalInstanceDelete, err)
	}
	if err := p.Store.CloudInstanceDelete(ctx, customerID, id); err != nil {
		return apperr.Internal(apperr.CodeInternalInstanceDelete, err)
	}
	return nil
}

// CloudReconcile brings every instance's machine, and every VPS on the
// hypervisor, to its desired power state: a machine meant to be on
// without a process (host reboot, crash) is started, one meant to be off
// is stopped. A guest that switched itself off is left off. It returns
// the first failure after trying every machine.
func (p *Panel) CloudReconcile(ctx context.Context) error {
	c := p.cloud()
	h := c.Hypervisor
	if h == nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	list, err := p.Store.CloudInstancesAll(ctx)
	if err != nil {
		return err
	}
	var first error
	note := func(err error) {
		if err != nil && first == nil {
			first = err
		}
	}
	for _, i := range list {
		spec, err := p.spec(ctx, i)
		if err != nil {
			note(err)
			continue
		}
		note(p.reconcileMachine(ctx, h, spec, i.PowerOn))
	}
	note(p.vpsReconcile(ctx, h))
	return first
}

// reconcileMachine brings one machine to its desired power state. A
// machine meant to run without a process is started, logged and counted
// (Cloud.Restarted): it died, or the host rebooted.
func (p *Panel) reconcileMachine(ctx context.Context, h hypervisor.Hypervisor, spec hypervisor.Spec, on bool) error {
	st, err := h.State(ctx, spec.Name)
	if err != nil {
		return err
	}
	switch {
	case on && st == hypervisor.Stopped:
		if err := h.Start(ctx, spec); err != nil {
			return fmt.Errorf("start %s, meant to run: %w", spec.Name, err)
		}
		p.logger().Warn("hypervisor: machine meant to run had no process: restarted", "machine", spec.Name)
		if f := p.cloud().Restarted; f != nil {
			f(spec.Name)
		}
	case !on && st.HasProcess():
		return h.Stop(ctx, spec.Name)
	}
	return nil
}
