package store

import "context"

// CloudStore is the part of Store for cloud instances, the cloud price
// list and ranges, and the power of QEMU-backed VPS services. Every write
// of a machine's desired state raises the "hypervisor" generation
// (DriverGeneration) in the same transaction.
type CloudStore interface {
	// CloudInstanceCreate inserts i (operator use). i.ID must be > 0 and
	// i.CustomerID must exist (else ErrNotFound). Returns ErrConflict when
	// the id, the name or the VNC port is taken.
	CloudInstanceCreate(ctx context.Context, i CloudInstance) error
	// CloudInstanceGet returns the customer's instance, or ErrNotFound.
	CloudInstanceGet(ctx context.Context, customerID, id int64) (CloudInstance, error)
	// CloudInstanceList returns the customer's instances by id.
	CloudInstanceList(ctx context.Context, customerID int64) ([]CloudInstance, error)
	// CloudInstancesAll returns every instance by id (operator and driver
	// use).
	CloudInstancesAll(ctx context.Context) ([]CloudInstance, error)
	// CloudInstanceUpdate stores every field of i but ID, CustomerID and
	// Name for the customer's instance i.ID. Returns ErrNotFound.
	CloudInstanceUpdate(ctx context.Context, i CloudInstance) error
	// CloudInstanceDelete removes the customer's instance. Returns
	// ErrNotFound.
	CloudInstanceDelete(ctx context.Context, customerID, id int64) error
	// CloudSettingsSet replaces the cloud settings (operator use).
	CloudSettingsSet(ctx context.Context, settings []byte) error
	// CloudSettings returns the cloud settings (JSON; nil when never set).
	CloudSettings(ctx context.Context) ([]byte, error)

	// VPSPowerSet inserts or replaces the power management of a VPS
	// service of p.CustomerID (operator use). Returns ErrNotFound when the
	// customer has no such service.
	VPSPowerSet(ctx context.Context, p VPSPower) error
	// VPSPowerGet returns the power management of the customer's service,
	// or ErrNotFound.
	VPSPowerGet(ctx context.Context, customerID, serviceID int64) (VPSPower, error)
	// VPSPowerAll returns every VPS power row by service id.
	VPSPowerAll(ctx context.Context) ([]VPSPower, error)
	// VPSPowerSetOn records the desired power of the customer's service.
	// Returns ErrNotFound.
	VPSPowerSetOn(ctx context.Context, customerID, serviceID int64, on bool) error
}

// CloudInstance is a cloud instance and the desired state of its machine.
type CloudInstance struct {
	ID          int64
	CustomerID  int64
	Name        string // the machine's name on the hypervisor
	DisplayName string
	Notes       string
	CPU         int64
	RAM         int64  // MB
	HDD         int64  // GB
	Bandwidth   int64  // Mbps
	BootStatus  string // "boot" or "install"
	BootImage   string // image name while BootStatus is "install"
	PowerOn     bool   // desired power state
	// PasswordHash is the encoded hash of the instance password;
	// VNCSecret the sealed console password (see panel/cloudsecret.go).
	PasswordHash string
	VNCSecret    string
	VNCHost      string
	VNCPort      int64
	Network      []byte // JSON of artnet.InstanceNetwork
}

// VPSPower is how a VPS service's power is managed: Config is the
// service's power_management object (JSON; its "driver" says by what),
// PowerOn the desired state for drivers that hold one (qemu).
type VPSPower struct {
	ServiceID  int64
	CustomerID int64
	Config     []byte
	PowerOn    bool
}
