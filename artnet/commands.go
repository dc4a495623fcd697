package artnet

import "slices"

// Command describes one API command for clients: its path and whether it
// is safe to repeat.
type Command struct {
	// Path is "module/command", e.g. "services/list".
	Path string
	// ReadOnly commands change nothing; the client retries them on 429,
	// 5xx and network errors. Other commands are never retried.
	ReadOnly bool
	// Destructive commands lose data, interrupt a running machine or
	// invalidate credentials (a CLI should ask before running them).
	Destructive bool
	// Extension commands are added by this server (artnetd) and are not in
	// the original API documentation (firewall/save-confirm); the original
	// service answers them unknown-command.
	Extension bool
	// Idempotent commands (they buy or change billing) are sent with an
	// Idempotency-Key, the same on every attempt, and retried as read-only
	// commands are: artnetd carries them out once. The original service
	// ignores the header.
	Idempotent bool
}

// commandKind is a set of flags; a command without readOnly or destructive
// is a write.
type commandKind int

const (
	write       commandKind = 0
	readOnly    commandKind = 1 << 0
	destructive commandKind = 1 << 1
	extension   commandKind = 1 << 2 // added by this server, not documented
	idempotent  commandKind = 1 << 3 // sent with an Idempotency-Key (artnetd)
)

// commandTable lists the 93 documented commands in documentation order, and
// after its module's commands each extension of this server. A test checks
// it against the server's catalogue.
var commandTable = []struct {
	path string
	kind commandKind
}{
	// customer
	{"customer/regenerate-api-key", destructive},
	{"customer/emails-list", readOnly},
	{"customer/email-details", readOnly},
	{"customer/change-language", write},
	{"customer/get-language", readOnly},
	{"customer/details", readOnly},
	{"customer/edit", write},

	// services
	{"services/list", readOnly},
	{"services/details", readOnly},

	// domain
	{"domain/list", readOnly},
	{"domain/details", readOnly},
	{"domain/edit-dns-servers", write},

	// easyisp
	{"easyisp/list", readOnly},
	{"easyisp/details", readOnly},

	// avx
	{"avx/list", readOnly},
	{"avx/details", readOnly},

	// hosting-artnet
	{"hosting-artnet/list", readOnly},
	{"hosting-artnet/details", readOnly},

	// ssl
	{"ssl/list", readOnly},
	{"ssl/details", readOnly},

	// software
	{"software/list", readOnly},
	{"software/details", readOnly},

	// link-service
	{"link-service/list", readOnly},
	{"link-service/details", readOnly},

	// fail-over-ip
	{"fail-over-ip/list", readOnly},
	{"fail-over-ip/details", readOnly},
	{"fail-over-ip/switch", write},

	// additional-ip
	{"additional-ip/list", readOnly},
	{"additional-ip/details", readOnly},
	{"additional-ip/order-info", readOnly},
	{"additional-ip/order", write | idempotent},

	// vps
	{"vps/list", readOnly},
	{"vps/details", readOnly},
	{"vps/power-on", write},
	{"vps/power-off", destructive},
	{"vps/power-restart", destructive},

	// dedicated
	{"dedicated/list", readOnly},
	{"dedicated/details", readOnly},
	{"dedicated/transfer-usage-details", readOnly},
	{"dedicated/ilo-details", readOnly},
	{"dedicated/ilo-access-enable", write},
	{"dedicated/ilo-access-disable", write},
	{"dedicated/power-details", readOnly},
	{"dedicated/power-on", write},
	{"dedicated/power-off", destructive},
	{"dedicated/power-restart", destructive},

	// colocation
	{"colocation/list", readOnly},
	{"colocation/details", readOnly},
	{"colocation/transfer-usage-details", readOnly},
	{"colocation/power-details", readOnly},
	{"colocation/power-on", write},
	{"colocation/power-off", destructive},
	{"colocation/power-restart", destructive},

	// ip-blackholing
	{"ip-blackholing/list", readOnly},
	{"ip-blackholing/enable", destructive},
	{"ip-blackholing/disable", write},

	// dns
	{"dns/list", readOnly},
	{"dns/delete", destructive},
	{"dns/details-secoundary", readOnly},
	{"dns/add-secoundary", write},
	{"dns/details-primary", readOnly},
	{"dns/add-primary", write},
	{"dns/edit-primary-records", write},
	{"dns/dnssec-enable", write | extension},
	{"dns/dnssec-disable", destructive | extension},
	{"dns/dnssec-details", readOnly | extension},

	// rev-dns
	{"rev-dns/list", readOnly},
	{"rev-dns/details", readOnly},
	{"rev-dns/edit", write},

	// firewall
	{"firewall/list", readOnly},
	{"firewall/details", readOnly},
	{"firewall/enable", write},
	{"firewall/disable", write},
	{"firewall/save", write},
	{"firewall/save-confirm", write | extension},

	// offer-dedicated
	{"offer-dedicated/custom-offer", readOnly},
	{"offer-dedicated/express-offer", readOnly},
	{"offer-dedicated/express-reservations-list", readOnly},
	{"offer-dedicated/express-reservation", write | idempotent},
	{"offer-dedicated/express-reservation-cancel", write},
	{"offer-dedicated/express-order", write | idempotent},

	// cloud-instance
	{"cloud-instance/list", readOnly},
	{"cloud-instance/details", readOnly},
	{"cloud-instance/action-power-on", write},
	{"cloud-instance/action-power-off", destructive},
	{"cloud-instance/action-power-restart", destructive},
	{"cloud-instance/action-shutdown", destructive},
	{"cloud-instance/action-reboot", destructive},
	{"cloud-instance/resources-allowed-ranges", readOnly},
	{"cloud-instance/resources-calculate-price", readOnly},
	{"cloud-instance/resources-negotiate", destructive | idempotent},
	{"cloud-instance/boot-installation-images-list", readOnly},
	{"cloud-instance/boot-mode-installation-image", destructive},
	{"cloud-instance/boot-mode-boot", destructive},
	{"cloud-instance/custom-properties-edit", write},
	{"cloud-instance/password-change", write},
	{"cloud-instance/delete", destructive},

	// api-keys (an extension module of this server)
	{"api-keys/list", readOnly | extension},
	{"api-keys/create", extension},
	{"api-keys/delete", destructive | extension},
	// invoices (an extension module of this server)
	{"invoices/list", readOnly | extension},
	{"invoices/details", readOnly | extension},
	{"invoices/download-proforma", readOnly | extension},
}

var commandIndex = func() map[string]Command {
	m := make(map[string]Command, len(commandTable))
	for _, c := range commandTable {
		m[c.path] = Command{
			Path:        c.path,
			ReadOnly:    c.kind&readOnly != 0,
			Destructive: c.kind&destructive != 0,
			Extension:   c.kind&extension != 0,
			Idempotent:  c.kind&idempotent != 0,
		}
	}
	return m
}()

// Commands returns every command, in documentation order: the documented
// ones and this server's extensions (Command.Extension), each after the
// commands of its module.
func Commands() []Command {
	out := make([]Command, 0, len(commandTable))
	for _, c := range commandTable {
		out = append(out, commandIndex[c.path])
	}
	return slices.Clip(out)
}

// LookupCommand returns the command with the given path ("module/command").
func LookupCommand(path string) (Command, bool) {
	c, ok := commandIndex[path]
	return c, ok
}
