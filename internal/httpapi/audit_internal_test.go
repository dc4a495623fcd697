package httpapi

import (
	"strings"
	"testing"

	"github.com/artnet-panel/artnet-panel/internal/form"
)

func TestAuditParamsRedaction(t *testing.T) {
	body := "id=5&api_key=SECRETKEY1&instance_password=SECRET2&password=SECRET3" +
		"&user[Password_Confirm]=SECRET4&user[name]=jan&ssh_key=SECRET5&list[]=a&list[]=b" +
		"&bmc[snmp_secret]=SECRET6&token=SECRET7&service_id=9"
	v, err := form.ParseURLEncoded([]byte(body), form.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	got := auditParams(v)
	want := `{"instance_password":"[redacted]","password":"[redacted]","user":{"Password_Confirm":"[redacted]","name":"jan"},` +
		`"ssh_key":"[redacted]","list":{"0":"a","1":"b"},"bmc":{"snmp_secret":"[redacted]"},"token":"[redacted]","service_id":"9"}`
	if got != want {
		t.Errorf("auditParams =\n%s\nwant\n%s", got, want)
	}
	if strings.Contains(got, "SECRET") {
		t.Errorf("a secret in %s", got)
	}
	// Oversized parameters are summarised.
	big := "records[0][data]=" + strings.Repeat("x", 70_000)
	v, err = form.ParseURLEncoded([]byte(big), form.Limits{MaxBytes: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	if got := auditParams(v); len(got) > 100 || !strings.Contains(got, "_truncated") {
		t.Errorf("oversized parameters: %.200s", got)
	}
}
