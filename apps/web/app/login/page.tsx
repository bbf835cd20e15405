// Login: posts the admin password to /api/auth/login, which sets the HttpOnly session cookie.
import { LoginForm } from '@/ui/login-form';

export const dynamic = 'force-dynamic';

export default async function Login({
  searchParams,
}: {
  searchParams: Promise<{ error?: string; next?: string; retry?: string }>;
}) {
  const { error, next, retry } = await searchParams;
  const safeNext = next?.startsWith('/') && !next.startsWith('//') ? next : '/';
  // `error=limited&retry=N`: the login limits refused the form post (docs/api.md, Login limits).
  const limitedForS = error === 'limited' && /^\d{1,6}$/.test(retry ?? '') ? Number(retry) : undefined;
  return <LoginForm next={safeNext} initialError={Boolean(error)} limitedForS={limitedForS} />;
}
