package tfprovider

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// cloudConfig is a configuration of artnet_cloud_instance with every
// attribute null but instance_id and, when given, instance_password_wo.
func cloudConfig(t *testing.T, wo *string) tfsdk.Config {
	t.Helper()
	ctx := context.Background()
	var resp resource.SchemaResponse
	NewCloudInstanceResource().Schema(ctx, resource.SchemaRequest{}, &resp)
	typ := resp.Schema.Type().TerraformType(ctx).(tftypes.Object)
	vals := map[string]tftypes.Value{}
	for name, at := range typ.AttributeTypes {
		vals[name] = tftypes.NewValue(at, nil)
	}
	vals["instance_id"] = tftypes.NewValue(tftypes.Number, 1)
	if wo != nil {
		vals["instance_password_wo"] = tftypes.NewValue(tftypes.String, *wo)
	}
	return tfsdk.Config{Schema: resp.Schema, Raw: tftypes.NewValue(typ, vals)}
}

// The management password: the write-only attribute first (clients with
// write-only attributes), then the instance's environment variable, then
// the general one; none is none.
func TestCloudInstancePassword(t *testing.T) {
	ctx := context.Background()
	wo := "from-config"
	t.Setenv("ARTNET_INSTANCE_PASSWORD_1", "")
	t.Setenv("ARTNET_INSTANCE_PASSWORD", "")
	if pw, ok := password(ctx, cloudConfig(t, nil), 1); ok {
		t.Fatalf("no password anywhere, got %q", pw)
	}
	t.Setenv("ARTNET_INSTANCE_PASSWORD", "general")
	if pw, _ := password(ctx, cloudConfig(t, nil), 1); pw != "general" {
		t.Fatalf("got %q, want the general variable", pw)
	}
	t.Setenv("ARTNET_INSTANCE_PASSWORD_1", "instance-1")
	if pw, _ := password(ctx, cloudConfig(t, nil), 1); pw != "instance-1" {
		t.Fatalf("got %q, want the instance's variable", pw)
	}
	if pw, _ := password(ctx, cloudConfig(t, &wo), 1); pw != wo {
		t.Fatalf("got %q, want instance_password_wo", pw)
	}
}

// The password is write-only and sensitive in the schema (never in plan
// or state, with clients that have write-only attributes).
func TestCloudInstancePasswordSchema(t *testing.T) {
	var resp resource.SchemaResponse
	NewCloudInstanceResource().Schema(context.Background(), resource.SchemaRequest{}, &resp)
	a := resp.Schema.Attributes["instance_password_wo"]
	if a == nil || !a.IsWriteOnly() || !a.IsSensitive() || a.IsComputed() {
		t.Fatalf("instance_password_wo: %+v", a)
	}
}
