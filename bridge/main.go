// mcpo-bridge serves a stdio MCP server over MCP Streamable HTTP: it runs the
// command after "--" (exec, no shell) once per MCP session and relays JSON-RPC
// between the session and the process's stdin/stdout, with one process
// started and initialized ahead so that a new session starts at once.
//
// Protocol handling (the Streamable HTTP transport, newline-delimited JSON-RPC
// on stdio) is the official MCP Go SDK's; this program routes sessions,
// manages processes and keeps them within limits. See docs/render.md.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

const version = "0.1.0"

func main() {
	os.Exit(run(os.Args[1:], os.Stderr))
}

func run(args []string, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	return runWithContext(ctx, args, stderr)
}

// runWithContext is the whole program; it drains and returns when ctx is done.
func runWithContext(ctx context.Context, args []string, stderr io.Writer) int {
	flags := flag.NewFlagSet("mcpo-bridge", flag.ContinueOnError)
	flags.SetOutput(stderr)
	flags.Usage = func() {
		fmt.Fprintf(stderr, "usage: mcpo-bridge [flags] -- COMMAND [ARG...]\n       mcpo-bridge --copy-self DEST\n\n")
		flags.PrintDefaults()
	}
	var cfg config
	var logLevel, copySelf string
	var showVersion bool
	flags.StringVar(&cfg.listen, "listen", ":8080", "address to serve on, host:port")
	flags.StringVar(&cfg.path, "path", "/mcp", "path of the MCP Streamable HTTP endpoint")
	flags.IntVar(&cfg.maxSessions, "max-sessions", 16, "most concurrent sessions (one process each); more get 503 with Retry-After")
	flags.DurationVar(&cfg.idleTimeout, "idle-timeout", 10*time.Minute, "close a session after this long without a request")
	flags.DurationVar(&cfg.startTimeout, "start-timeout", 2*time.Minute, "how long a starting server may take to answer initialize")
	flags.DurationVar(&cfg.grace, "grace", 10*time.Second, "on shutdown, SIGKILL servers still running this long after SIGTERM")
	flags.StringVar(&logLevel, "log-level", "info", "info or debug (debug adds method names and ids, never bodies)")
	flags.StringVar(&copySelf, "copy-self", "", "copy this binary to DEST and exit (for an init container)")
	flags.BoolVar(&showVersion, "version", false, "print the version and exit")
	if err := flags.Parse(args); err != nil {
		return 2
	}
	if showVersion {
		fmt.Fprintln(os.Stdout, "mcpo-bridge", version)
		return 0
	}
	level := slog.LevelInfo
	switch logLevel {
	case "info":
	case "debug":
		level = slog.LevelDebug
	default:
		fmt.Fprintf(stderr, "mcpo-bridge: --log-level must be info or debug, not %q\n", logLevel)
		return 2
	}
	log := slog.New(slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: level}))
	if copySelf != "" {
		if err := copyExecutable(copySelf); err != nil {
			log.Error("copy-self failed", "dest", copySelf, "error", err.Error())
			return 1
		}
		log.Info("copied", "dest", copySelf)
		return 0
	}
	cfg.argv = flags.Args()
	if problem := cfg.check(); problem != "" {
		fmt.Fprintf(stderr, "mcpo-bridge: %s\n", problem)
		flags.Usage()
		return 2
	}
	ln, err := net.Listen("tcp", cfg.listen)
	if err != nil {
		log.Error("cannot listen", "addr", cfg.listen, "error", err.Error())
		return 1
	}
	if err := newBridge(cfg, log).run(ctx, ln); err != nil {
		log.Error("serve failed", "error", err.Error())
		return 1
	}
	return 0
}

func (cfg config) check() string {
	switch {
	case len(cfg.argv) == 0:
		return "no command: give the MCP server's command after --"
	case !strings.HasPrefix(cfg.path, "/"):
		return "--path must start with /"
	case cfg.path == "/healthz" || cfg.path == "/readyz":
		return "--path cannot be /healthz or /readyz"
	case cfg.maxSessions < 1:
		return "--max-sessions must be at least 1"
	case cfg.idleTimeout <= 0 || cfg.startTimeout <= 0 || cfg.grace <= 0:
		return "--idle-timeout, --start-timeout and --grace must be positive"
	}
	return ""
}

// copyExecutable copies the running binary to dest (mode 0755) by a rename,
// so that a half-written file is never run.
func copyExecutable(dest string) error {
	self, err := os.Executable()
	if err != nil {
		return err
	}
	in, err := os.Open(self)
	if err != nil {
		return err
	}
	defer in.Close()
	tmp, err := os.CreateTemp(filepath.Dir(dest), ".mcpo-bridge-*")
	if err != nil {
		return err
	}
	_, err = io.Copy(tmp, in)
	err = errors.Join(err, tmp.Chmod(0o755), tmp.Sync(), tmp.Close())
	if err == nil {
		err = os.Rename(tmp.Name(), dest)
	}
	if err != nil {
		_ = os.Remove(tmp.Name())
	}
	return err
}
