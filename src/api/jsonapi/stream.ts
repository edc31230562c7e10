/**
 * A large document serialised a few milliseconds at a time: its lists item by item, a turn of the
 * event loop between slices, so one client's big answer holds no one else's request.
 */
import { Slicer } from '../../slicer.js';

/** resources in an answer past which it is serialised in slices (the same document, fewer ms at a time) */
export const SLICE_ABOVE = 200;

/** a member of a document whose items are serialised one at a time (made as they are needed) */
export class Items {
  constructor(readonly items: Iterable<unknown>) {}
}

/** `doc` as JSON text, in pieces: its members in order, an Items member item by item */
export async function* documentChunks(doc: Record<string, unknown>, slicer = new Slicer()): AsyncIterable<string> {
  let part = '{';
  let firstMember = true;
  for (const [name, value] of Object.entries(doc)) {
    part += `${firstMember ? '' : ','}${JSON.stringify(name)}:`;
    firstMember = false;
    if (!(value instanceof Items)) {
      part += JSON.stringify(value);
      continue;
    }
    part += '[';
    let first = true;
    for (const item of value.items) {
      part += (first ? '' : ',') + JSON.stringify(item);
      first = false;
      if (slicer.due()) {
        yield part;
        part = '';
        await slicer.next();
      }
    }
    part += ']';
  }
  yield `${part}}`;
}
