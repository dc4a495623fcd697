package main

import (
	"log/slog"

	"github.com/artnet-panel/artnet-panel/internal/driver/nft"
	"github.com/artnet-panel/artnet-panel/internal/firewall"
	"github.com/artnet-panel/artnet-panel/internal/metrics"
)

// newNFT returns the nftables driver of c's table and namespace. A table
// changed by hand is logged and counted (artnet_firewall_hand_edits_total)
// when the driver puts it back.
func newNFT(c FirewallConfig, logger *slog.Logger) (firewall.Device, error) {
	d := &nft.Driver{Table: c.Table, NetNS: c.NetNS}
	d.OnHandEdit = func(what string) {
		metrics.FirewallHandEdits.Inc()
		logger.Warn("firewall: the nftables table was changed by hand; putting it back", "table", d.Table, "netns", d.NetNS, "change", what)
	}
	return d, nil
}
