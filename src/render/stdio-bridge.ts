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
 * child's stdin/stdout. The declared command and args are handed to it as
 * one POSIX-shell-quoted string (supergateway runs it with `/bin/sh -c`), so
 * the child's argv is exactly the argv Kubernetes would give a container
 * running the declared command directly — including its `$(VAR)` expansion,
 * which here the shell does from the environment (see bridgeCommandLine).
 *
 * See docs/render.md for why this design and its limits.
 */
import type { McpTemplate } from '../model/types.js';
import { RUNTIME_ENV } from './_pod-runtime.js';

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

/** A name `${NAME}` can expand in a POSIX shell. */
const SHELL_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/**
 * What the kubelet adds to every container's environment even with
 * enableServiceLinks: false: the `kubernetes` Service of the default
 * namespace (KUBERNETES_SERVICE_HOST, KUBERNETES_PORT_443_TCP, ...).
 */
const KUBERNETES_SERVICE_ENV = /^KUBERNETES_[A-Z0-9_]*$/;

/**
 * One word of a container's command or args as Kubernetes reads it: literal
 * text and `$(NAME)` references. Follows the kubelet's expansion: `$$` is a
 * literal `$`, `$(NAME)` is a reference, an unterminated `$(` and any other
 * `$` are literal.
 */
function kubernetesReferences(word: string): ({ text: string } | { name: string })[] {
  const parts: ({ text: string } | { name: string })[] = [];
  let text = '';
  for (let i = 0; i < word.length; i++) {
    if (word[i] !== '$' || i + 1 >= word.length) {
      text += word[i];
      continue;
    }
    const next = word[i + 1];
    const close = next === '(' ? word.indexOf(')', i + 2) : -1;
    if (next === '$') text += '$';
    else if (close >= 0) {
      if (text) parts.push({ text });
      text = '';
      parts.push({ name: word.slice(i + 2, close) });
      i = close;
      continue;
    } else text += `$${next}`;
    i++;
  }
  if (text || parts.length === 0) parts.push({ text });
  return parts;
}

/**
 * Escapes a string for the kubelet's `$(VAR)` expansion so that it comes out
 * unchanged: `$` doubled where the kubelet would read it (before `(` or `$`).
 */
function kubernetesLiteral(line: string): string {
  return line.replace(/\$(?=[($])/g, '$$$$');
}

/**
 * The command line the bridge gets for a declared argv. Kubernetes expands
 * `$(NAME)` in container args before the container starts; done to this line
 * the value would land inside shell quoting and be parsed by the shell (a
 * value with `'` ends the quote and runs a command). So each reference the
 * kubelet would resolve becomes `"${NAME}"`, expanded by the shell from the
 * environment (never parsed), literal text is single-quoted as by shellQuote,
 * and the line is escaped so that the kubelet changes nothing in it. The
 * server's argv is what Kubernetes gives a container running `argv` directly:
 * `$$(NAME)` stays the literal `$(NAME)`, and a reference to a name not in the
 * container's environment stays as written. A defined name that the shell
 * cannot expand (with `-` or `.`) stays literal text too: inert, not expanded.
 */
export function bridgeCommandLine(argv: readonly string[], defined: (name: string) => boolean): string {
  const words = argv.map((word) =>
    kubernetesReferences(word)
      .map((part) =>
        'name' in part && SHELL_NAME.test(part.name) && defined(part.name) ? `"\${${part.name}}"` : shellQuote('name' in part ? `$(${part.name})` : part.text),
      )
      .join(''),
  );
  return kubernetesLiteral(words.join(' '));
}

/** The declared command line of a stdio template, as the bridge receives it. */
export function stdioCommandLine(template: McpTemplate): string {
  const names = new Set([...RUNTIME_ENV.map((e) => e.name), ...template.env_vars.map((e) => e.name)]);
  return bridgeCommandLine([...template.command, ...template.args], (name) => names.has(name) || KUBERNETES_SERVICE_ENV.test(name));
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
