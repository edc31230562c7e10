/** The Topics pane's first view: every topic with its size and readers, then the consumer groups. */
import { plural } from '../../plural.js';
import { Box, Text } from 'ink';
import { count, fit, lagText } from './format.js';
import type { GroupSummary, Overview, TopicSummary } from './source.js';

export interface TopicListProps {
  overview: Overview | undefined;
  brokers: string[];
  selected: string | undefined;
  width: number;
  height: number;
  focused: boolean;
  color: boolean;
  showInternal: boolean;
}

const stateText = (s: string): string => (/Rebalance/.test(s) ? 'rebalancing' : s);
const readersText = (t: TopicSummary): string => (t.readers.length ? t.readers.map((r) => `${r.group} ${lagText(r.lag)}`).join(', ') : '—');

function statusLine(o: Overview | undefined, brokers: string[], showInternal: boolean): { text: string; bad: boolean } {
  if (!o) return { text: `◌ reading ${brokers.join(', ')} …`, bad: false };
  if (o.status === 'unreachable')
    return { text: `✘ ${o.error} — retrying${o.topics.length ? `; figures from ${o.at.toTimeString().slice(0, 8)}` : ''}`, bad: true };
  const hidden = [
    o.hidden.topics && plural(o.hidden.topics, 'internal topic'),
    o.hidden.groups && plural(o.hidden.groups, 'internal group'),
  ]
    .filter(Boolean)
    .join(' and ');
  const internal = showInternal ? ' · internal shown (h hides)' : hidden ? ` · ${hidden} hidden (h shows)` : '';
  return {
    text: `● ${brokers.join(', ')} · ${o.topics.length} topic${o.topics.length === 1 ? '' : 's'} · ${o.groups.length} group${o.groups.length === 1 ? '' : 's'}${internal}`,
    bad: false,
  };
}

/** the slice of `n` rows, `size` tall, that keeps row `at` in view (centred when it can be) */
export function windowAround(n: number, size: number, at: number): [number, number] {
  if (n <= size) return [0, n];
  const start = Math.max(0, Math.min(n - size, at - Math.floor(size / 2)));
  return [start, start + size];
}

export function TopicList({ overview, brokers, selected, width, height, focused, color, showInternal }: TopicListProps) {
  const topics = overview?.topics ?? [];
  const groups = overview?.groups ?? [];
  const status = statusLine(overview, brokers, showInternal);
  const stale = overview?.status === 'unreachable';

  // columns: marker, name (+ DLQ label), partitions, messages, then who reads it
  const nameWidth = Math.max(12, Math.min(Math.floor(width * 0.4), Math.max(0, ...topics.map((t) => t.name.length)) + 1));
  const rest = Math.max(0, width - 2 - nameWidth - 4 - 6 - 10 - 2);
  // rows: status, header, topics…, blank, groups header, groups…
  const body = Math.max(1, height - 2);
  // groups take up to a third (a blank and a header row above them); a row says how many more there are
  const groupSpace = groups.length ? Math.min(groups.length, Math.max(1, Math.floor(body / 3))) : 0;
  const groupRows = groups.length > groupSpace ? Math.max(0, groupSpace - 1) : groupSpace;
  const topicSpace = Math.max(1, body - (groups.length ? groupSpace + 2 : 0));
  const topicRows = topics.length > topicSpace ? Math.max(1, topicSpace - 1) : topicSpace;
  const at = Math.max(
    0,
    topics.findIndex((t) => t.name === selected),
  );
  const [from, to] = windowAround(topics.length, topicRows, at);

  const groupName = Math.max(10, Math.min(Math.floor(width * 0.4), Math.max(0, ...groups.map((g) => g.id.length)) + 1));
  const groupLine = (g: GroupSummary): string =>
    `  ${fit(g.id, groupName)} ${fit(stateText(g.state), 11)} ${String(g.members).padStart(7)} ${lagText(g.positions.some((p) => p.lag !== null) ? g.lag : null).padStart(8)}  ${g.topics.join(', ') || '—'}`;

  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text wrap="truncate" color={color && status.bad ? 'red' : undefined} dimColor={!status.bad}>
        {status.text}
      </Text>
      <Text bold wrap="truncate">
        {`  ${fit('TOPIC', nameWidth)}     ${'PART'.padStart(4)} ${'MESSAGES'.padStart(9)}  READ BY (LAG)`}
      </Text>
      {topics.length === 0 && (
        <Text dimColor wrap="truncate">
          {overview ? '  no topics yet: one appears when something is produced to it' : ''}
        </Text>
      )}
      {topics.slice(from, to).map((t) => {
        const isSelected = t.name === selected;
        const lagging = t.readers.some((r) => (r.lag ?? 0) > 0);
        return (
          <Box key={t.name} width={width}>
            <Text inverse={color && isSelected && focused} bold={isSelected} dimColor={stale} wrap="truncate">
              {`${isSelected ? '›' : ' '} ${fit(t.name, nameWidth)}`}
            </Text>
            <Text color={color && t.dlq ? (t.messages > 0 ? 'red' : 'yellow') : undefined} bold={t.dlq && t.messages > 0}>
              {t.dlq ? ' DLQ' : '    '}
            </Text>
            <Text dimColor={stale} wrap="truncate">
              {` ${String(t.partitions.length).padStart(4)} ${count(t.messages).padStart(9)}  `}
            </Text>
            <Text color={color && lagging ? 'yellow' : undefined} dimColor={stale || !t.readers.length} wrap="truncate">
              {fit(readersText(t), rest).trimEnd()}
            </Text>
          </Box>
        );
      })}
      {topics.length > topicRows && (
        <Text
          dimColor
          wrap="truncate"
        >{`  ${from > 0 ? `↑ ${from} more  ` : ''}${to < topics.length ? `↓ ${topics.length - to} more` : ''}`}</Text>
      )}
      {groups.length > 0 && (
        <>
          <Text> </Text>
          <Text bold wrap="truncate">
            {`  ${fit('GROUP', groupName)} ${fit('STATE', 11)} ${'MEMBERS'.padStart(7)} ${'LAG'.padStart(8)}  TOPICS`}
          </Text>
          {groups.slice(0, groupRows).map((g) => (
            <Text key={g.id} wrap="truncate" dimColor={stale} color={color && g.lag > 0 ? 'yellow' : undefined}>
              {groupLine(g)}
            </Text>
          ))}
          {groups.length > groupRows && (
            <Text
              dimColor
              wrap="truncate"
            >{`  … ${groups.length - groupRows} more group${groups.length - groupRows === 1 ? '' : 's'}`}</Text>
          )}
        </>
      )}
    </Box>
  );
}
