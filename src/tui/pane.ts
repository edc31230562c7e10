/**
 * The contract between the workbench (app.tsx) and its panes. A pane is a React component that
 * draws itself inside `width` × `height` cells and handles its own keys while `focused`
 * (useKeys(handler, { isActive: focused }), use-keys.ts). The app owns the global keys — 1–5 and Tab (panes), `:`
 * (command line), `?` (help), `q` (quit) — except while a pane captures text input (a filter, a
 * form field), which it says through the context, so typing "q" into a field does not quit.
 */
import { createContext, useContext } from 'react';

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
  /** a one-line message in the status bar */
  notify(message: string, level?: Level): void;
  /** false under NO_COLOR: meaning must never rest on colour alone (selection has a › marker too) */
  color: boolean;
}

export const WorkbenchContext = createContext<Workbench>({ setCapturing: () => {}, notify: () => {}, color: true });
export const useWorkbench = (): Workbench => useContext(WorkbenchContext);
