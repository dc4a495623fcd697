package spec

import "github.com/artnet-panel/artnet-panel/internal/apperr"

// The commands that buy or change billing accept an Idempotency-Key header
// (draft-ietf-httpapi-idempotency-key-header), an extension of this server:
// the first answer is kept 24 hours and a repeat with the same key and
// parameters gets it again without anything being done again.

// IdempotencyHeader is the header's name.
const IdempotencyHeader = "Idempotency-Key"

// idempotentCommands are marked Command.IdempotencyKey.
var idempotentCommands = []string{
	"additional-ip/order",
	"offer-dedicated/express-reservation",
	"offer-dedicated/express-order",
	"cloud-instance/resources-negotiate",
}

// IdempotencyCodes are the codes a command with IdempotencyKey may answer
// because of the header.
var IdempotencyCodes = []string{apperr.CodeIdempotencyKeyMismatch, apperr.CodeIdempotencyKeyInUse, apperr.CodeIdempotentRequestDone}

func init() {
	for _, path := range idempotentCommands {
		found := false
		for i := range catalogue {
			if catalogue[i].Path() == path {
				catalogue[i].IdempotencyKey = true
				found = true
			}
		}
		if !found {
			panic("spec: no command " + path)
		}
	}
}
