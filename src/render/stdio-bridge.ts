/**
 * The stdio bridge: how a template whose server speaks MCP on stdin/stdout
 * (transport STDIO, the seed's example) becomes a pod that stays up and is
 * reachable over the network.
 *
 * A container whose stdin is closed sees EOF at once and a stdio MCP server
 * exits. So the container does not run the declared command directly: it runs
 * supergateway (npm package, MIT), pinned, in the same container, which
 * listens on the template's port and speaks MCP Streamable HTTP at /mcp. In
 * stateful mode it starts the declared command once per MCP session (on the
 * session's `initialize`) and pipes JSON-RPC between the HTTP session and the
 * child's stdin/stdout. The declared command and args are handed to it
 * unchanged, as one POSIX-shell-quoted string (supergateway runs it with
 * `/bin/sh -c`), so the child's argv is exactly the declared argv.
 *
 * See docs/render.md for why this design and its limits.
 */
import type { McpTemplate } from '../model/types.js';

/** The bridge package, pinned: same input, same pod, whatever npm publishes later. */
export const BRIDGE_PACKAGE = 'supergateway@4.0.0';
/** Path of the Streamable HTTP endpoint the bridge serves. */
export const BRIDGE_MCP_PATH = '/mcp';
/** Path that answers "ok" once the bridge listens; the readiness probe uses it. */
export const BRIDGE_HEALTH_PATH = '/healthz';
/**
 * Idle time after which a session's server process is stopped (ms). Bounds
 * what abandoned sessions hold in a small container; a client that comes back
 * later gets 404 for its session id and starts a new session, as MCP says.
 */
export const BRIDGE_SESSION_TIMEOUT_MS = 600_000;
/** supergateway's default; it logs connections, child stderr and message bodies. */
export const BRIDGE_LOG_LEVEL = 'info';

/** Characters that never need quoting in a POSIX shell word. */
const SAFE_WORD = /^[A-Za-z0-9@%+=:,./_-]+$/;

/**
 * Quotes one argument for `/bin/sh -c`: left bare when it has only safe
 * characters, else in single quotes (inside which the shell interprets
 * nothing), with each `'` written as `'\''`.
 */
export function shellQuote(word: string): string {
  if (SAFE_WORD.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** A command line for `/bin/sh -c` that runs exactly argv (no globbing, no expansion). */
export function shellJoin(argv: readonly string[]): string {
  return argv.map(shellQuote).join(' ');
}

export interface ContainerCommand {
  /** undefined: keep the image's ENTRYPOINT. */
  readonly command?: string[];
  /** undefined: keep the image's CMD (only when command is undefined too). */
  readonly args?: string[];
}

/** The declared command line of a stdio template, as the bridge receives it. */
export function stdioCommandLine(template: McpTemplate): string {
  return shellJoin([...template.command, ...template.args]);
}

/**
 * What the container runs for a template: the bridge wrapping the declared
 * command for STDIO, the declared command and args unchanged otherwise.
 */
export function containerCommand(template: McpTemplate): ContainerCommand {
  if (template.transport !== 'TRANSPORT_STDIO') {
    return {
      ...(template.command.length > 0 && { command: [...template.command] }),
      ...(template.args.length > 0 && { args: [...template.args] }),
    };
  }
  if (template.command.length === 0) {
    // The validator refuses this (field.required on command); never render a bridge with nothing to run.
    throw new Error(`McpTemplate ${template.namespace}/${template.name}: a stdio server needs a command`);
  }
  return {
    command: ['npx'],
    args: [
      '--yes',
      BRIDGE_PACKAGE,
      '--stdio',
      stdioCommandLine(template),
      '--outputTransport',
      'streamableHttp',
      '--stateful',
      '--sessionTimeout',
      String(BRIDGE_SESSION_TIMEOUT_MS),
      '--port',
      String(template.port),
      '--streamableHttpPath',
      BRIDGE_MCP_PATH,
      '--healthEndpoint',
      BRIDGE_HEALTH_PATH,
      '--logLevel',
      BRIDGE_LOG_LEVEL,
    ],
  };
}
