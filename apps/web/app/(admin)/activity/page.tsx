import { ActivityView } from '@/ui/activity/activity-view';

export default function ActivityPage() {
  return <ActivityView />;
}
