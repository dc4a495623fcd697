data "artnet_services" "domains" {
  service_type = "domain"
}

# Delegate the first domain to the panel's name servers (order matters).
resource "artnet_domain_delegation" "acme" {
  service_id  = data.artnet_services.domains.services_list[0].id
  dns_servers = ["ns1.artnet.pl", "ns2.artnet.pl"]
}
