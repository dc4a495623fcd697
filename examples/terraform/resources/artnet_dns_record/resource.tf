resource "artnet_dns_zone" "example" {
  domain = "records.acme.test"
}

resource "artnet_dns_record" "www" {
  zone_id = artnet_dns_zone.example.id
  name    = "www"
  type    = "A"
  ttl     = 300
  data1   = "192.0.2.10"
}

resource "artnet_dns_record" "mx" {
  zone_id = artnet_dns_zone.example.id
  name    = "@"
  type    = "MX"
  data1   = "10"   # priority
  data2   = "mail" # exchange, relative to the zone
}

resource "artnet_dns_record" "mail" {
  zone_id = artnet_dns_zone.example.id
  name    = "mail"
  type    = "A"
  data1   = "192.0.2.25"
}

resource "artnet_dns_record" "spf" {
  zone_id = artnet_dns_zone.example.id
  name    = "@"
  type    = "TXT"
  data1   = "v=spf1 mx -all"
}

resource "artnet_dns_record" "sip" {
  zone_id = artnet_dns_zone.example.id
  name    = "_sip._tcp"
  type    = "SRV"
  data1   = "10"   # priority
  data2   = "60"   # weight
  data3   = "5060" # port
  data4   = "sip.example.net."
}
