data "artnet_services" "all" {}

data "artnet_services" "fail_over_ips" {
  service_type = "foip"
}

output "service_names" {
  value = [for s in data.artnet_services.all.services_list : "${s.id} ${s.type} ${s.name}"]
}
