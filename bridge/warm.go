package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
)

// warmProtocolVersion is what the bridge asks for when it initializes a child
// ahead of a session: the newest version of the stateful protocol.
const warmProtocolVersion = "2025-11-25"

// warmCapabilities are the client capabilities a child is initialized with
// ahead of time: every client capability a server may use. A session whose
// client lacks one of them gets the bridge's "method not found" answer to the
// server's request instead (see session.guard).
var warmCapabilities = map[string]any{
	"roots":       map[string]any{"listChanged": true},
	"sampling":    map[string]any{},
	"elicitation": map[string]any{},
}

// A warmChild is a child that has answered the bridge's initialize and waits
// for a session: the session's own initialize is answered from result.
type warmChild struct {
	child      *child
	result     json.RawMessage // the child's InitializeResult
	negotiated string          // the protocol version in it
	startup    time.Duration
}

// serves reports whether a client's initialize would get the same answer from
// this child as the bridge's own: the same protocol version (asked for, or the
// one the server settled on) and no client capability beyond warmCapabilities.
func (w *warmChild) serves(params initializeParams) bool {
	if params.ProtocolVersion != warmProtocolVersion && params.ProtocolVersion != w.negotiated {
		return false
	}
	for name := range params.Capabilities {
		if _, ok := warmCapabilities[name]; !ok {
			return false
		}
	}
	return true
}

type initializeParams struct {
	ProtocolVersion string                     `json:"protocolVersion"`
	Capabilities    map[string]json.RawMessage `json:"capabilities"`
}

var warmRequestID, _ = jsonrpc.MakeID("mcpo-bridge-warmup")

// warmUp starts a child and initializes it. The child's notifications/initialized
// is left to the session's client, which sends it after its own initialize.
func warmUp(ctx context.Context, argv []string, b *Bridge) (*warmChild, error) {
	started := time.Now()
	c, err := startChild(argv, b.log)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, b.cfg.startTimeout)
	defer cancel()
	params, _ := json.Marshal(map[string]any{
		"protocolVersion": warmProtocolVersion,
		"capabilities":    warmCapabilities,
		"clientInfo":      map[string]any{"name": "mcpo-bridge", "version": version},
	})
	// fail stops the child; why it failed is the context (the bridge stopping,
	// or the start timeout) or else what became of the child.
	fail := func(when string) (*warmChild, error) {
		var err error
		switch {
		case errors.Is(ctx.Err(), context.DeadlineExceeded):
			err = fmt.Errorf("the MCP server did not answer initialize within %s", b.cfg.startTimeout)
		case ctx.Err() != nil:
			err = ctx.Err()
		default:
			err = c.failure(when)
		}
		c.stop(b.cfg.grace)
		return nil, err
	}
	if err := c.conn.Write(ctx, &jsonrpc.Request{ID: warmRequestID, Method: "initialize", Params: params}); err != nil {
		return fail("before reading initialize")
	}
	for {
		msg, err := c.conn.Read(ctx)
		if err != nil {
			return fail("before answering initialize")
		}
		resp, ok := msg.(*jsonrpc.Response)
		if !ok || resp.ID != warmRequestID {
			continue // nothing may be sent before initialize completes; drop it
		}
		if resp.Error != nil {
			c.stop(b.cfg.grace)
			return nil, fmt.Errorf("the MCP server refused initialize: %s", clip(resp.Error.Error(), 200))
		}
		var result struct {
			ProtocolVersion string `json:"protocolVersion"`
		}
		if err := json.Unmarshal(resp.Result, &result); err != nil || result.ProtocolVersion == "" {
			c.stop(b.cfg.grace)
			return nil, errors.New("the MCP server answered initialize without a protocol version")
		}
		w := &warmChild{child: c, result: resp.Result, negotiated: result.ProtocolVersion, startup: time.Since(started)}
		b.log.Info("ready", "pid", c.pid, "startup_ms", w.startup.Milliseconds())
		return w, nil
	}
}

// failure says how a child that stopped speaking ended: its exit status when
// it exited (waiting a moment for it), else that its output was not JSON-RPC.
func (c *child) failure(when string) error {
	select {
	case <-c.exited:
		return fmt.Errorf("the MCP server exited %s: %s", when, c.status)
	case <-time.After(2 * time.Second):
		return fmt.Errorf("the MCP server wrote something other than JSON-RPC to stdout %s", when)
	}
}

func clip(s string, n int) string {
	s = strings.ToValidUTF8(s, "?")
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
