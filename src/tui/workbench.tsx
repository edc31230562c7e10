/**
 * `alsx open`: the workbench put together. The frame is drawn at once from the working database;
 * the runtimes (broker, API, workers) start behind it as child processes and report in; the rules
 * load in this process for `:tx`. Quitting — q, Ctrl-C, SIGTERM — stops every child and gives the
 * terminal back.
 */
import { render } from 'ink';
import { ensureDatabase, openProject, readProject, type OpenProject } from '../project/load.js';
import { Supervisor } from '../runtime/supervisor.js';
import { txRecord } from '../runtime/protocol.js';
import { App, type PaneSpec } from './app.js';
import { parseCommand } from './command/parse.js';
import { runCommand, type CommandEnv } from './command/run.js';
import { readQuery } from './sql-query.js';
import { Session } from './session.js';
import { frameRenderOptions } from './frame-writer.js';
import { enterFullscreen, routeConsole } from './terminal.js';
import { RuntimesPane, runtimesHints, type RuntimeControl } from './runtimes/RuntimesPane.js';
import { TraceStore } from './trace/store.js';
import { TracePane, traceHints } from './trace/TracePane.js';
import { TableSource } from './tables/source.js';
import { rowSecurity } from './tables/row-security.js';
import { TablesPane, tablesHints } from './tables/TablesPane.js';
import type { TopicsSource } from './topics/source.js';
import { TopicsPane, topicsHints } from './topics/TopicsPane.js';
import { ScenariosPane, scenariosHints } from './scenarios/ScenariosPane.js';
import { Text } from 'ink';
import { relative } from 'node:path';
import { Recorder } from '../scenarios/recorder.js';
import { RecordingStart } from '../scenarios/start-fixture.js';

/** a produced message's value as the scenario should hold it: JSON as data, else the text */
function parseValue(value: Buffer): unknown {
  try {
    return JSON.parse(value.toString('utf8'));
  } catch {
    return value.toString('utf8');
  }
}

export interface OpenOptions {
  port?: number;
  kafka?: boolean;
  color: boolean;
  /** a past run's traces.jsonl to show in the Trace pane */
  traces?: string;
}

export async function openWorkbench(dir: string, options: OpenOptions): Promise<number> {
  const project = await readProject(dir);
  ensureDatabase(project);
  const supervisor = new Supervisor(project, {
    port: options.port ?? project.config.api?.port ?? 5656,
    kafka: options.kafka,
    autoRestart: false,
  });
  const traces = new TraceStore();
  const pastRun = options.traces ? await traces.load(options.traces) : undefined;
  supervisor.on('tx', (r) => traces.push(r));
  /** the integration's sample messages (Topics, :produce): loaded behind the first frame */
  let samples: Record<string, unknown> = {};

  // the rules in this process, for :tx and a session: loaded behind the first frame — on PostgreSQL
  // before it, since opening builds a managed database that is still empty, and the Tables pane
  // then reads the schema the project has read
  const openLocal = () => openProject(project.dir, { onOutcome: (o) => traces.push(txRecord(o, 'api')) });
  const openedFirst = project.dbUrl ? await openLocal() : undefined;
  const tables = await TableSource.forProject(project, openedFirst ? { schema: openedFirst.store.schema } : {});
  let topics: TopicsSource | undefined;

  let local: OpenProject | undefined;
  let session: Session | undefined;
  let firstFrameShown!: () => void;
  const behindFirstFrame = new Promise<void>((resolve) => (firstFrameShown = resolve));
  const ready = behindFirstFrame
    .then(() => openedFirst ?? openLocal())
    .then(async (p) => {
      local = p;
      const s = await Session.open(p);
      // the Tables pane shows what the user logged in may see, through the API's own grants
      const follow = () => {
        const scope = s.scope();
        tables.viewAs(scope && rowSecurity(scope));
      };
      s.onChange(follow);
      follow();
      session = s;
      return p;
    });

  const runtime: RuntimeControl = {
    children: () => [...supervisor.children.values()],
    restart: (name) => supervisor.restart(name),
    subscribe(listener) {
      supervisor.on('state', listener).on('log', listener);
      return () => void supervisor.off('state', listener).off('log', listener);
    },
    kafka: options.kafka === false ? 'off (--no-kafka)' : supervisor.kafkaDescription,
  };

  const apiBase = (): string | undefined => {
    const api = supervisor.children.get('api');
    return api?.status === 'up' && api.port ? `http://127.0.0.1:${api.port}` : undefined;
  };
  const recorder = new Recorder();
  /** the rows as they were at R: a recording replays from them (its start: fixture), not from the bare seed */
  let recordingStart: RecordingStart | undefined;
  const startRecording = () => {
    recordingStart?.drop();
    recordingStart = undefined;
    if (project.dbUrl) notify('on PostgreSQL a recording replays from the seed: rows changed before R are not part of it', 'warn');
    else recordingStart = RecordingStart.take(project.dbFile);
    recorder.start();
  };
  /** stops the recording and writes it, with the fixture of its start when the rows then were not the seed's */
  const saveRecording = async (name: string): Promise<string> => {
    const { saveScenario } = await import('../scenarios/save.js');
    const start = recordingStart;
    recordingStart = undefined;
    try {
      return relative(process.cwd(), saveScenario(project.dir, name, recorder.stop(), start?.fixture(project)));
    } finally {
      start?.drop();
    }
  };
  const user = (): string | null => session?.user ?? null;
  const env = (): CommandEnv => ({
    apiBase,
    session: session!,
    samples,
    fetch: recorder.fetch(user),
    produce: async (topic, value) => {
      const { produceOnce } = await import('../kafka/client.js');
      const [d] = await produceOnce(supervisor.brokers, topic, [{ key: null, value, headers: {} }]);
      recorder.produce(topic, parseValue(value));
      return { partition: d!.partition, offset: d!.offset };
    },
    sql: (query, signal) =>
      readQuery(project.dbUrl ? { url: project.dbUrl, pgSchema: project.config.db?.pgSchema } : project.dbFile, query, {
        max: 500,
        signal,
      }),
    tx: async (ops) => {
      const outcome = (await ready).engine.run(ops as never, { origin: 'tui' });
      if (Array.isArray(ops)) recorder.tx(ops, outcome);
      return outcome;
    },
  });

  const panes: PaneSpec[] = [
    {
      id: 'tables',
      title: 'Tables',
      hints: tablesHints,
      render: (p) => (
        <TablesPane
          {...p}
          source={tables}
          api={{ base: apiBase, headers: () => session?.headers() ?? {}, fetch: recorder.fetch(user, true) }}
        />
      ),
    },
    { id: 'trace', title: 'Trace', hints: traceHints, render: (p) => <TracePane {...p} store={traces} /> },
    {
      id: 'topics',
      title: 'Topics',
      hints: topicsHints,
      render: (p) =>
        topics ? (
          <TopicsPane {...p} source={topics} samples={samples} />
        ) : (
          <Text dimColor>{options.kafka === false ? 'Kafka is off (--no-kafka)' : 'waiting for the broker …'}</Text>
        ),
    },
    { id: 'runtimes', title: 'Runtimes', hints: runtimesHints, render: (p) => <RuntimesPane {...p} runtime={runtime} /> },
    {
      id: 'scenarios',
      title: 'Scenarios',
      hints: scenariosHints,
      render: (p) => <ScenariosPane {...p} project={project} onTx={(r) => traces.push(r)} />,
    },
  ];

  let notify: (message: string, level?: 'info' | 'ok' | 'warn' | 'error') => void = () => {};
  const screen = enterFullscreen();
  let quitting: Promise<void> | undefined;
  const shutdown = (): Promise<void> =>
    (quitting ??= (async () => {
      const kept = await keepRecording();
      recordingStart?.drop();
      await supervisor.stop().catch(() => {});
      await topics?.close();
      tables.close();
      (local ?? openedFirst)?.close();
      restoreConsole();
      screen.restore();
      if (kept) process.stderr.write(`${kept}\n`);
    })());
  /** a recording still running at quit (q, Ctrl-C) is saved, not lost: said once the terminal is back */
  const keepRecording = async (): Promise<string | undefined> => {
    if (!recorder.recording || recorder.count === 0) return undefined;
    const steps = recorder.count;
    try {
      const file = await saveRecording('unsaved recording');
      return `alsx: the recording in progress (${steps} step${steps === 1 ? '' : 's'}) was saved as ${file}; rename or delete it`;
    } catch (e) {
      return `alsx: the recording in progress (${steps} steps) could not be saved: ${(e as Error).message}`;
    }
  };

  const restoreConsole = routeConsole((text, level) => notify(text, level));
  const app = render(
    <App
      project={project.name}
      panes={panes}
      runtime={runtime}
      color={options.color}
      user={() => session?.user ?? null}
      command={async (line, signal) => {
        await ready;
        return runCommand(parseCommand(line), env(), signal);
      }}
      completions={() => ({ tables: [...tables.tableNames()], topics: Object.keys(samples) })}
      onQuit={() => void shutdown()}
      bindNotify={(n) => (notify = n)}
      recording={{
        active: () => recorder.recording,
        steps: () => recorder.count,
        start: startRecording,
        save: saveRecording,
        discard: () => {
          recorder.stop();
          recordingStart?.drop();
          recordingStart = undefined;
        },
      }}
      greeting={
        pastRun
          ? `${pastRun.loaded} transactions of a past run loaded from ${options.traces}${pastRun.skipped ? ` (${pastRun.skipped} bad lines skipped)` : ''} — ? for help`
          : undefined
      }
    />,
    { ...frameRenderOptions(process.stdout), exitOnCtrlC: false },
  );

  // asked for now: ink resolves only a wait that began before the app exits
  const exited = app.waitUntilExit();
  process.once('SIGTERM', () => app.unmount());
  process.once('SIGHUP', () => app.unmount());

  // The first frame is on the screen (ink draws it as render() runs). Now what it did not need: the
  // runtimes — child processes that would compete with it for the CPU —, the rules in this
  // process and the integration's samples.
  await new Promise((resolve) => setImmediate(resolve));
  if (quitting) {
    await shutdown(); // q before anything behind the frame started
    return 0;
  }
  firstFrameShown();
  const { loadIntegration } = await import('../kafka/integration/load.js');
  loadIntegration(project).then(
    (integration) => (samples = integration.samples ?? {}),
    () => {}, // a broken integration file is reported by the workers, which load it too
  );
  supervisor.start().then(
    async () => {
      if (options.kafka !== false && supervisor.brokers.length) {
        const { TopicsSource } = await import('./topics/source.js');
        const source = new TopicsSource(supervisor.brokers);
        // what the Topics pane produces is recorded too
        const produce = source.produce.bind(source);
        source.produce = async (topic, key, value, headers) => {
          const delivered = await produce(topic, key, value, headers);
          recorder.produce(topic, parseValue(Buffer.from(value)));
          return delivered;
        };
        topics = source;
      }
    },
    (e: Error) => notify(`${e.message} (4: Runtimes, r restarts)`, 'error'), // and the child shows down with its reason
  );
  await exited;
  await shutdown();
  return 0;
}
