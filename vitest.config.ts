import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    // beforeAll hooks start a real kube-apiserver + etcd (a few seconds each, more under load).
    hookTimeout: 180_000,
    // global-setup.ts builds (or finds cached) kube-apiserver and etcd once per run: see test/kube/build.sh.
    globalSetup: ['test/support/build.ts', 'test/support/global-setup.ts'],
  },
});
