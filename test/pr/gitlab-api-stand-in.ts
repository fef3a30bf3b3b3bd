/**
 * A loopback stand-in for the part of GitLab's REST API (/api/v4) that the
 * GitLab CI template uses, since GitLab cannot be reached from the tests:
 * merge request notes (list in pages, create, edit: the plan note), and what
 * reviewdog's gitlab-mr-discussion reporter reads and writes (the merge
 * request, the target branch, discussions). Shapes as GitLab documents them,
 * trimmed to the fields the clients read. Requests without the expected
 * PRIVATE-TOKEN get 401 like GitLab's; every request is recorded.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Note {
  id: number;
  body: string;
  system: boolean;
  author: { username: string };
}

export interface Discussion {
  id: string;
  body: string;
  position: Record<string, unknown>;
}

export interface GitLabMergeRequest {
  projectId: number;
  projectPath: string;
  iid: number;
  targetBranch: string;
  targetSha: string;
  sourceBranch: string;
  headSha: string;
}

export interface GitLabStandIn {
  /** The CI_API_V4_URL to give the job. */
  apiUrl: string;
  notes: Note[];
  discussions: Discussion[];
  requests: Array<{ method: string; path: string; authorized: boolean }>;
  mergeRequest: GitLabMergeRequest;
  close: () => Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function startGitLabStandIn(mergeRequest: GitLabMergeRequest, token: string): Promise<GitLabStandIn> {
  const notes: Note[] = [];
  const discussions: Discussion[] = [];
  const requests: GitLabStandIn['requests'] = [];
  let nextId = 5000;
  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://stand-in');
      const body = req.method === 'GET' ? '' : await readBody(req);
      const authorized = req.headers['private-token'] === token;
      requests.push({ method: req.method ?? '', path: url.pathname + url.search, authorized });
      const send = (status: number, value: unknown, headers: Record<string, string> = {}) => {
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(JSON.stringify(value));
      };
      if (!authorized) return send(401, { message: '401 Unauthorized' });
      // The project is named by id or by its URL-encoded path (reviewdog uses namespace/name).
      const m = /^\/api\/v4\/projects\/([^/]+)\/(.*)$/.exec(url.pathname);
      const project = m && decodeURIComponent(m[1]!);
      if (!m || (project !== String(mergeRequest.projectId) && project !== mergeRequest.projectPath)) return send(404, { message: '404 Project Not Found' });
      const rest = m[2]!;
      const mr = `merge_requests/${mergeRequest.iid}`;
      const json = () => (body ? (JSON.parse(body) as Record<string, unknown>) : {});

      if (req.method === 'GET' && rest === mr)
        return send(200, {
          id: 900,
          iid: mergeRequest.iid,
          project_id: mergeRequest.projectId,
          source_project_id: mergeRequest.projectId,
          target_project_id: mergeRequest.projectId,
          target_branch: mergeRequest.targetBranch,
          source_branch: mergeRequest.sourceBranch,
          sha: mergeRequest.headSha,
          state: 'opened',
          diff_refs: { base_sha: mergeRequest.targetSha, head_sha: mergeRequest.headSha, start_sha: mergeRequest.targetSha },
        });
      if (req.method === 'GET' && rest === `repository/branches/${encodeURIComponent(mergeRequest.targetBranch)}`)
        return send(200, { name: mergeRequest.targetBranch, commit: { id: mergeRequest.targetSha, short_id: mergeRequest.targetSha.slice(0, 8) } });

      if (rest === `${mr}/discussions`) {
        if (req.method === 'GET')
          return send(
            200,
            discussions.map((d) => ({ id: d.id, individual_note: false, notes: [{ id: 1, body: d.body, system: false, position: d.position }] })),
            { 'x-page': '1', 'x-next-page': '', 'x-total-pages': '1' },
          );
        if (req.method === 'POST') {
          const options = json();
          const discussion: Discussion = { id: `d${nextId++}`, body: String(options.body), position: (options.position ?? {}) as Record<string, unknown> };
          discussions.push(discussion);
          return send(201, {
            id: discussion.id,
            individual_note: false,
            notes: [{ id: nextId++, body: discussion.body, system: false, position: discussion.position }],
          });
        }
      }

      if (rest === `${mr}/notes`) {
        if (req.method === 'GET') {
          const perPage = Math.min(Number(url.searchParams.get('per_page') ?? 20), 100);
          const page = Number(url.searchParams.get('page') ?? 1);
          return send(200, notes.slice((page - 1) * perPage, page * perPage));
        }
        if (req.method === 'POST') {
          const note: Note = { id: nextId++, body: String(json().body), system: false, author: { username: 'project_42_bot' } };
          notes.push(note);
          return send(201, note);
        }
      }
      const edit = new RegExp(`^${mr}/notes/(\\d+)$`).exec(rest);
      if (edit && req.method === 'PUT') {
        const note = notes.find((n) => n.id === Number(edit[1]));
        if (!note) return send(404, { message: '404 Not found' });
        note.body = String(json().body);
        return send(200, note);
      }
      return send(404, { message: '404 Not Found' });
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    apiUrl: `http://127.0.0.1:${port}/api/v4`,
    notes,
    discussions,
    requests,
    mergeRequest,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
