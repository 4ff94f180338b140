//! Chooses each record's partition key: random, fixed, or read from a field of the JSON record.

use serde_json::Value;

/// Kinesis partition keys are 1 to 256 Unicode characters.
const MAX_PARTITION_KEY_CHARS: usize = 256;

/// Where a record's partition key comes from.
#[derive(Debug, Clone)]
pub enum KeySource {
    /// A fresh random key per record, spreading records over all shards.
    Random,
    /// The same key for every record (all go to one shard, in order).
    Fixed(String),
    /// The value of this field of the record's JSON object; `a.b` reaches into nested objects when no
    /// top-level field has the dotted name.
    Field(String),
}

impl KeySource {
    /// The partition key for one record's data.
    pub fn key_for(&self, data: &[u8]) -> Result<String, String> {
        match self {
            KeySource::Random => Ok(format!("{:016x}", rand::random::<u64>())),
            KeySource::Fixed(key) => Ok(key.clone()),
            KeySource::Field(field) => key_from_field(data, field),
        }
    }

    /// Checks a fixed key once, up front.
    pub fn validate(&self) -> Result<(), String> {
        match self {
            KeySource::Fixed(key) => check_length(key),
            KeySource::Random | KeySource::Field(_) => Ok(()),
        }
    }
}

fn check_length(key: &str) -> Result<(), String> {
    let chars = key.chars().count();
    if chars == 0 {
        Err("the partition key is empty".to_owned())
    } else if chars > MAX_PARTITION_KEY_CHARS {
        Err(format!(
            "the partition key has {chars} characters, more than {MAX_PARTITION_KEY_CHARS}"
        ))
    } else {
        Ok(())
    }
}

fn key_from_field(data: &[u8], field: &str) -> Result<String, String> {
    let document: Value = serde_json::from_slice(data).map_err(|error| format!("not JSON: {error}"))?;
    let found = document.get(field).or_else(|| {
        let mut current = &document;
        for part in field.split('.') {
            current = current.get(part)?;
        }
        Some(current)
    });
    let key = match found {
        Some(Value::String(text)) => text.clone(),
        Some(Value::Number(number)) => number.to_string(),
        Some(Value::Bool(flag)) => flag.to_string(),
        Some(Value::Null) | None => return Err(format!("no field '{field}' to take the partition key from")),
        Some(Value::Array(_) | Value::Object(_)) => {
            return Err(format!("field '{field}' is not a string, number or boolean"));
        }
    };
    check_length(&key).map(|()| key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_field_keys_from_strings_numbers_and_nested_paths() {
        let keys = KeySource::Field("user".to_owned());
        assert_eq!(keys.key_for(br#"{"user":"ann"}"#), Ok("ann".to_owned()));
        assert_eq!(keys.key_for(br#"{"user":42}"#), Ok("42".to_owned()));
        let nested = KeySource::Field("user.id".to_owned());
        assert_eq!(nested.key_for(br#"{"user":{"id":"u-1"}}"#), Ok("u-1".to_owned()));
        assert_eq!(nested.key_for(br#"{"user.id":"flat"}"#), Ok("flat".to_owned()));
    }

    #[test]
    fn test_field_keys_reject_missing_empty_and_structured_values() {
        let keys = KeySource::Field("user".to_owned());
        for data in [
            &br#"{"other":1}"#[..],
            br#"{"user":null}"#,
            br#"{"user":""}"#,
            br#"{"user":[1]}"#,
            b"not json",
        ] {
            assert!(keys.key_for(data).is_err(), "{}", String::from_utf8_lossy(data));
        }
        let long = format!(r#"{{"user":"{}"}}"#, "x".repeat(257));
        assert!(keys.key_for(long.as_bytes()).is_err());
    }

    #[test]
    fn test_random_keys_differ_and_fixed_keys_are_checked() {
        let first = KeySource::Random.key_for(b"").unwrap();
        let second = KeySource::Random.key_for(b"").unwrap();
        assert_ne!(first, second);
        assert!(KeySource::Fixed(String::new()).validate().is_err());
        assert!(KeySource::Fixed("ok".to_owned()).validate().is_ok());
    }
}
