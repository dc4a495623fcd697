package cli

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/artnet-panel/artnet-panel/artnet"
)

func newCmdCloudInstance(f *Factory) *cobra.Command {
	cmd := newModuleCmd("cloud-instance")
	cmd.Long += `

The commands that need the instance's management password take it from
--instance-password (discouraged: it shows in the process list), from
$ARTNET_INSTANCE_PASSWORD, from a hidden prompt on a terminal, or else from
the next line of stdin.`
	cmd.AddCommand(
		newCmdCloudInstanceList(f, nil),
		newCmdCloudInstanceDetails(f, nil),
		newCmdCloudInstanceActionPowerOn(f, nil),
		newCmdCloudInstanceActionPowerOff(f, nil),
		newCmdCloudInstanceActionPowerRestart(f, nil),
		newCmdCloudInstanceActionShutdown(f, nil),
		newCmdCloudInstanceActionReboot(f, nil),
		newCmdCloudInstanceResourcesAllowedRanges(f, nil),
		newCmdCloudInstanceResourcesCalculatePrice(f, nil),
		newCmdCloudInstanceResourcesNegotiate(f, nil),
		newCmdCloudInstanceBootInstallationImagesList(f, nil),
		newCmdCloudInstanceBootModeInstallationImage(f, nil),
		newCmdCloudInstanceBootModeBoot(f, nil),
		newCmdCloudInstanceCustomPropertiesEdit(f, nil),
		newCmdCloudInstancePasswordChange(f, nil),
		newCmdCloudInstanceDelete(f, nil),
	)
	return cmd
}

// InstanceOptions are the options of the commands acting on an instance
// with its management password.
type InstanceOptions struct {
	Common
	InstanceID int64
	// Password is --instance-password; when empty, InstancePassword asks.
	Password string
}

// InstancePassword returns the management password: --instance-password,
// $ARTNET_INSTANCE_PASSWORD, a hidden prompt or the next line of stdin.
func (o *InstanceOptions) InstancePassword() (string, error) {
	if o.Password != "" {
		return o.Password, nil
	}
	if v := o.f.Getenv("ARTNET_INSTANCE_PASSWORD"); v != "" {
		return v, nil
	}
	o.f.progress.Stop()
	p, err := o.IO.Secret("Instance password: ")
	if err != nil {
		return "", fmt.Errorf("reading the instance password: %w", err)
	}
	if p == "" {
		return "", errors.New("the instance password is empty")
	}
	return p, nil
}

// auth returns the instance and its password.
func (o *InstanceOptions) auth() (artnet.InstanceAuth, error) {
	p, err := o.InstancePassword()
	return artnet.InstanceAuth{InstanceID: o.InstanceID, Password: p}, err
}

// instanceCommand returns a command taking INSTANCE_ID and the password
// flag; parse, when set, reads the command's other flags.
func instanceCommand(f *Factory, name, use string, opts *InstanceOptions, parse func(c *cobra.Command) error, run func() error) *cobra.Command {
	sc := mustSpec("cloud-instance", name)
	cmd := apiCommand(f, "cloud-instance", name, "INSTANCE_ID "+use,
		func(c *cobra.Command, args []string) error {
			opts.Common = f.common(c)
			if err := idArg(c, args, "instance_id", &opts.InstanceID); err != nil {
				return err
			}
			if parse != nil {
				return parse(c)
			}
			return nil
		}, run)
	cmd.Args = cobra.MaximumNArgs(1)
	idFlag(cmd, sc, "instance_id", &opts.InstanceID)
	cmd.Flags().StringVar(&opts.Password, "instance-password", "", paramDoc(sc, "instance_password")+
		" (discouraged: it shows in the process list; default: $ARTNET_INSTANCE_PASSWORD, a hidden prompt, or stdin)")
	return cmd
}

func newCmdCloudInstanceList(f *Factory, runF func(*NoArgsOptions) error) *cobra.Command {
	return newNoArgsCommand(f, "cloud-instance", "list", runF, cloudInstanceListRun)
}

func cloudInstanceListRun(o *NoArgsOptions) error {
	c, err := o.Client()
	if err != nil {
		return err
	}
	list, err := c.CloudInstance.List(o.Ctx)
	if err != nil {
		return err
	}
	return o.Print(artnet.CloudInstancesListResponse{InstancesList: list}, func(w io.Writer) error {
		t := newTable(w, "ID", "NAME", "CUSTOM NAME", "STATE", "CPU", "RAM", "HDD", "BANDWIDTH", "PRICE/24H", "BOOT")
		for _, i := range list {
			r := i.Resources
			t.row(fmt.Sprint(i.ID), i.Name, i.CustomName, i.State, fmt.Sprint(r.CPUCores),
				fmt.Sprintf("%d MB", r.RAM), fmt.Sprintf("%d GB", r.HDD), fmt.Sprintf("%d Mbps", r.Bandwidth),
				formatMoney4(i.PriceResources.Price)+" "+i.PriceResources.Currency, i.BootStatus)
		}
		return t.flush()
	})
}

func newCmdCloudInstanceDetails(f *Factory, runF func(*IDOptions) error) *cobra.Command {
	return newIDCommand(f, "cloud-instance", "details", "instance_id", runF, cloudInstanceDetailsRun)
}

func cloudInstanceDetailsRun(o *IDOptions) error {
	c, err := o.Client()
	if err != nil {
		return err
	}
	d, err := c.CloudInstance.Details(o.Ctx, o.ID)
	if err != nil {
		return err
	}
	return o.Print(artnet.CloudInstanceDetailsResponse{InstanceDetails: *d}, func(w io.Writer) error {
		return printDetails(w, d)
	})
}

// newInstanceActionCommand returns one of the commands that take only the
// instance and its password (power, shutdown, reboot, delete).
func newInstanceActionCommand(f *Factory, name string, runF, run func(*InstanceOptions) error) *cobra.Command {
	opts := &InstanceOptions{}
	return instanceCommand(f, name, "", opts, nil, func() error {
		if runF != nil {
			return runF(opts)
		}
		return run(opts)
	})
}

// instanceActionRun runs an action with the instance's password.
func instanceActionRun(o *InstanceOptions, action func(*artnet.Client) func(ctx contextT, auth artnet.InstanceAuth) error, done string) error {
	c, err := o.Client()
	if err != nil {
		return err
	}
	auth, err := o.auth()
	if err != nil {
		return err
	}
	if err := action(c)(o.Ctx, auth); err != nil {
		return err
	}
	return o.Done(fmt.Sprintf("Instance %d: %s.", o.InstanceID, done))
}

func newCmdCloudInstanceActionPowerOn(f *Factory, runF func(*InstanceOptions) error) *cobra.Command {
	return newInstanceActionCommand(f, "action-power-on", runF, cloudInstanceActionPowerOnRun)
}

func cloudInstanceActionPowerOnRun(o *InstanceOptions) error {
	return instanceActionRun(o, func(c *artnet.Client) func(contextT, artnet.InstanceAuth) error { return c.CloudInstance.PowerOn }, "powered on")
}

func newCmdCloudInstanceActionPowerOff(f *Factory, runF func(*InstanceOptions) error) *cobra.Command {
	return newInstanceActionCommand(f, "action-power-off", runF, cloudInstanceActionPowerOffRun)
}

func cloudInstanceActionPowerOffRun(o *InstanceOptions) error {
	return instanceActionRun(o, func(c *artnet.Client) func(contextT, artnet.InstanceAuth) error { return c.CloudInstance.PowerOff }, "powered off")
}

func newCmdCloudInstanceActionPowerRestart(f *Factory, runF func(*InstanceOptions) error) *cobra.Command {
	return newInstanceActionCommand(f, "action-power-restart", runF, cloudInstanceActionPowerRestartRun)
}

func cloudInstanceActionPowerRestartRun(o *InstanceOptions) error {
	return instanceActionRun(o, func(c *artnet.Client) func(contextT, artnet.InstanceAuth) error { return c.CloudInstance.PowerRestart }, "power restarted")
}

func newCmdCloudInstanceActionShutdown(f *Factory, runF func(*InstanceOptions) error) *cobra.Command {
	return newInstanceActionCommand(f, "action-shutdown", runF, cloudInstanceActionShutdownRun)
}

func cloudInstanceActionShutdownRun(o *InstanceOptions) error {
	return instanceActionRun(o, func(c *artnet.Client) func(contextT, artnet.InstanceAuth) error { return c.CloudInstance.Shutdown }, "shutdown signal sent")
}

func newCmdCloudInstanceActionReboot(f *Factory, runF func(*InstanceOptions) error) *cobra.Command {
	return newInstanceActionCommand(f, "action-reboot", runF, cloudInstanceActionRebootRun)
}

func cloudInstanceActionRebootRun(o *InstanceOptions) error {
	return instanceActionRun(o, func(c *artnet.Client) func(contextT, artnet.InstanceAuth) error { return c.CloudInstance.Reboot }, "reboot signal sent")
}

func newCmdCloudInstanceResourcesAllowedRanges(f *Factory, runF func(*IDOptions) error) *cobra.Command {
	return newIDCommand(f, "cloud-instance", "resources-allowed-ranges", "instance_id", runF, cloudInstanceResourcesAllowedRangesRun)
}

func cloudInstanceResourcesAllowedRangesRun(o *IDOptions) error {
	c, err := o.Client()
	if err != nil {
		return err
	}
	r, err := c.CloudInstance.ResourcesAllowedRanges(o.Ctx, o.ID)
	if err != nil {
		return err
	}
	return o.Print(artnet.ResourcesRangesResponse{ResourcesRanges: *r}, func(w io.Writer) error {
		t := newTable(w, "RESOURCE", "MIN", "MAX", "STEP")
		for _, x := range []struct {
			name string
			r    artnet.ResourceRange
		}{{"cpu (cores)", r.CPU}, {"ram (MB)", r.RAM}, {"hdd (GB)", r.HDD}, {"bandwidth (Mbps)", r.Bandwidth}} {
			t.row(x.name, fmt.Sprint(x.r.Min), fmt.Sprint(x.r.Max), fmt.Sprint(x.r.Step))
		}
		return t.flush()
	})
}

// resourceFlags registers --cpu, --ram, --hdd and --bandwidth.
func resourceFlags(cmd *cobra.Command, name string, r *artnet.CloudResources) {
	sc := mustSpec("cloud-instance", name)
	cmd.Flags().Int64Var(&r.CPU, "cpu", 0, paramDoc(sc, "resources.cpu"))
	cmd.Flags().Int64Var(&r.RAM, "ram", 0, paramDoc(sc, "resources.ram"))
	cmd.Flags().Int64Var(&r.HDD, "hdd", 0, paramDoc(sc, "resources.hdd"))
	cmd.Flags().Int64Var(&r.Bandwidth, "bandwidth", 0, paramDoc(sc, "resources.bandwidth"))
}

// ResourcesCalculatePriceOptions are the options of cloud-instance
// resources-calculate-price.
type ResourcesCalculatePriceOptions struct {
	Common
	InstanceID int64 // 0: a new instance
	Resources  artnet.CloudResources
}

func newCmdCloudInstanceResourcesCalculatePrice(f *Factory, runF func(*ResourcesCalculatePriceOptions) error) *cobra.Command {
	opts := &ResourcesCalculatePriceOptions{}
	sc := mustSpec("cloud-instance", "resources-calculate-price")
	cmd := apiCommand(f, "cloud-instance", "resources-calculate-price", "[INSTANCE_ID] [--cpu N] [--ram MB] [--hdd GB] [--bandwidth MBPS]",
		func(c *cobra.Command, args []string) error {
			opts.Common = f.common(c)
			if len(args) > 0 || c.Flags().Changed("instance-id") {
				return idArg(c, args, "instance_id", &opts.InstanceID)
			}
			return nil
		},
		func() error {
			if runF != nil {
				return runF(opts)
			}
			return cloudInstanceResourcesCalculatePriceRun(opts)
		})
	cmd.Args = cobra.MaximumNArgs(1)
	cmd.Flags().Int64Var(&opts.InstanceID, "instance-id", 0, paramDoc(sc, "instance_id")+" (optional: without it the price is that of a new instance)")
	resourceFlags(cmd, "resources-calculate-price", &opts.Resources)
	return cmd
}

func cloudInstanceResourcesCalculatePriceRun(o *ResourcesCalculatePriceOptions) error {
	c, err := o.Client()
	if err != nil {
		return err
	}
	p, err := c.CloudInstance.ResourcesCalculatePrice(o.Ctx, artnet.CloudResourcesCalculatePriceOpts{InstanceID: o.InstanceID, Resources: o.Resources})
	if err != nil {
		return err
	}
	return o.Print(artnet.PriceResourcesResponse{PriceResources: *p}, func(w io.Writer) error {
		_, err := fmt.Fprintf(w, "%s %s / %s\n", formatMoney4(p.Price), p.Currency, p.Period)
		return err
	})
}

// ResourcesNegotiateOptions are the options of cloud-instance
// resources-negotiate.
type ResourcesNegotiateOptions struct {
	InstanceOptions
	Shutdown  bool
	Resources artnet.CloudResources
}

func newCmdCloudInstanceResourcesNegotiate(f *Factory, runF func(*ResourcesNegotiateOptions) error) *cobra.Command {
	opts := &ResourcesNegotiateOptions{}
	sc := mustSpec("cloud-instance", "resources-negotiate")
	cmd := instanceCommand(f, "resources-negotiate", "[--cpu N] [--ram MB] [--hdd GB] [--bandwidth MBPS] [--shutdown]", &opts.InstanceOptions,
		func(c *cobra.Command) error {
			if opts.Resources == (artnet.CloudResources{}) {
				return usageErrorf("nothing to change: give at least one of --cpu, --ram, --hdd, --bandwidth")
			}
			return nil
		},
		func() error {
			if runF != nil {
				return runF(opts)
			}
			return cloudInstanceResourcesNegotiateRun(opts)
		})
	resourceFlags(cmd, "resources-negotiate", &opts.Resources)
	cmd.Flags().BoolVar(&opts.Shutdown, "shutdown", false, paramDoc(sc, "shutdown"))
	return cmd
}

func cloudInstanceResourcesNegotiateRun(o *ResourcesNegotiateOptions) error {
	c, err := o.Client()
	if err != nil {
		return err
	}
	pw, err := o.InstancePassword()
	if err != nil {
		return err
	}
	if err := c.CloudInstance.ResourcesNegotiate(o.Ctx, artnet.CloudResourcesNegotiateOpts{
		InstanceID: o.InstanceID, Password: pw, Shutdown: o.Shutdown, Resources: o.Resources,
	}); err != nil {
		return err
	}
	return o.Done(fmt.Sprintf("Instance %d: resources changed.", o.InstanceID))
}

func newCmdCloudInstanceBootInstallationImagesList(f *Factory, runF func(*IDOptions) error) *cobra.Command {
	return newIDCommand(f, "cloud-instance", "boot-installation-images-list", "instance_id", runF, cloudInstanceBootInstallationImagesListRun)
}

func cloudInstanceBootInstallationImagesListRun(o *IDOptions) error {
	c, err := o.Client()
	if err != nil {
		return err
	}
	images, err := c.CloudInstance.BootInstallationImagesList(o.Ctx, o.ID)
	if err != nil {
		return err
	}
	return o.Print(artnet.InstallationImagesListResponse{InstallationImagesList: images}, func(w io.Writer) error {
		t := newTable(w, "IMAGE", "DISTRIBUTION", "LABEL")
		for _, i := range images {
			t.row(i.Image, i.Distribution, i.Label)
		}
		return t.flush()
	})
}

// BootModeInstallationImageOptions are the options of cloud-instance
// boot-mode-installation-image.
type BootModeInstallationImageOptions struct {
	InstanceOptions
	InstallationImage string
	Shutdown          bool
}

func newCmdCloudInstanceBootModeInstallationImage(f *Factory, runF func(*BootModeInstallationImageOptions) error) *cobra.Command {
	opts := &BootModeInstallationImageOptions{}
	sc := mustSpec("cloud-instance", "boot-mode-installation-image")
	cmd := instanceCommand(f, "boot-mode-installation-image", "--installation-image IMAGE [--shutdown]", &opts.InstanceOptions,
		func(c *cobra.Command) error { return requireFlags(c, "installation-image") },
		func() error {
			if runF != nil {
				return runF(opts)
			}
			return cloudInstanceBootModeInstallationImageRun(opts)
		})
	stringFlag(cmd, sc, "installation_image", &opts.InstallationImage)
	cmd.Flags().BoolVar(&opts.Shutdown, "shutdown", false, paramDoc(sc, "shutdown"))
	return cmd
}

func cloudInstanceBootModeInstallationImageRun(o *BootModeInstallationImageOptions) error {
	c, err := o.Client()
	if err != nil {
		return err
	}
	pw, err := o.InstancePassword()
	if err != nil {
		return err
	}
	if err := c.CloudInstance.BootModeInstallationImage(o.Ctx, artnet.CloudBootModeInstallationImageOpts{
		InstanceID: o.InstanceID, Password: pw, InstallationImage: o.InstallationImage, Shutdown: o.Shutdown,
	}); err != nil {
		return err
	}
	return o.Done(fmt.Sprintf("Instance %d: boots %s.", o.InstanceID, o.InstallationImage))
}

// BootModeBootOptions are the options of cloud-instance boot-mode-boot.
type BootModeBootOptions struct {
	InstanceOptions
	Shutdown bool
}

func newCmdCloudInstanceBootModeBoot(f *Factory, runF func(*BootModeBootOptions) error) *cobra.Command {
	opts := &BootModeBootOptions{}
	sc := mustSpec("cloud-instance", "boot-mode-boot")
	cmd := instanceCommand(f, "boot-mode-boot", "[--shutdown]", &opts.InstanceOptions, nil,
		func() error {
			if runF != nil {
				return runF(opts)
			}
			return cloudInstanceBootModeBootRun(opts)
		})
	cmd.Flags().BoolVar(&opts.Shutdown, "shutdown", false, paramDoc(sc, "shutdown"))
	return cmd
}

func cloudInstanceBootModeBootRun(o *BootModeBootOptions) error {
	c, err := o.Client()
	if err != nil {
		return err
	}
	pw, err := o.InstancePassword()
	if err != nil {
		return err
	}
	if err := c.CloudInstance.BootModeBoot(o.Ctx, artnet.CloudBootModeBootOpts{InstanceID: o.InstanceID, Password: pw, Shutdown: o.Shutdown}); err != nil {
		return err
	}
	return o.Done(fmt.Sprintf("Instance %d: boots from its disk.", o.InstanceID))
}

// CustomPropertiesEditOptions are the options of cloud-instance
// custom-properties-edit: only the flags given are sent.
type CustomPropertiesEditOptions struct {
	Common
	InstanceID  int64
	DisplayName *string
	Notes       *string
}

func newCmdCloudInstanceCustomPropertiesEdit(f *Factory, runF func(*CustomPropertiesEditOptions) error) *cobra.Command {
	opts := &CustomPropertiesEditOptions{}
	sc := mustSpec("cloud-instance", "custom-properties-edit")
	var displayName, notes string
	cmd := apiCommand(f, "cloud-instance", "custom-properties-edit", "INSTANCE_ID [--display-name NAME] [--notes TEXT]",
		func(c *cobra.Command, args []string) error {
			opts.Common = f.common(c)
			if err := idArg(c, args, "instance_id", &opts.InstanceID); err != nil {
				return err
			}
			opts.DisplayName, opts.Notes = nil, nil
			if c.Flags().Changed("display-name") {
				opts.DisplayName = &displayName
			}
			if c.Flags().Changed("notes") {
				opts.Notes = &notes
			}
			if opts.DisplayName == nil && opts.Notes == nil {
				return usageErrorf("nothing to change: give --display-name or --notes")
			}
			return nil
		},
		func() error {
			if runF != nil {
				return runF(opts)
			}
			return cloudInstanceCustomPropertiesEditRun(opts)
		})
	cmd.Args = cobra.MaximumNArgs(1)
	idFlag(cmd, sc, "instance_id", &opts.InstanceID)
	cmd.Flags().StringVar(&displayName, "display-name", "", paramDoc(sc, "custom_properties.display_name"))
	cmd.Flags().StringVar(&notes, "notes", "", paramDoc(sc, "custom_properties.notes"))
	return cmd
}

func cloudInstanceCustomPropertiesEditRun(o *CustomPropertiesEditOptions) error {
	c, err := o.Client()
	if err != nil {
		return err
	}
	if err := c.CloudInstance.CustomPropertiesEdit(o.Ctx, artnet.CloudCustomPropertiesEditOpts{
		InstanceID: o.InstanceID, DisplayName: o.DisplayName, Notes: o.Notes,
	}); err != nil {
		return err
	}
	return o.Done(fmt.Sprintf("Instance %d: properties saved.", o.InstanceID))
}

// PasswordChangeOptions are the options of cloud-instance password-change.
type PasswordChangeOptions struct {
	InstanceOptions
	// NewPassword is --new-password; when empty, NewInstancePassword asks.
	NewPassword string
}

// NewInstancePassword returns the new password: --new-password,
// $ARTNET_INSTANCE_NEW_PASSWORD, a hidden prompt (asked twice) or the next
// line of stdin.
func (o *PasswordChangeOptions) NewInstancePassword() (string, error) {
	if o.NewPassword != "" {
		return o.NewPassword, nil
	}
	if v := o.f.Getenv("ARTNET_INSTANCE_NEW_PASSWORD"); v != "" {
		return v, nil
	}
	o.f.progress.Stop()
	p, err := o.IO.Secret("New instance password: ")
	if err != nil {
		return "", fmt.Errorf("reading the new password: %w", err)
	}
	if o.IO.StdinTTY && o.IO.ReadSecret != nil {
		again, err := o.IO.Secret("Repeat the new password: ")
		if err != nil {
			return "", err
		}
		if again != p {
			return "", errors.New("the passwords differ")
		}
	}
	if p == "" {
		return "", errors.New("the new password is empty")
	}
	return p, nil
}

func newCmdCloudInstancePasswordChange(f *Factory, runF func(*PasswordChangeOptions) error) *cobra.Command {
	opts := &PasswordChangeOptions{}
	sc := mustSpec("cloud-instance", "password-change")
	cmd := instanceCommand(f, "password-change", "", &opts.InstanceOptions, nil,
		func() error {
			if runF != nil {
				return runF(opts)
			}
			return cloudInstancePasswordChangeRun(opts)
		})
	cmd.Long += "\n\nWithout a terminal, stdin gives the current password on its first line and\nthe new one on the next (unless a flag or the environment gives them)."
	cmd.Flags().StringVar(&opts.NewPassword, "new-password", "", paramDoc(sc, "instance_new_password")+
		" (discouraged: it shows in the process list; default: $ARTNET_INSTANCE_NEW_PASSWORD, a hidden prompt, or stdin)")
	return cmd
}

func cloudInstancePasswordChangeRun(o *PasswordChangeOptions) error {
	c, err := o.Client()
	if err != nil {
		return err
	}
	pw, err := o.InstancePassword()
	if err != nil {
		return err
	}
	np, err := o.NewInstancePassword()
	if err != nil {
		return err
	}
	if err := c.CloudInstance.PasswordChange(o.Ctx, artnet.CloudPasswordChangeOpts{InstanceID: o.InstanceID, Password: pw, NewPassword: np}); err != nil {
		return err
	}
	return o.Done(fmt.Sprintf("Instance %d: password changed.", o.InstanceID))
}

func newCmdCloudInstanceDelete(f *Factory, runF func(*InstanceOptions) error) *cobra.Command {
	return newInstanceActionCommand(f, "delete", runF, cloudInstanceDeleteRun)
}

func cloudInstanceDeleteRun(o *InstanceOptions) error {
	return instanceActionRun(o, func(c *artnet.Client) func(contextT, artnet.InstanceAuth) error { return c.CloudInstance.Delete }, "deleted")
}

// contextT shortens the signatures of the instance actions.
type contextT = context.Context
