package store

import "context"

// DomainStore is the part of Store for domain delegations and service details updates.
type DomainStore interface {
	// ServiceDetailsUpdate replaces the details (the module's
	// service_details JSON, without "id"; nil stores NULL) of the
	// customer's service. Returns ErrNotFound for a missing service or one
	// of another customer; nothing changes then.
	ServiceDetailsUpdate(ctx context.Context, customerID, serviceID int64, details []byte) error

	// AllowanceList returns the domains the operator allowed the customer
	// to host (AllowanceAdd), in the stored form, sorted; nil when there
	// are none (also for a customer that does not exist).
	AllowanceList(ctx context.Context, customerID int64) ([]string, error)
}
