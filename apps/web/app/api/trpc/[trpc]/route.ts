import { getWebApp } from '@/server/app';
import { handleTrpc } from '@/server/http/handlers';

export const dynamic = 'force-dynamic';

const handler = async (req: Request) => handleTrpc(req, await getWebApp());

export { handler as GET, handler as POST };
