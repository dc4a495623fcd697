package tfprovider

import (
	"context"
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/artnet-panel/artnet-panel/artnet"
)

// The demo's cloud instance 1 (password demo1234) on artnetd's simulated
// hypervisor: adopted, changed in place (resources through
// resources-negotiate, power, boot mode), imported, changed by hand,
// validated at plan time, and left running by destroy. OpenTofu 1.10 has
// no write-only attributes, so the password comes from the provider's
// environment (the provider runs in this process).
func TestAccCloudInstance(t *testing.T) {
	n := startArtnetd(t)
	t.Setenv("ARTNET_INSTANCE_PASSWORD_1", "demo1234")
	const addr = "artnet_cloud_instance.web"
	v1 := n.config(`
resource "artnet_cloud_instance" "web" {
  instance_id       = 1
  resources         = { cpu_cores = 2, ram = 2048 }
  custom_properties = { display_name = "tofu web" }
  state             = "running"
}`)
	v2 := n.config(`
resource "artnet_cloud_instance" "web" {
  instance_id       = 1
  resources         = { cpu_cores = 2, ram = 2048, hdd = 20 }
  custom_properties = { display_name = "tofu web", notes = "managed" }
  state             = "stopped"
  boot_status       = "install"
  installation_image = "debian-12"
}`)
	// The same, switching the machine off by cutting its power instead of
	// an ACPI shutdown.
	v2Cut := strings.TrimSuffix(v2, "}") + "  shutdown = false\n}"
	ctx := context.Background()
	details := func() *artnet.CloudInstanceDetails {
		d, err := n.Client.CloudInstance.Details(ctx, 1)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	api := func(want string) resource.TestCheckFunc {
		return func(*terraform.State) error {
			d := details()
			got := fmt.Sprintf("cpu=%d ram=%d hdd=%d name=%q notes=%q state=%s boot=%s", d.Resources.CPUCores, d.Resources.RAM,
				d.Resources.HDD, d.CustomProperties.DisplayName, d.CustomProperties.Notes, d.State, d.BootStatus)
			if got != want {
				return fmt.Errorf("the API answers %s, want %s", got, want)
			}
			return nil
		}
	}
	accTest(t,
		resource.TestStep{
			Config: v1,
			Check: resource.ComposeAggregateTestCheckFunc(
				api(`cpu=2 ram=2048 hdd=10 name="tofu web" notes="front-end" state=running boot=boot`),
				resource.TestCheckResourceAttr(addr, "custom_name", "tofu web"),
				resource.TestCheckResourceAttr(addr, "name", "ci-acme-web"),
				resource.TestCheckResourceAttr(addr, "resources.hdd", "10"),
				resource.TestCheckResourceAttr(addr, "network_configuration.ip", "123.123.127.10"),
				resource.TestCheckNoResourceAttr(addr, "instance_password_wo"),
			),
		},
		resource.TestStep{
			Config:           v2,
			ConfigPlanChecks: plans(addr, plancheck.ResourceActionUpdate),
			Check: resource.ComposeAggregateTestCheckFunc(
				api(`cpu=2 ram=2048 hdd=20 name="tofu web" notes="managed" state=stopped boot=install`),
				resource.TestCheckResourceAttr(addr, "installation_image", "debian-12"),
			),
		},
		resource.TestStep{
			ResourceName: addr, ImportState: true, ImportStateId: "1",
			ImportStateVerify: true, ImportStateVerifyIdentifierAttribute: "instance_id",
			// The API does not answer which image is set.
			ImportStateVerifyIgnore: []string{"installation_image"},
		},
		resource.TestStep{
			// Changed by hand: powered on, renamed.
			PreConfig: func() {
				if err := n.Client.CloudInstance.PowerOn(ctx, artnet.InstanceAuth{InstanceID: 1, Password: "demo1234"}); err != nil {
					t.Fatal(err)
				}
				name := "by hand"
				if err := n.Client.CloudInstance.CustomPropertiesEdit(ctx, artnet.CloudCustomPropertiesEditOpts{InstanceID: 1, DisplayName: &name}); err != nil {
					t.Fatal(err)
				}
			},
			Config:           v2Cut,
			ConfigPlanChecks: plans(addr, plancheck.ResourceActionUpdate),
			Check:            api(`cpu=2 ram=2048 hdd=20 name="tofu web" notes="managed" state=stopped boot=install`),
		},
		resource.TestStep{
			Config:      strings.Replace(v2, "hdd = 20", "hdd = 10", 1),
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(`hdd can only grow`),
		},
		resource.TestStep{
			Config:      strings.Replace(v2, "cpu_cores = 2", "cpu_cores = 9", 1),
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(`cpu_cores must be from 1 to 8`),
		},
		resource.TestStep{
			Config:      strings.Replace(v2, `"debian-12"`, `"windows-95"`, 1),
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(`"windows-95" is not an image`),
		},
		resource.TestStep{
			// Without the password a change that needs it fails at plan.
			PreConfig:   func() { os.Unsetenv("ARTNET_INSTANCE_PASSWORD_1") },
			Config:      strings.Replace(v2, `"stopped"`, `"running"`, 1),
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(`needs its\s+management password`),
		},
		resource.TestStep{
			PreConfig: func() { os.Setenv("ARTNET_INSTANCE_PASSWORD_1", "demo1234") },
			Config:    strings.Replace(v2, `"stopped"`, `"running"`, 1),
			Check:     api(`cpu=2 ram=2048 hdd=20 name="tofu web" notes="managed" state=running boot=install`),
		},
	)
	// Destroy left the instance as it was.
	if d := details(); d.State != "running" || d.Resources.HDD != 20 {
		t.Fatalf("after destroy: %+v", d)
	}
}
