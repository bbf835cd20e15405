import { DeliveriesView } from '@/ui/deliveries/deliveries-view';

export default async function DeliveriesPage({
  searchParams,
}: {
  searchParams: Promise<{ account?: string }>;
}) {
  const { account } = await searchParams;
  return <DeliveriesView initialAccount={typeof account === 'string' ? account : ''} />;
}
