package main

import (
	"bufio"
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// maxStderrLine bounds one logged line of a child's stderr; the rest of a
// longer line is dropped so that one runaway write cannot flood the log.
const maxStderrLine = 8 << 10

// A child is one running stdio MCP server: its stdin/stdout as a JSON-RPC
// connection (newline-delimited, framed by the SDK), its stderr logged line
// by line, and its exit observed.
type child struct {
	pid     int
	cmd     *exec.Cmd
	stdin   io.Closer
	conn    mcp.Connection
	exited  chan struct{} // closed once the process has exited and been reaped
	status  string        // how it exited ("exit status 1", "signal: killed"); set before exited closes
	session atomic.Value  // string: the session it serves, for log lines
	log     *slog.Logger
}

// startChild runs argv directly (exec, no shell), in its own process group so
// that stopping it also stops what it started (npx starts node, uvx python).
// The child inherits the bridge's environment and working directory, as the
// declared command would if the container ran it directly.
func startChild(argv []string, log *slog.Logger) (*child, error) {
	stdinR, stdinW, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	stdoutR, stdoutW, err := os.Pipe()
	if err != nil {
		closeAll(stdinR, stdinW)
		return nil, err
	}
	stderrR, stderrW, err := os.Pipe()
	if err != nil {
		closeAll(stdinR, stdinW, stdoutR, stdoutW)
		return nil, err
	}
	// Pipes we own (not cmd.StdoutPipe): Wait must not close stdout before the
	// last response is read.
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = stdinR, stdoutW, stderrW
	cmd.SysProcAttr = childProcAttr()
	if err := cmd.Start(); err != nil {
		closeAll(stdinR, stdinW, stdoutR, stdoutW, stderrR, stderrW)
		return nil, startError(argv[0], err)
	}
	closeAll(stdinR, stdoutW, stderrW)
	conn, _ := (&mcp.IOTransport{Reader: stdoutR, Writer: stdinW}).Connect(context.Background())
	c := &child{pid: cmd.Process.Pid, cmd: cmd, stdin: stdinW, conn: conn, exited: make(chan struct{}), log: log}
	c.session.Store("")
	log.Info("child started", "pid", c.pid)
	go c.logStderr(stderrR)
	go c.wait()
	return c, nil
}

func (c *child) wait() {
	err := c.cmd.Wait()
	c.status = exitStatus(err)
	// The leader is gone; whatever it left in its group goes with it.
	_ = syscall.Kill(-c.pid, syscall.SIGKILL)
	c.log.Info("child exited", "pid", c.pid, "session", c.session.Load(), "status", c.status)
	close(c.exited)
}

// stop asks the server to exit the way MCP's stdio transport says (stdin
// closed, then SIGTERM), and kills its process group after grace.
func (c *child) stop(grace time.Duration) {
	select {
	case <-c.exited:
		_ = c.conn.Close()
		return
	default:
	}
	_ = c.stdin.Close()
	_ = syscall.Kill(-c.pid, syscall.SIGTERM)
	select {
	case <-c.exited:
	case <-time.After(grace):
		_ = syscall.Kill(-c.pid, syscall.SIGKILL)
		<-c.exited
	}
	_ = c.conn.Close()
}

func (c *child) alive() bool {
	select {
	case <-c.exited:
		return false
	default:
		return true
	}
}

// logStderr logs each line the server writes to stderr. It keeps reading
// whatever the lines look like: a child blocked on a full stderr pipe would
// stop answering.
func (c *child) logStderr(r io.ReadCloser) {
	defer r.Close()
	br := bufio.NewReaderSize(r, maxStderrLine)
	for {
		line, isPrefix, err := br.ReadLine()
		if len(line) > 0 || (err == nil && !isPrefix) {
			attrs := []any{"pid", c.pid, "line", string(line)}
			if isPrefix {
				attrs = append(attrs, "truncated", true)
			}
			c.log.Info("child stderr", attrs...)
		}
		for isPrefix && err == nil {
			_, isPrefix, err = br.ReadLine()
		}
		if err != nil {
			return
		}
	}
}

func exitStatus(err error) string {
	var exitErr *exec.ExitError
	switch {
	case err == nil:
		return "exit status 0"
	case errors.As(err, &exitErr):
		return exitErr.ProcessState.String()
	default:
		return err.Error()
	}
}

// startError names the command and the reason, never the arguments: after
// Kubernetes' $(VAR) expansion they may hold a secret.
func startError(command string, err error) error {
	var execErr *exec.Error
	if errors.As(err, &execErr) {
		return errors.New("cannot run " + command + ": " + execErr.Err.Error())
	}
	var pathErr *os.PathError
	if errors.As(err, &pathErr) {
		return errors.New("cannot run " + command + ": " + pathErr.Err.Error())
	}
	return errors.New("cannot run " + command)
}

func closeAll(files ...*os.File) {
	for _, f := range files {
		_ = f.Close()
	}
}
