package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"

	yaml "go.yaml.in/yaml/v2"
)

// Config is the configuration file: named contexts, each a customer id,
// an API key and an endpoint, and the one in use.
//
//	current-context: prod
//	contexts:
//	  - name: prod
//	    id: 19052
//	    endpoint: https://panel.artnet.pl/api
//	    api_key: ...
type Config struct {
	CurrentContext string         `yaml:"current-context,omitempty"`
	Contexts       []ContextEntry `yaml:"contexts"`

	path string
}

// ContextEntry is one named context.
type ContextEntry struct {
	Name     string `yaml:"name"`
	ID       int64  `yaml:"id"`
	Endpoint string `yaml:"endpoint,omitempty"`
	APIKey   string `yaml:"api_key"`
}

// configPath returns the configuration file: $ARTNET_CONFIG, else
// $XDG_CONFIG_HOME/artnet/config.yaml, else ~/.config/artnet/config.yaml.
func configPath(getenv func(string) string) (string, error) {
	if p := getenv("ARTNET_CONFIG"); p != "" {
		return p, nil
	}
	if d := getenv("XDG_CONFIG_HOME"); d != "" {
		return filepath.Join(d, "artnet", "config.yaml"), nil
	}
	home := getenv("HOME")
	if home == "" {
		var err error
		if home, err = os.UserHomeDir(); err != nil {
			return "", fmt.Errorf("cannot find the configuration file: set ARTNET_CONFIG (%v)", err)
		}
	}
	return filepath.Join(home, ".config", "artnet", "config.yaml"), nil
}

// loadConfig reads the file at path; a missing file is an empty
// configuration. insecure reports a file that others may read.
func loadConfig(path string) (cfg *Config, insecure bool, err error) {
	cfg = &Config{path: path}
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return cfg, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	if st, err := os.Stat(path); err == nil && st.Mode().Perm()&0o077 != 0 {
		insecure = true
	}
	if err := yaml.UnmarshalStrict(data, cfg); err != nil {
		return nil, false, fmt.Errorf("%s: %w", path, err)
	}
	for i, c := range cfg.Contexts {
		if c.Name == "" {
			return nil, false, fmt.Errorf("%s: context %d has no name", path, i+1)
		}
	}
	return cfg, insecure, nil
}

// Save writes the file atomically with mode 0600, creating its directory
// with mode 0700 when it is missing.
func (c *Config) Save() error {
	dir := filepath.Dir(c.path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	data, err := yaml.Marshal(c)
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, ".artnet-config-*") // created with mode 0600
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), c.path)
}

// Path returns the file the configuration was read from.
func (c *Config) Path() string { return c.path }

// Lookup returns the context called name.
func (c *Config) Lookup(name string) (*ContextEntry, bool) {
	for i := range c.Contexts {
		if c.Contexts[i].Name == name {
			return &c.Contexts[i], true
		}
	}
	return nil, false
}

// Set adds or replaces the context e.Name.
func (c *Config) Set(e ContextEntry) {
	if old, ok := c.Lookup(e.Name); ok {
		*old = e
		return
	}
	c.Contexts = append(c.Contexts, e)
}

// Delete removes the context name; it reports whether it existed.
func (c *Config) Delete(name string) bool {
	n := len(c.Contexts)
	c.Contexts = slices.DeleteFunc(c.Contexts, func(e ContextEntry) bool { return e.Name == name })
	if c.CurrentContext == name {
		c.CurrentContext = ""
	}
	return len(c.Contexts) != n
}
