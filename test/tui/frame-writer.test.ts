/** Frames drawn by rewriting the rows that changed: what reaches the terminal, and what it then shows. */
import { EventEmitter } from 'node:events';
import xterm from '@xterm/headless';
import { describe, expect, it } from 'vitest';
import { frameUpdate, frameWriter, writeAroundFrames } from '../../src/tui/frame-writer.js';
import { seeded } from '../helpers/random.js';

const COLUMNS = 20;
const ROWS = 6;

/** a terminal of 20×6 kept by a headless xterm, as ink's stdout sees one */
function terminal() {
  const term = new xterm.Terminal({ cols: COLUMNS, rows: ROWS, allowProposedApi: true });
  const stdout = Object.assign(new EventEmitter(), {
    isTTY: true,
    columns: COLUMNS,
    rows: ROWS,
    written: '',
    write(data: string, done?: () => void) {
      stdout.written += data;
      term.write(data, done);
      return true;
    },
  });
  const shown = () =>
    new Promise<string[]>((ok) =>
      term.write('', () => ok(Array.from({ length: ROWS }, (_, i) => term.buffer.active.getLine(i)?.translateToString(true) ?? ''))),
    );
  return { stdout, shown, ink: frameWriter(stdout as unknown as NodeJS.WriteStream) };
}
const padded = (frame: string) => Array.from({ length: ROWS }, (_, i) => frame.split('\n')[i] ?? '');

describe('frame updates', () => {
  it('write nothing when nothing changed, and only the changed rows otherwise', () => {
    expect(frameUpdate(['a', 'b', 'c'], 'a\nb\nc', ROWS)).toBe('');
    const update = frameUpdate(['  one', '› two', '  three'], '  one\n  two\n› three', ROWS);
    expect(update).not.toContain('one');
    expect(update).toContain('\x1b[2;1H\x1b[K  two');
    expect(update).toContain('\x1b[3;1H\x1b[K› three');
    expect(update).not.toContain('\x1b[2J');
  });

  it('clear the rows a longer frame drew, and draw every row of an unknown screen', () => {
    expect(frameUpdate(['a', 'b', 'c'], 'a', ROWS)).toBe('\x1b[?2026h\x1b[2;1H\x1b[K\x1b[3;1H\x1b[K\x1b[?2026l');
    const whole = frameUpdate(undefined, 'a', ROWS);
    for (let row = 1; row <= ROWS; row++) expect(whole).toContain(`\x1b[${row};1H\x1b[K`);
  });

  it('never write below the last row (nothing scrolls)', () => {
    const tall = Array.from({ length: ROWS + 3 }, (_, i) => `row ${i}`).join('\n');
    expect(frameUpdate([], tall, ROWS)).not.toContain(`\x1b[${ROWS + 1};1H`);
    expect(frameUpdate([], tall, ROWS)).not.toContain('\n');
  });
});

describe('a frame writer', () => {
  it('leaves the terminal showing the latest frame, whatever came before', async () => {
    const random = seeded(16);
    const { ink, shown } = terminal();
    const word = () => ['', 'a', 'bb', '› ccc', 'dddd dddd', 'x'.repeat(COLUMNS)][Math.floor(random() * 6)]!;
    for (let i = 0; i < 200; i++) {
      const frame = Array.from({ length: 1 + Math.floor(random() * ROWS) }, word).join('\n');
      if (frame === '') continue; // not a frame (ink's wait for its output)
      ink.write(frame);
      expect(await shown(), `frame ${i}`).toEqual(padded(frame));
    }
  });

  it('redraws every row after a resize and after writes around the frames', async () => {
    const { ink, stdout, shown } = terminal();
    ink.write('one\ntwo\nthree');
    stdout.emit('resize');
    stdout.written = '';
    ink.write('one\ntwo\nthree');
    expect(stdout.written).toContain('one');
    writeAroundFrames(ink, '\x1b[2J'); // an editor's screen, cleared
    expect(await shown()).toEqual(padded(''));
    ink.write('one\ntwo\nthree');
    expect(await shown()).toEqual(padded('one\ntwo\nthree'));
  });

  it("is the terminal in every other respect: size, TTY, ink's end-of-output write", async () => {
    const { ink } = terminal();
    expect([ink.columns, ink.rows, ink.isTTY]).toEqual([COLUMNS, ROWS, true]);
    await new Promise<void>((done) => ink.write('', () => done()));
  });
});
