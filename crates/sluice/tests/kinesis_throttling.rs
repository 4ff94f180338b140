//! Optional per-shard write limits (`--enforce-shard-limits`): beyond 1 MiB/s or 1,000 records/s a
//! shard refuses records with ProvisionedThroughputExceededException, per record in PutRecords and
//! for the whole call in PutRecord, as Kinesis does.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use aws_sdk_kinesis::primitives::Blob;
use sluice_testkit::TestServer;
use sluice_testkit::kinesis::{create_stream, entry};

#[tokio::test]
async fn a_shard_over_its_write_limit_refuses_records() {
    let server = TestServer::start_with(env!("CARGO_BIN_EXE_sluice"), &["--enforce-shard-limits"]).await;
    let kinesis = server.kinesis();
    create_stream(&kinesis, "limited", 1).await;
    // 500 records of 4 KiB = 2 MiB in one request: about half fits the shard's 1 MiB/s.
    let entries: Vec<_> = (0..500)
        .map(|index| entry(format!("k{index}"), vec![b'x'; 4096]))
        .collect();
    let output = kinesis
        .put_records()
        .stream_name("limited")
        .set_records(Some(entries))
        .send()
        .await
        .unwrap();
    let failed = output.failed_record_count.unwrap();
    assert!(failed > 0 && failed < 500, "{failed} records were throttled");
    let throttled = output
        .records
        .iter()
        .find(|record| record.error_code.is_some())
        .unwrap();
    assert_eq!(
        throttled.error_code.as_deref(),
        Some("ProvisionedThroughputExceededException")
    );
    assert_eq!(
        throttled.error_message.as_deref(),
        Some("Rate exceeded for shard shardId-000000000000 in stream limited under account 000000000000.")
    );
    assert!(
        output
            .records
            .iter()
            .filter(|record| record.sequence_number.is_some())
            .count()
            == 500 - failed as usize
    );

    let single = kinesis
        .put_record()
        .stream_name("limited")
        .partition_key("k")
        .data(Blob::new(vec![0; 4096]))
        .send()
        .await;
    match single {
        Err(error) => assert!(
            error
                .into_service_error()
                .is_provisioned_throughput_exceeded_exception()
        ),
        // The one-second window may have rolled over between the calls.
        Ok(output) => assert_eq!(output.shard_id, "shardId-000000000000"),
    }
}
