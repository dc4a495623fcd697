package inventory

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/artnet-panel/artnet-panel/artnet"
	"github.com/artnet-panel/artnet-panel/internal/apperr"
	"github.com/artnet-panel/artnet-panel/internal/panel"
	"github.com/artnet-panel/artnet-panel/internal/store"
)

// The firewall in the inventory.
//
// firewall_rulesets (top level) lists the external firewall's rulesets,
// each shaped like /firewall/details ruleset_details plus
// services_ids_list as /firewall/list shows it:
//
//	{"id": "fw-12345", "enabled": true, "maximum_rules_number": 10, "protocol": "",
//	 "rules": {"in": [{"policy": "ACCEPT", "protocol": "6",
//	                   "source": {"ip": "", "mask_short": 0, "port": {"begin": "", "end": ""}},
//	                   "destination": {"ip": "", "mask_short": 0, "port": {"begin": "22", "end": "22"}}}],
//	           "out": []},
//	 "services_ids_list": [12345]}
//
// Rules follow the rules of /firewall/save (each bad field named by its
// path); maximum_rules_number defaults to panel.DefaultMaxFirewallRules;
// protocol (documented on the ruleset, unused: rules carry their own) must
// be empty. Every service must be a dedicated server or colocation of the
// file, in at most one ruleset. A pending commit-confirmed save is not
// exported: export writes the rules in force.
//
// A dedicated service entry may carry ilo_details, as
// /dedicated/ilo-details answers it: {"available": true, "ip":
// "10.1.2.3", "access_enabled": false, "access_ip": ""}. An entry with
// access enabled is imported open for panel.DefaultILOAccessTTL from the
// import.

// FirewallRuleset is one entry of firewall_rulesets.
type FirewallRuleset struct {
	ID                 string               `json:"id"`
	Enabled            bool                 `json:"enabled"`
	MaximumRulesNumber int64                `json:"maximum_rules_number"`
	Protocol           string               `json:"protocol"`
	Rules              artnet.FirewallRules `json:"rules"`
	ServicesIDsList    []int64              `json:"services_ids_list"`
}

// rulesetRows validates the firewall_rulesets of the file against its
// services (by id: type) and returns the rows to store.
func rulesetRows(list []FirewallRuleset, serviceTypes map[int64]string) ([]store.FirewallRuleset, error) {
	ids := map[string]string{}
	inRuleset := map[int64]string{}
	var rows []store.FirewallRuleset
	for i, r := range list {
		p := fmt.Sprintf("$.firewall_rulesets[%d]", i)
		if strings.TrimSpace(r.ID) == "" || len(r.ID) > 64 {
			return nil, pathError(p+".id", "must be 1 to 64 characters")
		}
		if first, ok := ids[r.ID]; ok {
			return nil, pathError(p+".id", "ruleset %s is also at %s", r.ID, first)
		}
		ids[r.ID] = p
		if r.Protocol != "" {
			return nil, pathError(p+".protocol", "must be empty: each rule has its own protocol")
		}
		max := r.MaximumRulesNumber
		if max == 0 {
			max = panel.DefaultMaxFirewallRules
		}
		if max < 0 || max > 10000 {
			return nil, pathError(p+".maximum_rules_number", "must be 1 to 10000")
		}
		if len(r.Rules.In) > int(max) || len(r.Rules.Out) > int(max) {
			return nil, pathError(p+".rules", "more rules than maximum_rules_number (%d) in a direction", max)
		}
		rules, err := panel.ParseFirewallRules(ruleInputsOf(r.Rules.In), ruleInputsOf(r.Rules.Out))
		if err != nil {
			var ae *apperr.Error
			if errors.As(err, &ae) && len(ae.Details) > 0 {
				d := ae.Details[0]
				return nil, pathError(fmt.Sprintf("%s.rules.%s[%s]%s", p, d.Direction, d.Index, dotted(d.Field)), "%s", d.Message)
			}
			return nil, pathError(p+".rules", "%v", err)
		}
		if len(r.ServicesIDsList) == 0 {
			return nil, pathError(p+".services_ids_list", "must name at least one service")
		}
		for j, sid := range r.ServicesIDsList {
			sp := fmt.Sprintf("%s.services_ids_list[%d]", p, j)
			t, ok := serviceTypes[sid]
			if !ok {
				return nil, pathError(sp, "service %d is not in the file", sid)
			}
			if t != artnet.ServiceTypeDedicated && t != artnet.ServiceTypeColocation {
				return nil, pathError(sp, "service %d is a %s service; rulesets hold dedicated servers and colocations", sid, t)
			}
			if first, ok := inRuleset[sid]; ok {
				return nil, pathError(sp, "service %d is also in %s", sid, first)
			}
			inRuleset[sid] = p
		}
		raw, err := json.Marshal(rules)
		if err != nil {
			return nil, err
		}
		rows = append(rows, store.FirewallRuleset{ID: r.ID, Enabled: r.Enabled, MaxRules: int(max), Rules: raw,
			ServiceIDs: r.ServicesIDsList})
	}
	return rows, nil
}

// dotted turns a panel field path ("source.port.begin") into a JSON path
// suffix (".source.port.begin").
func dotted(field string) string {
	if field == "" {
		return ""
	}
	return "." + field
}

// ruleInputsOf turns file rules into /firewall/save inputs, N the index.
func ruleInputsOf(rules []artnet.FirewallRule) []panel.FirewallRuleInput {
	out := make([]panel.FirewallRuleInput, len(rules))
	for i, r := range rules {
		out[i] = panel.FirewallRuleInput{N: strconv.Itoa(i), Policy: r.Policy, Protocol: r.Protocol,
			Source: addrInputOf(r.Source), Destination: addrInputOf(r.Destination)}
	}
	return out
}

func addrInputOf(a artnet.FirewallAddress) panel.FirewallAddrInput {
	in := panel.FirewallAddrInput{IP: a.IP, PortBegin: a.Port.Begin, PortEnd: a.Port.End}
	if a.IP != "" || a.MaskShort != 0 {
		in.MaskShort = strconv.FormatInt(a.MaskShort, 10)
	}
	return in
}

// iloRow validates a service entry's ilo_details.
func iloRow(p string, svc store.Service, d *artnet.ILODetails, now time.Time) (store.ILOAccess, error) {
	a := store.ILOAccess{ServiceID: svc.ID, Available: d.Available, IP: d.IP}
	if svc.Type != artnet.ServiceTypeDedicated {
		return a, pathError(p, "only dedicated servers have iLO / IPMI")
	}
	if ip, err := netip.ParseAddr(d.IP); err != nil || !ip.Is4() {
		return a, pathError(p+".ip", "must be an IPv4 address, got %q", d.IP)
	}
	if d.AccessEnabled {
		ip, err := netip.ParseAddr(d.AccessIP)
		if err != nil || !ip.Is4() || !ip.IsGlobalUnicast() {
			return a, pathError(p+".access_ip", "must be a unicast IPv4 address while access_enabled, got %q", d.AccessIP)
		}
		a.AccessIP = ip.String()
		a.ExpiresAt = now.Add(panel.DefaultILOAccessTTL).Unix()
	} else if d.AccessIP != "" {
		return a, pathError(p+".access_ip", "must be empty while access_enabled is false")
	}
	return a, nil
}

// exportFirewall reads the rulesets and the iLO rows (by service id).
func exportFirewall(ctx context.Context, s store.Store) ([]FirewallRuleset, map[int64]*artnet.ILODetails, error) {
	rulesets, err := s.FirewallRulesetsAll(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("list firewall rulesets: %w", err)
	}
	out := []FirewallRuleset{}
	for _, r := range rulesets {
		var rules artnet.FirewallRules
		if err := json.Unmarshal(r.Rules, &rules); err != nil {
			return nil, nil, fmt.Errorf("ruleset %s: %w", r.ID, err)
		}
		if rules.In == nil {
			rules.In = []artnet.FirewallRule{}
		}
		if rules.Out == nil {
			rules.Out = []artnet.FirewallRule{}
		}
		out = append(out, FirewallRuleset{ID: r.ID, Enabled: r.Enabled, MaximumRulesNumber: int64(r.MaxRules),
			Rules: rules, ServicesIDsList: r.ServiceIDs})
	}
	ilos, err := s.ILOAll(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("list iLO access: %w", err)
	}
	now := time.Now().Unix()
	byService := map[int64]*artnet.ILODetails{}
	for _, a := range ilos {
		d := &artnet.ILODetails{Available: a.Available, IP: a.IP}
		if a.AccessIP != "" && (a.ExpiresAt == 0 || a.ExpiresAt > now) {
			d.AccessEnabled, d.AccessIP = true, a.AccessIP
		}
		byService[a.ServiceID] = d
	}
	return out, byService, nil
}
