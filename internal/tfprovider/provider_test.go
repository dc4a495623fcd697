package tfprovider

import (
	"fmt"
	"regexp"
	"strconv"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

// TestAccProviderEnv: id, api_key and endpoint come from the CLI's
// environment variables when the provider block leaves them out, and
// missing or bad ones fail the plan with what to set.
func TestAccProviderEnv(t *testing.T) {
	n := startArtnetd(t)
	cfg := fmt.Sprintf(`terraform {
  required_providers {
    artnet = { source = "artnet-panel/artnet" }
  }
}

provider "artnet" {}

data "artnet_service" "d" {
  id = %d
}
`, demoDomainService)
	t.Setenv(EnvID, strconv.FormatInt(n.ID, 10))
	t.Setenv(EnvAPIKey, n.APIKey)
	t.Setenv(EnvEndpoint, n.Endpoint)
	accTest(t, resource.TestStep{Config: cfg,
		Check: resource.TestCheckResourceAttr("data.artnet_service.d", "name", "acme.test")})

	// The attribute wins over the environment.
	t.Setenv(EnvAPIKey, "wrong-key-from-the-environment")
	accTest(t, resource.TestStep{Config: n.config(fmt.Sprintf("data \"artnet_service\" \"d\" {\n  id = %d\n}\n", demoDomainService)),
		Check: resource.TestCheckResourceAttr("data.artnet_service.d", "name", "acme.test")})
	// The wrong key is the API's authorization-failed.
	accTest(t, resource.TestStep{Config: cfg, ExpectError: regexp.MustCompile(`authorization-failed`)})

	t.Setenv(EnvAPIKey, "")
	accTest(t, resource.TestStep{Config: cfg, ExpectError: regexp.MustCompile(`Missing API key`)})
	t.Setenv(EnvAPIKey, n.APIKey)
	t.Setenv(EnvID, "abc")
	accTest(t, resource.TestStep{Config: cfg, ExpectError: regexp.MustCompile(`ARTNET_ID="abc": want a positive customer id`)})
	t.Setenv(EnvID, strconv.FormatInt(n.ID, 10))
	t.Setenv(EnvEndpoint, "ftp://example.com")
	accTest(t, resource.TestStep{Config: cfg, ExpectError: regexp.MustCompile(`want an http:// or https:// URL`)})
}
