/**
 * Draws ink's frames by rewriting only the rows that changed: a j in a grid rewrites two rows, not
 * the screen. ink 6 has no way of its own on Node 20: a frame as tall as the terminal makes it clear
 * the whole screen (ESC[2J ESC[3J) before every frame — a flicker on real terminals and the whole
 * screen in bytes over SSH — and its incremental mode draws one row too low when the frame is
 * shorter. So ink runs in its debug mode, which hands over each whole frame as text and draws
 * nothing itself, and this writer puts the frame's changed rows on the screen, each addressed by its
 * row (so nothing ever scrolls), inside a synchronized update.
 */

const SYNC_START = '\x1b[?2026h';
const SYNC_END = '\x1b[?2026l';
const ERASE_TO_END_OF_LINE = '\x1b[K';
const moveTo = (row: number): string => `\x1b[${row + 1};1H`;

/**
 * What to write to turn the screen showing `previous` (its rows; undefined when unknown, as after
 * a resize) into `frame`, on a terminal of `rows` rows. Empty when nothing changed.
 */
export function frameUpdate(previous: readonly string[] | undefined, frame: string, rows: number): string {
  const next = frame.split('\n').slice(0, rows);
  // rows the old frame drew below the new one's last are cleared; an unknown screen is redrawn whole
  const height = previous === undefined ? rows : Math.max(next.length, Math.min(previous.length, rows));
  let out = '';
  for (let row = 0; row < height; row++) {
    const line = next[row] ?? '';
    if (previous !== undefined && (previous[row] ?? '') === line) continue;
    // erased first, then written: a line as wide as the terminal leaves the cursor past its end,
    // where an erase would take its last character
    out += moveTo(row) + ERASE_TO_END_OF_LINE + line;
  }
  return out && SYNC_START + out + SYNC_END;
}

const PASS_THROUGH = Symbol('alsx.passThrough');

interface FrameStream {
  [PASS_THROUGH](data: string): void;
}

/**
 * The stream ink draws into: `terminal` in every respect (size, resize events, isTTY) except that
 * what ink writes is taken as a frame. A resize makes the next frame redraw every row (terminals
 * reflow or keep their old contents unpredictably).
 */
export function frameWriter(terminal: NodeJS.WriteStream): NodeJS.WriteStream {
  let shown: string[] | undefined = [];
  const forget = (): void => void (shown = undefined);
  terminal.on('resize', forget);
  const write = (data: string | Uint8Array, ...rest: unknown[]): boolean => {
    const done = rest.find((r) => typeof r === 'function') as ((e?: Error | null) => void) | undefined;
    const frame = typeof data === 'string' ? data : Buffer.from(data).toString('utf8');
    // never a frame: ink writes '' to learn when everything before it has been written, and on a
    // resize (its own eraser, idle in debug mode); the workbench always draws at least its header
    if (frame === '') return terminal.write('', done);
    const update = frameUpdate(shown, frame, terminal.rows || 24);
    shown = frame.split('\n').slice(0, terminal.rows || 24);
    if (!update) {
      if (done) queueMicrotask(() => done());
      return true;
    }
    return terminal.write(update, done);
  };
  const passThrough = (data: string): void => {
    terminal.write(data);
    forget();
  };
  return new Proxy(terminal, {
    get(target, prop) {
      if (prop === 'write') return write;
      if (prop === PASS_THROUGH) return passThrough;
      const value = Reflect.get(target, prop, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/**
 * Writes to the terminal around the frames (an editor leaving and re-entering the alternate
 * screen): on a frame writer, passed through, and the next frame redraws every row.
 */
export function writeAroundFrames(stdout: { write(data: string): unknown }, data: string): void {
  const frames = stdout as unknown as Partial<FrameStream>;
  if (frames[PASS_THROUGH]) frames[PASS_THROUGH](data);
  else stdout.write(data);
}

/** how ink is to draw through a frame writer (see the top of this file) */
export function frameRenderOptions(terminal: NodeJS.WriteStream): { stdout: NodeJS.WriteStream; debug: true } {
  return { stdout: frameWriter(terminal), debug: true };
}
