import { defaultGlobalSettings } from '@sankey/shared/domain/settings';
import { describe, expect, it } from 'vitest';
import { engines, makeCore, register } from '../testing/core-harness';

describe.each(Object.entries(engines))('admin changes with the %s engine', (_name, engine) => {
  const setup = () => {
    const h = makeCore({ engine });
    h.addGroup('M1', { enabled: true }, [{ slaveAccount: 'S1', enabled: true }]);
    return h;
  };

  describe('admin changes', () => {
    it('group update sends the master config only; toggle sends master and members', () => {
      const h = setup();
      const g = h.core.group('M1')!;
      h.core.applyGroupUpdated({ ...g, symbolSuffix: '.m', configVersion: 2 });
      expect(h.take().map((f) => f.topic)).toEqual(['config/M1']);
      h.core.applyGroupToggled({ ...g, enabled: false, configVersion: 3 });
      const frames = h.take();
      expect(frames.map((f) => f.topic)).toEqual(['config/M1', 'config/S1']);
      expect(frames[0]!.message.message).toMatchObject({ config_version: 3, symbol_suffix: null });
      expect(h.events.filter((e) => e.event === 'settings_updated')).toHaveLength(1);
    });

    it('a member toggle re-sends its config without recompiling the group; a settings change recompiles', () => {
      let compiles = 0;
      const counting = () => {
        const e = engine();
        const compileMaster = e.compileMaster.bind(e);
        e.compileMaster = (...args) => {
          compiles++;
          return compileMaster(...args);
        };
        return e;
      };
      const h = makeCore({ engine: counting });
      h.addGroup('M1', { enabled: true }, [{ slaveAccount: 'S1', enabled: true }]);
      const g = h.core.group('M1')!;
      const s1 = h.core.membersOf('M1')[0]!;
      const before = compiles;
      const off = { ...s1, enabled: false, settings: { ...s1.settings, configVersion: 2 } };
      h.core.applyMemberChanged(g, off, 'member.toggled');
      expect(compiles).toBe(before);
      const [cfg] = h.take();
      expect(cfg!.message.message).toMatchObject({ status: 0, config_version: 2 });
      const suffixed = { ...off, settings: { ...off.settings, symbolSuffix: '.x', configVersion: 3 } };
      h.core.applyMemberChanged(g, suffixed, 'member.updated');
      expect(compiles).toBe(before + 1);
    });

    it('deleting the last member sends -1 to the slave, then -1 to the master', () => {
      const h = setup();
      h.core.applyMemberDeleted('M1', 'S1', true);
      const frames = h.take();
      expect(frames.map((f) => [f.topic, (f.message.message as { status: number }).status])).toEqual([
        ['config/S1', -1],
        ['config/M1', -1],
      ]);
      expect(h.core.group('M1')).toBeUndefined();
    });

    it('deleting a group sends -1 configs to every member and the master first (D13)', () => {
      const h = makeCore({ engine });
      h.addGroup('M1', {}, [{ slaveAccount: 'S1' }, { slaveAccount: 'S2' }]);
      h.core.applyGroupDeleted('M1', ['S1', 'S2']);
      expect(h.take().map((f) => [f.topic, (f.message.message as { status: number }).status])).toEqual([
        ['config/S1', -1],
        ['config/S2', -1],
        ['config/M1', -1],
      ]);
    });

    it('broadcasts config/global only when a log host is configured', () => {
      const h = setup();
      h.handle(register('S1', 'Slave'));
      expect(h.take().some((f) => f.topic === 'config/global')).toBe(false);
      const settings = defaultGlobalSettings();
      h.core.applyGlobalSettings({
        ...settings,
        logShipping: { ...settings.logShipping, host: 'http://logs:9428/', logLevel: 'WARN' },
      });
      const [f] = h.take();
      expect(f!.topic).toBe('config/global');
      expect(f!.message.message).toMatchObject({
        endpoint: 'http://logs:9428/insert/jsonline?_stream_fields=source',
        log_level: 'WARN',
      });
      h.handle(register('S2', 'Slave'));
      expect(h.take().map((x) => x.topic)).toContain('config/global');
    });
  });
});
