package webtest

// Helpers of the console tests (area "console"): an artnetd on an
// inventory of the test's own (no demo data), and pictures of a screen.

import (
	"bytes"
	"context"
	"encoding/base64"
	"image"
	"image/draw"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/artnet-panel/artnet-panel/internal/driver/qemu"
	"github.com/artnet-panel/artnet-panel/internal/testpeer"
)

// Admin runs the built artnetd with args and stdin, as Artnetd.Admin,
// before any artnetd runs (e.g. admin import into a fresh database).
func Admin(t testing.TB, stdin string, args ...string) string {
	t.Helper()
	return (&Artnetd{}).Admin(t, stdin, args...)
}

// StartInventory imports inventory (the JSON of artnetd admin import) into
// a fresh SQLite database and runs artnetd serve on it with args (no demo
// data: CustomerID, APIKey and Password are the caller's to set). The
// environment is the test's (ARTNETD_CLOUD_SECRET_KEY seals the
// instances' console passwords at import: t.Setenv it first).
func StartInventory(t testing.TB, inventory string, args ...string) *Artnetd {
	t.Helper()
	dir := t.TempDir()
	file := filepath.Join(dir, "inventory.json")
	if err := os.WriteFile(file, []byte(inventory), 0o600); err != nil {
		t.Fatal(err)
	}
	db := "sqlite:" + filepath.Join(dir, "artnetd.db")
	Admin(t, "", "admin", "import", "--db", db, file)
	return StartDB(t, db, false, args...)
}

// QEMUScreen is QEMU's own picture of a machine's screen: QMP screendump
// on the machine's monitor in stateDir (a PPM), as RGBA.
func QEMUScreen(t testing.TB, stateDir, machine string) *image.RGBA {
	t.Helper()
	file := filepath.Join(t.TempDir(), "screen.ppm")
	d := &qemu.Driver{StateDir: stateDir}
	if _, err := d.QMP(context.Background(), machine, "screendump", map[string]string{"filename": file}); err != nil {
		t.Fatalf("screendump of %s: %v", machine, err)
	}
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	img, err := testpeer.DecodePPM(b)
	if err != nil {
		t.Fatalf("screendump of %s: %v", machine, err)
	}
	return img
}

// DataURLImage decodes a PNG data URL (canvas.toDataURL()) as RGBA.
func DataURLImage(t testing.TB, url string) *image.RGBA {
	t.Helper()
	const prefix = "data:image/png;base64,"
	if !strings.HasPrefix(url, prefix) {
		t.Fatalf("not a PNG data URL: %.40q", url)
	}
	raw, err := base64.StdEncoding.DecodeString(url[len(prefix):])
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	rgba := image.NewRGBA(img.Bounds())
	draw.Draw(rgba, rgba.Rect, img, img.Bounds().Min, draw.Src)
	return rgba
}

// ScreenStats returns how many pixels of img are not black and how many
// colours it has.
func ScreenStats(img *image.RGBA) (nonBlack, colours int) {
	seen := map[[3]byte]bool{}
	for i := 0; i < len(img.Pix); i += 4 {
		p := [3]byte{img.Pix[i], img.Pix[i+1], img.Pix[i+2]}
		seen[p] = true
		if p != [3]byte{} {
			nonBlack++
		}
	}
	return nonBlack, len(seen)
}

// ScreenDiff returns the share (0..1) of the pixels that differ between a
// and b (colour channels; alpha ignored), 1 when their sizes differ.
func ScreenDiff(a, b *image.RGBA) float64 {
	if a.Rect.Size() != b.Rect.Size() || len(a.Pix) == 0 {
		return 1
	}
	diff := 0
	for i := 0; i < len(a.Pix); i += 4 {
		if a.Pix[i] != b.Pix[i] || a.Pix[i+1] != b.Pix[i+1] || a.Pix[i+2] != b.Pix[i+2] {
			diff++
		}
	}
	return float64(diff) / float64(len(a.Pix)/4)
}

// Stop interrupts artnetd (as a service manager stopping it) and reports
// whether it exited within wait (it is killed if not).
func (a *Artnetd) Stop(wait time.Duration) bool {
	a.cmd.Process.Signal(os.Interrupt)
	done := make(chan struct{})
	go func() { a.cmd.Wait(); close(done) }()
	select {
	case <-done:
		return true
	case <-time.After(wait):
		a.cmd.Process.Kill()
		<-done
		return false
	}
}
