/**
 * What the query server needs from a cluster: the MCP server pods, as
 * McpServer messages. The informer in pod-informer.ts implements it.
 */

/** The McpServer message (spec/mcp_server.proto), proto field names. */
export interface McpServerMessage {
  readonly name: string;
  readonly namespace: string;
  readonly template_name: string;
  readonly phase: string;
  readonly ready: boolean;
  readonly restart_count: number;
  readonly reason: string;
  readonly message: string;
  readonly pod_ip: string;
  readonly node_name: string;
  readonly start_time: number;
  readonly labels: Readonly<Record<string, string>>;
  readonly created_at: number;
  readonly requests?: { readonly cpu: string; readonly memory: string };
  readonly limits?: { readonly cpu: string; readonly memory: string };
}

/** What the server needs from the cluster. */
export interface ClusterReader {
  /**
   * The MCP server pods known now, sorted by namespace/name. Throwing a
   * McpoError('unavailable', ...) says the cluster cannot be read at the moment.
   */
  servers(): readonly McpServerMessage[] | Promise<readonly McpServerMessage[]>;
}
