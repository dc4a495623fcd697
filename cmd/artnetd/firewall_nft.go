package main

import (
	"github.com/artnet-panel/artnet-panel/internal/driver/nft"
	"github.com/artnet-panel/artnet-panel/internal/firewall"
)

// newNFT returns the nftables driver of c's table and namespace.
func newNFT(c FirewallConfig) (firewall.Device, error) {
	return &nft.Driver{Table: c.Table, NetNS: c.NetNS}, nil
}
