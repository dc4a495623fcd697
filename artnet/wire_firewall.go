package artnet

// Wire types of the firewall module.

// Firewall rule policies.
const (
	FirewallAccept = "ACCEPT"
	FirewallDrop   = "DROP"
)

// FirewallRuleset is an item of /firewall/list: a ruleset and the server
// services its rules apply to.
type FirewallRuleset struct {
	ID              string  `json:"id"`
	ServicesIDsList []int64 `json:"services_ids_list"`
}

// FirewallPort is a port range condition. Begin and End are decimal port
// numbers, or empty when the port is not checked (or does not apply to the
// protocol).
type FirewallPort struct {
	Begin string `json:"begin"`
	End   string `json:"end"`
}

// FirewallAddress is a packet source or destination condition: the network
// IP/MaskShort (IPv4 with MaskShort 0 to 32, or IPv6 with 0 to 128) and a
// port range.
type FirewallAddress struct {
	IP        string       `json:"ip"`
	MaskShort int64        `json:"mask_short"`
	Port      FirewallPort `json:"port"`
}

// FirewallRule is one rule of a ruleset, as /firewall/details answers it
// and /firewall/save takes it.
type FirewallRule struct {
	Policy string `json:"policy"` // FirewallAccept or FirewallDrop
	// Protocol is the protocol number (RFC 1700), or empty when the
	// protocol is not checked. /firewall/save takes it for each rule;
	// /firewall/details documents protocol on the ruleset instead, so this
	// field is absent from its rules unless the server sends it.
	Protocol    string          `json:"protocol,omitempty"`
	Source      FirewallAddress `json:"source"`
	Destination FirewallAddress `json:"destination"`
}

// FirewallRules are the rules of a ruleset by traffic direction, in order
// (order is significant).
type FirewallRules struct {
	In  []FirewallRule `json:"in"`
	Out []FirewallRule `json:"out"`
}

// FirewallRulesetDetails is ruleset_details of /firewall/details.
type FirewallRulesetDetails struct {
	ID      string `json:"id"`
	Enabled bool   `json:"enabled"`
	// MaximumRulesNumber is the most rules one direction may hold.
	MaximumRulesNumber int64 `json:"maximum_rules_number"`
	// Protocol is documented on the ruleset: a protocol number (RFC 1700)
	// or empty when the protocol is not checked.
	Protocol string        `json:"protocol"`
	Rules    FirewallRules `json:"rules"`
}

// FirewallRulesetsListResponse answers /firewall/list.
type FirewallRulesetsListResponse struct {
	RulesetsList []FirewallRuleset `json:"rulesets_list"`
}

// FirewallRulesetDetailsResponse answers /firewall/details.
type FirewallRulesetDetailsResponse struct {
	RulesetDetails FirewallRulesetDetails `json:"ruleset_details"`
}
