/**
 * Live MCP server pods, followed with one list + watch (a client-node
 * informer), never one API call per request. Only pods that carry the
 * template label that synth puts on every rendered pod are watched.
 * When the watch breaks (the API server went away), calls answer
 * UNAVAILABLE instead of serving a stale picture, and the informer is
 * restarted with backoff; it resumes from its last resourceVersion, or
 * relists when that is too old.
 */
import { CoreV1Api, type Informer, type KubeConfig, makeInformer, type ObjectCache, type V1Pod } from '@kubernetes/client-node';
import { TEMPLATE_LABEL } from '../core/names.js';
import type { ClusterReader, McpServerMessage } from './reader.js';
import { McpoError } from '../core/errors.js';
import { toMcpServer } from './pod-status.js';
import { compareStrings } from '../core/order.js';

const MIN_BACKOFF_MS = 200;
const MAX_BACKOFF_MS = 5_000;

export interface PodInformerEvents {
  onStateChange?(state: 'synced' | 'disconnected', detail?: string): void;
}

export class PodInformer implements ClusterReader {
  private readonly informer: Informer<V1Pod> & ObjectCache<V1Pod>;
  private synced = false;
  private lastError = 'waiting for the first list of pods';
  private backoff = MIN_BACKOFF_MS;
  private retry?: NodeJS.Timeout;
  private stopped = false;
  private sorted?: readonly McpServerMessage[];
  /** Counts failures, so a start() that reported its failure through the error event is not taken as success. */
  private failures = 0;

  constructor(
    kubeConfig: KubeConfig,
    private readonly where: string,
    private readonly events: PodInformerEvents = {},
  ) {
    const api = kubeConfig.makeApiClient(CoreV1Api);
    const selector = TEMPLATE_LABEL;
    this.informer = makeInformer(kubeConfig, '/api/v1/pods', () => api.listPodForAllNamespaces({ labelSelector: selector }), selector);
    const changed = () => {
      this.sorted = undefined;
    };
    this.informer.on('add', changed);
    this.informer.on('update', changed);
    this.informer.on('delete', changed);
    this.informer.on('connect', () => {
      // The list that follows a (re)connect has been applied once the first watch is open.
      this.backoff = MIN_BACKOFF_MS;
    });
    this.informer.on('error', (err: unknown) => this.disconnected(err));
  }

  async start(): Promise<void> {
    this.stopped = false;
    await this.restart();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retry);
    await this.informer.stop();
  }

  servers(): readonly McpServerMessage[] {
    if (!this.synced) throw new McpoError('unavailable', `cluster ${this.where} cannot be read right now: ${this.lastError}; retrying`);
    this.sorted ??= this.informer
      .list()
      .map(toMcpServer)
      .sort((a, b) => compareStrings(a.namespace, b.namespace) || compareStrings(a.name, b.name));
    return this.sorted;
  }

  private async restart(): Promise<void> {
    const failuresBefore = this.failures;
    try {
      await this.informer.start();
      if (this.stopped || this.failures !== failuresBefore) return;
      this.synced = true;
      this.sorted = undefined;
      this.events.onStateChange?.('synced');
    } catch (err) {
      this.disconnected(err);
    }
  }

  private disconnected(err: unknown): void {
    this.failures++;
    this.synced = false;
    this.lastError = describe(err);
    this.events.onStateChange?.('disconnected', this.lastError);
    if (this.stopped) return;
    clearTimeout(this.retry);
    this.retry = setTimeout(() => void this.restart(), this.backoff);
    this.retry.unref();
    this.backoff = Math.min(this.backoff * 2, MAX_BACKOFF_MS);
  }
}

function describe(err: unknown): string {
  if (err && typeof err === 'object') {
    const e = err as { code?: unknown; message?: unknown; statusCode?: unknown; body?: unknown };
    if (typeof e.code === 'string') return `${e.code}${typeof e.message === 'string' ? ` (${e.message})` : ''}`;
    if (typeof e.statusCode === 'number') return `HTTP ${e.statusCode}`;
    if (typeof e.message === 'string') return e.message;
  }
  return String(err);
}
