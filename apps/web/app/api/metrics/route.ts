import { handleMetrics } from '@/server/http/handlers';

export const dynamic = 'force-dynamic';

export function GET() {
  return handleMetrics();
}
