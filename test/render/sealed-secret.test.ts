import { describe, expect, it } from 'vitest';
import { fakeSealed } from '../declarations/fixtures.js';
import { object, render } from './helpers.js';

const TLS_SECRET = `kind: Secret
name: web-tls
namespace: default
type: SECRET_TYPE_TLS
labels: { tier: edge }
sealed:
  scope: SEALING_SCOPE_NAMESPACE_WIDE
  encrypted_data:
    tls.key: ${fakeSealed(5)}
    tls.crt: ${fakeSealed(6)}
`;

describe('a declared Secret', () => {
  const files = render({ 'resources/tls.yaml': TLS_SECRET });
  const sealed = object(files, 'namespaces/default/sealedsecret-web-tls.yaml');

  it('renders as a bitnami.com/v1alpha1 SealedSecret: ciphertexts passed through, scope annotated, declared labels only', () => {
    // Written out in full (not computed by the function render calls) so that a change to the
    // format fails here. The scope annotation on the object and on its template is what kubeseal
    // writes; the controller unseals the template into the Secret.
    const metadata = {
      name: 'web-tls',
      namespace: 'default',
      labels: { tier: 'edge' },
      annotations: { 'sealedsecrets.bitnami.com/namespace-wide': 'true' },
    };
    expect(sealed).toStrictEqual({
      apiVersion: 'bitnami.com/v1alpha1',
      kind: 'SealedSecret',
      metadata,
      spec: {
        encryptedData: { 'tls.crt': fakeSealed(6), 'tls.key': fakeSealed(5) },
        template: { metadata, type: 'kubernetes.io/tls' },
      },
    });
    // Keys sorted in the file, so the same Secret always renders the same bytes.
    expect(files.get('namespaces/default/sealedsecret-web-tls.yaml')).toMatch(/encryptedData:\n {4}tls\.crt: [^\n]+\n {4}tls\.key: /);
  });

  it('sits in its namespace folder and is listed by its kustomization.yaml', () => {
    expect(files.get('namespaces/default/kustomization.yaml')).toContain('  - sealedsecret-web-tls.yaml\n');
  });

  it('never renders a plain Secret', () => {
    for (const [path, text] of files) {
      if (path.endsWith('kustomization.yaml')) continue;
      expect(object(files, path).kind).not.toBe('Secret');
      expect(text).not.toMatch(/^\s*(data|stringData):/m);
    }
  });
});
