//go:build tools

// Package tools pins tfplugindocs for scripts/tfdocs.sh.
package tools

import _ "github.com/hashicorp/terraform-plugin-docs/cmd/tfplugindocs"
