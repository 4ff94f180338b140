//! Exact message texts of [`Violations`], from the examples of spec C.10 and kinesalite.

use std::collections::BTreeMap;

use sluice_core::AwsErrorKind;

use super::*;

fn message_of(violations: Violations) -> String {
    let error = violations.into_result().unwrap_err();
    assert_eq!(error.kind, AwsErrorKind::Validation);
    error.message.unwrap_or_default()
}

fn is_stream_name(value: &str) -> bool {
    !value.is_empty()
        && value
            .chars()
            .all(|character| character.is_ascii_alphanumeric() || "_.-".contains(character))
}

#[test]
fn no_violation_is_ok() {
    let mut violations = Violations::new();
    assert!(violations.not_null("streamName", Some("s")));
    assert!(violations.length_between("streamName", "s", 1, 128));
    assert!(violations.value_between("shardCount", 1, 1, 100_000));
    assert!(violations.is_empty());
    assert_eq!(violations.into_result(), Ok(()));
}

#[test]
fn pattern_example_from_the_spec() {
    let mut violations = Violations::new();
    assert!(!violations.pattern("streamName", "bad name!", "[a-zA-Z0-9_.-]+", is_stream_name));
    assert_eq!(
        message_of(violations),
        "1 validation error detected: Value 'bad name!' at 'streamName' failed to satisfy constraint: Member \
         must satisfy regular expression pattern: [a-zA-Z0-9_.-]+"
    );
}

#[test]
fn value_example_from_the_spec() {
    let mut violations = Violations::new();
    assert!(!violations.value_between("shardCount", 0, 1, 100_000));
    assert_eq!(
        message_of(violations),
        "1 validation error detected: Value '0' at 'shardCount' failed to satisfy constraint: Member must have \
         value greater than or equal to 1"
    );
}

#[test]
fn null_is_unquoted() {
    let mut violations = Violations::new();
    assert!(!violations.not_null::<str>("streamName", None));
    assert_eq!(
        message_of(violations),
        "1 validation error detected: Value null at 'streamName' failed to satisfy constraint: Member must not be \
         null"
    );
}

#[test]
fn several_violations_are_counted_and_joined() {
    let mut violations = Violations::new();
    violations.length_between("streamName", "", 1, 128);
    violations.value_between("limit", 10_001, 1, 10_000);
    assert_eq!(
        message_of(violations),
        "2 validation errors detected: Value '' at 'streamName' failed to satisfy constraint: Member must have \
         length greater than or equal to 1; Value '10001' at 'limit' failed to satisfy constraint: Member must \
         have value less than or equal to 10000"
    );
}

#[test]
fn blob_is_rendered_as_a_java_byte_buffer() {
    let mut violations = Violations::new();
    assert!(!violations.blob_length_max("records.1.member.data", 1_048_577, 1_048_576));
    assert_eq!(
        message_of(violations),
        "1 validation error detected: Value 'java.nio.HeapByteBuffer[pos=0 lim=1048577 cap=1048577]' at \
         'records.1.member.data' failed to satisfy constraint: Member must have length less than or equal to \
         1048576"
    );
}

#[test]
fn length_counts_characters_not_bytes() {
    let mut violations = Violations::new();
    let two_hundred_fifty_six_accents = "é".repeat(256);
    assert!(violations.length_between(
        "records.1.member.partitionKey",
        &two_hundred_fifty_six_accents,
        1,
        256
    ));
    assert!(!violations.length_between("partitionKey", &"é".repeat(257), 1, 256));
    assert!(message_of(violations).ends_with("Member must have length less than or equal to 256"));
}

#[test]
fn enum_lists_the_allowed_values() {
    let mut violations = Violations::new();
    let allowed = [
        "AT_SEQUENCE_NUMBER",
        "AFTER_SEQUENCE_NUMBER",
        "TRIM_HORIZON",
        "LATEST",
        "AT_TIMESTAMP",
    ];
    assert!(!violations.enum_value("shardIteratorType", "OLDEST", &allowed));
    assert_eq!(
        message_of(violations),
        "1 validation error detected: Value 'OLDEST' at 'shardIteratorType' failed to satisfy constraint: Member \
         must satisfy enum value set: [AT_SEQUENCE_NUMBER, AFTER_SEQUENCE_NUMBER, TRIM_HORIZON, LATEST, \
         AT_TIMESTAMP]"
    );
}

#[test]
fn list_length_with_items_renders_them_only_when_failing() {
    let mut violations = Violations::new();
    let entries: Vec<JavaObject<'_>> = (0..2)
        .map(|index| JavaObject {
            class: "com.amazonaws.kinesis.v20131202.PutRecordsRequestEntry",
            identity_hash: 0x1b6d_3586 + index,
        })
        .collect();
    assert!(violations.list_length_between_items("records", entries.iter(), 1, 500));
    assert!(!violations.list_length_between_items("records", entries.iter(), 3, 500));
    assert_eq!(
        message_of(violations),
        "1 validation error detected: Value '[com.amazonaws.kinesis.v20131202.PutRecordsRequestEntry@1b6d3586, \
         com.amazonaws.kinesis.v20131202.PutRecordsRequestEntry@1b6d3587]' at 'records' failed to satisfy \
         constraint: Member must have length greater than or equal to 3"
    );
}

#[test]
fn list_item_lengths_use_the_member_constraint_text() {
    let mut violations = Violations::new();
    let keys = ["ok".to_owned(), String::new()];
    assert!(!violations.list_items_length_between("tagKeys", &keys, 1, 128));
    assert_eq!(
        message_of(violations),
        "1 validation error detected: Value '[ok, ]' at 'tagKeys' failed to satisfy constraint: Member must \
         satisfy constraint: [Member must have length less than or equal to 128, Member must have length \
         greater than or equal to 1]"
    );
}

#[test]
fn map_keys_constraint_text() {
    let mut violations = Violations::new();
    let tags = BTreeMap::from([
        (String::new(), "v".to_owned()),
        ("team".to_owned(), "data".to_owned()),
    ]);
    assert!(!violations.map_keys_length("tags", &tags, 1, 128));
    assert_eq!(
        message_of(violations),
        "1 validation error detected: Value '{=v, team=data}' at 'tags' failed to satisfy constraint: Map keys \
         must satisfy constraint: [Member must have length less than or equal to 128, Member must have length \
         greater than or equal to 1]"
    );
}

#[test]
fn map_length_with_entries_renders_the_map() {
    let mut violations = Violations::new();
    let tags = BTreeMap::from([("a".to_owned(), "1".to_owned()), ("b".to_owned(), "2".to_owned())]);
    assert!(violations.map_length_between_entries("tags", &tags, 1, 50));
    assert!(!violations.map_length_between_entries("tags", &tags, 1, 1));
    assert_eq!(
        message_of(violations),
        "1 validation error detected: Value '{a=1, b=2}' at 'tags' failed to satisfy constraint: Member must \
         have length less than or equal to 1"
    );
}

#[test]
fn at_most_ten_violations_are_reported() {
    let mut violations = Violations::new();
    for index in 1..=12 {
        violations.not_null::<str>(&format!("records.{index}.member.partitionKey"), None);
    }
    assert_eq!(violations.len(), MAX_REPORTED_VIOLATIONS);
    let message = message_of(violations);
    assert!(
        message.starts_with("10 validation errors detected: Value null at 'records.1.member.partitionKey'")
    );
    assert!(message.contains("'records.10.member.partitionKey'"));
    assert!(!message.contains("'records.11.member.partitionKey'"));
    assert_eq!(message.matches("; ").count(), 9);
}

#[test]
fn length_only_list_and_map_checks_name_no_value() {
    let mut violations = Violations::new();
    assert!(violations.list_length_between("records", 500, 1, 500));
    assert!(!violations.list_length_between("records", 501, 1, 500));
    assert!(!violations.map_length_between("tags", 0, 1, 200));
    assert_eq!(
        message_of(violations),
        "2 validation errors detected: Value at 'records' failed to satisfy constraint: Member must have length \
         less than or equal to 500; Value at 'tags' failed to satisfy constraint: Member must have length greater \
         than or equal to 1"
    );
}
