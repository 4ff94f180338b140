//! Short forms of the aws-sdk-kinesis calls that end-to-end tests make again and again: create a
//! stream, list its shards, put a record, get a shard iterator, read one page of records as text.
//!
//! Each helper sends one request and unwraps the answer, so a failure is a panic that names the
//! call. Tests that check an error, or set a field these helpers do not take, build the request
//! themselves.
//!
//! ```no_run
//! # async fn example(kinesis: aws_sdk_kinesis::Client) {
//! use sluice_testkit::kinesis::{create_stream, put, read_shard_data};
//! create_stream(&kinesis, "events", 1).await;
//! put(&kinesis, "events", "key", "hello").await;
//! assert_eq!(read_shard_data(&kinesis, "events", "shardId-000000000000").await, vec!["hello"]);
//! # }
//! ```

use aws_sdk_kinesis::Client;
use aws_sdk_kinesis::operation::get_records::GetRecordsOutput;
use aws_sdk_kinesis::operation::put_record::PutRecordOutput;
use aws_sdk_kinesis::primitives::Blob;
use aws_sdk_kinesis::types::{PutRecordsRequestEntry, Record, Shard, ShardIteratorType};

/// Creates a provisioned stream with `shard_count` shards.
pub async fn create_stream(kinesis: &Client, stream: &str, shard_count: i32) {
    kinesis
        .create_stream()
        .stream_name(stream)
        .shard_count(shard_count)
        .send()
        .await
        .expect("CreateStream");
}

/// The shards of a stream, from one ListShards call without a filter (the first page).
pub async fn list_shards(kinesis: &Client, stream: &str) -> Vec<Shard> {
    kinesis
        .list_shards()
        .stream_name(stream)
        .send()
        .await
        .expect("ListShards")
        .shards
        .expect("ListShards answers with Shards")
}

/// Puts one record and returns the answer (shard id and sequence number).
pub async fn put(
    kinesis: &Client,
    stream: &str,
    partition_key: &str,
    data: impl AsRef<[u8]>,
) -> PutRecordOutput {
    kinesis
        .put_record()
        .stream_name(stream)
        .partition_key(partition_key)
        .data(Blob::new(data.as_ref()))
        .send()
        .await
        .expect("PutRecord")
}

/// A PutRecords entry with a partition key and data.
pub fn entry(partition_key: impl Into<String>, data: impl AsRef<[u8]>) -> PutRecordsRequestEntry {
    PutRecordsRequestEntry::builder()
        .partition_key(partition_key)
        .data(Blob::new(data.as_ref()))
        .build()
        .expect("a PutRecords entry with a partition key and data")
}

/// A shard iterator of a type that needs no sequence number or timestamp (`TRIM_HORIZON`, `LATEST`).
pub async fn shard_iterator(
    kinesis: &Client,
    stream: &str,
    shard: &str,
    iterator_type: ShardIteratorType,
) -> String {
    kinesis
        .get_shard_iterator()
        .stream_name(stream)
        .shard_id(shard)
        .shard_iterator_type(iterator_type)
        .send()
        .await
        .expect("GetShardIterator")
        .shard_iterator
        .expect("GetShardIterator answers with a ShardIterator")
}

/// One GetRecords call with the server's default limit.
pub async fn get_records(kinesis: &Client, iterator: impl Into<String>) -> GetRecordsOutput {
    kinesis
        .get_records()
        .shard_iterator(iterator)
        .send()
        .await
        .expect("GetRecords")
}

/// The data of records as UTF-8 text, in order.
pub fn data_texts(records: &[Record]) -> Vec<String> {
    records
        .iter()
        .map(|record| String::from_utf8(record.data.as_ref().to_vec()).expect("record data is UTF-8"))
        .collect()
}

/// The data of the records in one GetRecords page from `iterator`, as UTF-8 text.
pub async fn read_data(kinesis: &Client, iterator: impl Into<String>) -> Vec<String> {
    data_texts(&get_records(kinesis, iterator).await.records)
}

/// The first GetRecords page from a shard's `TRIM_HORIZON`.
pub async fn read_shard(kinesis: &Client, stream: &str, shard: &str) -> GetRecordsOutput {
    let iterator = shard_iterator(kinesis, stream, shard, ShardIteratorType::TrimHorizon).await;
    get_records(kinesis, iterator).await
}

/// The data of the records in the first GetRecords page from a shard's `TRIM_HORIZON`, as UTF-8 text.
pub async fn read_shard_data(kinesis: &Client, stream: &str, shard: &str) -> Vec<String> {
    data_texts(&read_shard(kinesis, stream, shard).await.records)
}
