import { ConnectionsView } from '@/ui/connections/connections-view';

export default function ConnectionsPage() {
  return <ConnectionsView />;
}
