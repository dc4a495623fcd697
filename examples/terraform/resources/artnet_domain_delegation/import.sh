# The domain service's id.
tofu import artnet_domain_delegation.acme 12348
