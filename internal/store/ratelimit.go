package store

import "context"

// ChangeRateLimit: Key is a customer id whose rate-limit override changed
// (RateLimitSet, RateLimitClear). Every node reloads the overrides.
const ChangeRateLimit = "rate-limit"

// RateLimit is an operator's override of the API rate limit for one
// customer: RPS requests a second (0: no limit) with a burst of Burst.
type RateLimit struct {
	CustomerID int64
	RPS        float64
	Burst      int
}

// RateLimitStore is the part of Store for per-customer rate limits.
type RateLimitStore interface {
	// RateLimitSet sets the customer's override (logged as
	// ChangeRateLimit). Returns ErrNotFound if there is no such customer.
	RateLimitSet(ctx context.Context, r RateLimit) error
	// RateLimitClear removes the customer's override (the defaults apply
	// again; logged). Removing none is not an error.
	RateLimitClear(ctx context.Context, customerID int64) error
	// RateLimits returns every override, by customer id.
	RateLimits(ctx context.Context) ([]RateLimit, error)
}
