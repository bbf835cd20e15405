// Runs once when the Next server starts (Node runtime only: the edge runtime cannot open the database).
export async function register() {
  // NEXT_RUNTIME is set by Next itself, not configuration, so reading it here is the documented exception.
  if (process.env.NEXT_RUNTIME === 'nodejs') await import('./src/server/start');
}
