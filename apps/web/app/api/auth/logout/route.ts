import { getWebApp } from '@/server/app';
import { handleLogout } from '@/server/http/handlers';

export const dynamic = 'force-dynamic';

export async function POST(req: Request) {
  return handleLogout(req, await getWebApp());
}
