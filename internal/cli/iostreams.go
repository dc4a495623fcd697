package cli

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/term"
)

// IOStreams are the standard streams of one run, and whether they are
// terminals. Tests build them over buffers with NewTestIO.
type IOStreams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer

	StdinTTY  bool
	StderrTTY bool

	// ReadSecret reads a line from the terminal without echoing it; nil
	// when stdin is not a terminal.
	ReadSecret func() (string, error)

	lines *bufio.Reader // In, buffered once for line reads
}

// SystemIO returns the process's streams.
func SystemIO() *IOStreams {
	io := &IOStreams{
		In:        os.Stdin,
		Out:       os.Stdout,
		ErrOut:    os.Stderr,
		StdinTTY:  term.IsTerminal(int(os.Stdin.Fd())),
		StderrTTY: term.IsTerminal(int(os.Stderr.Fd())),
	}
	if io.StdinTTY {
		io.ReadSecret = func() (string, error) {
			b, err := term.ReadPassword(int(os.Stdin.Fd()))
			return string(b), err
		}
	}
	return io
}

// ReadLine reads one line from In without its line ending. At the end of
// the input it returns what it read, or io.EOF when that is nothing.
func (s *IOStreams) ReadLine() (string, error) {
	if s.lines == nil {
		s.lines = bufio.NewReader(s.In)
	}
	line, err := s.lines.ReadString('\n')
	if err != nil && !(errors.Is(err, io.EOF) && line != "") {
		return "", err
	}
	return strings.TrimRight(line, "\r\n"), nil
}

// Secret asks for a secret: with a hidden prompt on a terminal, else as the
// next line of stdin. The value is never echoed.
func (s *IOStreams) Secret(prompt string) (string, error) {
	if s.StdinTTY && s.ReadSecret != nil {
		fmt.Fprint(s.ErrOut, prompt)
		v, err := s.ReadSecret()
		fmt.Fprintln(s.ErrOut)
		if err != nil {
			return "", err
		}
		return strings.TrimSpace(v), nil
	}
	v, err := s.ReadLine()
	if errors.Is(err, io.EOF) {
		return "", errors.New("stdin is empty")
	}
	if err != nil {
		return "", err
	}
	return strings.TrimSpace(v), nil
}
