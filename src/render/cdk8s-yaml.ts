import { createRequire } from 'node:module';

/**
 * cdk8s's YAML writer, loaded when first called: the files written with it
 * (kustomization.yaml with unusual names, the GitOps objects of
 * `layout: units`) do not make every synth load cdk8s (~50 ms).
 */
export function cdk8sYaml(): { stringify(value: unknown): string } {
  return (createRequire(import.meta.url)('cdk8s') as typeof import('cdk8s')).Yaml;
}
