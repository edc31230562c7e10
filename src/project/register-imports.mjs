// `node --import` this (after tsx) so a project's `alsx` and `drizzle-orm` imports resolve from
// alsx's own installation when the project has none (see imports-hook.mjs).
import { register } from 'node:module';

register('./imports-hook.mjs', import.meta.url);
