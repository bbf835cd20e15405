// @vitest-environment happy-dom
// Component tests for docs/protocol.md D15/D16 in the UI: the id-prefix badge on a graph node and the whenOff
// select of the slave settings form.
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { ReactFlowProvider } from '@xyflow/react';
import { useState } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { AccountNode, type AccountNodeType } from './connections/account-node';
import { defaultSlaveForm, type SlaveFormState, slaveFormToInput } from './forms/slave-form';
import { SlaveSettingsForm } from './forms/slave-settings-form';
import { type Lang, translate } from './i18n/dict';
import { I18nProvider } from './i18n/i18n';
import { buildGraph, type NodeModel } from './live/derive';
import { connection, group, member } from './test-fixtures';

afterEach(cleanup);

function renderNode(model: NodeModel, lang: Lang = 'en') {
  const data: AccountNodeType['data'] = {
    model,
    expanded: false,
    narrow: false,
    onToggle: () => {},
    onSettings: () => {},
    onExpand: () => {},
  };
  const props = { id: model.id, data } as unknown as Parameters<typeof AccountNode>[0];
  return render(
    <I18nProvider initial={lang}>
      <ReactFlowProvider>
        <AccountNode {...props} />
      </ReactFlowProvider>
    </I18nProvider>,
  );
}

const graph = (members: ReturnType<typeof member>[]) =>
  buildGraph(
    {
      connections: [connection('M1', 'Master')],
      tradeGroups: [...new Set(members.map((m) => m.tradeGroupId))].map((id) => group(id)),
      members,
      pending: {},
    },
    null,
  );

describe('id-prefix badge (D16)', () => {
  it('marks both accounts whose ids are prefixes and explains the risk in words', () => {
    const { nodes } = graph([member('M1', 'ABC'), member('M1', 'ABCD'), member('M1', 'XYZ')]);
    const abc = nodes.find((n) => n.accountId === 'ABC');
    expect(abc?.prefixPeers).toEqual(['ABCD']);
    expect(nodes.find((n) => n.accountId === 'ABCD')?.prefixPeers).toEqual(['ABC']);
    renderNode(abc as NodeModel);
    const badge = screen.getByTestId('prefix-badge');
    expect(badge.textContent).toBe('ID prefix');
    const explanation =
      'ABC and ABCD: one id is the start of the other, so the EA with the shorter id also receives the other ' +
      'account’s configs and may apply them. Rename one account if you can.';
    expect(badge.getAttribute('title')).toBe(explanation);
    expect(screen.getByTestId('node-prefix-warning').textContent).toBe(explanation);
  });

  it('shows nothing for ids without a prefix relation, and speaks Japanese', () => {
    const { nodes } = graph([member('M1', 'ABC'), member('M1', 'ABCD'), member('M1', 'XYZ')]);
    renderNode(nodes.find((n) => n.accountId === 'XYZ') as NodeModel);
    expect(screen.queryByTestId('prefix-badge')).toBeNull();
    cleanup();
    renderNode(nodes.find((n) => n.accountId === 'ABCD') as NodeModel, 'ja');
    expect(screen.getByTestId('prefix-badge').textContent).toBe('ID の前方一致');
  });
});

function FormHarness({ onState }: { onState: (s: SlaveFormState) => void }) {
  const [value, setValue] = useState(defaultSlaveForm());
  return (
    <I18nProvider initial="en">
      <SlaveSettingsForm
        value={value}
        errors={{}}
        onChange={(next: SlaveFormState) => {
          setValue(next);
          onState(next);
        }}
      />
    </I18nProvider>
  );
}

describe('whenOff select (D15)', () => {
  it('offers both modes with a one-line explanation, and a change reaches the API input', () => {
    let state = defaultSlaveForm();
    render(<FormHarness onState={(s) => (state = s)} />);
    const select = screen.getByRole('combobox', {
      name: 'When this link is switched off',
    }) as HTMLSelectElement;
    expect(select.value).toBe('closeOnly');
    expect(
      within(select)
        .getAllByRole('option')
        .map((o) => o.textContent),
    ).toEqual(['Still close and modify them with the master', 'Freeze them: no more Close or Modify']);
    expect(
      screen.getByText(
        'What happens to copies already open when you switch the link off (the relay decides; nothing is sent to the EA).',
      ),
    ).toBeTruthy();
    fireEvent.change(select, { target: { value: 'freeze' } });
    expect(select.value).toBe('freeze');
    const t = (k: Parameters<typeof translate>[1], p?: Record<string, string | number>) =>
      translate('en', k, p);
    expect(slaveFormToInput(state, t)).toMatchObject({ ok: true, value: { whenOff: 'freeze' } });
  });
});
