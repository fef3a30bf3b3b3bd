/**
 * No value under a secret's sealed data is ever shown back, whatever its YAML
 * type, tag or syntax: every position of a sentinel under `sealed:` is tried,
 * through the pure loader and through the real CLI (text, --format json, stderr).
 */
import { describe, expect, it } from 'vitest';
import { mcpo } from '../support/mcpo.js';
import { check, fakeSealed, tempRepo } from './fixtures.js';

const S = '48151623420';
const head = (name: string) => `kind: Secret\nname: ${name}\nnamespace: default\n`;
const data = (name: string, body: string) => `${head(name)}sealed:\n  encrypted_data:\n${body}`;

/** Each case: a file whose only secret material is S, written as some YAML type or syntax. */
const CASES: Record<string, string> = {
  int: data('int', `    pin: ${S}\n`),
  negative: data('negative', `    pin: -${S}\n`),
  float: data('float', `    pin: ${S}.5\n`),
  exponent: data('exponent', `    pin: ${S}e3\n`),
  hex: data('hex', `    pin: 0x${S}\n`),
  octal: data('octal', `    pin: 0o${S.replace(/[89]/g, '7')}${S}\n`),
  bool: data('bool', `    pin: !!bool ${S}\n`),
  null: data('null', `    pin: !!null ${S}\n`),
  timestamp: data('timestamp', `    pin: !!timestamp ${S}\n`),
  binary: data('binary', `    pin: !!binary ${S}\n`),
  str: data('str', `    pin: !!str ${S}\n`),
  int_tag: data('int-tag', `    pin: !!int "x${S}"\n`),
  custom_tag: data('custom-tag', `    pin: !foo ${S}\n`),
  tag_name: data('tag-name', `    pin: !x${S} x\n`),
  unexpected_token: data('unexpected-token', `    pin: ] ${S}\n`),
  verbatim_tag: data('verbatim-tag', `    pin: !<tag:example.com,2000:${S}> x\n`),
  plaintext: data('plaintext', `    pin: "hunter2-${S}"\n`),
  base64_plaintext: data('base64-plaintext', `    pin: ${Buffer.from(S).toString('base64')}\n`),
  block: data('block', `    pin: |\n      ${S}\n`),
  folded: data('folded', `    pin: >-\n      ${S}\n      more\n`),
  mapping: data('mapping', `    pin: {a: ${S}}\n`),
  mapping_key: data('mapping-key', `    pin: {${S}: x}\n`),
  list: data('list', `    pin: [${S}]\n`),
  nested_list: data('nested-list', `    pin:\n      - - ${S}\n`),
  anchor: data('anchor', `    pin: &a ${S}\n    other: *a\n`),
  anchor_in_value: data('anchor-in-value', `    pin: [&a ${S}]\n    other: *a\n`),
  alias_to_name: `kind: Secret\nnamespace: default\nsealed:\n  encrypted_data:\n    pin: &a "x-${S}"\nname: *a\n`,
  alias_to_label: `${head('alias-to-label')}sealed:\n  encrypted_data:\n    pin: &a "x-${S}"\nlabels:\n  a: *a\n`,
  alias_to_label_key: `${head('alias-to-label-key')}sealed:\n  encrypted_data:\n    pin: &a "x${S}"\nlabels:\n  *a : b\n`,
  alias_to_type: `${head('alias-to-type')}sealed:\n  encrypted_data:\n    pin: &a "SECRET_TYPE_${S}"\ntype: *a\n`,
  alias_of_mapping: `${head('alias-of-mapping')}sealed: &a\n  encrypted_data:\n    pin: "x${S}"\nlabels: *a\n`,
  alias_as_data_key: data('alias-as-data-key', `    pin: &a x${S}\n    *a : y\n`),
  alias_as_sealed_key: `${head('alias-as-sealed-key')}sealed:\n  encrypted_data:\n    pin: &a x${S}\n  *a : y\n`,
  duplicate_key: data('duplicate-key', `    pin: ${S}\n    pin: ${S}1\n`),
  unclosed_quote: data('unclosed-quote', `    pin: "${S}\n`),
  unclosed_single: data('unclosed-single', `    pin: '${S}\n`),
  unclosed_flow: data('unclosed-flow', `    pin: [${S}\n`),
  bad_escape: data('bad-escape', `    pin: "${S}\\q"\n`),
  bad_unicode_escape: data('bad-unicode-escape', `    pin: "\\u${S}"\n`),
  bad_start: data('bad-start', `    pin: @${S}\n`),
  backquote: data('backquote', `    pin: \`${S}\n`),
  implicit_key: data('implicit-key', `    pin: ${S}: x\n`),
  tab: data('tab', `    pin:\n\t${S}\n`),
  bad_indent: data('bad-indent', `    pin: a\n   ${S}\n`),
  multiline_key: data('multiline-key', `    "${S}\n    x": y\n`),
  anchor_twice: data('anchor-twice', `    pin: &a &b ${S}\n`),
  tag_twice: data('tag-twice', `    pin: !!str !!str ${S}\n`),
  undefined_alias: data('undefined-alias', `    pin: *${S}\n`),
  directive: `%YAML 9.${S}\n---\n${data('directive', `    pin: x\n`)}`,
  comment_then_value: data('comment-then-value', `    pin: ${S} # c\n`),
  // The sealed message generally: its other fields and its own shape.
  scope_number: `${head('scope-number')}sealed:\n  scope: ${S}\n  encrypted_data:\n    k: ${fakeSealed(1)}\n`,
  scope_string: `${head('scope-string')}sealed:\n  scope: SCOPE_${S}\n  encrypted_data:\n    k: ${fakeSealed(1)}\n`,
  sealed_scalar: `${head('sealed-scalar')}sealed: ${S}\n`,
  sealed_list: `${head('sealed-list')}sealed: [${S}]\n`,
  sealed_unknown_key: `${head('sealed-unknown-key')}sealed:\n  pin_${S}: x\n  encrypted_data:\n    k: ${fakeSealed(1)}\n`,
  sealed_number_key: `${head('sealed-number-key')}sealed:\n  ${S}: x\n`,
  misindented: `${head('misindented')}sealed:\n  encrypted_data:\n  pin_${S}: ${S}\n`,
  data_scalar: `${head('data-scalar')}sealed:\n  encrypted_data: ${S}\n`,
  data_list: `${head('data-list')}sealed:\n  encrypted_data: [${S}]\n`,
  big_number: data('big-number', `    pin: ${S.repeat(40)}\n`),
};

describe("no value under a secret's sealed data is ever shown back", () => {
  it.each(Object.entries(CASES))('%s: refused, and the value is in no diagnostic', (name, yaml) => {
    const { model, diagnostics, lines } = check({ [`resources/${name}.yaml`]: yaml });
    expect(model, `${name} should not validate`).toBeUndefined();
    expect(diagnostics.length).toBeGreaterThan(0);
    for (const line of lines) expect(line).not.toContain(S);
    expect(JSON.stringify(diagnostics)).not.toContain(S);
  });

  it('the CLI shows none of them, in text, in --format json, or on stderr', () => {
    const dir = tempRepo({
      'resources/namespace.yaml': 'kind: Namespace\nname: default\n',
      ...Object.fromEntries(Object.entries(CASES).map(([name, yaml]) => [`resources/secrets/${name}.yaml`, yaml])),
    });
    const text = mcpo(['validate', '--repo', dir]);
    expect(text.code).toBe(1);
    expect(text.stderr).toMatch(/\d+ errors\n$/);
    expect(text.stdout + text.stderr).not.toContain(S);
    const json = mcpo(['validate', '--repo', dir, '--format', 'json']);
    expect(json.code).toBe(1);
    const report = JSON.parse(json.stdout) as { diagnostics: Array<{ file: string }> };
    // Every case file was refused for something.
    const files = new Set(report.diagnostics.map((d) => d.file));
    for (const name of Object.keys(CASES)) expect(files, name).toContain(`resources/secrets/${name}.yaml`);
    expect(json.stdout + json.stderr).not.toContain(S);
  });

  it('what is outside the sealed data is still shown', () => {
    const { lines } = check({ 'resources/s.yaml': `${head('s')}labels:\n  a: ${S}\nsealed:\n  encrypted_data:\n    k: ${fakeSealed(1)}\n` });
    expect(lines).toEqual([`resources/s.yaml:5:6: Secret/default/s: labels["a"]: expected a string, got a number (quote it: "${S}")`]);
  });
});
