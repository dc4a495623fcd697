package web

import (
	"os"
	"testing"

	"github.com/artnet-panel/artnet-panel/internal/web/webtest"
)

// TestMain builds artnetd once for the browser tests (webtest.Start).
func TestMain(m *testing.M) { os.Exit(webtest.Main(m)) }
