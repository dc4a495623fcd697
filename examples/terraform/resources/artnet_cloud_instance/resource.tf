# Adopt the demo's cloud instance 1: two cores and 2 GB of RAM (a change
# restarts it through /cloud-instance/resources-negotiate, asking the
# operating system to shut down first), a display name, running, booting
# from its own disk.
#
# The management password never enters the plan or the state. With
# Terraform >= 1.11 or OpenTofu >= 1.11 pass it write-only:
#   instance_password_wo = var.instance_password
# With older clients (OpenTofu 1.10) set it in the provider's environment:
#   export ARTNET_INSTANCE_PASSWORD_1=demo1234
resource "artnet_cloud_instance" "web" {
  instance_id = 1

  resources = {
    cpu_cores = 2
    ram       = 2048
  }
  custom_properties = {
    display_name = "ACME web"
    notes        = "front-end, managed by OpenTofu"
  }
  state       = "running"
  boot_status = "boot"
  shutdown    = true
}

output "instance_ip" {
  value = artnet_cloud_instance.web.network_configuration.ip
}
