/**
 * A loaded model and a served snapshot are shared by every call: nothing may
 * change them, Maps included (Object.freeze alone leaves a Map writable).
 */
import { describe, expect, it } from 'vitest';
import { assembleSnapshot } from '../../src/serve/snapshot.js';
import { check } from '../declarations/fixtures.js';

function model() {
  const { model } = check({});
  expect(model).toBeDefined();
  return model!;
}

const times = { sha: 'a'.repeat(40), commitTime: 0, times: new Map<string, number>(), under: 'resources' };

describe('the model of a commit is immutable', () => {
  it('its maps refuse set, delete and clear', () => {
    const m = model();
    const template = m.templates.get('default/my-memory-server')!;
    expect(() => (m.templates as Map<string, unknown>).set('default/x', template)).toThrow(TypeError);
    expect(() => (m.presets as Map<string, unknown>).delete('n1-standard-nano')).toThrow(TypeError);
    expect(() => (m.namespaces as Map<string, unknown>).clear()).toThrow(TypeError);
    expect([...m.templates.keys()]).toEqual(['default/my-memory-server']);
    expect(m.presets.has('n1-standard-nano')).toBe(true);
  });

  it('its declarations refuse changes, deep down', () => {
    const template = model().templates.get('default/my-memory-server')!;
    expect(() => ((template as { image: string }).image = 'evil:latest')).toThrow(TypeError);
    expect(() => (template.args as string[]).push('--evil')).toThrow(TypeError);
    expect(() => ((template.labels as Record<string, string>).env = 'dev')).toThrow(TypeError);
    expect(template.image).toBe('node:24-alpine3.21');
  });

  it('a snapshot freezes a model that arrives unfrozen (as from the build worker, by structured clone)', () => {
    const cloned = structuredClone(model());
    (cloned.templates as Map<string, unknown>).set('probe', 1);
    (cloned.templates as Map<string, unknown>).delete('probe');
    const snapshot = assembleSnapshot(times.sha, cloned, times);
    expect(() => (snapshot.files as Map<string, unknown>).set('default/x', 'x.yaml')).toThrow(TypeError);
    expect(() => (snapshot.templateByKey as Map<string, unknown>).delete('default/my-memory-server')).toThrow(TypeError);
    expect(() => ((snapshot.templates[0] as { name: string }).name = 'x')).toThrow(TypeError);
  });
});
