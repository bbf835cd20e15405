// A real tRPC client whose link answers from a map of procedure handlers (component tests of views that use
// useTRPC/useQuery): a handler's return value is the procedure's data, a thrown `{code, message, reason?}` becomes
// the TRPCClientError the server would have sent.
import { createTRPCClient, TRPCClientError, type TRPCLink } from '@trpc/client';
import { observable } from '@trpc/server/observable';
import type { AppRouter } from '../server/trpc/router';

export type Handlers = Record<string, (input: unknown) => unknown>;

export class FakeRefusal extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly reason: string | null = null,
  ) {
    super(message);
  }
}

export function fakeTrpcClient(handlers: Handlers, calls: { path: string; input: unknown }[] = []) {
  const link: TRPCLink<AppRouter> =
    () =>
    ({ op }) =>
      observable((observer) => {
        calls.push({ path: op.path, input: op.input });
        const handler = handlers[op.path];
        Promise.resolve()
          .then(() => {
            if (!handler) throw new FakeRefusal('NOT_FOUND', `no fake for ${op.path}`);
            return handler(op.input);
          })
          .then(
            (data) => {
              observer.next({ result: { type: 'data', data } });
              observer.complete();
            },
            (err: unknown) => {
              const e =
                err instanceof FakeRefusal ? err : new FakeRefusal('INTERNAL_SERVER_ERROR', String(err));
              observer.error(
                TRPCClientError.from({
                  error: {
                    message: e.message,
                    code: -32603,
                    data: { code: e.code, httpStatus: 400, reason: e.reason },
                  },
                }),
              );
            },
          );
      });
  return createTRPCClient<AppRouter>({ links: [link] });
}
