import { describe, expect, it } from 'vitest';
import { asDatabaseUnavailable, DatabaseUnavailable, UniqueViolation } from './errors';

const withCode = (message: string, code: string | number, name = 'Error') =>
  Object.assign(new Error(message), { code, name });

describe('asDatabaseUnavailable', () => {
  it.each([
    [
      'libsql SQLITE_BUSY',
      withCode('SQLITE_BUSY: database is locked', 'SQLITE_BUSY', 'LibsqlError'),
      'locked',
    ],
    ['a message only', new Error('database is locked'), 'locked'],
    [
      'Prisma P1008 (a driver SQLITE_BUSY)',
      withCode('Operation has timed out', 'P1008', 'PrismaClientKnownRequestError'),
      'timeout',
    ],
    [
      'Prisma P1008 carrying the driver error',
      Object.assign(withCode('Operation has timed out', 'P1008', 'PrismaClientKnownRequestError'), {
        meta: {
          driverAdapterError: {
            name: 'DriverAdapterError',
            cause: { originalCode: '5', originalMessage: 'database is locked', kind: 'SocketTimeout' },
          },
        },
      }),
      'locked',
    ],
    ['Prisma P2024 pool timeout', withCode('Timed out fetching a new connection', 'P2024'), 'timeout'],
    [
      'Prisma P2028 expired transaction',
      withCode('Transaction already closed: A commit cannot be executed on an expired transaction.', 'P2028'),
      'timeout',
    ],
    [
      'the relay worker timing out',
      withCode('database call appendJournal timed out', 'ETIMEDOUT'),
      'timeout',
    ],
    ['PostgreSQL refused', withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED'), 'unreachable'],
    ['Prisma P1001', withCode("Can't reach database server at 127.0.0.1:5432", 'P1001'), 'unreachable'],
    ['PostgreSQL admin shutdown', withCode('terminating connection', '57P01'), 'unreachable'],
    ['PostgreSQL connection exception', withCode('connection failure', '08006'), 'unreachable'],
    ['pg connection terminated', new Error('Connection terminated unexpectedly'), 'unreachable'],
    ['pg connect timeout', new Error('Connection terminated due to connection timeout'), 'unreachable'],
  ])('recognises %s', (_what, err, reason) => {
    const unavailable = asDatabaseUnavailable(err);
    expect(unavailable).toBeInstanceOf(DatabaseUnavailable);
    expect(unavailable?.reason).toBe(reason);
    expect(unavailable?.message).toBe(`database unavailable (${reason}), retry`);
    expect(unavailable?.cause).toBe(err);
  });

  it('looks through causes (a wrapped driver error)', () => {
    const inner = withCode('SQLITE_BUSY: database is locked', 'SQLITE_BUSY');
    expect(asDatabaseUnavailable(new Error('write failed', { cause: inner }))?.reason).toBe('locked');
  });

  it('recognises one that crossed the worker boundary as name and message', () => {
    expect(asDatabaseUnavailable(new Error('database unavailable (unreachable), retry'))?.reason).toBe(
      'unreachable',
    );
  });

  it('recognises one that crossed the worker boundary (name and reason survive)', () => {
    const crossed = Object.assign(new Error('database unavailable (locked), retry'), {
      name: 'DatabaseUnavailable',
      reason: 'locked',
    });
    expect(asDatabaseUnavailable(crossed)?.reason).toBe('locked');
  });

  it.each([
    ['a unique violation', new UniqueViolation('trade group', { id: 'M1' })],
    ['Prisma P2002', withCode('Unique constraint failed', 'P2002', 'PrismaClientKnownRequestError')],
    ['a constraint error', withCode('SQLITE_CONSTRAINT: NOT NULL', 'SQLITE_CONSTRAINT_NOTNULL')],
    ['a bug', new TypeError("Cannot read properties of undefined (reading 'id')")],
    ['not an error', 'boom'],
    ['null', null],
  ])('leaves %s alone', (_what, err) => {
    expect(asDatabaseUnavailable(err)).toBeNull();
  });
});
