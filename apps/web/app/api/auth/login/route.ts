import { getWebApp } from '@/server/app';
import { handleLogin } from '@/server/http/handlers';

export const dynamic = 'force-dynamic';

export async function POST(req: Request) {
  return handleLogin(req, await getWebApp());
}
