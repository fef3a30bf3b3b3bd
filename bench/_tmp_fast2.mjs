import { readFileSync } from 'node:fs';
import jsYaml from 'js-yaml';
import { Schema } from 'yaml';
const text = readFileSync('/tmp/lead-cache/bench/repo/resources/templates/team-data-03/alpha-comet-02066.yaml', 'utf8');
const PLAIN = new jsYaml.Type('tag:mcp-orchestrator.io,2026:plain', { kind: 'scalar', resolve: () => true, construct: (t) => ({t}) });
const SCHEMA = jsYaml.FAILSAFE_SCHEMA.extend({ implicit: [PLAIN] });
try { console.log(jsYaml.load(text, { schema: SCHEMA })); } catch (e) { console.log(e.message); }
