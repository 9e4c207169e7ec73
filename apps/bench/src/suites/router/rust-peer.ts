// The Rust crate fxhash 0.2.1 itself, as the peer: a tiny cargo project generated in the temp
// folder (never in the repository) and built OFFLINE against the Debian crate sources in
// /usr/share/cargo/registry (package librust-fxhash-dev). Without cargo or the crate the cases
// that need it are unavailable, with the reason.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';

const REGISTRY = '/usr/share/cargo/registry';
const CRATE = join(REGISTRY, 'fxhash-0.2.1');

const CARGO_TOML = `[package]
name = "corelane-bench-fxhash"
version = "0.0.0"
edition = "2021"
publish = false

[dependencies]
fxhash = "=0.2.1"

[profile.release]
opt-level = 3
codegen-units = 1
`;

// Source replacement: crates.io is served from the Debian registry folder, and nothing is fetched.
const CARGO_CONFIG = `[source.crates-io]
replace-with = "debian"

[source.debian]
directory = "${REGISTRY}"

[net]
offline = true
`;

// modes: partition-bytes | partition-str (acc += hash64(key) % n per key, like partition())
//        batch-bytes | batch-str (out[i] = hash64(key i) over the whole set, like hashBatch())
// Prints "<ns per key> <checksum>": the checksum lets the bench check that both sides computed
// the same values (sum of partitions, or xor of hashes).
const MAIN_RS = `use std::hint::black_box;
use std::time::Instant;

fn read_keys(path: &str) -> Vec<Vec<u8>> {
    let file = std::fs::read(path).expect("key file");
    let word = |at: usize| u32::from_le_bytes(file[at..at + 4].try_into().unwrap()) as usize;
    let count = word(0);
    let mut keys = Vec::with_capacity(count);
    let mut at = 4;
    for _ in 0..count {
        let len = word(at);
        keys.push(file[at + 4..at + 4 + len].to_vec());
        at += 4 + len;
    }
    keys
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (mode, path) = (args[1].as_str(), args[2].as_str());
    let n: u64 = args[3].parse().unwrap();
    let target_ns: u128 = args[4].parse::<u128>().unwrap() * 1_000_000;
    let keys = read_keys(path);
    let strs: Vec<String> = keys.iter().map(|k| String::from_utf8(k.clone()).unwrap_or_default()).collect();
    let mut out = vec![0u64; keys.len()];
    let pass = |out: &mut Vec<u64>| -> u64 {
        let n = black_box(n);
        match mode {
            "partition-bytes" => keys.iter().map(|k| fxhash::hash64(black_box(&k[..])) % n).sum(),
            "partition-str" => strs.iter().map(|s| fxhash::hash64(black_box(s.as_str())) % n).sum(),
            "batch-bytes" => {
                for (o, k) in out.iter_mut().zip(&keys) { *o = fxhash::hash64(&k[..]); }
                black_box(&out).iter().fold(0, |a, h| a ^ h)
            }
            "batch-str" => {
                for (o, s) in out.iter_mut().zip(&strs) { *o = fxhash::hash64(s.as_str()); }
                black_box(&out).iter().fold(0, |a, h| a ^ h)
            }
            _ => panic!("unknown mode {}", mode),
        }
    };
    let checksum = pass(&mut out);
    let start = Instant::now();
    let mut passes: u64 = 0;
    loop {
        black_box(pass(&mut out));
        passes += 1;
        if start.elapsed().as_nanos() >= target_ns { break; }
    }
    let ns = start.elapsed().as_nanos() as f64 / (passes as f64 * keys.len() as f64);
    println!("{} {}", ns, checksum);
}
`;

/** The cargo binary: on PATH, else where rustup puts it. */
function findCargo(): string | null {
  const candidates = ['cargo', join(process.env.CARGO_HOME ?? join(homedir(), '.cargo'), 'bin', 'cargo')];
  for (const cargo of candidates) {
    const probe = spawnSync(cargo, ['--version'], { encoding: 'utf8' });
    if (!probe.error && probe.status === 0) return cargo;
  }
  return null;
}

/** A built peer, or why there is none. */
export type RustPeer = { ok: true; binary: string } | { ok: false; reason: string };

let built: RustPeer | undefined;

/** Builds the peer once per process (a no-op rebuild when the temp project is already there). */
export function rustPeer(): RustPeer {
  if (built) return built;
  built = build();
  return built;
}

function build(): RustPeer {
  const cargo = findCargo();
  if (cargo === null) return { ok: false, reason: 'cargo is not installed (rustup or Debian cargo)' };
  if (!existsSync(CRATE)) {
    return { ok: false, reason: `the fxhash 0.2.1 crate is not in ${REGISTRY} (apt-get install librust-fxhash-dev)` };
  }
  const digest = createHash('sha256').update(CARGO_TOML).update(CARGO_CONFIG).update(MAIN_RS).digest('hex');
  const dir = join(tmpdir(), `corelane-bench-fxhash-${digest.slice(0, 12)}`);
  mkdirSync(join(dir, 'src'), { recursive: true });
  mkdirSync(join(dir, '.cargo'), { recursive: true });
  writeFileSync(join(dir, 'Cargo.toml'), CARGO_TOML);
  writeFileSync(join(dir, '.cargo', 'config.toml'), CARGO_CONFIG);
  writeFileSync(join(dir, 'src', 'main.rs'), MAIN_RS);
  const run = spawnSync(cargo, ['build', '--release', '--offline', '--quiet'], {
    cwd: dir,
    encoding: 'utf8',
    timeout: 240_000,
  });
  if (run.error || run.status !== 0) {
    const why = run.error?.message ?? run.stderr.trim().split('\n').slice(-3).join(' ');
    return { ok: false, reason: `cargo build of the fxhash peer failed: ${why}` };
  }
  return { ok: true, binary: join(dir, 'target', 'release', 'corelane-bench-fxhash') };
}

/** One run of the peer: ns per key over at least `targetMs`, and the checksum of one pass. */
export function runRust(
  binary: string,
  mode: string,
  keyFile: string,
  n: number,
  targetMs: number,
): { nsPerKey: number; checksum: bigint } {
  const run = spawnSync(binary, [mode, keyFile, String(n), String(targetMs)], { encoding: 'utf8', timeout: 60_000 });
  if (run.error || run.status !== 0) {
    throw new Error(`the Rust peer failed (${mode}): ${run.error?.message ?? run.stderr.trim()}`);
  }
  const [ns, checksum] = run.stdout.trim().split(' ');
  return { nsPerKey: Number(ns), checksum: BigInt(checksum ?? '0') };
}
