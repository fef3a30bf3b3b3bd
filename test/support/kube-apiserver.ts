/**
 * A real Kubernetes API server (kube-apiserver + etcd, built from Go modules by
 * test/kube/build.sh) for integration tests, plus helpers to apply manifests to it.
 *
 *   const kube = await startKubeApiServer();
 *   const kc = kube.kubeConfig();
 *   await installSealedSecretCrd(kc);
 *   await serverSideApply(kc, manifests, 'mcpo-test');
 *   await kube.stop();
 *
 * Everything listens on 127.0.0.1 on free ports. Certificates, keys, the token file, the
 * kubeconfig, logs and etcd's data live in one temp dir (`dataDir`), removed by stop().
 * Nothing reconciles (no controller-manager, scheduler or kubelet): Deployments make no
 * ReplicaSets, Pods stay Pending, namespace deletion never finishes.
 *
 * Split by job, as controller-runtime's envtest is (test/support/kube/):
 *   binaries.ts       locating or building the cached kube-apiserver and etcd
 *   process.ts        starting and stopping processes, logs, free ports, HTTP probes
 *   pki.ts            the CA, serving certificate and service-account keys
 *   control-plane.ts  etcd + kube-apiserver started together, the kubeconfig
 *   apply.ts          server-side apply; manifests.ts reading manifests; crd.ts the SealedSecret CRD
 */
export { ensureKubeBinaries } from './kube/binaries.js';
export { startKubeApiServer, type KubeApiServer, type StartKubeApiServerOptions } from './kube/control-plane.js';
export { objectRef, serverSideApply, type ApplyAction, type ApplyResult, type ServerSideApplyOptions } from './kube/apply.js';
export { readManifestsDir } from './kube/manifests.js';
export { installSealedSecretCrd, sealedSecretCrdPath, SEALED_SECRETS_VERSION } from './kube/crd.js';
