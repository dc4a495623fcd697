package cli

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/artnet-panel/artnet-panel/artnet"
)

func newCmdOfferDedicated(f *Factory) *cobra.Command {
	cmd := newModuleCmd("offer-dedicated")
	cmd.AddCommand(
		newCmdOfferDedicatedCustomOffer(f, nil),
		newCmdOfferDedicatedExpressOffer(f, nil),
		newCmdOfferDedicatedExpressReservationsList(f, nil),
		newCmdOfferDedicatedExpressReservation(f, nil),
		newCmdOfferDedicatedExpressReservationCancel(f, nil),
		newCmdOfferDedicatedExpressOrder(f, nil),
	)
	return cmd
}

func newCmdOfferDedicatedCustomOffer(f *Factory, runF func(*NoArgsOptions) error) *cobra.Command {
	return newNoArgsCommand(f, "offer-dedicated", "custom-offer", runF, offerDedicatedCustomOfferRun)
}

func offerDedicatedCustomOfferRun(o *NoArgsOptions) error {
	c, err := o.Client()
	if err != nil {
		return err
	}
	offer, err := c.OfferDedicated.CustomOffer(o.Ctx)
	if err != nil {
		return err
	}
	resp := artnet.CustomOfferResponse{Resources: offer}
	return o.Print(resp, func(w io.Writer) error { return printDetails(w, resp) })
}

func newCmdOfferDedicatedExpressOffer(f *Factory, runF func(*NoArgsOptions) error) *cobra.Command {
	return newNoArgsCommand(f, "offer-dedicated", "express-offer", runF, offerDedicatedExpressOfferRun)
}

func offerDedicatedExpressOfferRun(o *NoArgsOptions) error {
	c, err := o.Client()
	if err != nil {
		return err
	}
	servers, err := c.OfferDedicated.ExpressOffer(o.Ctx)
	if err != nil {
		return err
	}
	return o.printExpressServers(servers)
}

func newCmdOfferDedicatedExpressReservationsList(f *Factory, runF func(*NoArgsOptions) error) *cobra.Command {
	return newNoArgsCommand(f, "offer-dedicated", "express-reservations-list", runF, offerDedicatedExpressReservationsListRun)
}

func offerDedicatedExpressReservationsListRun(o *NoArgsOptions) error {
	c, err := o.Client()
	if err != nil {
		return err
	}
	servers, err := c.OfferDedicated.ExpressReservationsList(o.Ctx)
	if err != nil {
		return err
	}
	return o.printExpressServers(servers)
}

// printExpressServers prints an express offer as rows.
func (o *Common) printExpressServers(servers []artnet.ExpressServer) error {
	return o.Print(artnet.ExpressOfferResponse{Offer: servers}, func(w io.Writer) error {
		t := newTable(w, "ID", "SERVER", "CPU", "RAM", "HDD", "PRICE", "RESELLER PRICE")
		for _, s := range servers {
			hw := s.HardwareConfiguration
			var cpus, hdds []string
			ram := int64(0)
			for _, c := range hw.CPU {
				cpus = append(cpus, strings.TrimSpace(c.Vendor+" "+c.Model))
			}
			for _, r := range hw.RAM {
				ram += r.Capacity
			}
			for _, h := range hw.HDD {
				hdds = append(hdds, fmt.Sprintf("%d GB %s", h.Capacity, h.Type))
			}
			reseller := ""
			if s.Prices.Reseller != nil {
				reseller = formatExpressPrice(*s.Prices.Reseller)
			}
			t.row(fmt.Sprint(s.ID), strings.TrimSpace(hw.Server.Vendor+" "+hw.Server.Model), strings.Join(cpus, ", "),
				fmt.Sprintf("%d GB", ram), strings.Join(hdds, ", "), formatExpressPrice(s.Prices.Regular), reseller)
		}
		return t.flush()
	})
}

func formatExpressPrice(p artnet.ExpressPrice) string {
	return fmt.Sprintf("%s %s / %d mo", formatMoney(p.Price), p.Currency, p.PaymentPeriod)
}

func newCmdOfferDedicatedExpressReservation(f *Factory, runF func(*IDOptions) error) *cobra.Command {
	return newIDCommand(f, "offer-dedicated", "express-reservation", "server_id", runF, offerDedicatedExpressReservationRun)
}

func offerDedicatedExpressReservationRun(o *IDOptions) error {
	c, err := o.Client()
	if err != nil {
		return err
	}
	if err := c.OfferDedicated.ExpressReservation(o.Ctx, o.ID); err != nil {
		return err
	}
	return o.Done(fmt.Sprintf("Server %d reserved for 48 hours.", o.ID))
}

func newCmdOfferDedicatedExpressReservationCancel(f *Factory, runF func(*IDOptions) error) *cobra.Command {
	return newIDCommand(f, "offer-dedicated", "express-reservation-cancel", "server_id", runF, offerDedicatedExpressReservationCancelRun)
}

func offerDedicatedExpressReservationCancelRun(o *IDOptions) error {
	c, err := o.Client()
	if err != nil {
		return err
	}
	if err := c.OfferDedicated.ExpressReservationCancel(o.Ctx, o.ID); err != nil {
		return err
	}
	return o.Done(fmt.Sprintf("Reservation of server %d cancelled.", o.ID))
}

func newCmdOfferDedicatedExpressOrder(f *Factory, runF func(*IDOptions) error) *cobra.Command {
	cmd := newIDCommand(f, "offer-dedicated", "express-order", "server_id", runF, offerDedicatedExpressOrderRun)
	cmd.Long += "\n\nThe order is charged. The management panel URL carries credentials: keep it secret."
	return cmd
}

func offerDedicatedExpressOrderRun(o *IDOptions) error {
	c, err := o.Client()
	if err != nil {
		return err
	}
	d, err := c.OfferDedicated.ExpressOrder(o.Ctx, o.ID)
	if err != nil {
		return err
	}
	return o.Print(artnet.ExpressOrderResponse{OrderDetails: *d}, func(w io.Writer) error {
		return printDetails(w, d)
	})
}
