// The master a stream signal belongs to, read from its subject `<cluster>.signal.<master token>` (docs/cluster.md,
// Signals): a relay skips its own masters' signals and those of masters with no slave here before decoding the
// message's headers or payload (it consumes every signal: nats-server 2.9 takes one filter subject per consumer).
import { type ClusterNames, masterOfSignalSubject } from '@sankey/shared/cluster/names';

/** Subjects remembered at most (one per master seen); past it the memory starts again. */
const MAX_SUBJECTS = 10_000;

export class SubjectMasters {
  private readonly known = new Map<string, string | null>();

  constructor(private readonly names: ClusterNames) {}

  /** The master of a signal subject (decoded once per subject); null for any other subject. */
  of(subject: string): string | null {
    const known = this.known.get(subject);
    if (known !== undefined) return known;
    const master = masterOfSignalSubject(this.names, subject);
    if (this.known.size >= MAX_SUBJECTS) this.known.clear();
    this.known.set(subject, master);
    return master;
  }
}
