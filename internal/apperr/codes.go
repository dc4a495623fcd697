package apperr

// Codes documented by the Artnet API, plus the few the server adds for the
// transport (unknown-command, not-implemented, internal-error, limits).
const (
	CodeAdminBlackhole                     = "admin-blackhole"
	CodeAuthorizationFailed                = "authorization-failed"
	CodeDNSServersInsufficient             = "dns-servers-insufficient"
	CodeDomainAlreadyExists                = "domain-already-exists"
	CodeDomainNotAllowed                   = "domain-not-allowed"
	CodeEditDNSError                       = "edit-dns-error"
	CodeIncorrectIP                        = "incorrect-ip"
	CodeIncorrectParamValue                = "incorrect-param-value"
	CodeIncorrectSOASerial                 = "incorrect-soa-serial"
	CodeInstanceBootIncorrectImage         = "instance-boot-incorrect-installation-image"
	CodeInstanceDisplayNameTooLong         = "instance-custom-properties-display-name-too-long"
	CodeInstanceNotesTooLong               = "instance-custom-properties-notes-too-long"
	CodeInstancePasswordIncorrect          = "instance-password-incorrect"
	CodeInstanceNegotiateCannotDecreaseHDD = "instance-resources-negotiate-cannot-decrease-hdd"
	CodeInstanceNegotiateIncorrectParams   = "instance-resources-negotiate-incorrect-parameters"
	CodeInstanceUnableShutdown             = "instance-unable-shutdown"
	CodeInternalAdditionalIPError          = "internal-additional-ip-error"
	CodeInternalBlackholingIPError         = "internal-blackholing-ip-error"
	CodeInternalCloudPowerOnError          = "internal-cloud-power-on-error"
	CodeInternalDNSError                   = "internal-dns-error"
	CodeInternalErrorInvalidData           = "internal-error-invalid-data"
	CodeInternalErrorInvalidService        = "internal-error-invalid-service"
	CodeInternalFailOverIPError            = "internal-fail-over-ip-error"
	CodeInternalFirewallError              = "internal-firewall-error"
	CodeInternalInstanceBootMode           = "internal-instance-boot-mode-installation-image"
	CodeInternalInstancePropertiesEdit     = "internal-instance-custom-properties-edit-error"
	CodeInternalInstanceDelete             = "internal-instance-delete-error"
	CodeInternalInstanceNegotiate          = "internal-instance-resources-negotiate"
	CodeInternalOperationError             = "internal-operation-error"
	CodeInternalServiceCreateError         = "internal-service-create-error"
	CodeInternalServiceUpdateError         = "internal-service-update-error"
	CodeInternalUpdateError                = "internal-update-error"
	CodeInvalidID                          = "invalid-id"
	CodeInvalidIPsNumber                   = "invalid-ips-number"
	CodeInvalidOrigin                      = "invalid-origin"
	CodeInvalidParamValue                  = "invalid-param-value"
	CodeInvalidParentServiceType           = "invalid-parent-service-type"
	CodeInvalidRulesetID                   = "invalid-ruleset-id"
	CodeInvalidSerial                      = "invalid-serial"
	CodeInvalidServerID                    = "invalid-server-id"
	CodeInvalidServiceType                 = "invalid-service-type"
	CodeInvalidSubclass                    = "invalid-subclass"
	CodeInvalidZoneID                      = "invalid-zone-id"
	CodeInvalidZoneType                    = "invalid-zone-type"
	CodeIPAlreadyBlackholed                = "ip-already-blackholed"
	CodeIPNotAllowed                       = "ip-not-allowed"
	CodeIPNotBlackholed                    = "ip-not-blackholed"
	CodePasswordInvalid                    = "password-invalid"
	CodePasswordTooShort                   = "password-too-short"
	CodeRulesSyntaxError                   = "rules-syntax-error"
	CodeServiceSuspended                   = "service-suspended"
	CodeTooManyRules                       = "too-many-rules"
	CodeUnconfirmed                        = "unconfirmed"
	CodeUnresolveableMasterNameserver      = "unresolveable-master-nameserver"
	CodeUnsupportedFeature                 = "unsupported-feature"

	// Codes of this server (not in the original documentation).
	CodeUnknownCommand      = "unknown-command"
	CodeNotImplemented      = "not-implemented"
	CodeInternal            = "internal-error"
	CodeTooManyFailedLogins = "too-many-failed-logins"
	CodeRequestTooLarge     = "request-too-large"
	CodeTooManyParameters   = "too-many-parameters"
	CodeMalformedRequest    = "malformed-request"
	CodeMethodNotAllowed    = "method-not-allowed"
	CodeServiceUnavailable  = "service-unavailable"
	CodeNothingToConfirm    = "nothing-to-confirm"
)

// Description is an error text in both languages of the panel.
type Description struct {
	PL string `json:"pl"`
	EN string `json:"en"`
}

// Descriptions is the one catalogue of error texts. A test checks that every
// code used by the command catalogue has an entry with both texts.
var Descriptions = map[string]Description{
	CodeAdminBlackhole:                     {"Blackholing ustawiony przez administratora sieci nie może zostać wyłączony", "Blackholing set by the network administrator cannot be disabled"},
	CodeAuthorizationFailed:                {"Błąd autoryzacji", "Authorization failed"},
	CodeDNSServersInsufficient:             {"Podano za mało serwerów DNS (wymagane co najmniej dwa)", "Not enough DNS servers given (at least two are required)"},
	CodeDomainAlreadyExists:                {"Domena już istnieje w DNS", "Domain already exists in DNS"},
	CodeDomainNotAllowed:                   {"Brak uprawnień do dodania tej domeny", "You are not allowed to add this domain"},
	CodeEditDNSError:                       {"Nie można zmienić serwerów DNS tej domeny; skontaktuj się z Biurem Obsługi Klienta", "DNS servers of this domain cannot be changed; please contact Customer Service"},
	CodeIncorrectIP:                        {"Niepoprawny adres IP", "Incorrect IP address"},
	CodeIncorrectParamValue:                {"Niepoprawna wartość parametru", "Incorrect parameter value"},
	CodeIncorrectSOASerial:                 {"Niepoprawny numer seryjny SOA", "Incorrect SOA serial number"},
	CodeInstanceBootIncorrectImage:         {"Niepoprawny obraz instalacyjny", "Incorrect installation image"},
	CodeInstanceDisplayNameTooLong:         {"Nazwa wyświetlana jest za długa (maksymalnie 35 znaków)", "Display name is too long (35 characters at most)"},
	CodeInstanceNotesTooLong:               {"Notatki są za długie (maksymalnie 10240 znaków)", "Notes are too long (10240 characters at most)"},
	CodeInstancePasswordIncorrect:          {"Niepoprawne hasło instancji", "Incorrect instance password"},
	CodeInstanceNegotiateCannotDecreaseHDD: {"Nie można zmniejszyć przestrzeni dyskowej", "Disk space cannot be decreased"},
	CodeInstanceNegotiateIncorrectParams:   {"Niepoprawne parametry zasobów", "Incorrect resources parameters"},
	CodeInstanceUnableShutdown:             {"Nie udało się wyłączyć systemu operacyjnego instancji", "The instance operating system could not be shut down"},
	CodeInternalAdditionalIPError:          {"Wewnętrzny błąd przydzielania adresów IP", "Internal additional IP error"},
	CodeInternalBlackholingIPError:         {"Wewnętrzny błąd blackholingu", "Internal blackholing error"},
	CodeInternalCloudPowerOnError:          {"Wewnętrzny błąd zarządzania zasilaniem instancji", "Internal instance power management error"},
	CodeInternalDNSError:                   {"Wewnętrzny błąd DNS", "Internal DNS error"},
	CodeInternalErrorInvalidData:           {"Wewnętrzny błąd: niepoprawne dane", "Internal error: invalid data"},
	CodeInternalErrorInvalidService:        {"Wewnętrzny błąd: niepoprawna usługa", "Internal error: invalid service"},
	CodeInternalFailOverIPError:            {"Wewnętrzny błąd przełączania adresu fail-over IP", "Internal fail-over IP error"},
	CodeInternalFirewallError:              {"Wewnętrzny błąd firewalla", "Internal firewall error"},
	CodeInternalInstanceBootMode:           {"Wewnętrzny błąd zmiany trybu uruchamiania", "Internal boot mode change error"},
	CodeInternalInstancePropertiesEdit:     {"Wewnętrzny błąd zapisu właściwości instancji", "Internal error while saving instance properties"},
	CodeInternalInstanceDelete:             {"Wewnętrzny błąd usuwania instancji", "Internal instance delete error"},
	CodeInternalInstanceNegotiate:          {"Wewnętrzny błąd zmiany zasobów instancji", "Internal instance resources change error"},
	CodeInternalOperationError:             {"Wewnętrzny błąd operacji", "Internal operation error"},
	CodeInternalServiceCreateError:         {"Wewnętrzny błąd tworzenia usługi", "Internal service create error"},
	CodeInternalServiceUpdateError:         {"Wewnętrzny błąd aktualizacji usługi", "Internal service update error"},
	CodeInternalUpdateError:                {"Wewnętrzny błąd aktualizacji", "Internal update error"},
	CodeInvalidID:                          {"Niepoprawny identyfikator", "Invalid ID"},
	CodeInvalidIPsNumber:                   {"Niepoprawna liczba adresów IP", "Invalid number of IP addresses"},
	CodeInvalidOrigin:                      {"Niepoprawny identyfikator rekordu (origin)", "Invalid record origin"},
	CodeInvalidParamValue:                  {"Niepoprawna wartość parametru", "Invalid parameter value"},
	CodeInvalidParentServiceType:           {"Niepoprawny typ usługi nadrzędnej", "Invalid parent service type"},
	CodeInvalidRulesetID:                   {"Niepoprawny identyfikator zestawu reguł", "Invalid ruleset ID"},
	CodeInvalidSerial:                      {"Niepoprawny numer seryjny", "Invalid serial number"},
	CodeInvalidServerID:                    {"Niepoprawny identyfikator serwera", "Invalid server ID"},
	CodeInvalidServiceType:                 {"Niepoprawny typ usługi", "Invalid service type"},
	CodeInvalidSubclass:                    {"Niepoprawna podklasa konfiguracji", "Invalid configuration subclass"},
	CodeInvalidZoneID:                      {"Niepoprawny identyfikator strefy", "Invalid zone ID"},
	CodeInvalidZoneType:                    {"Niepoprawny typ strefy", "Invalid zone type"},
	CodeIPAlreadyBlackholed:                {"Adres IP jest już zablokowany", "IP address is already blackholed"},
	CodeIPNotAllowed:                       {"Adres IP niedozwolony", "IP address not allowed"},
	CodeIPNotBlackholed:                    {"Adres IP nie jest zablokowany", "IP address is not blackholed"},
	CodePasswordInvalid:                    {"Hasło zawiera niedozwolone znaki", "Password contains characters that are not allowed"},
	CodePasswordTooShort:                   {"Hasło jest za krótkie (minimum 4 znaki)", "Password is too short (at least 4 characters)"},
	CodeRulesSyntaxError:                   {"Błąd składni reguł", "Rules syntax error"},
	CodeServiceSuspended:                   {"Usługa jest zawieszona", "Service is suspended"},
	CodeTooManyRules:                       {"Za dużo reguł", "Too many rules"},
	CodeUnconfirmed:                        {"Operacja niepotwierdzona (pole confirm musi mieć wartość \"confirm\")", "Operation not confirmed (field confirm must be \"confirm\")"},
	CodeUnresolveableMasterNameserver:      {"Nie można ustalić adresu IP serwera głównego", "Master name server cannot be resolved"},
	CodeUnsupportedFeature:                 {"Funkcja niedostępna dla tej usługi", "Feature not supported for this service"},

	CodeUnknownCommand:      {"Nieznane polecenie", "Unknown command"},
	CodeNotImplemented:      {"Polecenie nie jest jeszcze dostępne na tym serwerze", "Command is not implemented on this server yet"},
	CodeInternal:            {"Wewnętrzny błąd serwera", "Internal server error"},
	CodeTooManyFailedLogins: {"Zbyt wiele nieudanych prób logowania; spróbuj ponownie później", "Too many failed logins; try again later"},
	CodeRequestTooLarge:     {"Żądanie jest za duże", "Request is too large"},
	CodeTooManyParameters:   {"Żądanie ma za dużo parametrów", "Request has too many parameters"},
	CodeMalformedRequest:    {"Niepoprawny format żądania", "Malformed request"},
	CodeMethodNotAllowed:    {"Niedozwolona metoda HTTP (użyj POST)", "HTTP method not allowed (use POST)"},
	CodeServiceUnavailable:  {"Usługa chwilowo niedostępna", "Service temporarily unavailable"},
	CodeNothingToConfirm:    {"Brak zmian do potwierdzenia (zmiany zapisano bez confirm_within, zostały już potwierdzone albo czas na potwierdzenie minął i przywrócono poprzednie reguły)", "Nothing to confirm (the rules were saved without confirm_within, are already confirmed, or the time to confirm ran out and the previous rules came back)"},
}

// Describe returns the two-language description of code, with the detail of
// e appended when set. Unknown codes get the internal-error text.
func Describe(code, detail string) Description {
	d, ok := Descriptions[code]
	if !ok {
		d = Descriptions[CodeInternal]
	}
	if detail != "" {
		d.PL += ": " + detail
		d.EN += ": " + detail
	}
	return d
}
