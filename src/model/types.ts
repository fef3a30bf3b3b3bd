/**
 * The validated, resolved, immutable state of one commit of a config repo.
 * Objects use the proto field names (snake_case) so they can be handed to
 * protobufjs as they are; defaults are already applied.
 */
import type { Diagnostic } from '../core/diagnostic.js';

export interface SourceRef {
  /** Relative to the repo root, forward slashes. */
  file: string;
  line: number;
  column: number;
}

import type { SealingScope, SecretType, Transport } from '../core/enums.js';

export type { SealingScope, SecretType, Transport };

export type Labels = Readonly<Record<string, string>>;

export interface EnvVar {
  readonly name: string;
  readonly value?: string;
  readonly secret_key_ref?: { readonly name: string; readonly key: string };
}

/** Kubernetes quantities as written in the declaration (already checked to parse). */
export interface ResourceLimitSpec {
  readonly cpu: string;
  readonly memory: string;
  readonly cpu_limit?: string;
  readonly memory_limit?: string;
  readonly ephemeral_storage?: string;
}

export interface Volume {
  readonly name: string;
  readonly mount_path: string;
  readonly empty_dir?: { readonly size_limit?: string; readonly memory: boolean };
}

export interface Namespace {
  readonly kind: 'Namespace';
  readonly name: string;
  readonly labels: Labels;
  readonly display_name: string;
  readonly description: string;
  readonly source: SourceRef;
}

export interface ResourceLimitPreset {
  readonly kind: 'ResourceLimit';
  readonly name: string;
  readonly display_name: string;
  readonly description: string;
  readonly limits: ResourceLimitSpec;
  readonly volumes: readonly Volume[];
  readonly labels: Labels;
  readonly source: SourceRef;
}

/** Container resources in Kubernetes form, resolved from the preset. */
export interface ContainerResources {
  readonly requests: Readonly<Record<'cpu' | 'memory' | 'ephemeral-storage', string | undefined>>;
  readonly limits: Readonly<Record<'cpu' | 'memory' | 'ephemeral-storage', string | undefined>>;
}

export interface McpTemplate {
  readonly kind: 'McpTemplate';
  readonly name: string;
  readonly namespace: string;
  readonly image: string;
  readonly command: readonly string[];
  readonly args: readonly string[];
  readonly env_vars: readonly EnvVar[];
  readonly labels: Labels;
  readonly resource_limit_name: string;
  /** Per-template request overrides (empty when not declared). */
  readonly resources: { readonly cpu?: string; readonly memory?: string };
  readonly display_name: string;
  readonly description: string;
  /** Defaulted to 1. */
  readonly replicas: number;
  /** Defaulted to TRANSPORT_STDIO. */
  readonly transport: Transport;
  /** Defaulted to 8000. */
  readonly port: number;
  /** The MCP endpoint path; defaulted to /mcp (/sse for SSE). */
  readonly path: string;
  readonly source: SourceRef;
}

export interface Secret {
  readonly kind: 'Secret';
  readonly name: string;
  readonly namespace: string;
  /** Defaulted to SECRET_TYPE_OPAQUE. */
  readonly type: SecretType;
  readonly labels: Labels;
  /** Defaulted to SEALING_SCOPE_STRICT. */
  readonly scope: SealingScope;
  /** key -> base64 Sealed Secrets ciphertext. Never plaintext. */
  readonly encrypted_data: Readonly<Record<string, string>>;
  /** Sorted key names. */
  readonly keys: readonly string[];
  readonly source: SourceRef;
}

export type Declaration = Namespace | ResourceLimitPreset | McpTemplate | Secret;
export type Kind = Declaration['kind'];

export interface Model {
  /** By name, sorted by name. */
  readonly namespaces: ReadonlyMap<string, Namespace>;
  /** By name, sorted by name. */
  readonly presets: ReadonlyMap<string, ResourceLimitPreset>;
  /** By `namespace/name`, sorted by that key. */
  readonly templates: ReadonlyMap<string, McpTemplate>;
  /** By `namespace/name`, sorted by that key. */
  readonly secrets: ReadonlyMap<string, Secret>;
}

/** What loading a repo gives: a model only when there is no error. */
export interface LoadResult {
  readonly model?: Model;
  readonly diagnostics: readonly Diagnostic[];
}
