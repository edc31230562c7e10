/**
 * A project's Kafka workers, in one process: the outbox relay, a consumer per declared topic
 * handler (through the rules, once per message), and the request/reply services.
 */
import type { OpenProject } from '../project/load.js';
import { connectProducer, runConsumer, type MessageConsumer, type MessageProducer } from '../kafka/client.js';
import type { Integration } from '../kafka/integration/declare.js';
import { consumerGroup } from '../kafka/integration/load.js';
import { OutboxRelay } from '../kafka/integration/relay.js';
import { requestTopic, serveRequests, serviceGroup, type RpcSecurity } from '../kafka/integration/rpc.js';
import { TopicWorker } from '../kafka/integration/topic-worker.js';
import type { ConsumerSecurity } from '../kafka/integration/as-user.js';

export interface Workers {
  relay: OutboxRelay;
  /** one line per thing running, for the start-up banner */
  summary: string[];
  stop(): Promise<void>;
}

export interface WorkerOptions {
  log: (line: string, level?: 'info' | 'warn' | 'error') => void;
  /** log every applied message, not only the dead-lettered ones */
  verbose?: boolean;
}

export async function startWorkers(
  project: OpenProject,
  integration: Integration,
  brokers: string[],
  options: WorkerOptions,
): Promise<Workers> {
  const { log } = options;
  const relay = new OutboxRelay(project.store, () => connectProducer(brokers, `alsx-${project.name}-relay`), {
    log: (l) => log(l, 'warn'),
    turns: project.engine.turns,
  });
  relay.start();
  const summary = [`outbox relay → ${brokers.join(',')}`];
  let dlq: Promise<MessageProducer> | undefined;
  const deadLetters = (): Promise<MessageProducer> =>
    (dlq ??= connectProducer(brokers, `alsx-${project.name}-dlq`).catch((e) => {
      dlq = undefined;
      throw e;
    }));
  const consumers: MessageConsumer[] = [];
  const asUsers = (integration.consumers ?? []).some((c) => c.user !== undefined) || (integration.services ?? []).length > 0;
  const security = asUsers ? await projectSecurity(project) : undefined;
  try {
    for (const c of integration.consumers ?? []) {
      const group = consumerGroup(project, c);
      const worker = new TopicWorker(project.store, project.engine, { ...c, group }, deadLetters, (l) => log(l, 'warn'), security);
      consumers.push(
        await runConsumer(
          brokers,
          group,
          c.topic,
          async (m) => {
            const outcome = await worker.handle(m);
            if (options.verbose && outcome.status !== 'dead-lettered')
              log(`${m.topic}/${m.partition}/${m.offset}: ${outcome.status}${outcome.status === 'applied' ? ` (tx ${outcome.tx})` : ''}`);
          },
          { commitEvery: 100 },
        ),
      ); // the inbox skips what a crash makes Kafka deliver again
      summary.push(`${c.topic} → ${c.mapping ? `mapping ${c.mapping.tableName}` : 'handler'} (group ${group}; poison → ${c.topic}.dlq)`);
    }
    for (const s of integration.services ?? []) {
      consumers.push(await serveRequests(s, project.store, brokers, (l) => log(l, 'warn'), security, project.engine.turns));
      summary.push(`${requestTopic(s)} → ${s.name}: ${Object.keys(s.methods).join(', ')} (group ${serviceGroup(s)})`);
    }
  } catch (e) {
    await Promise.allSettled([relay.stop(), ...consumers.map((c) => c.close())]);
    throw e;
  }
  return {
    relay,
    summary,
    async stop() {
      await Promise.allSettled(consumers.map((c) => c.close()));
      await relay.stop();
      if (dlq) await (await dlq.catch(() => undefined))?.close();
    },
  };
}

/**
 * The project's grants and users, for consumers that apply messages as a user and for request/reply
 * methods that run as their callers (whose signatures are checked with the project's secret).
 */
export async function projectSecurity(project: OpenProject): Promise<ConsumerSecurity & RpcSecurity> {
  const [{ loadSecurity, Auth, secret }, { buildModel }, { Scope }, { callerKey }] = await Promise.all([
    import('../api/security/auth.js'),
    import('../api/jsonapi/model.js'),
    import('../api/jsonapi/scope.js'),
    import('../kafka/integration/rpc-caller.js'),
  ]);
  const security = await loadSecurity(project);
  const auth = new Auth(project, security);
  const ctx = { project, model: buildModel(project.store.schema), security };
  return {
    ctx,
    enabled: security.enabled,
    user: (name) => auth.trusted(name),
    scope: (user) => new Scope(ctx, user, ''),
    key: callerKey(secret(project)),
  };
}
