# ZONE_ID/NAME/TYPE/DATA1[/DATA2[/DATA3[/DATA4]]]; the last data field may
# contain "/".
tofu import artnet_dns_record.www '7/www/A/192.0.2.10'
tofu import artnet_dns_record.mx '7/@/MX/10/mail'
