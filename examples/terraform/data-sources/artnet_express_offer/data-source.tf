data "artnet_express_offer" "now" {}

output "cheapest_server" {
  value = try(
    [for s in data.artnet_express_offer.now.offer : s.id
    if tonumber(s.prices.regular.price) == min([for o in data.artnet_express_offer.now.offer : tonumber(o.prices.regular.price)]...)][0],
    null
  )
}
