// The plain-TS engine: same contract as the WASM engine, used as the differential-test oracle and as a fallback.
import { DEFAULT_SYNONYM_GROUPS } from '@sankey/shared/protocol/constants';
import type { CoreEngine } from '../api';
import { ReferenceCopyEngine } from './copy';
import * as referenceStatus from './status';

export interface ReferenceEngineOptions {
  synonymGroups?: readonly (readonly string[])[];
}

/** Binds a copy engine and status functions into one CoreEngine (tests use it to build mutants). */
export function composeReferenceEngine(
  copy: ReferenceCopyEngine,
  status: Pick<
    CoreEngine,
    'evaluateMaster' | 'memberStatusBuffers' | 'evaluateMembers' | 'changed'
  > = referenceStatus,
): CoreEngine {
  return {
    setSynonymGroups: (groups) => copy.setSynonymGroups(groups),
    compileMaster: (id, master, members) => copy.compileMaster(id, master, members),
    setMemberStatus: (id, slave, s) => copy.setMemberStatus(id, slave, s),
    setMemberRisk: (id, slave, r) => copy.setMemberRisk(id, slave, r),
    removeMaster: (id) => copy.removeMaster(id),
    evaluateSignal: (id, signal) => copy.evaluateSignal(id, signal),
    stats: () => copy.stats(),
    evaluateMaster: status.evaluateMaster,
    memberStatusBuffers: status.memberStatusBuffers,
    evaluateMembers: status.evaluateMembers,
    changed: status.changed,
  };
}

export function createReferenceEngine(options: ReferenceEngineOptions = {}): CoreEngine {
  const copy = new ReferenceCopyEngine();
  copy.setSynonymGroups(options.synonymGroups ?? DEFAULT_SYNONYM_GROUPS);
  return composeReferenceEngine(copy);
}
