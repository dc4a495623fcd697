# Route the demo's fail-over IP 123.123.127.1 (service 12353) to the
# standby server. Destroying the resource leaves it routed where it is.
resource "artnet_failover_ip" "vip" {
  service_id = 12353
  real_ip    = "123.123.125.10"
}

output "virtual_ip" {
  value = artnet_failover_ip.vip.virtual_ip
}
