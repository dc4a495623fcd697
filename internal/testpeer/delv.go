package testpeer

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/artnet-panel/artnet-panel/internal/dnssec"
)

// The verdicts delv prints.
const (
	DelvValidated = "; fully validated"
	DelvNegative  = "; negative response, fully validated"
	DelvUnsigned  = "; unsigned answer"
)

// DelvAnchors writes a delv trust anchor file holding origin's SEP keys
// (KSK, CSK) as static keys and returns its path.
func DelvAnchors(t testing.TB, origin string, keys []dnssec.Key) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("trust-anchors {\n")
	for _, k := range keys {
		if k.Role.SEP() {
			fmt.Fprintf(&b, "  %s static-key %d 3 %d \"%s\";\n", origin, k.Flags(), k.Algorithm, k.PublicKey)
		}
	}
	b.WriteString("};\n")
	path := filepath.Join(t.TempDir(), "anchors.conf")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// Delv runs delv (bin) against the server addr ("127.0.0.1:port") with the
// trust anchors file and root as the root of trust, for name and qtype,
// and returns its output (the verdict lines are DelvValidated, ...).
func Delv(t testing.TB, bin, addr, anchors, root, name, qtype string, extra ...string) string {
	t.Helper()
	host, port, _ := strings.Cut(addr, ":")
	args := append([]string{"@" + host, "-p", port, "-a", anchors, "+root=" + root, "+nomtrace", name, qtype}, extra...)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, bin, args...).CombinedOutput()
	if err != nil && ctx.Err() != nil {
		t.Fatalf("delv %s %s: %v\n%s", name, qtype, err, out)
	}
	return string(out)
}
