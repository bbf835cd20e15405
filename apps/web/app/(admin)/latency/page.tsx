import { LatencyView } from '@/ui/latency/latency-view';

export default function LatencyPage() {
  return <LatencyView />;
}
