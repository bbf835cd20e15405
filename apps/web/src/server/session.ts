// Session lookup for server components (pages), from the request's cookies.
import { cookies } from 'next/headers';
import { getWebApp } from './app';
import { SESSION_COOKIE } from './services/auth';

export async function isLoggedIn(): Promise<boolean> {
  const token = (await cookies()).get(SESSION_COOKIE)?.value;
  if (!token) return false;
  const app = await getWebApp();
  return (await app.services.auth.authenticate(null, token)) !== null;
}
