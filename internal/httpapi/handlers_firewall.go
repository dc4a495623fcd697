package httpapi

import (
	"context"

	"github.com/artnet-panel/artnet-panel/artnet"
	"github.com/artnet-panel/artnet-panel/internal/form"
	"github.com/artnet-panel/artnet-panel/internal/panel"
)

// addFirewallRoutes adds the handlers of the firewall module and of the
// dedicated iLO / IPMI commands to h.
func (s *Server) addFirewallRoutes(h map[string]handlerFunc) {
	p := s.Panel
	h["firewall/list"] = func(ctx context.Context, c *call) (any, error) {
		list, err := p.FirewallList(ctx, c.customerID)
		if err != nil {
			return nil, err
		}
		return artnet.FirewallRulesetsListResponse{RulesetsList: list}, nil
	}
	h["firewall/details"] = func(ctx context.Context, c *call) (any, error) {
		d, err := p.FirewallDetails(ctx, c.customerID, c.str("ruleset_id"))
		if err != nil {
			return nil, err
		}
		return artnet.FirewallRulesetDetailsResponse{RulesetDetails: d}, nil
	}
	h["firewall/enable"] = func(ctx context.Context, c *call) (any, error) {
		return nil, p.FirewallSetEnabled(ctx, c.customerID, c.str("ruleset_id"), true)
	}
	h["firewall/disable"] = func(ctx context.Context, c *call) (any, error) {
		return nil, p.FirewallSetEnabled(ctx, c.customerID, c.str("ruleset_id"), false)
	}
	h["firewall/save"] = func(ctx context.Context, c *call) (any, error) {
		rules := c.params.Get("rules")
		return nil, p.FirewallSave(ctx, c.customerID, panel.FirewallSaveInput{
			RulesetID:     c.str("ruleset_id"),
			In:            ruleInputs(rules.Get("in")),
			Out:           ruleInputs(rules.Get("out")),
			ConfirmWithin: c.int("confirm_within"),
		})
	}
	h["firewall/save-confirm"] = func(ctx context.Context, c *call) (any, error) {
		return nil, p.FirewallSaveConfirm(ctx, c.customerID, c.str("ruleset_id"))
	}
	h["dedicated/ilo-details"] = func(ctx context.Context, c *call) (any, error) {
		d, err := p.ILODetails(ctx, c.customerID, c.int("service_id"))
		if err != nil {
			return nil, err
		}
		return artnet.ILODetailsResponse{ILODetails: d}, nil
	}
	h["dedicated/ilo-access-enable"] = func(ctx context.Context, c *call) (any, error) {
		return nil, p.ILOAccessEnable(ctx, c.customerID, c.int("service_id"), c.str("remote_ip"))
	}
	h["dedicated/ilo-access-disable"] = func(ctx context.Context, c *call) (any, error) {
		return nil, p.ILOAccessDisable(ctx, c.customerID, c.int("service_id"))
	}
}

// ruleInputs reads rules[dir][N][...] as sent, in the order sent; the
// panel checks every field and orders by N. A value that is a list where
// text is expected (rules[in][0][policy][]=x) is passed as "[…]", which no
// check accepts. A direction sent as a single value has one item with an
// empty index, which the panel reports.
func ruleInputs(v *form.Value) []panel.FirewallRuleInput {
	if v == nil {
		return nil
	}
	if v.IsLeaf() {
		if v.String() == "" {
			return nil
		}
		return []panel.FirewallRuleInput{{N: ""}}
	}
	out := make([]panel.FirewallRuleInput, 0, v.Len())
	for n, item := range v.All() {
		out = append(out, panel.FirewallRuleInput{
			N:           n,
			Policy:      text(item.Get("policy")),
			Protocol:    text(item.Get("protocol")),
			Source:      addrInput(item.Get("source")),
			Destination: addrInput(item.Get("destination")),
		})
	}
	return out
}

func addrInput(v *form.Value) panel.FirewallAddrInput {
	port := v.Get("port")
	return panel.FirewallAddrInput{
		IP: text(v.Get("ip")), MaskShort: text(v.Get("mask_short")),
		PortBegin: text(port.Get("begin")), PortEnd: text(port.Get("end")),
	}
}

// text returns a leaf's text, "" when absent and "[…]" for a non-leaf.
func text(v *form.Value) string {
	switch {
	case v == nil:
		return ""
	case !v.IsLeaf():
		return "[…]"
	}
	return v.String()
}
