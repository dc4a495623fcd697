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

// Codes of Idempotency-Key (an extension of this server).
const (
	CodeIdempotencyKeyMismatch = "idempotency-key-mismatch" // HTTP 422
	CodeIdempotencyKeyInUse    = "idempotency-key-in-use"   // HTTP 409, Retry-After
	CodeIdempotentRequestDone  = "idempotent-request-done"
)

func init() {
	Descriptions[CodeIdempotencyKeyMismatch] = Description{
		"Ten sam Idempotency-Key wysłano już z innym poleceniem lub innymi parametrami",
		"This Idempotency-Key was already sent with another command or other parameters",
	}
	Descriptions[CodeIdempotencyKeyInUse] = Description{
		"Żądanie z tym Idempotency-Key jest jeszcze wykonywane; spróbuj ponownie",
		"A request with this Idempotency-Key is still running; try again",
	}
	Descriptions[CodeIdempotentRequestDone] = Description{
		"Żądanie z tym Idempotency-Key zostało już wykonane, ale jego odpowiedź przepadła; nic nie zrobiono ponownie",
		"The request with this Idempotency-Key was already carried out, but its answer was lost; nothing was done again",
	}
}

// CodeRateLimited: the key or the customer is over its request rate
// (artnetd --rate-limit); HTTP 429 with Retry-After.
const CodeRateLimited = "rate-limited"

func init() {
	Descriptions[CodeRateLimited] = Description{
		"Przekroczono limit liczby zapytań tego klucza API lub klienta; spróbuj ponownie po czasie podanym w Retry-After",
		"Too many requests from this API key or customer; try again after the time given in Retry-After",
	}
}
