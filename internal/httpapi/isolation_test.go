package httpapi_test

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/artnet-panel/artnet-panel/internal/spec"
)

// idsOfA names customer A's objects for each id parameter; nonexistent ids
// must answer exactly like them when customer B asks.
var idsOfA = map[string]string{
	"service_id": "12345", "parent_service_id": "12345", "email_id": "1", "zone_id": "1",
	"subnetwork_id": "501", "ruleset_id": "fw-12345", "instance_id": "1", "server_id": "1",
}

const missingID = "987654321"

// secretsOfA are strings of A's data that must never reach B.
var secretsOfA = []string{"HP DL120", "it@acme.test", "Welcome to Artnet", "ACME", "123.123.123.123", "acme.test", "fw-12345x"}

// fill adds a plausible value for every required parameter of decl.
func fill(v url.Values, decl []spec.Param, prefix string, idValue func(string) string) {
	for _, p := range decl {
		name := p.Name
		if prefix != "" {
			name = prefix + "[" + p.Name + "]"
		}
		if id := idValue(p.Name); id != "" && prefix == "" {
			v.Set(name, id)
			continue
		}
		if !p.Required {
			continue
		}
		switch p.Type {
		case spec.Number:
			v.Set(name, "1")
		case spec.Bool:
			v.Set(name, "false")
		case spec.List:
			v.Add(name+"[]", "ns1.example.net")
			v.Add(name+"[]", "ns2.example.net")
		case spec.Object:
			fill(v, p.Children, name, idValue)
		case spec.ObjectList:
			fill(v, p.Children, name+"[0]", idValue)
		default:
			v.Set(name, "confirm")
		}
	}
}

// moduleServiceOfA picks A's service of the module's own type, so a details
// command is asked for the most revealing object.
func moduleServiceOfA(module string) string {
	for _, m := range moduleCases {
		if m.module == module {
			return strconv.FormatInt(m.id, 10)
		}
	}
	return idsOfA["service_id"]
}

func TestCatalogueWalkIsolation(t *testing.T) {
	e := newEnv(t)
	e.api.Guard.MaxFailures = 1 << 30 // the walk fails many logins on purpose
	for _, cmd := range spec.All() {
		t.Run(cmd.Path(), func(t *testing.T) {
			request := func(id int64, key string, ids func(string) string) answer {
				v := url.Values{}
				fill(v, cmd.Params, "", ids)
				v.Set("id", strconv.FormatInt(id, 10))
				v.Set("api_key", key)
				return e.post("/api/"+cmd.Path(), "application/x-www-form-urlencoded", strings.NewReader(v.Encode()))
			}
			ofA := func(name string) string {
				if name == "service_id" {
					return moduleServiceOfA(cmd.Module)
				}
				return idsOfA[name]
			}
			missing := func(name string) string {
				if _, ok := idsOfA[name]; ok {
					return missingID
				}
				return ""
			}
			// A wrong key never gets anything, and A's own key does not open B's account.
			mustFail(t, request(idA, "Wrong0Wrong0Wrong0Wrong0Wrong0Wrong0Wrong0", ofA), "authorization-failed")
			mustFail(t, request(idB, keyA, ofA), "authorization-failed")

			if len(cmd.IDParams()) == 0 {
				return // nothing of A's can be named
			}
			// B asking for A's objects gets exactly what B gets for objects that do not exist.
			foreign := request(idB, keyB, ofA)
			absent := request(idB, keyB, missing)
			if !cmd.ReadOnly && foreign.success() {
				t.Fatalf("B changed something through A's ids: %s", foreign.raw)
			}
			if foreign.status != absent.status || normalise(foreign.raw) != normalise(absent.raw) {
				t.Fatalf("A's ids answer differently from missing ids:\nforeign %d %s\nmissing %d %s",
					foreign.status, foreign.raw, absent.status, absent.raw)
			}
			for _, s := range secretsOfA {
				if strings.Contains(string(foreign.raw), s) {
					t.Fatalf("answer to B contains A's data %q: %s", s, foreign.raw)
				}
			}
		})
	}
	// A's data is untouched by the walk.
	a := mustOK(t, e.asA("services/details", "service_id", "12345"))
	if a.get("service", "name") != "HP DL120 G7 123.123.123.123" {
		t.Fatalf("A's service changed: %s", a.raw)
	}
	if n := len(mustOK(t, e.asA("customer/emails-list")).get("emails_list").([]any)); n != 1 {
		t.Fatalf("A has %d e-mails after the walk, want 1", n)
	}
	z := mustOK(t, e.asA("dns/details-primary", "zone_id", idsOfA["zone_id"]))
	if z.get("zone_details", "domain") != "acme.test" || z.get("zone_details", "serial") != float64(zoneASerial) ||
		len(z.get("zone_details", "records").([]any)) != len(zoneARecords) {
		t.Fatalf("A's zone changed: %s", z.raw)
	}
}

// normalise removes the ids that differ by construction between the two
// requests (A's id and the missing id echoed in an error description).
func normalise(raw []byte) string {
	s := string(raw)
	for _, id := range idsOfA {
		s = strings.ReplaceAll(s, id, "ID")
	}
	for _, m := range moduleCases {
		s = strings.ReplaceAll(s, fmt.Sprint(m.id), "ID")
	}
	return strings.ReplaceAll(s, missingID, "ID")
}
