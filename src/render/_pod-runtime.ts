/**
 * What every MCP server pod gets besides the declaration: a non-root user, a
 * read-only root filesystem, and the writable places npx / uvx / pip need
 * (HOME with its caches, /tmp) as emptyDir volumes.
 */
import type { k8s } from 'cdk8s-plus-28';

/** No passwd entry is needed: HOME comes from the environment. 65532 is the usual "nonroot" id. */
export const RUN_AS_USER = 65532;
export const RUN_AS_GROUP = 65532;

export const HOME_DIR = '/home/mcp';
export const TMP_DIR = '/tmp';

/**
 * Environment that points every cache into HOME. The declared env vars come
 * after these (so they can refer to them as $(HOME)) and a declared name
 * replaces ours.
 */
export const RUNTIME_ENV: readonly { name: string; value: string }[] = [
  { name: 'HOME', value: HOME_DIR },
  { name: 'TMPDIR', value: TMP_DIR },
  { name: 'XDG_CACHE_HOME', value: `${HOME_DIR}/.cache` },
  { name: 'npm_config_cache', value: `${HOME_DIR}/.npm` },
  { name: 'npm_config_update_notifier', value: 'false' },
];

export function podSecurityContext(): k8s.PodSecurityContext {
  return {
    runAsNonRoot: true,
    runAsUser: RUN_AS_USER,
    runAsGroup: RUN_AS_GROUP,
    fsGroup: RUN_AS_GROUP,
    fsGroupChangePolicy: 'OnRootMismatch',
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

export function containerSecurityContext(): k8s.SecurityContext {
  return {
    allowPrivilegeEscalation: false,
    capabilities: { drop: ['ALL'] },
    privileged: false,
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
  };
}

/**
 * The image pull policy Kubernetes would pick, written out: Always for an
 * image without tag or digest or tagged `latest`, IfNotPresent otherwise.
 */
export function imagePullPolicy(image: string): 'Always' | 'IfNotPresent' {
  if (image.includes('@')) return 'IfNotPresent';
  const lastSlash = image.lastIndexOf('/');
  const colon = image.indexOf(':', lastSlash + 1);
  if (colon < 0) return 'Always';
  return image.slice(colon + 1) === 'latest' ? 'Always' : 'IfNotPresent';
}
