# The address.
tofu import artnet_rev_dns.mail 123.123.124.3
