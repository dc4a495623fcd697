#!/usr/bin/env bash
# Regenerates docs/terraform (one page per resource and data source, from
# the provider's schema descriptions and examples/terraform) with
# tfplugindocs (terraform-plugin-docs v0.24.0, built from the module proxy
# through tools/tfplugindocs). The schema comes from
# `tofu providers schema -json` on the provider built here, found through a
# dev_overrides CLI configuration: no registry, no Terraform download.
#
#   scripts/tfdocs.sh        rewrites docs/terraform
#   scripts/tfdocs.sh DIR    writes DIR/docs/terraform instead (the test
#                            that docs/terraform is up to date compares them)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
if [ $# -gt 0 ]; then
  root=$(cd "$1" && pwd)
  mkdir -p "$root/examples" "$root/docs"
  cp -r examples/terraform "$root/examples/"
  [ ! -d docs/terraform-templates ] || cp -r docs/terraform-templates "$root/docs/"
fi
cache="${XDG_CACHE_HOME:-$HOME/.cache}/artnet-panel"
docs="$cache/tfplugindocs-v0.24.0"
if [ ! -x "$docs" ]; then
  mkdir -p "$cache"
  (cd tools/tfplugindocs && go build -o "$docs.tmp.$$" github.com/hashicorp/terraform-plugin-docs/cmd/tfplugindocs)
  mv "$docs.tmp.$$" "$docs"
fi
tofu=$(scripts/tofu.sh)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
go build -o "$work/bin/terraform-provider-artnet" ./cmd/terraform-provider-artnet
cat >"$work/tofurc" <<RC
provider_installation {
  dev_overrides {
    "artnet-panel/artnet" = "$work/bin"
  }
  direct {}
}
RC
mkdir "$work/cfg"
cat >"$work/cfg/main.tf" <<'TF'
terraform {
  required_providers {
    artnet = { source = "artnet-panel/artnet" }
  }
}
TF
# tfplugindocs looks the schema up by the short name "artnet" (or under
# registry.terraform.io/hashicorp/): rename OpenTofu's full address.
TF_CLI_CONFIG_FILE="$work/tofurc" "$tofu" -chdir="$work/cfg" providers schema -json |
  sed 's#"registry.opentofu.org/artnet-panel/artnet"#"artnet"#' >"$work/schema.json"
"$docs" generate --provider-dir "$root" --provider-name artnet --rendered-provider-name "Artnet (artnet-panel)" \
  --providers-schema "$work/schema.json" --examples-dir examples/terraform \
  --website-source-dir docs/terraform-templates --rendered-website-dir docs/terraform --website-temp-dir "$work/tmp"
