package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/artnet-panel/artnet-panel/internal/passwd"
	"github.com/artnet-panel/artnet-panel/internal/store"
	"github.com/spf13/cobra"
	"golang.org/x/term"
)

func newAdminSetPasswordCommand(a *app) *cobra.Command {
	c := &cobra.Command{
		Use:   "set-password [--db DSN] --id N",
		Short: "Set a customer's web panel password (read from standard input, never a flag)",
		Long: `Set a customer's web panel password. The password is read from standard
input (the first line; typed without echo on a terminal), at least 10
characters; it is stored as an argon2id hash. Every web session of the
customer ends.`,
		Example: `  printf '%s\n' "$NEW_PASSWORD" | artnetd admin customer set-password --id 19052`,
		Args:    cobra.NoArgs,
	}
	db := dbFlag(c)
	id := c.Flags().Int64("id", 0, "customer id (required)")
	_ = c.MarkFlagRequired("id")
	return leafCommand(a, c, func(c *cobra.Command, _ []string) error {
		if *id <= 0 {
			return usageErrorf("--id %d: want a customer id", *id)
		}
		pw, err := readPassword(c.InOrStdin(), a.stderr)
		if err != nil {
			return err
		}
		return adminSetPassword(c.Context(), *db, *id, pw, a.stdout)
	})
}

// readPassword reads the first line of in, without echo when in is a
// terminal.
func readPassword(in io.Reader, prompt io.Writer) (string, error) {
	if f, ok := in.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprint(prompt, "new password: ")
		b, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(prompt)
		return string(b), err
	}
	line, err := bufio.NewReader(io.LimitReader(in, passwd.MaxLen+2)).ReadString('\n')
	if err != nil && !(errors.Is(err, io.EOF) && line != "") {
		return "", fmt.Errorf("read the password from standard input: %w", err)
	}
	return strings.TrimRight(line, "\r\n"), nil
}

func adminSetPassword(ctx context.Context, db string, id int64, pw string, stdout io.Writer) error {
	switch passwd.Validate(pw) {
	case passwd.ErrTooShort:
		return fmt.Errorf("password too short: at least %d characters", passwd.MinLen)
	case passwd.ErrTooLong:
		return fmt.Errorf("password too long: at most %d bytes", passwd.MaxLen)
	}
	st, err := openStore(ctx, db)
	if err != nil {
		return err
	}
	defer st.Close()
	h, err := passwd.Hash(pw)
	if err != nil {
		return err
	}
	if err := st.WebPasswordSet(ctx, id, h); errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("no customer %d", id)
	} else if err != nil {
		return err
	}
	if err := st.WebSessionDeleteOthers(ctx, id, 0); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "customer %d: web panel password set; web sessions ended\n", id)
	return nil
}
