import { HealthView } from '@/ui/health/health-view';

export default function HealthPage() {
  return <HealthView />;
}
