data "artnet_service" "domain" {
  id = 12348
}

output "expires" {
  value = data.artnet_service.domain.expiration_time
}
