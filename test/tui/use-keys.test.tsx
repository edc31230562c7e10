/**
 * useKeys: a key typed right after the frame that shows a new component, or another one focused,
 * reaches what the screen shows — not the handlers of the previous render. Once the app is up,
 * keys are written with no pause at all: each reaches it before anything else can run.
 */
import { Text } from 'ink';
import { render } from 'ink-testing-library';
import { useState } from 'react';
import { describe, expect, it } from 'vitest';
import { useKeys } from '../../src/tui/use-keys.js';
import { settle } from '../helpers/ink.js';

/**
 * the first moment the frame shows `frame`, looking after each turn of the event loop: React draws
 * what a key did on one turn and runs its effects (where ink subscribes handlers) on a later one —
 * in a terminal, maybe after the next key was read
 */
async function shown(ui: ReturnType<typeof render>, frame: string): Promise<void> {
  for (let turn = 0; ui.lastFrame() !== frame; turn++) {
    if (turn > 1000) throw new Error(`the frame never showed ${frame}: ${ui.lastFrame()}`);
    await new Promise((r) => setImmediate(r));
  }
}

function Field({ name, active, got }: { name: string; active: boolean; got: string[] }) {
  useKeys((input) => void got.push(`${name}:${input}`), { isActive: active });
  return <Text>{`${active ? '›' : ' '}${name}`}</Text>;
}

describe('useKeys', () => {
  it('a component that appears takes the very next key', async () => {
    const got: string[] = [];
    function Opener() {
      const [open, setOpen] = useState(false);
      useKeys((input) => input === 'o' && setOpen(true), { isActive: !open });
      return open ? <Field name="form" active got={got} /> : <Text>closed</Text>;
    }
    const ui = render(<Opener />);
    await settle(); // ink listens to the keyboard once its first effects ran
    ui.stdin.write('o');
    await shown(ui, '›form');
    ui.stdin.write('x');
    expect(got).toEqual(['form:x']);
    ui.unmount();
  });

  it('the pane focused in the last frame takes the next key, and only it', async () => {
    const got: string[] = [];
    function Panes() {
      const [focus, setFocus] = useState(1);
      useKeys((input) => /^[12]$/.test(input) && setFocus(Number(input)), { isActive: true });
      return (
        <>
          <Field name="one" active={focus === 1} got={got} />
          <Field name="two" active={focus === 2} got={got} />
        </>
      );
    }
    const ui = render(<Panes />);
    await settle();
    ui.stdin.write('a');
    ui.stdin.write('2');
    await shown(ui, ' one\n›two');
    ui.stdin.write('b');
    expect(got).toEqual(['one:a', 'one:2', 'two:b']);
    ui.unmount();
  });

  it('keys that arrive together in one read (held, typed ahead: "jjjj") are each handled, in order', async () => {
    function Counter() {
      const [n, setN] = useState(0);
      const [typed, setTyped] = useState('');
      useKeys((input) => {
        if (input === 'j') setN((x) => x + 1);
        else setTyped((t) => t + input);
      });
      return <Text>{`${n}|${typed}`}</Text>;
    }
    const ui = render(<Counter />);
    await settle();
    ui.stdin.write('jjjj');
    await shown(ui, '4|');
    ui.stdin.write('abjc');
    await shown(ui, '5|abc');
    ui.unmount();
  });

  it('a read that mixes text and control keys ("G\\r", "jj\\t") is each key in order, with its own flags', async () => {
    const got: string[] = [];
    function Keys() {
      useKeys((input, key) => void got.push(key.return ? '⏎' : key.tab ? '⇥' : key.ctrl ? `^${input}` : input));
      return <Text>keys</Text>;
    }
    const ui = render(<Keys />);
    await settle();
    ui.stdin.write('G\r');
    ui.stdin.write('jj\t\x13');
    for (let turn = 0; got.length < 6 && turn < 1000; turn++) await new Promise((r) => setImmediate(r)); // a key per frame
    expect(got).toEqual(['G', '⏎', 'j', 'j', '⇥', '^s']);
    ui.unmount();
  });

  it('a key in the same read as the key that opens a form reaches the form', async () => {
    const got: string[] = [];
    function Form() {
      useKeys((input) => void got.push(`form:${input}`));
      return <Text>form</Text>;
    }
    function Root() {
      const [open, setOpen] = useState(false);
      useKeys((input) => (input === 'a' ? setOpen(true) : void got.push(`grid:${input}`)), { isActive: !open });
      return open ? <Form /> : <Text>grid</Text>;
    }
    const ui = render(<Root />);
    await settle();
    ui.stdin.write('a2x');
    await shown(ui, 'form');
    await settle();
    expect(got).toEqual(['form:2', 'form:x']);
    ui.stdin.write('\x1bq'); // Esc and q in one read: Esc, then q (the workbench binds no Alt keys)
    await settle();
    await settle();
    expect(got.slice(2)).toEqual(['form:', 'form:q']);
    ui.stdin.write('\x1b\x1b'); // Esc twice in one read: two Escs (Ink takes it for Alt+Esc)
    await settle();
    await settle();
    expect(got.slice(4)).toEqual(['form:', 'form:']);
    ui.unmount();
  });
});
