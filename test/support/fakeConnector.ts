import { createServer, type IncomingMessage, type Server } from 'node:http';

export interface RecordedCall {
  method: string;
  path: string;
  activity: Record<string, any>;
  /** When the call arrived (Date.now()). */
  at: number;
}

/**
 * A scripted answer: e.g. 429 with or without Retry-After, 500, 403; `hang` accepts the
 * connection and never answers (until releaseHangs or stop). Undefined lets the call succeed.
 */
export type ConnectorScript = (
  call: RecordedCall,
) => { status: number; headers?: Record<string, string>; delayMs?: number; body?: object } | { hang: true } | undefined;

/** A stand-in for the Bot Connector on 127.0.0.1 that records what the bot sends. */
export class FakeConnector {
  readonly calls: RecordedCall[] = [];
  /** Calls that got a scripted failure instead of being accepted. */
  readonly refused: RecordedCall[] = [];
  script?: ConnectorScript;
  /** Team members the bot may look up (GET …/members/{id}), by Teams user id. */
  readonly members = new Map<string, Record<string, unknown>>();
  /** Calls left hanging (no answer), in arrival order. */
  readonly hung: RecordedCall[] = [];
  private readonly hangs: Array<() => void> = [];
  private server?: Server;
  private sequence = 0;

  get started(): boolean {
    return Boolean(this.server?.listening);
  }

  get url(): string {
    const address = this.server?.address();
    if (!address || typeof address !== 'object') throw new Error('connector not started');
    return `http://127.0.0.1:${address.port}`;
  }

  async start(): Promise<void> {
    this.server = createServer(async (req, res) => {
      const member = /\/members\/([^/?]+)$/.exec(req.url ?? '');
      if (req.method === 'GET' && member) {
        const found = this.members.get(decodeURIComponent(member[1]!));
        res.writeHead(found ? 200 : 404, { 'content-type': 'application/json' });
        res.end(JSON.stringify(found ?? { error: { code: 'MemberNotFound', message: 'not found' } }));
        return;
      }
      const activity = JSON.parse((await body(req)) || '{}');
      const call = { method: req.method ?? '', path: req.url ?? '', activity, at: Date.now() };
      const scripted = this.script?.(call);
      if (scripted && 'hang' in scripted) {
        this.hung.push(call);
        // Never answered: the socket stays open until released (then destroyed, as a dead peer would).
        this.hangs.push(() => res.destroy());
        return;
      }
      if (scripted?.delayMs) await new Promise((resolve) => setTimeout(resolve, scripted.delayMs));
      if (scripted && scripted.status >= 300) {
        this.refused.push(call);
        res.writeHead(scripted.status, { 'content-type': 'application/json', ...scripted.headers });
        res.end(JSON.stringify(scripted.body ?? { error: { code: 'Scripted', message: `scripted ${scripted.status}` } }));
        return;
      }
      this.calls.push(call);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id: `activity-${++this.sequence}` }));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
  }

  /** Drops the connections left hanging. */
  releaseHangs(): void {
    for (const release of this.hangs.splice(0)) release();
  }

  stop(): Promise<void> {
    this.releaseHangs();
    return new Promise((resolve) => {
      this.server?.closeAllConnections();
      this.server?.close(() => resolve());
    });
  }
}

function body(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (text += chunk));
    req.on('end', () => resolve(text));
    req.on('error', reject);
  });
}
