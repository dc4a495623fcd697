package panel

import (
	"testing"

	"github.com/artnet-panel/artnet-panel/artnet"
)

// Prices are exact and rounded half up to 4 decimals, however the RAM
// share (MB/1024 of the GB price) falls.
func TestCloudPriceExact(t *testing.T) {
	for _, c := range []struct {
		prices CloudPrices
		r      artnet.InstanceResources
		want   string
	}{
		{CloudPrices{CPUCore: 12000, RAMGB: 8000, HDDGB: 300, BandwidthMbps: 100}, artnet.InstanceResources{CPUCores: 1, RAM: 1024, HDD: 10, Bandwidth: 100}, "3.3"},
		{CloudPrices{RAMGB: 1}, artnet.InstanceResources{RAM: 512}, "0.0001"},     // 0.00005 rounds up
		{CloudPrices{RAMGB: 1}, artnet.InstanceResources{RAM: 511}, "0"},          // 0.0000499…
		{CloudPrices{RAMGB: 3}, artnet.InstanceResources{RAM: 1536}, "0.0005"},    // 0.00045
		{CloudPrices{RAMGB: 10001}, artnet.InstanceResources{RAM: 100}, "0.0977"}, // 1.0001 × 100/1024 = 0.097666…
		// 0.1 + 0.2 is 0.3 exactly (no binary floating point).
		{CloudPrices{CPUCore: 1000, HDDGB: 2000}, artnet.InstanceResources{CPUCores: 1, HDD: 1}, "0.3"},
	} {
		got := price(c.prices, c.r)
		if got.Price.String() != c.want || got.Period != "24h" {
			t.Errorf("price(%+v, %+v) = %s %s, want %s", c.prices, c.r, got.Price, got.Period, c.want)
		}
	}
}

func TestInstancePasswordSecrets(t *testing.T) {
	h, err := HashInstancePassword("Secret.1")
	if err != nil {
		t.Fatal(err)
	}
	if !CheckInstancePassword(h, "Secret.1") || CheckInstancePassword(h, "Secret.2") || CheckInstancePassword("garbage", "Secret.1") {
		t.Fatal("CheckInstancePassword")
	}
	key := make([]byte, CloudSecretKeySize)
	sealed, err := SealVNCSecret(key, "vm-a", "LongerThan8")
	if err != nil {
		t.Fatal(err)
	}
	if pw, err := OpenVNCSecret(key, "vm-a", sealed); err != nil || pw != "LongerTh" {
		t.Fatalf("open = %q, %v; want the first 8 bytes", pw, err)
	}
	if _, err := OpenVNCSecret(key, "vm-b", sealed); err == nil {
		t.Fatal("a sealed password opened for another instance")
	}
	key[0] = 1
	if _, err := OpenVNCSecret(key, "vm-a", sealed); err == nil {
		t.Fatal("a sealed password opened with another key")
	}
	if _, err := SealVNCSecret(nil, "vm-a", "x"); err == nil {
		t.Fatal("sealed without a key")
	}
	for pw, ok := range map[string]bool{"abcd": true, "aB3.!@#$%^&*()_+-=": true, "abc": false, "ab cd": false, "zażółć": false} {
		if ValidNewInstancePassword(pw) != ok {
			t.Errorf("ValidNewInstancePassword(%q) != %v", pw, ok)
		}
	}
}
