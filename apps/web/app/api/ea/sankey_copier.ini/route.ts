import { getWebApp } from '@/server/app';
import { handleIni } from '@/server/http/handlers';

export const dynamic = 'force-dynamic';

export async function GET(req: Request) {
  return handleIni(req, await getWebApp());
}
