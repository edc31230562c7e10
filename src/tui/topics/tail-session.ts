/**
 * One running tail and the messages it has shown, kept apart from the pane's component so that
 * leaving the Topics pane for another and coming back finds the tail where it was.
 */
import type { StopTail, TopicMessage, TopicsSource } from './source.js';

/** most messages kept: older ones drop off the top */
export const TAIL_KEEP = 500;
/** messages per partition shown when a tail starts (not from the beginning) */
export const TAIL_RECENT = 20;

export class TailSession {
  readonly messages: TopicMessage[] = [];
  status: 'starting' | 'live' | 'failed' = 'starting';
  error: string | undefined;
  private readonly stopTail: StopTail;
  private readonly listeners = new Set<() => void>();
  private stopped = false;

  constructor(
    source: TopicsSource,
    readonly topic: string,
    readonly fromBeginning: boolean,
  ) {
    this.stopTail = source.tail(
      topic,
      fromBeginning,
      (m) => {
        this.messages.push(m);
        if (this.status !== 'live') [this.status, this.error] = ['live', undefined]; // kafkajs restarted a crashed consumer
        if (this.messages.length > TAIL_KEEP) this.messages.splice(0, this.messages.length - TAIL_KEEP);
        this.changed();
      },
      { last: TAIL_RECENT, onError: (e) => this.fail(e) },
    );
    this.stopTail.ready.then(
      () => {
        if (this.status === 'starting') this.status = 'live';
        this.changed();
      },
      () => {},
    );
  }

  /** resolves once produced messages will arrive */
  get ready(): Promise<void> {
    return this.stopTail.ready;
  }

  private fail(e: Error): void {
    this.status = 'failed';
    this.error = e.message;
    this.changed();
  }

  private changed(): void {
    if (!this.stopped) for (const l of this.listeners) l();
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  stop(): Promise<void> {
    this.stopped = true;
    this.listeners.clear();
    return this.stopTail();
  }
}
