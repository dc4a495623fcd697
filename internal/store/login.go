package store

import "context"

// ChangeLoginBlock: Key is a client address that the failed-login guard
// blocked (LoginFail). Every node hears it through the change feed and
// refuses the address until the block ends.
const ChangeLoginBlock = "login-block"

// LoginPolicy is the failed-login guard's policy: MaxFailures failures of
// one address within Window milliseconds block it for Block milliseconds.
type LoginPolicy struct {
	MaxFailures   int
	Window, Block int64 // milliseconds
}

// LoginStore is the part of Store for the failed-login guard shared by
// every node on the database: one row per client address with the times of
// its recent failures. Only failures write; the nodes keep
// the blocks in memory, loaded with LoginBlocks at start and refreshed
// through the change log (ChangeLoginBlock).
type LoginStore interface {
	// LoginFail counts a failed login of addr at now (Unix milliseconds)
	// and returns until when addr is blocked (0: it is not). A failure
	// that makes MaxFailures within the last Window milliseconds blocks
	// the address for Block from now (the change is logged as
	// ChangeLoginBlock) and forgets the failures counted. Concurrent calls
	// for one address are serialised: N nodes together allow MaxFailures
	// failures per Window.
	LoginFail(ctx context.Context, addr string, now int64, p LoginPolicy) (blockedUntil int64, err error)
	// LoginBlocks returns the addresses blocked beyond now (Unix
	// milliseconds) with the end of their block. With addr not empty only
	// that address is looked at.
	LoginBlocks(ctx context.Context, addr string, now int64) (map[string]int64, error)
	// LoginPrune deletes the rows of addresses that are not blocked at now
	// and failed last at windowStart or before (now minus the window: such
	// failures no longer count).
	LoginPrune(ctx context.Context, now, windowStart int64) error
}
