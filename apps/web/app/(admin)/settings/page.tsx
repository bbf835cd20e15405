import { SettingsView } from '@/ui/settings/settings-view';

export default function SettingsPage() {
  return <SettingsView />;
}
