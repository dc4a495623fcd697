package artnet_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"time"

	"github.com/artnet-panel/artnet-panel/artnet"
)

func ExampleNewClient() {
	c := artnet.NewClient(19052, os.Getenv("ARTNET_API_KEY"),
		artnet.WithEndpoint("http://localhost:8080/api"), // an artnetd; default: the original service
		artnet.WithRetry(3, 200*time.Millisecond),
	)
	ctx := context.Background()

	servers, err := c.Services.List(ctx, artnet.ServiceListOpts{Type: artnet.ServiceTypeDedicated, Limit: 50})
	if err != nil {
		log.Fatal(err)
	}
	for _, s := range servers {
		d, err := c.Dedicated.Details(ctx, s.ID)
		if artnet.IsError(err, artnet.ErrCodeAuthorizationFailed) {
			continue
		}
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(s.Name, d.NetworkConfiguration.IP, s.PaymentDetails.PriceBrutto, s.PaymentDetails.Currency)
	}
}

func ExampleServicesAPI_All() {
	c := artnet.NewClient(19052, os.Getenv("ARTNET_API_KEY"))
	for s, err := range c.Services.All(context.Background(), artnet.ServiceListOpts{Limit: 100}) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(s.ID, s.Type, s.Name, s.ExpirationTime.Format(time.DateOnly))
	}
}

func ExampleDNSAPI_EditPrimaryRecords() {
	c := artnet.NewClient(19052, os.Getenv("ARTNET_API_KEY"))
	ctx := context.Background()
	zone, err := c.DNS.DetailsPrimary(ctx, 42)
	if err != nil {
		log.Fatal(err)
	}
	records := append(zone.Records, artnet.DNSRecord{Name: "www", TTL: 3600, Type: artnet.DNSRecordA, Data1: "192.0.2.10"})
	err = c.DNS.EditPrimaryRecords(ctx, artnet.DNSEditPrimaryRecordsOpts{ZoneID: zone.ID, Serial: zone.Serial, Records: records})
	if artnet.IsError(err, artnet.ErrCodeIncorrectSOASerial) {
		log.Fatal("the zone changed meanwhile; read it again")
	}
}
