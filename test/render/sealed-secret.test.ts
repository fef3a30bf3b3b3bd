import { describe, expect, it } from 'vitest';
import { fakeSealed } from '../declarations/fixtures.js';
import { sealedSecretManifest } from '../../src/secrets/sealed-secret.js';
import { model, object, render } from './helpers.js';

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

  it('renders as the SealedSecret of sealedSecretManifest, ciphertexts passed through', () => {
    const secret = model({ 'resources/tls.yaml': TLS_SECRET }).secrets.get('default/web-tls')!;
    expect(sealed).toEqual(sealedSecretManifest(secret));
    expect(sealed.apiVersion).toBe('bitnami.com/v1alpha1');
    expect(sealed.kind).toBe('SealedSecret');
    expect(sealed.spec.encryptedData).toEqual({ 'tls.crt': fakeSealed(6), 'tls.key': fakeSealed(5) });
    expect(sealed.spec.template.type).toBe('kubernetes.io/tls');
    expect(sealed.spec.template.metadata.labels).toEqual({ tier: 'edge' });
    expect(sealed.metadata.annotations).toEqual({ 'sealedsecrets.bitnami.com/namespace-wide': 'true' });
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
