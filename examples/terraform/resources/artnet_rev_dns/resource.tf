resource "artnet_rev_dns" "mail" {
  address = "123.123.124.3"
  ptr     = "mail.acme.test"
}

resource "artnet_rev_dns" "v6" {
  address = "2a01:1234:5678::25"
  ptr     = "mail.acme.test"
}
