package store

import "context"

// PowerStore is the part of Store for power management and transfer
// usage of dedicated servers and colocations (and, through the same
// power_management row, VPS).
type PowerStore interface {
	// PowerSet inserts or replaces the power row of a service of
	// p.CustomerID (operator use). Returns ErrNotFound when the customer
	// has no such service.
	PowerSet(ctx context.Context, p Power) error
	// PowerGet returns the customer's service's power row, or ErrNotFound.
	PowerGet(ctx context.Context, customerID, serviceID int64) (Power, error)
	// PowerSetState stores the power state of the customer's serviceID
	// (the simulator's state). Returns ErrNotFound when the customer's
	// service has no power row.
	PowerSetState(ctx context.Context, customerID, serviceID int64, state string) error
	// PowerAll returns every power row, by service id (operator use).
	PowerAll(ctx context.Context) ([]Power, error)
	// PowerBusy makes node the holder of serviceID's power line until
	// `until` (Unix seconds) when nobody else holds it at now (free,
	// expired, or node's own), and reports whether it did
	// (compare-and-swap). Returns ErrNotFound when the customer's service
	// has no power row.
	PowerBusy(ctx context.Context, customerID, serviceID int64, node string, now, until int64) (bool, error)
	// PowerIdle releases the customer's serviceID's power line if node
	// holds it.
	PowerIdle(ctx context.Context, customerID, serviceID int64, node string) error

	// TransferPortSet inserts or replaces the switch port of a service of
	// p.CustomerID, with its last counters (operator use). Returns
	// ErrNotFound when the customer has no such service.
	TransferPortSet(ctx context.Context, p TransferPort) error
	// TransferPortGet returns the customer's service's switch port, or
	// ErrNotFound.
	TransferPortGet(ctx context.Context, customerID, serviceID int64) (TransferPort, error)
	// TransferPortsAll returns every switch port, by service id (poller
	// and operator use).
	TransferPortsAll(ctx context.Context) ([]TransferPort, error)
	// TransferLease gives node the right to poll serviceID's port until
	// `until` (Unix seconds) when nobody else holds it at now (the lease
	// is free, expired, or node's own), and reports whether it did
	// (compare-and-swap: of concurrent callers at most one gets it).
	TransferLease(ctx context.Context, serviceID int64, node string, now, until int64) (bool, error)
	// TransferSample records one poll of serviceID's port by node: the
	// port's counters become s.In, s.Out at s.At, and s.Up, s.Down are
	// added to the period starting at s.PeriodFrom (created, ending at
	// s.PeriodTo, when missing). It happens only while node holds the
	// lease and the port's last poll is still s.PrevAt; otherwise nothing
	// changes and ErrConflict is returned.
	TransferSample(ctx context.Context, s TransferSample) error
	// TransferPeriods returns the customer's service's stored periods by
	// start (none: empty).
	TransferPeriods(ctx context.Context, customerID, serviceID int64) ([]TransferPeriod, error)
	// TransferPeriodSet inserts or replaces one period of a service of
	// customerID (operator use). Returns ErrNotFound.
	TransferPeriodSet(ctx context.Context, customerID, serviceID int64, p TransferPeriod) error
}

// Power is a service's power management: the driver that reaches its
// power line and the driver's connection (the operator's
// power_management object as JSON: it may hold a BMC password, so it is
// never shown to customers nor logged).
type Power struct {
	ServiceID  int64
	CustomerID int64
	Driver     string // "sim", "ipmi", "qemu", …
	Config     []byte // JSON object
	State      string // the simulator's state ("on", "off"); other drivers: ""
}

// TransferPort is the switch port carrying a service's traffic and what
// the poller last read from it.
type TransferPort struct {
	ServiceID  int64
	CustomerID int64
	// Config is the JSON of the port's address (SNMP agent, community,
	// ifIndex); it holds a community or password: never shown nor logged.
	Config []byte
	// LastIn and LastOut are the port's octet counters at LastAt (Unix
	// seconds; 0: never polled).
	LastIn, LastOut uint64
	LastAt          int64
	LeaseNode       string
	LeaseUntil      int64
}

// TransferSample is one poll result (TransferSample).
type TransferSample struct {
	ServiceID  int64
	Node       string
	PrevAt     int64
	In, Out    uint64
	At         int64
	PeriodFrom int64
	PeriodTo   int64
	Up, Down   int64
}

// TransferPeriod is the traffic of one payment period, in bytes: Up sent
// by the server, Down received. From and To are Unix seconds (To is the
// next period's start).
type TransferPeriod struct {
	From, To int64
	Up, Down int64
}
