/** The commit served, and a banner while the newest commit is invalid (or none loaded yet). */
import type { Diagnostic, ServerState } from './api.js';

export function CommitInfo({ server }: { server: ServerState }) {
  if (!server.commit) return <p class="commit">no commit served yet</p>;
  return (
    <p class="commit" title={server.commit}>
      commit <code data-testid="commit">{server.commit.slice(0, 12)}</code>
      {server.commitTime && (
        <>
          {' '}
          · committed{' '}
          <time data-testid="commit-time" dateTime={server.commitTime.toISOString()}>
            {server.commitTime.toLocaleString()}
          </time>
        </>
      )}
    </p>
  );
}

export function diagnosticLocation(d: Diagnostic): string {
  return [d.file || '(repository)', d.line, d.column].filter((x) => x !== undefined && x !== '').join(':');
}

export function DiagnosticList({ diagnostics }: { diagnostics: Diagnostic[] }) {
  return (
    <ul class="diagnostics">
      {diagnostics.map((d, i) => (
        <li key={i}>
          <code>{diagnosticLocation(d)}</code> {d.message}
        </li>
      ))}
    </ul>
  );
}

/** `<sha>: N error(s); first: file:line:col: message` (interceptor.ts reloadErrorHeader). */
function parseReloadError(header: string): { sha: string; count: string; first?: string } {
  const m = /^([0-9a-f]+): (\d+) error\(s\)(?:; first: (.*))?$/s.exec(header);
  return m ? { sha: m[1]!, count: m[2]!, first: m[3] } : { sha: '', count: '?', first: header };
}

function More({ shown, total }: { shown: number; total: number }) {
  if (total <= shown) return null;
  return (
    <p>
      … and {total - shown} more (run <code>mcpo validate</code> on that commit)
    </p>
  );
}

export function Banner({ server }: { server: ServerState }) {
  if (server.offline)
    return (
      <section class="banner" role="alert" data-testid="banner">
        <strong>The server does not answer.</strong> Showing what it last said; trying again every few seconds.
      </section>
    );
  const source = server.sourceError && (
    <section class="banner" role="alert" data-testid="source-banner">
      <strong>The repository cannot be read:</strong> {server.sourceError}.{' '}
      {server.commit ? `Still serving ${server.commit.slice(0, 12)}, the last commit read.` : 'Nothing is served until it can.'}
    </section>
  );
  return (
    <>
      {source}
      <CommitBanner server={server} />
    </>
  );
}

function CommitBanner({ server }: { server: ServerState }) {
  const newest = server.newest;
  if (!server.commit && (server.unavailable || newest)) {
    const diagnostics = newest?.diagnostics ?? server.unavailable?.diagnostics ?? [];
    const total = newest?.total ?? server.unavailable?.total ?? diagnostics.length;
    return (
      <section class="banner" role="alert" data-testid="banner">
        <strong>No valid commit loaded yet.</strong>{' '}
        {newest ? `Commit ${newest.commit.slice(0, 12)} has ${total} error${total === 1 ? '' : 's'}.` : server.unavailable?.message}
        <DiagnosticList diagnostics={diagnostics} />
        <More shown={diagnostics.length} total={total} />
      </section>
    );
  }
  if (newest) {
    return (
      <section class="banner" role="alert" data-testid="banner">
        <strong>
          The newest commit {newest.commit.slice(0, 12)} is invalid ({newest.total} error{newest.total === 1 ? '' : 's'}); still serving{' '}
          {server.commit?.slice(0, 12)}.
        </strong>
        <DiagnosticList diagnostics={newest.diagnostics} />
        <More shown={newest.diagnostics.length} total={newest.total} />
      </section>
    );
  }
  if (!server.reloadError) return null;
  // Before the first status answer: the one line every answer's header carries.
  const r = parseReloadError(server.reloadError);
  return (
    <section class="banner" role="alert" data-testid="banner">
      <strong>
        The newest commit {r.sha.slice(0, 12)} is invalid ({r.count} error{r.count === '1' ? '' : 's'}); still serving{' '}
        {server.commit?.slice(0, 12) ?? 'the last valid commit'}.
      </strong>
      {r.first && (
        <ul class="diagnostics">
          <li>
            <code>{r.first}</code>
          </li>
        </ul>
      )}
    </section>
  );
}
