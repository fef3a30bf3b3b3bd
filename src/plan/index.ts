/** What the CLI takes from the plan stage. */
export { BuildCache, loadSide, requireModel, type Side } from './sides.js';
export { compareModels, type Comparison } from './comparison.js';
export { unifiedDiff } from './compare.js';
export { buildPlan, type Plan } from './plan.js';
export { formatText } from './format-text.js';
export { formatJson, planJson } from './format-json.js';
export { formatInvalidMarkdown, formatMarkdown, MARKER, MAX_COMMENT_BYTES } from './format-markdown.js';
