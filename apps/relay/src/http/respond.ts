// JSON in and out for the control API (docs/api.md).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { z } from 'zod';

const MAX_BODY_BYTES = 1024 * 1024;

/** The request body as JSON; undefined when it is not JSON or larger than 1 MiB. */
export async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

export function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

/** Answers 400 naming the first issue; true (the route was answered). */
export function badRequest(res: ServerResponse, error: z.ZodError): true {
  const issue = error.issues[0];
  json(res, 400, {
    error: 'bad_request',
    message: `${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'}`,
  });
  return true;
}
