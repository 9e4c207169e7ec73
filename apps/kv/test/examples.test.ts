import { describeExamples } from '@corelane/shared/testing';

describeExamples(new URL('../', import.meta.url), {
  'quick-start.ts': /^hello 60 \[ 'a', 'b' \]\n$/,
  'wrongtype.ts':
    /^WRONGTYPE Operation against a key holding the wrong kind of value\nERR value is not an integer or out of range\nERR unknown command 'nosuch', with args beginning with: 'x' \n$/,
});
