//! The passes over a CSV log's bytes, hand-written because they read every byte of every CSV
//! input: the general path's short-record count (`ingest::short_records`), beside the `csv`
//! crate doing the same count (the simpler way it replaced), and its chunked UTF-8 check
//! (`ingest::utf8`), beside one check of the whole buffer; and the typed pass's record and
//! field splitting (`ingest::typed::records`) alone, on the same log and, when
//! `benches/data/log10000000.csv` exists (`benches/compare.sh` makes it), on the 10M-row log
//! together with the time to read its bytes. Run with `cargo bench --bench short_records`.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use cxkpi::ingest::short_records::{read_chunks, short_records};
use cxkpi::ingest::typed::records::{cuts, last_record_end, record_at, split_fields};
use cxkpi::ingest::utf8::Utf8Validator;

/// About 20 MB of a canonical log: 14 fields a record, some of them quoted with a delimiter or
/// a line end inside, CRLF line ends.
fn log() -> Vec<u8> {
    let mut text = String::from(
        "interaction_id,customer_id,category,channel,created_at,first_response_at,resolved_at,\
         talk_seconds,hold_seconds,contacts,reopened,csat,nps,ces\r\n",
    );
    for n in 0..150_000u32 {
        let channel = match n % 4 {
            0 => "chat",
            1 => "\"e-mail, web\"",
            2 => "\"phone\nline\"",
            _ => "email",
        };
        let csat = if n % 3 == 0 { "5" } else { "" };
        text.push_str(&format!(
            "I{n},C{},support,{channel},2026-03-01T09:15:00Z,2026-03-01T09:16:00Z,\
             2026-03-01T10:00:00Z,{},{},1,false,{csat},,\r\n",
            n % 977,
            n % 600,
            n % 90
        ));
    }
    text.into_bytes()
}

fn count_fields(c: &mut Criterion) {
    let log = log();
    let mut group = c.benchmark_group("short_records");
    group.throughput(Throughput::Bytes(log.len() as u64));
    group.bench_function("memchr field counter", |b| {
        b.iter(|| short_records(&log[..], b',', 14).unwrap())
    });
    group.bench_function("csv crate byte records", |b| {
        b.iter(|| {
            let mut reader = csv::ReaderBuilder::new()
                .flexible(true)
                .from_reader(&log[..]);
            let mut record = csv::ByteRecord::new();
            let mut short = Vec::new();
            let mut number = 0u32;
            while reader.read_byte_record(&mut record).unwrap() {
                number += 1;
                if record.len() < 14 {
                    short.push(number);
                }
            }
            short
        })
    });
    group.finish();
}

fn check_utf8(c: &mut Criterion) {
    // Two-byte characters, so that some chunks end inside one.
    let log = String::from_utf8(log())
        .unwrap()
        .replace("chat", "chât")
        .into_bytes();
    let mut group = c.benchmark_group("utf8");
    group.throughput(Throughput::Bytes(log.len() as u64));
    group.bench_function("validator over 1 MiB chunks", |b| {
        b.iter(|| {
            let mut validator = Utf8Validator::default();
            read_chunks(&log[..], |chunk| validator.feed(chunk)).unwrap();
            assert!(validator.finish());
        })
    });
    group.bench_function("std::str::from_utf8 over the whole buffer", |b| {
        b.iter(|| assert!(std::str::from_utf8(&log).is_ok()))
    });
    group.finish();
}

/// The typed pass's splitting alone, one thread: every record found and split into fields
/// (the block cut as the pass cuts it); returns the number of fields, so nothing is skipped.
fn split(data: &[u8]) -> usize {
    let end = last_record_end(data);
    let mut fields = Vec::new();
    let mut count = 0;
    for pair in cuts(&data[..end], 2).windows(2) {
        let piece = &data[pair[0]..pair[1]];
        let mut start = 0;
        while let Some(record) = record_at(piece, start) {
            split_fields(piece, record.content, record.quoted, b',', &mut fields);
            count += fields.len();
            start = record.next;
        }
    }
    count
}

fn split_records(c: &mut Criterion) {
    let log = log();
    let mut group = c.benchmark_group("typed_pass");
    group.throughput(Throughput::Bytes(log.len() as u64));
    group.bench_function("records and fields, one thread", |b| b.iter(|| split(&log)));
    group.finish();

    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/benches/data/log10000000.csv");
    if !std::path::Path::new(path).is_file() {
        eprintln!("typed_pass/10M: skipped, {path} is absent (benches/compare.sh makes it)");
        return;
    }
    let mut group = c.benchmark_group("typed_pass_10M");
    group.sample_size(10);
    let bytes = std::fs::read(path).unwrap();
    group.throughput(Throughput::Bytes(bytes.len() as u64));
    group.bench_function("read the file's bytes", |b| {
        b.iter(|| std::fs::read(path).unwrap().len())
    });
    group.bench_function("records and fields, one thread", |b| {
        b.iter(|| split(&bytes))
    });
    group.bench_function("records and fields, two threads", |b| {
        b.iter(|| {
            let end = last_record_end(&bytes);
            let cut = cuts(&bytes[..end], 2);
            std::thread::scope(|scope| {
                let halves: Vec<_> = (cut.windows(2))
                    .map(|pair| {
                        let half = &bytes[pair[0]..pair[1]];
                        scope.spawn(move || split(half))
                    })
                    .collect();
                halves.into_iter().map(|h| h.join().unwrap()).sum::<usize>()
            })
        })
    });
    group.finish();
}

criterion_group!(benches, count_fields, check_utf8, split_records);
criterion_main!(benches);
