package panel

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/artnet-panel/artnet-panel/internal/store"
	"github.com/artnet-panel/artnet-panel/internal/validate"
)

// Operator commands: the documented API cannot create customers; the
// operator does it with `artnetd admin`. These methods return plain errors
// meant for the operator's terminal.

// NewCustomer describes a customer the operator creates.
type NewCustomer struct {
	Name     string
	Email    string
	Language string // default "pl"
	Currency string // default "PLN"
}

// CreateCustomer creates a customer with API access enabled and a fresh API
// key, and returns the new id and the key (shown once; only its hash is
// stored).
func (p *Panel) CreateCustomer(ctx context.Context, nc NewCustomer) (int64, string, error) {
	if strings.TrimSpace(nc.Name) == "" {
		return 0, "", errors.New("name must not be empty")
	}
	if nc.Email != "" {
		if err := validate.Email(nc.Email); err != nil {
			return 0, "", fmt.Errorf("email: %w", err)
		}
	}
	if nc.Language == "" {
		nc.Language = "pl"
	}
	if err := validate.Language(nc.Language); err != nil {
		return 0, "", fmt.Errorf("language: %w", err)
	}
	if nc.Currency == "" {
		nc.Currency = "PLN"
	}
	if err := validate.Currency(nc.Currency); err != nil {
		return 0, "", fmt.Errorf("currency: %w", err)
	}
	key, err := NewAPIKey()
	if err != nil {
		return 0, "", err
	}
	c := store.Customer{
		Name: nc.Name, Email: nc.Email, Language: nc.Language, Currency: nc.Currency,
		APIKeyHash: HashAPIKey(key), APIAccess: true,
	}
	if err := p.Store.CustomerCreate(ctx, &c); err != nil {
		return 0, "", fmt.Errorf("create customer: %w", err)
	}
	return c.ID, key, nil
}

// SetAPIAccess switches a customer's API access.
func (p *Panel) SetAPIAccess(ctx context.Context, customerID int64, enabled bool) error {
	err := p.Store.CustomerSetAPIAccess(ctx, customerID, enabled)
	if err != nil {
		return fmt.Errorf("customer %d: %w", customerID, err)
	}
	return nil
}
