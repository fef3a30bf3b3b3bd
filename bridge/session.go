package main

import (
	"context"
	"sync"
	"time"

	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// A session is one MCP session of a client, served by one child: the SDK's
// Streamable HTTP server transport on one side, the child's stdio on the
// other, and the bridge relaying JSON-RPC messages between them unchanged.
type session struct {
	id        string
	transport *mcp.StreamableServerTransport
	conn      mcp.Connection // the client's side
	child     *child
	warm      *warmChild // non-nil: initialized ahead, answer the client's initialize from it
	caps      map[string]bool
	bridge    *Bridge

	mu        sync.Mutex
	pending   map[jsonrpc.ID]struct{} // client requests the child has not answered
	active    int                     // HTTP requests in progress (idle timer runs at 0)
	idle      *time.Timer
	closing   bool
	relayDone chan struct{} // closed when the child's side of the relay has ended
	// startTimer ends a session whose fresh child does not answer the
	// client's initialize within the start timeout (nil for a warm child).
	startTimer *time.Timer
	initID     jsonrpc.ID
}

// serverRequestCapability names the client capability a server-to-client
// request needs.
var serverRequestCapability = map[string]string{
	"roots/list":             "roots",
	"sampling/createMessage": "sampling",
	"elicitation/create":     "elicitation",
}

func (s *session) relay() {
	go s.fromClient()
	s.fromChild()
}

// fromClient forwards what the client sends, answering its initialize from the
// warm child's result when there is one.
func (s *session) fromClient() {
	ctx := context.Background()
	for {
		msg, err := s.conn.Read(ctx)
		if err != nil {
			return
		}
		switch m := msg.(type) {
		case *jsonrpc.Request:
			s.bridge.log.Debug("client message", "session", s.id, "method", m.Method, "id", m.ID.Raw())
			if m.Method == "initialize" && s.warm != nil {
				result := s.warm.result
				s.warm = nil
				_ = s.conn.Write(ctx, &jsonrpc.Response{ID: m.ID, Result: result})
				continue
			}
			if m.IsCall() {
				s.mu.Lock()
				s.pending[m.ID] = struct{}{}
				s.mu.Unlock()
			}
			m.Extra = nil
			_ = s.child.conn.Write(ctx, m) // a failed write means the child is gone: fromChild ends the session
		case *jsonrpc.Response:
			_ = s.child.conn.Write(ctx, m)
		}
	}
}

// fromChild forwards what the server sends until its stdout ends, then fails
// the requests it left unanswered and ends the session.
func (s *session) fromChild() {
	ctx := context.Background()
	for {
		msg, err := s.child.conn.Read(ctx)
		if err != nil {
			break
		}
		switch m := msg.(type) {
		case *jsonrpc.Response:
			s.mu.Lock()
			delete(s.pending, m.ID)
			if s.startTimer != nil && m.ID == s.initID {
				s.startTimer.Stop()
				s.startTimer = nil
			}
			s.mu.Unlock()
			s.bridge.log.Debug("server response", "session", s.id, "id", m.ID.Raw())
			_ = s.conn.Write(ctx, m)
		case *jsonrpc.Request:
			s.bridge.log.Debug("server message", "session", s.id, "method", m.Method, "id", m.ID.Raw())
			if m.IsCall() && !s.clientSupports(m.Method) {
				_ = s.child.conn.Write(ctx, &jsonrpc.Response{ID: m.ID, Error: &jsonrpc.Error{
					Code:    jsonrpc.CodeMethodNotFound,
					Message: "the client did not declare the " + serverRequestCapability[m.Method] + " capability",
				}})
				continue
			}
			_ = s.conn.Write(ctx, m)
		}
	}
	// stdout ended: the child is exiting (on its own, or stopped by endSession),
	// or it wrote something that is not JSON-RPC and no longer speaks MCP.
	select {
	case <-s.child.exited:
	case <-time.After(time.Second):
		s.mu.Lock()
		closing := s.closing
		s.mu.Unlock()
		if !closing {
			s.bridge.log.Warn("child stopped speaking JSON-RPC on stdout", "pid", s.child.pid, "session", s.id)
			s.child.stop(s.bridge.cfg.grace)
		}
		<-s.child.exited
	}
	s.mu.Lock()
	pending := make([]jsonrpc.ID, 0, len(s.pending))
	for id := range s.pending {
		pending = append(pending, id)
	}
	s.pending = map[jsonrpc.ID]struct{}{}
	s.mu.Unlock()
	for _, id := range pending {
		_ = s.conn.Write(ctx, &jsonrpc.Response{ID: id, Error: &jsonrpc.Error{
			Code:    jsonrpc.CodeInternalError,
			Message: "MCP server exited: " + s.child.status,
		}})
	}
	close(s.relayDone)
	s.bridge.endSession(s, "child exited")
}

func (s *session) clientSupports(method string) bool {
	capability, ok := serverRequestCapability[method]
	return !ok || s.caps[capability]
}

// begin and end bracket one HTTP request; a session with none for the idle
// timeout is closed.
func (s *session) begin() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closing {
		return false
	}
	s.active++
	if s.idle != nil {
		s.idle.Stop()
	}
	return true
}

func (s *session) end() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.active--
	if s.active == 0 && !s.closing {
		s.idle = time.AfterFunc(s.bridge.cfg.idleTimeout, func() { s.bridge.endSession(s, "idle") })
	}
}
