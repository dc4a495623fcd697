# A primary zone: its records are artnet_dns_record resources.
resource "artnet_dns_zone" "example" {
  domain = "shop.acme.test"
}

# A secondary zone, transferred from the customer's own primary server.
resource "artnet_dns_zone" "mirror" {
  domain            = "mirror.acme.test"
  type              = "secoundary" # the API's spelling
  master_nameserver = "192.0.2.53"
}

output "delegate_to" {
  value = artnet_dns_zone.example.nameservers
}
