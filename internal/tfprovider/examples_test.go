package tfprovider

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/resource"
)

// The examples of examples/terraform are what a user runs: the provider
// binary built with go build, found by OpenTofu through a dev_overrides
// CLI configuration (no registry), configured by the ARTNET_* environment
// variables. TestExamples validates every example and applies each of the
// resources and data sources against artnetd --demo: apply, an empty plan
// afterwards, destroy.

const examplesDir = "../../examples/terraform"

var (
	providerBinOnce sync.Once
	providerBinDir  string
	providerBinErr  error
)

// buildProvider builds cmd/terraform-provider-artnet once and returns the
// directory holding it (the dev_overrides target).
func buildProvider(t testing.TB) string {
	t.Helper()
	providerBinOnce.Do(func() {
		dir := filepath.Join(buildDir, "provider")
		cmd := exec.Command("go", "build", "-o", filepath.Join(dir, "terraform-provider-artnet"), "./cmd/terraform-provider-artnet")
		cmd.Dir = filepath.Join("..", "..")
		if out, err := cmd.CombinedOutput(); err != nil {
			providerBinErr = fmt.Errorf("go build ./cmd/terraform-provider-artnet: %v\n%s", err, out)
			return
		}
		providerBinDir = dir
	})
	if providerBinErr != nil {
		t.Fatal(providerBinErr)
	}
	return providerBinDir
}

// tofuCLI runs the built provider under tofu with a dev_overrides CLI
// configuration, as the README tells users to.
type tofuCLI struct {
	t   testing.TB
	bin string
	env []string
}

func newTofuCLI(t testing.TB, n *artnetdNode) *tofuCLI {
	t.Helper()
	bin := tofuPath(t)
	provDir := buildProvider(t)
	rc := filepath.Join(t.TempDir(), "tofurc")
	cfg := fmt.Sprintf("provider_installation {\n  dev_overrides {\n    %q = %q\n  }\n  direct {}\n}\n", providerNS+"/artnet", provDir)
	if err := os.WriteFile(rc, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "TF_") || strings.HasPrefix(k, "ARTNET_") {
			continue
		}
		env = append(env, kv)
	}
	env = append(env, "TF_CLI_CONFIG_FILE="+rc, "TF_IN_AUTOMATION=1", "CHECKPOINT_DISABLE=1",
		EnvID+"="+strconv.FormatInt(n.ID, 10), EnvAPIKey+"="+n.APIKey, EnvEndpoint+"="+n.Endpoint,
		"ARTNET_INSTANCE_PASSWORD_1=demo1234") // the demo instance's password (artnet_cloud_instance's example)
	return &tofuCLI{t: t, bin: bin, env: env}
}

// run runs tofu args in dir and returns its exit code and output.
func (c *tofuCLI) run(dir string, args ...string) (int, string) {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, c.bin, append([]string{"-chdir=" + dir}, args...)...)
	cmd.Env = c.env
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case err == nil:
		return 0, out.String()
	case errors.As(err, &ee):
		return ee.ExitCode(), out.String()
	}
	c.t.Fatalf("tofu %s: %v\n%s", strings.Join(args, " "), err, out.String())
	return -1, ""
}

func (c *tofuCLI) mustRun(dir string, args ...string) string {
	c.t.Helper()
	code, out := c.run(dir, args...)
	if code != 0 {
		c.t.Fatalf("tofu %s in %s: exit %d\n%s", strings.Join(args, " "), dir, code, out)
	}
	return out
}

// exampleDirs lists the example directories (provider, resources/*,
// data-sources/*).
func exampleDirs(t testing.TB) []string {
	t.Helper()
	var dirs []string
	for _, pattern := range []string{"provider", "resources/*", "data-sources/*"} {
		m, err := filepath.Glob(filepath.Join(examplesDir, pattern))
		if err != nil {
			t.Fatal(err)
		}
		dirs = append(dirs, m...)
	}
	if len(dirs) < 9 {
		t.Fatalf("only %d example directories in %s", len(dirs), examplesDir)
	}
	return dirs
}

// workdir copies the .tf files of an example into a fresh directory, with
// the provider's source address unless the example declares it.
func workdir(t testing.TB, example string) string {
	t.Helper()
	dir := t.TempDir()
	files, _ := filepath.Glob(filepath.Join(example, "*.tf"))
	if len(files) == 0 {
		t.Fatalf("%s has no .tf file", example)
	}
	declared := false
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		declared = declared || bytes.Contains(b, []byte("required_providers"))
		if err := os.WriteFile(filepath.Join(dir, filepath.Base(f)), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if !declared {
		versions := "terraform {\n  required_providers {\n    artnet = { source = \"" + providerNS + "/artnet\" }\n  }\n}\n"
		if err := os.WriteFile(filepath.Join(dir, "versions_test.tf"), []byte(versions), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestExamples(t *testing.T) {
	t.Parallel()
	n := startArtnetd(t)
	cli := newTofuCLI(t, n)
	if code, out := cli.run(examplesDir, "fmt", "-check", "-recursive", "-no-color"); code != 0 {
		t.Errorf("tofu fmt -check: the examples are not formatted:\n%s", out)
	}
	for _, ex := range exampleDirs(t) {
		name := strings.TrimPrefix(ex, examplesDir+"/")
		t.Run(name, func(t *testing.T) {
			cli.t = t
			dir := workdir(t, ex)
			cli.mustRun(dir, "validate", "-no-color")
			if name == "provider" {
				return // its endpoint is an example's
			}
			if strings.HasPrefix(name, "resources/") {
				if _, err := os.Stat(filepath.Join(ex, "import.sh")); err != nil {
					t.Errorf("%s has no import.sh: %v", name, err)
				}
			}
			cli.mustRun(dir, "apply", "-auto-approve", "-input=false", "-no-color")
			if code, out := cli.run(dir, "plan", "-detailed-exitcode", "-input=false", "-no-color"); code != 0 {
				t.Errorf("plan after apply: exit %d (2: changes), want 0:\n%s", code, out)
			}
			cli.mustRun(dir, "destroy", "-auto-approve", "-input=false", "-no-color")
		})
	}
}

// TestDocsAndExamplesComplete: every resource and data source of the
// provider has its page in docs/terraform (scripts/tfdocs.sh) and its
// example in examples/terraform (with import.sh for a resource).
func TestDocsAndExamplesComplete(t *testing.T) {
	ctx := context.Background()
	p := New("test")()
	check := func(kind, typeName string) {
		short := strings.TrimPrefix(typeName, TypeName+"_")
		page := filepath.Join("..", "..", "docs", "terraform", kind, short+".md")
		if b, err := os.ReadFile(page); err != nil {
			t.Errorf("%s: no page (run scripts/tfdocs.sh): %v", typeName, err)
		} else if !bytes.Contains(b, []byte("# "+typeName+" ")) {
			t.Errorf("%s: %s is not its page", typeName, page)
		}
		file := "resource.tf"
		if kind == "data-sources" {
			file = "data-source.tf"
		}
		if _, err := os.Stat(filepath.Join(examplesDir, kind, typeName, file)); err != nil {
			t.Errorf("%s: no example: %v", typeName, err)
		}
		if kind == "resources" {
			if _, err := os.Stat(filepath.Join(examplesDir, kind, typeName, "import.sh")); err != nil {
				t.Errorf("%s: no import example: %v", typeName, err)
			}
		}
	}
	for _, f := range p.Resources(ctx) {
		var resp resource.MetadataResponse
		f().Metadata(ctx, resource.MetadataRequest{ProviderTypeName: TypeName}, &resp)
		check("resources", resp.TypeName)
	}
	for _, f := range p.DataSources(ctx) {
		var resp datasource.MetadataResponse
		f().Metadata(ctx, datasource.MetadataRequest{ProviderTypeName: TypeName}, &resp)
		check("data-sources", resp.TypeName)
	}
}

// TestDocsUpToDate: docs/terraform is what scripts/tfdocs.sh generates from
// the provider's schema and the examples now (run it after changing them).
func TestDocsUpToDate(t *testing.T) {
	t.Parallel()
	tofuPath(t) // the script's schema step runs it
	dir := t.TempDir()
	cmd := exec.Command("bash", filepath.Join("..", "..", "scripts", "tfdocs.sh"), dir)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("scripts/tfdocs.sh: %v\n%s", err, out)
	}
	want := filepath.Join(dir, "docs", "terraform")
	have := filepath.Join("..", "..", "docs", "terraform")
	seen := map[string]bool{}
	err := filepath.WalkDir(want, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(want, p)
		seen[rel] = true
		w, _ := os.ReadFile(p)
		h, err := os.ReadFile(filepath.Join(have, rel))
		if err != nil || !bytes.Equal(w, h) {
			t.Errorf("docs/terraform/%s is not what scripts/tfdocs.sh generates: run it", rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	filepath.WalkDir(have, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if rel, _ := filepath.Rel(have, p); !seen[rel] {
				t.Errorf("docs/terraform/%s is not generated any more: remove it", rel)
			}
		}
		return err
	})
}
