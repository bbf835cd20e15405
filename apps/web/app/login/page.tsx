// Login: posts the admin password to /api/auth/login, which sets the HttpOnly session cookie.
import { LoginForm } from '@/ui/login-form';

export const dynamic = 'force-dynamic';

export default async function Login({
  searchParams,
}: {
  searchParams: Promise<{ error?: string; next?: string }>;
}) {
  const { error, next } = await searchParams;
  const safeNext = next?.startsWith('/') && !next.startsWith('//') ? next : '/';
  return <LoginForm next={safeNext} initialError={Boolean(error)} />;
}
