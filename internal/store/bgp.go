package store

import "context"

// BGPStore is the part of Store for what artnetd announces over BGP
// (blackholes; fail-over IPs live in the services' details) and for the
// pools additional IP addresses are ordered from. Every write of the
// announced state (blackholes, ServiceUpdate) raises the bgp generation
// (DriverGeneration(ctx, "bgp")) in the same transaction.
type BGPStore interface {
	// BlackholeAdd inserts b. Returns ErrConflict when the address is
	// already blackholed, ErrNotFound when the customer does not exist.
	BlackholeAdd(ctx context.Context, b Blackhole) error
	// BlackholeRemove deletes the blackhole of ip. Returns ErrNotFound.
	BlackholeRemove(ctx context.Context, ip string) error
	// BlackholeGet returns the blackhole of ip, whoever set it, or
	// ErrNotFound.
	BlackholeGet(ctx context.Context, ip string) (Blackhole, error)
	// BlackholeList returns the customer's blackholes, by address text.
	BlackholeList(ctx context.Context, customerID int64) ([]Blackhole, error)
	// BlackholesAll returns every blackhole, by address text (operator and
	// driver use).
	BlackholesAll(ctx context.Context) ([]Blackhole, error)

	// ServiceUpdate stores s's name, prices, ip and details when the
	// service belongs to s.CustomerID (else ErrNotFound) and raises the
	// bgp generation (a fail-over IP's real_ip is announced).
	ServiceUpdate(ctx context.Context, s Service) error
	// ServicesAll returns every service of every customer, by id
	// (operator and driver use); typ "" is any type.
	ServicesAll(ctx context.Context, typ string) ([]Service, error)

	// IPPoolCreate inserts p (operator use). Returns ErrConflict when the
	// id exists.
	IPPoolCreate(ctx context.Context, p IPPool) error
	// IPPoolsAll returns every pool, by id.
	IPPoolsAll(ctx context.Context) ([]IPPool, error)
	// IPAllocationAdd records that a.IP was handed out. Returns
	// ErrConflict when the address already was (in a concurrent
	// transaction too), ErrNotFound when the pool or service is missing.
	// It raises the firewall generation (the parent server's ruleset
	// filters the address).
	IPAllocationAdd(ctx context.Context, a IPAllocation) error
	// IPAllocationsAll returns every allocation, by address text.
	IPAllocationsAll(ctx context.Context) ([]IPAllocation, error)
}

// Blackhole is a blackholed address.
type Blackhole struct {
	IP         string // canonical form
	CustomerID int64
	Type       string // "customer" or "admin"
	CreatedAt  int64  // Unix seconds
}

// IPPool is a network additional IP addresses are ordered from.
type IPPool struct {
	ID           int64
	Network      string // CIDR
	Exclude      []string
	MaxPerServer int
	// Prices is the JSON of the pool's one_ip_monthly_price.
	Prices []byte
}

// IPAllocation is an address handed out from a pool.
type IPAllocation struct {
	IP              string
	PoolID          int64
	ServiceID       int64 // the additional-ip service holding it
	ParentServiceID int64
}
