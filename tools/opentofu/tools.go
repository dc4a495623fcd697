//go:build tools

// Package tools pins the OpenTofu CLI for scripts/tofu.sh.
package tools

import _ "github.com/opentofu/opentofu/cmd/tofu"
