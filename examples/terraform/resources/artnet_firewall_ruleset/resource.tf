# The rules of ruleset fw-12345 (the demo's dedicated server 12345): SSH
# from one network, HTTP and HTTPS from anywhere, ping, everything else
# dropped. Each apply saves with a 120 s confirmation window and confirms
# once the API answers with the new rules in force; an apply that breaks
# in between is rolled back by the server.
resource "artnet_firewall_ruleset" "web" {
  ruleset_id     = "fw-12345"
  enabled        = true
  confirm_within = 120

  rules = {
    in = [
      {
        policy      = "ACCEPT"
        protocol    = 6 # TCP
        source      = { ip = "198.51.100.0", mask_short = 24 }
        destination = { port = { begin = 22 } }
      },
      {
        policy      = "ACCEPT"
        protocol    = 6
        destination = { port = { begin = 80, end = 80 } }
      },
      {
        policy      = "ACCEPT"
        protocol    = 6
        destination = { port = { begin = 443 } }
      },
      {
        policy   = "ACCEPT"
        protocol = 1 # ICMP
      },
      {
        policy = "DROP"
      },
    ]
    out = []
  }
}
