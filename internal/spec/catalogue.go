package spec

import "github.com/artnet-panel/artnet-panel/internal/apperr"

// catalogue lists every documented command, in documentation order.
//
// Names, types, descriptions and error codes are transcribed as documented,
// typos included (they are the contract: "secoundary", "newtwork_..."). The
// few places that differ from the text are marked with a comment:
//   - parameter types that the text gets wrong (customer[business],
//     records[N][data1..4], custom_properties[display_name]);
//   - error codes added where the documented list cannot serve the command
//     (dns/details-*, rev-dns/details, firewall/enable, firewall/disable),
//     always after the documented ones and marked "added";
//   - response fields that cannot be served as written (time_range "from"
//     twice, custom-offer "rams" and "ip");
//   - the description of rules[..][N][destination][ip] in firewall/save,
//     documented as "source IP address of packet".
//
// Required follows the documentation: ids, confirmations and the values a
// command acts on are required; list paging, filters and "only given
// parameters will be saved" objects are optional.
var catalogue = []Command{
	// Module customer.
	{
		Module:  "customer",
		Name:    "regenerate-api-key",
		Summary: "generation of new API key",
		Doc:     "Generation of new API key. Command returns new api_key value in response. After calling this command old API key in no longer valid. All feture requests have to use new API key to authorize.",
		Response: []Field{
			fld("api_key", "string", "newly generated API key"),
		},
		Errors:      []string{apperr.CodeInternalUpdateError},
		Destructive: true,
	},
	{
		Module:  "customer",
		Name:    "emails-list",
		Summary: "sended emails list",
		Doc:     "List of lately sended email messages. Headers are sorted in descending order by date.",
		Params: []Param{
			opt("limit", Number, "maximal number of headers to fetch"),
			opt("offset", Number, "offset of first record to fetch"),
		},
		Response: []Field{
			fld("emails_list", "objects-list", "headers list",
				fld("id", "number", "unique ID of the email"),
				fld("time", "timestamp", "time of sending the email"),
				fld("subject", "string", "email subject"),
			),
		},
		ReadOnly: true,
	},
	{
		Module:  "customer",
		Name:    "email-details",
		Summary: "sended emails details",
		Doc:     "Returns details of email message.",
		Params: []Param{
			req("email_id", Number, "ID of email message"),
		},
		Response: []Field{
			fld("email", "object", "email details",
				fld("id", "number", "unique ID of the email"),
				fld("time", "timestamp", "time of sending the email"),
				fld("address", "string", "address to which email was sent"),
				fld("subject", "string", "email subject"),
				fld("body", "string", "email body"),
			),
		},
		Errors:   []string{apperr.CodeInvalidID},
		ReadOnly: true,
	},
	{
		Module:  "customer",
		Name:    "change-language",
		Summary: "change language",
		Doc:     "Changes default language used in emails and Customers Panel.",
		Params: []Param{
			req("language", String, "language name"),
		},
		Errors: []string{apperr.CodeIncorrectParamValue},
	},
	{
		Module:  "customer",
		Name:    "get-language",
		Summary: "fetch language",
		Doc:     "Returns current language (for email messages and Customer Panel).",
		Response: []Field{
			fld("language", "string", "language name"),
		},
		ReadOnly: true,
	},
	{
		Module:  "customer",
		Name:    "details",
		Summary: "customer details",
		Doc:     "Returns details of customer.",
		Response: []Field{
			fld("customer", "object", "customer details",
				fld("id", "number", "unique ID"),
				fld("name", "string", "customer name"),
				fld("nip", "string", "VAT identification number"),
				fld("regon", "string", "PESEL or REGON number (polish company or personal identification number)"),
				fld("street", "string", "customer address - street"),
				fld("postcode", "string", "customer address - postcode"),
				fld("city", "string", "customer address - city"),
				fld("country_code", "string", "customer address - country code"),
				fld("country_label", "string", "customer address - country name"),
				fld("tel", "string", "phone number"),
				fld("fax", "string", "fax number"),
				fld("email", "string", "email address"),
				fld("email_tech", "string", "technical email address"),
				fld("email_invoice", "string", "invoicing email address (for sending eInvoices)"),
				fld("correspondence_name", "string", "correspondence address - receiver name"),
				fld("correspondence_street", "string", "correspondence address - street"),
				fld("correspondence_postcode", "string", "correspondence address - postcode"),
				fld("correspondence_city", "string", "correspondence address - city"),
				fld("business", "boolean", "legal form (true - business, false - individual person)"),
				fld("language", "string", "language"),
				fld("currency", "string", "default currency code"),
			),
		},
		Errors:   []string{apperr.CodeInvalidID},
		ReadOnly: true,
	},
	{
		Module:  "customer",
		Name:    "edit",
		Summary: "edit customer details",
		Doc:     "Edits details of customer. Allow edit customer and contact details. All parameters are optional. Only given parameters will be saved.",
		Params: []Param{
			// The container has no documented line of its own.
			opt("customer", Object, "customer and contact details to change",
				opt("name", String, "customer name"),
				opt("nip", String, "VAT identification number"),
				opt("regon", String, "PESEL or REGON number (polish company or personal identification number)"),
				opt("street", String, "customer address - street"),
				opt("postcode", String, "customer address - postcode"),
				opt("city", String, "customer address - city"),
				opt("country_code", String, "customer address - country code"),
				opt("tel", String, "phone number"),
				opt("fax", String, "fax number"),
				opt("email", String, "email address"),
				opt("email_tech", String, "technical email address"),
				opt("email_invoice", String, "invoicing email address (for sending eInvoices)"),
				opt("correspondence_name", String, "correspondence address - receiver name"),
				opt("correspondence_street", String, "correspondence address - street"),
				opt("correspondence_postcode", String, "correspondence address - postcode"),
				opt("correspondence_city", String, "correspondence address - city"),
				// Documented as a string holding "true" or "false": a boolean.
				opt("business", Bool, "legal form (true - business, false - individual person)"),
			),
		},
		Errors: []string{apperr.CodeIncorrectParamValue},
	},

	// Module services.
	{
		Module:  "services",
		Name:    "list",
		Summary: "services list",
		Doc:     "List of customer services. If optional parameter service_type is given list can be filtered by type.",
		Params: []Param{
			opt("limit", Number, "maximal number of records to fetch"),
			opt("offset", Number, "offset of first record to fetch"),
			opt("service_type", String, "service_type (if given only services of given type will be returned)"),
			opt("parent_service_id", Number, "parent service ID (if given and non-zero only child services of specified parent service will be returned)"),
		},
		Response: []Field{
			servicesList(),
		},
		ReadOnly: true,
	},
	{
		Module:  "services",
		Name:    "details",
		Summary: "service details",
		Doc:     "Returns details of selected service.",
		Params: []Param{
			req("service_id", Number, "service ID"),
		},
		Response: []Field{
			fld("service", "object", "service details", serviceFields()...),
		},
		Errors:   []string{apperr.CodeAuthorizationFailed},
		ReadOnly: true,
	},

	// Module domain.
	listOf("domain", "domain", "domains list", "Returns list of all customer's domains. Command is literally the same as calling /services/list with parameter service_type=domain."),
	{
		Module:  "domain",
		Name:    "details",
		Summary: "domain details",
		Doc:     "Returns details of domain.",
		Params: []Param{
			req("service_id", Number, "service ID"),
		},
		Response: []Field{
			fld("service_details", "object", "domain details",
				fld("id", "number", "unique service ID"),
				fld("domain_name", "string", "domain name"),
				fld("manageable", "boolean", "information on possibility to automatically changing DNS servers (if this field is false then you have to contact Customer Service)"),
				fld("dns_servers", "ordered-list", "list of DNS servers of the domain (order is significant); if there is no information is Artnet internal system this field will not be present"),
			),
		},
		Errors:   []string{apperr.CodeAuthorizationFailed},
		ReadOnly: true,
	},
	{
		Module:  "domain",
		Name:    "edit-dns-servers",
		Summary: "edit DNS servers of domain",
		Doc:     "Changes domain DNS delegation.",
		Params: []Param{
			req("service_id", Number, "service ID"),
			req("dns_servers", List, "multiple DNS hostnames as elements of the list (order is significant)"),
		},
		Errors: []string{apperr.CodeInvalidServiceType, apperr.CodeIncorrectParamValue, apperr.CodeDNSServersInsufficient, apperr.CodeEditDNSError},
	},

	// Module easyisp.
	listOf("easyisp", "easyisp", "services list", "Returns list of all customer's EasyISP hosting services. Command is literally the same as calling /services/list with parameter service_type=easyisp."),
	{
		Module:  "easyisp",
		Name:    "details",
		Summary: "EasyISP hosting details",
		Doc:     "Returns details of EasyISP hosting.",
		Params: []Param{
			req("service_id", Number, "service ID"),
		},
		Response: []Field{
			hostingDetails(),
		},
		Errors:   []string{apperr.CodeAuthorizationFailed},
		ReadOnly: true,
	},

	// Module avx.
	listOf("avx", "avx", "services list", "Returns list of all customer's AVX hosting services. Command is literally the same as calling /services/list with parameter service_type=avx."),
	{
		Module:  "avx",
		Name:    "details",
		Summary: "AVX hosting details",
		Doc:     "Returns details of AVX hosting.",
		Params: []Param{
			req("service_id", Number, "service ID"),
		},
		Response: []Field{
			hostingDetails(),
		},
		Errors:   []string{apperr.CodeAuthorizationFailed},
		ReadOnly: true,
	},

	// Module hosting-artnet.
	listOf("hosting-artnet", "hosting-artnet", "services list", "Returns list of all customer's Artnet branded hosting services. Command is literally the same as calling /services/list with parameter service_type=hosting-artnet."),
	{
		Module:  "hosting-artnet",
		Name:    "details",
		Summary: "hosting details",
		Doc:     "Returns details of hosting.",
		Params: []Param{
			req("service_id", Number, "service ID"),
		},
		Response: []Field{
			hostingDetails(),
		},
		Errors:   []string{apperr.CodeAuthorizationFailed},
		ReadOnly: true,
	},

	// Module ssl.
	listOf("ssl", "ssl", "services list", "Returns list of all customer's Artnet branded hosting services. Command is literally the same as calling /services/list with parameter service_type=ssl."),
	{
		Module:  "ssl",
		Name:    "details",
		Summary: "SSL certificate details",
		Doc:     "Returns details.",
		Params: []Param{
			req("service_id", Number, "service ID"),
		},
		Response: []Field{
			fld("service_details", "object", "details",
				fld("id", "number", "unique service ID"),
				fld("domain", "string", "name of domain associated with the SSL certificate"),
				fld("certificate", "object", "object describing certificate name",
					fld("pl", "string", "certificate name in polish"),
					fld("en", "string", "certificate name in english"),
				),
			),
		},
		Errors:   []string{apperr.CodeAuthorizationFailed},
		ReadOnly: true,
	},

	// Module software.
	listOf("software", "software", "services list", "Returns list of all customer's software licences. Command is literally the same as calling /services/list with parameter service_type=software."),
	{
		Module:  "software",
		Name:    "details",
		Summary: "licence details",
		Doc:     "Returns software licence details.",
		Params: []Param{
			req("service_id", Number, "service ID"),
		},
		Response: []Field{
			fld("service_details", "object", "details",
				fld("id", "number", "unique service ID"),
				fld("licence", "object", "licence details",
					fld("name", "string", "software nad licence name"),
					fld("licences_number", "number", "number of licences in this service"),
				),
			),
		},
		Errors:   []string{apperr.CodeAuthorizationFailed},
		ReadOnly: true,
	},

	// Module link-service.
	listOf("link-service", "link", "services list", "Returns list of all customer's internet connections. Command is literally the same as calling /services/list with parameter service_type=link."),
	{
		Module:  "link-service",
		Name:    "details",
		Summary: "Internet connection details",
		Doc:     "Returns details about internet connection service.",
		Params: []Param{
			req("service_id", Number, "service ID"),
		},
		Response: []Field{
			fld("service_details", "object", "details",
				fld("id", "number", "unique service ID"),
				fld("bandwidth", "object", "Bandwidth details.",
					fld("up", "number", "Bandwidth for outgoing traffic [Mbps]."),
					fld("down", "number", "Bandwidth for incoming traffic [Mbps]."),
				),
				fld("network_configuration", "object", "Network configuration.",
					fld("ip", "string", "IP address"),
					fld("mask", "string", "subnetwork mask"),
					fld("mask_short", "string", "subnetwork mask short (like \"\\32\")"),
				),
			),
		},
		Errors:   []string{apperr.CodeAuthorizationFailed},
		ReadOnly: true,
	},

	// Module fail-over-ip.
	listOf("fail-over-ip", "foip", "services list", "Returns list of all customer's IP fail-over services. Command is literally the same as calling /services/list with parameter service_type=foip."),
	{
		Module:  "fail-over-ip",
		Name:    "details",
		Summary: "service details",
		Doc:     "Returns details about IP fail-over service.",
		Params: []Param{
			req("service_id", Number, "service ID"),
		},
		Response: []Field{
			fld("service_details", "object", "details",
				fld("id", "number", "unique service ID"),
				fld("virtual_ip", "string", "Virtual static external IP address."),
				fld("real_ip", "string", "The actual IP address on which traffic is routed currently or false if service is not active."),
				fld("real_ips_allowed_list", "strings-list", "List of IP addresses traffic can be switched to."),
			),
		},
		Errors:   []string{apperr.CodeAuthorizationFailed},
		ReadOnly: true,
	},
	{
		Module:  "fail-over-ip",
		Name:    "switch",
		Summary: "switches real IP address",
		Doc:     "Switches target (real) IP address on which traffic from external (virtual) IP address is routed.",
		Params: []Param{
			req("service_id", Number, "service ID"),
			req("real_ip", String, "new target address (have to be on the list of allowed addresses)"),
		},
		Errors: []string{apperr.CodeAuthorizationFailed, apperr.CodeInvalidServiceType, apperr.CodeIncorrectParamValue, apperr.CodeIPNotAllowed, apperr.CodeInternalFailOverIPError},
	},

	// Module additional-ip.
	listOf("additional-ip", "additional-ip", "services list", "Returns list of all customer's additional IP services. Command is literally the same as calling /services/list with parameter service_type=additional-ip."),
	{
		Module:  "additional-ip",
		Name:    "details",
		Summary: "service details",
		Doc:     "Returns details about additional IP service.",
		Params: []Param{
			req("service_id", Number, "service ID"),
		},
		Response: []Field{
			fld("service_details", "object", "details",
				fld("id", "number", "unique service ID"),
				subnetworks(),
			),
		},
		Errors:   []string{apperr.CodeAuthorizationFailed},
		ReadOnly: true,
	},
	{
		Module:  "additional-ip",
		Name:    "order-info",
		Summary: "prices / informations about ordering new IP addresses",
		Doc:     "Gives you informations about ordering new additional IP addresses. Additional IPs order is allways binded with data center service (dedicated server, colocation, VPS) and payment period and currency for IP addresses is determined by payment details of server. This command gives you information about price of ONE IP address for specified server. Price for higher number of IP addresses is calculated as price for one IP multiplied by number of IP addresses ordered. Prices are calculated for full payment period of server and aftrer placing an order will be added to price of server. This command will also give you information about maximum number of IP addresses that can be currently order.",
		Params: []Param{
			req("parent_service_id", Number, "service ID of server for which additional IP price you want to be calculated"),
		},
		Response: []Field{
			fld("order_info", "object", "",
				fld("maximum_ips_number", "number", "maximum number of IP addresses that can be currently order"),
				fld("one_ip_payment_details", "object", "an object describing calculated payment details for ONE additional IP address",
					fld("price", "number", "price for ONE additional IP (VAT excluded)"),
					fld("price_brutto", "number", "price for ONE additional IP (VAT included)"),
					fld("currency", "string", "currency code (like PLN, EUR, USD)"),
					fld("payment_period", "number", "payment period in months"),
				),
			),
		},
		Errors:   []string{apperr.CodeInvalidParentServiceType},
		ReadOnly: true,
	},
	{
		Module:  "additional-ip",
		Name:    "order",
		Summary: "order new additional IP addresses",
		Doc:     "Makes an order for new IP addresses for specified data center service (dedicated server, colocation, VPS). After placing an order price for additional IP addresses (price of single IP address multiplied by number of addresses) is added to the price of parent service. New IP addresses are listed in order result and are immediately ready for configuration on your server (each address with mask 255.255.255.255). Price for one IP address for specified server can be checked by usign command /additional-ip/order-info",
		Params: []Param{
			req("parent_service_id", Number, "service ID of server to which you want to assigns new IP addresses"),
			req("ips_number", Number, "number of new IP addresses to assign"),
		},
		Response: []Field{
			fld("order_details", "object", "details of placed order",
				fld("service_id", "number", "unique ID of newly created additional IP addresses service"),
				fld("ips_number", "number", "number of assigned IP addresses"),
				fld("ips_configuration", "objects-list", "list of objects describing configuration of assigned addresses",
					fld("ip", "string", "IP address"),
					fld("mask", "string", "IP mask that should be used to configure IP on the server"),
				),
			),
		},
		Errors: []string{apperr.CodeInvalidParentServiceType, apperr.CodeInvalidIPsNumber, apperr.CodeInternalServiceCreateError, apperr.CodeInternalServiceUpdateError, apperr.CodeInternalAdditionalIPError},
	},

	// Module vps.
	listOf("vps", "vps", "services list", "Returns list of all customer's VPS server services. Command is literally the same as calling /services/list with parameter service_type=vps."),
	{
		Module:  "vps",
		Name:    "details",
		Summary: "VPS server details",
		Doc:     "Returns details of VPS server.",
		Params: []Param{
			req("service_id", Number, "service ID"),
		},
		Response: []Field{
			fld("service_details", "object", "details",
				fld("id", "number", "unique service ID"),
				// "newtwork" is the documented wire name; clients read it so.
				fld("newtwork_configuration", "object", "network configuration of VPS server",
					fld("ip", "string", "main IP address of VPS server"),
					fld("additional_ips_list", "strings-list", "list of additional IP addresses"),
				),
				fld("features", "object", "features allowed for this server",
					fld("power_management", "boolean", "if it's true you can manage pawer of this VPS"),
				),
				fld("power_state", "string", "describses VPS power state (\"unknown\", \"on\" or \"off\")"),
				fld("active", "boolean", "determines whether the server is active (true) or locked (false)"),
			),
		},
		Errors:   []string{apperr.CodeAuthorizationFailed},
		ReadOnly: true,
	},
	{
		Module:  "vps",
		Name:    "power-on",
		Summary: "change power-state to: ON",
		Doc:     "Changes power-state of VPS server to: ON.",
		Params: []Param{
			req("service_id", Number, "service ID"),
			req("confirm", String, "value of this field has to be \"confirm\""),
		},
		Errors: []string{apperr.CodeInvalidServiceType, apperr.CodeServiceSuspended, apperr.CodeUnsupportedFeature, apperr.CodeUnconfirmed, apperr.CodeInternalOperationError},
	},
	{
		Module:  "vps",
		Name:    "power-off",
		Summary: "change power-state to: OFF",
		Doc:     "Changes power-state of VPS server to: OFF.",
		Params: []Param{
			req("service_id", Number, "service ID"),
			req("confirm", String, "value of this field has to be \"confirm\""),
		},
		Errors:      []string{apperr.CodeInvalidServiceType, apperr.CodeServiceSuspended, apperr.CodeUnsupportedFeature, apperr.CodeUnconfirmed, apperr.CodeInternalOperationError},
		Destructive: true,
	},
	{
		Module:  "vps",
		Name:    "power-restart",
		Summary: "restart VPS",
		Doc:     "Restarts VPS server power. Its acoomplished by sequentially turning server OFF and then ON again.",
		Params: []Param{
			req("service_id", Number, "service ID"),
			req("confirm", String, "value of this field has to be \"confirm\""),
		},
		Errors:      []string{apperr.CodeInvalidServiceType, apperr.CodeUnsupportedFeature, apperr.CodeServiceSuspended, apperr.CodeUnconfirmed, apperr.CodeInternalOperationError},
		Destructive: true,
	},

	// Module dedicated.
	listOf("dedicated", "dedicated", "dedicated servers list", "Returns list of customer's dedicated servers. Command is literally the same as calling /services/list with parameter service_type=dedicated."),
	{
		Module:  "dedicated",
		Name:    "details",
		Summary: "dedicated server details",
		Doc:     "Returns details of dedicated server.",
		Params: []Param{
			req("service_id", Number, "service ID"),
		},
		Response: []Field{
			fld("service_details", "object", "server details",
				fld("id", "number", "unique service ID"),
				hardwareConfiguration(),
				serverNetworkConfiguration(),
				fld("features", "object", "features allowed for this server",
					fld("ilo_access_management", "boolean", "if it's true you can enable access to ILO / IPMI for this server"),
					fld("power_management", "boolean", "if it's true you can manage pawer of this server"),
					fld("firewall_management", "boolean", "if it's true you can manage externall firewall rules for this server"),
				),
				fld("active", "boolean", "determines whether the server is active (true) or locked (false)"),
			),
		},
		Errors:   []string{apperr.CodeAuthorizationFailed},
		ReadOnly: true,
	},
	{
		Module:  "dedicated",
		Name:    "transfer-usage-details",
		Summary: "information about transfer (network traffic) usage",
		Doc:     "Returns detailes about transfer usage of this server in prevoius 3 and current payment period.",
		Params: []Param{
			req("service_id", Number, "service ID"),
		},
		Response: []Field{
			transferUsageDetails(),
		},
		Errors:   []string{apperr.CodeInvalidServiceType, apperr.CodeUnsupportedFeature},
		ReadOnly: true,
	},
	{
		Module:  "dedicated",
		Name:    "ilo-details",
		Summary: "iLO / IPMI access details",
		Doc:     "Detailed informations about iLO / IPMI panel managements access.",
		Params: []Param{
			req("service_id", Number, "service ID"),
		},
		Response: []Field{
			fld("ilo_details", "object", "iLO / IPMI access details",
				fld("available", "boolean", "if it's true you can enable access to ILO / IPMI for this server"),
				fld("ip", "string", "iLO / IPMI service IP address"),
				fld("access_enabled", "boolean", "determines whether access to iLO / IPMI is currenly open"),
				fld("access_ip", "string", "if access to iLO / IPMI is enabled this field contains remote IP address allowed to connect"),
			),
		},
		Errors:   []string{apperr.CodeInvalidServiceType, apperr.CodeUnsupportedFeature},
		ReadOnly: true,
	},
	{
		Module:  "dedicated",
		Name:    "ilo-access-enable",
		Summary: "opens access to connect to iLO / IPMI service",
		Doc:     "Opens access to iLO / IPMI service for specified remote IP address.",
		Params: []Param{
			req("service_id", Number, "service ID"),
			req("remote_ip", String, "remote IP address for which access to iLO / IPMI is to be open"),
		},
		Errors: []string{apperr.CodeInvalidServiceType, apperr.CodeUnsupportedFeature, apperr.CodeInternalOperationError},
	},
	{
		Module:  "dedicated",
		Name:    "ilo-access-disable",
		Summary: "closes access to connect to iLO / IPMI service",
		Doc:     "Closes access to iLO / IPMI service.",
		Params: []Param{
			req("service_id", Number, "service ID"),
		},
		Errors: []string{apperr.CodeInvalidServiceType, apperr.CodeUnsupportedFeature, apperr.CodeInternalOperationError},
	},
	{
		Module:  "dedicated",
		Name:    "power-details",
		Summary: "detailed informations about management and state of serwer power",
		Doc:     "Detailed informations about ability of management and actual state of serwer power (power state refers to power-line state and not wheter server is truned on, by default all servers turns on if power line is on).",
		Params: []Param{
			req("service_id", Number, "service ID"),
		},
		Response: []Field{
			powerDetails(),
		},
		Errors:   []string{apperr.CodeInvalidServiceType, apperr.CodeUnsupportedFeature},
		ReadOnly: true,
	},
	{
		Module:  "dedicated",
		Name:    "power-on",
		Summary: "change power-state to: ON",
		Doc:     "Changes power-state of server to: ON.",
		Params: []Param{
			req("service_id", Number, "service ID"),
			req("confirm", String, "value of this field has to be \"confirm\""),
		},
		Errors: []string{apperr.CodeInvalidServiceType, apperr.CodeUnsupportedFeature, apperr.CodeUnconfirmed, apperr.CodeInternalOperationError},
	},
	{
		Module:  "dedicated",
		Name:    "power-off",
		Summary: "change power-state to: OFF",
		Doc:     "Changes power-state of server to: OFF.",
		Params: []Param{
			req("service_id", Number, "service ID"),
			req("confirm", String, "value of this field has to be \"confirm\""),
		},
		Errors:      []string{apperr.CodeInvalidServiceType, apperr.CodeUnsupportedFeature, apperr.CodeUnconfirmed, apperr.CodeInternalOperationError},
		Destructive: true,
	},
	{
		Module:  "dedicated",
		Name:    "power-restart",
		Summary: "restart server",
		Doc:     "Restarts server power. Its acoomplished by sequentially turning server OFF and then ON again.",
		Params: []Param{
			req("service_id", Number, "service ID"),
			req("confirm", String, "value of this field has to be \"confirm\""),
		},
		Errors:      []string{apperr.CodeInvalidServiceType, apperr.CodeUnsupportedFeature, apperr.CodeUnconfirmed, apperr.CodeInternalOperationError},
		Destructive: true,
	},

	// Module colocation.
	listOf("colocation", "colocation", "colocations list", "Returns list of customer's colocations services. Command is literally the same as calling /services/list with parameter service_type=colocation."),
	{
		Module:  "colocation",
		Name:    "details",
		Summary: "colocation details",
		Doc:     "Returns details of colocation.",
		Params: []Param{
			req("service_id", Number, "service ID"),
		},
		Response: []Field{
			fld("service_details", "object", "colocation details",
				fld("id", "number", "unique service ID"),
				serverNetworkConfiguration(),
				fld("features", "object", "features allowed for this server",
					fld("power_management", "boolean", "if it's true you can manage pawer of this server"),
					fld("firewall_management", "boolean", "if it's true you can manage externall firewall rules for this colocation"),
				),
				fld("active", "boolean", "determines whether the server is active (true) or locked (false)"),
			),
		},
		Errors:   []string{apperr.CodeAuthorizationFailed},
		ReadOnly: true,
	},
	{
		Module:  "colocation",
		Name:    "transfer-usage-details",
		Summary: "information about transfer (network traffic) usage",
		Doc:     "Returns detailes about transfer usage of this server in prevoius 3 and current payment period.",
		Params: []Param{
			req("service_id", Number, "service ID"),
		},
		Response: []Field{
			transferUsageDetails(),
		},
		Errors:   []string{apperr.CodeInvalidServiceType, apperr.CodeUnsupportedFeature},
		ReadOnly: true,
	},
	{
		Module:  "colocation",
		Name:    "power-details",
		Summary: "detailed informations about management and state of serwer power",
		Doc:     "Detailed informations about ability of management and actual state of serwer power (power state refers to power-line state and not wheter server is truned on, by default all servers turns on if power line is on).",
		Params: []Param{
			req("service_id", Number, "service ID"),
		},
		Response: []Field{
			powerDetails(),
		},
		Errors:   []string{apperr.CodeInvalidServiceType, apperr.CodeUnsupportedFeature},
		ReadOnly: true,
	},
	{
		Module:  "colocation",
		Name:    "power-on",
		Summary: "change power-state to: ON",
		Doc:     "Changes power-state of server to: ON.",
		Params: []Param{
			req("service_id", Number, "service ID"),
			req("confirm", String, "value of this field has to be \"confirm\""),
		},
		Errors: []string{apperr.CodeInvalidServiceType, apperr.CodeUnsupportedFeature, apperr.CodeUnconfirmed, apperr.CodeInternalOperationError},
	},
	{
		Module:  "colocation",
		Name:    "power-off",
		Summary: "change power-state to: OFF",
		Doc:     "Changes power-state of server to: OFF.",
		Params: []Param{
			req("service_id", Number, "service ID"),
			req("confirm", String, "value of this field has to be \"confirm\""),
		},
		Errors:      []string{apperr.CodeInvalidServiceType, apperr.CodeUnsupportedFeature, apperr.CodeUnconfirmed, apperr.CodeInternalOperationError},
		Destructive: true,
	},
	{
		Module:  "colocation",
		Name:    "power-restart",
		Summary: "restart server",
		Doc:     "Restarts server power. Its acoomplished by sequentially turning server OFF and then ON again.",
		Params: []Param{
			req("service_id", Number, "service ID"),
			req("confirm", String, "value of this field has to be \"confirm\""),
		},
		Errors:      []string{apperr.CodeInvalidServiceType, apperr.CodeUnsupportedFeature, apperr.CodeUnconfirmed, apperr.CodeInternalOperationError},
		Destructive: true,
	},

	// Module ip-blackholing.
	{
		Module:  "ip-blackholing",
		Name:    "list",
		Summary: "list of blocked IP address",
		Doc:     "Returns list of blocked blackholed IP addresses.",
		Response: []Field{
			fld("blackholed_ips_list", "objects-list", "list of blocked IP addresses",
				fld("ip", "string", "blocked IP address"),
				fld("type", "string", "Type of blockade. This field can be: \"customer\" if it was set by customer and can be unset, \"admin\" if it was set by network administrator and cannot be unset by you."),
			),
		},
		Errors:   []string{apperr.CodeAuthorizationFailed},
		ReadOnly: true,
	},
	{
		Module:  "ip-blackholing",
		Name:    "enable",
		Summary: "enables blackholing",
		Doc:     "Enables blackholing for specified IP address. You can provide any address from your subnetworks or IP address of your service.",
		Params: []Param{
			req("ip", String, "IP address you want to block"),
		},
		Errors:      []string{apperr.CodeIncorrectIP, apperr.CodeIPNotAllowed, apperr.CodeIPAlreadyBlackholed, apperr.CodeInternalBlackholingIPError},
		Destructive: true,
	},
	{
		Module:  "ip-blackholing",
		Name:    "disable",
		Summary: "disables blackholing",
		Doc:     "Disables blackholing for specified IP address. You can provide any address from your subnetworks or IP address of your service. This is not possible to disable blackholing that was setted by network administrator.",
		Params: []Param{
			req("ip", String, "IP address you want to unlock"),
		},
		Errors: []string{apperr.CodeIncorrectIP, apperr.CodeIPNotAllowed, apperr.CodeIPNotBlackholed, apperr.CodeAdminBlackhole, apperr.CodeInternalBlackholingIPError},
	},

	// Module dns.
	{
		Module:  "dns",
		Name:    "list",
		Summary: "list of configured DNS zones",
		Doc:     "Returns list of configured DNS zones with basic infomrations.",
		Response: []Field{
			fld("zones_list", "objects-list", "list of zones",
				fld("id", "number", "zone ID"),
				fld("domain", "string", "domain name"),
				fld("type", "string", "Zone type. It can be either \"primary\" or \"secoundary\"."),
				fld("master_nameserver", "string", "name of primary server (this field is given only for secoundary zones)"),
			),
		},
		Errors:   []string{apperr.CodeAuthorizationFailed},
		ReadOnly: true,
	},
	{
		Module:  "dns",
		Name:    "delete",
		Summary: "removes domain from DNS",
		Doc:     "Removes existing domain zone from DNS",
		Params: []Param{
			req("zone_id", Number, "zone ID"),
		},
		Errors:      []string{apperr.CodeIncorrectParamValue, apperr.CodeInvalidZoneID, apperr.CodeInternalDNSError},
		Destructive: true,
	},
	{
		Module:  "dns",
		Name:    "details-secoundary",
		Summary: "details of DNS secoundary zone configuration",
		Doc:     "Returns DNS zone configuration.",
		Params: []Param{
			req("zone_id", Number, "zone ID"),
		},
		Response: []Field{
			fld("zone_details", "object", "configuration details",
				fld("id", "number", "zone ID"),
				fld("domain", "string", "domain name"),
				fld("type", "string", "Zone type. It can be either \"primary\" or \"secoundary\"."),
				fld("master_nameserver", "string", "name of primary server"),
			),
		},
		// The documentation lists the ip-blackholing/enable codes here (a
		// copy-paste slip); they are kept as the contract. invalid-zone-id and
		// invalid-zone-type are added: unknown zone, zone of the other type.
		Errors: []string{
			apperr.CodeIncorrectIP, apperr.CodeIPNotAllowed, apperr.CodeIPAlreadyBlackholed, apperr.CodeInternalBlackholingIPError,
			apperr.CodeInvalidZoneID, apperr.CodeInvalidZoneType, // added
		},
		ReadOnly: true,
	},
	{
		Module:  "dns",
		Name:    "add-secoundary",
		Summary: "adds secoundary zone to DNS",
		Doc:     "Adds new domain to DNS as secoundary zone. Customer has to be allowed to add specified domain, you can check your add priviliges by using command /dns/info. Its required to provide master nameserver and it has to be resolveable to IP address.",
		Params: []Param{
			req("domain", String, "domain name to add to DNS"),
			req("master_nameserver", String, "host name or IP address of master nameserver"),
		},
		Response: []Field{
			fld("zone_details", "object", "details of newly created zone",
				fld("id", "number", "zone ID"),
				fld("domain", "string", "domain name"),
				fld("type", "string", "Zone type. It can be either \"primary\" or \"secoundary\"."),
				fld("master_nameserver", "string", "name of primary server"),
			),
		},
		Errors: []string{apperr.CodeIncorrectParamValue, apperr.CodeDomainNotAllowed, apperr.CodeDomainAlreadyExists, apperr.CodeUnresolveableMasterNameserver, apperr.CodeInternalDNSError},
	},
	{
		Module:  "dns",
		Name:    "details-primary",
		Summary: "details of DNS primary zone configuration",
		Doc:     "Returns DNS zone configuration: serial number of actual configuration, list of name servers and list of DNS records.",
		Params: []Param{
			req("zone_id", Number, "zone ID"),
		},
		Response: []Field{
			fld("zone_details", "object", "configuration details",
				fld("id", "number", "zone ID"),
				fld("domain", "string", "domain name"),
				fld("type", "string", "Zone type. It can be either \"primary\" or \"secoundary\"."),
				fld("nameservers", "strings-list", "list of name servers hostnames (according to NS records)"),
				fld("serial", "number", "Current value of DNS zone serial number. Its value is required to edit records and it changes after every edit."),
				fld("records", "objects-list", "List of DNS records in this zone. Records fields are in form described in according RFC documents (see RFC 1035). Order is significat.",
					fld("name", "string", "host name for this DNS record; allowed forms: relative name, full wuallified domain name (ending with a point sign), @ sign (relative to main domain), living this field empty (relative to previuos record)"),
					fld("ttl", "number", "time-to-live - time in secoudns after which any name server should refresh cached value of this record"),
					fld("type", "string", "DNS record type ('A', 'AAAA', 'CNAME', 'MX', 'TXT', 'SRV')"),
					fld("data1", "string", "first part of record's data; this field is provided for all records types, next fields are optional and their existing depends on record type"),
					fld("data2", "string", "[optional, depending on record type] secound part of data"),
					fld("data3", "string", "[optional, depending on record type] third part of data"),
					fld("data4", "string", "[optional, depending on record type] fourth part of data"),
				),
			),
		},
		// The documentation lists the ip-blackholing/enable codes here (a
		// copy-paste slip); they are kept as the contract. invalid-zone-id and
		// invalid-zone-type are added: unknown zone, zone of the other type.
		Errors: []string{
			apperr.CodeIncorrectIP, apperr.CodeIPNotAllowed, apperr.CodeIPAlreadyBlackholed, apperr.CodeInternalBlackholingIPError,
			apperr.CodeInvalidZoneID, apperr.CodeInvalidZoneType, // added
		},
		ReadOnly: true,
	},
	{
		Module:  "dns",
		Name:    "add-primary",
		Summary: "adds primary zone to DNS",
		Doc:     "Adds new domain to DNS as secoundary zone. Customer has to be allowed to add specified domain, you can check your add priviliges by using command /dns/info. Domain is add to DNS with empty configuration (without records). To configure it you have to use edit command.",
		Params: []Param{
			req("domain", String, "domain name to add to DNS"),
		},
		Response: []Field{
			fld("zone_details", "object", "details of newly created zone",
				fld("id", "number", "zone ID"),
				fld("domain", "string", "domain name"),
				fld("type", "string", "Zone type. It can be either \"primary\" or \"secoundary\"."),
			),
		},
		Errors: []string{apperr.CodeIncorrectParamValue, apperr.CodeDomainNotAllowed, apperr.CodeDomainAlreadyExists, apperr.CodeInternalDNSError},
	},
	{
		Module:  "dns",
		Name:    "edit-primary-records",
		Summary: "changes DNS records of primary zone",
		Doc:     "Changes DNS records for specified primary zone. You have to provide actual value of SOA serial number (you can find it in /dns/details-primary command response).",
		Params: []Param{
			req("zone_id", Number, "zone ID"),
			// Documented as a string here (a number in rev-dns/edit and in the
			// details-primary response); kept as documented.
			req("serial", String, "actual value of SOA serial number"),
			// Optional: a PHP form cannot send an empty list, so omitting
			// records is how a client empties the zone.
			opt("records", ObjectList, "array describing single DNS record; index N have to be unique for single firewall rule within request; order of records i significant",
				opt("name", String, "host name for this DNS record; allowed forms: relative name, full wuallified domain name (ending with a point sign), @ sign (relative to main domain), living this field empty (relative to previuos record)"),
				opt("ttl", Number, "time-to-live - time in secoudns after which any name server should refresh cached value of this record"),
				req("type", String, "DNS record type ('A', 'AAAA', 'CNAME', 'MX', 'TXT', 'SRV')"),
				// data1..data4 are documented as (number) for this command only,
				// but they hold addresses, host names, TXT text and MX/SRV
				// numbers (strings in the details-primary response): String.
				req("data1", String, "first part of record's data; this field is provided for all records types, next fields are optional and their existing depends on record type"),
				opt("data2", String, "[optional, depending on record type] secound part of data"),
				opt("data3", String, "[optional, depending on record type] third part of data"),
				opt("data4", String, "[optional, depending on record type] fourth part of data"),
			),
		},
		Errors: []string{apperr.CodeIncorrectParamValue, apperr.CodeInvalidZoneID, apperr.CodeInvalidZoneType, apperr.CodeInternalDNSError, apperr.CodeIncorrectSOASerial},
	},

	// Module rev-dns.
	{
		Module:  "rev-dns",
		Name:    "list",
		Summary: "list of subnetworks available to configure",
		Doc:     "Returns list of subnetworks available to configure. Due to technical reasons, revDNS configuration is organized over subclasses at size of class C. For this reason each subnetwork details includes a list of available to configure subclasses (dns_subclasses). While fetching details or editing subnetwork, you need then to give ID of subnetwork as well as name of specific configuration subclass.",
		Response: []Field{
			fld("subnetworks_list", "objects-list", "list of subnetworks along with configuration subclasses",
				fld("id", "number", "unique subnetwork ID number"),
				fld("ip", "string", "subnetwork address"),
				fld("mask", "string", "subnetwork's mask"),
				fld("mask_short", "string", "mask short (in notation like '/29')"),
				fld("type", "string", "subnetwork type (IPv4 / IPv6)"),
				fld("dns_subclasses", "strings-list", "list of configuration subclasses in subnetwork"),
			),
		},
		ReadOnly: true,
	},
	{
		Module:  "rev-dns",
		Name:    "details",
		Summary: "fetchs revDNS configuration",
		Doc:     "Returns details and PTR records configurations of selected revDNS configuration subclass. It is required to enter ID number of subnetwork and name of selected configuration subclass of it.",
		Params: []Param{
			req("subnetwork_id", Number, "subnetwork ID"),
			req("dns_subclass", String, "configuration subclass name (one element of dns_subclasses list of selected subnetwork)"),
		},
		Response: []Field{
			fld("subclass_details", "object", "configuration of selected subclass",
				fld("serial", "number", "serial number of SOA record of current configuration; this value is required to configuration editing"),
				fld("type", "string", "subnetwork type (IPv4 / IPv6)"),
				fld("prefix", "string", "IP address prefix; this value is contant part of IP addresses in entire subclass; prefix + IP separator + origin is the complete IP address"),
				fld("ptr_records", "objects-list", "list of PTR records",
					fld("origin", "string", "record ID in subclass"),
					fld("ptr", "string", "PTR record value"),
					fld("address", "string", "full IP address of this record"),
				),
			),
		},
		// invalid-subclass is added: a dns_subclass that is not one of the
		// subnetwork's (documented for rev-dns/edit, missing here).
		Errors: []string{
			apperr.CodeAuthorizationFailed,
			apperr.CodeInvalidSubclass, // added
		},
		ReadOnly: true,
	},
	{
		Module:  "rev-dns",
		Name:    "edit",
		Summary: "edits revDNS configuration",
		Doc:     "Edits PTR records. It is required to enter ID number of subnetwork and name of selected configuration subclass of it. It is also requiret to enter current value of serial of SOA record (according to details of subclass configuration) - this value changes after each successful edit if something changed. Operation returns list of warnings objects which contains errors that occured while editing specific record. Error while editing record will not break all operation and will not generate error. Existing of warning object for some record means that for this record no changes have been made.",
		Params: []Param{
			req("subnetwork_id", Number, "subnetwork ID"),
			req("dns_subclass", String, "configuration subclass name (one element of dns_subclasses list of selected subnetwork)"),
			req("serial", Number, "current value of SOA serial value"),
			// Optional, like records in dns/edit-primary-records.
			opt("ptr_records", ObjectList, "array containing arrays of PTR records values; N index have to be unique within the query for each PTR record",
				req("origin", String, "origin of record to edit or add"),
				opt("ptr", String, "PTR record value to set"),
				opt("delete", String, "if value of this field is \"delete\" corresponding field will be deleted"),
			),
		},
		Response: []Field{
			fld("warnings", "objects-list", "list of error occured while editing specific records; warning object for record means that no changes have been made on in",
				fld("origin", "string", "identificator of record for which error eccured"),
				fld("address", "string", "full record IP address"),
				fld("task", "string", "name of operation for which error occured"),
				fld("code", "string", "error code"),
				fld("description", "object", "error description",
					fld("pl", "string", "error description in polish"),
					fld("en", "string", "error description in english"),
				),
			),
		},
		// The documentation lists authorization-failed twice.
		Errors: []string{apperr.CodeAuthorizationFailed, apperr.CodeInvalidSubclass, apperr.CodeInternalDNSError, apperr.CodeInvalidOrigin, apperr.CodeInvalidSerial},
	},

	// Module firewall.
	{
		Module:  "firewall",
		Name:    "list",
		Summary: "firewall rulesets list",
		Doc:     "Returns list of firewall rulesets availablle to configuration. Each ruleset describes firewall filtering packets rules for one or more servers (depending on their network configuration). Each ruleset object contains filed (services_ids_list) with ID of server services which are applied to its rules.",
		Response: []Field{
			fld("rulesets_list", "objects-list", "list of ruleset of firewall rules",
				fld("id", "string", "ruleset identifier"),
				fld("services_ids_list", "numbers-list", "list of IDs of servers services, which are applied to firewall rules of this set"),
			),
		},
		ReadOnly: true,
	},
	{
		Module:  "firewall",
		Name:    "details",
		Summary: "fetches firewall configuration",
		Doc:     "Returns configuration of firewall for specified ruleset. Contains informations about maximum allowed number of rules for each direction, actual state (enabled / disabled) of firewall and list of rules for each traffic direction.",
		Params: []Param{
			req("ruleset_id", String, "ruleset identifier"),
		},
		Response: []Field{
			fld("ruleset_details", "object", "details of firewall configuration",
				fld("id", "string", "ruleset identifier"),
				fld("enabled", "boolean", "whether the firewall is active"),
				fld("maximum_rules_number", "number", "specifies maximum number of rules, that can be set for one direction"),
				fld("protocol", "string", "protocol number (rfc1700) or empty string field if protocol is not to be checked"),
				fld("rules", "object", "object describing firewall rules",
					fld("in", "objects-list", "list of rules for incoming traffic (order is significant)", firewallRuleFields()...),
					fld("out", "objects-list", "list of rules for outgoing traffic (order is significant)", firewallRuleFields()...),
				),
			),
		},
		Errors:   []string{apperr.CodeInvalidRulesetID},
		ReadOnly: true,
	},
	{
		Module:  "firewall",
		Name:    "enable",
		Summary: "enables firewall",
		Doc:     "Enables pockets filtering by firewall.",
		Params: []Param{
			req("ruleset_id", String, "ruleset identifier"),
		},
		// invalid-ruleset-id is added: an unknown ruleset (documented for
		// firewall/details and firewall/save, missing here).
		Errors: []string{
			apperr.CodeInvalidServiceType, apperr.CodeInternalFirewallError,
			apperr.CodeInvalidRulesetID, // added
		},
	},
	{
		Module:  "firewall",
		Name:    "disable",
		Summary: "disables firewall",
		Doc:     "Disables pockets filtering by firewall.",
		Params: []Param{
			req("ruleset_id", String, "ruleset identifier"),
		},
		// invalid-ruleset-id is added: an unknown ruleset (documented for
		// firewall/details and firewall/save, missing here).
		Errors: []string{
			apperr.CodeInvalidServiceType, apperr.CodeInternalFirewallError,
			apperr.CodeInvalidRulesetID, // added
		},
	},
	{
		Module:  "firewall",
		Name:    "save",
		Summary: "changes firewall rules",
		Doc:     "Changes firewall rules of specified ruleset. In case of error no changes in firewall configurations will be saved. Error object for syntax errors may contain additional field errors_details describing what kind of error and in which rule index it occured.",
		Params: []Param{
			req("ruleset_id", String, "ruleset identifier"),
			// Optional: omitting rules (a PHP form cannot send an empty list)
			// saves an empty ruleset.
			opt("rules", Object, "firewall rules by traffic direction",
				opt("in", ObjectList, "array describing single firewall rule for incomoing traffic; index N have to be unique for single firewall rule within request", firewallRuleParams()...),
				opt("out", ObjectList, "array describing single firewall rule for outgoing traffic; index N have to be unique for single firewall rule within request", firewallRuleParams()...),
			).checkedByHandler(),
			// Extension: commit-confirmed rules (firewall/save-confirm).
			opt("confirm_within", Number, "seconds (30 - 3600) within which /firewall/save-confirm must follow, or the previous rules come back by themselves; not sent: the rules stay").extension(),
		},
		Errors: []string{
			apperr.CodeInvalidRulesetID, apperr.CodeTooManyRules, apperr.CodeRulesSyntaxError, apperr.CodeInternalFirewallError,
			apperr.CodeIncorrectParamValue, // added: confirm_within out of range
		},
	},
	{
		Module:    "firewall",
		Name:      "save-confirm",
		Summary:   "confirms a commit-confirmed save",
		Doc:       "Keeps the rules of the last /firewall/save sent with confirm_within. Without it before the deadline, the rules in force before that save come back by themselves.",
		Extension: true,
		Params: []Param{
			req("ruleset_id", String, "ruleset identifier"),
		},
		Errors: []string{apperr.CodeInvalidRulesetID, apperr.CodeNothingToConfirm, apperr.CodeInternalFirewallError},
	},

	// Module offer-dedicated.
	{
		Module:  "offer-dedicated",
		Name:    "custom-offer",
		Summary: "dedicated offer",
		Doc:     "Returns configuration parameters list of dedicated servers which allows the preparation and calculation of an order.",
		Response: []Field{
			fld("resources", "objects-list", "list of available servers",
				fld("platforms", "object-list", "list of available platforms",
					fld("model_name", "string", "model name"),
					fld("resources", "object-list", "resources of the model",
						fld("cpu", "string", "CPU name"),
						fld("hdd_controller", "string", "HDD controller name"),
					),
					fld("resources_limits", "object-list", "platform limits",
						fld("hdd_sizes", "array-string", "available disk sizes"),
						fld("hdd_slots", "string", "maximum available disk slots"),
						fld("ram_max", "string", "maximum amount of RAM"),
						fld("cpu_slots", "integer", "maximum available CPU slots"),
					),
					offerPrice(),
				),
				fld("hdd_disks", "object-list", "available disks list",
					fld("capacity", "string", "disk capacity"),
					fld("type", "string", "disk type"),
					fld("speed", "string", "disk speed"),
					fld("size", "string", "disk size"),
					offerPrice(),
				),
				// Documented as "string", but it has the children of a list.
				fld("rams", "object-list", "available RAM",
					fld("capacity", "string", "disk capacity"),
					offerPrice(),
				),
				fld("additional_cpus", "object-list", "available additional CPU",
					fld("name", "string", "additional CPU name"),
					offerPrice(),
				),
				fld("hdd_controllers", "object-list", "available additional HDD controllers",
					fld("name", "string", "additional HDD controller name"),
					offerPrice(),
				),
				fld("transfer_package", "object-list", "available transfer packeges",
					fld("transfer", "string", "data package size"),
					offerPrice(),
				),
				fld("bandwidth_package", "object-list", "available bandwidth packeges",
					fld("bandwidth", "string", "bandwidth speed"),
					offerPrice(),
				),
				fld("others", "object-list", "additional services",
					fld("name", "string", "name of additional service"),
					offerPrice(),
				),
				fld("ip", "object-list", "additional ip address",
					fld("amount", "string", "amount of additional ip addresses"),
					offerPrice(), // documented without children (truncated); same as its siblings
				),
			),
		},
		Errors:   []string{apperr.CodeAuthorizationFailed},
		ReadOnly: true,
	},
	{
		Module:  "offer-dedicated",
		Name:    "express-offer",
		Summary: "current offer",
		Doc:     "Returns list of available to the customer dedicated servers in \"ready to run\" (Express Server) selling model along with their parameters and pricing.",
		Response: []Field{
			expressOffer(),
		},
		Errors:   []string{apperr.CodeAuthorizationFailed},
		ReadOnly: true,
	},
	{
		Module:  "offer-dedicated",
		Name:    "express-reservations-list",
		Summary: "list of reserved servers",
		Doc:     "Returns list of servers reserved by customer.",
		Response: []Field{
			expressOffer(),
		},
		Errors:   []string{apperr.CodeAuthorizationFailed},
		ReadOnly: true,
	},
	{
		Module:  "offer-dedicated",
		Name:    "express-reservation",
		Summary: "makes a reservation for selected server",
		Doc:     "Command only avail for resellers. It allow to makes an reservation (to keep server from being selled) for 48h. One customer may have maximum of 3 servers reserved at a time.",
		Params: []Param{
			req("server_id", Number, "server ID"),
		},
		Errors: []string{apperr.CodeAuthorizationFailed, apperr.CodeInvalidServerID},
	},
	{
		Module:  "offer-dedicated",
		Name:    "express-reservation-cancel",
		Summary: "cancel reservation for selected server",
		Doc:     "Command only avail for resellers. It allow to cancel reservation made for server.",
		Params: []Param{
			req("server_id", Number, "server ID"),
		},
		Errors: []string{apperr.CodeAuthorizationFailed, apperr.CodeInvalidServerID},
	},
	{
		Module:  "offer-dedicated",
		Name:    "express-order",
		Summary: "makes an order for selected server",
		Doc:     "This command allow customer to make an order for dedicated server from ready to run \"express\" servers offer. After this command is proceeded it will return ID of newly created service, invoice number for this order and URL link to web management panel with management and OS installation tools. Its important to remember that URL link contains authorization parameters and should be treat as password for server. Proforma invoice can be downloaded from Artnet Customer Panel or by usign /invoices/download-proforma API command.",
		Params: []Param{
			req("server_id", Number, "server ID"),
		},
		Response: []Field{
			fld("order_details", "object", "order details",
				fld("service_id", "number", "unique service ID"),
				fld("invoice_number", "string", "invoice number of this order"),
				fld("management_panel_url", "string", "link to server management and operating system installation panel"),
			),
		},
		Errors: []string{apperr.CodeAuthorizationFailed, apperr.CodeInvalidServerID, apperr.CodeInternalErrorInvalidService, apperr.CodeInternalErrorInvalidData},
	},

	// Module cloud-instance.
	{
		Module:  "cloud-instance",
		Name:    "list",
		Summary: "list of instances",
		Doc:     "Returns list of created virtual instances along with basic informations.",
		Response: []Field{
			fld("instances_list", "objects-list", "list instances", instanceFields()...),
		},
		Errors:   []string{apperr.CodeAuthorizationFailed},
		ReadOnly: true,
	},
	{
		Module:  "cloud-instance",
		Name:    "details",
		Summary: "details of instance",
		Doc:     "Returns more detailed informations of instances of specified ID.",
		Params: []Param{
			req("instance_id", Number, "instance ID"),
		},
		Response: []Field{
			fld("instance_details", "object", "instance details", append(instanceFields(),
				fld("custom_properties", "object", "Properties set by customer (like display name, instance notes).",
					fld("display_name", "string", "Display name of instance. This value is used in e.g. instances list in Customers Panel."),
					fld("notes", "string", "Customer defined field for notes about instance. This field is designed for free use by the customer."),
				),
				fld("network_configuration", "object", "Network configuration of instance. It is neccessary to configure internet connection of instance.",
					fld("ip", "string", "Instance IP address."),
					fld("mask", "string", "Mask of subnetwork in which instance is configured."),
					fld("gateway_ip", "string", "Gateway IP address."),
					fld("dns_list", "strings-list", "List of DNS IP addresses."),
				),
			)...),
		},
		Errors:   []string{apperr.CodeAuthorizationFailed},
		ReadOnly: true,
	},
	{
		Module:  "cloud-instance",
		Name:    "action-power-on",
		Summary: "instance power on",
		Doc:     "Turns virtual instance power ON and starts it.",
		Params: []Param{
			req("instance_id", Number, "instance ID"),
			req("instance_password", String, "management password of this instance"),
		},
		Errors: []string{apperr.CodeAuthorizationFailed, apperr.CodeInvalidServiceType, apperr.CodeInstancePasswordIncorrect, apperr.CodeInternalCloudPowerOnError},
	},
	{
		Module:  "cloud-instance",
		Name:    "action-power-off",
		Summary: "instance power off",
		Doc:     "Turns virtual instance power OFF and stops it.",
		Params: []Param{
			req("instance_id", Number, "instance ID"),
			req("instance_password", String, "management password of this instance"),
		},
		Errors:      []string{apperr.CodeAuthorizationFailed, apperr.CodeInvalidServiceType, apperr.CodeInstancePasswordIncorrect, apperr.CodeInternalCloudPowerOnError},
		Destructive: true,
	},
	{
		Module:  "cloud-instance",
		Name:    "action-power-restart",
		Summary: "instance power restart",
		Doc:     "Restart virtual instance power and starts it. This command does power OFF and subsequently power ON.",
		Params: []Param{
			req("instance_id", Number, "instance ID"),
			req("instance_password", String, "management password of this instance"),
		},
		Errors:      []string{apperr.CodeAuthorizationFailed, apperr.CodeInvalidServiceType, apperr.CodeInstancePasswordIncorrect, apperr.CodeInternalCloudPowerOnError},
		Destructive: true,
	},
	{
		Module:  "cloud-instance",
		Name:    "action-shutdown",
		Summary: "sends \"shutdown\" signal to OS",
		Doc:     "Sends \"shutdown\" signal to virtual instance operating system.",
		Params: []Param{
			req("instance_id", Number, "instance ID"),
			req("instance_password", String, "management password of this instance"),
		},
		Errors:      []string{apperr.CodeAuthorizationFailed, apperr.CodeInvalidServiceType, apperr.CodeInstancePasswordIncorrect, apperr.CodeInternalCloudPowerOnError},
		Destructive: true,
	},
	{
		Module:  "cloud-instance",
		Name:    "action-reboot",
		Summary: "sends \"reboot\" signal to OS",
		Doc:     "Sends \"reboot\" signal to virtual instance operating system.",
		Params: []Param{
			req("instance_id", Number, "instance ID"),
			req("instance_password", String, "management password of this instance"),
		},
		Errors:      []string{apperr.CodeAuthorizationFailed, apperr.CodeInvalidServiceType, apperr.CodeInstancePasswordIncorrect, apperr.CodeInternalCloudPowerOnError},
		Destructive: true,
	},
	{
		Module:  "cloud-instance",
		Name:    "resources-allowed-ranges",
		Summary: "boundaries and allowed values for hardware resources",
		Doc:     "Returns object describing allowe values for hardawre resources for calculation and resources modification. For each parameter there is given minimum and maximum value and step (final value has to be multiple of step)",
		Params: []Param{
			req("instance_id", Number, "instance ID"),
		},
		Response: []Field{
			fld("resources_ranges", "object", "Object with allowed values ranges of hardware resources parameters.",
				fld("cpu", "object", "Ranges for number of CPU cores.",
					fld("min", "number", "Minimum value."),
					fld("max", "number", "Maximum value."),
					fld("step", "number", "Step. Final value has to be multiple of step (0 == value % step)."),
				),
				fld("ram", "object", "Ranges for RAM memory size [MB].",
					fld("min", "number", "Minimum value."),
					fld("max", "number", "Maximum value."),
					fld("step", "number", "Step. Final value has to be multiple of step (0 == value % step)."),
				),
				fld("hdd", "object", "Ranges for HDD disk size [GB].",
					fld("min", "number", "Minimum value."),
					fld("max", "number", "Maximum value."),
					fld("step", "number", "Step. Final value has to be multiple of step (0 == value % step)."),
				),
				fld("bandwidth", "object", "Ranges for internet connection bandwidth [Mbps].",
					fld("min", "number", "Minimum value."),
					fld("max", "number", "Maximum value."),
					fld("step", "number", "Step. Final value has to be multiple of step (0 == value % step)."),
				),
			),
		},
		Errors:   []string{apperr.CodeAuthorizationFailed, apperr.CodeInvalidServiceType},
		ReadOnly: true,
	},
	{
		Module:  "cloud-instance",
		Name:    "resources-calculate-price",
		Summary: "hardware resources price calculation",
		Doc:     "Calculates price of hardware resources of instance, which will be set for given hardware resources package. If \"instance ID\" parameter is set, calculation for specified instance is make. Otherwise prise is calculated as for new instance.",
		Params: []Param{
			// Optional: without it the price is that of a new instance.
			opt("instance_id", Number, "instance ID"),
			opt("resources", Object, "hardware resources to price",
				opt("cpu", Number, "CPU cores number"),
				opt("ram", Number, "RAM memory size [MB]"),
				opt("hdd", Number, "hdd disk space [GB]"),
				opt("bandwidth", Number, "internet connection bandwidth [Mbps]"),
			),
		},
		Response: []Field{
			fld("price_resources", "object", "Details of current price. Prices refers to 24h costs with given hardware resources, without additional costs (like transfer).",
				fld("price", "number", "Price for 24h. Price is given with 4 decimal places precision to allow you to calculate price to other periods."),
				fld("currency", "string", "Currency code."),
				fld("period", "string", "Period of calculation. Currently its always '24h'."),
			),
		},
		Errors:   []string{apperr.CodeAuthorizationFailed, apperr.CodeInvalidServiceType, apperr.CodeInvalidParamValue},
		ReadOnly: true,
	},
	{
		Module:  "cloud-instance",
		Name:    "resources-negotiate",
		Summary: "modification of hardware resources of the instance",
		Doc:     "Modification of hardawre resources. Instance power restart is required for each modification. You can use \"shutdown\"=\"true\" parameter to try do soft system shutdown. In this case our system will send shutdown signal and will wait fo 30s for system shutdown. If system wont shutdown during this time an error will be throw. For this reason \"shutdown\" option may increase operation time of this command. HDD disk space can only be increased, there is no possibility to customer to decrease HDD space by him.",
		Params: []Param{
			req("instance_id", Number, "instance ID"),
			req("instance_password", String, "management password of this instance"),
			opt("shutdown", Bool, docShutdown),
			req("resources", Object, "new hardware resources",
				opt("cpu", Number, "CPU cores number"),
				opt("ram", Number, "RAM memory size [MB]"),
				opt("hdd", Number, "hdd disk space [GB]. Attention! HDD space decreasing is not allowed!"),
				opt("bandwidth", Number, "internet connection bandwidth [Mbps]"),
			),
		},
		Errors:      []string{apperr.CodeAuthorizationFailed, apperr.CodeInvalidServiceType, apperr.CodeInvalidParamValue, apperr.CodeInternalInstanceNegotiate, apperr.CodeInstanceNegotiateIncorrectParams, apperr.CodeInstanceNegotiateCannotDecreaseHDD, apperr.CodeInstanceUnableShutdown},
		Destructive: true,
	},
	{
		Module:  "cloud-instance",
		Name:    "boot-installation-images-list",
		Summary: "list of available installation images",
		Doc:     "Returns list of available installation images of operating systems for specified instance.",
		Params: []Param{
			req("instance_id", Number, "instance ID"),
		},
		Response: []Field{
			fld("installation_images_list", "objects-list", "List of available installations.",
				fld("label", "string", "Installation label (e.g. 'Debian 8.1 64bit')."),
				fld("distribution", "string", "Shortname of distribution (e.g. 'debian')."),
				fld("image", "string", "Installation image name."),
			),
		},
		Errors:   []string{apperr.CodeAuthorizationFailed, apperr.CodeInstancePasswordIncorrect},
		ReadOnly: true,
	},
	{
		Module:  "cloud-instance",
		Name:    "boot-mode-installation-image",
		Summary: "switches boot mode to installation image boot",
		Doc:     "Switches boot mode to boot specified installation image.",
		Params: []Param{
			req("instance_id", Number, "instance ID"),
			req("instance_password", String, "management password of this instance"),
			req("installation_image", String, "chosen installation image"),
			opt("shutdown", Bool, docShutdown),
		},
		Errors:      []string{apperr.CodeAuthorizationFailed, apperr.CodeInstancePasswordIncorrect, apperr.CodeInstanceBootIncorrectImage, apperr.CodeInstanceUnableShutdown, apperr.CodeInternalInstanceBootMode},
		Destructive: true,
	},
	{
		Module:  "cloud-instance",
		Name:    "boot-mode-boot",
		Summary: "switches boot mode to boot from HDD",
		Doc:     "Switches boot mode to boot normal boot from instance HDD.",
		Params: []Param{
			req("instance_id", Number, "instance ID"),
			req("instance_password", String, "management password of this instance"),
			opt("shutdown", Bool, docShutdown),
		},
		Errors:      []string{apperr.CodeAuthorizationFailed, apperr.CodeInstancePasswordIncorrect, apperr.CodeInstanceUnableShutdown, apperr.CodeInternalInstanceBootMode},
		Destructive: true,
	},
	{
		Module:  "cloud-instance",
		Name:    "custom-properties-edit",
		Summary: "changes custom properties (e.g. display name, custom notes)",
		Doc:     "Allows changing instance properties which are made for use of customer. This is e.g. display name of instance on list of instance in Customers Panel, custom notes about instance. Only parameters actualy present in request will be changed; missing parameters will not change their values.",
		Params: []Param{
			req("instance_id", Number, "instance ID"),
			opt("custom_properties", Object, "instance properties to change",
				// Documented as "(array)", but it is a string of at most 35 characters.
				maxLen(opt("display_name", String, "Instance name which will show on list of isntances in Customers Panel. Maximum 35 characters."), 35),
				maxLen(opt("notes", String, "Notes about the instance. This field is designed for free use of customer for his purposes. Maximum 10240 characters."), 10240),
			),
		},
		Errors: []string{apperr.CodeAuthorizationFailed, apperr.CodeInstanceDisplayNameTooLong, apperr.CodeInstanceNotesTooLong, apperr.CodeInternalInstancePropertiesEdit},
	},
	{
		Module:  "cloud-instance",
		Name:    "password-change",
		Summary: "changes instance management password",
		Doc:     "Changes instance management password. This password is required to access to VNC console and for key operations on the instance. Password has to be at least 4 characters long and can contain lower and uppercase letters, numbers and this special characters .!@#$%^&*()_+-=",
		Params: []Param{
			req("instance_id", Number, "instance ID"),
			req("instance_password", String, "management password of this instance"),
			req("instance_new_password", String, "new password (allowed are: lower and uppercase letters, numbers and .!@#$%^&*()_+-= characters)"),
		},
		Errors: []string{apperr.CodeAuthorizationFailed, apperr.CodeInstancePasswordIncorrect, apperr.CodePasswordTooShort, apperr.CodePasswordInvalid},
	},
	{
		Module:  "cloud-instance",
		Name:    "delete",
		Summary: "removing instance",
		Doc:     "This command allows you to delete instance. Instance delete will cause immediatelly and irreversible remove and loss of instance and its data (including data on HDD).",
		Params: []Param{
			req("instance_id", Number, "instance ID"),
			req("instance_password", String, "management password of this instance"),
		},
		Errors:      []string{apperr.CodeAuthorizationFailed, apperr.CodeInstancePasswordIncorrect, apperr.CodeInternalInstanceDelete},
		Destructive: true,
	},
}

// paymentDetails is the payment_details object of a service.
func paymentDetails() Field {
	return fld("payment_details", "object", "pricing and payment details",
		fld("price", "number", "price for payment period (VAT excluded)"),
		fld("price_brutto", "number", "price for payment period (VAT included)"),
		fld("currency", "string", "currency code (like PLN, USD, EUR)"),
		fld("payment_period", "number", "payment period in months"),
	)
}

// hostingDetails is the service_details of the hosting modules (easyisp, avx, hosting-artnet).
func hostingDetails() Field {
	return fld("service_details", "object", "details",
		fld("id", "number", "unique service ID"),
		fld("login", "string", "account login"),
		fld("package", "string", "resources package name"),
	)
}

// subnetworks lists the subnetworks of a server or additional-ip service.
func subnetworks() Field {
	return fld("subnetworks", "objects-list", "subnetworks list",
		fld("id", "number", "unique subnetwork ID number"),
		fld("ip", "string", "subnetwork address"),
		fld("mask", "string", "subnetwork's mask"),
		fld("mask_short", "string", "mask short (in notation like '/29')"),
		fld("type", "string", "subnetwork type (IPv4 / IPv6)"),
	)
}

// hardwareConfiguration describes a dedicated server (details and express offer).
func hardwareConfiguration() Field {
	return fld("hardware_configuration", "object", "hardwer resources details",
		fld("server", "object", "server details",
			fld("vendor", "string", "vendor"),
			fld("model", "string", "model name"),
		),
		fld("cpu", "objects-list", "CPUs list",
			fld("vendor", "string", "vendor"),
			fld("model", "string", "model name"),
			fld("clock", "number", "CPU's clock [GHz]"),
			fld("cores", "number", "number of cores"),
			fld("ht", "boolean", "hyper-threading enabled"),
		),
		fld("ram", "objects-list", "memory modules list",
			fld("capacity", "number", "capacity [GB]"),
			fld("type", "string", "module type"),
			fld("speed", "number", "speed [MHz]"),
		),
		fld("hdd", "objects-list", "list of HDDs",
			fld("capacity", "number", "capacity [GB]"),
			fld("type", "string", "HDD type"),
			fld("speed", "string", "speed"),
		),
		fld("hdd_controller", "objects-list", "list of HDD's controllers",
			fld("model", "string", "model name"),
			fld("builtin", "boolean", "is this is builtin controller"),
		),
	)
}

// serverNetworkConfiguration is the network_configuration of a dedicated or colocated server.
func serverNetworkConfiguration() Field {
	return fld("network_configuration", "object", "network configuration details",
		fld("ip", "string", "IP address"),
		fld("additional_ips", "strings-list", "list of additionals IP address"),
		subnetworks(),
		fld("firewall_ruleset_id", "string", "identifier of firewall ruleset applaying to this serwer; in depends of your servers network cofniguration one ruleset may apply to one (usuall) or more of your servers; if firewall configuration is not available for this server this field will not occure"),
	)
}

// transferUsageDetails is the response of the transfer-usage-details commands.
func transferUsageDetails() Field {
	return fld("transfer_usage_details", "object", "transfer details",
		fld("periods_list", "objects-list", "list of objects describing transfer usage across last payment periods",
			fld("time_range", "object", "object describing time range",
				fld("from", "number", "timestamp (UNIX) of begining of period"),
				// The documentation repeats "from" (a copy-paste slip); a JSON
				// object cannot carry the name twice: the end is "to".
				fld("to", "number", "timestamp (UNIX) of end of period"),
			),
			fld("transfer_usage", "object", "object describing transfer usage in period",
				fld("up", "number", "amount of data sended [bytes]"),
				fld("down", "number", "amount of data received [bytes]"),
			),
		),
	)
}

// powerDetails is the response of the power-details commands.
func powerDetails() Field {
	return fld("power_details", "object", "power state details",
		fld("manageable", "boolean", "determines wheter for this server power line can be managed"),
		fld("state", "string", "current power state"),
	)
}

// offerPrice is the price of one item of the custom offer.
func offerPrice() Field {
	return fld("price", "object-list", "price",
		fld("price", "number", "price"), // documented "integer"; prices are money with decimals (artnet.Money)
		fld("currency", "string", "currency of payment"),
		fld("payment_period", "string", "payment period"),
	)
}

// expressOffer is the list of express servers (express-offer, express-reservations-list).
func expressOffer() Field {
	return fld("offer", "objects-list", "list of available servers",
		fld("id", "number", "unique server ID"),
		hardwareConfiguration(),
		fld("prices", "object", "information about prices",
			fld("regular", "object", "price for customers",
				fld("price", "number", "price for server (VAT excl.)"),
				fld("currency", "string", "currency code"),
				fld("payment_period", "number", "payment period for this price (number of months)"),
			),
			fld("reseller", "object", "visible only for resellers; price for reseller",
				fld("price", "number", "price for server (VAT excl.)"),
				fld("currency", "string", "currency code"),
				fld("payment_period", "number", "payment period for this price (number of months)"),
			),
		),
	)
}

// instancePrice is the 24h price of a cloud instance.
func instancePrice() Field {
	return fld("price_resources", "object", "Details of current price. Prices refers to 24h costs with current instance parameters without additional costs (like transfer).",
		fld("price", "number", "Price for 24h. Price is given with 4 decimal places precision to allow you to calculate price to other periods."),
		fld("currency", "string", "Currency code."),
		fld("period", "string", "Period of calculation. Currently its always '24h'."),
	)
}

// vncConfiguration is the VNC console address of a cloud instance.
func vncConfiguration() Field {
	return fld("vnc_configuration", "object", "Host and port of VNC console.",
		fld("host", "string", "VNC server address. Address is not permanently assigned to an instance and it can change sometimes."),
		fld("port", "number", "VNC server port."),
	)
}

// instanceResources are the current hardware resources of a cloud instance.
func instanceResources() Field {
	return fld("resources", "object", "Current hardware resources of instance.",
		fld("cpu_cores", "number", "Number of CPU cores."),
		fld("ram", "number", "RAM memory available [MB]."),
		fld("hdd", "number", "Available disk space [GB]."),
		fld("bandwidth", "number", "Bandwidth [Mbps]."),
	)
}

// modules lists the documented modules, in documentation order.
var modules = []Module{
	{"customer", "Customer`s infomrations management."},
	{"services", "Services list and basic services management."},
	{"domain", "Services list and basic services management."},
	{"easyisp", "List of hosting (EasyISP brand) services."},
	{"avx", "List of hosting (AVX brand) services."},
	{"hosting-artnet", "List of hosting (Artnet brand) services."},
	{"ssl", "List of SSL certificates."},
	{"software", "List of software licences."},
	{"link-service", "List of internet connection services."},
	{"fail-over-ip", "Fail-over IP services management."},
	{"additional-ip", "Additioanl IP services management. This kind of service allow list and order new IP addresses to data center services (dedicated server, colocation, VPS)."},
	{"vps", "List of VPS servers."},
	{"dedicated", "Management of dedicated server services."},
	{"colocation", "Management of servers colocation services."},
	{"ip-blackholing", "Manage IP blackholing. Enabling blackholing for specified IP address will block all network traffic for this IP and results in dropping all packets. It can be use to reduce load of server in case of DDoS attack."},
	{"dns", "Manages domain zones configuration in DNS. This module allow you to add to Artnet NS server (ns1.artnet.pl and ns2.artnet.pl) your domains zones (primary or secoundary) and managing it."},
	{"rev-dns", "PTR records management in revDNS."},
	{"firewall", "Manages rules of external firewall. If externall firewall configuration is allowed for your servers, this module is used to manage them. For each server or group of servers (depeneding on network configuration) with firewall management feature enabled there is \"firewall ruleset\". Firewall ruleset is a set of firewall rules used to filter packets. Mind that if one ruleset applies to more that one server, packets to all the servers will be filtered."},
	{"offer-dedicated", "Offer and ordering ready to run dedicated servers."},
	{"cloud-instance", "Cloud virtual instances management."},
}

// req returns a required parameter.
func req(name string, t ParamType, doc string, children ...Param) Param {
	return Param{Name: name, Type: t, Required: true, Doc: doc, Children: children}
}

// checkedByHandler marks a parameter whose value the command's handler
// checks itself, reporting every problem at once (firewall/save rules:
// rules-syntax-error with errors_details).
func (p Param) checkedByHandler() Param {
	p.CheckedByHandler = true
	return p
}

// extension marks a parameter this server adds to a documented command.
func (p Param) extension() Param {
	p.Extension = true
	return p
}

// opt returns an optional parameter.
func opt(name string, t ParamType, doc string, children ...Param) Param {
	return Param{Name: name, Type: t, Doc: doc, Children: children}
}

// fld returns a response field.
func fld(name, typ, doc string, children ...Field) Field {
	return Field{Name: name, Type: typ, Doc: doc, Children: children}
}

// docShutdown documents the shutdown parameter of the cloud-instance
// commands that restart the instance.
const docShutdown = "Determines wheter take try to shutdown OS. If value of this parameter will be \"true\" (string) system will try to shutdown OS; this may increase execution tme of this operation to few minutes and cause error if system cannot be shutted down. If value will be \"false\" power of your instance will be restarted without trying to shutdown OS."

// listOf returns a module's list command, documented as /services/list with
// service_type=serviceType: the parameters of services/list without
// service_type, and its response.
func listOf(module, serviceType, summary, doc string) Command {
	return Command{
		Module:  module,
		Name:    "list",
		Summary: summary,
		Doc:     doc,
		Params: []Param{
			opt("limit", Number, "maximal number of records to fetch"),
			opt("offset", Number, "offset of first record to fetch"),
			opt("parent_service_id", Number, "parent service ID (if given and non-zero only child services of specified parent service will be returned)"),
		},
		Response: []Field{servicesList()},
		ListOf:   serviceType,
		ReadOnly: true,
	}
}

// maxLen sets the documented length limit of a string parameter.
func maxLen(p Param, n int) Param {
	p.MaxLen = n
	return p
}

// servicesList is the response field of services/list.
func servicesList() Field {
	return fld("services_list", "objects-list", "services-list", serviceFields()...)
}

// serviceFields are the fields of one service (services/list, services/details).
func serviceFields() []Field {
	return []Field{
		fld("id", "number", "unique service ID"),
		fld("type", "string", "service type"),
		fld("name", "string", "service identification name (ea. domain name, hosting account login, etc..) or service name"),
		fld("custom_description", "string", "custom (setted by customer) description of service"),
		fld("expiration_time", "timestamp", "service expiration time"),
		paymentDetails(),
		fld("parent_service_id", "number", "parent service ID (if service has parent service) or 0"),
		fld("ip", "string", "IP address, if applicable"),
	}
}

// firewallRuleFields are the fields of one firewall rule in the
// firewall/details response (the same for both directions).
func firewallRuleFields() []Field {
	return []Field{
		fld("policy", "string", "rule policy (\"ACCEPT\" or \"DROP\")"),
		fld("source", "object", "packet source conditions",
			fld("ip", "string", "IP address"),
			fld("mask_short", "number", "number specifying short form of subnetwork mask (as number from range 0 - 32)"),
			fld("port", "object", "conditions for source port of the packet",
				fld("begin", "string", "the lower limit of port range (or empty string if not apply to selected protocol or is not to be checked)"),
				fld("end", "string", "the upper limit of port range (or empty string if not apply to selected protocol or is not to be checked)"),
			),
		),
		fld("destination", "object", "packet destination conditions",
			fld("ip", "string", "IP address"),
			fld("mask_short", "number", "number specifying short form of subnetwork mask (as number from range 0 - 32)"),
			fld("port", "object", "conditions for destination port of the packet",
				fld("begin", "string", "the lower limit of port range (or empty string if not apply to selected protocol or is not to be checked)"),
				fld("end", "string", "the upper limit of port range (or empty string if not apply to selected protocol or is not to be checked)"),
			),
		),
	}
}

// firewallRuleParams are the fields of one rule of firewall/save
// (rules[in][N][...] and rules[out][N][...]). The documentation types the
// protocol and the ports as numbers but allows an empty string for "not
// checked": AllowEmpty.
func firewallRuleParams() []Param {
	emptyOK := func(p Param) Param {
		p.AllowEmpty = true
		return p
	}
	return []Param{
		req("policy", String, "rule policy (\"ACCEPT\" or \"DROP\")"),
		emptyOK(opt("protocol", Number, "packet protocol number (according to RFC1700)")),
		opt("source", Object, "packet source conditions",
			opt("ip", String, "source IP address of packet"),
			opt("mask_short", Number, "number specyfying subnetwork short (number from range 0 - 32)"),
			opt("port", Object, "conditions for source port of the packet",
				emptyOK(opt("begin", Number, "the lower limit of source port range (or an empty string if not applied to selected protokol or is not to be checked)")),
				emptyOK(opt("end", Number, "the upper limit of source port range (or an empty string if not applied to selected protokol or is not to be checked)")),
			),
		),
		opt("destination", Object, "packet destination conditions",
			// Documented as "source IP address of packet" (copy-paste slip).
			opt("ip", String, "destination IP address of packet"),
			opt("mask_short", Number, "number specyfying subnetwork short (number from range 0 - 32)"),
			opt("port", Object, "conditions for destination port of the packet",
				emptyOK(opt("begin", Number, "the lower limit of destination port range (or an empty string if not applied to selected protokol or is not to be checked)")),
				emptyOK(opt("end", Number, "the upper limit of destination port range (or an empty string if not applied to selected protokol or is not to be checked)")),
			),
		),
	}
}

// instanceFields are the fields of one cloud instance (cloud-instance/list;
// cloud-instance/details adds custom_properties and network_configuration).
func instanceFields() []Field {
	return []Field{
		fld("id", "number", "unique instance ID"),
		fld("name", "string", "System instance name, identifier."),
		fld("custom_name", "string", "Customizable instance display name."),
		instancePrice(),
		vncConfiguration(),
		instanceResources(),
		fld("state", "string", "Current instance status."),
		fld("state_time", "timestamp", "Time of last refresh of instance status."),
		fld("boot_status", "string", "Boot status of instance. If value of this field is 'install' instance will boot from chosen installation image. If this field value is 'boot' it will normal boot from own hard drive."),
	}
}
