# The ruleset's id, as /firewall/list (artnet firewall list) shows it.
tofu import artnet_firewall_ruleset.web fw-12345
