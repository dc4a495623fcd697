package store

import "context"

// FirewallStore is the part of Store for the external firewall's desired
// state: rulesets and iLO / IPMI access. Every write of it raises the
// firewall generation (DriverGeneration(ctx, "firewall")) in the same
// transaction, so nodes applying the firewall hear of it.
type FirewallStore interface {
	// FirewallRulesetCreate inserts r and its services (operator use).
	// Returns ErrConflict when the id exists or a service is already in a
	// ruleset, ErrNotFound when a service does not exist.
	FirewallRulesetCreate(ctx context.Context, r FirewallRuleset) error
	// FirewallRulesetsAll returns every ruleset with its services, by id
	// (operator and driver use).
	FirewallRulesetsAll(ctx context.Context) ([]FirewallRuleset, error)
	// FirewallRulesetList returns, by id, the rulesets all of whose
	// services (at least one) belong to the customer.
	FirewallRulesetList(ctx context.Context, customerID int64) ([]FirewallRuleset, error)
	// FirewallRulesetGet returns the ruleset when all its services belong
	// to the customer, else ErrNotFound.
	FirewallRulesetGet(ctx context.Context, customerID int64, id string) (FirewallRuleset, error)
	// FirewallRulesetUpdate stores r's Enabled, Rules, ConfirmDeadline and
	// RollbackRules when all the ruleset's services belong to the customer;
	// else ErrNotFound and nothing changes.
	FirewallRulesetUpdate(ctx context.Context, customerID int64, r FirewallRuleset) error
	// FirewallRulesetRevert puts the rollback rules back of a ruleset whose
	// confirmation deadline is still deadline (compare-and-swap), clears
	// the pending confirmation and reports whether it did (operator and
	// driver use: the deadline passed).
	FirewallRulesetRevert(ctx context.Context, id string, deadline int64) (bool, error)
	// FirewallServices returns every service that is in a ruleset, by id
	// (driver use: their addresses reach the rulesets).
	FirewallServices(ctx context.Context) ([]Service, error)

	// ILOSet inserts or replaces the iLO row of a service of a.CustomerID
	// (operator use). Returns ErrNotFound when the customer has no such
	// service.
	ILOSet(ctx context.Context, a ILOAccess) error
	// ILOGet returns the customer's service's iLO row, or ErrNotFound.
	ILOGet(ctx context.Context, customerID, serviceID int64) (ILOAccess, error)
	// ILOUpdateAccess opens (accessIP != "") or closes (accessIP == "")
	// access to the customer's service's iLO. Returns ErrNotFound.
	ILOUpdateAccess(ctx context.Context, customerID, serviceID int64, accessIP string, expiresAt int64) error
	// ILOExpire closes the opening of serviceID when it still expires at
	// expiresAt (compare-and-swap) and reports whether it did.
	ILOExpire(ctx context.Context, serviceID, expiresAt int64) (bool, error)
	// ILOAll returns every iLO row, by service id (operator and driver
	// use).
	ILOAll(ctx context.Context) ([]ILOAccess, error)

	// DriverGeneration returns the generation of a driver kind's desired
	// state: it grows with every committed write of that state.
	DriverGeneration(ctx context.Context, kind string) (int64, error)
	// DriverAckSet records what node last applied of kind: the generation
	// it read before applying and the error text ("" = applied).
	DriverAckSet(ctx context.Context, a DriverAck) error
	// DriverAcks returns the acknowledgements of kind, by node.
	DriverAcks(ctx context.Context, kind string) ([]DriverAck, error)
}

// DriverAck is what one node applying a driver kind last applied.
type DriverAck struct {
	Kind  string
	Node  string
	Gen   int64
	Error string // "": applied
	At    int64  // Unix seconds
}

// FirewallRuleset is a ruleset of the external firewall.
type FirewallRuleset struct {
	ID       string
	Enabled  bool
	MaxRules int
	// Rules is the JSON of artnet.FirewallRules.
	Rules      []byte
	ServiceIDs []int64 // by id
	// ConfirmDeadline (Unix seconds) is when RollbackRules come back unless
	// the save is confirmed; 0: nothing pending.
	ConfirmDeadline int64
	RollbackRules   []byte
}

// ILOAccess is the iLO / IPMI interface of a dedicated server and its
// opening.
type ILOAccess struct {
	ServiceID  int64
	CustomerID int64
	Available  bool
	IP         string
	AccessIP   string // "": closed
	ExpiresAt  int64  // Unix seconds; 0 while closed
}
