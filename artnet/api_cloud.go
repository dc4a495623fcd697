package artnet

import (
	"context"
	"strings"
	"unicode/utf8"
)

// CloudInstanceAPI is the cloud-instance module: virtual instances, their
// power, resources, boot mode and properties.
type CloudInstanceAPI struct{ c *Client }

// InstanceAuth names an instance and its management password, for the
// commands that need both.
type InstanceAuth struct {
	InstanceID int64
	Password   string // sent as instance_password
}

// Validate checks the id and that the password is given.
func (o InstanceAuth) Validate() error {
	return firstError(requireID("instance_id", o.InstanceID), requireString("instance_password", o.Password))
}

func (o InstanceAuth) form() *Form {
	return (&Form{}).AddInt("instance_id", o.InstanceID).Add("instance_password", o.Password)
}

// List returns the customer's instances (/cloud-instance/list).
func (m *CloudInstanceAPI) List(ctx context.Context) ([]CloudInstance, error) {
	var r CloudInstancesListResponse
	if err := m.c.do(ctx, "cloud-instance/list", nil, &r); err != nil {
		return nil, err
	}
	return r.InstancesList, nil
}

// Details returns an instance with its custom properties and network
// configuration (/cloud-instance/details).
func (m *CloudInstanceAPI) Details(ctx context.Context, instanceID int64) (*CloudInstanceDetails, error) {
	if err := requireID("instance_id", instanceID); err != nil {
		return nil, err
	}
	var r CloudInstanceDetailsResponse
	if err := m.c.do(ctx, "cloud-instance/details", (&Form{}).AddInt("instance_id", instanceID), &r); err != nil {
		return nil, err
	}
	return &r.InstanceDetails, nil
}

func (m *CloudInstanceAPI) action(ctx context.Context, name string, auth InstanceAuth) error {
	if err := auth.Validate(); err != nil {
		return err
	}
	return m.c.do(ctx, "cloud-instance/"+name, auth.form(), nil)
}

// PowerOn turns the instance on (/cloud-instance/action-power-on).
func (m *CloudInstanceAPI) PowerOn(ctx context.Context, auth InstanceAuth) error {
	return m.action(ctx, "action-power-on", auth)
}

// PowerOff turns the instance off (/cloud-instance/action-power-off).
func (m *CloudInstanceAPI) PowerOff(ctx context.Context, auth InstanceAuth) error {
	return m.action(ctx, "action-power-off", auth)
}

// PowerRestart turns the instance off and on again
// (/cloud-instance/action-power-restart).
func (m *CloudInstanceAPI) PowerRestart(ctx context.Context, auth InstanceAuth) error {
	return m.action(ctx, "action-power-restart", auth)
}

// Shutdown sends the shutdown signal to the instance's operating system
// (/cloud-instance/action-shutdown).
func (m *CloudInstanceAPI) Shutdown(ctx context.Context, auth InstanceAuth) error {
	return m.action(ctx, "action-shutdown", auth)
}

// Reboot sends the reboot signal to the instance's operating system
// (/cloud-instance/action-reboot).
func (m *CloudInstanceAPI) Reboot(ctx context.Context, auth InstanceAuth) error {
	return m.action(ctx, "action-reboot", auth)
}

// ResourcesAllowedRanges returns the allowed values of each resource
// (/cloud-instance/resources-allowed-ranges).
func (m *CloudInstanceAPI) ResourcesAllowedRanges(ctx context.Context, instanceID int64) (*ResourcesRanges, error) {
	if err := requireID("instance_id", instanceID); err != nil {
		return nil, err
	}
	var r ResourcesRangesResponse
	if err := m.c.do(ctx, "cloud-instance/resources-allowed-ranges", (&Form{}).AddInt("instance_id", instanceID), &r); err != nil {
		return nil, err
	}
	return &r.ResourcesRanges, nil
}

// CloudResources are hardware resources to price or set; zero fields are
// not sent.
type CloudResources struct {
	CPU       int64 // cores
	RAM       int64 // MB
	HDD       int64 // GB (can only grow)
	Bandwidth int64 // Mbps
}

func (r CloudResources) validate() error {
	return firstError(
		nonNegative("resources[cpu]", r.CPU),
		nonNegative("resources[ram]", r.RAM),
		nonNegative("resources[hdd]", r.HDD),
		nonNegative("resources[bandwidth]", r.Bandwidth),
	)
}

func (r CloudResources) isZero() bool { return r == CloudResources{} }

func (r CloudResources) addTo(f *Form) {
	for _, p := range []struct {
		name string
		v    int64
	}{{"cpu", r.CPU}, {"ram", r.RAM}, {"hdd", r.HDD}, {"bandwidth", r.Bandwidth}} {
		if p.v > 0 {
			f.AddInt(sub("resources", p.name), p.v)
		}
	}
}

// CloudResourcesCalculatePriceOpts are the parameters of
// /cloud-instance/resources-calculate-price.
type CloudResourcesCalculatePriceOpts struct {
	// InstanceID prices the resources for that instance; 0 prices them for
	// a new instance.
	InstanceID int64
	Resources  CloudResources
}

// Validate checks that no number is negative.
func (o CloudResourcesCalculatePriceOpts) Validate() error {
	return firstError(nonNegative("instance_id", o.InstanceID), o.Resources.validate())
}

// ResourcesCalculatePrice returns the 24h price of the given resources
// (/cloud-instance/resources-calculate-price).
func (m *CloudInstanceAPI) ResourcesCalculatePrice(ctx context.Context, opts CloudResourcesCalculatePriceOpts) (*PriceResources, error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	f := &Form{}
	if opts.InstanceID > 0 {
		f.AddInt("instance_id", opts.InstanceID)
	}
	opts.Resources.addTo(f)
	var r PriceResourcesResponse
	if err := m.c.do(ctx, "cloud-instance/resources-calculate-price", f, &r); err != nil {
		return nil, err
	}
	return &r.PriceResources, nil
}

// CloudResourcesNegotiateOpts are the parameters of
// /cloud-instance/resources-negotiate.
type CloudResourcesNegotiateOpts struct {
	InstanceID int64
	Password   string // sent as instance_password
	// Shutdown asks the server to shut the operating system down first
	// (waiting up to 30 s, failing with instance-unable-shutdown) instead
	// of cutting the power.
	Shutdown bool
	// Resources are the new resources; at least one must be set.
	Resources CloudResources
}

// Validate checks the id, the password and the resources.
func (o CloudResourcesNegotiateOpts) Validate() error {
	if err := firstError(InstanceAuth{o.InstanceID, o.Password}.Validate(), o.Resources.validate()); err != nil {
		return err
	}
	if o.Resources.isZero() {
		return invalid("resources", "at least one resource is required")
	}
	return nil
}

// ResourcesNegotiate changes the instance's resources, restarting it
// (/cloud-instance/resources-negotiate).
func (m *CloudInstanceAPI) ResourcesNegotiate(ctx context.Context, opts CloudResourcesNegotiateOpts) error {
	if err := opts.Validate(); err != nil {
		return err
	}
	f := InstanceAuth{opts.InstanceID, opts.Password}.form().AddBool("shutdown", opts.Shutdown)
	opts.Resources.addTo(f)
	return m.c.do(ctx, "cloud-instance/resources-negotiate", f, nil)
}

// BootInstallationImagesList returns the installation images available to
// the instance (/cloud-instance/boot-installation-images-list).
func (m *CloudInstanceAPI) BootInstallationImagesList(ctx context.Context, instanceID int64) ([]InstallationImage, error) {
	if err := requireID("instance_id", instanceID); err != nil {
		return nil, err
	}
	var r InstallationImagesListResponse
	if err := m.c.do(ctx, "cloud-instance/boot-installation-images-list", (&Form{}).AddInt("instance_id", instanceID), &r); err != nil {
		return nil, err
	}
	return r.InstallationImagesList, nil
}

// CloudBootModeInstallationImageOpts are the parameters of
// /cloud-instance/boot-mode-installation-image.
type CloudBootModeInstallationImageOpts struct {
	InstanceID int64
	Password   string // sent as instance_password
	// InstallationImage is an InstallationImage.Image.
	InstallationImage string
	// Shutdown asks for an operating system shutdown before the restart.
	Shutdown bool
}

// Validate checks the id, the password and the image.
func (o CloudBootModeInstallationImageOpts) Validate() error {
	return firstError(InstanceAuth{o.InstanceID, o.Password}.Validate(), requireString("installation_image", o.InstallationImage))
}

// BootModeInstallationImage makes the instance boot an installation image
// (/cloud-instance/boot-mode-installation-image).
func (m *CloudInstanceAPI) BootModeInstallationImage(ctx context.Context, opts CloudBootModeInstallationImageOpts) error {
	if err := opts.Validate(); err != nil {
		return err
	}
	f := InstanceAuth{opts.InstanceID, opts.Password}.form().
		Add("installation_image", opts.InstallationImage).AddBool("shutdown", opts.Shutdown)
	return m.c.do(ctx, "cloud-instance/boot-mode-installation-image", f, nil)
}

// CloudBootModeBootOpts are the parameters of /cloud-instance/boot-mode-boot.
type CloudBootModeBootOpts struct {
	InstanceID int64
	Password   string // sent as instance_password
	// Shutdown asks for an operating system shutdown before the restart.
	Shutdown bool
}

// Validate checks the id and the password.
func (o CloudBootModeBootOpts) Validate() error {
	return InstanceAuth{o.InstanceID, o.Password}.Validate()
}

// BootModeBoot makes the instance boot from its own disk
// (/cloud-instance/boot-mode-boot).
func (m *CloudInstanceAPI) BootModeBoot(ctx context.Context, opts CloudBootModeBootOpts) error {
	if err := opts.Validate(); err != nil {
		return err
	}
	f := InstanceAuth{opts.InstanceID, opts.Password}.form().AddBool("shutdown", opts.Shutdown)
	return m.c.do(ctx, "cloud-instance/boot-mode-boot", f, nil)
}

// Limits of the custom properties of an instance, in characters.
const (
	MaxInstanceDisplayName = 35
	MaxInstanceNotes       = 10240
)

// CloudCustomPropertiesEditOpts are the parameters of
// /cloud-instance/custom-properties-edit. Only non-nil properties are sent
// and changed.
type CloudCustomPropertiesEditOpts struct {
	InstanceID  int64
	DisplayName *string // at most 35 characters
	Notes       *string // at most 10240 characters
}

// Validate checks the id and the lengths.
func (o CloudCustomPropertiesEditOpts) Validate() error {
	if err := requireID("instance_id", o.InstanceID); err != nil {
		return err
	}
	if o.DisplayName != nil && utf8.RuneCountInString(*o.DisplayName) > MaxInstanceDisplayName {
		return invalid("custom_properties[display_name]", "longer than %d characters", MaxInstanceDisplayName)
	}
	if o.Notes != nil && utf8.RuneCountInString(*o.Notes) > MaxInstanceNotes {
		return invalid("custom_properties[notes]", "longer than %d characters", MaxInstanceNotes)
	}
	return nil
}

// CustomPropertiesEdit changes the instance's display name and notes
// (/cloud-instance/custom-properties-edit).
func (m *CloudInstanceAPI) CustomPropertiesEdit(ctx context.Context, opts CloudCustomPropertiesEditOpts) error {
	if err := opts.Validate(); err != nil {
		return err
	}
	f := (&Form{}).AddInt("instance_id", opts.InstanceID)
	if opts.DisplayName != nil {
		f.Add(sub("custom_properties", "display_name"), *opts.DisplayName)
	}
	if opts.Notes != nil {
		f.Add(sub("custom_properties", "notes"), *opts.Notes)
	}
	return m.c.do(ctx, "cloud-instance/custom-properties-edit", f, nil)
}

// passwordChars are the characters an instance password may hold besides
// ASCII letters and digits.
const passwordChars = ".!@#$%^&*()_+-="

// CloudPasswordChangeOpts are the parameters of /cloud-instance/password-change.
type CloudPasswordChangeOpts struct {
	InstanceID int64
	Password   string // the current password, sent as instance_password
	// NewPassword has at least 4 characters: ASCII letters, digits and
	// .!@#$%^&*()_+-= (sent as instance_new_password).
	NewPassword string
}

// Validate checks the id, the current password and the new one's length
// and characters.
func (o CloudPasswordChangeOpts) Validate() error {
	if err := (InstanceAuth{o.InstanceID, o.Password}).Validate(); err != nil {
		return err
	}
	if len(o.NewPassword) < 4 {
		return invalid("instance_new_password", "must have at least 4 characters")
	}
	for _, r := range o.NewPassword {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune(passwordChars, r)) {
			return invalid("instance_new_password", "may hold only letters, digits and %s", passwordChars)
		}
	}
	return nil
}

// PasswordChange changes the instance's management password
// (/cloud-instance/password-change).
func (m *CloudInstanceAPI) PasswordChange(ctx context.Context, opts CloudPasswordChangeOpts) error {
	if err := opts.Validate(); err != nil {
		return err
	}
	f := InstanceAuth{opts.InstanceID, opts.Password}.form().Add("instance_new_password", opts.NewPassword)
	return m.c.do(ctx, "cloud-instance/password-change", f, nil)
}

// Delete deletes the instance and its data, irreversibly
// (/cloud-instance/delete).
func (m *CloudInstanceAPI) Delete(ctx context.Context, auth InstanceAuth) error {
	return m.action(ctx, "delete", auth)
}
