package artnet

// Wire types of the additional-ip order commands and of the ip-blackholing
// module.

// AdditionalIPOrderInfo is order_info of /additional-ip/order-info: the
// price of ONE additional IP address for the server, and how many can be
// ordered now.
type AdditionalIPOrderInfo struct {
	MaximumIPsNumber    int64          `json:"maximum_ips_number"`
	OneIPPaymentDetails PaymentDetails `json:"one_ip_payment_details"`
}

// AdditionalIPOrderInfoResponse answers /additional-ip/order-info.
type AdditionalIPOrderInfoResponse struct {
	OrderInfo AdditionalIPOrderInfo `json:"order_info"`
}

// IPConfiguration is one assigned address of an additional IP order.
type IPConfiguration struct {
	IP   string `json:"ip"`
	Mask string `json:"mask"`
}

// AdditionalIPOrderDetails is order_details of /additional-ip/order.
type AdditionalIPOrderDetails struct {
	// ServiceID is the id of the new additional IP service.
	ServiceID        int64             `json:"service_id"`
	IPsNumber        int64             `json:"ips_number"`
	IPsConfiguration []IPConfiguration `json:"ips_configuration"`
}

// AdditionalIPOrderResponse answers /additional-ip/order.
type AdditionalIPOrderResponse struct {
	OrderDetails AdditionalIPOrderDetails `json:"order_details"`
}

// Blackhole types of /ip-blackholing/list.
const (
	BlackholeTypeCustomer = "customer" // set by the customer, who may unset it
	BlackholeTypeAdmin    = "admin"    // set by a network administrator; cannot be unset by the customer
)

// BlackholedIP is an item of /ip-blackholing/list.
type BlackholedIP struct {
	IP   string `json:"ip"`
	Type string `json:"type"` // BlackholeTypeCustomer or BlackholeTypeAdmin
}

// BlackholedIPsListResponse answers /ip-blackholing/list.
type BlackholedIPsListResponse struct {
	BlackholedIPsList []BlackholedIP `json:"blackholed_ips_list"`
}
