// Test helper, run as a child process: holds an exclusive lock on a SQLite file for a while, the way another
// program (a backup tool, a `sqlite3` shell with an open transaction) would.
// Usage: node hold-sqlite-lock.mjs <file> <holdMs>. Prints "locked" once it holds the lock, "released" after.
import Database from 'libsql';

const [file, holdMs] = process.argv.slice(2);
const db = new Database(file);
db.prepare('PRAGMA busy_timeout = 10000').get();
db.exec('BEGIN EXCLUSIVE');
process.stdout.write('locked\n');
setTimeout(() => {
  db.exec('COMMIT');
  db.close();
  process.stdout.write('released\n');
}, Number(holdMs));
