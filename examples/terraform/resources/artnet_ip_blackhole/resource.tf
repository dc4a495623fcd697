# Drop all traffic to 123.123.124.5 (an address of the demo customer's
# subnetworks) at the network's edge, e.g. during a DDoS attack. Removing
# the resource (or `tofu destroy`) lifts the blackhole.
resource "artnet_ip_blackhole" "ddos" {
  ip = "123.123.124.5"
}

output "blackhole_type" {
  value = artnet_ip_blackhole.ddos.type # "customer"
}
