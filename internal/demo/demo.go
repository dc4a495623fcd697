// Package demo seeds an empty database with a demo customer who owns one
// service of each of the 13 service types, so a newcomer can try every
// command at once.
package demo

import (
	"context"
	_ "embed"
	"fmt"

	"github.com/artnet-panel/artnet-panel/internal/inventory"
	"github.com/artnet-panel/artnet-panel/internal/panel"
	"github.com/artnet-panel/artnet-panel/internal/store"
)

//go:embed demo.json
var demoJSON []byte

// CloudSecretKey seals the console passwords of the demo's cloud
// instances (the demo instance's password is demo1234). It is public:
// never use it outside the demo.
var CloudSecretKey = []byte("artnet-panel demo key, public!!!")

// Inventory returns the demo inventory (without an API key), with
// CloudSecretKey to seal its instances' console passwords.
func Inventory() (inventory.Inventory, error) {
	inv, err := inventory.Parse(demoJSON)
	inv.CloudSecretKey = CloudSecretKey
	return inv, err
}

// Seed imports the demo inventory when the database has no customers yet,
// gives the demo customer a fresh API key, and returns its id and key.
// seeded is false (and nothing changes) when the database is not empty.
func Seed(ctx context.Context, s store.Store) (id int64, key string, seeded bool, err error) {
	customers, err := s.CustomerList(ctx)
	if err != nil {
		return 0, "", false, fmt.Errorf("demo: list customers: %w", err)
	}
	if len(customers) > 0 {
		return 0, "", false, nil
	}
	inv, err := Inventory()
	if err != nil {
		return 0, "", false, fmt.Errorf("demo: %w", err)
	}
	key, err = panel.NewAPIKey()
	if err != nil {
		return 0, "", false, fmt.Errorf("demo: %w", err)
	}
	inv.Customers[0].APIKey = key
	if err := inventory.Import(ctx, s, inv); err != nil {
		return 0, "", false, fmt.Errorf("demo: %w", err)
	}
	return inv.Customers[0].Customer.ID, key, true, nil
}
