package panel

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/artnet-panel/artnet-panel/artnet"
	"github.com/artnet-panel/artnet-panel/internal/apperr"
	"github.com/artnet-panel/artnet-panel/internal/firewall"
	"github.com/artnet-panel/artnet-panel/internal/store"
)

// The firewall module: the rulesets of the external firewall in front of
// the customers' servers (internal/firewall has the semantics of the rules
// and of packets no rule matches).
//
// A customer sees and changes a ruleset only when every service in it is
// theirs and has features.firewall_management; any other ruleset answers
// exactly like one that does not exist (invalid-ruleset-id).
//
// /firewall/save replaces both directions at once or nothing. Errors, in
// the order they are checked: invalid-ruleset-id; incorrect-param-value
// (confirm_within not 30..3600); too-many-rules (a direction with more
// rules than maximum_rules_number; the detail names it: "rules[in]: ..."); rules-syntax-error with errors_details
// naming the direction, index N and field of every bad rule:
//   - policy not ACCEPT or DROP (upper case, as documented);
//   - protocol not empty and not 0..255;
//   - ip not empty and not an IPv4 or IPv6 address; mask_short not 0..32
//     (IPv4) or 0..128 (IPv6), or given without ip; an empty ip matches
//     every address, an ip without mask_short is one address (/32, /128);
//     an ip with host bits set is masked; mask_short 0 matches every
//     address of either family, any other prefix its own family only;
//   - a port not 1..65535, begin above end, a port for a protocol without
//     ports (ports need protocol 6 TCP, 17 UDP, 33 DCCP, 132 SCTP or 136
//     UDP-Lite); begin alone or end alone is that one port;
//   - N not a decimal index, or two items with the same N (1 and 01).
//
// Rules apply in the order of N. A change is applied to the firewall
// device (Panel.Firewall) inside the transaction that stores it: when the
// device fails, the call answers internal-firewall-error and nothing is
// stored.
//
// Commit-confirmed (an extension): save with confirm_within (seconds,
// 30..3600) applies the new rules at once and keeps the rules in force
// before it; unless /firewall/save-confirm arrives before the deadline the
// kept rules come back by themselves (FirewallReconcile, which runs every
// second; the deadline is in the database, so a restart does not lose it).
// A second save with confirm_within while one is pending moves the
// deadline and keeps the first kept rules (the last confirmed ones); a
// save without confirm_within confirms. save-confirm with nothing pending
// answers nothing-to-confirm.

// Commit-confirmed bounds of confirm_within, in seconds.
const (
	MinConfirmWithin = 30
	MaxConfirmWithin = 3600
)

// DefaultMaxFirewallRules is maximum_rules_number of a ruleset the
// inventory gives none for.
const DefaultMaxFirewallRules = 10

// DefaultILOAccessTTL is how long an iLO opening lasts when Panel.ILOAccessTTL
// is 0.
const DefaultILOAccessTTL = 24 * time.Hour

// FirewallRuleInput is one rule of /firewall/save as sent: N is the index
// of rules[in][N], every field the text sent ("" when absent).
type FirewallRuleInput struct {
	N           string
	Policy      string
	Protocol    string
	Source      FirewallAddrInput
	Destination FirewallAddrInput
}

// FirewallAddrInput is the source or destination of a rule as sent.
type FirewallAddrInput struct {
	IP, MaskShort, PortBegin, PortEnd string
}

// FirewallSaveInput is /firewall/save's parameters.
type FirewallSaveInput struct {
	RulesetID string
	In, Out   []FirewallRuleInput
	// ConfirmWithin (seconds) makes the save commit-confirmed; 0: not.
	ConfirmWithin int64
}

// FirewallList answers /firewall/list: the customer's rulesets.
func (p *Panel) FirewallList(ctx context.Context, customerID int64) ([]artnet.FirewallRuleset, error) {
	list, err := p.Store.FirewallRulesetList(ctx, customerID)
	if err != nil {
		return nil, apperr.Internal(apperr.CodeInternal, err)
	}
	out := []artnet.FirewallRuleset{}
	for _, r := range list {
		ok, err := p.rulesetManageable(ctx, p.Store, customerID, r)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, artnet.FirewallRuleset{ID: r.ID, ServicesIDsList: slices.Clone(r.ServiceIDs)})
		}
	}
	return out, nil
}

// FirewallDetails answers /firewall/details. Errors: invalid-ruleset-id.
func (p *Panel) FirewallDetails(ctx context.Context, customerID int64, id string) (artnet.FirewallRulesetDetails, error) {
	r, err := p.ruleset(ctx, p.Store, customerID, id)
	if err != nil {
		return artnet.FirewallRulesetDetails{}, err
	}
	rules, err := decodeRules(r.Rules)
	if err != nil {
		return artnet.FirewallRulesetDetails{}, apperr.Internal(apperr.CodeInternal, fmt.Errorf("ruleset %s: %w", r.ID, err))
	}
	return artnet.FirewallRulesetDetails{ID: r.ID, Enabled: r.Enabled, MaximumRulesNumber: int64(r.MaxRules), Rules: rules}, nil
}

// FirewallPending returns the deadline (Unix seconds) of the customer's
// ruleset's commit-confirmed save that waits for /firewall/save-confirm,
// 0 when none waits. A deadline already passed is returned as it is until
// the sweep puts the previous rules back (FirewallSweep, every second).
// It is a read of the web panel: /firewall/details keeps its documented
// answer. Errors: invalid-ruleset-id (another customer's ruleset too).
func (p *Panel) FirewallPending(ctx context.Context, customerID int64, id string) (int64, error) {
	r, err := p.ruleset(ctx, p.Store, customerID, id)
	if err != nil {
		return 0, err
	}
	return r.ConfirmDeadline, nil
}

// FirewallSetEnabled answers /firewall/enable and /firewall/disable: the
// rules stay as they are. Errors: invalid-ruleset-id,
// internal-firewall-error.
func (p *Panel) FirewallSetEnabled(ctx context.Context, customerID int64, id string, enabled bool) error {
	return p.firewallChange(ctx, apperr.CodeInternalFirewallError, func(tx store.Store) (undoFunc, error) {
		r, err := p.ruleset(ctx, tx, customerID, id)
		if err != nil {
			return nil, err
		}
		undo := p.undoRuleset(customerID, r)
		r.Enabled = enabled
		return undo, tx.FirewallRulesetUpdate(ctx, customerID, r)
	})
}

// FirewallSave answers /firewall/save (see the module's comment).
func (p *Panel) FirewallSave(ctx context.Context, customerID int64, in FirewallSaveInput) error {
	if _, err := p.ruleset(ctx, p.Store, customerID, in.RulesetID); err != nil {
		return err
	}
	if in.ConfirmWithin != 0 && (in.ConfirmWithin < MinConfirmWithin || in.ConfirmWithin > MaxConfirmWithin) {
		return apperr.Errorf(apperr.CodeIncorrectParamValue, "confirm_within: must be %d to %d seconds", MinConfirmWithin, MaxConfirmWithin)
	}
	return p.firewallChange(ctx, apperr.CodeInternalFirewallError, func(tx store.Store) (undoFunc, error) {
		r, err := p.ruleset(ctx, tx, customerID, in.RulesetID)
		if err != nil {
			return nil, err
		}
		for _, d := range []struct {
			name  string
			rules []FirewallRuleInput
		}{{"in", in.In}, {"out", in.Out}} {
			if len(d.rules) > r.MaxRules {
				// The detail names the parameter (rules[in]) for forms
				// that show errors at their fields.
				return nil, apperr.Errorf(apperr.CodeTooManyRules, "rules[%s]: at most %d rules in each direction, got %d", d.name, r.MaxRules, len(d.rules))
			}
		}
		rules, err := ParseFirewallRules(in.In, in.Out)
		if err != nil {
			return nil, err
		}
		raw, err := json.Marshal(rules)
		if err != nil {
			return nil, err
		}
		undo := p.undoRuleset(customerID, r)
		if in.ConfirmWithin > 0 {
			if r.ConfirmDeadline == 0 {
				r.RollbackRules = r.Rules
			}
			r.ConfirmDeadline = p.now().Unix() + in.ConfirmWithin
		} else {
			r.ConfirmDeadline, r.RollbackRules = 0, nil
		}
		r.Rules = raw
		return undo, tx.FirewallRulesetUpdate(ctx, customerID, r)
	})
}

// FirewallSaveConfirm answers /firewall/save-confirm: it keeps the rules
// of a commit-confirmed save. Errors: invalid-ruleset-id,
// nothing-to-confirm.
func (p *Panel) FirewallSaveConfirm(ctx context.Context, customerID int64, id string) error {
	return p.firewallChange(ctx, apperr.CodeInternalFirewallError, func(tx store.Store) (undoFunc, error) {
		r, err := p.ruleset(ctx, tx, customerID, id)
		if err != nil {
			return nil, err
		}
		if r.ConfirmDeadline == 0 || r.ConfirmDeadline <= p.now().Unix() {
			return nil, apperr.New(apperr.CodeNothingToConfirm)
		}
		undo := p.undoRuleset(customerID, r)
		r.ConfirmDeadline, r.RollbackRules = 0, nil
		return undo, tx.FirewallRulesetUpdate(ctx, customerID, r)
	})
}

// ruleset returns the customer's manageable ruleset, or
// invalid-ruleset-id.
func (p *Panel) ruleset(ctx context.Context, st store.Store, customerID int64, id string) (store.FirewallRuleset, error) {
	r, err := st.FirewallRulesetGet(ctx, customerID, id)
	if errors.Is(err, store.ErrNotFound) {
		return r, apperr.New(apperr.CodeInvalidRulesetID)
	}
	if err != nil {
		return r, apperr.Internal(apperr.CodeInternal, err)
	}
	ok, err := p.rulesetManageable(ctx, st, customerID, r)
	if err != nil {
		return r, err
	}
	if !ok {
		return r, apperr.New(apperr.CodeInvalidRulesetID)
	}
	return r, nil
}

// rulesetManageable reports whether every service of r is the customer's
// and has firewall_management.
func (p *Panel) rulesetManageable(ctx context.Context, st store.Store, customerID int64, r store.FirewallRuleset) (bool, error) {
	if len(r.ServiceIDs) == 0 {
		return false, nil
	}
	for _, id := range r.ServiceIDs {
		s, err := st.ServiceGet(ctx, customerID, id)
		if errors.Is(err, store.ErrNotFound) {
			return false, nil
		}
		if err != nil {
			return false, apperr.Internal(apperr.CodeInternal, err)
		}
		if !firewallManagement(s) {
			return false, nil
		}
	}
	return true, nil
}

// firewallManagement reports whether a service's details allow firewall
// management.
func firewallManagement(s store.Service) bool {
	d, err := DecodeDetails(s)
	if err != nil {
		return false
	}
	switch d := d.(type) {
	case *artnet.DedicatedDetails:
		return d.Features.FirewallManagement
	case *artnet.ColocationDetails:
		return d.Features.FirewallManagement
	}
	return false
}

// decodeRules reads stored rules; an empty direction is an empty list.
func decodeRules(raw []byte) (artnet.FirewallRules, error) {
	var r artnet.FirewallRules
	if err := json.Unmarshal(raw, &r); err != nil {
		return r, err
	}
	if r.In == nil {
		r.In = []artnet.FirewallRule{}
	}
	if r.Out == nil {
		r.Out = []artnet.FirewallRule{}
	}
	return r, nil
}

// ParseFirewallRules checks the rules of /firewall/save and returns them
// in their stored form, each direction ordered by N. Every bad rule is
// reported in one rules-syntax-error.
func ParseFirewallRules(in, out []FirewallRuleInput) (artnet.FirewallRules, error) {
	var bad []apperr.ItemError
	parse := func(dir string, items []FirewallRuleInput) []artnet.FirewallRule {
		type indexed struct {
			n    int
			rule artnet.FirewallRule
		}
		var ok []indexed
		seen := map[int]string{}
		for _, item := range items {
			fail := func(field, format string, args ...any) {
				bad = append(bad, apperr.ItemError{Direction: dir, Index: item.N, Field: field, Message: fmt.Sprintf(format, args...)})
			}
			n, err := strconv.Atoi(item.N)
			if err != nil || n < 0 || strings.HasPrefix(item.N, "+") {
				fail("", "the index N of rules[%s][N] must be a non-negative decimal number", dir)
				continue
			}
			if first, dup := seen[n]; dup {
				fail("", "index %d is given twice (%s and %s)", n, first, item.N)
				continue
			}
			seen[n] = item.N
			before := len(bad)
			rule := parseRule(item, fail)
			if len(bad) == before {
				ok = append(ok, indexed{n, rule})
			}
		}
		slices.SortFunc(ok, func(a, b indexed) int { return cmp.Compare(a.n, b.n) })
		rules := make([]artnet.FirewallRule, len(ok))
		for i, r := range ok {
			rules[i] = r.rule
		}
		return rules
	}
	rules := artnet.FirewallRules{In: parse("in", in), Out: parse("out", out)}
	if len(bad) > 0 {
		first := bad[0]
		return rules, &apperr.Error{Code: apperr.CodeRulesSyntaxError,
			Detail:  fmt.Sprintf("rules[%s][%s]%s: %s", first.Direction, first.Index, bracket(first.Field), first.Message),
			Details: bad}
	}
	return rules, nil
}

// bracket turns "source.port.begin" into "[source][port][begin]".
func bracket(field string) string {
	if field == "" {
		return ""
	}
	return "[" + strings.ReplaceAll(field, ".", "][") + "]"
}

// parseRule checks one rule, calling fail for every bad field.
func parseRule(item FirewallRuleInput, fail func(field, format string, args ...any)) artnet.FirewallRule {
	r := artnet.FirewallRule{Policy: item.Policy}
	if item.Policy != artnet.FirewallAccept && item.Policy != artnet.FirewallDrop {
		fail("policy", "must be ACCEPT or DROP, got %q", item.Policy)
	}
	proto := firewall.AnyProtocol
	if item.Protocol != "" {
		n, err := strconv.Atoi(item.Protocol)
		if err != nil || n < 0 || n > 255 {
			fail("protocol", "must be empty or a protocol number from 0 to 255, got %q", item.Protocol)
		} else {
			proto = n
			r.Protocol = strconv.Itoa(n)
		}
	}
	addr := func(name string, a FirewallAddrInput) artnet.FirewallAddress {
		out := artnet.FirewallAddress{}
		if a.IP == "" {
			if a.MaskShort != "" && a.MaskShort != "0" {
				fail(name+".mask_short", "is given without %s[ip]", name)
			}
		} else {
			bits := 32
			ip, err := netip.ParseAddr(a.IP)
			if err != nil || ip.Zone() != "" {
				fail(name+".ip", "must be an IPv4 or IPv6 address, got %q", a.IP)
			} else {
				ip = ip.Unmap()
				bits = ip.BitLen()
				out.IP = ip.String()
			}
			out.MaskShort = int64(bits)
			if a.MaskShort != "" {
				m, err := strconv.Atoi(a.MaskShort)
				if err != nil || m < 0 || m > bits {
					fail(name+".mask_short", "must be a number from 0 to %d, got %q", bits, a.MaskShort)
				} else {
					out.MaskShort = int64(m)
				}
			}
		}
		port := func(field, s string) (int, bool) {
			if s == "" {
				return 0, true
			}
			n, err := strconv.Atoi(s)
			if err != nil || n < 1 || n > 65535 {
				fail(name+".port."+field, "must be empty or a port from 1 to 65535, got %q", s)
				return 0, false
			}
			return n, true
		}
		b, okb := port("begin", a.PortBegin)
		e, oke := port("end", a.PortEnd)
		if !okb || !oke || (b == 0 && e == 0) {
			return out
		}
		if b == 0 {
			b = e
		}
		if e == 0 {
			e = b
		}
		switch {
		case b > e:
			fail(name+".port", "begin %d is above end %d", b, e)
		case proto == firewall.AnyProtocol:
			fail(name+".port", "ports need a protocol with ports (6 TCP, 17 UDP, 33 DCCP, 132 SCTP, 136 UDP-Lite); protocol is empty")
		case !firewall.HasPorts(proto):
			fail(name+".port", "protocol %d has no ports", proto)
		default:
			out.Port = artnet.FirewallPort{Begin: strconv.Itoa(b), End: strconv.Itoa(e)}
		}
		return out
	}
	r.Source = addr("source", item.Source)
	r.Destination = addr("destination", item.Destination)
	return r
}

// toFirewallRule converts a stored rule (already checked) to the model.
func toFirewallRule(r artnet.FirewallRule) (firewall.Rule, error) {
	out := firewall.Rule{Accept: r.Policy == artnet.FirewallAccept, Protocol: firewall.AnyProtocol}
	if r.Protocol != "" {
		n, err := strconv.Atoi(r.Protocol)
		if err != nil {
			return out, fmt.Errorf("protocol %q", r.Protocol)
		}
		out.Protocol = n
	}
	var err error
	if out.Src, out.SrcPorts, err = toFirewallAddr(r.Source); err != nil {
		return out, err
	}
	if out.Dst, out.DstPorts, err = toFirewallAddr(r.Destination); err != nil {
		return out, err
	}
	return out, nil
}

func toFirewallAddr(a artnet.FirewallAddress) (netip.Prefix, firewall.PortRange, error) {
	pfx := netip.PrefixFrom(netip.IPv4Unspecified(), 0)
	if a.IP != "" {
		ip, err := netip.ParseAddr(a.IP)
		if err != nil {
			return pfx, firewall.PortRange{}, err
		}
		if pfx, err = ip.Prefix(int(a.MaskShort)); err != nil {
			return pfx, firewall.PortRange{}, err
		}
	}
	var pr firewall.PortRange
	if a.Port.Begin != "" {
		b, err1 := strconv.ParseUint(a.Port.Begin, 10, 16)
		e, err2 := strconv.ParseUint(a.Port.End, 10, 16)
		if err := errors.Join(err1, err2); err != nil {
			return pfx, pr, err
		}
		pr = firewall.PortRange{Lo: uint16(b), Hi: uint16(e)}
	}
	return pfx, pr, nil
}

// FirewallState builds the firewall's desired state from st at time now:
// every ruleset with the networks routed to its servers (serverNets: each
// service's ip, network_configuration ip, additional_ips and subnetworks
// of any size, IPv4 and IPv6; the addresses ordered for it with
// /additional-ip/order (ip_allocations) and the subnetworks of its
// additional-ip services), and the iLO addresses with their openings that
// have not expired.
func FirewallState(ctx context.Context, st store.Store, now time.Time) (firewall.State, error) {
	var s firewall.State
	rulesets, err := st.FirewallRulesetsAll(ctx)
	if err != nil {
		return s, err
	}
	services, err := st.FirewallServices(ctx)
	if err != nil {
		return s, err
	}
	byID := make(map[int64]store.Service, len(services))
	for _, svc := range services {
		byID[svc.ID] = svc
	}
	// What was ordered for a server: its additional-ip services (of the
	// same customer) and the addresses allocated to it.
	children := map[int64][]netip.Prefix{}
	addl, err := st.ServicesAll(ctx, artnet.ServiceTypeAdditionalIP)
	if err != nil {
		return s, err
	}
	for _, a := range addl {
		if parent, ok := byID[a.ParentServiceID]; ok && parent.CustomerID == a.CustomerID {
			children[parent.ID] = append(children[parent.ID], serverNets(a)...)
		}
	}
	allocs, err := st.IPAllocationsAll(ctx)
	if err != nil {
		return s, err
	}
	for _, a := range allocs {
		if _, ok := byID[a.ParentServiceID]; !ok {
			continue
		}
		if ip, err := netip.ParseAddr(a.IP); err == nil && ip.Zone() == "" {
			ip = ip.Unmap()
			children[a.ParentServiceID] = append(children[a.ParentServiceID], netip.PrefixFrom(ip, ip.BitLen()))
		}
	}
	for _, r := range rulesets {
		rules, err := decodeRules(r.Rules)
		if err != nil {
			return s, fmt.Errorf("ruleset %s: %w", r.ID, err)
		}
		rs := firewall.Ruleset{ID: r.ID, Enabled: r.Enabled}
		for _, id := range r.ServiceIDs {
			if svc, ok := byID[id]; ok {
				rs.Servers = append(rs.Servers, serverNets(svc)...)
			}
			rs.Servers = append(rs.Servers, children[id]...)
		}
		slices.SortFunc(rs.Servers, func(a, b netip.Prefix) int {
			return cmp.Or(a.Addr().Compare(b.Addr()), cmp.Compare(a.Bits(), b.Bits()))
		})
		rs.Servers = slices.Compact(rs.Servers)
		for _, dir := range []struct {
			from []artnet.FirewallRule
			to   *[]firewall.Rule
		}{{rules.In, &rs.In}, {rules.Out, &rs.Out}} {
			for i, wr := range dir.from {
				fr, err := toFirewallRule(wr)
				if err != nil {
					return s, fmt.Errorf("ruleset %s rule %d: %w", r.ID, i, err)
				}
				*dir.to = append(*dir.to, fr)
			}
		}
		s.Rulesets = append(s.Rulesets, rs)
	}
	ilos, err := st.ILOAll(ctx)
	if err != nil {
		return s, err
	}
	for _, a := range ilos {
		ip, err := netip.ParseAddr(a.IP)
		if err != nil || !ip.Is4() {
			continue
		}
		s.ILOAddrs = append(s.ILOAddrs, ip)
		if open, remote := iloOpen(a, now); open {
			s.ILOOpen = append(s.ILOOpen, firewall.ILOOpening{Remote: remote, ILO: ip})
		}
	}
	return s, nil
}

// serverNets returns the networks routed to a service, as the addresses
// and subnetworks the other modules find in it (serviceAddresses): single
// addresses as /32 or /128, subnetworks of any size, IPv4 and IPv6.
func serverNets(svc store.Service) []netip.Prefix {
	addrs, nets := serviceAddresses(svc)
	out := make([]netip.Prefix, 0, len(addrs)+len(nets))
	for _, a := range addrs {
		out = append(out, netip.PrefixFrom(a, a.BitLen()))
	}
	return append(out, nets...)
}

// iloOpen reports whether an iLO row is open at now, and to whom.
func iloOpen(a store.ILOAccess, now time.Time) (bool, netip.Addr) {
	if a.AccessIP == "" || (a.ExpiresAt != 0 && a.ExpiresAt <= now.Unix()) {
		return false, netip.Addr{}
	}
	remote, err := netip.ParseAddr(a.AccessIP)
	if err != nil {
		return false, netip.Addr{}
	}
	return true, remote
}

// errDevice marks the failure of a device (the firewall, the BGP
// speaker) inside a change; kind names the device.
type errDevice struct {
	kind string
	err  error
}

func (e errDevice) Error() string { return e.kind + ": " + e.err.Error() }
func (e errDevice) Unwrap() error { return e.err }

// deviceChangeError is the answer of a device change that failed with
// err: the command's own error as it is, a device failure as deviceCode
// (the module's internal-*-error), anything else as internal-error.
func deviceChangeError(err error, deviceCode string) error {
	var ae *apperr.Error
	if errors.As(err, &ae) {
		return err
	}
	if errors.As(err, new(errDevice)) {
		return apperr.Internal(deviceCode, err)
	}
	return apperr.Internal(apperr.CodeInternal, err)
}

// undoFunc puts back what a firewall change replaced (used when no edge
// node applied it in time).
type undoFunc func(ctx context.Context) error

// undoRuleset returns an undo that stores r (as read before a change)
// again.
func (p *Panel) undoRuleset(customerID int64, r store.FirewallRuleset) undoFunc {
	return func(ctx context.Context) error { return p.Store.FirewallRulesetUpdate(ctx, customerID, r) }
}

// firewallChange runs change in a transaction and, on this node's
// firewall device (Panel.Firewall), applies the desired state the
// transaction leaves, before committing. A device failure rolls the
// change back and answers deviceCode; application errors of change are
// returned as they are. Changes of the firewall are serialised in this
// process so the device ends in the order of the commits.
//
// A node without a device (an API node) with EdgeWait set commits, then
// waits until every edge node applied the new generation
// (waitForEdges); when one fails or none does in time, change's undo puts
// the previous state back and the call answers deviceCode.
func (p *Panel) firewallChange(ctx context.Context, deviceCode string, change func(tx store.Store) (undoFunc, error)) error {
	p.fwMu.Lock()
	defer p.fwMu.Unlock()
	applied := false
	var undo undoFunc
	var gen int64
	err := p.Store.InTx(ctx, func(tx store.Store) error {
		u, err := change(tx)
		if err != nil {
			return err
		}
		undo = u
		if p.Firewall == nil {
			gen, err = tx.DriverGeneration(ctx, "firewall")
			return err
		}
		st, err := FirewallState(ctx, tx, p.now())
		if err != nil {
			return err
		}
		if err := p.Firewall.Apply(ctx, st); err != nil {
			return errDevice{"firewall device", err}
		}
		applied = true
		return nil
	})
	if err == nil {
		if p.Firewall != nil || p.EdgeWait <= 0 {
			return nil
		}
		werr := p.waitForEdges(ctx, "firewall", gen)
		if werr == nil {
			return nil
		}
		if undo != nil {
			if uerr := undo(context.WithoutCancel(ctx)); uerr != nil {
				werr = errors.Join(werr, fmt.Errorf("undo: %w", uerr))
			}
		}
		return apperr.Internal(deviceCode, werr)
	}
	if applied {
		// The device has the new state but the commit failed: put the
		// stored state back.
		if rerr := p.applyFirewallLocked(context.WithoutCancel(ctx)); rerr != nil {
			p.logger().Error("firewall: restoring the stored state after a failed commit", "err", rerr)
		}
	}
	return deviceChangeError(err, deviceCode)
}

// EdgeFresh is how recent a node's last acknowledgement of a driver kind
// must be for an API node to count it as alive (nodes with a real driver
// acknowledge at least every reconcile period of the kind).
const EdgeFresh = 2 * time.Minute

// ErrNoEdge is wrapped by waitForEdges when no live node with a real
// driver of the kind acknowledges anything: nothing applies the change.
var ErrNoEdge = errors.New("no node with a real driver applies this kind of change")

// SimAckKind is the kind under which a node running the simulator of
// driver kind acknowledges what it applied: API nodes count those only
// with EdgeSimulated (a simulated deployment), so that a simulator never
// stands in for a real device.
func SimAckKind(kind string) string { return kind + "/sim" }

// waitForEdges waits up to EdgeWait until every live node that applies
// driver kind (an acknowledgement within EdgeFresh from a node with a real
// driver; with EdgeSimulated also from a node running the simulator) has
// applied generation gen. It fails when there is
// no live such node, when one reports an error at gen or later, or at the
// deadline.
func (p *Panel) waitForEdges(ctx context.Context, kind string, gen int64) error {
	deadline := time.Now().Add(p.EdgeWait)
	for {
		acks, err := p.Store.DriverAcks(ctx, kind)
		if err != nil {
			return err
		}
		if p.EdgeSimulated {
			sim, err := p.Store.DriverAcks(ctx, SimAckKind(kind))
			if err != nil {
				return err
			}
			acks = append(acks, sim...)
		}
		live, done := 0, 0
		fresh := time.Now().Add(-EdgeFresh).Unix()
		for _, a := range acks {
			if a.At < fresh {
				continue
			}
			live++
			if a.Gen >= gen {
				if a.Error != "" {
					return fmt.Errorf("%s: node %s could not apply generation %d: %s", kind, a.Node, a.Gen, a.Error)
				}
				done++
			}
		}
		if live == 0 {
			return fmt.Errorf("%s: %w (no acknowledgement within %s; this node has no %s device: run a node with a real driver, or ask for simulators with --simulate)",
				kind, ErrNoEdge, EdgeFresh, kind)
		}
		if done == live {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s: %d of %d nodes with a real driver applied generation %d within %s", kind, done, live, gen, p.EdgeWait)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// applyFirewallLocked applies the stored state to the device; fwMu is held.
func (p *Panel) applyFirewallLocked(ctx context.Context) error {
	if p.Firewall == nil {
		return nil
	}
	st, err := FirewallState(ctx, p.Store, p.now())
	if err != nil {
		return err
	}
	return p.Firewall.Apply(ctx, st)
}

// firewallCommitted brings this node's firewall device to a change
// committed outside the firewall module that raised the firewall
// generation (the addresses of an additional-IP order): it applies the
// stored state, or, on a node without a device, waits for the edge nodes
// to apply the generation. A failure is logged, not answered: the change
// stands, and every node's reconciler follows the generation.
func (p *Panel) firewallCommitted(ctx context.Context, what string) {
	ctx = context.WithoutCancel(ctx)
	p.fwMu.Lock()
	defer p.fwMu.Unlock()
	var err error
	switch {
	case p.Firewall != nil:
		err = p.applyFirewallLocked(ctx)
	case p.EdgeWait > 0:
		var gen int64
		if gen, err = p.Store.DriverGeneration(ctx, "firewall"); err == nil {
			err = p.waitForEdges(ctx, "firewall", gen)
		}
	}
	if err != nil {
		p.logger().Error("firewall: applying "+what, "err", err)
	}
}

// FirewallSweep carries out what is due at now: it puts back the rules of
// commit-confirmed saves whose deadline passed and closes iLO openings
// that expired (each a compare-and-swap, so several nodes may sweep), and
// reports whether it changed anything. It is safe to call often.
func (p *Panel) FirewallSweep(ctx context.Context) (bool, error) {
	now := p.now().Unix()
	changed := false
	rulesets, err := p.Store.FirewallRulesetsAll(ctx)
	if err != nil {
		return false, err
	}
	for _, r := range rulesets {
		if r.ConfirmDeadline == 0 || r.ConfirmDeadline > now {
			continue
		}
		ok, err := p.Store.FirewallRulesetRevert(ctx, r.ID, r.ConfirmDeadline)
		if err != nil {
			return changed, err
		}
		if ok {
			changed = true
			p.logger().Info("firewall: save not confirmed in time, previous rules restored", "ruleset", r.ID,
				"deadline", time.Unix(r.ConfirmDeadline, 0).UTC().Format(time.RFC3339))
		}
	}
	ilos, err := p.Store.ILOAll(ctx)
	if err != nil {
		return changed, err
	}
	for _, a := range ilos {
		if a.AccessIP == "" || a.ExpiresAt == 0 || a.ExpiresAt > now {
			continue
		}
		ok, err := p.Store.ILOExpire(ctx, a.ServiceID, a.ExpiresAt)
		if err != nil {
			return changed, err
		}
		if ok {
			changed = true
			p.logger().Info("ilo access closed: expired", "service_id", a.ServiceID, "customer_id", a.CustomerID,
				"remote_ip", a.AccessIP, "expired_at", time.Unix(a.ExpiresAt, 0).UTC().Format(time.RFC3339))
		}
	}
	return changed, nil
}

// FirewallReconcile sweeps what is due (FirewallSweep) and applies the
// whole stored state to this node's firewall device, idempotently: at
// start, after changes made by other nodes, and periodically, so a device
// changed by hand or a node that missed a change converges.
func (p *Panel) FirewallReconcile(ctx context.Context) error {
	if _, err := p.FirewallSweep(ctx); err != nil {
		return fmt.Errorf("sweep: %w", err)
	}
	p.fwMu.Lock()
	defer p.fwMu.Unlock()
	return p.applyFirewallLocked(ctx)
}
