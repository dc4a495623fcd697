package tfprovider

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/artnet-panel/artnet-panel/artnet"
)

// TestAccDataSources: every data source shows what the SDK reads from the
// same server.
func TestAccDataSources(t *testing.T) {
	t.Parallel()
	n := startArtnetd(t)
	ctx := context.Background()
	all, err := n.Client.Services.List(ctx, artnet.ServiceListOpts{})
	if err != nil {
		t.Fatal(err)
	}
	domains, err := n.Client.Services.List(ctx, artnet.ServiceListOpts{Type: artnet.ServiceTypeDomain})
	if err != nil {
		t.Fatal(err)
	}
	svc, err := n.Client.Services.Details(ctx, demoDomainService)
	if err != nil {
		t.Fatal(err)
	}
	offer, err := n.Client.OfferDedicated.ExpressOffer(ctx)
	if err != nil {
		t.Fatal(err)
	}
	images, err := n.Client.CloudInstance.BootInstallationImagesList(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) < 2 || len(domains) == 0 || len(offer) == 0 || len(images) == 0 || len(all) == len(domains) {
		t.Fatalf("the demo data changed: %d services, %d domains, %d offers, %d images", len(all), len(domains), len(offer), len(images))
	}
	hw := offer[0].HardwareConfiguration
	checks := []resource.TestCheckFunc{
		resource.TestCheckResourceAttr("data.artnet_services.all", "services_list.#", strconv.Itoa(len(all))),
		resource.TestCheckResourceAttr("data.artnet_services.all", "services_list.0.id", strconv.FormatInt(all[0].ID, 10)),
		resource.TestCheckResourceAttr("data.artnet_services.all", "services_list.0.payment_details.price", all[0].PaymentDetails.Price.String()),
		resource.TestCheckResourceAttr("data.artnet_services.domains", "services_list.#", strconv.Itoa(len(domains))),
		resource.TestCheckResourceAttr("data.artnet_services.domains", "services_list.0.type", "domain"),
		resource.TestCheckResourceAttr("data.artnet_services.first", "services_list.#", "1"),
		resource.TestCheckResourceAttr("data.artnet_services.first", "services_list.0.id", strconv.FormatInt(all[1].ID, 10)),
		resource.TestCheckResourceAttr("data.artnet_service.d", "name", svc.Name),
		resource.TestCheckResourceAttr("data.artnet_service.d", "type", svc.Type),
		resource.TestCheckResourceAttr("data.artnet_service.d", "expiration_time", strconv.FormatInt(svc.ExpirationTime.Seconds(), 10)),
		resource.TestCheckResourceAttr("data.artnet_express_offer.o", "offer.#", strconv.Itoa(len(offer))),
		resource.TestCheckResourceAttr("data.artnet_express_offer.o", "offer.0.id", strconv.FormatInt(offer[0].ID, 10)),
		resource.TestCheckResourceAttr("data.artnet_express_offer.o", "offer.0.prices.regular.price", offer[0].Prices.Regular.Price.String()),
		resource.TestCheckResourceAttr("data.artnet_express_offer.o", "offer.0.hardware_configuration.server.model", hw.Server.Model),
		resource.TestCheckResourceAttr("data.artnet_express_offer.o", "offer.0.hardware_configuration.cpu.#", strconv.Itoa(len(hw.CPU))),
		resource.TestCheckResourceAttr("data.artnet_installation_images.i", "installation_images_list.#", strconv.Itoa(len(images))),
		resource.TestCheckResourceAttr("data.artnet_installation_images.i", "installation_images_list.0.image", images[0].Image),
		resource.TestCheckOutput("domain_names", svc.Name),
	}
	accTest(t, resource.TestStep{
		Config: n.config(fmt.Sprintf(`
data "artnet_services" "all" {}

data "artnet_services" "domains" {
  service_type = "domain"
}

data "artnet_services" "first" {
  limit  = 1
  offset = 1
}

data "artnet_service" "d" {
  id = %d
}

data "artnet_express_offer" "o" {}

data "artnet_installation_images" "i" {
  instance_id = 1
}

output "domain_names" {
  value = join(",", [for s in data.artnet_services.domains.services_list : s.name])
}
`, demoDomainService)),
		Check: resource.ComposeAggregateTestCheckFunc(checks...),
	})
	// Errors of the API reach the user with their code.
	accTest(t, resource.TestStep{
		Config:      n.config("data \"artnet_service\" \"x\" {\n  id = 999999\n}\n"),
		ExpectError: regexp.MustCompile(artnet.ErrCodeAuthorizationFailed),
	})
	accTest(t, resource.TestStep{
		Config:      n.config("data \"artnet_services\" \"x\" {\n  service_type = \"castle\"\n}\n"),
		ExpectError: regexp.MustCompile(`value must be one of`),
	})
}
