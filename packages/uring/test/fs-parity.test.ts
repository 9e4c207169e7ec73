// The same calls through the ring and through node:fs fail with the same errno code, syscall,
// path and message, and succeed with the same results.
import * as fs from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileSystemError, IoRing } from '../src/index.js';
import { backends, tempDir } from './helpers/files.js';

const dir = tempDir();

function fsError(call: () => unknown): Record<string, unknown> {
  try {
    call();
  } catch (error) {
    const e = error as NodeJS.ErrnoException & { dest?: string };
    return { code: e.code, errno: e.errno, syscall: e.syscall, path: e.path, dest: e.dest, message: e.message };
  }
  throw new Error('node:fs did not fail');
}

async function ringError(call: () => Promise<unknown>): Promise<Record<string, unknown>> {
  try {
    await call();
  } catch (error) {
    expect(error).toBeInstanceOf(FileSystemError);
    const e = error as FileSystemError;
    return { code: e.code, errno: e.errno, syscall: e.syscall, path: e.path, dest: e.dest, message: e.message };
  }
  throw new Error('the ring did not fail');
}

describe.each(backends)('%s: results and errors match node:fs', (backend) => {
  let ring: IoRing;
  const base = join(dir, backend);
  beforeAll(() => {
    ring = new IoRing({ backend });
    fs.mkdirSync(base);
    fs.writeFileSync(join(base, 'file'), 'twelve bytes');
    fs.mkdirSync(join(base, 'full'));
    fs.writeFileSync(join(base, 'full', 'x'), '');
  });
  afterAll(() => ring.close());

  const missing = () => join(base, 'missing');

  it.each([
    ['open a missing file', () => fs.openSync(missing(), 'r'), (r: IoRing) => r.open(missing(), 'r')],
    ['open a directory for writing', () => fs.openSync(base, 'w'), (r: IoRing) => r.open(base, 'w')],
    [
      'create an existing file exclusively',
      () => fs.openSync(join(base, 'file'), 'wx'),
      (r: IoRing) => r.open(join(base, 'file'), 'wx'),
    ],
    [
      'read a bad fd',
      () => fs.readSync(987_654, Buffer.alloc(4), 0, 4, 0),
      (r: IoRing) => r.read(987_654, Buffer.alloc(4), 0),
    ],
    [
      'write a bad fd',
      () => fs.writeSync(987_654, Buffer.alloc(4), 0, 4, 0),
      (r: IoRing) => r.write(987_654, Buffer.alloc(4), 0),
    ],
    ['close a bad fd', () => fs.closeSync(987_654), (r: IoRing) => r.closeFile(987_654)],
    ['fsync a bad fd', () => fs.fsyncSync(987_654), (r: IoRing) => r.fsync(987_654)],
    ['fdatasync a bad fd', () => fs.fdatasyncSync(987_654), (r: IoRing) => r.fsync(987_654, { dataOnly: true })],
    ['ftruncate a bad fd', () => fs.ftruncateSync(987_654, 0), (r: IoRing) => r.ftruncate(987_654, 0)],
    ['stat a missing path', () => fs.statSync(missing()), (r: IoRing) => r.statx(missing())],
    ['lstat a missing path', () => fs.lstatSync(missing()), (r: IoRing) => r.statx(missing(), { noFollow: true })],
    ['fstat a bad fd', () => fs.fstatSync(987_654), (r: IoRing) => r.statx(987_654)],
    ['unlink a missing file', () => fs.unlinkSync(missing()), (r: IoRing) => r.unlink(missing())],
    ['unlink a directory', () => fs.unlinkSync(join(base, 'full')), (r: IoRing) => r.unlink(join(base, 'full'))],
    ['rmdir a non-empty directory', () => fs.rmdirSync(join(base, 'full')), (r: IoRing) => r.rmdir(join(base, 'full'))],
    ['mkdir an existing directory', () => fs.mkdirSync(base), (r: IoRing) => r.mkdir(base)],
    [
      'mkdir under a missing parent',
      () => fs.mkdirSync(join(missing(), 'x')),
      (r: IoRing) => r.mkdir(join(missing(), 'x')),
    ],
    [
      'rename a missing file',
      () => fs.renameSync(missing(), join(base, 'y')),
      (r: IoRing) => r.rename(missing(), join(base, 'y')),
    ],
  ])('%s', async (_label, viaFs, viaRing) => {
    const expected = fsError(viaFs);
    expect(await ringError(() => viaRing(ring))).toEqual(expected);
  });

  it('stat results match fs.statSync field by field', async () => {
    for (const target of [join(base, 'file'), base]) {
      const ours = await ring.statx(target);
      const theirs = fs.statSync(target);
      for (const key of ['dev', 'ino', 'mode', 'nlink', 'uid', 'gid', 'rdev', 'size', 'blksize', 'blocks'] as const) {
        expect(ours[key], key).toBe(theirs[key]);
      }
      expect(Math.abs(ours.mtimeMs - theirs.mtimeMs)).toBeLessThan(0.001);
      expect(ours.isFile()).toBe(theirs.isFile());
      expect(ours.isDirectory()).toBe(theirs.isDirectory());
    }
    const fd = await ring.open(join(base, 'file'), 'r');
    expect((await ring.statx(fd)).ino).toBe(fs.statSync(join(base, 'file')).ino);
    await ring.closeFile(fd);
  });

  it('mkdir, rename, ftruncate, fallocate, unlink and rmdir change the file system as node:fs sees it', async () => {
    const sub = join(base, 'sub');
    await ring.mkdir(sub, 0o755);
    expect(fs.statSync(sub).isDirectory()).toBe(true);
    const fd = await ring.open(join(sub, 'a'), 'w+', 0o640);
    expect(fs.statSync(join(sub, 'a')).mode & 0o777).toBe(0o640 & ~process.umask());
    await ring.fallocate(fd, 0, 100_000);
    expect(fs.statSync(join(sub, 'a')).size).toBe(100_000);
    await ring.ftruncate(fd, 1234);
    expect(fs.statSync(join(sub, 'a')).size).toBe(1234);
    await ring.closeFile(fd);
    await ring.rename(join(sub, 'a'), join(sub, 'b'));
    expect(fs.existsSync(join(sub, 'a'))).toBe(false);
    expect(fs.statSync(join(sub, 'b')).size).toBe(1234);
    await ring.unlink(join(sub, 'b'));
    await ring.rmdir(sub);
    expect(fs.existsSync(sub)).toBe(false);
  });

  it('open flags as strings behave like node:fs (append, truncate, exclusive)', async () => {
    const path = join(base, 'flags');
    fs.writeFileSync(path, 'abc');
    let fd = await ring.open(path, 'a');
    expect(await ring.write(fd, Buffer.from('def'))).toBe(3);
    await ring.closeFile(fd);
    expect(fs.readFileSync(path, 'utf8')).toBe('abcdef');
    fd = await ring.open(path, 'w');
    await ring.closeFile(fd);
    expect(fs.readFileSync(path, 'utf8')).toBe('');
    await expect(ring.open(path, 'wx')).rejects.toMatchObject({ code: 'EEXIST', syscall: 'open', path });
  });
});
