//! A bounded cache of name facts.
//!
//! One DRF page repeats the same few dozen field names thousands of times, so splitting and
//! matching a name is done once per (grandparent key, parent key, field name); after that a
//! lookup is one fast seeded hash of the three strings and a string comparison, under a read
//! lock, without allocating.
//!
//! The response bodies come from the server being scanned, which may be hostile, so the cache
//! cannot be made slow or big by its keys: a hash bucket holds at most [`BUCKET`] entries (a
//! flood of colliding keys is simply not cached: each costs one uncached match, as on first
//! sight), and the whole cache is cleared past [`LIMIT`] entries (map-shaped bodies whose keys
//! are ids or e-mail addresses must not grow memory without bound).

use crate::names::NameFacts;
use std::collections::HashMap;
use std::hash::{BuildHasher, BuildHasherDefault, Hasher, RandomState};
use std::sync::RwLock;

/// Entries before the cache starts over.
pub const LIMIT: usize = 16_384;

/// Entries per hash value; more collisions are not cached.
pub const BUCKET: usize = 4;

/// Keys are already keyed SipHash values: hashing them again would be wasted work.
#[derive(Default)]
struct Prehashed(u64);

impl Hasher for Prehashed {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        // Only `write_u64` is used; fold anything else so the hasher stays correct.
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

/// The last three keys of a path: grandparent, parent, field (`""` where there is none).
pub type Key<'a> = [&'a str; 3];

/// One cached name, with the keys it is for (hash collisions sit side by side).
struct Entry {
    key: [Box<str>; 3],
    facts: NameFacts,
}

#[derive(Default)]
struct Maps {
    by_hash: HashMap<u64, Vec<Entry>, BuildHasherDefault<Prehashed>>,
    entries: usize,
}

pub struct NameCache {
    /// Per-process random seed: collisions cannot be precomputed offline.
    seed: u64,
    maps: RwLock<Maps>,
}

impl Default for NameCache {
    fn default() -> Self {
        NameCache {
            seed: RandomState::new().hash_one(0x6f76_6572_7368_6172_u64),
            maps: RwLock::default(),
        }
    }
}

/// A multiply-rotate hash over 8-byte words with a final avalanche (murmur3's `fmix64`):
/// a few nanoseconds for a field name, where SipHash costs tens.
fn fold(mut h: u64, bytes: &[u8]) -> u64 {
    const K: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        let word = u64::from_le_bytes(chunk.try_into().expect("8 bytes"));
        h = (h.rotate_left(23) ^ word).wrapping_mul(K);
    }
    let mut tail = [0u8; 8];
    tail[..chunks.remainder().len()].copy_from_slice(chunks.remainder());
    h = (h.rotate_left(23) ^ u64::from_le_bytes(tail) ^ bytes.len() as u64).wrapping_mul(K);
    h
}

fn avalanche(mut h: u64) -> u64 {
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    h ^ (h >> 33)
}

impl NameCache {
    /// The facts for `key`, computed by `compute` on a miss.
    pub fn facts(&self, key: Key<'_>, compute: impl FnOnce() -> NameFacts) -> NameFacts {
        let hash = avalanche(key.iter().fold(self.seed, |h, k| fold(h, k.as_bytes())));
        let found = self.read(|m| {
            m.by_hash
                .get(&hash)?
                .iter()
                .find(|entry| entry.key.iter().zip(key).all(|(a, b)| **a == *b))
                .map(|entry| entry.facts)
        });
        if let Some(facts) = found {
            return facts;
        }
        let facts = compute();
        self.write(|m| {
            let bucket = m.by_hash.entry(hash).or_default();
            if bucket.len() < BUCKET {
                bucket.push(Entry {
                    key: key.map(Box::from),
                    facts,
                });
            }
        });
        facts
    }

    fn read<T>(&self, f: impl FnOnce(&Maps) -> Option<T>) -> Option<T> {
        // A poisoned lock only means another thread panicked mid-insert: the maps are still
        // valid hash maps, at worst missing an entry.
        let maps = self.maps.read().unwrap_or_else(|e| e.into_inner());
        f(&maps)
    }

    fn write(&self, f: impl FnOnce(&mut Maps)) {
        let mut maps = self.maps.write().unwrap_or_else(|e| e.into_inner());
        if maps.entries >= LIMIT {
            *maps = Maps::default();
        }
        maps.entries += 1;
        f(&mut maps);
    }

    /// Entries held (for tests).
    pub fn len(&self) -> usize {
        self.maps.read().unwrap_or_else(|e| e.into_inner()).entries
    }
}
