//! A short, bounded run of every fuzz target without libFuzzer: each input of
//! its corpus (`crates/fuzz/corpus/<target>`, seeds and what coverage-guided
//! runs kept), then mutations of them (bit flips, inserted, removed and
//! repeated bytes, pieces of other inputs) from a fixed seed, so that a failure
//! reproduces. `FUZZ_MUTATIONS` sets how many per target (default 20,000).
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use switchboard_fuzz::TARGETS;

/// xorshift64*: small, fast, and the same everywhere.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn corpus(target: &str) -> Vec<Vec<u8>> {
    let dir: PathBuf = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("corpus")
        .join(target);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files.iter().map(|f| std::fs::read(f).unwrap()).collect()
}

fn mutate(rng: &mut Rng, input: &[u8], other: &[u8]) -> Vec<u8> {
    let mut out = input.to_vec();
    for _ in 0..=rng.below(4) {
        let at = rng.below(out.len() + 1);
        match rng.below(6) {
            0 if !out.is_empty() => {
                let i = rng.below(out.len());
                out[i] ^= 1 << rng.below(8);
            }
            1 => out.insert(at, rng.next() as u8),
            2 if !out.is_empty() => {
                let i = rng.below(out.len());
                out.remove(i);
            }
            3 => {
                // A byte that parsers care about.
                let special = b"\"\\{}[]:,=&%+\n*\x00\xff0 ";
                out.insert(at, special[rng.below(special.len())]);
            }
            4 if !other.is_empty() => {
                let from = rng.below(other.len());
                let len = rng.below(other.len() - from) + 1;
                out.splice(at..at, other[from..from + len].iter().copied());
            }
            _ if !out.is_empty() => {
                let from = rng.below(out.len());
                let len = rng.below((out.len() - from).min(16)) + 1;
                let piece: Vec<u8> = out[from..from + len].to_vec();
                out.splice(at..at, piece);
            }
            _ => out.push(rng.next() as u8),
        }
    }
    out
}

#[test]
fn every_target_survives_its_corpus_and_mutations_of_it() {
    let mutations: usize = std::env::var("FUZZ_MUTATIONS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20_000);
    for (name, target) in TARGETS {
        let inputs = corpus(name);
        assert!(!inputs.is_empty(), "{name} has a corpus");
        for input in &inputs {
            target(input);
        }
        let mut rng = Rng(0x5eed_0000 ^ name.len() as u64 ^ (name.as_bytes()[0] as u64) << 32);
        for _ in 0..mutations {
            let a = &inputs[rng.below(inputs.len())];
            let b = &inputs[rng.below(inputs.len())];
            let input = mutate(&mut rng, a, b);
            if std::panic::catch_unwind(|| target(&input)).is_err() {
                panic!("{name} failed on {:?}", String::from_utf8_lossy(&input));
            }
        }
        eprintln!(
            "{name}: {} corpus inputs, {mutations} mutations",
            inputs.len()
        );
    }
}
