// Every admin page needs a session; without one the browser goes to the login page.
import { redirect } from 'next/navigation';
import type { ReactNode } from 'react';
import { isLoggedIn } from '@/server/session';
import { AdminShell } from '@/ui/shell';

export const dynamic = 'force-dynamic';

export default async function AdminLayout({ children }: { children: ReactNode }) {
  if (!(await isLoggedIn())) redirect('/login');
  return <AdminShell>{children}</AdminShell>;
}
