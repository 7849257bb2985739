import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** A real SMTP server in this process; it keeps every message it accepts, parsed. */
export interface SmtpCapture {
  port: number;
  mails: ParsedMail[];
  /** Logins it saw (user names); a wrong password is refused with 535. */
  logins: string[];
  close(): Promise<void>;
}

export async function startSmtpCapture(
  options: { secure?: boolean; auth?: { user: string; pass: string }; port?: number } = {},
): Promise<SmtpCapture> {
  const mails: ParsedMail[] = [];
  const logins: string[] = [];
  const server = new SMTPServer({
    secure: options.secure ?? false,
    authOptional: !options.auth,
    disabledCommands: options.auth ? [] : ['AUTH'],
    // The self-signed certificate smtp-server ships serves STARTTLS and TLS; the client does not check it.
    allowInsecureAuth: false,
    logger: false,
    onAuth(auth, _session, cb) {
      if (options.auth && auth.username === options.auth.user && auth.password === options.auth.pass) {
        logins.push(auth.username ?? '');
        cb(null, { user: auth.username });
      } else {
        cb(Object.assign(new Error('Invalid username or password'), { responseCode: 535 }));
      }
    },
    onData(stream, _session, cb) {
      simpleParser(stream)
        .then((mail) => {
          mails.push(mail);
          cb();
        })
        .catch((err: Error) => cb(err));
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.server.address() as AddressInfo).port;
  return {
    port,
    mails,
    logins,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export interface ReceivedRequest {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  json: unknown;
}

/** A local HTTP receiver: answers each POST with the next status of `statuses` (then 200) and keeps it. */
export interface HttpReceiver {
  url: string;
  requests: ReceivedRequest[];
  /** Statuses the next requests get, in order (e.g. [503, 500] before a 200). */
  statuses: number[];
  close(): Promise<void>;
}

export async function startHttpReceiver(port = 0): Promise<HttpReceiver> {
  const requests: ReceivedRequest[] = [];
  const statuses: number[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      let json: unknown = undefined;
      try {
        json = JSON.parse(body);
      } catch {
        json = undefined;
      }
      const status = statuses.shift() ?? 200;
      if (status < 300) requests.push({ path: req.url ?? '', headers: req.headers, body, json });
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status < 300 ? 'ok' : 'unavailable');
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', () => resolve()));
  const address = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${address.port}`,
    requests,
    statuses,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
