package cli

import (
	"math"
	"testing"

	"github.com/artnet-panel/artnet-panel/artnet"
)

func TestFormatMoney(t *testing.T) {
	for m, want := range map[artnet.Money]string{0: "0.00", 5: "0.05", 43050: "430.50", 98400: "984.00", 64821: "648.21",
		-50: "-0.50", -12345: "-123.45", math.MinInt64: "-92233720368547758.08"} {
		if got := formatMoney(m); got != want {
			t.Errorf("formatMoney(%d) = %q, want %q", m, got, want)
		}
	}
	for m, want := range map[artnet.Money4]string{0: "0.0000", 33000: "3.3000", 12345: "1.2345", 1: "0.0001", -1: "-0.0001"} {
		if got := formatMoney4(m); got != want {
			t.Errorf("formatMoney4(%d) = %q, want %q", m, got, want)
		}
	}
}
