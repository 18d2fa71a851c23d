//! Streaming a roster through a computation on every core, in bounded memory.
//!
//! The reader thread parses CSV records into reused batches; each batch is cut into chunks that
//! the worker threads compute in parallel (parse cells, apply the rules, format output); the
//! results are handed back in input order. Memory is a few batches, whatever the file's size.
//! The one thing kept per household is an 8-byte fingerprint of its id (a 12-byte map entry
//! with the row it was first seen on), so that a duplicate id is refused wherever in the file
//! it appears.

use crate::household::reader::{InputError, RecordSource};
use crate::household::record::Record;
use rayon::prelude::*;
use std::collections::HashMap;
use std::hash::{BuildHasher, Hasher};
use std::sync::mpsc;

/// Records per batch handed from the reader to the workers.
const BATCH: usize = 16 * 1024;
/// Records per chunk a worker computes in one go (one output buffer each).
const CHUNK: usize = 1024;

/// Room made in a new record: a roster line of a few hundred bytes in a few dozen cells fills
/// it without growing it (a record is reused from batch to batch; a longer one grows once).
const RECORD_TEXT: usize = 192;
const RECORD_CELLS: usize = 32;

/// One input record with its place in the file.
pub struct Row {
    /// line number in the file
    pub line: u64,
    /// the raw fields
    pub record: Record,
    /// the line of an earlier row with the same household id
    pub duplicate_of: Option<u64>,
}

/// Streams every record of `source` through `work` (called on chunks of consecutive rows, in
/// parallel) and hands the results to `consume` in input order. `id_field` is the field index of
/// the household id, for the duplicate check. Returns the number of rows.
pub fn stream<T: Send>(
    source: &mut dyn RecordSource,
    id_field: Option<usize>,
    work: impl Fn(&[Row]) -> T + Sync,
    consume: impl FnMut(T) -> anyhow::Result<()>,
) -> anyhow::Result<u64> {
    stream_batched(source, id_field, BATCH, work, consume)
}

/// [`stream`] with `batch` records per batch (at least one): a caller whose results are large
/// per record keeps fewer of them in flight.
pub fn stream_batched<T: Send>(
    source: &mut dyn RecordSource,
    id_field: Option<usize>,
    batch: usize,
    work: impl Fn(&[Row]) -> T + Sync,
    mut consume: impl FnMut(T) -> anyhow::Result<()>,
) -> anyhow::Result<u64> {
    let batch_size = batch.max(1);
    let (full_tx, full_rx) = mpsc::sync_channel::<Vec<Row>>(2);
    let (empty_tx, empty_rx) = mpsc::channel::<Vec<Row>>();
    // one batch being read, one computed, one written
    for _ in 0..3 {
        let _ = empty_tx.send(Vec::with_capacity(batch_size));
    }
    let mut total = 0u64;
    std::thread::scope(|scope| -> anyhow::Result<()> {
        let reader = scope.spawn(move || -> Result<(), InputError> {
            let mut seen: HashMap<[u32; 2], u32, IdHasher> = HashMap::default();
            while let Ok(mut batch) = empty_rx.recv() {
                let mut n = 0;
                while n < batch_size {
                    if batch.len() == n {
                        batch.push(Row {
                            line: 0,
                            record: Record::with_capacity(RECORD_TEXT, RECORD_CELLS),
                            duplicate_of: None,
                        });
                    }
                    let row = &mut batch[n];
                    match source.next_record(&mut row.record)? {
                        Some(line) => {
                            row.line = line;
                            row.duplicate_of = id_field.and_then(|i| {
                                let id = row.record.get(i).unwrap_or("").trim();
                                if id.is_empty() {
                                    return None;
                                }
                                let here = u32::try_from(line).unwrap_or(u32::MAX);
                                let first = *seen.entry(halves(fingerprint(id))).or_insert(here);
                                (first != here).then_some(u64::from(first))
                            });
                            n += 1;
                        }
                        None => break,
                    }
                }
                batch.truncate(n);
                let last = n < batch_size;
                if n > 0 && full_tx.send(batch).is_err() {
                    return Ok(());
                }
                if last {
                    return Ok(());
                }
            }
            Ok(())
        });
        // The batches are computed on a thread of their own, so that the results of one batch
        // are written (by `consume`, on this thread) while the next is computed.
        // A rendezvous: the computer is at most one batch ahead of the writing.
        let (done_tx, done_rx) = mpsc::sync_channel::<(Vec<T>, Vec<Row>)>(0);
        let work = &work;
        let computer = scope.spawn(move || {
            for batch in full_rx.iter() {
                let outs: Vec<T> = batch.par_chunks(CHUNK).map(work).collect();
                if done_tx.send((outs, batch)).is_err() {
                    break;
                }
            }
        });
        let mut result = Ok(());
        for (outs, batch) in done_rx.iter() {
            total += batch.len() as u64;
            for out in outs {
                if let Err(e) = consume(out) {
                    result = Err(e);
                    break;
                }
            }
            if result.is_err() {
                break;
            }
            // The reader may already have finished (and dropped its end): then the batch is
            // simply not reused.
            let _ = empty_tx.send(batch);
        }
        // Ends the other threads on an error: the computer on its next result, the reader on its
        // next batch.
        drop(done_rx);
        drop(empty_tx);
        if computer.join().is_err() {
            return Err(anyhow::anyhow!("a worker stopped unexpectedly"));
        }
        match reader.join() {
            Ok(Ok(())) => result,
            Ok(Err(e)) => Err(e.into()),
            Err(_) => Err(anyhow::anyhow!("the roster reader stopped unexpectedly")),
        }
    })?;
    Ok(total)
}

/// A 64-bit fingerprint of a household id (FNV-1a over its bytes in ASCII upper case, so that
/// `h001` repeats `H001`; then mixed). Two different ids of a roster of five million share one
/// with a chance of about one in a million; such a row would be reported as a duplicate for a
/// person to check, never paid twice or dropped.
fn fingerprint(id: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in id.as_bytes() {
        h ^= u64::from(b.to_ascii_uppercase());
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^ (h >> 33)
}

/// A fingerprint as two 4-byte halves: with the 4-byte line number a map entry is 12 bytes,
/// where a `u64` key would pad it to 16.
fn halves(fp: u64) -> [u32; 2] {
    // Splitting a u64 into its halves: the casts keep exactly the bits asked for.
    [(fp >> 32) as u32, fp as u32]
}

/// The fingerprints are already well mixed: hash them as they are.
#[derive(Default, Clone, Copy)]
struct IdHasher;

impl BuildHasher for IdHasher {
    type Hasher = PassThrough;
    fn build_hasher(&self) -> PassThrough {
        PassThrough(0)
    }
}

struct PassThrough(u64);

impl Hasher for PassThrough {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(*b);
        }
    }
    fn write_u32(&mut self, n: u32) {
        self.0 = (self.0 << 32) | u64::from(n);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::household::columns::HeaderMap;

    /// `n` records of one field each, `H0`, `H1` …
    struct Numbers {
        n: u64,
        next: u64,
        map: HeaderMap,
    }

    impl RecordSource for Numbers {
        fn name(&self) -> &str {
            "numbers"
        }
        fn header_map(&self) -> &HeaderMap {
            &self.map
        }
        fn headers(&self) -> &[String] {
            &[]
        }
        fn next_record(&mut self, rec: &mut Record) -> Result<Option<u64>, InputError> {
            if self.next == self.n {
                return Ok(None);
            }
            *rec = Record::new();
            rec.push_field(&format!("H{}", self.next % 70_000));
            self.next += 1;
            Ok(Some(self.next + 1))
        }
    }

    fn numbers(n: u64) -> Numbers {
        Numbers {
            n,
            next: 0,
            map: HeaderMap::default(),
        }
    }

    #[test]
    fn results_come_in_input_order_across_batches_with_duplicates_marked() {
        let mut src = numbers(5 * BATCH as u64 + 5);
        let mut seen = Vec::new();
        let rows = stream(
            &mut src,
            Some(0),
            |rows| {
                rows.iter()
                    .map(|r| (r.line, r.duplicate_of))
                    .collect::<Vec<_>>()
            },
            |chunk| {
                seen.extend(chunk);
                Ok(())
            },
        )
        .unwrap();
        assert_eq!(rows, 5 * BATCH as u64 + 5);
        assert_eq!(seen.len() as u64, rows);
        assert!(seen.windows(2).all(|w| w[1].0 == w[0].0 + 1));
        // H0 comes back as the 70,001st record: a repeat of line 2
        assert_eq!(seen[70_000], (70_002, Some(2)));
        assert_eq!(
            seen.iter().filter(|s| s.1.is_some()).count(),
            5 * BATCH - 70_000 + 5
        );
    }

    #[test]
    fn a_failure_while_writing_stops_the_run_and_is_returned() {
        let mut src = numbers(8 * BATCH as u64);
        let mut chunks = 0;
        let r = stream(
            &mut src,
            Some(0),
            |rows| rows.len(),
            |_| {
                chunks += 1;
                if chunks == 20 {
                    anyhow::bail!("disk full");
                }
                Ok(())
            },
        );
        assert_eq!(r.unwrap_err().to_string(), "disk full");
        assert_eq!(chunks, 20);
    }
}
