//! Constraint validation of decoded inputs, with AWS's "Coral" messages (spec C.10).
//!
//! A handler collects the violations of its input in a [`Violations`], one call per constraint of
//! the model, in the model's order, then calls [`Violations::into_result`]. The result is a 400
//! `ValidationException` such as
//! `1 validation error detected: Value '0' at 'shardCount' failed to satisfy constraint: Member
//! must have value greater than or equal to 1`, or with several entries joined by `; ` after
//! `N validation errors detected: `. Collection stops at 10 entries, as kinesalite does, so `N` is
//! at most 10.
//!
//! Paths are written by the caller in the wire's lower-camel form: `streamName`,
//! `records.1.member.partitionKey` (1-based list index), `tags.<key>` for map entries.
//!
//! Values are rendered as AWS renders them: quoted `'v'` (numbers too), `null` unquoted, blobs as
//! `'java.nio.HeapByteBuffer[pos=0 lim=<len> cap=<len>]'`, lists as `'[a, b]'`, maps as
//! `'{k=v}'`. List items that are structures are written by Java's `Object.toString`; pass
//! [`JavaObject`] items to [`Violations::list_length_between_items`] to reproduce
//! `com.amazonaws.kinesis.v20131202.PutRecordsRequestEntry@1b6d3586`, or use the count-only
//! [`Violations::list_length_between`], whose entry shows no value (`Value at 'records' ...`).
//!
//! String lengths count Unicode scalar values (`char`s). Required members should be declared
//! `Option<T>` in the input type and checked with [`Violations::not_null`], so that a missing
//! member is a `ValidationException` (as in AWS) rather than a `SerializationException`.

use std::fmt::{self, Display, Write as _};

use crate::error::ApiError;

/// At most this many violations are reported.
pub const MAX_REPORTED_VIOLATIONS: usize = 10;

/// The violations found so far in one request.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Violations {
    entries: Vec<String>,
}

impl Violations {
    pub fn new() -> Violations {
        Violations::default()
    }

    /// How many violations were recorded (at most [`MAX_REPORTED_VIOLATIONS`]).
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Records one violation. `value` is the rendered value without quotes (`None` for null);
    /// `constraint` is the text after `failed to satisfy constraint: `. The checks below cover the
    /// model's constraints; this is the escape hatch for anything else.
    pub fn violation(&mut self, path: &str, value: Option<&dyn Display>, constraint: &dyn Display) {
        match value {
            Some(value) => self.push(format!(
                "Value '{value}' at '{path}' failed to satisfy constraint: {constraint}"
            )),
            None => self.push(format!(
                "Value null at '{path}' failed to satisfy constraint: {constraint}"
            )),
        }
    }

    /// Records a violation whose value is not shown: `Value at '<path>' failed to satisfy
    /// constraint: <constraint>`.
    pub fn violation_without_value(&mut self, path: &str, constraint: &dyn Display) {
        self.push(format!(
            "Value at '{path}' failed to satisfy constraint: {constraint}"
        ));
    }

    fn push(&mut self, entry: String) {
        if self.entries.len() < MAX_REPORTED_VIOLATIONS {
            self.entries.push(entry);
        }
    }

    /// `Member must not be null`. Returns whether the value is present.
    pub fn not_null<T: ?Sized>(&mut self, path: &str, value: Option<&T>) -> bool {
        if value.is_none() {
            self.violation(path, None, &"Member must not be null");
        }
        value.is_some()
    }

    /// String length in `[min, max]`, counted in Unicode characters. Returns whether it holds.
    pub fn length_between(&mut self, path: &str, value: &str, min: usize, max: usize) -> bool {
        let length = value.chars().count();
        self.check_length(path, length, min, max, Some(&value))
    }

    /// Blob length in bytes in `[min, max]`. Returns whether it holds.
    pub fn blob_length_between(&mut self, path: &str, length: usize, min: usize, max: usize) -> bool {
        self.check_length(path, length, min, max, Some(&HeapByteBuffer(length)))
    }

    /// Blob length in bytes at most `max`. Returns whether it holds.
    pub fn blob_length_max(&mut self, path: &str, length: usize, max: usize) -> bool {
        self.blob_length_between(path, length, 0, max)
    }

    /// `Member must satisfy regular expression pattern: <pattern_text>`, where `matches` is the
    /// hand-written equivalent of the whole-string regex. Returns whether it holds.
    pub fn pattern(
        &mut self,
        path: &str,
        value: &str,
        pattern_text: &str,
        matches: fn(&str) -> bool,
    ) -> bool {
        let holds = matches(value);
        if !holds {
            let constraint = format!("Member must satisfy regular expression pattern: {pattern_text}");
            self.violation(path, Some(&value), &constraint);
        }
        holds
    }

    /// Number in `[min, max]`. Returns whether it holds.
    pub fn value_between(&mut self, path: &str, value: i64, min: i64, max: i64) -> bool {
        if value < min {
            self.violation(
                path,
                Some(&value),
                &format!("Member must have value greater than or equal to {min}"),
            );
            return false;
        }
        if value > max {
            self.violation(
                path,
                Some(&value),
                &format!("Member must have value less than or equal to {max}"),
            );
            return false;
        }
        true
    }

    /// `Member must satisfy enum value set: [A, B]`. Returns whether it holds.
    pub fn enum_value(&mut self, path: &str, value: &str, allowed: &[&str]) -> bool {
        let holds = allowed.contains(&value);
        if !holds {
            let constraint = format!("Member must satisfy enum value set: [{}]", allowed.join(", "));
            self.violation(path, Some(&value), &constraint);
        }
        holds
    }

    /// Number of list items in `[min, max]`, when only the count is at hand. The entry names no
    /// value (`Value at 'records' failed to satisfy constraint: ...`, the form moto uses): AWS
    /// would print every item, which for structures is a list of Java object ids. Returns whether
    /// it holds.
    pub fn list_length_between(&mut self, path: &str, length: usize, min: usize, max: usize) -> bool {
        self.check_length(path, length, min, max, None)
    }

    /// Number of list items in `[min, max]`, with the items rendered as AWS does (`'[a, b]'`) if
    /// the check fails. Returns whether it holds.
    pub fn list_length_between_items<I>(&mut self, path: &str, items: I, min: usize, max: usize) -> bool
    where
        I: IntoIterator,
        I::IntoIter: ExactSizeIterator,
        I::Item: Display,
    {
        let items = items.into_iter();
        let length = items.len();
        if (min..=max).contains(&length) {
            return true;
        }
        let rendered = render_list(items);
        self.check_length(path, length, min, max, Some(&rendered))
    }

    /// Every string of a list has a length in `[min, max]` (the model's list-member length).
    /// Returns whether it holds.
    pub fn list_items_length_between<S: AsRef<str>>(
        &mut self,
        path: &str,
        items: &[S],
        min: usize,
        max: usize,
    ) -> bool {
        let holds = items
            .iter()
            .all(|item| (min..=max).contains(&item.as_ref().chars().count()));
        if !holds {
            let rendered = render_list(items.iter().map(AsRef::as_ref));
            self.violation(
                path,
                Some(&rendered),
                &member_lengths_constraint("Member", min, max),
            );
        }
        holds
    }

    /// Number of map entries in `[min, max]`, when only the count is at hand (the entry names no
    /// value, as [`Violations::list_length_between`]). Returns whether it holds.
    pub fn map_length_between(&mut self, path: &str, length: usize, min: usize, max: usize) -> bool {
        self.check_length(path, length, min, max, None)
    }

    /// Number of map entries in `[min, max]`, with the map rendered as AWS does (`'{k=v}'`) if the
    /// check fails. Returns whether it holds.
    pub fn map_length_between_entries<I, K, V>(
        &mut self,
        path: &str,
        entries: I,
        min: usize,
        max: usize,
    ) -> bool
    where
        I: IntoIterator<Item = (K, V)> + Clone,
        K: Display,
        V: Display,
    {
        let length = entries.clone().into_iter().count();
        if (min..=max).contains(&length) {
            return true;
        }
        let rendered = render_map(entries);
        self.check_length(path, length, min, max, Some(&rendered))
    }

    /// Every key of a map has a length in `[min, max]`:
    /// `Map keys must satisfy constraint: [Member must have length less than or equal to <max>,
    /// Member must have length greater than or equal to <min>]`. Returns whether it holds.
    pub fn map_keys_length<I, K, V>(&mut self, path: &str, entries: I, min: usize, max: usize) -> bool
    where
        I: IntoIterator<Item = (K, V)> + Clone,
        K: AsRef<str>,
        V: Display,
    {
        let holds = entries
            .clone()
            .into_iter()
            .all(|(key, _)| (min..=max).contains(&key.as_ref().chars().count()));
        if !holds {
            let rendered = render_map(
                entries
                    .into_iter()
                    .map(|(key, value)| (key.as_ref().to_owned(), value)),
            );
            self.violation(
                path,
                Some(&rendered),
                &member_lengths_constraint("Map keys", min, max),
            );
        }
        holds
    }

    /// `Ok` when nothing was recorded, else the `ValidationException`.
    pub fn into_result(self) -> Result<(), ApiError> {
        match self.entries.len() {
            0 => Ok(()),
            1 => Err(ApiError::validation(format!(
                "1 validation error detected: {}",
                self.entries[0]
            ))),
            count => Err(ApiError::validation(format!(
                "{count} validation errors detected: {}",
                self.entries.join("; ")
            ))),
        }
    }

    /// The shared length check: one entry for the bound that fails, showing `rendered` when given.
    fn check_length(
        &mut self,
        path: &str,
        length: usize,
        min: usize,
        max: usize,
        rendered: Option<&dyn Display>,
    ) -> bool {
        let constraint = if length < min {
            format!("Member must have length greater than or equal to {min}")
        } else if length > max {
            format!("Member must have length less than or equal to {max}")
        } else {
            return true;
        };
        match rendered {
            Some(rendered) => self.violation(path, Some(rendered), &constraint),
            None => self.violation_without_value(path, &constraint),
        }
        false
    }
}

/// How Java prints a `ByteBuffer`, which is how AWS shows a blob in a violation.
struct HeapByteBuffer(usize);

impl Display for HeapByteBuffer {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            formatter,
            "java.nio.HeapByteBuffer[pos=0 lim={0} cap={0}]",
            self.0
        )
    }
}

/// A structure value as Java's default `toString` prints it: `<class>@<identity hash in hex>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JavaObject<'a> {
    pub class: &'a str,
    pub identity_hash: u32,
}

impl Display for JavaObject<'_> {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "{}@{:x}", self.class, self.identity_hash)
    }
}

/// `[a, b, c]`.
fn render_list<I: Iterator<Item = D>, D: Display>(items: I) -> String {
    let mut rendered = String::from("[");
    for (index, item) in items.enumerate() {
        if index > 0 {
            rendered.push_str(", ");
        }
        let _ = write!(rendered, "{item}");
    }
    rendered.push(']');
    rendered
}

/// `{k1=v1, k2=v2}`.
fn render_map<I, K, V>(entries: I) -> String
where
    I: IntoIterator<Item = (K, V)>,
    K: Display,
    V: Display,
{
    let mut rendered = String::from("{");
    for (index, (key, value)) in entries.into_iter().enumerate() {
        if index > 0 {
            rendered.push_str(", ");
        }
        let _ = write!(rendered, "{key}={value}");
    }
    rendered.push('}');
    rendered
}

/// `<subject> must satisfy constraint: [Member must have length less than or equal to <max>, Member
/// must have length greater than or equal to <min>]`.
fn member_lengths_constraint(subject: &str, min: usize, max: usize) -> String {
    format!(
        "{subject} must satisfy constraint: [Member must have length less than or equal to {max}, Member must \
         have length greater than or equal to {min}]"
    )
}

#[cfg(test)]
mod tests;
