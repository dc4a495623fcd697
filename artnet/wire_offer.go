package artnet

import (
	"bytes"
	"encoding/json"
)

// Wire types of the offer-dedicated module.

// ObjectList is a field the documentation types "object-list" (as opposed
// to "objects-list"): it is written as a JSON array, and read from an array
// or from a single object (a list of one), since the documentation does not
// say which of the two the original service sends.
type ObjectList[T any] []T

// UnmarshalJSON reads a JSON array, a single object or null.
func (l *ObjectList[T]) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case bytes.Equal(b, []byte("null")):
		*l = nil
		return nil
	case len(b) > 0 && b[0] == '{':
		var v T
		if err := json.Unmarshal(b, &v); err != nil {
			return err
		}
		*l = ObjectList[T]{v}
		return nil
	}
	var s []T
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	*l = s
	return nil
}

// OfferPrice is a price of the custom offer.
type OfferPrice struct {
	Price         Money  `json:"price"`
	Currency      string `json:"currency"`
	PaymentPeriod string `json:"payment_period"`
}

// PlatformResources are the built-in parts of a platform.
type PlatformResources struct {
	CPU           string `json:"cpu"`
	HDDController string `json:"hdd_controller"`
}

// PlatformLimits are the limits of a platform.
type PlatformLimits struct {
	HDDSizes []string `json:"hdd_sizes"`
	HDDSlots string   `json:"hdd_slots"`
	RAMMax   string   `json:"ram_max"`
	CPUSlots int64    `json:"cpu_slots"`
}

// OfferPlatform is a server platform of the custom offer.
type OfferPlatform struct {
	ModelName       string                        `json:"model_name"`
	Resources       ObjectList[PlatformResources] `json:"resources"`
	ResourcesLimits ObjectList[PlatformLimits]    `json:"resources_limits"`
	Price           ObjectList[OfferPrice]        `json:"price"`
}

// OfferHDD is a disk of the custom offer.
type OfferHDD struct {
	Capacity string                 `json:"capacity"`
	Type     string                 `json:"type"`
	Speed    string                 `json:"speed"`
	Size     string                 `json:"size"`
	Price    ObjectList[OfferPrice] `json:"price"`
}

// OfferRAM is a memory option of the custom offer.
type OfferRAM struct {
	Capacity string                 `json:"capacity"`
	Price    ObjectList[OfferPrice] `json:"price"`
}

// OfferNamedItem is an additional CPU, HDD controller or other service of
// the custom offer.
type OfferNamedItem struct {
	Name  string                 `json:"name"`
	Price ObjectList[OfferPrice] `json:"price"`
}

// OfferTransferPackage is a transfer package of the custom offer.
type OfferTransferPackage struct {
	Transfer string                 `json:"transfer"`
	Price    ObjectList[OfferPrice] `json:"price"`
}

// OfferBandwidthPackage is a bandwidth package of the custom offer.
type OfferBandwidthPackage struct {
	Bandwidth string                 `json:"bandwidth"`
	Price     ObjectList[OfferPrice] `json:"price"`
}

// OfferIP is an additional IP addresses option of the custom offer.
type OfferIP struct {
	Amount string                 `json:"amount"`
	Price  ObjectList[OfferPrice] `json:"price"`
}

// CustomOffer is an item of resources of /offer-dedicated/custom-offer: the
// parts a dedicated server can be ordered with, and their prices.
type CustomOffer struct {
	Platforms        ObjectList[OfferPlatform]         `json:"platforms"`
	HDDDisks         ObjectList[OfferHDD]              `json:"hdd_disks"`
	RAMs             ObjectList[OfferRAM]              `json:"rams"`
	AdditionalCPUs   ObjectList[OfferNamedItem]        `json:"additional_cpus"`
	HDDControllers   ObjectList[OfferNamedItem]        `json:"hdd_controllers"`
	TransferPackage  ObjectList[OfferTransferPackage]  `json:"transfer_package"`
	BandwidthPackage ObjectList[OfferBandwidthPackage] `json:"bandwidth_package"`
	Others           ObjectList[OfferNamedItem]        `json:"others"`
	IP               ObjectList[OfferIP]               `json:"ip"`
}

// ExpressPrice is a price of an express server (VAT excluded).
type ExpressPrice struct {
	Price         Money  `json:"price"`
	Currency      string `json:"currency"`
	PaymentPeriod Int    `json:"payment_period"` // months
}

// ExpressPrices are the prices of an express server; Reseller is given to
// resellers only.
type ExpressPrices struct {
	Regular  ExpressPrice  `json:"regular"`
	Reseller *ExpressPrice `json:"reseller,omitempty"`
}

// ExpressServer is an item of /offer-dedicated/express-offer and
// /offer-dedicated/express-reservations-list: a ready to run server.
type ExpressServer struct {
	ID                    int64                 `json:"id"`
	HardwareConfiguration HardwareConfiguration `json:"hardware_configuration"`
	Prices                ExpressPrices         `json:"prices"`
}

// ExpressOrderDetails is order_details of /offer-dedicated/express-order.
// ManagementPanelURL carries credentials: treat it as a password.
type ExpressOrderDetails struct {
	ServiceID          int64  `json:"service_id"`
	InvoiceNumber      string `json:"invoice_number"`
	ManagementPanelURL string `json:"management_panel_url"`
}

// CustomOfferResponse answers /offer-dedicated/custom-offer.
type CustomOfferResponse struct {
	Resources []CustomOffer `json:"resources"`
}

// ExpressOfferResponse answers /offer-dedicated/express-offer and
// /offer-dedicated/express-reservations-list.
type ExpressOfferResponse struct {
	Offer []ExpressServer `json:"offer"`
}

// ExpressOrderResponse answers /offer-dedicated/express-order.
type ExpressOrderResponse struct {
	OrderDetails ExpressOrderDetails `json:"order_details"`
}
