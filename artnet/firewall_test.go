package artnet_test

import (
	"context"
	"testing"
	"time"

	"github.com/artnet-panel/artnet-panel/artnet"
)

// TestFirewallAgainstServer drives the firewall module through the SDK:
// list, details, save, commit-confirmed save (an extension) and the
// errors_details of a rules-syntax-error.
func TestFirewallAgainstServer(t *testing.T) {
	s := newServer(t)
	c := s.client()
	ctx := context.Background()

	list := must[[]artnet.FirewallRuleset](t)(c.Firewall.List(ctx))
	if len(list) == 0 || list[0].ID != "fw-12345" {
		t.Fatalf("List = %+v", list)
	}

	ssh := artnet.FirewallRule{Policy: artnet.FirewallAccept, Protocol: "6",
		Source:      artnet.FirewallAddress{IP: "198.51.100.0", MaskShort: 24},
		Destination: artnet.FirewallAddress{Port: artnet.FirewallPort{Begin: "22", End: "22"}}}
	drop := artnet.FirewallRule{Policy: artnet.FirewallDrop}
	if err := c.Firewall.Save(ctx, artnet.FirewallSaveOpts{RulesetID: "fw-12345", In: []artnet.FirewallRule{ssh, drop},
		ConfirmWithin: 2 * time.Minute}); err != nil {
		t.Fatal(err)
	}
	d := must[*artnet.FirewallRulesetDetails](t)(c.Firewall.Details(ctx, "fw-12345"))
	if len(d.Rules.In) != 2 || d.Rules.In[0].Source.IP != "198.51.100.0" || d.Rules.In[1].Policy != artnet.FirewallDrop {
		t.Fatalf("rules after save: %+v", d.Rules)
	}
	if err := c.Firewall.SaveConfirm(ctx, "fw-12345"); err != nil {
		t.Fatal(err)
	}
	wantCode(t, c.Firewall.SaveConfirm(ctx, "fw-12345"), artnet.ErrCodeNothingToConfirm)
	wantCode(t, c.Firewall.SaveConfirm(ctx, "fw-99999"), artnet.ErrCodeInvalidRulesetID)

	// The SDK does not check addresses; the server reports each bad rule
	// with its direction.
	bad := artnet.FirewallRule{Policy: artnet.FirewallDrop, Source: artnet.FirewallAddress{IP: "999.1.1.1", MaskShort: 32}}
	err := c.Firewall.Save(ctx, artnet.FirewallSaveOpts{RulesetID: "fw-12345", In: []artnet.FirewallRule{drop}, Out: []artnet.FirewallRule{drop, bad}})
	e := wantCode(t, err, artnet.ErrCodeRulesSyntaxError)
	want := artnet.ErrorDetail{Direction: "out", Index: "1", Field: "source.ip"}
	if len(e.ErrorsDetails) != 1 || e.ErrorsDetails[0].Message == "" {
		t.Fatalf("errors_details = %+v", e.ErrorsDetails)
	}
	got := e.ErrorsDetails[0]
	got.Message = ""
	if got != want {
		t.Errorf("errors_details[0] = %+v, want %+v", got, want)
	}
	d = must[*artnet.FirewallRulesetDetails](t)(c.Firewall.Details(ctx, "fw-12345"))
	if len(d.Rules.In) != 2 {
		t.Errorf("a failed save changed the rules: %+v", d.Rules)
	}
}
