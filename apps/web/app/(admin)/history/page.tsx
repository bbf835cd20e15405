import { HistoryView } from '@/ui/history/history-view';

export default async function HistoryPage({
  searchParams,
}: {
  searchParams: Promise<{ group?: string; slave?: string }>;
}) {
  const { group, slave } = await searchParams;
  return (
    <HistoryView
      initialGroup={typeof group === 'string' ? group : ''}
      initialSlave={typeof slave === 'string' ? slave : ''}
    />
  );
}
