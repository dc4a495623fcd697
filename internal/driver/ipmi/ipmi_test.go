package ipmi_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/artnet-panel/artnet-panel/internal/driver/ipmi"
	"github.com/artnet-panel/artnet-panel/internal/power"
	"github.com/artnet-panel/artnet-panel/internal/testpeer"
)

func target(t *testing.T, s *testpeer.IPMISim, iface, password string) power.Target {
	t.Helper()
	raw, err := json.Marshal(ipmi.Config{Driver: "ipmi", Address: "127.0.0.1", Port: s.Port, Interface: iface,
		Username: s.User, Password: password})
	if err != nil {
		t.Fatal(err)
	}
	return power.Target{ServiceID: 1, CustomerID: 1, Config: raw}
}

// TestAgainstIPMISim switches a real BMC (ipmi_sim) over lanplus and lan
// and reads each change back with the test's own ipmitool call.
func TestAgainstIPMISim(t *testing.T) {
	sim := testpeer.StartIPMISim(t)
	for _, iface := range []string{"lanplus", "lan"} {
		t.Run(iface, func(t *testing.T) {
			// Retries: a loaded test machine may answer slowly.
			dev, err := (&ipmi.Driver{Retries: 3}).Open(target(t, sim, iface, sim.Password))
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
			defer cancel()
			steps := []struct {
				name string
				do   func(context.Context) error
				want string
			}{
				{"off", dev.Off, "off"},
				{"on", dev.On, "on"},
				{"off again", dev.Off, "off"},
				{"cycle from off", dev.Cycle, "on"},
				{"cycle from on", dev.Cycle, "on"},
			}
			for _, st := range steps {
				if err := st.do(ctx); err != nil {
					t.Fatalf("%s: %v", st.name, err)
				}
				got, err := sim.PowerState(t)
				if err != nil || got != st.want {
					t.Fatalf("after %s the BMC says %q, %v; want %q", st.name, got, err, st.want)
				}
				state, err := dev.State(ctx)
				if err != nil || string(state) != st.want {
					t.Fatalf("after %s State = %q, %v; want %q", st.name, state, err, st.want)
				}
			}
		})
	}
	t.Run("wrong password", func(t *testing.T) {
		dev, err := (&ipmi.Driver{}).Open(target(t, sim, "lanplus", "wrong"))
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
		defer cancel()
		before, err := sim.PowerState(t)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := dev.State(ctx); err == nil {
			t.Fatal("State with a wrong password succeeded")
		}
		if err := dev.Off(ctx); err == nil {
			t.Fatal("Off with a wrong password succeeded")
		}
		if got, _ := sim.PowerState(t); got != before {
			t.Errorf("a refused Off changed the BMC: %q", got)
		}
	})
	t.Run("stopped BMC", func(t *testing.T) {
		dev, err := (&ipmi.Driver{}).Open(target(t, &testpeer.IPMISim{Port: testpeer.FreePort(t), User: "ADMIN"}, "lanplus", "x"))
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(t.Context(), 3*time.Second)
		defer cancel()
		_, err = dev.State(ctx)
		if err == nil {
			t.Fatal("State of a BMC that is not there succeeded")
		}
		t.Logf("no BMC: %v", err)
		if !errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil {
			t.Logf("ipmitool gave up by itself")
		}
	})
}

func TestParseConfig(t *testing.T) {
	for _, tc := range []struct {
		in string
		ok bool
	}{
		{`{"driver":"ipmi","address":"10.0.0.5","port":623,"interface":"lanplus","username":"ADMIN","password":"p"}`, true},
		{`{"driver":"ipmi","address":"bmc1.example.net","username":"ADMIN","password":"p"}`, true},
		{`{"driver":"ipmi","address":"-H","username":"ADMIN","password":"p"}`, false},
		{`{"driver":"ipmi","address":"10.0.0.5","interface":"open"}`, false},
		{`{"driver":"ipmi","address":"10.0.0.5","port":70000}`, false},
		{`{"driver":"ipmi","address":"10.0.0.5","username":"-U"}`, false},
		{`{"driver":"ipmi","address":"10.0.0.5","extra":1}`, false},
		{`{"driver":"sim"}`, false},
	} {
		c, err := ipmi.ParseConfig(json.RawMessage(tc.in))
		if (err == nil) != tc.ok {
			t.Errorf("ParseConfig(%s) = %+v, %v; want ok=%v", tc.in, c, err, tc.ok)
		}
	}
}

func TestParseStatus(t *testing.T) {
	for in, want := range map[string]power.State{"Chassis Power is on\n": power.On, "Chassis Power is off": power.Off} {
		if got, err := ipmi.ParseStatus(in); err != nil || got != want {
			t.Errorf("ParseStatus(%q) = %q, %v", in, got, err)
		}
	}
	if _, err := ipmi.ParseStatus("Error: Unable to establish IPMI v2 / RMCP+ session"); err == nil {
		t.Error("ParseStatus accepted an error text")
	}
}
