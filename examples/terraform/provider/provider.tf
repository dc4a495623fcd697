terraform {
  required_providers {
    artnet = {
      source = "artnet-panel/artnet"
    }
  }
}

# Every attribute may be left out and read from the environment, as the
# artnet CLI does: ARTNET_ID, ARTNET_API_KEY, ARTNET_ENDPOINT.
provider "artnet" {
  id       = 19052
  api_key  = var.artnet_api_key
  endpoint = "http://127.0.0.1:8080/api" # artnetd; default https://panel.artnet.pl/api
}

variable "artnet_api_key" {
  type      = string
  sensitive = true
}
