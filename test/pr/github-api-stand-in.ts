/**
 * A loopback stand-in for the part of api.github.com the comment step uses
 * (GitHub cannot be reached from the tests): issue comments of one
 * repository, listed in pages, created and updated, as the REST API
 * documents them ("List issue comments", "Create an issue comment", "Update
 * an issue comment"). Requests without the expected bearer token get 401
 * like GitHub's; every request is recorded for the assertions.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Comment {
  id: number;
  body: string;
  user: { login: string; type: string };
  html_url: string;
}

export interface RecordedRequest {
  method: string;
  path: string;
  authorized: boolean;
  body?: string;
}

export interface GitHubStandIn {
  url: string;
  comments: Map<number, Comment[]>;
  requests: RecordedRequest[];
  /** Makes POST and PATCH answer 403, as a read-only token's would. */
  readOnly: boolean;
  close: () => Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function startGitHubStandIn(repository: string, token: string): Promise<GitHubStandIn> {
  const comments = new Map<number, Comment[]>();
  const requests: RecordedRequest[] = [];
  let nextId = 1000;
  const state = { readOnly: false };
  const server: Server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://stand-in');
      const body = req.method === 'GET' ? undefined : await readBody(req);
      const authorized = req.headers.authorization === `Bearer ${token}`;
      requests.push({ method: req.method ?? '', path: url.pathname + url.search, authorized, ...(body !== undefined ? { body } : {}) });
      const send = (status: number, value: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
        res.end(JSON.stringify(value));
      };
      if (!authorized) return send(401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' });
      const prefix = `/repos/${repository}/issues/`;
      if (!url.pathname.startsWith(prefix)) return send(404, { message: 'Not Found' });
      const rest = url.pathname.slice(prefix.length).split('/');
      const htmlUrl = (issue: number, id: number) => `https://github.com/${repository}/pull/${issue}#issuecomment-${id}`;
      if (rest.length === 2 && rest[1] === 'comments' && /^\d+$/.test(rest[0]!)) {
        const issue = Number(rest[0]);
        const list = comments.get(issue) ?? [];
        if (req.method === 'GET') {
          const perPage = Math.min(Number(url.searchParams.get('per_page') ?? 30), 100);
          const page = Number(url.searchParams.get('page') ?? 1);
          return send(200, list.slice((page - 1) * perPage, page * perPage));
        }
        if (req.method === 'POST') {
          if (state.readOnly) return send(403, { message: 'Resource not accessible by integration' });
          const comment: Comment = {
            id: nextId++,
            body: (JSON.parse(body!) as { body: string }).body,
            user: { login: 'github-actions[bot]', type: 'Bot' },
            html_url: '',
          };
          comment.html_url = htmlUrl(issue, comment.id);
          comments.set(issue, [...list, comment]);
          return send(201, comment);
        }
      }
      if (rest.length === 2 && rest[0] === 'comments' && /^\d+$/.test(rest[1]!) && req.method === 'PATCH') {
        if (state.readOnly) return send(403, { message: 'Resource not accessible by integration' });
        for (const list of comments.values()) {
          const comment = list.find((c) => c.id === Number(rest[1]));
          if (comment) {
            comment.body = (JSON.parse(body!) as { body: string }).body;
            return send(200, comment);
          }
        }
      }
      return send(404, { message: 'Not Found' });
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    comments,
    requests,
    get readOnly() {
      return state.readOnly;
    },
    set readOnly(value: boolean) {
      state.readOnly = value;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
