package artnet

// Answer bodies of the commands, without the success field (the server adds
// it when writing the envelope; the SDK checks it before decoding).

// ServicesListResponse answers /services/list and every module's list.
type ServicesListResponse struct {
	ServicesList []Service `json:"services_list"`
}

// ServiceDetailsResponse answers /services/details.
type ServiceDetailsResponse struct {
	Service Service `json:"service"`
}

// ServiceDetailsOf answers a module's details command; T is the module's
// details type (DedicatedDetails, VPSDetails, ...).
type ServiceDetailsOf[T any] struct {
	ServiceDetails T `json:"service_details"`
}

// CustomerDetailsResponse answers /customer/details.
type CustomerDetailsResponse struct {
	Customer Customer `json:"customer"`
}

// APIKeyResponse answers /customer/regenerate-api-key.
type APIKeyResponse struct {
	APIKey string `json:"api_key"`
}

// EmailsListResponse answers /customer/emails-list.
type EmailsListResponse struct {
	EmailsList []EmailHeader `json:"emails_list"`
}

// EmailDetailsResponse answers /customer/email-details.
type EmailDetailsResponse struct {
	Email Email `json:"email"`
}

// LanguageResponse answers /customer/get-language.
type LanguageResponse struct {
	Language string `json:"language"`
}
