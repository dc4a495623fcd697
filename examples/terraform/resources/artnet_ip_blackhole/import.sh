# The blackholed address, as /ip-blackholing/list (artnet ip-blackholing list) shows it.
tofu import artnet_ip_blackhole.ddos 123.123.124.5
