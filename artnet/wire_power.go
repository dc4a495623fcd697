package artnet

// Wire types shared by the dedicated and colocation modules (power,
// transfer usage) and the dedicated iLO / IPMI commands.

// PowerDetails is power_details of /dedicated/power-details and
// /colocation/power-details. The state is that of the power line, not of
// the operating system.
type PowerDetails struct {
	Manageable bool   `json:"manageable"`
	State      string `json:"state"`
}

// PowerDetailsResponse answers the power-details commands.
type PowerDetailsResponse struct {
	PowerDetails PowerDetails `json:"power_details"`
}

// TimeRange is a period from From to To (Unix seconds on the wire). The
// documentation names both ends "from" (a copy-paste slip); the end is "to".
type TimeRange struct {
	From Timestamp `json:"from"`
	To   Timestamp `json:"to"`
}

// TransferUsage is the traffic of a period, in bytes.
type TransferUsage struct {
	Up   int64 `json:"up"`   // data sent
	Down int64 `json:"down"` // data received
}

// TransferPeriod is one payment period of transfer_usage_details.
type TransferPeriod struct {
	TimeRange     TimeRange     `json:"time_range"`
	TransferUsage TransferUsage `json:"transfer_usage"`
}

// TransferUsageDetails is transfer_usage_details of the
// transfer-usage-details commands: the previous 3 and the current payment
// period.
type TransferUsageDetails struct {
	PeriodsList []TransferPeriod `json:"periods_list"`
}

// TransferUsageDetailsResponse answers the transfer-usage-details commands.
type TransferUsageDetailsResponse struct {
	TransferUsageDetails TransferUsageDetails `json:"transfer_usage_details"`
}

// ILODetails is ilo_details of /dedicated/ilo-details.
type ILODetails struct {
	Available     bool   `json:"available"`
	IP            string `json:"ip"`
	AccessEnabled bool   `json:"access_enabled"`
	// AccessIP is the remote address allowed to connect while access is
	// enabled.
	AccessIP string `json:"access_ip"`
}

// ILODetailsResponse answers /dedicated/ilo-details.
type ILODetailsResponse struct {
	ILODetails ILODetails `json:"ilo_details"`
}
