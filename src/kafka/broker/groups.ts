/**
 * Consumer-group coordination: join → sync → heartbeat, with generations, a leader who assigns
 * partitions, and a rebalance whenever a member joins, leaves or misses its session timeout. Every
 * change is logged the way a person needs to follow it.
 *
 *   Empty ─join─▶ PreparingRebalance ─all joined / timeout─▶ CompletingRebalance ─leader syncs─▶ Stable
 *      ▲                    ▲                                                                   │
 *      └── last member left └─────────────── a member joins, leaves or times out ───────────────┘
 */
import { randomUUID } from 'node:crypto';
import { ErrorCode } from './errors.js';

type State = 'Empty' | 'PreparingRebalance' | 'CompletingRebalance' | 'Stable';

export interface JoinRequest {
  groupId: string;
  memberId: string;
  clientId: string;
  host: string;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  protocolType: string;
  protocols: { name: string; metadata: Buffer }[];
}

export interface JoinResult {
  errorCode: number;
  generationId: number;
  protocolName: string;
  leader: string;
  memberId: string;
  members: { memberId: string; metadata: Buffer }[];
}

interface Member {
  id: string;
  clientId: string;
  host: string;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  protocols: { name: string; metadata: Buffer }[];
  assignment: Buffer;
  lastSeen: number;
  join?: (r: JoinResult) => void;
  sync?: (r: { errorCode: number; assignment: Buffer }) => void;
}

class Group {
  state: State = 'Empty';
  generation = 0;
  protocolType = '';
  protocol = '';
  leader = '';
  readonly members = new Map<string, Member>();
  timer: NodeJS.Timeout | undefined;
  /** this rebalance started from an empty group: wait out the initial delay for more members */
  fromEmpty = false;
  constructor(readonly id: string) {}
}

export interface GroupOptions {
  /** wait this long after the first member joins an empty group, so members starting together share a generation */
  initialRebalanceDelayMs: number;
  log: (line: string) => void;
}

export class GroupCoordinator {
  private readonly groups = new Map<string, Group>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly options: GroupOptions) {
    this.sweeper = setInterval(() => this.expireSessions(), 250);
    this.sweeper.unref();
  }

  close(): void {
    clearInterval(this.sweeper);
    for (const g of this.groups.values()) clearTimeout(g.timer);
  }

  join(req: JoinRequest): Promise<JoinResult> {
    const fail = (errorCode: number): Promise<JoinResult> =>
      Promise.resolve({ errorCode, generationId: -1, protocolName: '', leader: '', memberId: req.memberId, members: [] });
    if (!req.groupId) return fail(ErrorCode.INVALID_GROUP_ID);
    if (req.sessionTimeoutMs < 1000 || req.sessionTimeoutMs > 30 * 60_000) return fail(ErrorCode.INVALID_SESSION_TIMEOUT);
    const group = this.group(req.groupId);
    if (group.members.size > 0 && group.protocolType !== req.protocolType) return fail(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    if (
      group.members.size > 0 &&
      !req.protocols.some((p) => [...group.members.values()].every((m) => m.protocols.some((q) => q.name === p.name)))
    )
      return fail(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    let member = req.memberId ? group.members.get(req.memberId) : undefined;
    if (req.memberId && !member) return fail(ErrorCode.UNKNOWN_MEMBER_ID);
    const isNew = !member;
    if (!member) {
      member = {
        id: `${req.clientId || 'member'}-${randomUUID()}`,
        clientId: req.clientId,
        host: req.host,
        sessionTimeoutMs: 0,
        rebalanceTimeoutMs: 0,
        protocols: [],
        assignment: Buffer.alloc(0),
        lastSeen: 0,
      };
      group.members.set(member.id, member);
    }
    Object.assign(member, {
      sessionTimeoutMs: req.sessionTimeoutMs,
      rebalanceTimeoutMs: req.rebalanceTimeoutMs,
      protocols: req.protocols,
      lastSeen: Date.now(),
    });
    group.protocolType = req.protocolType;
    const changed = isNew || group.state === 'Stable' || group.state === 'Empty';
    const promise = new Promise<JoinResult>((resolve) => (member!.join = resolve));
    if (group.state !== 'PreparingRebalance') {
      this.prepare(group, isNew ? `member ${member.id} joined group ${group.id}` : `member ${member.id} rejoined group ${group.id}`);
    } else if (changed && isNew) {
      this.options.log(`member ${member.id} joined group ${group.id} during its rebalance`);
    }
    this.maybeComplete(group);
    return promise;
  }

  sync(
    groupId: string,
    generation: number,
    memberId: string,
    assignments: { memberId: string; assignment: Buffer }[],
  ): Promise<{ errorCode: number; assignment: Buffer }> {
    const group = this.groups.get(groupId);
    const member = group?.members.get(memberId);
    const fail = (errorCode: number) => Promise.resolve({ errorCode, assignment: Buffer.alloc(0) });
    if (!group || !member) return fail(ErrorCode.UNKNOWN_MEMBER_ID);
    if (generation !== group.generation) return fail(ErrorCode.ILLEGAL_GENERATION);
    if (group.state === 'PreparingRebalance') return fail(ErrorCode.REBALANCE_IN_PROGRESS);
    member.lastSeen = Date.now();
    if (group.state === 'Stable') return Promise.resolve({ errorCode: 0, assignment: member.assignment });
    const promise = new Promise<{ errorCode: number; assignment: Buffer }>((resolve) => (member.sync = resolve));
    if (memberId === group.leader) {
      for (const m of group.members.values()) m.assignment = assignments.find((a) => a.memberId === m.id)?.assignment ?? Buffer.alloc(0);
      group.state = 'Stable';
      this.options.log(
        `group ${group.id} generation ${group.generation} is stable: ${group.members.size} member${group.members.size === 1 ? '' : 's'}, assignments from leader ${group.leader}`,
      );
      for (const m of group.members.values()) {
        m.sync?.({ errorCode: 0, assignment: m.assignment });
        m.sync = undefined;
      }
    }
    return promise;
  }

  heartbeat(groupId: string, generation: number, memberId: string): number {
    const group = this.groups.get(groupId);
    const member = group?.members.get(memberId);
    if (!group || !member) return ErrorCode.UNKNOWN_MEMBER_ID;
    member.lastSeen = Date.now();
    if (generation !== group.generation) return ErrorCode.ILLEGAL_GENERATION;
    if (group.state === 'PreparingRebalance') return ErrorCode.REBALANCE_IN_PROGRESS;
    return ErrorCode.NONE;
  }

  leave(groupId: string, memberId: string): number {
    const group = this.groups.get(groupId);
    if (!group?.members.has(memberId)) return ErrorCode.UNKNOWN_MEMBER_ID;
    this.remove(group, memberId, `member ${memberId} left group ${groupId}`);
    return ErrorCode.NONE;
  }

  /** for OffsetCommit: may this member commit for this generation? */
  checkCommit(groupId: string, generation: number, memberId: string): number {
    if (generation < 0) return ErrorCode.NONE; // a simple (non-group) consumer, or the admin
    const group = this.groups.get(groupId);
    if (!group?.members.has(memberId)) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (generation !== group.generation) return ErrorCode.ILLEGAL_GENERATION;
    if (group.state === 'PreparingRebalance') return ErrorCode.REBALANCE_IN_PROGRESS;
    return ErrorCode.NONE;
  }

  describe(groupId: string) {
    const g = this.groups.get(groupId);
    if (!g)
      return {
        groupId,
        state: 'Dead',
        protocolType: '',
        protocol: '',
        members: [] as { memberId: string; clientId: string; clientHost: string; metadata: Buffer; assignment: Buffer }[],
      };
    return {
      groupId,
      state: g.state,
      protocolType: g.protocolType,
      protocol: g.state === 'Stable' ? g.protocol : '',
      members: [...g.members.values()].map((m) => ({
        memberId: m.id,
        clientId: m.clientId,
        clientHost: m.host,
        metadata: m.protocols.find((p) => p.name === g.protocol)?.metadata ?? Buffer.alloc(0),
        assignment: m.assignment,
      })),
    };
  }

  list(): { groupId: string; protocolType: string }[] {
    return [...this.groups.values()].map((g) => ({ groupId: g.id, protocolType: g.protocolType || 'consumer' }));
  }

  private group(id: string): Group {
    let g = this.groups.get(id);
    if (!g) this.groups.set(id, (g = new Group(id)));
    return g;
  }

  /** start a rebalance: every member must rejoin within the rebalance timeout */
  private prepare(group: Group, why: string): void {
    const from = group.state;
    group.fromEmpty = from === 'Empty';
    group.state = 'PreparingRebalance';
    this.options.log(`${why}, generation ${group.generation + 1}, rebalancing`);
    for (const m of group.members.values()) {
      // members waiting for their assignment learn of the rebalance now
      m.sync?.({ errorCode: ErrorCode.REBALANCE_IN_PROGRESS, assignment: Buffer.alloc(0) });
      m.sync = undefined;
    }
    clearTimeout(group.timer);
    const timeout = Math.max(...[...group.members.values()].map((m) => m.rebalanceTimeoutMs || m.sessionTimeoutMs));
    group.timer = setTimeout(() => this.complete(group, true), from === 'Empty' ? this.options.initialRebalanceDelayMs : timeout);
  }

  private maybeComplete(group: Group): void {
    if (group.state !== 'PreparingRebalance') return;
    const waitingOnAll = [...group.members.values()].every((m) => m.join);
    // an empty group waits out the initial delay so members starting together join one generation
    if (waitingOnAll && !group.fromEmpty) this.complete(group, false);
  }

  private complete(group: Group, timedOut: boolean): void {
    if (group.state !== 'PreparingRebalance') return;
    clearTimeout(group.timer);
    for (const m of [...group.members.values()]) {
      if (!m.join) {
        group.members.delete(m.id);
        if (timedOut) this.options.log(`member ${m.id} did not rejoin group ${group.id} within the rebalance timeout; removed`);
      }
    }
    if (group.members.size === 0) {
      group.state = 'Empty';
      group.generation++;
      return;
    }
    group.generation++;
    const members = [...group.members.values()];
    group.protocol =
      members[0]!.protocols.find((p) => members.every((m) => m.protocols.some((q) => q.name === p.name)))?.name ??
      members[0]!.protocols[0]!.name;
    if (!group.members.has(group.leader)) group.leader = members[0]!.id;
    group.state = 'CompletingRebalance';
    this.options.log(
      `group ${group.id} generation ${group.generation}: ${members.length} member${members.length === 1 ? '' : 's'}, leader ${group.leader}, protocol ${group.protocol}`,
    );
    for (const m of members) {
      const join = m.join!;
      m.join = undefined;
      m.lastSeen = Date.now();
      join({
        errorCode: 0,
        generationId: group.generation,
        protocolName: group.protocol,
        leader: group.leader,
        memberId: m.id,
        members:
          m.id === group.leader
            ? members.map((x) => ({ memberId: x.id, metadata: x.protocols.find((p) => p.name === group.protocol)!.metadata }))
            : [],
      });
    }
  }

  private remove(group: Group, memberId: string, why: string): void {
    const m = group.members.get(memberId)!;
    m.join?.({ errorCode: ErrorCode.UNKNOWN_MEMBER_ID, generationId: -1, protocolName: '', leader: '', memberId, members: [] });
    m.sync?.({ errorCode: ErrorCode.UNKNOWN_MEMBER_ID, assignment: Buffer.alloc(0) });
    group.members.delete(memberId);
    if (group.members.size === 0) {
      clearTimeout(group.timer);
      group.state = 'Empty';
      this.options.log(`${why}; group ${group.id} is empty`);
      return;
    }
    this.prepare(group, why);
    this.maybeComplete(group);
  }

  private expireSessions(): void {
    const now = Date.now();
    for (const g of this.groups.values()) {
      for (const m of [...g.members.values()]) {
        if (m.join) continue; // waiting in a join: alive until the rebalance timeout
        if (now - m.lastSeen > m.sessionTimeoutMs)
          this.remove(g, m.id, `member ${m.id} of group ${g.id} missed its session timeout (${m.sessionTimeoutMs} ms)`);
      }
    }
  }
}
