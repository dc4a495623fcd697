package apperr

// Codes of the api-keys module (an extension of this server).
const (
	// CodeAPIKeyOutOfScope: a sub-key called a command outside its scope,
	// named a service outside its service_ids, or came from an address
	// outside its source_prefixes. Nothing was done; the call is journaled.
	CodeAPIKeyOutOfScope = "api-key-out-of-scope"
	CodeInvalidKeyID     = "invalid-key-id"
	CodeTooManyAPIKeys   = "too-many-api-keys"
)

func init() {
	Descriptions[CodeAPIKeyOutOfScope] = Description{
		"Ten klucz API nie ma uprawnień do tego polecenia (zakres, usługi lub adres źródłowy klucza)",
		"This API key is not allowed to do this (the key's scope, services or source addresses)",
	}
	Descriptions[CodeInvalidKeyID] = Description{"Niepoprawny identyfikator klucza API", "Invalid API key id"}
	Descriptions[CodeTooManyAPIKeys] = Description{"Osiągnięto limit kluczy API klienta", "The customer's limit of API keys is reached"}
}
