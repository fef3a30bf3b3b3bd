/**
 * Workflow command lines read back as the GitHub runner reads them
 * (`::command key=value,key=value::message`), so tests can check what a
 * reviewer would see in an annotation, not only what was printed.
 */
export interface WorkflowCommand {
  command: string;
  properties: Record<string, string>;
  message: string;
}

const DATA = { '%25': '%', '%0D': '\r', '%0A': '\n' } as Record<string, string>;
const PROPERTY = { ...DATA, '%3A': ':', '%2C': ',' } as Record<string, string>;

function unescape(text: string, table: Record<string, string>): string {
  return text.replace(/%(?:25|0D|0A|3A|2C)/g, (m) => table[m] ?? m);
}

export function parseAnnotation(line: string): WorkflowCommand {
  if (!line.startsWith('::')) throw new Error(`not a workflow command: ${line}`);
  const end = line.indexOf('::', 2);
  if (end === -1) throw new Error(`not a workflow command: ${line}`);
  const info = line.slice(2, end);
  const space = info.indexOf(' ');
  const command = space === -1 ? info : info.slice(0, space);
  const properties: Record<string, string> = {};
  if (space !== -1)
    for (const pair of info.slice(space + 1).split(',')) {
      const eq = pair.indexOf('=');
      if (eq > 0) properties[pair.slice(0, eq)] = unescape(pair.slice(eq + 1), PROPERTY);
    }
  return { command, properties, message: unescape(line.slice(end + 2), DATA) };
}
