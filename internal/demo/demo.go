// Package demo seeds an empty database with a demo customer who owns one
// service of each of the 13 service types, so a newcomer can try every
// command at once.
//
// demo.json is the demo inventory: the customer, its services (the power
// lines of its dedicated server and colocation on the power simulator,
// its VPS on the simulated power switch), DNS zones, reverse DNS,
// firewall rulesets, a cloud instance with the cloud settings, and the
// offer. Tests of other packages import it as their fixture.
//
// showcase.json is what Seed adds for artnetd serve --demo, so that every
// module has something to show at once: months of transfer history of the
// dedicated server and the colocation (there is no switch to poll in a
// demo), an address blackholed by the operator, and an IP pool additional
// IPs are ordered from. The history's months are moved to end with the
// current month when it is seeded.
package demo

import (
	"context"
	_ "embed"
	"fmt"
	"strconv"
	"time"

	"github.com/artnet-panel/artnet-panel/artnet"
	"github.com/artnet-panel/artnet-panel/internal/inventory"
	"github.com/artnet-panel/artnet-panel/internal/panel"
	"github.com/artnet-panel/artnet-panel/internal/store"
	"github.com/artnet-panel/artnet-panel/internal/strictjson"
)

//go:embed demo.json
var demoJSON []byte

//go:embed showcase.json
var showcaseJSON []byte

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

// showcase is showcase.json: the demo customer's transfer history by
// service id, its blackholed addresses and the IP pools.
type showcase struct {
	TransferUsageDetails map[string]artnet.TransferUsageDetails `json:"transfer_usage_details"`
	BlackholedIPs        []artnet.BlackholedIP                  `json:"blackholed_ips"`
	IPPools              []inventory.IPPool                     `json:"ip_pools"`
}

// Showcase returns the demo inventory with what Seed adds to it
// (showcase.json), its transfer history moved by whole months so that its
// last period is the month of now (UTC).
func Showcase(now time.Time) (inventory.Inventory, error) {
	inv, err := Inventory()
	if err != nil {
		return inv, err
	}
	var sc showcase
	if err := strictjson.Decode(showcaseJSON, &sc); err != nil {
		return inv, fmt.Errorf("showcase.json: %w", err)
	}
	c := &inv.Customers[0]
	c.BlackholedIPs = sc.BlackholedIPs
	inv.IPPools = sc.IPPools
	for id, d := range sc.TransferUsageDetails {
		found := false
		for j := range c.Services {
			if strconv.FormatInt(c.Services[j].Service.ID, 10) == id {
				c.Services[j].TransferUsageDetails = shiftToMonth(d, now)
				found = true
			}
		}
		if !found {
			return inv, fmt.Errorf("showcase.json: transfer_usage_details of service %s, not a demo service", id)
		}
	}
	return inv, nil
}

// shiftToMonth moves every period of d by the whole months between its
// last period's start and now.
func shiftToMonth(d artnet.TransferUsageDetails, now time.Time) *artnet.TransferUsageDetails {
	var last time.Time
	for _, p := range d.PeriodsList {
		if t := time.Unix(p.TimeRange.From.Seconds(), 0).UTC(); t.After(last) {
			last = t
		}
	}
	now = now.UTC()
	months := (now.Year()-last.Year())*12 + int(now.Month()-last.Month())
	out := &artnet.TransferUsageDetails{PeriodsList: make([]artnet.TransferPeriod, len(d.PeriodsList))}
	for i, p := range d.PeriodsList {
		from := time.Unix(p.TimeRange.From.Seconds(), 0).UTC().AddDate(0, months, 0)
		to := time.Unix(p.TimeRange.To.Seconds(), 0).UTC().AddDate(0, months, 0)
		out.PeriodsList[i] = artnet.TransferPeriod{TimeRange: artnet.TimeRange{From: artnet.Unix(from.Unix()), To: artnet.Unix(to.Unix())},
			TransferUsage: p.TransferUsage}
	}
	return out
}

// Seed imports the demo inventory with its showcase when the database has
// no customers yet, gives the demo customer a fresh API key, and returns
// its id and key. seeded is false (and nothing changes) when the database
// is not empty.
func Seed(ctx context.Context, s store.Store) (id int64, key string, seeded bool, err error) {
	customers, err := s.CustomerList(ctx)
	if err != nil {
		return 0, "", false, fmt.Errorf("demo: list customers: %w", err)
	}
	if len(customers) > 0 {
		return 0, "", false, nil
	}
	inv, err := Showcase(time.Now())
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
