# The instance's id, as /cloud-instance/list (artnet cloud-instance list) shows it.
tofu import artnet_cloud_instance.web 1
