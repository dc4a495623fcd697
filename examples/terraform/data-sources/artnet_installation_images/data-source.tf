data "artnet_installation_images" "vm" {
  instance_id = 1
}

output "debian_images" {
  value = [for i in data.artnet_installation_images.vm.installation_images_list : i.image if i.distribution == "debian"]
}
