//! The pass over a CSV log's bytes, hand-written because it reads every byte of every CSV input:
//! the short-record count (`ingest::short_records`), beside the `csv` crate doing the same count
//! (the simpler way it replaced), and the chunked UTF-8 check (`ingest::utf8`), beside one
//! check of the whole buffer. Run with `cargo bench --bench short_records`.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use cxkpi::ingest::short_records::{read_chunks, short_records};
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

criterion_group!(benches, count_fields, check_utf8);
criterion_main!(benches);
