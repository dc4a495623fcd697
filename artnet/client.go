package artnet

import (
	"bytes"
	"context"
	cryptorand "crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// DefaultEndpoint is the documented address of the original service's API.
// An artnetd server answers on <its base URL>/api: pass that to
// WithEndpoint.
const DefaultEndpoint = "https://panel.artnet.pl/api"

// DefaultUserAgent is the User-Agent sent unless WithUserAgent is given.
const DefaultUserAgent = "artnet-go-sdk"

const (
	defaultRetries   = 3
	defaultBaseDelay = 200 * time.Millisecond
	// maxBackoff caps one exponential backoff wait.
	maxBackoff = 30 * time.Second
	// maxRetryAfter is the longest Retry-After the client waits for by
	// itself; a longer one (a blocked login lasts minutes) is returned to
	// the caller at once as an *Error with RetryAfter set.
	maxRetryAfter = time.Minute
	// maxAnswer is the largest answer body read.
	maxAnswer = 64 << 20
	// defaultTimeout bounds one HTTP exchange of the default HTTP client
	// (cloud-instance commands with shutdown=true may take minutes).
	defaultTimeout = 5 * time.Minute
)

// Client calls the Artnet Customers Panel API as one customer. It is safe
// for concurrent use. Commands are grouped by module in its fields:
//
//	c := artnet.NewClient(19052, key)
//	svc, err := c.Services.Details(ctx, 12345)
//
// Every command is a POST of an HTML form with the customer's id and
// api_key. Read-only commands are retried on HTTP 429, 5xx and network
// errors (see WithRetry); so are the commands that buy or change billing
// (additional-ip/order, offer-dedicated/express-order and
// express-reservation, cloud-instance/resources-negotiate), which carry an
// Idempotency-Key, the same on every attempt, so that artnetd carries
// them out once (also on 409 idempotency-key-in-use); other commands are
// never retried, since the server may have carried them out.
type Client struct {
	customerID int64
	apiKey     atomic.Pointer[string]

	endpoint   string
	httpClient *http.Client
	retries    int
	baseDelay  time.Duration
	userAgent  string
	debug      io.Writer
	debugMu    sync.Mutex

	Customer       *CustomerAPI
	Services       *ServicesAPI
	Domain         *DomainAPI
	EasyISP        *EasyISPAPI
	AVX            *AVXAPI
	HostingArtnet  *HostingArtnetAPI
	SSL            *SSLAPI
	Software       *SoftwareAPI
	LinkService    *LinkServiceAPI
	FailOverIP     *FailOverIPAPI
	AdditionalIP   *AdditionalIPAPI
	VPS            *VPSAPI
	Dedicated      *DedicatedAPI
	Colocation     *ColocationAPI
	IPBlackholing  *IPBlackholingAPI
	DNS            *DNSAPI
	RevDNS         *RevDNSAPI
	Firewall       *FirewallAPI
	OfferDedicated *OfferDedicatedAPI
	CloudInstance  *CloudInstanceAPI
	Invoices       *InvoicesAPI // an extension of artnetd
	APIKeys        *APIKeysAPI  // an extension of artnetd
}

// Option configures a Client.
type Option func(*Client)

// WithEndpoint sets the API base URL (default DefaultEndpoint); a command's
// URL is the endpoint, "/" and the command path. For artnetd, give its base
// URL followed by /api (e.g. "http://localhost:8080/api").
func WithEndpoint(url string) Option {
	return func(c *Client) { c.endpoint = strings.TrimRight(url, "/") }
}

// WithHTTPClient sets the HTTP client (default: one with a 5 minute
// timeout per exchange).
func WithHTTPClient(hc *http.Client) Option {
	return func(c *Client) {
		if hc != nil {
			c.httpClient = hc
		}
	}
}

// WithRetry sets how many times a read-only (or idempotent) command is
// retried (default 3)
// and the base delay of the exponential backoff with full jitter (default
// 200 ms): before retry n the client waits a random time between 0 and
// baseDelay·2ⁿ (at most 30 s), or the server's Retry-After when it sent
// one. max 0 disables retries.
func WithRetry(maxRetries int, baseDelay time.Duration) Option {
	return func(c *Client) {
		c.retries = max(0, maxRetries)
		if baseDelay > 0 {
			c.baseDelay = baseDelay
		}
	}
}

// WithDebug logs each exchange to w: method, path, status, duration, the
// request form and the answer. The values of api_key, instance_password and
// instance_new_password (and api_key and management_panel_url in answers)
// are written as REDACTED.
func WithDebug(w io.Writer) Option {
	return func(c *Client) { c.debug = w }
}

// WithUserAgent sets the User-Agent header (default DefaultUserAgent).
func WithUserAgent(ua string) Option {
	return func(c *Client) { c.userAgent = ua }
}

// NewClient returns a client for the customer customerID authenticating
// with apiKey.
func NewClient(customerID int64, apiKey string, opts ...Option) *Client {
	c := &Client{
		customerID: customerID,
		endpoint:   DefaultEndpoint,
		httpClient: &http.Client{Timeout: defaultTimeout},
		retries:    defaultRetries,
		baseDelay:  defaultBaseDelay,
		userAgent:  DefaultUserAgent,
	}
	c.apiKey.Store(&apiKey)
	for _, o := range opts {
		o(c)
	}
	c.Customer = &CustomerAPI{c}
	c.Services = &ServicesAPI{c}
	c.Domain = &DomainAPI{serviceModule[DomainDetails]{c, "domain"}}
	c.EasyISP = &EasyISPAPI{serviceModule[HostingDetails]{c, "easyisp"}}
	c.AVX = &AVXAPI{serviceModule[HostingDetails]{c, "avx"}}
	c.HostingArtnet = &HostingArtnetAPI{serviceModule[HostingDetails]{c, "hosting-artnet"}}
	c.SSL = &SSLAPI{serviceModule[SSLDetails]{c, "ssl"}}
	c.Software = &SoftwareAPI{serviceModule[SoftwareDetails]{c, "software"}}
	c.LinkService = &LinkServiceAPI{serviceModule[LinkDetails]{c, "link-service"}}
	c.FailOverIP = &FailOverIPAPI{serviceModule[FailOverIPDetails]{c, "fail-over-ip"}}
	c.AdditionalIP = &AdditionalIPAPI{serviceModule[AdditionalIPDetails]{c, "additional-ip"}}
	c.VPS = &VPSAPI{serviceModule[VPSDetails]{c, "vps"}}
	c.Dedicated = &DedicatedAPI{serviceModule[DedicatedDetails]{c, "dedicated"}}
	c.Colocation = &ColocationAPI{serviceModule[ColocationDetails]{c, "colocation"}}
	c.IPBlackholing = &IPBlackholingAPI{c}
	c.DNS = &DNSAPI{c}
	c.RevDNS = &RevDNSAPI{c}
	c.Firewall = &FirewallAPI{c}
	c.OfferDedicated = &OfferDedicatedAPI{c}
	c.CloudInstance = &CloudInstanceAPI{c}
	c.Invoices = &InvoicesAPI{c}
	c.APIKeys = &APIKeysAPI{c}
	return c
}

// CustomerID returns the customer id the client authenticates as.
func (c *Client) CustomerID() int64 { return c.customerID }

// Call runs the command path ("module/command") with params (nil for
// none) and decodes a successful answer into out (nil to ignore it). The
// typed methods are built on it; use it for commands this SDK does not
// know. A failed answer is returned as an *Error. Only commands known to be
// read-only are retried.
func (c *Client) Call(ctx context.Context, path string, params *Form, out any) error {
	return c.do(ctx, path, params, out)
}

// do runs one command: it encodes the form, sends it (retrying read-only
// commands) and decodes the answer into out.
func (c *Client) do(ctx context.Context, path string, params *Form, out any) error {
	path = strings.Trim(path, "/")
	pairs := make([]formPair, 0, 2+params.Len())
	pairs = append(pairs,
		formPair{"id", strconv.FormatInt(c.customerID, 10)},
		formPair{"api_key", *c.apiKey.Load()})
	if params != nil {
		pairs = append(pairs, params.pairs...)
	}
	body := encodePairs(pairs, nil)
	url := c.endpoint + "/" + path
	retry := false
	if cmd, ok := commandIndex[path]; ok {
		retry = cmd.ReadOnly
	}
	// The commands that buy or change billing carry an Idempotency-Key,
	// the same on every attempt: retrying them cannot order twice.
	idemKey := ""
	if cmd, ok := commandIndex[path]; ok && cmd.Idempotent {
		idemKey = newIdempotencyKey()
		retry = true
	}

	for attempt := 0; ; attempt++ {
		if c.debug != nil {
			c.debugf("--> POST %s (attempt %d) %s", url, attempt+1, encodePairs(pairs, isSecretParam))
		}
		start := time.Now()
		status, header, answer, err := c.send(ctx, url, body, idemKey)
		if err != nil {
			if c.debug != nil {
				c.debugf("<-- POST %s: %v (%s)", url, err, time.Since(start).Round(time.Microsecond))
			}
			if ctx.Err() != nil {
				return fmt.Errorf("artnet: %s: %w", path, ctx.Err())
			}
			err = fmt.Errorf("artnet: %s: %w", path, err)
			if !retry || attempt >= c.retries {
				return err
			}
			if werr := c.wait(ctx, c.backoff(attempt)); werr != nil {
				return fmt.Errorf("artnet: %s: %w (last error: %v)", path, werr, err)
			}
			continue
		}
		if c.debug != nil {
			c.debugf("<-- %d POST %s (%s) %s", status, url, time.Since(start).Round(time.Microsecond), redactAnswer(answer))
		}
		err = decodeAnswer(path, status, header, answer, out)
		if err == nil {
			return nil
		}
		if !retry || attempt >= c.retries || !(status == http.StatusTooManyRequests || status >= 500 ||
			(idemKey != "" && status == http.StatusConflict)) {
			return err
		}
		delay := c.backoff(attempt)
		if ra, ok := retryAfter(header); ok {
			if ra > maxRetryAfter {
				return err
			}
			delay = ra
		}
		if werr := c.wait(ctx, delay); werr != nil {
			return fmt.Errorf("artnet: %s: %w (last error: %v)", path, werr, err)
		}
	}
}

// send posts one request and reads the answer.
func (c *Client) send(ctx context.Context, url, body, idemKey string) (int, http.Header, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		return 0, nil, nil, err
	}
	if idemKey != "" {
		req.Header.Set("Idempotency-Key", `"`+idemKey+`"`)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	if c.userAgent != "" {
		req.Header.Set("User-Agent", c.userAgent)
	}
	resp, err := c.httpClient.Do(req)
	if err != nil {
		return 0, nil, nil, err
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer+1))
	if err != nil {
		return 0, nil, nil, fmt.Errorf("read answer: %w", err)
	}
	if len(answer) > maxAnswer {
		return 0, nil, nil, fmt.Errorf("answer larger than %d bytes", maxAnswer)
	}
	return resp.StatusCode, resp.Header, answer, nil
}

// envelope is the part of every answer the client reads first.
type envelope struct {
	Success *bool `json:"success"`
	Error   *struct {
		Code          string        `json:"code"`
		Description   Description   `json:"description"`
		ErrorsDetails []ErrorDetail `json:"errors_details"`
	} `json:"error"`
}

// decodeAnswer turns an answer into nil (success, decoded into out), an
// *Error or a *ResponseError.
func decodeAnswer(path string, status int, header http.Header, answer []byte, out any) error {
	bad := func(err error) error {
		snip := answer
		if len(snip) > 256 {
			snip = snip[:256]
		}
		ra, _ := retryAfter(header)
		return &ResponseError{Path: path, HTTPStatus: status, RetryAfter: ra, Snippet: string(snip), Err: err}
	}
	var env envelope
	if err := json.Unmarshal(answer, &env); err != nil {
		return bad(fmt.Errorf("not a JSON object: %w", err))
	}
	if env.Success == nil {
		return bad(errors.New(`no boolean "success" field`))
	}
	if !*env.Success {
		if env.Error == nil || env.Error.Code == "" {
			return bad(errors.New("failure without an error code"))
		}
		e := &Error{
			Code:          env.Error.Code,
			Description:   env.Error.Description,
			ErrorsDetails: env.Error.ErrorsDetails,
			HTTPStatus:    status,
		}
		e.RetryAfter, _ = retryAfter(header)
		return e
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(answer, out); err != nil {
		return bad(fmt.Errorf("decode answer: %w", err))
	}
	return nil
}

// retryAfter reads a Retry-After header given in seconds.
func retryAfter(h http.Header) (time.Duration, bool) {
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0, false
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		if t, err := http.ParseTime(v); err == nil {
			return max(0, time.Until(t)), true
		}
		return 0, false
	}
	if n > int64(24*time.Hour/time.Second) {
		n = int64(24 * time.Hour / time.Second)
	}
	return time.Duration(n) * time.Second, true
}

// backoff returns the full-jitter wait before retry attempt+1: a random
// duration in [0, min(maxBackoff, baseDelay·2^attempt)].
func (c *Client) backoff(attempt int) time.Duration {
	ceil := c.baseDelay
	for i := 0; i < attempt && ceil < maxBackoff; i++ {
		ceil *= 2
	}
	ceil = min(ceil, maxBackoff)
	return time.Duration(rand.Int64N(int64(ceil) + 1))
}

// wait sleeps for d or until ctx is done.
func (c *Client) wait(ctx context.Context, d time.Duration) error {
	if c.debug != nil {
		c.debugf("... retrying in %s", d.Round(time.Millisecond))
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// setAPIKey makes the client use key from now on.
func (c *Client) setAPIKey(key string) { c.apiKey.Store(&key) }

const redacted = "REDACTED"

// isSecretParam reports whether the request parameter's value must not be
// logged.
func isSecretParam(name string) bool {
	switch name {
	case "api_key", "instance_password", "instance_new_password":
		return true
	}
	return false
}

// secretAnswerField matches the answer fields whose values must not be
// logged: a new API key, and the management panel URL of an express order,
// which carries credentials.
var secretAnswerField = regexp.MustCompile(`"(api_key|instance_password|instance_new_password|management_panel_url)"(\s*:\s*)"(?:[^"\\]|\\.)*"`)

// redactAnswer returns the answer for the debug log, secrets replaced and
// cut to 16 KiB.
func redactAnswer(b []byte) string {
	const limit = 16 << 10
	s := secretAnswerField.ReplaceAll(b, []byte(`"$1"$2"`+redacted+`"`))
	if len(s) > limit {
		return string(s[:limit]) + fmt.Sprintf("... (%d bytes)", len(s))
	}
	return string(bytes.TrimSpace(s))
}

// debugf writes one line to the debug log. As a last guard, the client's
// API key is replaced wherever it would appear.
func (c *Client) debugf(format string, args ...any) {
	line := fmt.Sprintf("artnet: "+format+"\n", args...)
	if key := *c.apiKey.Load(); len(key) >= 4 {
		line = strings.ReplaceAll(line, key, redacted)
	}
	c.debugMu.Lock()
	defer c.debugMu.Unlock()
	io.WriteString(c.debug, line)
}

// newIdempotencyKey returns a random key (128 bits, hex).
func newIdempotencyKey() string {
	b := make([]byte, 16)
	if _, err := cryptorand.Read(b); err != nil {
		panic("artnet: crypto/rand: " + err.Error())
	}
	return hex.EncodeToString(b)
}
