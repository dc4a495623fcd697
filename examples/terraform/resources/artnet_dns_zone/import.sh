# The zone's id, as /dns/list (artnet dns list) shows it.
tofu import artnet_dns_zone.example 7
