package main

import (
	"encoding/hex"
	"flag"
	"fmt"
	"strings"
	"time"

	"github.com/artnet-panel/artnet-panel/internal/demo"
	"github.com/artnet-panel/artnet-panel/internal/web"
)

// WebConfig configures the web panel (internal/web).
type WebConfig struct {
	// SecretKey seals the customers' TOTP secrets (32 bytes; nil: two-
	// factor enrolment is refused; --demo uses demo.WebSecretKey).
	SecretKey               []byte
	SessionIdle, SessionMax time.Duration
	// URL is the panel's public URL, for the links sent by e-mail ("":
	// password reset by e-mail is off; --demo uses the HTTP address).
	URL string
}

// webFlags declares the web panel's flags on fs; the returned function
// checks and stores their values once fs is parsed.
func webFlags(fs *flag.FlagSet, c *WebConfig) func() error {
	key := fs.String("web-secret-key", env("ARTNETD_WEB_SECRET_KEY", ""), "64 hex digits: AES-256 key sealing the web panel's TOTP secrets (prefer the environment variable; empty: two-factor sign-in cannot be enabled, except with --demo)")
	idle := fs.String("web-session-idle", env("ARTNETD_WEB_SESSION_IDLE", "30m"), "a web panel session ends after this long without a request")
	max := fs.String("web-session-max", env("ARTNETD_WEB_SESSION_MAX", "12h"), "a web panel session ends this long after sign-in")
	fs.StringVar(&c.URL, "web-url", env("ARTNETD_WEB_URL", ""), "the web panel's public URL (https://panel.example.com), the start of password-reset links sent by e-mail (empty: reset by e-mail is off; --demo: the HTTP address)")
	return func() error {
		var err error
		if c.URL != "" && !strings.HasPrefix(c.URL, "https://") && !strings.HasPrefix(c.URL, "http://") {
			return fmt.Errorf("--web-url %q: want an http:// or https:// URL", c.URL)
		}
		if *key != "" {
			if c.SecretKey, err = hex.DecodeString(*key); err != nil || len(c.SecretKey) != web.SecretKeySize {
				return fmt.Errorf("--web-secret-key: want %d hex digits", 2*web.SecretKeySize)
			}
		}
		if c.SessionIdle, err = time.ParseDuration(*idle); err != nil || c.SessionIdle <= 0 {
			return fmt.Errorf("--web-session-idle %q: want a positive duration such as 30m", *idle)
		}
		if c.SessionMax, err = time.ParseDuration(*max); err != nil || c.SessionMax <= 0 {
			return fmt.Errorf("--web-session-max %q: want a positive duration such as 12h", *max)
		}
		return nil
	}
}

// newWeb returns the web panel over the API (call it once listening:
// the demo's links use the HTTP address).
func (m *Main) newWeb() *web.Server {
	w := web.New(m.api, m.Logger)
	w.SecretKey = m.Web.SecretKey
	w.BaseURL = m.Web.URL
	if w.BaseURL == "" && m.Demo && m.ln != nil {
		w.BaseURL = "http://" + m.ln.Addr().String()
	}
	if w.SecretKey == nil && m.Demo {
		w.SecretKey = demo.WebSecretKey
	}
	if m.Web.SessionIdle > 0 {
		w.SessionIdle = m.Web.SessionIdle
	}
	if m.Web.SessionMax > 0 {
		w.SessionMax = m.Web.SessionMax
	}
	return w
}
