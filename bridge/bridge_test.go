package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// The test binary is also the stdio MCP server the bridge runs: with
// MCPO_BRIDGE_TEST_SERVER set it serves a few tools on stdin/stdout.
func TestMain(m *testing.M) {
	if os.Getenv("MCPO_BRIDGE_TEST_SERVER") != "" {
		serveTestServer()
		return
	}
	os.Exit(m.Run())
}

type textArgs struct {
	Text string `json:"text"`
}
type exitArgs struct {
	Code int `json:"code"`
}

func serveTestServer() {
	if delay, err := time.ParseDuration(os.Getenv("MCPO_TEST_START_DELAY")); err == nil {
		time.Sleep(delay)
	}
	server := mcp.NewServer(&mcp.Implementation{Name: "bridge-test-server", Version: "1"}, nil)
	text := func(s string) *mcp.CallToolResult {
		return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: s}}}
	}
	mcp.AddTool(server, &mcp.Tool{Name: "echo"}, func(_ context.Context, _ *mcp.CallToolRequest, in textArgs) (*mcp.CallToolResult, any, error) {
		return text(in.Text), nil, nil
	})
	mcp.AddTool(server, &mcp.Tool{Name: "pid"}, func(context.Context, *mcp.CallToolRequest, struct{}) (*mcp.CallToolResult, any, error) {
		return text(strconv.Itoa(os.Getpid())), nil, nil
	})
	mcp.AddTool(server, &mcp.Tool{Name: "stderr"}, func(_ context.Context, _ *mcp.CallToolRequest, in textArgs) (*mcp.CallToolResult, any, error) {
		fmt.Fprintln(os.Stderr, in.Text)
		return text("written"), nil, nil
	})
	mcp.AddTool(server, &mcp.Tool{Name: "exit"}, func(_ context.Context, _ *mcp.CallToolRequest, in exitArgs) (*mcp.CallToolResult, any, error) {
		os.Exit(in.Code)
		return nil, nil, nil
	})
	if os.Getenv("MCPO_TEST_STUBBORN") != "" {
		signal.Ignore(syscall.SIGTERM)
	}
	_ = server.Run(context.Background(), &mcp.StdioTransport{})
	if os.Getenv("MCPO_TEST_STUBBORN") != "" {
		select {} // outlive stdin and SIGTERM: only SIGKILL ends it
	}
}

// syncBuffer collects the bridge's log lines from several goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// lines returns the decoded log lines with the given msg.
func (b *syncBuffer) lines(t *testing.T, msg string) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(b.String()), "\n") {
		if line == "" {
			continue
		}
		var entry map[string]any
		if err := json.Unmarshal([]byte(line), &entry); err != nil {
			t.Fatalf("log line is not JSON: %q", line)
		}
		if entry["msg"] == msg {
			out = append(out, entry)
		}
	}
	return out
}

type testBridge struct {
	url, base string
	log       *syncBuffer
	stop      func() (time.Duration, int)
}

// launch runs the whole program (runWithContext, as main does) with args on
// a free loopback port, stopped at the end of the test.
func launch(t *testing.T, args ...string) *testBridge {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	log := &syncBuffer{}
	done := make(chan int, 1)
	ctx, cancel := context.WithCancel(context.Background())
	go func() { done <- runWithContext(ctx, append([]string{"--listen", addr}, args...), log) }()
	tb := &testBridge{url: "http://" + addr + "/mcp", base: "http://" + addr, log: log}
	var once sync.Once
	var took time.Duration
	code := -1
	tb.stop = func() (time.Duration, int) {
		once.Do(func() {
			started := time.Now()
			cancel()
			select {
			case code = <-done:
			case <-time.After(15 * time.Second):
				t.Error("the bridge did not stop within 15 s")
			}
			took = time.Since(started)
		})
		return took, code
	}
	t.Cleanup(func() { tb.stop() })
	return tb
}

// testServer is the argv that runs this test binary as the stdio test server.
func testServer(t *testing.T, startDelay time.Duration) []string {
	t.Setenv("MCPO_BRIDGE_TEST_SERVER", "1")
	t.Setenv("MCPO_TEST_START_DELAY", startDelay.String())
	self, _ := os.Executable()
	return []string{self, "-test.run=^$"}
}

// startBridge runs the bridge in front of the test server and waits until it is ready.
func startBridge(t *testing.T, startDelay time.Duration, flags ...string) *testBridge {
	t.Helper()
	args := append(append([]string{"--grace", "2s"}, flags...), "--")
	tb := launch(t, append(args, testServer(t, startDelay)...)...)
	tb.waitReady(t, startDelay+20*time.Second)
	return tb
}

func (tb *testBridge) waitReady(t *testing.T, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for time.Now().Before(deadline) {
		if resp, err := http.Get(tb.base + "/readyz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("bridge not ready within %s; log:\n%s", within, tb.log.String())
}

func connect(t *testing.T, url string) *mcp.ClientSession {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	client := mcp.NewClient(&mcp.Implementation{Name: "bridge-test-client", Version: "1"}, nil)
	session, err := client.Connect(ctx, &mcp.StreamableClientTransport{Endpoint: url}, nil)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	t.Cleanup(func() { session.Close() })
	return session
}

func callText(ctx context.Context, s *mcp.ClientSession, tool string, args any) (string, error) {
	res, err := s.CallTool(ctx, &mcp.CallToolParams{Name: tool, Arguments: args})
	if err != nil {
		return "", err
	}
	if len(res.Content) == 0 {
		return "", fmt.Errorf("no content")
	}
	return res.Content[0].(*mcp.TextContent).Text, nil
}

func TestToolsThroughTheBridge(t *testing.T) {
	tb := startBridge(t, 0)
	s := connect(t, tb.url)
	ctx := context.Background()
	tools, err := s.ListTools(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(tools.Tools) != 4 {
		t.Fatalf("want the server's 4 tools, got %d", len(tools.Tools))
	}
	got, err := callText(ctx, s, "echo", map[string]any{"text": "héllo\nworld"})
	if err != nil || got != "héllo\nworld" {
		t.Fatalf("echo: %q, %v", got, err)
	}
	if s.InitializeResult().ServerInfo.Name != "bridge-test-server" {
		t.Fatalf("initialize result is not the server's: %+v", s.InitializeResult().ServerInfo)
	}
}

func TestWarmChildAnswersInitializeAtOnce(t *testing.T) {
	const startDelay = 2 * time.Second
	tb := startBridge(t, startDelay)
	for i := range 2 {
		started := time.Now()
		s := connect(t, tb.url)
		if took := time.Since(started); took > time.Second {
			t.Fatalf("session %d: initialize took %s for a server that starts in %s", i, took, startDelay)
		}
		if _, err := callText(context.Background(), s, "echo", map[string]any{"text": "x"}); err != nil {
			t.Fatalf("session %d: %v", i, err)
		}
		// The next child is warmed for the next session: wait for it as a client would not have to.
		deadline := time.Now().Add(startDelay + 10*time.Second)
		for len(tb.log.lines(t, "ready")) < i+2 && time.Now().Before(deadline) {
			time.Sleep(20 * time.Millisecond)
		}
	}
	for _, line := range tb.log.lines(t, "session started") {
		if line["warm"] != true {
			t.Fatalf("a session did not get the warm child: %v", line)
		}
	}
}

func TestSessionsHaveTheirOwnChildren(t *testing.T) {
	tb := startBridge(t, 0)
	ctx := context.Background()
	a, b := connect(t, tb.url), connect(t, tb.url)
	pidA, errA := callText(ctx, a, "pid", map[string]any{})
	pidB, errB := callText(ctx, b, "pid", map[string]any{})
	if errA != nil || errB != nil || pidA == pidB {
		t.Fatalf("two sessions, want two servers: %q %v, %q %v", pidA, errA, pidB, errB)
	}
	pid, _ := strconv.Atoi(pidA)
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for len(tb.log.lines(t, "session closed")) == 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	callCtx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if _, err := callText(callCtx, a, "echo", map[string]any{"text": "x"}); err == nil {
		t.Fatal("a call on the session whose server was killed succeeded")
	}
	if got, err := callText(ctx, b, "echo", map[string]any{"text": "still here"}); err != nil || got != "still here" {
		t.Fatalf("the other session broke: %q, %v", got, err)
	}
	exited := tb.log.lines(t, "child exited")
	if len(exited) == 0 || exited[0]["status"] != "signal: killed" {
		t.Fatalf("want a child exited line with its status, got %v", exited)
	}
}

func TestChildThatExitsFailsItsCall(t *testing.T) {
	tb := startBridge(t, 0)
	s := connect(t, tb.url)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err := callText(ctx, s, "exit", map[string]any{"code": 3})
	if err == nil || !strings.Contains(err.Error(), "MCP server exited: exit status 3") {
		t.Fatalf("want the call to fail with the exit status, got %v", err)
	}
}

func TestMaxSessions(t *testing.T) {
	tb := startBridge(t, 0, "--max-sessions", "1")
	connect(t, tb.url)
	body := `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"x","version":"1"}}}`
	req, _ := http.NewRequest(http.MethodPost, tb.url, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("want 503 with Retry-After, got %d %q", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
}

func TestOtherProtocolVersionGetsAFreshChild(t *testing.T) {
	tb := startBridge(t, 0)
	client := mcp.NewClient(&mcp.Implementation{Name: "old-client", Version: "1"}, nil)
	s, err := client.Connect(context.Background(), &mcp.StreamableClientTransport{Endpoint: tb.url}, &mcp.ClientSessionOptions{ProtocolVersion: "2025-03-26"})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if v := s.InitializeResult().ProtocolVersion; v != "2025-03-26" {
		t.Fatalf("the server's own answer to 2025-03-26 was replaced: %q", v)
	}
	if got, err := callText(context.Background(), s, "echo", map[string]any{"text": "old"}); err != nil || got != "old" {
		t.Fatalf("%q, %v", got, err)
	}
	started := tb.log.lines(t, "session started")
	if len(started) != 1 || started[0]["warm"] != false {
		t.Fatalf("want one cold session, got %v", started)
	}
}

func TestDrainStopsEveryChild(t *testing.T) {
	tb := startBridge(t, 0)
	ctx := context.Background()
	var pids []int
	for range 2 {
		s := connect(t, tb.url)
		text, err := callText(ctx, s, "pid", map[string]any{})
		if err != nil {
			t.Fatal(err)
		}
		pid, _ := strconv.Atoi(text)
		pids = append(pids, pid)
	}
	took, code := tb.stop()
	if code != 0 {
		t.Fatalf("exit code %d after a drain", code)
	}
	if took > 2*time.Second+3*time.Second {
		t.Fatalf("drain took %s, grace is 2s", took)
	}
	for _, pid := range pids {
		if syscall.Kill(pid, 0) == nil {
			t.Fatalf("server %d still running after the drain", pid)
		}
	}
	if len(tb.log.lines(t, "drained")) != 1 {
		t.Fatal("no drained line")
	}
}

func TestDrainKillsAServerThatIgnoresSIGTERM(t *testing.T) {
	t.Setenv("MCPO_TEST_STUBBORN", "1")
	tb := startBridge(t, 0)
	s := connect(t, tb.url)
	text, err := callText(context.Background(), s, "pid", map[string]any{})
	if err != nil {
		t.Fatal(err)
	}
	pid, _ := strconv.Atoi(text)
	took, code := tb.stop()
	if code != 0 || took < 2*time.Second || took > 5*time.Second {
		t.Fatalf("want exit 0 after the 2s grace, got %d after %s", code, took)
	}
	if syscall.Kill(pid, 0) == nil {
		t.Fatalf("server %d survived the drain", pid)
	}
}

func TestIdleSessionIsClosed(t *testing.T) {
	tb := startBridge(t, 0, "--idle-timeout", "300ms")
	s := connect(t, tb.url)
	if _, err := callText(context.Background(), s, "echo", map[string]any{"text": "x"}); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for len(tb.log.lines(t, "session closed")) == 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	closed := tb.log.lines(t, "session closed")
	if len(closed) != 1 || closed[0]["reason"] != "idle" {
		t.Fatalf("want the idle session closed, got %v", closed)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := callText(ctx, s, "echo", map[string]any{"text": "x"}); err == nil {
		t.Fatal("a call on a closed session succeeded")
	}
}

func TestLogsCarryNoMessageBodies(t *testing.T) {
	const sentinel = "SENTINEL-7f3a9c-do-not-log"
	tb := startBridge(t, 0)
	s := connect(t, tb.url)
	if got, err := callText(context.Background(), s, "echo", map[string]any{"text": sentinel}); err != nil || got != sentinel {
		t.Fatalf("%q, %v", got, err)
	}
	if _, err := callText(context.Background(), s, "stderr", map[string]any{"text": "a line for stderr"}); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for len(tb.log.lines(t, "child stderr")) == 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond) // stderr is relayed by its own goroutine
	}
	if strings.Contains(tb.log.String(), sentinel) {
		t.Fatalf("a tool argument reached the log:\n%s", tb.log.String())
	}
	stderr := tb.log.lines(t, "child stderr")
	if len(stderr) != 1 || stderr[0]["line"] != "a line for stderr" {
		t.Fatalf("want the child's stderr line logged, got %v", stderr)
	}
}

func TestNotReadyWhenTheServerCannotStart(t *testing.T) {
	tb := launch(t, "--", "/nonexistent/mcp-server", "--token", "SECRET-ARG")
	log := tb.log
	deadline := time.Now().Add(5 * time.Second)
	var body string
	for time.Now().Before(deadline) {
		resp, err := http.Get(tb.base + "/readyz")
		if err == nil {
			data, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			body = string(data)
			if strings.Contains(body, "cannot run") {
				if resp.StatusCode != http.StatusServiceUnavailable {
					t.Fatalf("status %d", resp.StatusCode)
				}
				break
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	if !strings.Contains(body, "cannot run /nonexistent/mcp-server: no such file or directory") {
		t.Fatalf("readyz does not say why: %q", body)
	}
	if strings.Contains(log.String(), "SECRET-ARG") || strings.Contains(body, "SECRET-ARG") {
		t.Fatal("an argument of the command reached the log or readyz")
	}
}

func TestCopySelf(t *testing.T) {
	dest := t.TempDir() + "/mcpo-bridge"
	if code := run([]string{"--copy-self", dest}, io.Discard); code != 0 {
		t.Fatalf("exit %d", code)
	}
	info, err := os.Stat(dest)
	if err != nil || info.Mode().Perm() != 0o755 {
		t.Fatalf("copied file: %v %v", info, err)
	}
	self, _ := os.Executable()
	a, _ := os.ReadFile(self)
	b, _ := os.ReadFile(dest)
	if !bytes.Equal(a, b) {
		t.Fatal("the copy differs from the binary")
	}
}

func TestBadFlags(t *testing.T) {
	for _, args := range [][]string{{}, {"--path", "mcp", "--", "x"}, {"--max-sessions", "0", "--", "x"}, {"--log-level", "trace", "--", "x"}} {
		var out bytes.Buffer
		if code := run(args, &out); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
}

func TestSessionWhoseServerNeverAnswersIsEnded(t *testing.T) {
	tb := launch(t, append([]string{"--start-timeout", "500ms", "--grace", "1s", "--"}, testServer(t, time.Hour)...)...)
	log := tb.log
	body := `{"jsonrpc":"2.0","id":7,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"x","version":"1"}}}`
	var resp *http.Response
	var err error
	for range 100 { // until the bridge listens
		req, _ := http.NewRequest(http.MethodPost, tb.url, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/json, text/event-stream")
		if resp, err = (&http.Client{Timeout: 10 * time.Second}).Do(req); err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil {
		t.Fatal(err)
	}
	data, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(data), `"id":7`) || !strings.Contains(string(data), "MCP server exited") {
		t.Fatalf("want the initialize to fail once the start timeout passes, got %d %s", resp.StatusCode, data)
	}
	if closed := log.lines(t, "session closed"); len(closed) != 1 || closed[0]["reason"] != "start timeout" {
		t.Fatalf("want the session closed for its start timeout, got %v", closed)
	}
}

func TestSessionArrivingWhileTheNextChildWarmsWaitsForIt(t *testing.T) {
	const startDelay = 3 * time.Second // a fresh child takes all of it; the warming one is a third in
	tb := startBridge(t, startDelay)
	connect(t, tb.url) // takes the warm child; the next one starts warming now
	time.Sleep(startDelay / 3)
	started := time.Now()
	connect(t, tb.url)
	// A fresh child would take the whole start delay; the warming one has a head start.
	if took := time.Since(started); took >= startDelay {
		t.Fatalf("the second session waited %s, as long as a fresh start (%s)", took, startDelay)
	}
	sessions := tb.log.lines(t, "session started")
	if len(sessions) != 2 || sessions[1]["warm"] != true {
		t.Fatalf("want the second session to get the warming child, got %v", sessions)
	}
}

func TestDrainIsNotHeldUpByAnIdleConnection(t *testing.T) {
	tb := startBridge(t, 0)
	s := connect(t, tb.url)
	if _, err := callText(context.Background(), s, "echo", map[string]any{"text": "x"}); err != nil {
		t.Fatal(err)
	}
	// A client that opened a connection and sent nothing (or went away without DELETE).
	idle, err := net.Dial("tcp", strings.TrimPrefix(tb.base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer idle.Close()
	if took, code := tb.stop(); code != 0 || took > time.Second {
		t.Fatalf("want a quick drain, got exit %d after %s; log:\n%s", code, took, tb.log.String())
	}
}
