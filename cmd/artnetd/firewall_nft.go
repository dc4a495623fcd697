package main

import (
	"errors"

	"github.com/artnet-panel/artnet-panel/internal/firewall"
)

// newNFT returns the nftables driver.
func newNFT(c FirewallConfig) (firewall.Device, error) {
	return nil, errors.New("--firewall nft: the nftables driver is not built yet")
}
