# The fail-over IP service's id, as /fail-over-ip/list (artnet fail-over-ip list) shows it.
tofu import artnet_failover_ip.vip 12353
