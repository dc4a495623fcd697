package artnet

import (
	"context"
	"strconv"
	"time"
)

// IPBlackholingAPI is the ip-blackholing module: dropping all traffic to an
// address (e.g. during a DDoS attack).
type IPBlackholingAPI struct{ c *Client }

// List returns the blackholed addresses (/ip-blackholing/list).
func (m *IPBlackholingAPI) List(ctx context.Context) ([]BlackholedIP, error) {
	var r BlackholedIPsListResponse
	if err := m.c.do(ctx, "ip-blackholing/list", nil, &r); err != nil {
		return nil, err
	}
	return r.BlackholedIPsList, nil
}

// Enable blackholes ip, an address of the customer's services or subnetworks
// (/ip-blackholing/enable).
func (m *IPBlackholingAPI) Enable(ctx context.Context, ip string) error {
	if err := requireString("ip", ip); err != nil {
		return err
	}
	return m.c.do(ctx, "ip-blackholing/enable", (&Form{}).Add("ip", ip), nil)
}

// Disable stops blackholing ip (/ip-blackholing/disable); blackholes set
// by a network administrator cannot be disabled.
func (m *IPBlackholingAPI) Disable(ctx context.Context, ip string) error {
	if err := requireString("ip", ip); err != nil {
		return err
	}
	return m.c.do(ctx, "ip-blackholing/disable", (&Form{}).Add("ip", ip), nil)
}

// DNSAPI is the dns module: primary and secondary zones on the Artnet name
// servers.
type DNSAPI struct{ c *Client }

// List returns the customer's zones (/dns/list).
func (m *DNSAPI) List(ctx context.Context) ([]DNSZone, error) {
	var r DNSZonesListResponse
	if err := m.c.do(ctx, "dns/list", nil, &r); err != nil {
		return nil, err
	}
	return r.ZonesList, nil
}

// Delete removes a zone (/dns/delete).
func (m *DNSAPI) Delete(ctx context.Context, zoneID int64) error {
	if err := requireID("zone_id", zoneID); err != nil {
		return err
	}
	return m.c.do(ctx, "dns/delete", (&Form{}).AddInt("zone_id", zoneID), nil)
}

// DetailsSecondary returns a secondary zone (/dns/details-secoundary).
func (m *DNSAPI) DetailsSecondary(ctx context.Context, zoneID int64) (*DNSZone, error) {
	if err := requireID("zone_id", zoneID); err != nil {
		return nil, err
	}
	var r DNSZoneResponse
	if err := m.c.do(ctx, "dns/details-secoundary", (&Form{}).AddInt("zone_id", zoneID), &r); err != nil {
		return nil, err
	}
	return &r.ZoneDetails, nil
}

// DNSAddSecondaryOpts are the parameters of /dns/add-secoundary.
type DNSAddSecondaryOpts struct {
	Domain string
	// MasterNameserver is the host name or IP address of the primary
	// server; it must resolve.
	MasterNameserver string
}

// Validate checks that both names are given.
func (o DNSAddSecondaryOpts) Validate() error {
	return firstError(requireString("domain", o.Domain), requireString("master_nameserver", o.MasterNameserver))
}

// AddSecondary adds a secondary zone (/dns/add-secoundary).
func (m *DNSAPI) AddSecondary(ctx context.Context, opts DNSAddSecondaryOpts) (*DNSZone, error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	f := (&Form{}).Add("domain", opts.Domain).Add("master_nameserver", opts.MasterNameserver)
	var r DNSZoneResponse
	if err := m.c.do(ctx, "dns/add-secoundary", f, &r); err != nil {
		return nil, err
	}
	return &r.ZoneDetails, nil
}

// DetailsPrimary returns a primary zone with its serial and records
// (/dns/details-primary).
func (m *DNSAPI) DetailsPrimary(ctx context.Context, zoneID int64) (*DNSPrimaryZone, error) {
	if err := requireID("zone_id", zoneID); err != nil {
		return nil, err
	}
	var r DNSPrimaryZoneResponse
	if err := m.c.do(ctx, "dns/details-primary", (&Form{}).AddInt("zone_id", zoneID), &r); err != nil {
		return nil, err
	}
	return &r.ZoneDetails, nil
}

// AddPrimary adds an empty primary zone for domain (/dns/add-primary); fill
// it with EditPrimaryRecords.
func (m *DNSAPI) AddPrimary(ctx context.Context, domain string) (*DNSZone, error) {
	if err := requireString("domain", domain); err != nil {
		return nil, err
	}
	var r DNSZoneResponse
	if err := m.c.do(ctx, "dns/add-primary", (&Form{}).Add("domain", domain), &r); err != nil {
		return nil, err
	}
	return &r.ZoneDetails, nil
}

// DNSEditPrimaryRecordsOpts are the parameters of /dns/edit-primary-records.
type DNSEditPrimaryRecordsOpts struct {
	ZoneID int64
	// Serial is the zone's current SOA serial (DNSPrimaryZone.Serial).
	Serial int64
	// Records replace the zone's records, in order. An empty list empties
	// the zone. A TTL of 0 is not sent (the server's default applies).
	Records []DNSRecord
}

// Validate checks the id, the serial and each record's type and data.
func (o DNSEditPrimaryRecordsOpts) Validate() error {
	if err := firstError(requireID("zone_id", o.ZoneID), nonNegative("serial", o.Serial)); err != nil {
		return err
	}
	for i, r := range o.Records {
		field := func(name string) string { return sub("records", strconv.Itoa(i), name) }
		if err := firstError(
			oneOf(field("type"), r.Type, DNSRecordTypes...),
			nonNegative(field("ttl"), r.TTL),
			requireString(field("data1"), r.Data1),
		); err != nil {
			return err
		}
	}
	return nil
}

func (o DNSEditPrimaryRecordsOpts) form() *Form {
	f := (&Form{}).AddInt("zone_id", o.ZoneID).AddInt("serial", o.Serial)
	for i, r := range o.Records {
		n := strconv.Itoa(i)
		f.Add(sub("records", n, "name"), r.Name)
		if r.TTL > 0 {
			f.AddInt(sub("records", n, "ttl"), r.TTL)
		}
		f.Add(sub("records", n, "type"), r.Type)
		f.Add(sub("records", n, "data1"), r.Data1)
		for _, d := range []struct{ name, v string }{{"data2", r.Data2}, {"data3", r.Data3}, {"data4", r.Data4}} {
			if d.v != "" {
				f.Add(sub("records", n, d.name), d.v)
			}
		}
	}
	return f
}

// EditPrimaryRecords replaces the records of a primary zone
// (/dns/edit-primary-records). It fails with incorrect-soa-serial when the
// zone changed since Serial was read.
func (m *DNSAPI) EditPrimaryRecords(ctx context.Context, opts DNSEditPrimaryRecordsOpts) error {
	if err := opts.Validate(); err != nil {
		return err
	}
	return m.c.do(ctx, "dns/edit-primary-records", opts.form(), nil)
}

// RevDNSAPI is the rev-dns module: PTR records of the customer's
// subnetworks.
type RevDNSAPI struct{ c *Client }

// List returns the subnetworks with their configuration subclasses
// (/rev-dns/list).
func (m *RevDNSAPI) List(ctx context.Context) ([]RevDNSSubnetwork, error) {
	var r RevDNSSubnetworksListResponse
	if err := m.c.do(ctx, "rev-dns/list", nil, &r); err != nil {
		return nil, err
	}
	return r.SubnetworksList, nil
}

// RevDNSDetailsOpts are the parameters of /rev-dns/details.
type RevDNSDetailsOpts struct {
	SubnetworkID int64
	// DNSSubclass is one of the subnetwork's DNSSubclasses.
	DNSSubclass string
}

// Validate checks the id and the subclass.
func (o RevDNSDetailsOpts) Validate() error {
	return firstError(requireID("subnetwork_id", o.SubnetworkID), requireString("dns_subclass", o.DNSSubclass))
}

// Details returns the PTR records of a subclass (/rev-dns/details).
func (m *RevDNSAPI) Details(ctx context.Context, opts RevDNSDetailsOpts) (*RevDNSSubclass, error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	f := (&Form{}).AddInt("subnetwork_id", opts.SubnetworkID).Add("dns_subclass", opts.DNSSubclass)
	var r RevDNSSubclassResponse
	if err := m.c.do(ctx, "rev-dns/details", f, &r); err != nil {
		return nil, err
	}
	return &r.SubclassDetails, nil
}

// PTRRecordEdit is one change of /rev-dns/edit: set the PTR of Origin, or
// delete it.
type PTRRecordEdit struct {
	Origin string
	PTR    string
	Delete bool
}

// RevDNSEditOpts are the parameters of /rev-dns/edit.
type RevDNSEditOpts struct {
	SubnetworkID int64
	DNSSubclass  string
	// Serial is the subclass's current SOA serial (RevDNSSubclass.Serial).
	Serial     int64
	PTRRecords []PTRRecordEdit
}

// Validate checks the id, the subclass, the serial and each change.
func (o RevDNSEditOpts) Validate() error {
	if err := firstError(
		requireID("subnetwork_id", o.SubnetworkID),
		requireString("dns_subclass", o.DNSSubclass),
		nonNegative("serial", o.Serial),
	); err != nil {
		return err
	}
	for i, r := range o.PTRRecords {
		if err := requireString(sub("ptr_records", strconv.Itoa(i), "origin"), r.Origin); err != nil {
			return err
		}
		if !r.Delete {
			if err := requireString(sub("ptr_records", strconv.Itoa(i), "ptr"), r.PTR); err != nil {
				return err
			}
		}
	}
	return nil
}

func (o RevDNSEditOpts) form() *Form {
	f := (&Form{}).AddInt("subnetwork_id", o.SubnetworkID).Add("dns_subclass", o.DNSSubclass).AddInt("serial", o.Serial)
	for i, r := range o.PTRRecords {
		n := strconv.Itoa(i)
		f.Add(sub("ptr_records", n, "origin"), r.Origin)
		if r.PTR != "" {
			f.Add(sub("ptr_records", n, "ptr"), r.PTR)
		}
		if r.Delete {
			f.Add(sub("ptr_records", n, "delete"), "delete")
		}
	}
	return f
}

// Edit changes PTR records of a subclass (/rev-dns/edit). A record that
// cannot be changed does not fail the command: it is left as it was and
// reported in the returned warnings.
func (m *RevDNSAPI) Edit(ctx context.Context, opts RevDNSEditOpts) ([]RevDNSWarning, error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	var r RevDNSEditResponse
	if err := m.c.do(ctx, "rev-dns/edit", opts.form(), &r); err != nil {
		return nil, err
	}
	return r.Warnings, nil
}

// FirewallAPI is the firewall module: the external firewall's rulesets.
type FirewallAPI struct{ c *Client }

// List returns the rulesets and the services they apply to
// (/firewall/list).
func (m *FirewallAPI) List(ctx context.Context) ([]FirewallRuleset, error) {
	var r FirewallRulesetsListResponse
	if err := m.c.do(ctx, "firewall/list", nil, &r); err != nil {
		return nil, err
	}
	return r.RulesetsList, nil
}

// Details returns a ruleset's state and rules (/firewall/details).
func (m *FirewallAPI) Details(ctx context.Context, rulesetID string) (*FirewallRulesetDetails, error) {
	if err := requireString("ruleset_id", rulesetID); err != nil {
		return nil, err
	}
	var r FirewallRulesetDetailsResponse
	if err := m.c.do(ctx, "firewall/details", (&Form{}).Add("ruleset_id", rulesetID), &r); err != nil {
		return nil, err
	}
	return &r.RulesetDetails, nil
}

// Enable turns packet filtering on (/firewall/enable).
func (m *FirewallAPI) Enable(ctx context.Context, rulesetID string) error {
	if err := requireString("ruleset_id", rulesetID); err != nil {
		return err
	}
	return m.c.do(ctx, "firewall/enable", (&Form{}).Add("ruleset_id", rulesetID), nil)
}

// Disable turns packet filtering off (/firewall/disable).
func (m *FirewallAPI) Disable(ctx context.Context, rulesetID string) error {
	if err := requireString("ruleset_id", rulesetID); err != nil {
		return err
	}
	return m.c.do(ctx, "firewall/disable", (&Form{}).Add("ruleset_id", rulesetID), nil)
}

// FirewallSaveOpts are the parameters of /firewall/save.
type FirewallSaveOpts struct {
	RulesetID string
	// In and Out replace the rules for incoming and outgoing traffic, in
	// order. Empty lists save an empty ruleset.
	In, Out []FirewallRule
	// ConfirmWithin, when not zero, makes the save commit-confirmed: unless
	// SaveConfirm follows within this time, the rules in force before the
	// save come back by themselves. Whole seconds from 30s to 1h; sent as
	// confirm_within (seconds).
	//
	// This is an extension of this server (artnetd), not in the original
	// API documentation.
	ConfirmWithin time.Duration
}

// Limits of FirewallSaveOpts.ConfirmWithin.
const (
	MinFirewallConfirmWithin = 30 * time.Second
	MaxFirewallConfirmWithin = time.Hour
)

// Validate checks the ruleset id, ConfirmWithin and each rule's policy,
// protocol, masks and ports.
func (o FirewallSaveOpts) Validate() error {
	if err := requireString("ruleset_id", o.RulesetID); err != nil {
		return err
	}
	if o.ConfirmWithin != 0 {
		if o.ConfirmWithin < MinFirewallConfirmWithin || o.ConfirmWithin > MaxFirewallConfirmWithin {
			return invalid("confirm_within", "must be from %s to %s, got %s", MinFirewallConfirmWithin, MaxFirewallConfirmWithin, o.ConfirmWithin)
		}
		if o.ConfirmWithin%time.Second != 0 {
			return invalid("confirm_within", "must be whole seconds, got %s", o.ConfirmWithin)
		}
	}
	for _, dir := range []struct {
		name  string
		rules []FirewallRule
	}{{"in", o.In}, {"out", o.Out}} {
		for i, r := range dir.rules {
			if err := r.validate(sub("rules", dir.name, strconv.Itoa(i))); err != nil {
				return err
			}
		}
	}
	return nil
}

func (r FirewallRule) validate(prefix string) error {
	if err := oneOf(prefix+"[policy]", r.Policy, FirewallAccept, FirewallDrop); err != nil {
		return err
	}
	if err := numberOrEmpty(prefix+"[protocol]", r.Protocol, 0, 255); err != nil {
		return err
	}
	for _, a := range []struct {
		name string
		addr FirewallAddress
	}{{"source", r.Source}, {"destination", r.Destination}} {
		p := prefix + "[" + a.name + "]"
		if a.addr.MaskShort < 0 || a.addr.MaskShort > 32 {
			return invalid(p+"[mask_short]", "must be between 0 and 32, got %d", a.addr.MaskShort)
		}
		if err := firstError(
			numberOrEmpty(p+"[port][begin]", a.addr.Port.Begin, 1, 65535),
			numberOrEmpty(p+"[port][end]", a.addr.Port.End, 1, 65535),
		); err != nil {
			return err
		}
		if a.addr.Port.Begin != "" && a.addr.Port.End != "" {
			b, _ := strconv.Atoi(a.addr.Port.Begin)
			e, _ := strconv.Atoi(a.addr.Port.End)
			if b > e {
				return invalid(p+"[port]", "begin %d is above end %d", b, e)
			}
		}
	}
	return nil
}

// numberOrEmpty checks that s is empty or a decimal integer in [lo, hi].
func numberOrEmpty(field, s string, lo, hi int) error {
	if s == "" {
		return nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < lo || n > hi {
		return invalid(field, "must be empty or an integer from %d to %d, got %q", lo, hi, s)
	}
	return nil
}

func (o FirewallSaveOpts) form() *Form {
	f := (&Form{}).Add("ruleset_id", o.RulesetID)
	if o.ConfirmWithin != 0 {
		f.AddInt("confirm_within", int64(o.ConfirmWithin/time.Second))
	}
	for _, dir := range []struct {
		name  string
		rules []FirewallRule
	}{{"in", o.In}, {"out", o.Out}} {
		for i, r := range dir.rules {
			p := sub("rules", dir.name, strconv.Itoa(i))
			f.Add(p+"[policy]", r.Policy)
			if r.Protocol != "" {
				f.Add(p+"[protocol]", r.Protocol)
			}
			for _, a := range []struct {
				name string
				addr FirewallAddress
			}{{"source", r.Source}, {"destination", r.Destination}} {
				ap := p + "[" + a.name + "]"
				if a.addr.IP != "" {
					f.Add(ap+"[ip]", a.addr.IP)
					f.AddInt(ap+"[mask_short]", a.addr.MaskShort)
				}
				if a.addr.Port.Begin != "" {
					f.Add(ap+"[port][begin]", a.addr.Port.Begin)
				}
				if a.addr.Port.End != "" {
					f.Add(ap+"[port][end]", a.addr.Port.End)
				}
			}
		}
	}
	return f
}

// Save replaces a ruleset's rules (/firewall/save). On error nothing is
// saved; a rules-syntax-error names the offending rules in
// Error.ErrorsDetails. With opts.ConfirmWithin (an extension of this
// server) the save must be confirmed with SaveConfirm in time.
func (m *FirewallAPI) Save(ctx context.Context, opts FirewallSaveOpts) error {
	if err := opts.Validate(); err != nil {
		return err
	}
	return m.c.do(ctx, "firewall/save", opts.form(), nil)
}

// SaveConfirm keeps the rules of the last Save of the ruleset sent with
// ConfirmWithin (/firewall/save-confirm). Without it before the deadline,
// the rules in force before that save come back by themselves. It fails
// with ErrCodeNothingToConfirm when there is no save waiting: saved
// without ConfirmWithin, already confirmed, or the deadline passed.
//
// This is an extension of this server (artnetd), not in the original API
// documentation; the original service answers unknown-command.
func (m *FirewallAPI) SaveConfirm(ctx context.Context, rulesetID string) error {
	if err := requireString("ruleset_id", rulesetID); err != nil {
		return err
	}
	return m.c.do(ctx, "firewall/save-confirm", (&Form{}).Add("ruleset_id", rulesetID), nil)
}
