/**
 * The comparison `mcpo diff` and `mcpo plan` share: which declarations
 * differ, both sides rendered only where they do, and the files that differ.
 */
import type { GitopsConfig } from '../declarations/repo-config.js';
import type { Model } from '../model/types.js';
import { type Affected, findAffected } from './affected.js';
import { compareFiles, type FileChange } from './compare.js';
import { renderAffected, type RenderedSide } from './partial-render.js';

export interface Comparison {
  readonly affected: Affected;
  readonly base: RenderedSide;
  readonly head: RenderedSide;
  /** The rendered files that differ, in path order. */
  readonly changes: readonly FileChange[];
}

export interface ModelSide {
  readonly model: Model;
  readonly bridgeImage: string;
  /** The side's mcpo.yaml gitops section (the layout of its output). */
  readonly gitops?: GitopsConfig;
}

export function compareModels(base: ModelSide, head: ModelSide): Comparison {
  const affected = findAffected(base.model, head.model, base.bridgeImage, head.bridgeImage);
  const b = renderAffected(base.model, base.bridgeImage, affected, base.gitops);
  const h = renderAffected(head.model, head.bridgeImage, affected, head.gitops);
  return { affected, base: b, head: h, changes: compareFiles(b.files, h.files) };
}
