//! `sluice streams`: lists the streams (ListStreams, paginated, plus DescribeStreamSummary of each
//! for status and shard count), or describes one stream and its shards (DescribeStreamSummary and
//! ListShards) as a readable table, or as JSON with `--json`.

use crate::cli::client::model::{ListStreamsOutput, Shard, StreamDescriptionSummary};
use crate::cli::client::timestamp::{format_rfc3339_millis, wire_seconds_to_millis};
use crate::cli::client::{self, ClientArgs, KinesisClient};
use anyhow::Context as _;
use clap::Args;
use serde_json::{Value, json};

#[derive(Debug, Clone, Args)]
pub struct StreamsArgs {
    /// Describe this stream and its shards instead of listing all streams.
    pub name: Option<String>,
    /// Print JSON (the wire shapes) instead of a table.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub client: ClientArgs,
}

pub fn run(args: StreamsArgs) -> anyhow::Result<()> {
    let client = KinesisClient::new(&args.client, 4)?;
    client::runtime(Some(1))?.block_on(async {
        match &args.name {
            Some(name) => describe(&client, name, args.json).await,
            None => list(&client, args.json).await,
        }
    })
}

/// Every stream name, following `NextToken` or, for servers without it, `ExclusiveStartStreamName`.
async fn list_stream_names(client: &KinesisClient) -> anyhow::Result<Vec<String>> {
    let mut names: Vec<String> = Vec::new();
    let mut request = json!({});
    loop {
        let page: ListStreamsOutput = client.call_typed("ListStreams", &request).await?;
        let page_was_empty = page.stream_names.is_empty();
        names.extend(page.stream_names);
        if !page.has_more_streams || page_was_empty {
            return Ok(names);
        }
        request = match (page.next_token, names.last()) {
            (Some(token), _) if !token.is_empty() => json!({"NextToken": token}),
            (_, Some(last)) => json!({"ExclusiveStartStreamName": last}),
            (_, None) => return Ok(names),
        };
    }
}

async fn list(client: &KinesisClient, as_json: bool) -> anyhow::Result<()> {
    let names = list_stream_names(client).await?;
    let mut rows = vec![vec![
        "NAME".to_owned(),
        "STATUS".to_owned(),
        "OPEN SHARDS".to_owned(),
        "MODE".to_owned(),
        "RETENTION".to_owned(),
    ]];
    let mut summaries = Vec::new();
    for name in &names {
        // A stream may disappear between the listing and its description.
        match client
            .call("DescribeStreamSummary", &json!({"StreamName": name}))
            .await
        {
            Ok(answer) => {
                let parsed: Option<StreamDescriptionSummary> =
                    serde_json::from_value(answer["StreamDescriptionSummary"].clone()).ok();
                rows.push(match &parsed {
                    Some(summary) => vec![
                        name.clone(),
                        summary.stream_status.clone(),
                        optional(summary.open_shard_count),
                        mode(summary),
                        summary
                            .retention_period_hours
                            .map_or_else(|| "-".to_owned(), |hours| format!("{hours} h")),
                    ],
                    None => vec![
                        name.clone(),
                        "?".to_owned(),
                        "-".to_owned(),
                        "-".to_owned(),
                        "-".to_owned(),
                    ],
                });
                summaries.push(answer["StreamDescriptionSummary"].clone());
            }
            Err(error) => {
                rows.push(vec![
                    name.clone(),
                    format!("({})", error.code().unwrap_or("error")),
                    "-".to_owned(),
                    "-".to_owned(),
                    "-".to_owned(),
                ]);
                summaries.push(json!({"StreamName": name, "Error": error.to_string()}));
            }
        }
    }
    if as_json {
        println!("{}", serde_json::to_string_pretty(&Value::Array(summaries))?);
    } else if names.is_empty() {
        println!("no streams");
    } else {
        print!("{}", table(&rows));
    }
    Ok(())
}

async fn describe(client: &KinesisClient, name: &str, as_json: bool) -> anyhow::Result<()> {
    let summary_answer = client
        .call("DescribeStreamSummary", &json!({"StreamName": name}))
        .await?;
    let shards = client.list_all_shards(name).await?;
    if as_json {
        let combined = json!({
            "StreamDescriptionSummary": summary_answer["StreamDescriptionSummary"],
            "Shards": shards,
        });
        println!("{}", serde_json::to_string_pretty(&combined)?);
        return Ok(());
    }
    let stream: StreamDescriptionSummary =
        serde_json::from_value(summary_answer["StreamDescriptionSummary"].clone())
            .context("unreadable DescribeStreamSummary answer")?;
    let created = stream.stream_creation_timestamp.map_or_else(
        || "-".to_owned(),
        |seconds| format_rfc3339_millis(wire_seconds_to_millis(seconds)),
    );
    let fields = [
        ("Stream", stream.stream_name.clone()),
        ("ARN", stream.stream_arn.clone().unwrap_or_else(|| "-".to_owned())),
        ("Status", stream.stream_status.clone()),
        ("Mode", mode(&stream)),
        ("Open shards", optional(stream.open_shard_count)),
        (
            "Retention",
            stream
                .retention_period_hours
                .map_or_else(|| "-".to_owned(), |hours| format!("{hours} h")),
        ),
        (
            "Encryption",
            stream
                .encryption_type
                .clone()
                .unwrap_or_else(|| "NONE".to_owned()),
        ),
        ("Consumers", optional(stream.consumer_count)),
        ("Created", created),
    ];
    for (label, value) in fields {
        println!("{label:<12} {value}");
    }
    println!();
    let mut rows = vec![vec![
        "SHARD".to_owned(),
        "STATE".to_owned(),
        "PARENTS".to_owned(),
        "KEYSPACE".to_owned(),
        "STARTING SEQUENCE NUMBER".to_owned(),
    ]];
    for shard in &shards {
        let parents = shard.parents();
        rows.push(vec![
            shard.shard_id.clone(),
            if shard.is_open() { "open" } else { "closed" }.to_owned(),
            if parents.is_empty() {
                "-".to_owned()
            } else {
                parents.join(",")
            },
            keyspace(shard),
            shard.sequence_number_range.starting_sequence_number.clone(),
        ]);
    }
    print!("{}", table(&rows));
    Ok(())
}

fn optional(value: Option<u64>) -> String {
    value.map_or_else(|| "-".to_owned(), |number| number.to_string())
}

fn mode(summary: &StreamDescriptionSummary) -> String {
    summary
        .stream_mode_details
        .as_ref()
        .map_or_else(|| "PROVISIONED".to_owned(), |details| details.stream_mode.clone())
}

/// The shard's hash-key range as a share of the 128-bit keyspace, e.g. `25.00%–50.00%`.
fn keyspace(shard: &Shard) -> String {
    let share = |key: &str| {
        key.parse::<u128>()
            .ok()
            .map(|value| value as f64 / 2f64.powi(128) * 100.0)
    };
    let start = share(&shard.hash_key_range.starting_hash_key);
    let end = share(&shard.hash_key_range.ending_hash_key);
    match (start, end) {
        (Some(start), Some(end)) => format!("{start:.2}%–{end:.2}%"),
        _ => format!(
            "{}–{}",
            shard.hash_key_range.starting_hash_key, shard.hash_key_range.ending_hash_key
        ),
    }
}

/// Left-aligned columns separated by two spaces; the first row is the header.
fn table(rows: &[Vec<String>]) -> String {
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let mut widths = vec![0usize; columns];
    for row in rows {
        for (column, cell) in row.iter().enumerate() {
            widths[column] = widths[column].max(cell.chars().count());
        }
    }
    let mut text = String::new();
    for row in rows {
        let mut line = String::new();
        for (column, cell) in row.iter().enumerate() {
            if column + 1 == row.len() {
                line.push_str(cell);
            } else {
                let padding = widths[column] - cell.chars().count() + 2;
                line.push_str(cell);
                line.push_str(&" ".repeat(padding));
            }
        }
        text.push_str(line.trim_end());
        text.push('\n');
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::client::model::{HashKeyRange, SequenceNumberRange};

    #[test]
    fn test_table_aligns_columns() {
        let rows = vec![
            vec!["NAME".to_owned(), "STATUS".to_owned()],
            vec!["orders".to_owned(), "ACTIVE".to_owned()],
        ];
        assert_eq!(table(&rows), "NAME    STATUS\norders  ACTIVE\n");
    }

    #[test]
    fn test_keyspace_share_of_the_second_of_four_shards() {
        let shard = Shard {
            shard_id: "shardId-000000000001".to_owned(),
            parent_shard_id: None,
            adjacent_parent_shard_id: None,
            hash_key_range: HashKeyRange {
                starting_hash_key: "85070591730234615865843651857942052864".to_owned(),
                ending_hash_key: "170141183460469231731687303715884105727".to_owned(),
            },
            sequence_number_range: SequenceNumberRange {
                starting_sequence_number: "1".to_owned(),
                ending_sequence_number: None,
            },
        };
        assert_eq!(keyspace(&shard), "25.00%–50.00%");
    }
}
