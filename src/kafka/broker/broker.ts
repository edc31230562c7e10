/**
 * The embedded single-node broker: the Kafka wire protocol on a TCP port, topics and partitions
 * kept by Storage, consumer groups by the GroupCoordinator. Unmodified clients (kafkajs, kcat,
 * kafka-python) produce, fetch and coordinate groups against it as against Kafka.
 */
import { createServer, type Server, type Socket } from 'node:net';
import type { Struct } from '../protocol/codec.js';
import { encode, Writer } from '../protocol/codec.js';
import { APIS, apiByKey, type ApiDescription } from '../protocol/messages/index.js';
import { type BatchError, readBatches } from '../protocol/batch.js';
import { Connection, type RequestContext } from './connection.js';
import { ErrorCode } from './errors.js';
import { GroupCoordinator } from './groups.js';
import { DEFAULT_LOG_OPTIONS, type LogOptions } from './partition-log.js';
import { Storage } from './storage.js';

export interface BrokerOptions {
  host: string;
  port: number;
  dataDir: string;
  /** create a topic on first produce/fetch/metadata request for it */
  autoCreateTopics: boolean;
  defaultPartitions: number;
  log: (line: string) => void;
  fsync: LogOptions['fsync'];
  initialRebalanceDelayMs: number;
  /** segment file size before a new one starts (retention drops whole segments) */
  segmentBytes: number;
  /** what Metadata advertises (default: the host and port it listens on) */
  advertisedHost?: string;
}

export const DEFAULT_BROKER_OPTIONS: BrokerOptions = {
  host: '127.0.0.1',
  port: 9092,
  dataDir: '.alsx/kafka',
  autoCreateTopics: true,
  defaultPartitions: 1,
  log: () => {},
  fsync: 'batch',
  initialRebalanceDelayMs: 300,
  segmentBytes: DEFAULT_LOG_OPTIONS.segmentBytes,
};

const NODE_ID = 0;
const CLUSTER_ID = 'alsx-embedded';
const TOPIC_NAME = /^[a-zA-Z0-9._-]{1,249}$/;

interface FetchWaiter {
  check(): boolean;
  /** the broker stops: no answer, and no timer left behind */
  cancel(): void;
}

export class Broker {
  readonly options: BrokerOptions;
  private readonly storage: Storage;
  private readonly groups: GroupCoordinator;
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private readonly waiters = new Set<FetchWaiter>();
  private nextProducerId = BigInt(Date.now());
  /** idempotent producers: the last batch's sequence and offset per producer and partition */
  private readonly sequences = new Map<string, { epoch: number; baseSequence: number; nextSequence: number; baseOffset: number }>();
  port = 0;

  constructor(options: Partial<BrokerOptions> = {}) {
    this.options = { ...DEFAULT_BROKER_OPTIONS, ...options };
    this.storage = new Storage(this.options.dataDir, {
      ...DEFAULT_LOG_OPTIONS,
      fsync: this.options.fsync,
      segmentBytes: this.options.segmentBytes,
    });
    for (const line of this.storage.recovery) this.options.log(line);
    this.groups = new GroupCoordinator({ initialRebalanceDelayMs: this.options.initialRebalanceDelayMs, log: this.options.log });
  }

  async start(): Promise<number> {
    this.server = createServer((socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      new Connection(
        socket,
        (api, version, req, ctx) => this.dispatch(api, version, req, ctx),
        this.options.log,
        (cid) => this.unsupportedApiVersions(cid),
      );
    });
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(this.options.port, this.options.host, () => resolve());
    });
    const address = this.server.address();
    this.port = typeof address === 'object' && address ? address.port : this.options.port;
    this.options.log(
      `broker listening on ${this.options.host}:${this.port} (data in ${this.options.dataDir}, fsync ${this.options.fsync})`,
    );
    return this.port;
  }

  async stop(): Promise<void> {
    this.groups.close();
    for (const w of this.waiters) w.cancel(); // their connections close below; their timers must not outlive the broker
    this.waiters.clear();
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.storage.close();
  }

  private dispatch(api: ApiDescription, version: number, req: Struct, ctx: RequestContext): Struct | Promise<Struct> {
    switch (api.name) {
      case 'ApiVersions':
        return this.apiVersions();
      case 'Metadata':
        return this.metadata(req, version);
      case 'Produce':
        return this.produce(req, ctx);
      case 'Fetch':
        return this.fetch(req);
      case 'ListOffsets':
        return this.listOffsets(req, version);
      case 'FindCoordinator':
        return { ErrorCode: 0, ErrorMessage: null, NodeId: NODE_ID, Host: this.host, Port: this.port, ThrottleTimeMs: 0 };
      case 'JoinGroup':
        return this.joinGroup(req, ctx);
      case 'SyncGroup':
        return this.syncGroup(req);
      case 'Heartbeat':
        return { ThrottleTimeMs: 0, ErrorCode: this.groups.heartbeat(req.GroupId, req.GenerationId, req.MemberId) };
      case 'LeaveGroup':
        return this.leaveGroup(req, version);
      case 'OffsetCommit':
        return this.offsetCommit(req);
      case 'OffsetFetch':
        return this.offsetFetch(req);
      case 'DescribeGroups':
        return this.describeGroups(req);
      case 'ListGroups':
        return {
          ThrottleTimeMs: 0,
          ErrorCode: 0,
          Groups: this.groups.list().map((g) => ({ GroupId: g.groupId, ProtocolType: g.protocolType })),
        };
      case 'CreateTopics':
        return this.createTopics(req);
      case 'DeleteTopics':
        return this.deleteTopics(req);
      case 'CreatePartitions':
        return this.createPartitions(req);
      case 'DescribeConfigs':
        return this.describeConfigs(req);
      case 'InitProducerId':
        return this.initProducerId(req);
      case 'SaslHandshake':
        this.options.log(
          `client ${ctx.clientId} asked for SASL ${req.Mechanism}: the embedded broker has no authentication (loopback only); connect without SASL`,
        );
        return { ErrorCode: ErrorCode.UNSUPPORTED_SASL_MECHANISM, Mechanisms: [] };
      default:
        throw new Error(`the broker has no handler for ${api.name} (every API listed in APIS needs one)`);
    }
  }

  private get host(): string {
    return this.options.advertisedHost ?? this.options.host;
  }

  private apiVersions(): Struct {
    return {
      ErrorCode: 0,
      ApiKeys: APIS.map((a) => ({ ApiKey: a.key, MinVersion: a.minVersion, MaxVersion: a.maxVersion })),
      ThrottleTimeMs: 0,
    };
  }

  /** ApiVersions with a version we do not serve: error 35 with our versions, in v0 (as Kafka does) */
  private unsupportedApiVersions(correlationId: number): Buffer {
    const w = new Writer().int32(0).int32(correlationId);
    encode(apiByKey.get(18)!.response, 0, { ErrorCode: ErrorCode.UNSUPPORTED_VERSION, ApiKeys: this.apiVersions().ApiKeys }, w);
    const b = w.toBuffer();
    b.writeInt32BE(b.length - 4, 0);
    return b;
  }

  // ── topics ─────────────────────────────────────────────────────────────────────────────────

  /** the topic, created on first use when allowed */
  private topic(name: string, create: boolean): ReturnType<Storage['topic']> {
    let t = this.storage.topic(name);
    if (!t && create && this.options.autoCreateTopics && TOPIC_NAME.test(name)) {
      this.storage.createTopic(name, { partitions: this.options.defaultPartitions });
      this.options.log(
        `created topic ${name} on first use (${this.options.defaultPartitions} partition${this.options.defaultPartitions === 1 ? '' : 's'})`,
      );
      t = this.storage.topic(name);
    }
    return t;
  }

  private metadata(req: Struct, version: number): Struct {
    const names: string[] =
      req.Topics === null || (version === 0 && req.Topics.length === 0) ? this.storage.topicNames() : req.Topics.map((t: Struct) => t.Name);
    const allowCreate = version < 4 || req.AllowAutoTopicCreation !== false;
    return {
      ThrottleTimeMs: 0,
      Brokers: [{ NodeId: NODE_ID, Host: this.host, Port: this.port, Rack: null }],
      ClusterId: CLUSTER_ID,
      ControllerId: NODE_ID,
      Topics: names.map((name) => {
        const t = this.topic(name, allowCreate);
        if (!t)
          return {
            ErrorCode: TOPIC_NAME.test(name) ? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION : ErrorCode.INVALID_TOPIC_EXCEPTION,
            Name: name,
            IsInternal: false,
            Partitions: [],
          };
        return {
          ErrorCode: 0,
          Name: name,
          IsInternal: false,
          Partitions: t.logs.map((_, p) => ({
            ErrorCode: 0,
            PartitionIndex: p,
            LeaderId: NODE_ID,
            LeaderEpoch: 0,
            ReplicaNodes: [NODE_ID],
            IsrNodes: [NODE_ID],
            OfflineReplicas: [],
          })),
        };
      }),
    };
  }

  private createTopics(req: Struct): Struct {
    return {
      ThrottleTimeMs: 0,
      Topics: (req.Topics as Struct[]).map((t) => {
        const answer = (code: number, message: string | null) => ({ Name: t.Name, ErrorCode: code, ErrorMessage: message });
        if (!TOPIC_NAME.test(t.Name)) return answer(ErrorCode.INVALID_TOPIC_EXCEPTION, `topic names are 1–249 of [a-zA-Z0-9._-]`);
        if (this.storage.topic(t.Name)) return answer(ErrorCode.TOPIC_ALREADY_EXISTS, `topic ${t.Name} already exists`);
        const partitions = t.NumPartitions === -1 ? this.options.defaultPartitions : t.NumPartitions;
        if (partitions < 1 || partitions > 10_000) return answer(ErrorCode.INVALID_PARTITIONS, `${partitions} partitions: give 1 to 10000`);
        if (t.ReplicationFactor !== -1 && t.ReplicationFactor !== 1)
          return answer(ErrorCode.INVALID_REPLICATION_FACTOR, 'this single-node broker keeps one replica');
        if (req.validateOnly) return answer(0, null);
        const configs = new Map(((t.Configs as Struct[] | undefined) ?? []).map((c) => [c.Name, c.Value]));
        this.storage.createTopic(t.Name, {
          partitions,
          ...(configs.has('retention.bytes') ? { retentionBytes: Number(configs.get('retention.bytes')) } : {}),
          ...(configs.has('retention.ms') ? { retentionMs: Number(configs.get('retention.ms')) } : {}),
        });
        this.options.log(`created topic ${t.Name} (${partitions} partition${partitions === 1 ? '' : 's'})`);
        return answer(0, null);
      }),
    };
  }

  private deleteTopics(req: Struct): Struct {
    return {
      ThrottleTimeMs: 0,
      Responses: (req.TopicNames as string[]).map((name) => {
        if (!this.storage.topic(name)) return { Name: name, ErrorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION };
        this.storage.deleteTopic(name);
        this.options.log(`deleted topic ${name}`);
        return { Name: name, ErrorCode: 0 };
      }),
    };
  }

  private createPartitions(req: Struct): Struct {
    return {
      ThrottleTimeMs: 0,
      Results: (req.Topics as Struct[]).map((t) => {
        const topic = this.storage.topic(t.Name);
        if (!topic) return { Name: t.Name, ErrorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, ErrorMessage: `no topic ${t.Name}` };
        if (t.Count <= topic.logs.length)
          return {
            Name: t.Name,
            ErrorCode: ErrorCode.INVALID_PARTITIONS,
            ErrorMessage: `topic ${t.Name} has ${topic.logs.length} partitions already`,
          };
        if (!req.ValidateOnly) this.storage.addPartitions(t.Name, t.Count);
        return { Name: t.Name, ErrorCode: 0, ErrorMessage: null };
      }),
    };
  }

  private describeConfigs(req: Struct): Struct {
    return {
      ThrottleTimeMs: 0,
      Results: (req.Resources as Struct[]).map((r) => {
        const topic = r.ResourceType === 2 ? this.storage.topic(r.ResourceName) : undefined;
        const configs: [string, string][] = topic
          ? [
              ['retention.bytes', String(topic.config.retentionBytes ?? -1)],
              ['retention.ms', String(topic.config.retentionMs ?? DEFAULT_LOG_OPTIONS.retentionMs)],
              ['cleanup.policy', 'delete'],
            ]
          : [
              ['auto.create.topics.enable', String(this.options.autoCreateTopics)],
              ['num.partitions', String(this.options.defaultPartitions)],
            ];
        const missing = r.ResourceType === 2 && !topic;
        return {
          ErrorCode: missing ? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION : 0,
          ErrorMessage: missing ? `no topic ${r.ResourceName}` : null,
          ResourceType: r.ResourceType,
          ResourceName: r.ResourceName,
          Configs: missing
            ? []
            : configs
                .filter(([n]) => !r.ConfigurationKeys || r.ConfigurationKeys.includes(n))
                .map(([Name, Value]) => ({
                  Name,
                  Value,
                  ReadOnly: false,
                  IsDefault: false,
                  ConfigSource: 5,
                  IsSensitive: false,
                  Synonyms: [],
                })),
        };
      }),
    };
  }

  // ── produce and fetch ───────────────────────────────────────────────────────────────────────

  private produce(req: Struct, ctx: RequestContext): Struct | Promise<Struct> {
    const durable: Promise<void>[] = [];
    if (req.TransactionalId) {
      this.options.log(`refused a transactional produce from ${ctx.clientId}: transactions are not supported by the embedded broker`);
    }
    const responses = (req.TopicData as Struct[]).map((t) => ({
      Name: t.Name,
      PartitionResponses: (t.PartitionData as Struct[]).map((p) => {
        const answer = (code: number, baseOffset = -1, start = -1) => ({
          Index: p.Index,
          ErrorCode: code,
          BaseOffset: BigInt(baseOffset),
          LogAppendTimeMs: -1n,
          LogStartOffset: BigInt(start),
          RecordErrors: [],
          ErrorMessage: null,
        });
        if (req.TransactionalId) return answer(ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
        const topic = this.topic(t.Name, true);
        const log = topic?.logs[p.Index];
        if (!log) return answer(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
        const records = p.Records as Buffer | null;
        if (!records || records.length === 0) return answer(ErrorCode.NONE, log.endOffset, log.startOffset);
        const copy = Buffer.from(records); // the request buffer is reused by the socket: keep our own
        let batches: ReturnType<typeof readBatches>;
        try {
          batches = readBatches(copy);
        } catch (e) {
          const err = e as BatchError;
          this.options.log(`refused a batch for ${t.Name}-${p.Index} from ${ctx.clientId}: ${err.message}`);
          return answer(err.code === 'unsupported' ? ErrorCode.UNSUPPORTED_FOR_MESSAGE_FORMAT : ErrorCode.CORRUPT_MESSAGE);
        }
        const first = batches[0]!;
        const seqKey = `${first.producerId}\u0000${t.Name}\u0000${p.Index}`;
        const seen = first.producerId >= 0n ? this.sequences.get(seqKey) : undefined;
        if (seen && seen.epoch === first.producerEpoch) {
          // an idempotent producer's retry of its last batch: stored once, acknowledged again
          if (first.baseSequence === seen.baseSequence) return answer(ErrorCode.NONE, seen.baseOffset, log.startOffset);
          if (first.baseSequence !== seen.nextSequence) return answer(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
        }
        const { offset: base, durable: synced } = log.append(copy, batches);
        durable.push(synced);
        if (first.producerId >= 0n) {
          const last = batches[batches.length - 1]!;
          this.sequences.set(seqKey, {
            epoch: first.producerEpoch,
            baseSequence: first.baseSequence,
            nextSequence: last.baseSequence + last.recordCount,
            baseOffset: base,
          });
        }
        this.wake();
        return answer(ErrorCode.NONE, base, log.startOffset);
      }),
    }));
    const response = { Responses: responses, ThrottleTimeMs: 0 };
    // acknowledge what is on disk (acks=0 clients get no answer anyway)
    if (durable.length === 0 || req.Acks === 0) return response;
    return Promise.all(durable).then(() => response);
  }

  private fetch(req: Struct): Struct | Promise<Struct> {
    const build = (): { response: Struct; bytes: number } => {
      let bytes = 0;
      let budget = req.MaxBytes ?? 50 * 1024 * 1024;
      const responses = (req.Topics as Struct[]).map((t) => ({
        Topic: t.Topic,
        Partitions: (t.Partitions as Struct[]).map((p) => {
          const log = this.storage.partition(t.Topic, p.Partition);
          const base = {
            PartitionIndex: p.Partition,
            HighWatermark: -1n,
            LastStableOffset: -1n,
            LogStartOffset: -1n,
            AbortedTransactions: null,
            PreferredReadReplica: -1,
            Records: Buffer.alloc(0),
          }; // empty, never null: librdkafka rejects a null record set
          if (!log) return { ...base, ErrorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION };
          const offset = Number(p.FetchOffset);
          const marks = {
            HighWatermark: BigInt(log.endOffset),
            LastStableOffset: BigInt(log.endOffset),
            LogStartOffset: BigInt(log.startOffset),
          };
          if (offset < log.startOffset || offset > log.endOffset) return { ...base, ...marks, ErrorCode: ErrorCode.OFFSET_OUT_OF_RANGE };
          const records = offset < log.endOffset && budget > 0 ? log.read(offset, Math.min(p.PartitionMaxBytes, budget)) : Buffer.alloc(0);
          budget -= records.length;
          bytes += records.length;
          return { ...base, ...marks, ErrorCode: 0, Records: records };
        }),
      }));
      return { response: { ThrottleTimeMs: 0, ErrorCode: 0, SessionId: 0, Responses: responses }, bytes };
    };
    const first = build();
    if (first.bytes >= Math.max(1, req.MinBytes) || req.MaxWaitMs <= 0) return first.response;
    // long poll: answer when enough arrives or the wait is over
    return new Promise((resolve) => {
      const waiter: FetchWaiter = {
        check: () => {
          const again = build();
          if (again.bytes < Math.max(1, req.MinBytes)) return false;
          clearTimeout(timer);
          this.waiters.delete(waiter);
          resolve(again.response);
          return true;
        },
        cancel: () => clearTimeout(timer),
      };
      const timer = setTimeout(
        () => {
          this.waiters.delete(waiter);
          resolve(build().response);
        },
        Math.min(req.MaxWaitMs, 30_000),
      );
      this.waiters.add(waiter);
    });
  }

  /** new records: let waiting fetches look again */
  private wake(): void {
    for (const w of [...this.waiters]) w.check();
  }

  private listOffsets(req: Struct, version: number): Struct {
    return {
      ThrottleTimeMs: 0,
      Topics: (req.Topics as Struct[]).map((t) => ({
        Name: t.Name,
        Partitions: (t.Partitions as Struct[]).map((p) => {
          const log = this.storage.partition(t.Name, p.PartitionIndex);
          if (!log)
            return {
              PartitionIndex: p.PartitionIndex,
              ErrorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
              OldStyleOffsets: [],
              Timestamp: -1n,
              Offset: -1n,
              LeaderEpoch: -1,
            };
          const ts = Number(p.Timestamp);
          const offset = ts === -1 ? log.endOffset : ts === -2 ? log.startOffset : log.offsetForTime(ts);
          void version;
          return {
            PartitionIndex: p.PartitionIndex,
            ErrorCode: 0,
            OldStyleOffsets: [BigInt(offset)],
            Timestamp: -1n,
            Offset: BigInt(offset),
            LeaderEpoch: 0,
          };
        }),
      })),
    };
  }

  private initProducerId(req: Struct): Struct {
    if (req.TransactionalId) {
      this.options.log('refused InitProducerId with a transactional id: transactions are not supported by the embedded broker');
      return { ThrottleTimeMs: 0, ErrorCode: ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED, ProducerId: -1n, ProducerEpoch: -1 };
    }
    return { ThrottleTimeMs: 0, ErrorCode: 0, ProducerId: this.nextProducerId++, ProducerEpoch: 0 };
  }

  // ── groups and offsets ──────────────────────────────────────────────────────────────────────

  private async joinGroup(req: Struct, ctx: RequestContext): Promise<Struct> {
    const r = await this.groups.join({
      groupId: req.GroupId,
      memberId: req.MemberId,
      clientId: ctx.clientId ?? '',
      host: ctx.socket.remoteAddress ?? '',
      sessionTimeoutMs: req.SessionTimeoutMs,
      rebalanceTimeoutMs: req.RebalanceTimeoutMs > 0 ? req.RebalanceTimeoutMs : req.SessionTimeoutMs,
      protocolType: req.ProtocolType,
      protocols: (req.Protocols as Struct[]).map((p) => ({ name: p.Name, metadata: Buffer.from(p.Metadata) })),
    });
    return {
      ThrottleTimeMs: 0,
      ErrorCode: r.errorCode,
      GenerationId: r.generationId,
      ProtocolType: req.ProtocolType,
      ProtocolName: r.protocolName,
      Leader: r.leader,
      MemberId: r.memberId,
      Members: r.members.map((m) => ({ MemberId: m.memberId, GroupInstanceId: null, Metadata: m.metadata })),
    };
  }

  private async syncGroup(req: Struct): Promise<Struct> {
    const r = await this.groups.sync(
      req.GroupId,
      req.GenerationId,
      req.MemberId,
      (req.Assignments as Struct[]).map((a) => ({ memberId: a.MemberId, assignment: Buffer.from(a.Assignment) })),
    );
    return { ThrottleTimeMs: 0, ErrorCode: r.errorCode, ProtocolType: null, ProtocolName: null, Assignment: r.assignment };
  }

  private leaveGroup(req: Struct, version: number): Struct {
    if (version < 3) return { ThrottleTimeMs: 0, ErrorCode: this.groups.leave(req.GroupId, req.MemberId) };
    const members = (req.Members as Struct[]).map((m) => ({
      MemberId: m.MemberId,
      GroupInstanceId: m.GroupInstanceId ?? null,
      ErrorCode: this.groups.leave(req.GroupId, m.MemberId),
    }));
    return { ThrottleTimeMs: 0, ErrorCode: 0, Members: members };
  }

  private offsetCommit(req: Struct): Struct {
    const generation = req.GenerationIdOrMemberEpoch ?? req.GenerationId ?? -1;
    const check = this.groups.checkCommit(req.GroupId, generation, req.MemberId);
    const entries: { topic: string; partition: number; offset: number; metadata: string | null }[] = [];
    const topics = (req.Topics as Struct[]).map((t) => ({
      Name: t.Name,
      Partitions: (t.Partitions as Struct[]).map((p) => {
        if (check !== 0) return { PartitionIndex: p.PartitionIndex, ErrorCode: check };
        if (!this.storage.partition(t.Name, p.PartitionIndex))
          return { PartitionIndex: p.PartitionIndex, ErrorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION };
        entries.push({
          topic: t.Name,
          partition: p.PartitionIndex,
          offset: Number(p.CommittedOffset),
          metadata: p.CommittedMetadata ?? null,
        });
        return { PartitionIndex: p.PartitionIndex, ErrorCode: 0 };
      }),
    }));
    this.storage.commit(req.GroupId, entries);
    return { ThrottleTimeMs: 0, Topics: topics };
  }

  private offsetFetch(req: Struct): Struct {
    const requested: Struct[] =
      req.Topics ??
      this.storage.topicNames().map((name) => ({ Name: name, PartitionIndexes: this.storage.topic(name)!.logs.map((_, i) => i) }));
    return {
      ThrottleTimeMs: 0,
      ErrorCode: 0,
      Topics: requested.map((t) => ({
        Name: t.Name,
        Partitions: (t.PartitionIndexes as number[]).map((p) => {
          const c = this.storage.committed(req.GroupId, t.Name, p);
          return {
            PartitionIndex: p,
            CommittedOffset: BigInt(c?.offset ?? -1),
            CommittedLeaderEpoch: -1,
            Metadata: c?.metadata ?? '',
            ErrorCode: 0,
          };
        }),
      })),
    };
  }

  private describeGroups(req: Struct): Struct {
    return {
      ThrottleTimeMs: 0,
      Groups: (req.Groups as string[]).map((id) => {
        const g = this.groups.describe(id);
        return {
          ErrorCode: 0,
          GroupId: id,
          GroupState: g.state === 'Dead' && this.storage.groupsWithOffsets().includes(id) ? 'Empty' : g.state,
          ProtocolType: g.protocolType,
          ProtocolData: g.protocol,
          Members: g.members.map((m) => ({
            MemberId: m.memberId,
            GroupInstanceId: null,
            ClientId: m.clientId,
            ClientHost: m.clientHost,
            MemberMetadata: m.metadata,
            MemberAssignment: m.assignment,
          })),
          AuthorizedOperations: -2147483648,
        };
      }),
    };
  }
}
