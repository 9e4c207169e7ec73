// A deep copy of a value (COPY, and restoring the same snapshot twice).
import { Deque } from './deque.js';
import type { Value } from './values.js';

export function copyValue(v: Value): Value {
  switch (v.type) {
    case 'string':
      return { type: 'string', value: v.value };
    case 'list':
      return { type: 'list', value: new Deque(v.value.toArray()) };
    case 'hash':
      return { type: 'hash', value: new Map(v.value) };
    case 'set':
      return { type: 'set', value: new Set(v.value), intset: v.intset };
  }
}
