// Command terraform-provider-artnet is the Terraform / OpenTofu provider of
// the Artnet Customers Panel API (package internal/tfprovider). Terraform
// or OpenTofu starts it as a plugin; run by hand with -debug it serves in
// debug mode and prints the TF_REATTACH_PROVIDERS value to use.
//
// Build it with `go build ./cmd/terraform-provider-artnet` and point a CLI
// configuration at the directory holding the binary:
//
//	provider_installation {
//	  dev_overrides { "artnet-panel/artnet" = "/path/to/dir" }
//	  direct {}
//	}
package main

import (
	"context"
	"flag"
	"log"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/artnet-panel/artnet-panel/internal/tfprovider"
)

// version is set at build time (-ldflags "-X main.version=...").
var version = "dev"

func main() {
	debug := flag.Bool("debug", false, "serve in debug mode (prints TF_REATTACH_PROVIDERS)")
	flag.Parse()
	err := providerserver.Serve(context.Background(), tfprovider.New(version), providerserver.ServeOpts{
		// OpenTofu's default registry host: the short source address
		// "artnet-panel/artnet" of a configuration (and of dev_overrides)
		// is registry.opentofu.org/artnet-panel/artnet there. The address
		// only matters in debug mode.
		Address: tfprovider.Address,
		Debug:   *debug,
	})
	if err != nil {
		log.Fatal(err)
	}
}
