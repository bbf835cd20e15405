import { TradesView } from '@/ui/trades/trades-view';

export default async function TradesPage({ searchParams }: { searchParams: Promise<{ account?: string }> }) {
  const { account } = await searchParams;
  return <TradesView initialAccount={typeof account === 'string' ? account : ''} />;
}
