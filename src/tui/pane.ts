/**
 * The contract between the workbench (app.tsx) and its panes. A pane is a React component that
 * draws itself inside `width` × `height` cells and handles its own keys while `focused`
 * (useKeys(handler, { isActive: focused }), use-keys.ts). The app owns the global keys — 1–5 and Tab (panes), `:`
 * (command line), `?` (help), `q` (quit) — except while a pane captures text input (a filter, a
 * form field), which it says through the context, so typing "q" into a field does not quit.
 */
import { createContext, useContext, useLayoutEffect } from 'react';

export interface KeyHint {
  /** as shown: "↑↓", "enter", "/", "s" */
  keys: string;
  does: string;
}

export interface PaneProps {
  width: number;
  height: number;
  focused: boolean;
}

export type Level = 'info' | 'ok' | 'warn' | 'error';

export interface Workbench {
  /** true while the pane holds text input: the app's single-key bindings pause */
  setCapturing(on: boolean): void;
  /**
   * the keys of the mode the pane is in now (a form, stepping through a chain), shown in the
   * key-hint bar instead of the pane's own; undefined: back to the pane's own
   */
  setHints(hints: KeyHint[] | undefined): void;
  /** a one-line message in the status bar, shown until the next key */
  notify(message: string, level?: Level): void;
  /** false under NO_COLOR: meaning must never rest on colour alone (selection has a › marker too) */
  color: boolean;
}

export const WorkbenchContext = createContext<Workbench>({ setCapturing: () => {}, setHints: () => {}, notify: () => {}, color: true });
export const useWorkbench = (): Workbench => useContext(WorkbenchContext);

/**
 * Says the keys of the mode a pane is in (`hints`: a constant per mode; undefined: the pane's
 * own), in the commit that draws the mode, so the bar never shows keys that do not apply.
 */
export function useModeHints(hints: KeyHint[] | undefined): void {
  const wb = useWorkbench();
  useLayoutEffect(() => wb.setHints(hints), [hints]); // eslint-disable-line react-hooks/exhaustive-deps
  useLayoutEffect(() => () => wb.setHints(undefined), []); // eslint-disable-line react-hooks/exhaustive-deps
}
