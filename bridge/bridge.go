package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
	"github.com/modelcontextprotocol/go-sdk/mcp"
)

type config struct {
	listen       string
	path         string
	maxSessions  int
	idleTimeout  time.Duration
	startTimeout time.Duration
	grace        time.Duration
	argv         []string
}

// maxBodyBytes bounds one POST body, as the SDK's own handler does by default.
const maxBodyBytes = 4 << 20

// retryAfterSeconds is what a client refused for lack of capacity is told to wait.
const retryAfterSeconds = 5

// A Bridge serves MCP Streamable HTTP and runs one child per session.
type Bridge struct {
	cfg config
	log *slog.Logger

	mu        sync.Mutex
	sessions  map[string]*session
	starting  int // sessions being set up, counted against maxSessions
	warm      *warmChild
	warming   chan struct{} // non-nil while a warm-up runs; closed when it ends
	ready     bool
	notReady  string
	draining  bool
	wakeWarm  chan struct{}
	stopWarm  context.CancelFunc
	warmerEnd chan struct{}
}

func newBridge(cfg config, log *slog.Logger) *Bridge {
	return &Bridge{cfg: cfg, log: log, sessions: map[string]*session{}, notReady: "the MCP server is starting", wakeWarm: make(chan struct{}, 1)}
}

func (b *Bridge) handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "ok\n") })
	mux.HandleFunc("GET /readyz", b.serveReadyz)
	mux.HandleFunc(b.cfg.path, b.serveMCP)
	return mux
}

func (b *Bridge) serveReadyz(w http.ResponseWriter, _ *http.Request) {
	b.mu.Lock()
	ready, reason := b.ready && !b.draining, b.notReady
	if b.draining {
		reason = "draining"
	}
	b.mu.Unlock()
	if ready {
		_, _ = io.WriteString(w, "ready\n")
		return
	}
	http.Error(w, "not ready: "+reason, http.StatusServiceUnavailable)
}

// keepWarm keeps one child initialized ahead of the next session, retrying a
// failing start with a backoff.
func (b *Bridge) keepWarm(ctx context.Context) {
	defer close(b.warmerEnd)
	backoff := time.Second
	for {
		b.mu.Lock()
		need := b.warm == nil && !b.draining
		b.mu.Unlock()
		if need {
			warming := make(chan struct{})
			b.mu.Lock()
			b.warming = warming
			b.mu.Unlock()
			w, err := warmUp(ctx, b.cfg.argv, b)
			b.mu.Lock()
			b.warming = nil
			if err == nil && !b.draining {
				b.warm, b.ready = w, true
			}
			draining := b.draining
			b.mu.Unlock()
			close(warming)
			if err != nil {
				if ctx.Err() != nil {
					return
				}
				b.log.Error("MCP server failed to start", "error", err.Error(), "retry_in", backoff.String())
				b.mu.Lock()
				b.ready, b.notReady = false, err.Error()
				b.mu.Unlock()
				select {
				case <-time.After(backoff):
				case <-ctx.Done():
					return
				}
				backoff = min(2*backoff, 30*time.Second)
				continue
			}
			backoff = time.Second
			if draining {
				w.child.stop(b.cfg.grace)
				return
			}
			go b.watchWarm(w)
		}
		select {
		case <-b.wakeWarm:
		case <-ctx.Done():
			return
		}
	}
}

// watchWarm notices a warm child that exits before any session takes it.
func (b *Bridge) watchWarm(w *warmChild) {
	<-w.child.exited
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.warm != w {
		return
	}
	b.warm = nil
	if !b.draining {
		b.ready, b.notReady = false, "the MCP server exited while idle: "+w.child.status
		b.wake()
	}
}

func (b *Bridge) wake() {
	select {
	case b.wakeWarm <- struct{}{}:
	default:
	}
}

// takeWarm hands the warm child to a session whose initialize it can answer.
// A session that arrives while the next child is warming waits for it: that
// child started earlier than a fresh one would.
func (b *Bridge) takeWarm(ctx context.Context, params initializeParams) *warmChild {
	for waited := false; ; waited = true {
		b.mu.Lock()
		w, warming := b.warm, b.warming
		if w != nil && w.child.alive() && w.serves(params) {
			b.warm = nil
			b.wake()
			b.mu.Unlock()
			return w
		}
		b.mu.Unlock()
		if w != nil || warming == nil || waited {
			return nil
		}
		select {
		case <-warming:
		case <-ctx.Done():
			return nil
		}
	}
}

func (b *Bridge) serveMCP(w http.ResponseWriter, req *http.Request) {
	if !hostAllowed(req) {
		http.Error(w, "Forbidden: invalid Host header", http.StatusForbidden)
		return
	}
	switch req.Method {
	case http.MethodPost, http.MethodGet, http.MethodDelete:
	default:
		w.Header().Set("Allow", "GET, POST, DELETE")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	if problem, status := checkHeaders(req); problem != "" {
		http.Error(w, problem, status)
		return
	}
	id := req.Header.Get("Mcp-Session-Id")
	if id == "" {
		if req.Method != http.MethodPost {
			http.Error(w, "Bad Request: "+req.Method+" needs an Mcp-Session-Id header", http.StatusBadRequest)
			return
		}
		b.startSession(w, req)
		return
	}
	b.mu.Lock()
	s := b.sessions[id]
	b.mu.Unlock()
	if s == nil || !s.begin() {
		http.Error(w, "session not found", http.StatusNotFound)
		return
	}
	if req.Method == http.MethodGet {
		// The session's listening stream stays open while the client lives; like
		// the SDK's own handler, only POSTs (and DELETE) count as activity.
		s.end()
	} else {
		defer s.end()
	}
	if req.Method == http.MethodDelete {
		b.endSession(s, "client deleted")
		w.WriteHeader(http.StatusNoContent)
		return
	}
	req.Body = http.MaxBytesReader(w, req.Body, maxBodyBytes)
	s.transport.ServeHTTP(w, req)
}

// startSession answers a POST without a session id: it must be an initialize.
func (b *Bridge) startSession(w http.ResponseWriter, req *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(w, req.Body, maxBodyBytes))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
			return
		}
		http.Error(w, "cannot read the request body", http.StatusBadRequest)
		return
	}
	msg, err := jsonrpc.DecodeMessage(body)
	initialize, ok := msg.(*jsonrpc.Request)
	if err != nil || !ok || initialize.Method != "initialize" || !initialize.IsCall() {
		http.Error(w, "Bad Request: a request without Mcp-Session-Id must be one initialize request", http.StatusBadRequest)
		return
	}
	var params initializeParams
	_ = json.Unmarshal(initialize.Params, &params)

	b.mu.Lock()
	switch {
	case b.draining:
		b.mu.Unlock()
		w.Header().Set("Retry-After", strconv.Itoa(retryAfterSeconds))
		http.Error(w, "the bridge is shutting down", http.StatusServiceUnavailable)
		return
	case len(b.sessions)+b.starting >= b.cfg.maxSessions:
		b.mu.Unlock()
		b.log.Warn("session refused: at max sessions", "max_sessions", b.cfg.maxSessions)
		w.Header().Set("Retry-After", strconv.Itoa(retryAfterSeconds))
		http.Error(w, "too many sessions", http.StatusServiceUnavailable)
		return
	}
	b.starting++
	b.mu.Unlock()
	release := func() {
		b.mu.Lock()
		b.starting--
		b.mu.Unlock()
	}

	warm := b.takeWarm(req.Context(), params)
	var c *child
	if warm != nil {
		c = warm.child
	} else if c, err = startChild(b.cfg.argv, b.log); err != nil {
		release()
		b.log.Error("MCP server failed to start", "error", err.Error())
		writeJSONRPCError(w, http.StatusInternalServerError, initialize.ID, "MCP server could not start: "+err.Error())
		return
	}
	s := &session{
		id:        rand.Text(),
		child:     c,
		warm:      warm,
		caps:      map[string]bool{},
		bridge:    b,
		pending:   map[jsonrpc.ID]struct{}{},
		relayDone: make(chan struct{}),
	}
	for name := range params.Capabilities {
		s.caps[name] = true
	}
	s.transport = &mcp.StreamableServerTransport{SessionID: s.id}
	s.conn, _ = s.transport.Connect(context.Background())
	c.session.Store(s.id)

	b.mu.Lock()
	b.starting--
	draining := b.draining
	if !draining {
		b.sessions[s.id] = s
	}
	b.mu.Unlock()
	if draining {
		c.stop(b.cfg.grace)
		http.Error(w, "the bridge is shutting down", http.StatusServiceUnavailable)
		return
	}
	if warm == nil {
		s.initID = initialize.ID
		s.startTimer = time.AfterFunc(b.cfg.startTimeout, func() {
			b.log.Error("MCP server did not answer initialize in time", "session", s.id, "pid", c.pid, "start_timeout", b.cfg.startTimeout.String())
			b.endSession(s, "start timeout")
		})
	}
	b.log.Info("session started", "session", s.id, "pid", c.pid, "warm", warm != nil)
	s.begin()
	defer s.end()
	go s.relay()
	req.Body = io.NopCloser(bytes.NewReader(body))
	s.transport.ServeHTTP(w, req)
}

// endSession closes a session once, whatever ended it: its child is stopped,
// its unanswered requests fail, then its HTTP streams close.
func (b *Bridge) endSession(s *session, reason string) {
	s.mu.Lock()
	if s.closing {
		s.mu.Unlock()
		return
	}
	s.closing = true
	if s.idle != nil {
		s.idle.Stop()
	}
	if s.startTimer != nil {
		s.startTimer.Stop()
	}
	s.mu.Unlock()
	b.mu.Lock()
	delete(b.sessions, s.id)
	b.mu.Unlock()
	s.child.stop(b.cfg.grace)
	select { // the child is gone: let the relay fail its unanswered requests first
	case <-s.relayDone:
	case <-time.After(2 * time.Second):
	}
	_ = s.conn.Close()
	b.log.Info("session closed", "session", s.id, "reason", reason)
}

// drain stops taking sessions, stops every child (SIGTERM, then SIGKILL after
// the grace period) and closes every session.
func (b *Bridge) drain() {
	b.mu.Lock()
	b.draining = true
	sessions := make([]*session, 0, len(b.sessions))
	for _, s := range b.sessions {
		sessions = append(sessions, s)
	}
	warm := b.warm
	b.warm = nil
	b.mu.Unlock()
	if b.stopWarm != nil {
		b.stopWarm()
		<-b.warmerEnd
	}
	var wg sync.WaitGroup
	for _, s := range sessions {
		wg.Add(1)
		go func() { defer wg.Done(); b.endSession(s, "draining") }()
	}
	if warm != nil {
		wg.Add(1)
		go func() { defer wg.Done(); warm.child.stop(b.cfg.grace) }()
	}
	wg.Wait()
}

// run serves on ln until ctx is done, then drains and returns.
func (b *Bridge) run(ctx context.Context, ln net.Listener) error {
	warmCtx, stopWarm := context.WithCancel(context.Background())
	b.stopWarm, b.warmerEnd = stopWarm, make(chan struct{})
	go b.keepWarm(warmCtx)
	server := &http.Server{Handler: b.handler(), ReadHeaderTimeout: 10 * time.Second}
	served := make(chan error, 1)
	go func() { served <- server.Serve(ln) }()
	b.log.Info("listening", "addr", ln.Addr().String(), "path", b.cfg.path)
	select {
	case err := <-served:
		b.drain()
		return err
	case <-ctx.Done():
	}
	b.drain()
	// Every session is closed by now; what remains are requests on closed
	// sessions and connections a client opened and left (net/http counts a
	// connection that sent nothing yet as busy for 5 s), so a short wait.
	shutdown, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	if err := server.Shutdown(shutdown); err != nil {
		_ = server.Close()
	}
	b.log.Info("drained")
	return nil
}

// checkHeaders applies the transport's header rules: a POST carries JSON and
// accepts both JSON and an event stream, a GET accepts an event stream.
func checkHeaders(req *http.Request) (string, int) {
	accept := strings.Join(req.Header.Values("Accept"), ",")
	accepts := func(mediaType string) bool {
		for _, part := range strings.Split(accept, ",") {
			value := strings.TrimSpace(strings.SplitN(part, ";", 2)[0])
			if value == mediaType || value == "*/*" {
				return true
			}
		}
		return false
	}
	switch req.Method {
	case http.MethodPost:
		if mediaType := strings.TrimSpace(strings.SplitN(req.Header.Get("Content-Type"), ";", 2)[0]); mediaType != "application/json" {
			return "Unsupported Media Type: POST needs Content-Type: application/json", http.StatusUnsupportedMediaType
		}
		if !accepts("application/json") || !accepts("text/event-stream") {
			return "Not Acceptable: Accept must list application/json and text/event-stream", http.StatusNotAcceptable
		}
	case http.MethodGet:
		if !accepts("text/event-stream") {
			return "Not Acceptable: Accept must list text/event-stream", http.StatusNotAcceptable
		}
	}
	return "", 0
}

// hostAllowed refuses DNS rebinding: a request that reached a loopback
// address must name a loopback host.
func hostAllowed(req *http.Request) bool {
	local, ok := req.Context().Value(http.LocalAddrContextKey).(net.Addr)
	if !ok || !isLoopback(local.String()) {
		return true
	}
	return isLoopback(req.Host)
}

func isLoopback(hostport string) bool {
	host, _, err := net.SplitHostPort(hostport)
	if err != nil {
		host = hostport
	}
	host = strings.Trim(host, "[]")
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func writeJSONRPCError(w http.ResponseWriter, status int, id jsonrpc.ID, message string) {
	data, _ := jsonrpc.EncodeMessage(&jsonrpc.Response{ID: id, Error: &jsonrpc.Error{Code: jsonrpc.CodeInternalError, Message: message}})
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(data)
}
